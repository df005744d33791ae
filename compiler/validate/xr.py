"""Cross-resource rules (XR-*) other than reference integrity and unique names (refs.py).

Each rule follows a `jobs` entry to its job definition and queue (validate/targets.py), or
measures what batchgen writes (XR-011, XR-012). Knows no YAML positions and no wording
(compiler/data/catalog/xr.yaml has it).
"""
from __future__ import annotations

from typing import Mapping


from ..catalog import Constraint
from ..problems import ROOT, Pointer
from ..instances import sizes
from .context import Context, rule
from .shapes import (KIND_WORDS, effective_resources, is_fargate, is_multinode, kind, node_count,
                     node_ranges, number_text, parse_range, placeholders, platforms)
from .targets import Target, targets


_PLATFORM_FAMILY = {"EC2": "EC2", "FARGATE": "FARGATE", "MANAGED_INSTANCES": "MANAGED_INSTANCES", "EKS": "EKS"}
_FAMILY_WORDS = {"EC2": "EC2, SPOT or UNMANAGED (ECS)", "FARGATE": "FARGATE or FARGATE_SPOT",
                 "MANAGED_INSTANCES": "ECS_MANAGED_INSTANCES", "EKS": "EKS"}


def _env_list(envs) -> str:
    return ", ".join(e.label for e in envs)


@rule("XR-003")
def job_definition_platform_matches_queue(ctx: Context, c: Constraint):
    """A job's definition can run on its queue: FARGATE on Fargate, EC2 on EC2/SPOT/UNMANAGED, MANAGED_INSTANCES on ECS Managed Instances, EKS on EKS."""
    for t in targets(ctx):
        envs = t.known_envs
        if t.jd is None or not envs:
            continue
        wanted = {_PLATFORM_FAMILY[p] for p in platforms(t.jd) if p in _PLATFORM_FAMILY}
        if wanted and not any(e.family in wanted for e in envs):
            caps = "/".join(sorted(wanted))
            yield c.at(t.pointer / "jobQueue", jd=t.jd_name, queue=t.queue_name, capability=caps,
                          needed=" or ".join(_FAMILY_WORDS[w] for w in sorted(wanted)), envs=_env_list(envs))


@rule("XR-004", reads=("XR-006",))
def multinode_placement(ctx: Context, c: Constraint, fits: Constraint):
    """Multi-node jobs go to managed On-Demand EC2 environments with at most 5 security groups, enough maxvCpus and the nodes' instance type."""
    lim = c.limits
    for t in targets(ctx):
        if t.jd is None or not is_multinode(t.jd) or not t.envs:
            continue
        wanted = {_PLATFORM_FAMILY.get(p) for p in platforms(t.jd)}
        envs = [e for e in t.envs if e.family in wanted]  # platform mismatches are XR-003's
        bad = [e for e in envs if e.capacity != "EC2"]
        if bad:
            yield c.at(t.pointer / "jobQueue", jd=t.jd_name, queue=t.queue_name, envs=_env_list(bad),
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
                              envs=_env_list(ec2), variant="instance_type")


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
    """After overrides, a job's vCPUs and memory fit some instance type of some EC2/SPOT environment of its queue, and its maxvCpus."""
    lim = c.limits
    for t in targets(ctx):
        envs = t.known_envs
        if t.jd is None or not envs or "EC2" not in platforms(t.jd):
            continue
        ec2 = [e for e in envs if e.family == "EC2"]
        if not ec2 or any(e.capacity not in ("EC2", "SPOT") for e in ec2):
            continue  # an UNMANAGED environment: capacity unknown, never an error
        for need_v, need_m, pinned, where in _job_needs(t):
            verdict = _fit(ec2, need_v, need_m, pinned, lim)
            if verdict is None:
                continue
            variant, values = verdict
            yield c.at(where, jd=t.jd_name, queue=t.queue_name, vcpus=number_text(need_v), memory=number_text(need_m),
                          variant=variant, **values)


