"""Rules for submit-job templates, the spec's `jobs` (SJ-, SJA-, SJD-, SJO-, SJP-).

The schema already checks the ranges and enums it is tagged with (SJ-005, SJA-001, SJD-001,
SJD-002, SJO-003); these rules check what needs the job's definition, its queue or other
jobs. Knows no YAML positions and no wording (compiler/data/catalog/sj.yaml has it).
"""
from __future__ import annotations

from typing import Any, Mapping

from ..catalog import Constraint
from .context import Context, rule
from .shapes import (array_size, effective_resources, fargate_memory, is_array, is_fargate, is_multinode, kind,
                     number_text, requirement)
from .targets import targets


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
