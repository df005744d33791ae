"""Rules for submit-job templates, the spec's `jobs` (SJ-, SJA-, SJD-, SJO-, SJP-).

The schema already checks the ranges and enums it is tagged with (SJ-005, SJA-001, SJD-001,
SJD-002, SJO-003); these rules check what needs the job's definition, its queue or other
jobs. Knows no YAML positions and no wording (compiler/data/catalog/sj.yaml has it).
"""
from __future__ import annotations

import json
import re
from typing import Any, Mapping

from ..catalog import Constraint
from ..language import is_arn, split_revision
from ..problems import ROOT, Pointer
from .context import Context, rule
from .shapes import (KIND_WORDS, array_size, effective_resources, fargate_memory, is_array, is_fargate,
                     is_multinode, kind, node_count, node_ranges, number_text, parse_range, placeholders,
                     requirement)
from .targets import targets

_QUEUE_ARN = re.compile(r"^arn:aws[a-z-]*:batch:[a-z0-9-]+:[0-9]{12}:job-queue/[A-Za-z0-9_-]{1,128}\Z")
_JD_ARN = re.compile(r"^arn:aws[a-z-]*:batch:[a-z0-9-]+:[0-9]{12}:job-definition/[A-Za-z0-9_-]{1,128}(:([0-9]+))?\Z")


@rule("SJ-002")
def job_queue_arn_names_a_queue(ctx: Context, c: Constraint):
    """A jobQueue given by ARN is a job-queue ARN (arn:<partition>:batch:<region>:<account>:job-queue/<name>)."""
    for ptr, job in ctx.entries("jobs"):
        value = job.get("jobQueue")
        if is_arn(value) and not _QUEUE_ARN.match(value):
            yield c.at(ptr / "jobQueue", found=value)


@rule("SJ-003")
def job_definition_reference_form(ctx: Context, c: Constraint):
    """jobDefinition is a name, name:revision or a job-definition ARN; revisions start at 1."""
    for ptr, job in ctx.entries("jobs"):
        value = job.get("jobDefinition")
        if not isinstance(value, str):
            continue
        if is_arn(value):
            m = _JD_ARN.match(value)
            if not m:
                yield c.at(ptr / "jobDefinition", found=value, variant="arn")
            elif m.group(2) is not None and int(m.group(2)) < 1:
                yield c.at(ptr / "jobDefinition", found=value, revision=m.group(2))
        else:
            name, revision = split_revision(value)
            if revision is not None and revision < 1:
                yield c.at(ptr / "jobDefinition", found=value, revision=revision)


@rule("SJ-004")
def share_identifier_form(ctx: Context, c: Constraint):
    """shareIdentifier is 1–255 characters with `*` only at the end; other than letters and digits is a warning."""
    lim = c.limits
    for ptr, job in ctx.entries("jobs"):
        value = job.get("shareIdentifier")
        if not isinstance(value, str):
            continue
        body = value[:-1] if value.endswith("*") else value
        if not lim["min"] <= len(value) <= lim["max"]:
            yield c.at(ptr / "shareIdentifier", found=value, length=len(value))
        elif "*" in body:
            yield c.at(ptr / "shareIdentifier", found=value, variant="star")
        elif not re.fullmatch(lim["characters"], body):
            yield c.at(ptr / "shareIdentifier", found=value, variant="characters")


@rule("SJ-008")
def fargate_job_timeout_within_14_days(ctx: Context, c: Constraint):
    """A Fargate job's submit-time timeout above 14 days is pointless: Fargate jobs aren't kept running that long."""
    limit = c.limits["max"]
    for t in targets(ctx):
        timeout = t.job.get("timeout")
        seconds = timeout.get("attemptDurationSeconds") if isinstance(timeout, dict) else None
        if t.jd is not None and is_fargate(t.jd) and isinstance(seconds, int) and seconds > limit:
            yield c.at(t.pointer / "timeout" / "attemptDurationSeconds", found=seconds, jd=t.jd_name)


@rule("SJA-002")
def multinode_is_never_an_array(ctx: Context, c: Constraint):
    """A multi-node job definition is never submitted as an array job."""
    for t in targets(ctx):
        if t.jd is not None and is_multinode(t.jd) and is_array(t.job):
            yield c.at(t.pointer / "arrayProperties", at_key=True, jd=t.jd_name, size=array_size(t.job))