def _job_needs(t: Target):
    """(vCPUs, memory MiB, pinned instance type or None, pointer) for each container placement the job needs."""
    k = kind(t.jd)
    at = t.pointer / "jobQueue"
    if k == "container":
        co = t.job.get("containerOverrides")
        v, m = effective_resources(t.jd.get("containerProperties"), co)
        if v is not None and m is not None:
            yield v, m, None, at
    elif k == "ecs":
        total = _ecs_task_needs(t.jd.get("ecsProperties"), t.job.get("ecsPropertiesOverride"))
        if total is not None:
            yield total[0], total[1], None, at
    elif k == "multinode":
        no = t.job.get("nodeOverrides")
        npo = no.get("nodePropertyOverrides") if isinstance(no, dict) else None
        overrides = {o.get("targetNodes"): o.get("containerOverrides") for o in npo or [] if isinstance(o, dict)} \
            if isinstance(npo, list) else {}
        for _, r in node_ranges(ROOT, t.jd):
            c = r.get("container")
            if not isinstance(c, dict):
                continue  # EKS or ecsProperties nodes: not estimated
            v, m = effective_resources(c, overrides.get(r.get("targetNodes")))
            its = r.get("instanceTypes")
            pinned = c.get("instanceType") or (its[0] if isinstance(its, list) and its else None)
            if v is not None and m is not None:
                yield v, m, pinned if isinstance(pinned, str) else None, at


def _ecs_task_needs(ecs, override) -> tuple[float, float] | None:
    """Sum of the containers' VCPU and MEMORY of an ecsProperties task (after overrides)."""
    by_name = {}
    tasks_o = override.get("taskProperties") if isinstance(override, dict) else None
    for task in tasks_o if isinstance(tasks_o, list) else []:
        containers = task.get("containers") if isinstance(task, dict) else None
        for c in containers if isinstance(containers, list) else []:
            if isinstance(c, dict) and isinstance(c.get("name"), str):
                by_name[c["name"]] = c
    tasks = ecs.get("taskProperties") if isinstance(ecs, dict) else None
    v_total = m_total = 0.0
    for task in tasks if isinstance(tasks, list) else []:
        containers = task.get("containers") if isinstance(task, dict) else None
        for c in containers if isinstance(containers, list) else []:
            if not isinstance(c, dict):
                continue
            v, m = effective_resources(c, by_name.get(c.get("name")))
            v_total += v or 0
            m_total += m or 0
    return (v_total, m_total) if v_total and m_total else None


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
                sized = sizes(n)
                if sized is None:
                    return None  # an unknown family or size: never an error
                rows.extend(sized)
        if pinned is not None:
            pinned_rows = sizes(pinned)
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


@rule("XR-008")
def fair_share_identifiers(ctx: Context, c: Constraint):
    """shareIdentifier is set exactly when the queue has a fair-share policy; priority overrides and unlisted identifiers on such queues get warnings."""
    for t in targets(ctx):
        if t.queue is None:
            continue
        policy_ref = t.queue.get("schedulingPolicyArn")
        share = t.job.get("shareIdentifier")
        if policy_ref is None:
            if "shareIdentifier" in t.job:
                yield c.at(t.pointer / "shareIdentifier", at_key=True, queue=t.queue_name, variant="forbidden")
            if "schedulingPriorityOverride" in t.job:
                yield c.at(t.pointer / "schedulingPriorityOverride", at_key=True, queue=t.queue_name,
                              variant="priority")
            continue
        policy = ctx.named("schedulingPolicies", policy_ref) if isinstance(policy_ref, str) else None
        if policy is not None and "quotaSharePolicy" in policy[1]:
            continue  # a SageMaker quota-share queue: no fair-share identifiers
        if "shareIdentifier" not in t.job:
            yield c.at(t.pointer / "jobQueue", queue=t.queue_name, policy=policy_ref, variant="required")
            continue
        fsp = policy[1].get("fairsharePolicy") if policy else None
        dist = fsp.get("shareDistribution") if isinstance(fsp, dict) else None
        ids = [d.get("shareIdentifier") for d in dist if isinstance(d, dict)] if isinstance(dist, list) else []
        ids = [i for i in ids if isinstance(i, str)]
        if ids and isinstance(share, str) and not any(_covers(i, share) for i in ids):
            yield c.at(t.pointer / "shareIdentifier", found=share, policy=policy_ref,
                          listed=", ".join(ids), variant="distribution")


