"""A job fits what its queue can launch (vCPUs, memory, GPUs, multi-node placement); not instances the account lacks.

Instance sizes come from compiler/instances.py; an unknown family or size, an UNMANAGED
environment, or one without instanceTypes (Batch's choice) means "can't tell", never an error.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Mapping

from ... import instances
from ...catalog import Constraint
from ...job_shapes import (containers, ecs_task_needs, effective_resources, is_multinode, kind, node_count,
                           node_ranges, parse_range, platforms, requirement)
from ...language import split_revision
from ...problems import ROOT
from ..context import Context, rule
from ..shapes import number_text, plain
from ..targets import Target, env_labels, queue_envs, targets


@rule("XR-004", reads=("XR-006",))
def multinode_placement(ctx: Context, c: Constraint, fits: Constraint):
    """Multi-node jobs go to managed On-Demand EC2 environments with at most 5 security groups, enough maxvCpus and the nodes' instance type."""
    lim = c.limits
    for t in targets(ctx):
        if t.jd is None or not is_multinode(t.jd) or not t.envs:
            continue
        wanted = set(platforms(t.jd))
        envs = [e for e in t.envs if e.family in wanted]  # platform mismatches are XR-003's
        bad = [e for e in envs if e.capacity != "EC2"]
        if bad:
            yield c.at(t.pointer / "jobQueue", jd=t.jd_name, queue=t.queue_name, envs=env_labels(bad),
                       variant="capacity")
        ec2 = [e for e in envs if e.capacity == "EC2"]
        for e in ec2:
            sgs = e.resources.get("securityGroupIds")
            if isinstance(sgs, list) and len(sgs) > lim["security_groups"]:
                yield c.at(e.pointer / "computeResources" / "securityGroupIds" / lim["security_groups"],
                           ce=e.name, found=len(sgs), jd=t.jd_name, variant="security_groups")
        if not ec2 or t.known_envs is None or len(ec2) != len(t.envs):
            continue
        total = _multinode_vcpus(t)
        maxes = [e.resources.get("maxvCpus") for e in ec2]
        if total is not None and all(isinstance(m, int) for m in maxes) and total > max(maxes):
            yield c.at(t.pointer / "jobQueue", jd=t.jd_name, queue=t.queue_name, found=number_text(total),
                       nodes=node_count(t.jd, t.job), max=max(maxes), variant="max_vcpus")
        for itype in _node_instance_types(t.jd):
            launchable = [_launches(e, itype, fits.limits["keyword_families"]) for e in ec2]
            if launchable and all(x is False for x in launchable):
                yield c.at(t.pointer / "jobQueue", jd=t.jd_name, queue=t.queue_name, instance_type=itype,
                           envs=env_labels(ec2), variant="instance_type")


def _multinode_vcpus(t: Target) -> float | None:
    """Sum of the vCPUs of every node (each node takes the narrowest range that covers it)."""
    n = node_count(t.jd, t.job)
    if not isinstance(n, int) or n < 1 or n > 10000:
        return None
    spans = []
    for _, r in node_ranges(ROOT, t.jd):
        span = parse_range(r.get("targetNodes"))
        if span is None or not isinstance(r.get("container"), dict):
            return None  # EKS or ECS-properties nodes, or an odd range: no estimate
        start, end = span
        spans.append((start, n - 1 if end is None else end, r["container"]))
    total = 0.0
    for node in range(n):
        covering = [s for s in spans if s[0] <= node <= s[1]]
        if not covering:
            return None  # JDM-006's problem
        start, end, container = min(covering, key=lambda s: s[1] - s[0])
        vcpus, _ = effective_resources(container, None)
        if vcpus is None:
            return None
        total += vcpus
    return total


def _node_instance_types(jd: dict) -> list[str]:
    out = []
    for _, r in node_ranges(ROOT, jd):
        c = r.get("container")
        it = c.get("instanceType") if isinstance(c, dict) else None
        its = r.get("instanceTypes")
        for v in [it, *(its if isinstance(its, list) else [])]:
            if isinstance(v, str) and v not in out:
                out.append(v)
    return out


def _launches(env, itype: str, keywords: Mapping[str, list]) -> bool | None:
    """Whether the environment's instanceTypes include `itype` (None: can't tell)."""
    types = env.resources.get("instanceTypes")
    if not isinstance(types, list) or not types:
        return None
    family = itype.split(".", 1)[0]
    for t in types:
        if not isinstance(t, str):
            return None
        if t == itype or t == family or family in keywords.get(t, ()):
            return True
    return False


