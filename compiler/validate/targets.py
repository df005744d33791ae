"""What a `jobs` entry runs: its job definition, its queue's compute environments, and the
facts about them that submit-job and cross-resource rules compare. No wording, no positions.

Everything here reads schema-valid entries only (Context.entries/named). A reference given
by ARN, or to an entry that failed the schema, is unknown: rules skip what they can't see,
so an unknown environment never produces an error (XR-001 reports unresolved names).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterator

from ..language import is_arn, split_revision
from ..problems import Pointer
from .context import Context

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
        words = f"EKS ({self.label})" if self.orchestration == "EKS" else self.label
        return f"{'an' if words[:1].upper() in 'AEIOU' else 'a'} {words} compute environment"


def env_kind(ce: dict) -> EnvKind | None:
    """The kind of a schema-valid compute environment entry, or None when it can't be told."""
    orchestration = "EKS" if isinstance(ce.get("eksConfiguration"), dict) else "ECS"
    if ce.get("type") == "UNMANAGED":  # runs on EC2 instances the user manages (JQ-007)
        return EnvKind(orchestration, "EC2", "UNMANAGED", None)
    cr = ce.get("computeResources")
    if ce.get("type") != "MANAGED" or not isinstance(cr, dict):
        return None
    crtype = cr.get("type")
    if crtype in ("EC2", "SPOT"):
        return EnvKind(orchestration, "EC2", crtype, crtype == "SPOT")
    if crtype in ("FARGATE", "FARGATE_SPOT"):
        return EnvKind(orchestration, "FARGATE", crtype, crtype == "FARGATE_SPOT")
    if crtype == "ECS_MANAGED_INSTANCES":
        provider = cr.get("managedInstancesProvider")
        template = provider.get("instanceLaunchTemplate") if isinstance(provider, dict) else None
        option = template.get("capacityOptionType", "ON_DEMAND") if isinstance(template, dict) else "ON_DEMAND"
        spot = option == "SPOT"
        return EnvKind(orchestration, "MANAGED_INSTANCES", "ECS_MANAGED_INSTANCES" + (" Spot" if spot else ""), spot)
    return None


@dataclass(frozen=True)
class Env:
    """One compute environment of a queue, as a place to run jobs."""

    name: str
    pointer: Pointer
    entry: dict
    kind: EnvKind | None  # None when the entry doesn't say (a MANAGED one without computeResources)

    @property
    def capacity(self) -> str | None:
        """EC2 | SPOT | FARGATE | FARGATE_SPOT | ECS_MANAGED_INSTANCES | UNMANAGED | None."""
        if self.kind is None:
            return None
        return "ECS_MANAGED_INSTANCES" if self.kind.platform == "MANAGED_INSTANCES" else self.kind.label

    @property
    def family(self) -> str | None:
        """EC2 | FARGATE | MANAGED_INSTANCES | EKS | None (not stated)."""
        if self.kind is None:
            return None
        return "EKS" if self.kind.orchestration == "EKS" else self.kind.platform

    @property
    def resources(self) -> dict:
        cr = self.entry.get("computeResources")
        return cr if isinstance(cr, dict) else {}

    @property
    def label(self) -> str:
        """'name (SPOT)' for messages."""
        return f"{self.name} ({self.capacity or 'type not given'}{', EKS' if self.family == 'EKS' else ''})"


def env_of(name: str, pointer: Pointer, ce: dict) -> Env:
    return Env(name, pointer, ce, env_kind(ce))


@dataclass(frozen=True)
class Target:
    """A `jobs` entry with what it names, where the spec defines it."""

    pointer: Pointer
    job: dict
    jd_pointer: Pointer | None
    jd: dict | None
    queue_pointer: Pointer | None
    queue: dict | None
    envs: tuple[Env, ...]  # the queue's environments the spec defines (schema-valid), in order
    envs_complete: bool  # every environment of the queue is among `envs`

    @property
    def queue_name(self) -> str:
        return str(self.job.get("jobQueue"))

    @property
    def jd_name(self) -> str:
        return str(self.job.get("jobDefinition"))

    @property
    def known_envs(self) -> tuple[Env, ...] | None:
        """The queue's environments when all are known and typed, else None (skip the check)."""
        if self.queue is None or not self.envs_complete or any(e.family is None for e in self.envs):
            return None
        return self.envs


