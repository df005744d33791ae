"""Schedules and notifications: expressions, statuses, Regions, what a Batch target carries; not the account's topics.

EV-001 and EV-003 hold by construction (batchgen writes the event pattern, with queue ARNs);
EV-005's array size and attempts come from the job entry, which the schema checks (SJA-001,
JDY-001). What EventBridge and SNS hold in the account (an existing topic's policy and key)
is unknown, so those findings are warnings; the roles batchgen generates for schedules are
iam_roles'.
"""
from __future__ import annotations

import re
from typing import Any, Iterator, Mapping

from ...catalog import Constraint
from ...language import is_arn
from ...problems import Pointer
from ..context import Context, rule


# --- EV-006 schedule expressions ----------------------------------------------------------

_RATE = re.compile(r"^rate\((.*)\)\Z")
_CRON = re.compile(r"^cron\((.*)\)\Z")


def _cron_field_problem(field: str, text: str, lo: int, hi: int, names: list[str], extra: str) -> str | None:
    """Why `text` is not a valid cron field (None if it is). `extra`: special characters allowed."""
    def number(v: str) -> int | None:
        if v.isdigit():
            return int(v)
        if v.upper() in names:
            return names.index(v.upper()) + lo
        return None

    def in_range(v: str) -> str | None:
        n = number(v)
        if n is None:
            return f"'{v}' is not a number{' or name' if names else ''}"
        if not lo <= n <= hi:
            return f"{n} is outside {lo}-{hi}"
        return None

    for item in text.split(","):
        if item == "*":
            continue
        if item == "?":
            if "?" not in extra:
                return "'?' is only for day-of-month or day-of-week"
            if text != "?":
                return "'?' stands alone"
            continue
        if "L" in extra or "W" in extra or "#" in extra:
            if field == "day-of-month" and re.fullmatch(r"L|LW|\d{1,2}W", item):
                if item.endswith("W") and item[:-1].isdigit() and (msg := in_range(item[:-1])):
                    return msg
                continue
            if field == "day-of-week" and re.fullmatch(r"L|[0-9A-Za-z]{1,3}L|[0-9A-Za-z]{1,3}#[1-5]", item):
                base = item.rstrip("L").split("#")[0]
                if base and (msg := in_range(base)):
                    return msg
                continue
        base, slash, step = item.partition("/")
        if slash and not step.isdigit():
            return f"the increment in '{item}' is not a number"
        if base == "*":
            continue
        start, dash, end = base.partition("-")
        for v in (start, end) if dash else (start,):
            if msg := in_range(v):
                return msg
    return None


def schedule_expression_problem(expression: str, lim: Mapping[str, Any]) -> str | None:
    """Why `expression` is not an EventBridge schedule expression (None if it is), with EV-006's limits."""
    m = _RATE.match(expression)
    if m:
        parts = m.group(1).split()
        if len(parts) != 2 or not parts[0].isdigit() or int(parts[0]) < 1:
            return "rate(value unit) takes a positive whole number and a unit, e.g. rate(5 minutes)"
        value, unit = int(parts[0]), parts[1]
        if unit not in lim["rate_units"]:
            return f"the unit is minute(s), hour(s) or day(s), not '{unit}'"
        if (value == 1) == unit.endswith("s"):
            return f"with the value {value} the unit is '{unit.rstrip('s') if value == 1 else unit + 's'}'"
        return None
    m = _CRON.match(expression)
    if not m:
        return "a schedule is rate(value unit) or cron(minutes hours day-of-month month day-of-week year)"
    fields = m.group(1).split()
    if len(fields) != lim["cron_fields"]:
        return (f"cron takes {lim['cron_fields']} fields (minutes hours day-of-month month day-of-week year), "
                f"not {len(fields)}" + ("; EventBridge adds the year to the five Unix fields" if len(fields) == 5 else ""))
    specs = (
        ("minutes", lim["minutes"], [], ""),
        ("hours", lim["hours"], [], ""),
        ("day-of-month", lim["day_of_month"], [], "?LW"),
        ("month", lim["month"], lim["month_names"], ""),
        ("day-of-week", lim["day_of_week"], lim["day_names"], "?L#"),
        ("year", lim["year"], [], ""),
    )
    for text, (name, (lo, hi), names, extra) in zip(fields, specs):
        problem = _cron_field_problem(name, text, lo, hi, names, extra)
        if problem:
            return f"{name} field '{text}': {problem}"
    if (fields[2] == "?") == (fields[4] == "?"):
        return "exactly one of day-of-month and day-of-week is '?' (they can't both be given)"
    return None


@rule("EV-006")
def schedule_expression_is_valid(ctx: Context, c: Constraint):
    """scheduleExpression is rate(value unit) or a six-field EventBridge cron expression."""
    for ptr, s in ctx.entries("schedules"):
        expr = s.get("scheduleExpression")
        if isinstance(expr, str):
            problem = schedule_expression_problem(expr, c.limits)
            if problem:
                p = ptr / "scheduleExpression"
                yield c.at(p, where=p.dotted(), found=expr, detail=problem)


# --- EV-004, EV-007 notifications ---------------------------------------------------------