@rule("SJD-003")
def sequential_dependency_form(ctx: Context, c: Constraint):
    """A SEQUENTIAL dependency is only on an array job and names no jobId."""
    for ptr, job in ctx.entries("jobs"):
        for i, dep in _dependencies(job):
            if dep.get("type") != "SEQUENTIAL":
                continue
            if not is_array(job):
                yield c.at(ptr / "dependsOn" / i / "type", variant="array")
            if "jobId" in dep:
                yield c.at(ptr / "dependsOn" / i / "jobId", at_key=True, found=dep["jobId"])


@rule("SJD-004")
def n_to_n_between_arrays(ctx: Context, c: Constraint):
    """N_TO_N links two array jobs (child i waits for child i); unequal sizes get a warning."""
    for ptr, job in ctx.entries("jobs"):
        for i, dep in _dependencies(job):
            if dep.get("type") != "N_TO_N":
                continue
            if not is_array(job):
                yield c.at(ptr / "dependsOn" / i / "type", variant="array")
                continue
            other = ctx.named("jobs", dep.get("jobId")) if isinstance(dep.get("jobId"), str) else None
            if other is None:
                continue  # no jobId (SJD-005) or not a jobs entry (XR-001)
            if not is_array(other[1]):
                yield c.at(ptr / "dependsOn" / i / "jobId", found=dep["jobId"], variant="target")
            elif array_size(other[1]) != array_size(job):
                yield c.at(ptr / "dependsOn" / i / "jobId", found=dep["jobId"], size=array_size(job),
                              other_size=array_size(other[1]), variant="sizes")


@rule("SJD-005")
def dependency_names_a_job(ctx: Context, c: Constraint):
    """A plain or N_TO_N dependency has a jobId (in the spec: the jobName of another jobs entry)."""
    for ptr, job in ctx.entries("jobs"):
        for i, dep in _dependencies(job):
            if dep.get("type") != "SEQUENTIAL" and "jobId" not in dep:
                yield c.at(ptr / "dependsOn" / i, dtype=dep.get("type") or "plain")


def _dependencies(job: dict):
    deps = job.get("dependsOn")
    for i, dep in enumerate(deps if isinstance(deps, list) else []):
        if isinstance(dep, dict):
            yield i, dep


@rule("SJO-001")
def container_or_node_overrides(ctx: Context, c: Constraint):
    """containerOverrides and nodeOverrides are mutually exclusive."""
    for ptr, job in ctx.entries("jobs"):
        if "containerOverrides" in job and "nodeOverrides" in job:
            yield c.at(ptr / "nodeOverrides", at_key=True)


def _container_overrides(job: dict):
    """(pointer suffix, containerOverrides) for the top level and each nodePropertyOverrides entry."""
    co = job.get("containerOverrides")
    if isinstance(co, dict):
        yield ("containerOverrides",), co
    no = job.get("nodeOverrides")
    npo = no.get("nodePropertyOverrides") if isinstance(no, dict) else None
    for i, o in enumerate(npo if isinstance(npo, list) else []):
        if isinstance(o, dict) and isinstance(o.get("containerOverrides"), dict):
            yield ("nodeOverrides", "nodePropertyOverrides", i, "containerOverrides"), o["containerOverrides"]


@rule("SJO-002")
def legacy_resource_overrides(ctx: Context, c: Constraint):
    """containerOverrides.vcpus/memory are deprecated: an error on Fargate, a warning elsewhere (ignored when the JD uses resourceRequirements)."""
    for t in targets(ctx):
        for rel, co in _container_overrides(t.job):
            for key, rtype in (("vcpus", "VCPU"), ("memory", "MEMORY")):
                if key not in co:
                    continue
                at = Pointer((*t.pointer, *rel, key))
                if t.jd is not None and is_fargate(t.jd):
                    yield c.at(at, at_key=True, key=key, rtype=rtype, jd=t.jd_name)
                else:
                    yield c.at(at, at_key=True, key=key, rtype=rtype, variant="deprecated")


@rule("SJO-005")
def instance_type_override_only_for_multinode(ctx: Context, c: Constraint):
    """containerOverrides.instanceType is only for the nodes of a multi-node job (nodePropertyOverrides)."""
    for t in targets(ctx):
        co = t.job.get("containerOverrides")
        if isinstance(co, dict) and "instanceType" in co:
            yield c.at(t.pointer / "containerOverrides" / "instanceType", at_key=True)
        if t.jd is not None and is_fargate(t.jd):
            for rel, o in _container_overrides(t.job):
                if rel[0] == "nodeOverrides" and "instanceType" in o:
                    yield c.at(Pointer((*t.pointer, *rel, "instanceType")), at_key=True)