def job_definition(ctx: Context, value: Any) -> tuple[Pointer, dict] | None:
    if not isinstance(value, str) or is_arn(value):
        return None
    return ctx.named("jobDefinitions", split_revision(value)[0])


def queue_envs(ctx: Context, queue: dict) -> tuple[tuple[Env, ...], bool]:
    envs, complete = [], True
    order = queue.get("computeEnvironmentOrder")
    for item in order if isinstance(order, list) else []:
        ref = item.get("computeEnvironment") if isinstance(item, dict) else None
        found = ctx.named("computeEnvironments", ref) if isinstance(ref, str) and not is_arn(ref) else None
        if found is None:
            complete = False
            continue
        envs.append(env_of(ref, *found))
    if not isinstance(order, list) or not order:
        complete = False
    return tuple(envs), complete


def targets(ctx: Context) -> Iterator[Target]:
    """Every schema-valid `jobs` entry with its job definition and queue, where the spec has them."""
    queues: dict[str, tuple[tuple[Env, ...], bool]] = {}
    for ptr, job in ctx.entries("jobs"):
        jd = job_definition(ctx, job.get("jobDefinition"))
        qname = job.get("jobQueue")
        queue = ctx.named("jobQueues", qname) if isinstance(qname, str) and not is_arn(qname) else None
        envs, complete = (), False
        if queue is not None:
            if qname not in queues:
                queues[qname] = queue_envs(ctx, queue[1])
            envs, complete = queues[qname]
        yield Target(ptr, job, jd[0] if jd else None, jd[1] if jd else None,
                     queue[0] if queue else None, queue[1] if queue else None, envs, complete)


# --- job definition facts -------------------------------------------------------------------

def is_multinode(jd: dict) -> bool:
    return jd.get("type") == "multinode" or isinstance(jd.get("nodeProperties"), dict)


def node_ranges(jd: dict) -> list[dict]:
    np = jd.get("nodeProperties")
    ranges = np.get("nodeRangeProperties") if isinstance(np, dict) else None
    return [r for r in ranges if isinstance(r, dict)] if isinstance(ranges, list) else []


def is_eks(jd: dict) -> bool:
    return isinstance(jd.get("eksProperties"), dict) or any(
        isinstance(r.get("eksProperties"), dict) for r in node_ranges(jd))


def platforms(jd: dict) -> tuple[str, ...]:
    """The families a job definition can run on: EKS for EKS JDs, else its platformCapabilities
    (default EC2, JD-003)."""
    if is_eks(jd):
        return ("EKS",)
    caps = jd.get("platformCapabilities")
    caps = [c for c in caps if isinstance(c, str)] if isinstance(caps, list) else []
    return tuple(dict.fromkeys(caps)) or ("EC2",)


def is_fargate(jd: dict) -> bool:
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


KIND_WORDS = {"container": "a containerProperties", "ecs": "an ecsProperties", "eks": "an eksProperties",
              "multinode": "a multi-node (nodeProperties)"}


def is_array(job: dict) -> bool:
    ap = job.get("arrayProperties")
    return isinstance(ap, dict) and isinstance(ap.get("size"), int)


def array_size(job: dict) -> int | None:
    return job["arrayProperties"]["size"] if is_array(job) else None


# --- resources ------------------------------------------------------------------------------

def _number(text: Any) -> float | None:
    if isinstance(text, bool):
        return None
    if isinstance(text, (int, float)):
        return float(text)
    if isinstance(text, str):
        try:
            return float(text.strip())
        except ValueError:
            return None
    return None


def requirement(container: Any, rtype: str) -> float | None:
    """The value of resourceRequirements[type == rtype] as a number, if given and numeric."""
    reqs = container.get("resourceRequirements") if isinstance(container, dict) else None
    for r in reqs if isinstance(reqs, list) else []:
        if isinstance(r, dict) and r.get("type") == rtype:
            return _number(r.get("value"))
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


# --- Ref:: placeholders ---------------------------------------------------------------------

REF = re.compile(r"^Ref::(.+)\Z")


def placeholders(command: Any) -> list[str]:
    """Names of the whole-element `Ref::name` placeholders of a command (JDP-002)."""
    out = []
    for arg in command if isinstance(command, list) else []:
        m = REF.match(arg) if isinstance(arg, str) else None
        if m and m.group(1) not in out:
            out.append(m.group(1))
    return out


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