def _covers(listed: str, share: str) -> bool:
    return listed == share or (listed.endswith("*") and share.startswith(listed[:-1]))


@rule("XR-009")
def dependencies_are_acyclic(ctx: Context, c: Constraint):
    """Jobs never depend on themselves or on each other in a cycle (job IDs exist only after submission)."""
    names = {}
    edges: dict[str, list[tuple[str, Pointer]]] = {}
    for ptr, job in ctx.entries("jobs"):
        name = job.get("jobName")
        if not isinstance(name, str) or name in names:
            continue
        names[name] = ptr
    for name, ptr in names.items():
        job = ctx.data["jobs"][ptr[1]]
        deps = job.get("dependsOn")
        for i, dep in enumerate(deps if isinstance(deps, list) else []):
            target = dep.get("jobId") if isinstance(dep, dict) else None
            if target == name:
                yield c.at(ptr / "dependsOn" / i / "jobId", job=name, variant="self")
            elif isinstance(target, str) and target in names:
                edges.setdefault(name, []).append((target, ptr / "dependsOn" / i / "jobId"))
    order = {n: k for k, n in enumerate(names)}
    for component in _cycles(list(names), edges):
        start = min(component, key=order.__getitem__)
        path, at = _cycle_path(start, set(component), edges)
        yield c.at(at, cycle=" → ".join([*path, start]), job=start)


def _cycles(nodes: list[str], edges: dict[str, list[tuple[str, Pointer]]]) -> list[list[str]]:
    """Strongly connected components with more than one node (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            succ = edges.get(node, [])
            if i < len(succ):
                work.append((node, i + 1))
                nxt = succ[i][0]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == node:
                        break
                if len(comp) > 1:
                    out.append(comp)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return out


def _cycle_path(start: str, members: set[str], edges) -> tuple[list[str], Pointer]:
    """The shortest cycle through `start` inside its component, and the pointer of its first edge."""
    prev: dict[str, tuple[str, Pointer]] = {}
    frontier = [start]
    seen = {start}
    while frontier:
        nxt_frontier = []
        for node in frontier:
            for target, ptr in edges.get(node, []):
                if target not in members:
                    continue
                if target == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(prev[path[-1]][0])
                    path.reverse()
                    first_edge = next(p for t, p in edges[start] if t == (path[1] if len(path) > 1 else start))
                    return path, first_edge
                if target not in seen:
                    seen.add(target)
                    prev[target] = (node, ptr)
                    nxt_frontier.append(target)
        frontier = nxt_frontier
    return [start], Pointer()  # not reached: every member of a component lies on a cycle


@rule("XR-010")
def placeholders_have_values(ctx: Context, c: Constraint):
    """Every Ref:: placeholder of the command a job runs has a default in its definition's parameters or a value in the job's; unused job parameters get a warning."""
    for t in targets(ctx):
        if t.jd is None:
            continue
        defaults = t.jd.get("parameters") if isinstance(t.jd.get("parameters"), dict) else {}
        given = t.job.get("parameters") if isinstance(t.job.get("parameters"), dict) else {}
        used: list[str] = []
        for command in _commands(t.jd, t.job):
            for name in placeholders(command):
                if name not in used:
                    used.append(name)
        for name in used:
            if name not in defaults and name not in given:
                at = t.pointer / "parameters" if "parameters" in t.job else t.pointer / "jobDefinition"
                yield c.at(at, at_key="parameters" in t.job, name=name, jd=t.jd_name)
        for key in given:
            if key not in used:
                yield c.at(t.pointer / "parameters" / key, at_key=True, name=key, jd=t.jd_name,
                              used=", ".join(f"Ref::{u}" for u in used) or "none", variant="unused")


def _commands(jd: dict, job: dict) -> list[list]:
    """The commands the job's containers run, after command overrides (EKS has no Ref::, JDP-005)."""
    k = kind(jd)
    if k == "container":
        co = job.get("containerOverrides")
        if isinstance(co, dict) and "command" in co:
            return [co["command"]]
        cp = jd.get("containerProperties")
        return [cp.get("command")] if isinstance(cp, dict) else []
    if k == "ecs":
        return _ecs_commands(jd.get("ecsProperties"), job.get("ecsPropertiesOverride"))
    if k == "multinode":
        overrides = {}
        no = job.get("nodeOverrides")
        npo = no.get("nodePropertyOverrides") if isinstance(no, dict) else None
        extra = []
        for o in npo if isinstance(npo, list) else []:
            co = o.get("containerOverrides") if isinstance(o, dict) else None
            if isinstance(co, dict) and "command" in co:
                overrides[o.get("targetNodes")] = co["command"]
                extra.append(co["command"])
        out = []
        for _, r in node_ranges(ROOT, jd):
            if r.get("targetNodes") in overrides:
                continue
            c = r.get("container")
            if isinstance(c, dict):
                out.append(c.get("command"))
            out.extend(_ecs_commands(r.get("ecsProperties"), None))
        return out + extra
    return []