@rule("XR-006")
def job_fits_an_instance(ctx: Context, c: Constraint):
    """After overrides, a job's vCPUs and memory fit some instance type of some EC2/SPOT environment of its queue, and its maxvCpus; a definition no `jobs` entry submits fits some environment it can reach, and a node range its pinned type."""
    lim = c.limits
    pinned_too_small: set = set()  # (definition, targetNodes) reported on the definition itself
    yield from _definitions_fit(ctx, c, pinned_too_small)
    for t in targets(ctx):
        envs = t.known_envs
        if t.jd is None or not envs or "EC2" not in platforms(t.jd):
            continue
        ec2 = [e for e in envs if e.family == "EC2"]
        if not ec2 or any(e.capacity not in ("EC2", "SPOT") for e in ec2):
            continue  # an UNMANAGED environment: capacity unknown, never an error
        for need_v, need_m, pinned, nodes in _needs(t.jd, t.job):
            if (t.jd.get("jobDefinitionName"), nodes) in pinned_too_small:
                continue
            verdict = _fit(ec2, need_v, need_m, pinned, lim)
            if verdict is None:
                continue
            variant, values = verdict
            yield c.at(t.pointer / "jobQueue", jd=t.jd_name, queue=t.queue_name, vcpus=number_text(need_v),
                       memory=number_text(need_m), variant=variant, **values)


def _definitions_fit(ctx: Context, c: Constraint, pinned_too_small: set):
    """XR-006 on job definitions: a node range asking for more than its pinned instance type holds (an
    error, whatever the queue), and a definition no `jobs` entry submits that fits no instance type of the
    environments its platform reaches in the spec (a warning: it may be submitted to a queue elsewhere)."""
    submitted = {split_revision(j["jobDefinition"])[0] for _, j in ctx.entries("jobs")
                 if isinstance(j.get("jobDefinition"), str)}
    queues = [(q.get("jobQueueName"), *queue_envs(ctx, q)) for _, q in ctx.entries("jobQueues")]
    for ptr, jd in ctx.entries("jobDefinitions"):
        name = jd.get("jobDefinitionName")
        for rptr, r in node_ranges(ptr, jd):
            cont = r.get("container") if isinstance(r.get("container"), dict) else {}
            v, m = effective_resources(cont, None)
            pinned = cont.get("instanceType")
            rows = instances.sizes(pinned) if isinstance(pinned, str) else None
            if v is not None and m is not None and rows and len(rows) == 1 and (rows[0][1] < v or rows[0][2] < m):
                pinned_too_small.add((name, r.get("targetNodes")))
                yield c.at(rptr / "container" / "instanceType", variant="pinned", where=(rptr / "container").dotted(),
                           vcpus=number_text(v), memory=number_text(m), jd=name, type_name=pinned,
                           type=f"{pinned} ({rows[0][1]} vCPUs, {rows[0][2]} MiB)")
        if name in submitted or any(n == name for n, _ in pinned_too_small) or "EC2" not in platforms(jd):
            continue
        if any(not complete or any(e.family is None for e in envs) for _, envs, complete in queues):
            continue  # a queue's environment is given by ARN or untyped: where the definition reaches is unknown
        reach = [(q, envs) for q, envs, _ in queues if any(e.family in platforms(jd) for e in envs)]
        if not reach:
            continue
        ec2 = [e for _, envs in reach for e in envs if e.family == "EC2"]
        if not ec2 or any(e.capacity not in ("EC2", "SPOT") for e in ec2):
            continue
        for need_v, need_m, pinned, _ in _needs(jd, {}):
            verdict = None if pinned else _fit(ec2, need_v, need_m, None, c.limits)
            if verdict and verdict[0] == "size":
                yield c.at(ptr / "jobDefinitionName", variant="definition", jd=name, vcpus=number_text(need_v),
                           memory=number_text(need_m), largest=verdict[1]["largest"],
                           queues=" or ".join(f"'{q}'" for q, _ in reach))
                break


def _needs(jd: dict, job: dict):
    """(vCPUs, memory MiB, pinned instance type or None, node range's targetNodes or None) for each container
    placement a job of `jd` needs, after the job's overrides."""
    k = kind(jd)
    if k == "container":
        v, m = effective_resources(jd.get("containerProperties"), job.get("containerOverrides"))
        if v is not None and m is not None:
            yield v, m, None, None
    elif k == "ecs":
        total = ecs_task_needs(jd.get("ecsProperties"), job.get("ecsPropertiesOverride"))
        if total is not None:
            yield total[0], total[1], None, None
    elif k == "multinode":
        no = job.get("nodeOverrides")
        npo = no.get("nodePropertyOverrides") if isinstance(no, dict) else None
        overrides = {o.get("targetNodes"): o.get("containerOverrides") for o in npo or [] if isinstance(o, dict)} \
            if isinstance(npo, list) else {}
        for _, r in node_ranges(ROOT, jd):
            c = r.get("container")
            if not isinstance(c, dict):
                continue  # EKS or ecsProperties nodes: not estimated
            v, m = effective_resources(c, overrides.get(r.get("targetNodes")))
            its = r.get("instanceTypes")
            pinned = c.get("instanceType") or (its[0] if isinstance(its, list) and its else None)
            if v is not None and m is not None:
                yield v, m, pinned if isinstance(pinned, str) else None, r.get("targetNodes")


