"""Rules for `triggers` and for the EventBridge Scheduler form of `schedules` (BG-130..BG-139).

No positions, no HCL. What triggers share with schedules is checked where the schedules'
checks are: an unknown job or role (XR-001), rule names and generated role names (BG-104,
BG-113), the role's trust (IAM-005), the queue's Region (EV-007); a schedule's expression is
EV-006 in either form.
"""
from __future__ import annotations

import ipaddress
import json
import re
from functools import lru_cache
from typing import Iterator

from ... import eventbridge
from ...catalog import Constraint
from ...language import is_arn
from ...problems import Pointer
from ..context import Context, rule
from ..schema import did_you_mean
from ..shapes import placeholders
from ..targets import Target, targets
from .placeholders import commands as commands_of


# --- BG-130 bucket names ----------------------------------------------------------------------


def bucket_name_problem(name: str, lim) -> str | None:
    """Why `name` is not an S3 general purpose bucket name (None if it is), by BG-130's limits."""
    if not lim["min"] <= len(name) <= lim["max"]:
        return f"it has {len(name)} characters; a bucket name has {lim['min']} to {lim['max']}"
    if not re.match(lim["pattern"], name):
        bad = sorted({c for c in name if not re.match(lim["pattern"], c)})
        hint = " (bucket names are lower case)" if any(c.isupper() for c in bad) else ""
        return f"it has {', '.join(repr(c) for c in bad)}; only lowercase letters, digits, '.' and '-' are allowed{hint}"
    if not (name[0].isalnum() and name[-1].isalnum()):
        return "it must begin and end with a letter or digit"
    if ".." in name:
        return "it has two adjacent dots"
    try:
        ipaddress.IPv4Address(name)
        return "it is formatted as an IP address"
    except ValueError:
        pass
    for prefix in lim["reserved_prefixes"]:
        if name.startswith(prefix):
            return f"the prefix '{prefix}' is reserved"
    for suffix in lim["reserved_suffixes"]:
        if name.endswith(suffix):
            return f"the suffix '{suffix}' is reserved"
    return None


@rule("BG-130")
def trigger_bucket_is_a_bucket_name(ctx: Context, c: Constraint):
    """A trigger's bucket is a valid S3 general purpose bucket name."""
    for ptr, t in ctx.entries("triggers"):
        problem = bucket_name_problem(t["bucket"], c.limits)
        if problem:
            p = ptr / "bucket"
            yield c.at(p, where=p.dotted(), found=t["bucket"], detail=problem)


# --- BG-131 key filters -----------------------------------------------------------------------


@rule("BG-131")
def key_filter_can_match(ctx: Context, c: Constraint):
    """A trigger's prefix and suffix fit in an S3 key, are literal, and the event pattern fits EventBridge."""
    lim = c.limits
    for ptr, t in ctx.entries("triggers"):
        filters = {f: t[f] for f in ("prefix", "suffix") if t.get(f)}
        for field, value in filters.items():
            for char in ("*", "?"):
                if char in value:
                    p = ptr / field
                    yield c.at(p, variant="glob", where=p.dotted(), found=value, char=char)
                    break
        sizes = {f: len(v.encode()) for f, v in filters.items()}
        longest = max(sizes, key=sizes.get, default=None)
        if longest and sizes[longest] > lim["key_max_bytes"]:
            p = ptr / longest
            yield c.at(p, where=p.dotted(), found=sizes[longest])
        elif len(filters) == 2:
            # The shortest key with both: the prefix, then what the suffix adds past their overlap.
            prefix, suffix = filters["prefix"], filters["suffix"]
            overlap = next((n for n in range(min(len(prefix), len(suffix)), 0, -1) if prefix[-n:] == suffix[:n]), 0)
            shortest = len((prefix + suffix[overlap:]).encode())
            if shortest > lim["key_max_bytes"]:
                p = ptr / "suffix"
                yield c.at(p, where=f"{(ptr / 'prefix').dotted()} with {p.dotted()}", found=shortest)
                continue
        if isinstance(t.get("bucket"), str):
            size = len(json.dumps(eventbridge.s3_object_created_pattern(t["bucket"], t.get("prefix"), t.get("suffix")),
                                  separators=(",", ":"), ensure_ascii=False))
            if size > lim["pattern_max"]:
                yield c.at(ptr / "name", variant="pattern", trigger=t["name"], found=size)