@rule("EV-004")
def notification_status_can_happen(ctx: Context, c: Constraint):
    """A notification doesn't wait for SUBMITTED, which no event reports."""
    for ptr, n in ctx.entries("notifications"):
        for i, status in enumerate(n.get("statuses") or []):
            if status == "SUBMITTED":
                p = ptr / "statuses" / i
                yield c.at(p, where=p.dotted())


def _queue_arns(ctx: Context) -> Iterator[tuple[Pointer, str]]:
    for ptr, n in ctx.entries("notifications"):
        for i, q in enumerate(n.get("jobQueues") or []):
            if is_arn(q):
                yield ptr / "jobQueues" / i, q
    jobs = {j.get("jobName"): j for _, j in ctx.entries("jobs")}
    for ptr, s in [*ctx.entries("schedules"), *ctx.entries("triggers")]:
        job = jobs.get(s.get("job"))
        if isinstance(job, dict) and is_arn(job.get("jobQueue")):
            yield ptr / "job", job["jobQueue"]


@rule("EV-007")
def rule_and_queue_share_a_region(ctx: Context, c: Constraint):
    """Queues that rules watch or target are in the spec's Region."""
    region = ctx.data.get("region")
    if not isinstance(region, str):
        return
    for p, arn in _queue_arns(ctx):
        parts = arn.split(":")
        if len(parts) > 3 and parts[3] and parts[3] != region:
            yield c.at(p, where=p.dotted(), found_region=parts[3], region=region)


# --- BG-109, BG-110, BG-115 scheduled jobs ------------------------------------------------


def _scheduled(ctx: Context) -> Iterator[tuple[Pointer, dict, dict]]:
    """(schedule pointer, schedule, the job entry it submits)."""
    for ptr, s in ctx.entries("schedules"):
        found = ctx.named("jobs", s.get("job")) if isinstance(s.get("job"), str) else None
        if found:
            yield ptr, s, found[1]


@rule("BG-109")
def scheduled_job_has_no_dependencies(ctx: Context, c: Constraint):
    """A schedule doesn't submit a job with dependsOn."""
    for ptr, s, job in _scheduled(ctx):
        if job.get("dependsOn"):
            yield c.at(ptr / "job", schedule=s["name"], job=s["job"])


@rule("BG-110")
def scheduled_job_fits_a_batch_target(ctx: Context, c: Constraint):
    """A scheduled job uses only what an EventBridge Batch target carries."""
    lim = c.limits
    for ptr, s, job in _scheduled(ctx):
        for field, value in job.items():
            if field in lim["carried"] or field == "dependsOn":  # dependsOn is BG-109
                continue
            values = {"schedule": s["name"], "job": s["job"], "field": field}
            if field in lim["advisory"]:
                yield c.at(ptr / "job", variant="tags", **values)
            else:
                yield c.at(ptr / "job", **values)
        retry = job.get("retryStrategy")
        if isinstance(retry, dict):
            for field in retry:
                if field != "attempts":
                    yield c.at(ptr / "job", schedule=s["name"], job=s["job"], field=f"retryStrategy.{field}")


@rule("BG-115")
def no_job_depends_on_a_scheduled_job(ctx: Context, c: Constraint):
    """No job's dependsOn names a job that only a schedule submits."""
    scheduled = {s.get("job"): s.get("name") for _, s in ctx.entries("schedules")}
    for ptr, job in ctx.entries("jobs"):
        for i, dep in enumerate(job.get("dependsOn") or []):
            target = dep.get("jobId") if isinstance(dep, dict) else None
            if target in scheduled:
                yield c.at(ptr / "dependsOn" / i / "jobId", job=job.get("jobName"), target=target,
                           schedule=scheduled[target])


# --- BG-111, BG-112 topics ----------------------------------------------------------------


@rule("BG-111")
def existing_topic_policy_is_the_owners(ctx: Context, c: Constraint):
    """A notification to an existing topic warns that the topic's policy must let EventBridge publish."""
    for ptr, n in ctx.entries("notifications"):
        if is_arn(n.get("topic")):
            p = ptr / "topic"
            yield c.at(p, where=p.dotted(), rule=n.get("name"))


@rule("BG-112")
def topic_key_is_usable_by_eventbridge(ctx: Context, c: Constraint):
    """A notification topic isn't encrypted with the AWS managed key alias/aws/sns."""
    managed = c.limits["aws_managed_keys"]
    for ptr, n in ctx.entries("notifications"):
        key = n.get("kmsMasterKeyId")
        if isinstance(key, str) and any(key == k or key.endswith(":" + k) for k in managed):
            p = ptr / "kmsMasterKeyId"
            yield c.at(p, where=p.dotted(), found=key)


@rule("BG-117")
def created_topic_is_encrypted(ctx: Context, c: Constraint):
    """A topic batchgen creates has a customer managed key (kmsMasterKeyId) on one of its notifications."""
    keyed = {n.get("topic") for _, n in ctx.entries("notifications") if n.get("kmsMasterKeyId")}
    warned: set[str] = set()
    for ptr, n in ctx.entries("notifications"):
        topic = n.get("topic")
        if isinstance(topic, str) and not is_arn(topic) and topic not in keyed and topic not in warned:
            warned.add(topic)
            p = ptr / "topic"
            yield c.at(p, where=p.dotted(), topic=topic)