def _fit(envs, need_v: float, need_m: float, pinned: str | None, lim: dict):
    """None when some environment can hold the job (or that can't be known), else (variant, values)."""
    keyword_families = lim["keyword_families"]
    registered = lambda mib: int(mib * lim["registered_fraction"]) - lim["reserved_mib"]  # noqa: E731
    best_nominal = None  # largest memory among sizes with enough vCPUs
    largest = None
    max_vcpus = []
    for e in envs:
        cap = e.resources.get("maxvCpus")
        if isinstance(cap, int):
            max_vcpus.append(cap)
        types = e.resources.get("instanceTypes")
        if not isinstance(types, list) or not types:
            return None  # no instanceTypes: Batch's choice, unknown here
        rows = []
        for name in types:
            if not isinstance(name, str):
                return None
            names = keyword_families.get(name, [name])
            for n in names:
                sized = instances.sizes(n)
                if sized is None:
                    return None  # an unknown family or size: never an error
                rows.extend(sized)
        if pinned is not None:
            pinned_rows = instances.sizes(pinned)
            if pinned_rows is None:
                return None
            rows = [r for r in rows if r[0] in {p[0] for p in pinned_rows}] or pinned_rows
        for name, v, mib in rows:
            if largest is None or (v, mib) > (largest[1], largest[2]):
                largest = (name, v, mib)
            if v >= need_v and (cap is None or not isinstance(cap, int) or cap >= need_v):
                if mib >= need_m and registered(mib) >= need_m:
                    return None  # fits
                if best_nominal is None or mib > best_nominal[2]:
                    best_nominal = (name, v, mib)
    if max_vcpus and len(max_vcpus) == len(envs) and need_v > max(max_vcpus):
        return "max_vcpus", {"max": max(max_vcpus)}
    if best_nominal is None or best_nominal[2] < need_m:
        if largest is None:
            return None
        return "size", {"largest": f"{largest[0]} ({largest[1]} vCPUs, {largest[2]} MiB)"}
    return "registered", {"best": best_nominal[0], "nominal": best_nominal[2],
                          "registered": registered(best_nominal[2])}


def _job_gpus(t: Target) -> float:
    """The most GPUs any container of the job asks for (containerOverrides win for containerProperties)."""
    jd, most = t.jd, 0.0
    cp = jd.get("containerProperties")
    if isinstance(cp, dict):
        co = t.job.get("containerOverrides")
        value = requirement(co, "GPU")
        most = max(most, value if value is not None else requirement(cp, "GPU") or 0)
    for k in containers(ROOT, jd):  # node ranges' and ecsProperties tasks' containers take no override here
        if not k.single:
            most = max(most, requirement(k.body, "GPU") or 0)
    return most


def _gpu_capable(name: str, keywords: list) -> bool | None:
    """True: an NVIDIA x86_64 GPU family; False: recognised as one without; None: unknown."""
    if name in keywords:
        return False
    if instances.gpu_vendor(name) == "nvidia" and instances.architecture(name) != "arm64":
        return True
    return False if instances.known_family(name) else None


@rule("JDR-006")
def gpu_jobs_reach_a_gpu_family(ctx: Context, c: Constraint):
    """A job that asks for GPUs goes to a queue where some EC2 compute environment lists an NVIDIA x86_64 GPU family."""
    keywords = c.limits["keywords"]
    for t in targets(ctx):
        if t.jd is None or "EC2" not in platforms(t.jd) or t.known_envs is None:
            continue
        gpus = _job_gpus(t)
        if gpus <= 0:
            continue
        ec2 = [e for e in t.known_envs if e.family == "EC2"]
        if not ec2 or any(e.capacity not in ("EC2", "SPOT") for e in ec2):
            continue  # no EC2 environment is XR-003's; UNMANAGED capacity is unknown
        names, verdicts = [], []
        for e in ec2:
            types = e.resources.get("instanceTypes")
            if not isinstance(types, list) or not types:
                verdicts.append(None)
                continue
            for name in types:
                if isinstance(name, str):
                    names.append(name)
                    verdicts.append(_gpu_capable(name, keywords))
                else:
                    verdicts.append(None)
        if verdicts and all(v is False for v in verdicts):
            yield c.at(t.pointer / "jobQueue", where=t.pointer.dotted(), jd=t.jd_name, queue=t.queue_name,
                       gpus=plain(Decimal(str(gpus))), types=", ".join(dict.fromkeys(names)))