# --- BG-132 parameter templates ---------------------------------------------------------------


@rule("BG-132")
def parameters_name_event_values(ctx: Context, c: Constraint):
    """A trigger's parameters name only event values batchgen offers, and the input template fits EventBridge."""
    lim = c.limits
    names = [f"{{{n}}}" for n in eventbridge.PLACEHOLDERS]
    jobs = {j.get("jobName"): j for _, j in ctx.entries("jobs")}
    for ptr, t in ctx.entries("triggers"):
        reported = False
        for key, value in (t.get("parameters") or {}).items():
            p = ptr / "parameters" / key
            for problem in eventbridge.parse_template(value)[1]:
                reported = True
                if problem.kind == "brace":
                    yield c.at(p, variant="brace", where=p.dotted(), found=problem.text, offset=problem.offset)
                else:
                    yield c.at(p, where=p.dotted(), found=problem.text, placeholders=", ".join(names),
                                  suggestion=did_you_mean(problem.text[1:-1], list(eventbridge.PLACEHOLDERS)))
        if reported:
            continue
        job = jobs.get(t["job"])
        merged = {**((job or {}).get("parameters") or {}), **(t.get("parameters") or {})}
        size = len(eventbridge.input_transformer(merged).template)
        if size > lim["template_max"]:
            at = ptr / "parameters" if "parameters" in t else ptr / "job"
            yield c.at(at, variant="template", trigger=t["name"], found=size)


# --- BG-133, BG-134 Ref:: placeholders ------------------------------------------------------------


def _triggered(ctx: Context) -> Iterator[tuple[Pointer, dict, Target]]:
    """(trigger pointer, trigger, its job as a Target) for triggers whose job the spec has."""
    by_name = {tg.job.get("jobName"): tg for tg in targets(ctx)}
    for ptr, t in ctx.entries("triggers"):
        target = by_name.get(t.get("job"))
        if target is not None:
            yield ptr, t, target


def _used(target: Target) -> list[str]:
    used: list[str] = []
    for command in commands_of(target.jd, target.job):
        for name in placeholders(command):
            if name not in used:
                used.append(name)
    return used


@rule("BG-133")
def trigger_parameter_is_used(ctx: Context, c: Constraint):
    """A trigger's parameter matches a Ref:: placeholder of the command its job runs."""
    for ptr, t, target in _triggered(ctx):
        if target.jd is None:
            continue
        used = _used(target)
        for key in t.get("parameters") or {}:
            if key not in used:
                yield c.at(ptr / "parameters" / key, at_key=True, name=key, jd=target.jd_name,
                              used=", ".join(f"Ref::{u}" for u in used) or "none")


@rule("BG-134")
def triggered_job_placeholders_have_values(ctx: Context, c: Constraint):
    """Every Ref:: placeholder of the command a triggered job runs has a value."""
    for ptr, t, target in _triggered(ctx):
        if target.jd is None:
            continue
        defaults = target.jd.get("parameters") if isinstance(target.jd.get("parameters"), dict) else {}
        given = {**(target.job.get("parameters") or {}), **(t.get("parameters") or {})}
        for name in _used(target):
            if name not in defaults and name not in given:
                at = ptr / "parameters" if "parameters" in t else ptr / "job"
                yield c.at(at, at_key="parameters" in t, name=name, jd=target.jd_name, trigger=t["name"],
                              job=t["job"])


# --- BG-135 the bucket's notification configuration ---------------------------------------


@rule("BG-135")
def bucket_notification_is_owned(ctx: Context, c: Constraint):
    """Once per bucket whose delivery batchgen writes: aws_s3_bucket_notification owns the bucket's notifications."""
    warned: set[str] = set()
    for ptr, t in ctx.entries("triggers"):
        bucket = t["bucket"]
        if t.get("manageBucketNotification", True) and bucket not in warned:
            warned.add(bucket)
            p = ptr / "bucket"
            yield c.at(p, where=p.dotted(), bucket=bucket)


# --- BG-136 what a Batch target carries ---------------------------------------------------------


