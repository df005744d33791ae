"""What a job definition and a job are, for every stage that reads them: a job definition's
kind, platforms, containers, node ranges and ECS tasks, the vCPUs, memory and GPUs each
container asks for (after a job's overrides), a job's array size and node count.

Validation (the capacity, Fargate and resource rules) and `batchgen cost` read them here.
Everything reads entries defensively: a value of the wrong type is skipped, never a crash.
Knows no positions beyond pointers, no catalog, no wording.
"""
from __future__ import annotations

import re
from typing import Any, Iterator, NamedTuple

from .problems import ROOT, Pointer


def dicts(items: Any) -> Iterator[tuple[int, dict]]:
    """(index, item) of the mappings of a list (anything else yields nothing)."""
    if isinstance(items, list):
        for i, item in enumerate(items):
            if isinstance(item, dict):
                yield i, item


def _as_float(value: Any) -> float | None:
    """A number, or a string that reads as one, as a float; None otherwise (booleans too)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


# --- job definitions --------------------------------------------------------------------------------


def jd_type(jd: dict) -> str:
    """The `type` field as written (container when absent or not a string)."""
    t = jd.get("type", "container")
    return t if isinstance(t, str) else "container"


def capabilities(jd: dict) -> list[str]:
    """platformCapabilities as written (its strings); EC2, the API's default, when it lists none."""
    pc = jd.get("platformCapabilities")
    values = [p for p in pc if isinstance(p, str)] if isinstance(pc, list) else []
    return values or ["EC2"]


def lists_fargate(jd: dict) -> bool:
    """platformCapabilities lists FARGATE, whatever else the definition is (compare is_fargate)."""
    return "FARGATE" in capabilities(jd)


def node_ranges(ptr: Pointer, jd: dict) -> Iterator[tuple[Pointer, dict]]:
    """(pointer, node range) of nodeProperties.nodeRangeProperties[]."""
    nodes = jd.get("nodeProperties")
    ranges = nodes.get("nodeRangeProperties") if isinstance(nodes, dict) else None
    if isinstance(ranges, list):
        base = ptr / "nodeProperties" / "nodeRangeProperties"
        for i, r in enumerate(ranges):
            if isinstance(r, dict):
                yield base / i, r


def is_multinode(jd: dict) -> bool:
    return jd.get("type") == "multinode" or isinstance(jd.get("nodeProperties"), dict)


def is_eks(jd: dict) -> bool:
    return isinstance(jd.get("eksProperties"), dict) or any(
        isinstance(r.get("eksProperties"), dict) for _, r in node_ranges(ROOT, jd))


def platforms(jd: dict) -> tuple[str, ...]:
    """The families a job definition can run on: EKS for EKS JDs, else its platformCapabilities
    (default EC2, JD-003)."""
    if is_eks(jd):
        return ("EKS",)
    return tuple(dict.fromkeys(capabilities(jd)))


def is_fargate(jd: dict) -> bool:
    """The job definition runs on Fargate (an EKS one never does, whatever it lists)."""
    return "FARGATE" in platforms(jd)


def kind(jd: dict) -> str:
    """container (containerProperties), ecs (ecsProperties), eks (eksProperties) or multinode."""
    if is_multinode(jd):
        return "multinode"
    if isinstance(jd.get("eksProperties"), dict):
        return "eks"
    if isinstance(jd.get("ecsProperties"), dict):
        return "ecs"
    return "container"


def single_container(ptr: Pointer, jd: dict) -> tuple[Pointer, dict] | None:
    """The containerProperties of a single-node (`type: container`) job definition."""
    cp = jd.get("containerProperties")
    if jd_type(jd) == "container" and isinstance(cp, dict):
        return ptr / "containerProperties", cp
    return None


def _task_holders(ptr: Pointer, jd: dict) -> Iterator[tuple[Pointer, dict, bool]]:
    """(pointer, ecsProperties, whether in a node range): at the top, then in each node range."""
    holders = [(ptr, jd, False), *((rptr, r, True) for rptr, r in node_ranges(ptr, jd))]
    for hptr, holder, in_node in holders:
        ecs = holder.get("ecsProperties")
        if isinstance(ecs, dict):
            yield hptr / "ecsProperties", ecs, in_node


def ecs_tasks(ptr: Pointer, jd: dict) -> Iterator[tuple[Pointer, dict]]:
    """(pointer, task) of ecsProperties.taskProperties[], at the top and in node ranges."""
    for eptr, ecs, _ in _task_holders(ptr, jd):
        for t, task in dicts(ecs.get("taskProperties")):
            yield eptr / "taskProperties" / t, task


class Container(NamedTuple):
    """One ECS container of a job definition, with the mapping that holds its volumes."""

    ptr: Pointer  # the container mapping
    body: dict
    scope_ptr: Pointer  # containerProperties / a node range's container / the ecsProperties task
    scope: dict  # holds `volumes`, the job role and the execution role
    role_key: str  # jobRoleArn (containerProperties) or taskRoleArn (ecsProperties)
    in_task: bool  # an ecsProperties task container
    in_node: bool  # inside a node range
    single: bool  # the containerProperties of a `type: container` job definition