def _ecs_commands(ecs, override) -> list:
    replaced = {}
    tasks_o = override.get("taskProperties") if isinstance(override, dict) else None
    for task in tasks_o if isinstance(tasks_o, list) else []:
        containers = task.get("containers") if isinstance(task, dict) else None
        for c in containers if isinstance(containers, list) else []:
            if isinstance(c, dict) and "command" in c and isinstance(c.get("name"), str):
                replaced[c["name"]] = c["command"]
    out = []
    tasks = ecs.get("taskProperties") if isinstance(ecs, dict) else None
    for task in tasks if isinstance(tasks, list) else []:
        containers = task.get("containers") if isinstance(task, dict) else None
        for c in containers if isinstance(containers, list) else []:
            if isinstance(c, dict):
                out.append(replaced.get(c.get("name"), c.get("command")))
    return out


@rule("XR-015")
def roles_for_definition_features(ctx: Context, roles: Constraint):
    """Private-registry credentials need an executionRoleArn; Fargate secrets and awslogs-create-group need more than the generated execution role grants."""
    for ptr, jd in ctx.entries("jobDefinitions"):
        fargate = is_fargate(jd)
        containers = [(ptr / "containerProperties", jd.get("containerProperties"))]
        containers += [(rptr / "container", r.get("container")) for rptr, r in node_ranges(ptr, jd)]
        for at, c in containers:
            if not isinstance(c, dict) or "executionRoleArn" in c:
                continue  # an explicit role: its policies are the IAM rules' business
            name = jd.get("jobDefinitionName")
            if "repositoryCredentials" in c and not fargate:
                yield roles.at(at / "repositoryCredentials", at_key=True, jd=name)
            if not fargate:
                continue  # on EC2 without an execution role the agent uses the instance role
            needs = [k for k in ("secrets", "repositoryCredentials") if c.get(k)]
            log = c.get("logConfiguration") if isinstance(c.get("logConfiguration"), dict) else {}
            if log.get("secretOptions"):
                needs.append("logConfiguration.secretOptions")
            if needs:
                yield roles.at(at / needs[0].split(".")[0], at_key=True, jd=name, features=", ".join(needs),
                              variant="generated")
            options = log.get("options") if isinstance(log.get("options"), dict) else {}
            if log.get("logDriver") == "awslogs" and str(options.get("awslogs-create-group")).lower() == "true":
                yield roles.at(at / "logConfiguration" / "options" / "awslogs-create-group", jd=name,
                              variant="create_group")


@rule("XR-020")
def overrides_match_definition_kind(ctx: Context, c: Constraint):
    """nodeOverrides only for multi-node definitions; containerOverrides only for containerProperties definitions."""
    for t in targets(ctx):
        if t.jd is None:
            continue
        k = kind(t.jd)
        if "nodeOverrides" in t.job and k != "multinode":
            yield c.at(t.pointer / "nodeOverrides", at_key=True, override="nodeOverrides", jd=t.jd_name,
                          jd_kind=KIND_WORDS[k], needed=KIND_WORDS["multinode"])
        if "containerOverrides" in t.job and k != "container":
            yield c.at(t.pointer / "containerOverrides", at_key=True, override="containerOverrides",
                          jd=t.jd_name, jd_kind=KIND_WORDS[k], needed=KIND_WORDS["container"])