@rule("BG-136")
def triggered_job_fits_a_batch_target(ctx: Context, c: Constraint):
    """A triggered job uses only what an EventBridge Batch target carries, has no dependsOn, and no job depends on it."""
    lim = c.limits
    jobs = {j.get("jobName"): j for _, j in ctx.entries("jobs")}
    triggered: dict[str, str] = {}
    for ptr, t in ctx.entries("triggers"):
        triggered.setdefault(t["job"], t["name"])
        job = jobs.get(t["job"])
        if job is None:
            continue
        values = {"trigger": t["name"], "job": t["job"]}
        for field in job:
            if field in lim["carried"]:
                continue
            if field == "dependsOn":
                yield c.at(ptr / "job", variant="depends", **values)
            elif field in lim["advisory"]:
                yield c.at(ptr / "job", variant="tags", field=field, **values)
            else:
                yield c.at(ptr / "job", field=field, **values)
        retry = job.get("retryStrategy")
        if isinstance(retry, dict):
            for field in retry:
                if field != "attempts":
                    yield c.at(ptr / "job", field=f"retryStrategy.{field}", **values)
    for ptr, job in ctx.entries("jobs"):
        for i, dep in enumerate(job.get("dependsOn") or []):
            target = dep.get("jobId") if isinstance(dep, dict) else None
            if target in triggered:
                yield c.at(ptr / "dependsOn" / i / "jobId", variant="dependent", job=job.get("jobName"),
                              target=target, trigger=triggered[target])


# --- BG-137, BG-138 EventBridge Scheduler -----------------------------------------------------


@lru_cache(maxsize=1)
def time_zones() -> frozenset[str]:
    """The IANA time zone names of this machine's database (Python's zoneinfo: the system's,
    or the tzdata package). Empty when there is none: then no zone is checked."""
    import zoneinfo  # here, not at the top: it reads sysconfig, which a spec without time zones needn't load

    try:
        return frozenset(zoneinfo.available_timezones())
    except Exception:  # a broken database is no reason to reject a spec
        return frozenset()


@rule("BG-137")
def timezone_is_iana(ctx: Context, c: Constraint):
    """A schedule's scheduleExpressionTimezone names an IANA time zone."""
    for ptr, s in ctx.entries("schedules"):
        zone = s.get("scheduleExpressionTimezone")
        zones = time_zones() if isinstance(zone, str) else frozenset()
        if zones and zone not in zones:
            p = ptr / "scheduleExpressionTimezone"
            yield c.at(p, where=p.dotted(), found=zone, suggestion=did_you_mean(zone, sorted(zones)))


@rule("BG-138")
def flexible_window_is_complete(ctx: Context, c: Constraint):
    """A FLEXIBLE window gives its length; Scheduler's fields aren't on a schedule that says scheduler: false."""
    for ptr, s in ctx.entries("schedules"):
        window = s.get("flexibleTimeWindow")
        if isinstance(window, dict):
            p = ptr / "flexibleTimeWindow" / "mode"
            if window.get("mode") == "FLEXIBLE" and "maximumWindowInMinutes" not in window:
                yield c.at(p, variant="window", where=(ptr / "flexibleTimeWindow").dotted())
            elif window.get("mode") == "OFF" and "maximumWindowInMinutes" in window:
                m = ptr / "flexibleTimeWindow" / "maximumWindowInMinutes"
                yield c.at(m, variant="unused", where=(ptr / "flexibleTimeWindow").dotted())
        if s.get("scheduler") is False:
            for field in eventbridge.SCHEDULER_ONLY_FIELDS:
                if s.get(field) is not None:
                    yield c.at(ptr / field, at_key=True, variant="rule", schedule=s["name"], field=field)


# --- BG-139 dead-letter queues of rule targets ------------------------------------------------


@rule("BG-139")
def rule_dead_letter_queue_allows_eventbridge(ctx: Context, c: Constraint):
    """A dead-letter queue of a rule target (trigger, rule-form schedule) warns that its policy must let EventBridge send."""
    entries = [(ptr, t) for ptr, t in ctx.entries("triggers")]
    entries += [(ptr, s) for ptr, s in ctx.entries("schedules") if not eventbridge.uses_scheduler(s)]
    for ptr, entry in entries:
        queue = entry.get("deadLetterQueue")
        if isinstance(queue, str) and is_arn(queue):
            p = ptr / "deadLetterQueue"
            yield c.at(p, where=p.dotted(), rule=entry["name"])

