"""Retry strategies (definitions and jobs): evaluateOnExit conditions Batch can match, then a catch-all; not exit codes."""
from __future__ import annotations

from typing import Iterator

from ...catalog import Constraint
from ...problems import Pointer
from ..context import Context, rule


_CONDITIONS = ("onStatusReason", "onReason", "onExitCode")


def _retry_strategies(ctx: Context) -> Iterator[tuple[Pointer, dict]]:
    for section in ("jobDefinitions", "jobs"):
        for ptr, entry in ctx.entries(section):
            rs = entry.get("retryStrategy")
            if isinstance(rs, dict):
                yield ptr / "retryStrategy", rs


def _stem(pattern: str) -> str:
    return pattern[:-1] if pattern.endswith("*") else pattern


@rule("JDY-002", "JDY-003", "JDY-006", "JDY-007", "JDY-008")
def retry_conditions_can_match(ctx: Context, needs_attempts: Constraint, has_condition: Constraint,
                               ends_catch_all: Constraint, real_reason: Constraint, never_retried: Constraint):
    """evaluateOnExit comes with attempts, every entry has a condition Batch can match, and the list ends with a catch-all."""
    reasons = real_reason.limits["reasons"]
    never = [w.lower() for w in never_retried.limits["words"]]
    for rptr, rs in _retry_strategies(ctx):
        conditions = rs.get("evaluateOnExit")
        if not isinstance(conditions, list):
            continue
        if "attempts" not in rs:
            yield needs_attempts.at(rptr, at_key=True, variant="attempts", where=rptr.dotted())
        entries = [(i, e) for i, e in enumerate(conditions) if isinstance(e, dict)]
        catch_all, all_have_conditions = False, True
        for i, e in entries:
            eptr = rptr / "evaluateOnExit" / i
            given = {k: e[k] for k in _CONDITIONS if isinstance(e.get(k), str)}
            if not given:
                all_have_conditions = False
                yield has_condition.at(eptr, variant="no_condition", where=eptr.dotted())
            elif all(v == "*" for v in given.values()):
                catch_all = True
            action = e.get("action").upper() if isinstance(e.get("action"), str) else ""
            for key in ("onStatusReason", "onReason"):
                value = given.get(key)
                if value is None:
                    continue
                stem = _stem(value).lower()
                vptr = eptr / key
                if action == "RETRY" and any(w in stem for w in never):
                    yield never_retried.at(vptr, where=vptr.dotted(), found=value)
                    continue
                bogus = next((r for r in reasons if stem.startswith(r.lower())), None)
                if bogus:
                    yield real_reason.at(vptr, where=vptr.dotted(), found=value, reason=bogus)
        attempts = rs.get("attempts")
        retries = not (isinstance(attempts, int) and attempts <= 1)
        if entries and retries and all_have_conditions and not catch_all:
            last = entries[-1][0]
            yield ends_catch_all.at(rptr / "evaluateOnExit" / last, 
                                    where=(rptr / "evaluateOnExit").dotted(), found=len(entries))
