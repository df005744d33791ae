"""Rules for `estimates` (batchgen's own, for `batchgen cost`): BG-122, BG-123.

An estimate names a `jobs` entry and how long a run of it typically takes. Nothing here
reaches AWS; the rules keep `batchgen cost` from pricing a job that isn't there or a
duration it can't read.
"""
from __future__ import annotations

from ...catalog import Constraint
from ...language import duration_hours
from ..context import Context, rule
from ..schema import did_you_mean


@rule("BG-122")
def estimate_names_a_job(ctx: Context, c: Constraint):
    """Each estimate names a jobs entry of the spec, once."""
    jobs = ctx.names("jobs")
    seen: dict[str, int] = {}
    for ptr, estimate in ctx.entries("estimates"):
        job = estimate.get("job")
        if not isinstance(job, str):
            continue
        if job not in jobs:
            yield c.at(ptr / "job", job=job, suggestion=did_you_mean(job, jobs))
        elif job in seen:
            yield c.at(ptr / "job", job=job, first=f"estimates[{seen[job]}]", variant="twice")
        else:
            seen[job] = ptr[-1]


@rule("BG-123")
def estimate_duration_is_a_duration(ctx: Context, c: Constraint):
    """An estimate's duration is hours, minutes and seconds: 5h, 90m, 1h30m, 45s."""
    for ptr, estimate in ctx.entries("estimates"):
        text = estimate.get("duration")
        if isinstance(text, str) and duration_hours(text) is None:
            yield c.at(ptr / "duration", found=text)