@rule("SJO-006", reads=("JDF-004",))
def fargate_override_pair(ctx: Context, c: Constraint, fargate_pairs: Constraint):
    """On Fargate, VCPU/MEMORY overrides with the job definition's other value form a valid Fargate pair."""
    pairs = _fargate_pairs(fargate_pairs.limits["pairs"])
    for t in targets(ctx):
        if t.jd is None or not is_fargate(t.jd) or kind(t.jd) != "container":
            continue
        co = t.job.get("containerOverrides")
        if requirement(co, "VCPU") is None and requirement(co, "MEMORY") is None:
            continue
        vcpu, memory = effective_resources(t.jd.get("containerProperties"), co)
        if vcpu is None or memory is None:
            continue
        allowed = pairs.get(number_text(vcpu))
        if allowed is None or int(memory) != memory or int(memory) not in allowed:
            yield c.at(t.pointer / "containerOverrides" / "resourceRequirements", vcpu=number_text(vcpu),
                          memory=number_text(memory), jd=t.jd_name, allowed=_allowed_text(allowed, pairs))


def _fargate_pairs(pairs: Mapping[str, Any]) -> dict[str, set[int]]:
    """VCPU value -> allowed MEMORY values (MiB): JDF-004's table (a list, or min..max in steps)."""
    return {str(vcpu): set(fargate_memory(spec)) for vcpu, spec in pairs.items()}


def _allowed_text(allowed: set[int] | None, pairs: dict) -> str:
    if allowed is None:
        return "VCPU is one of " + ", ".join(pairs)
    values = sorted(allowed)
    return "MEMORY is one of " + ", ".join(str(v) for v in values) if len(values) <= 4 else \
        f"MEMORY is {values[0]}–{values[-1]} in steps of {values[1] - values[0]}"


@rule("SJO-007")
def node_overrides_fit_the_definition(ctx: Context, c: Constraint):
    """nodeOverrides are not for Fargate; a numNodes override needs an open-ended node range and must exceed its start and mainNode."""
    for t in targets(ctx):
        no = t.job.get("nodeOverrides")
        if t.jd is None or not isinstance(no, dict):
            continue
        if is_fargate(t.jd):
            yield c.at(t.pointer / "nodeOverrides", at_key=True, jd=t.jd_name)
            continue
        num = no.get("numNodes")
        if not isinstance(num, int) or not is_multinode(t.jd):
            continue  # nodeOverrides on a single-node JD: XR-020
        at = t.pointer / "nodeOverrides" / "numNodes"
        open_starts = [r[0] for r in (parse_range(n.get("targetNodes")) for _, n in node_ranges(ROOT, t.jd))
                       if r is not None and r[1] is None]
        if not open_starts:
            yield c.at(at, found=num, jd=t.jd_name, variant="open")
            continue
        if num <= min(open_starts):
            yield c.at(at, found=num, jd=t.jd_name, start=min(open_starts), variant="start")
        main = t.jd["nodeProperties"].get("mainNode")
        if isinstance(main, int) and num <= main:
            yield c.at(at, found=num, jd=t.jd_name, main=main, variant="main")


@rule("SJO-008")
def node_override_targets_exist(ctx: Context, c: Constraint):
    """nodePropertyOverrides[].targetNodes name nodes the job has (0 … numNodes−1), start ≤ end."""
    for t in targets(ctx):
        no = t.job.get("nodeOverrides")
        npo = no.get("nodePropertyOverrides") if isinstance(no, dict) else None
        if t.jd is None or not is_multinode(t.jd) or not isinstance(npo, list):
            continue
        nodes = node_count(t.jd, t.job)
        for i, o in enumerate(npo):
            r = parse_range(o.get("targetNodes")) if isinstance(o, dict) else None
            if r is None:
                continue
            at = t.pointer / "nodeOverrides" / "nodePropertyOverrides" / i / "targetNodes"
            start, end = r
            if end is not None and start > end:
                yield c.at(at, found=o["targetNodes"], variant="order")
            elif nodes is not None and max(start, end if end is not None else 0) >= nodes:
                yield c.at(at, found=o["targetNodes"], nodes=nodes, last=nodes - 1)


