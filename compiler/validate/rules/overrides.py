"""A job's submit-time overrides fit its job definition's kind, nodes and containers; not Fargate pairs (fargate)."""
from __future__ import annotations

import json

from ...catalog import Constraint
from ...job_shapes import is_fargate, is_multinode, kind, node_count, node_ranges, parse_range, task_containers
from ...problems import ROOT, Pointer
from ..context import Context, rule
from ..schema import did_you_mean
from ..shapes import placeholders
from ..targets import targets


_KIND_WORDS = {"container": "a containerProperties", "ecs": "an ecsProperties", "eks": "an eksProperties",
              "multinode": "a multi-node (nodeProperties)"}


@rule("SJO-001")
def container_or_node_overrides(ctx: Context, c: Constraint):
    """containerOverrides and nodeOverrides are mutually exclusive."""
    for ptr, job in ctx.entries("jobs"):
        if "containerOverrides" in job and "nodeOverrides" in job:
            yield c.at(ptr / "nodeOverrides", at_key=True)


@rule("XR-020")
def overrides_match_definition_kind(ctx: Context, c: Constraint):
    """nodeOverrides only for multi-node definitions; containerOverrides only for containerProperties definitions."""
    for t in targets(ctx):
        if t.jd is None:
            continue
        k = kind(t.jd)
        if "nodeOverrides" in t.job and k != "multinode":
            yield c.at(t.pointer / "nodeOverrides", at_key=True, override="nodeOverrides", jd=t.jd_name,
                       jd_kind=_KIND_WORDS[k], needed=_KIND_WORDS["multinode"])
        if "containerOverrides" in t.job and k != "container":
            yield c.at(t.pointer / "containerOverrides", at_key=True, override="containerOverrides",
                       jd=t.jd_name, jd_kind=_KIND_WORDS[k], needed=_KIND_WORDS["container"])


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
                           jd_kind=_KIND_WORDS[jd_kind], needed="an ecsProperties", variant="kind")
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
                           jd_kind=_KIND_WORDS[jd_kind], needed="an eksProperties", variant="kind")
                continue
            pod = ekpo.get("podProperties")
            jd_pod = t.jd["eksProperties"].get("podProperties")
            if isinstance(pod, dict):
                for key in ("containers", "initContainers"):
                    names = _eks_container_names(jd_pod, key)
                    yield from _unknown_names(c, pod, (key,), at / "podProperties", names, t.jd_name)


def _ecs_container_names(jd: dict) -> list[str]:
    return [c["name"] for c in task_containers(jd["ecsProperties"]) if isinstance(c.get("name"), str)]


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