def container_properties(ptr: Pointer, jd: dict) -> Iterator[Container]:
    """The ContainerProperties of a job definition: containerProperties and each node range's
    container (not the containers of ecsProperties tasks, which have a shape of their own)."""
    cp = jd.get("containerProperties")
    if isinstance(cp, dict):
        cptr = ptr / "containerProperties"
        yield Container(cptr, cp, cptr, cp, "jobRoleArn", False, False, jd_type(jd) == "container")
    if "nodeProperties" in jd:
        for rptr, r in node_ranges(ptr, jd):
            c = r.get("container")
            if isinstance(c, dict):
                cptr = rptr / "container"
                yield Container(cptr, c, cptr, c, "jobRoleArn", False, True, False)


def containers(ptr: Pointer, jd: dict) -> Iterator[Container]:
    """Every ECS container: the ContainerProperties (containerProperties, then the node ranges'),
    then the containers of the ecsProperties tasks (top level, then node ranges)."""
    yield from container_properties(ptr, jd)
    for eptr, ecs, in_node in _task_holders(ptr, jd):
        for t, task in dicts(ecs.get("taskProperties")):
            tptr = eptr / "taskProperties" / t
            for j, c in dicts(task.get("containers")):
                yield Container(tptr / "containers" / j, c, tptr, task, "taskRoleArn", True, in_node, False)


def task_containers(ecs: Any) -> Iterator[dict]:
    """The containers of every task of an ecsProperties mapping (or of an ecsPropertiesOverride)."""
    for _, task in dicts(ecs.get("taskProperties") if isinstance(ecs, dict) else None):
        for _, c in dicts(task.get("containers")):
            yield c


def requirements(container: Any) -> dict[str, tuple[int, Any]]:
    """resourceRequirements by type: (index, value) of the first entry of each type."""
    out: dict[str, tuple[int, Any]] = {}
    rr = container.get("resourceRequirements") if isinstance(container, dict) else None
    if isinstance(rr, list):
        for i, r in enumerate(rr):
            if isinstance(r, dict) and isinstance(r.get("type"), str):
                out.setdefault(r["type"], (i, r.get("value")))
    return out


def requirement(container: Any, rtype: str) -> float | None:
    """The value of the first resourceRequirements entry of type `rtype` as a number, if given
    and numeric (a lookup the capacity rules make four times per container: no dict built)."""
    rr = container.get("resourceRequirements") if isinstance(container, dict) else None
    if isinstance(rr, list):
        for r in rr:
            if isinstance(r, dict) and r.get("type") == rtype:
                return _as_float(r.get("value"))
    return None


# The deprecated container fields and the resourceRequirements type each stands for (JDR-002).
LEGACY_FIELDS: tuple[tuple[str, str], ...] = (("vcpus", "VCPU"), ("memory", "MEMORY"))


def _legacy(container: Any, key: str) -> float | None:
    v = container.get(key) if isinstance(container, dict) else None
    return float(v) if isinstance(v, int) and not isinstance(v, bool) else None


def effective_resources(container: Any, overrides: Any) -> tuple[float | None, float | None]:
    """(vCPUs, memory MiB) a container gets after submit-time overrides.

    resourceRequirements overrides win; the deprecated `vcpus`/`memory` overrides replace only
    the JD's deprecated fields and are ignored when the JD uses resourceRequirements (SJO-002).
    """
    out = []
    for rtype, key in (("VCPU", "vcpus"), ("MEMORY", "memory")):
        value = requirement(overrides, rtype)
        if value is None:
            value = requirement(container, rtype)
            if value is None:
                value = _legacy(overrides, key)
                if value is None:
                    value = _legacy(container, key)
        out.append(value)
    return out[0], out[1]


# --- jobs -----------------------------------------------------------------------------------------


def is_array(job: dict) -> bool:
    ap = job.get("arrayProperties")
    return isinstance(ap, dict) and isinstance(ap.get("size"), int)


def array_size(job: dict) -> int | None:
    return job["arrayProperties"]["size"] if is_array(job) else None


def node_count(jd: dict, job: dict) -> int | None:
    """Nodes of a multi-node job: the submit-time numNodes override, else the JD's."""
    no = job.get("nodeOverrides")
    if isinstance(no, dict) and isinstance(no.get("numNodes"), int):
        return no["numNodes"]
    np = jd.get("nodeProperties")
    n = np.get("numNodes") if isinstance(np, dict) else None
    return n if isinstance(n, int) and not isinstance(n, bool) else None


def parse_range(text: Any) -> tuple[int | None, int | None] | None:
    """'2:5' -> (2, 5), ':5' -> (0, 5), '2:' -> (2, None), ':' -> (0, None), '3' -> (3, 3)."""
    if not isinstance(text, str):
        return None
    m = re.fullmatch(r"([0-9]*):([0-9]*)", text)
    if m:
        return int(m.group(1) or 0), (int(m.group(2)) if m.group(2) else None)
    if text.isdigit():
        return int(text), int(text)
    return None


def ecs_task_needs(ecs, override) -> tuple[float, float] | None:
    """Sum of the containers' VCPU and MEMORY of an ecsProperties task (after overrides)."""
    by_name = {c["name"]: c for c in task_containers(override) if isinstance(c.get("name"), str)}
    v_total = m_total = 0.0
    for c in task_containers(ecs):
        v, m = effective_resources(c, by_name.get(c.get("name")))
        v_total += v or 0
        m_total += m or 0
    return (v_total, m_total) if v_total and m_total else None
