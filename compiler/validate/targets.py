"""What a `jobs` entry runs: its job definition, its queue's compute environments, and the
facts about them that submit-job and cross-resource rules compare. No wording, no positions.

Everything here reads schema-valid entries only (Context.entries/named). A reference given
by ARN, or to an entry that failed the schema, is unknown: rules skip what they can't see,
so an unknown environment never produces an error (XR-001 reports unresolved names).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Iterator

from ..language import is_arn, split_revision
from ..problems import Pointer
from .context import Context
from .shapes import EnvKind, env_kind


@dataclass(frozen=True)
class Env:
    """One compute environment of a queue, as a place to run jobs."""

    name: str
    pointer: Pointer
    entry: dict
    kind: EnvKind | None  # None when the entry doesn't say (a MANAGED one without computeResources)
    index: int  # its place in the queue's computeEnvironmentOrder
    order: object  # the `order` it is given there

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


def env_labels(envs: Iterable[Env]) -> str:
    """'a (EC2), b (SPOT)' for messages."""
    return ", ".join(e.label for e in envs)


def job_definition(ctx: Context, value: Any) -> tuple[Pointer, dict] | None:
    if not isinstance(value, str) or is_arn(value):
        return None
    return ctx.named("jobDefinitions", split_revision(value)[0])


def queue_envs(ctx: Context, queue: dict) -> tuple[tuple[Env, ...], bool]:
    """The queue's compute environments that are entries of this spec (schema-valid), in
    computeEnvironmentOrder's order, and whether that is all of them (none is given by ARN
    or names an entry that failed the schema, and the order is a non-empty list)."""
    envs, complete = [], True
    order = queue.get("computeEnvironmentOrder")
    for i, item in enumerate(order if isinstance(order, list) else []):
        ref = item.get("computeEnvironment") if isinstance(item, dict) else None
        found = ctx.named("computeEnvironments", ref) if isinstance(ref, str) and not is_arn(ref) else None
        if found is None:
            complete = False
            continue
        envs.append(Env(ref, found[0], found[1], env_kind(found[1]), i, item.get("order")))
    if not isinstance(order, list) or not order:
        complete = False
    return tuple(envs), complete


def targets(ctx: Context) -> tuple[Target, ...]:
    """Every schema-valid `jobs` entry with its job definition and queue, where the spec has
    them (worked out once per spec: some twenty rules ask)."""
    return ctx.once("targets", lambda: tuple(_targets(ctx)))


def _targets(ctx: Context) -> Iterator[Target]:
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