@rule("SJO-009")
def ecs_and_eks_overrides_match(ctx: Context, c: Constraint):
    """ecsPropertiesOverride only for ecsProperties JDs (one taskProperties, known container names); eksPropertiesOverride only for EKS JDs (known container names)."""
    limit = c.limits["max"]
    for t in targets(ctx):
        if t.jd is None:
            continue
        jd_kind = kind(t.jd)
        epo = t.job.get("ecsPropertiesOverride")
        if isinstance(epo, dict):
            at = t.pointer / "ecsPropertiesOverride"
            tasks = epo.get("taskProperties")
            tasks = tasks if isinstance(tasks, list) else []
            if jd_kind != "ecs":
                yield c.at(at, at_key=True, override="ecsPropertiesOverride", jd=t.jd_name,
                              jd_kind=KIND_WORDS[jd_kind], needed="an ecsProperties", variant="kind")
            elif len(tasks) > limit:
                yield c.at(at / "taskProperties" / limit, found=len(tasks))
            else:
                names = _ecs_container_names(t.jd)
                for ti, task in enumerate(tasks):
                    yield from _unknown_names(c, task, ("containers",), at / "taskProperties" / ti, names, t.jd_name)
        ekpo = t.job.get("eksPropertiesOverride")
        if isinstance(ekpo, dict):
            at = t.pointer / "eksPropertiesOverride"
            if jd_kind != "eks":
                yield c.at(at, at_key=True, override="eksPropertiesOverride", jd=t.jd_name,
                              jd_kind=KIND_WORDS[jd_kind], needed="an eksProperties", variant="kind")
                continue
            pod = ekpo.get("podProperties")
            jd_pod = t.jd["eksProperties"].get("podProperties")
            if isinstance(pod, dict):
                for key in ("containers", "initContainers"):
                    names = _eks_container_names(jd_pod, key)
                    yield from _unknown_names(c, pod, (key,), at / "podProperties", names, t.jd_name)


def _ecs_container_names(jd: dict) -> list[str]:
    tasks = jd["ecsProperties"].get("taskProperties")
    out = []
    for task in tasks if isinstance(tasks, list) else []:
        containers = task.get("containers") if isinstance(task, dict) else None
        for c in containers if isinstance(containers, list) else []:
            if isinstance(c, dict) and isinstance(c.get("name"), str):
                out.append(c["name"])
    return out


def _eks_container_names(pod, key: str) -> list[str]:
    containers = pod.get(key) if isinstance(pod, dict) else None
    out = []
    for c in containers if isinstance(containers, list) else []:
        if isinstance(c, dict):
            out.append(c.get("name") if isinstance(c.get("name"), str) else "Default")
    return out


def _unknown_names(c: Constraint, node: dict, path: tuple[str, ...], base: Pointer, names: list[str], jd: str):
    containers = node.get(path[0])
    for ci, container in enumerate(containers if isinstance(containers, list) else []):
        name = container.get("name") if isinstance(container, dict) else None
        if isinstance(name, str) and name not in names:
            from .schema import did_you_mean
            yield c.at(base / path[0] / ci / "name", found=name, jd=jd,
                          names=", ".join(names) or "none", suggestion=did_you_mean(name, names), variant="name")


@rule("SJP-002")
def container_overrides_fit_ecs(ctx: Context, c: Constraint):
    """The container overrides Batch hands to ECS (command, environment, resources) are at most 8192 characters."""
    limit = c.limits["max"]
    for t in targets(ctx):
        if t.jd is None or kind(t.jd) != "container":
            continue
        co = t.job.get("containerOverrides")
        co = co if isinstance(co, dict) else {}
        cp = t.jd.get("containerProperties")
        cp = cp if isinstance(cp, dict) else {}
        params = {**_string_params(t.jd), **_string_params(t.job)}
        command = co.get("command", cp.get("command"))
        if isinstance(command, list):
            command = [_substitute(a, params) for a in command]
        payload = {k: v for k, v in (("command", command), ("environment", co.get("environment")),
                                     ("resourceRequirements", co.get("resourceRequirements"))) if v}
        size = len(json.dumps(payload, separators=(",", ":"), ensure_ascii=False))
        if size > limit:
            at = t.pointer / "containerOverrides" if "containerOverrides" in t.job else t.pointer / "parameters"
            yield c.at(at, at_key=True, found=size)


def _string_params(entry: dict) -> dict:
    p = entry.get("parameters")
    return {k: v for k, v in p.items() if isinstance(v, str)} if isinstance(p, dict) else {}


def _substitute(arg, params: dict):
    if isinstance(arg, str):
        names = placeholders([arg])
        if names and names[0] in params:
            return params[names[0]]
    return arg

