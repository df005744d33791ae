"""What a spec entry is, as the rules read it: a job definition's kind, platforms,
containers, node ranges and resource requirements; a compute environment's kind; a job's
array size, node count and placeholders; an IAM policy document's statements; and how a
few kinds of value are quoted in messages.

The one place the rules share helpers (job -> queue -> environment resolution is
targets.py). Everything reads entries defensively: a value of the wrong type is skipped,
never a crash. No wording beyond value lists, no positions beyond pointers, no catalog.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Iterator, NamedTuple

from ..problems import Pointer, ROOT
from .context import Context

# --- lists, maps and strings -------------------------------------------------------------------


def dicts(items: Any) -> Iterator[tuple[int, dict]]:
    """(index, item) of the mappings of a list (anything else yields nothing)."""
    if isinstance(items, list):
        for i, item in enumerate(items):
            if isinstance(item, dict):
                yield i, item


def string_items(value: Any) -> list[tuple[int, str]]:
    """(index, item) of the strings of a list."""
    return [(i, v) for i, v in enumerate(value) if isinstance(v, str)] if isinstance(value, list) else []


def strings(node: Any, ptr: Pointer, skip: tuple[str, ...] = ()) -> Iterator[tuple[Pointer, str]]:
    """Every string value under `node` (mapping keys named in `skip` are left out at the top)."""
    if isinstance(node, str):
        yield ptr, node
    elif isinstance(node, dict):
        for k, v in node.items():
            if k not in skip:
                yield from strings(v, ptr / k)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from strings(v, ptr / i)


# --- values as messages quote them ----------------------------------------------------------------


def words(items: list) -> str:
    """'a', 'a or b', 'a, b or c'."""
    items = [str(i) for i in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def article(word: str) -> str:
    """'an' before a word read out letter by letter or as written from a vowel (EC2, EKS), else 'a'."""
    return "an" if word[:1].upper() in "AEIOU" else "a"


def describe_chars(chars: list[str]) -> str:
    """"the character '!'", "the characters '!', U+0007"."""
    shown = ", ".join(repr(c) if c.isprintable() else f"U+{ord(c):04X}" for c in chars)
    return ("the character " if len(chars) == 1 else "the characters ") + shown


_DECIMAL = re.compile(r"[0-9]+(\.[0-9]+)?")


def decimal(value: Any) -> Decimal | None:
    """A resourceRequirements value written as a plain decimal ('0.25', '2'), else None."""
    if isinstance(value, str) and _DECIMAL.fullmatch(value):
        return Decimal(value)
    return None


_WHOLE = re.compile(r"[0-9]+")


def whole(value: Any) -> int | None:
    """A resourceRequirements value written as a whole number ('2048'), else None."""
    return int(value) if isinstance(value, str) and _WHOLE.fullmatch(value) else None


def plain(d: Decimal) -> str:
    """Decimal('16.0') -> '16', Decimal('0.250') -> '0.25'."""
    return format(d.normalize(), "f")


def number_text(v: float) -> str:
    """2.0 -> '2', 0.5 -> '0.5'."""
    return str(int(v)) if v == int(v) else str(v)


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


REF = re.compile(r"^Ref::(.+)\Z")
REF_TEXT = re.compile(r"Ref::[A-Za-z0-9_.-]*")  # a placeholder anywhere in a string (JDP-003, JDP-005)


def placeholders(command: Any) -> list[str]:
    """Names of the whole-element `Ref::name` placeholders of a command (JDP-002)."""
    out = []
    for arg in command if isinstance(command, list) else []:
        m = REF.match(arg) if isinstance(arg, str) else None
        if m and m.group(1) not in out:
            out.append(m.group(1))
    return out


# --- compute environments -------------------------------------------------------------------------

FARGATE = ("FARGATE", "FARGATE_SPOT")
EC2_FAMILY = ("EC2", "SPOT")
MANAGED_INSTANCES = "ECS_MANAGED_INSTANCES"


def compute_environments(ctx: Context) -> Iterator[tuple[Pointer, dict, dict | None, str | None]]:
    """(pointer, entry, computeResources or None, computeResources.type or None) of each valid CE."""
    for ptr, ce in ctx.entries("computeEnvironments"):
        cr = ce.get("computeResources")
        if not isinstance(cr, dict):
            cr = None
        yield ptr, ce, cr, (cr.get("type") if cr else None)


def on_eks(ce: dict) -> bool:
    """The compute environment is an Amazon EKS one (it has eksConfiguration)."""
    return isinstance(ce.get("eksConfiguration"), dict)


def missing_or_empty(holder: dict, key: str) -> bool:
    value = holder.get(key)
    return value is None or (isinstance(value, list) and not value)


def missing_place(base: Pointer, holder: dict, key: str) -> tuple[Pointer, bool, str]:
    """Where to report a missing or empty list (the empty list, or the key of the mapping
    that lacks it) and how to say it."""
    if key in holder:
        return base / key, False, "is empty"
    return base, True, f"has no {key}"


# computeResources.type -> the family a job definition's platform must match (XR-003).
# UNMANAGED ECS environments run on EC2 (JQ-007, XR-003 review note).
@dataclass(frozen=True)
class EnvKind:
    """What a compute environment of the spec is, as far as the queue rules care."""

    orchestration: str  # "ECS" or "EKS"
    platform: str  # "EC2" (EC2, SPOT, UNMANAGED), "FARGATE" or "MANAGED_INSTANCES"
    label: str  # how it is called in messages: EC2, SPOT, FARGATE_SPOT, UNMANAGED, ...
    spot: bool | None  # None when unknown (UNMANAGED)

    @property
    def queue_type(self) -> str:
        if self.orchestration == "EKS":
            return "EKS"
        return {"EC2": "ECS", "FARGATE": "ECS_FARGATE", "MANAGED_INSTANCES": "ECS_MANAGED_INSTANCES"}[self.platform]

    def describe(self) -> str:
        """'a FARGATE_SPOT compute environment', 'an EKS (SPOT) compute environment'."""
        said = f"EKS ({self.label})" if self.orchestration == "EKS" else self.label
        return f"{article(said)} {said} compute environment"


def env_kind(ce: dict) -> EnvKind | None:
    """The kind of a schema-valid compute environment entry, or None when it can't be told."""
    orchestration = "EKS" if on_eks(ce) else "ECS"
    if ce.get("type") == "UNMANAGED":  # runs on EC2 instances the user manages (JQ-007)
        return EnvKind(orchestration, "EC2", "UNMANAGED", None)
    cr = ce.get("computeResources")
    if ce.get("type") != "MANAGED" or not isinstance(cr, dict):
        return None
    crtype = cr.get("type")
    if crtype in EC2_FAMILY:
        return EnvKind(orchestration, "EC2", crtype, crtype == "SPOT")
    if crtype in FARGATE:
        return EnvKind(orchestration, "FARGATE", crtype, crtype == "FARGATE_SPOT")
    if crtype == MANAGED_INSTANCES:
        provider = cr.get("managedInstancesProvider")
        template = provider.get("instanceLaunchTemplate") if isinstance(provider, dict) else None
        option = template.get("capacityOptionType", "ON_DEMAND") if isinstance(template, dict) else "ON_DEMAND"
        spot = option == "SPOT"
        return EnvKind(orchestration, "MANAGED_INSTANCES", MANAGED_INSTANCES + (" Spot" if spot else ""), spot)
    return None


# --- IAM policy documents ------------------------------------------------------------------------


def as_list(value: Any) -> list:
    return value if isinstance(value, list) else [value]


def items(value: Any, ptr: Pointer) -> Iterator[tuple[Pointer, Any]]:
    """(pointer, value) of a string-or-list policy element."""
    if isinstance(value, list):
        for i, v in enumerate(value):
            yield ptr / i, v
    else:
        yield ptr, value


def statements(doc_ptr: Pointer, doc: dict) -> Iterator[tuple[Pointer, dict]]:
    st = doc.get("Statement")
    if isinstance(st, dict):
        yield doc_ptr / "Statement", st
    elif isinstance(st, list):
        for i, s in enumerate(st):
            if isinstance(s, dict):
                yield doc_ptr / "Statement" / i, s


def actions(statement: dict) -> list[str]:
    return [a for a in as_list(statement.get("Action", [])) if isinstance(a, str)]
