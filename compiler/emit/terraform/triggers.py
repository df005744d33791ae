"""Terraform blocks for `triggers` and for the EventBridge Scheduler form of `schedules` (events.tf).

A trigger is an aws_cloudwatch_event_rule matching S3 "Object Created" events and an
aws_cloudwatch_event_target whose input_transformer maps the event into the job's
parameters and whose batch_target submits the job; each bucket the triggers watch gets an
aws_s3_bucket_notification with `eventbridge = true`, which owns the bucket's whole
notification configuration (BG-135). A Scheduler schedule is an aws_scheduler_schedule whose
target is Scheduler's universal target for Batch SubmitJob, the request in its input.
"""
from __future__ import annotations

import json
from typing import Any

from ... import eventbridge
from ...model import SCHEDULE_TARGET_ID, BucketNotification, Model, Ref, Schedule, Trigger
from . import hcl


def definition(ref: Any, refs) -> Any:
    """The job definition a Batch target submits: by name, so each run takes the latest ACTIVE
    revision and a new revision changes nothing here (a revision ARN would: the target would
    need an update after every registration, hashicorp/terraform-provider-aws#39443); the
    revision the job names (name:revision); or the ARN (or outside name:revision) given."""
    if isinstance(ref, Ref) and refs.defines(ref):
        return refs.name(ref) if ref.revision is None else refs.revision_arn(ref, str(ref.revision))
    return refs.value(ref)


def batch_target(job_definition: Any, job: str, array_size: int | None, attempts: int | None, refs) -> hcl.Block:
    """The batch_target block of an EventBridge target (a schedule's rule or a trigger's)."""
    batch: list = [hcl.Attr("job_definition", definition(job_definition, refs)), hcl.Attr("job_name", job)]
    if array_size is not None:
        batch.append(hcl.Attr("array_size", array_size))
    if attempts is not None:
        batch.append(hcl.Attr("job_attempts", attempts))
    return hcl.Block("batch_target", (), batch)


def target_options(dead_letter_queue: str | None, retry_policy: dict[str, int]) -> list:
    """dead_letter_config and retry_policy blocks of an event target or a Scheduler target."""
    items: list = []
    if dead_letter_queue:
        items += [hcl.Blank(), hcl.Block("dead_letter_config", (), [hcl.Attr("arn", dead_letter_queue)])]
    if retry_policy:
        body = [hcl.Attr(attr, retry_policy[key]) for key, attr in (
            ("maximumEventAgeInSeconds", "maximum_event_age_in_seconds"),
            ("maximumRetryAttempts", "maximum_retry_attempts")) if key in retry_policy]
        items += [hcl.Blank(), hcl.Block("retry_policy", (), body)]
    return items


def bucket_blocks(b: BucketNotification) -> list:
    return [
        hcl.Comment(f"S3 -> EventBridge delivery of bucket {b.bucket} (trigger{'s' if len(b.triggers) > 1 else ''} "
                    f"{', '.join(b.triggers)}).\n"
                    "This resource owns the bucket's whole notification configuration: applying it removes any\n"
                    "Lambda, SQS or SNS notification configured elsewhere (BG-135)."),
        hcl.Block("resource", ("aws_s3_bucket_notification", b.label), [
            hcl.Attr("bucket", b.bucket),
            hcl.Attr("eventbridge", True),
        ]),
    ]


def trigger_blocks(t: Trigger, refs) -> list:
    rule: list = [hcl.Attr("name", t.name)]
    if t.description:
        rule.append(hcl.Attr("description", t.description))
    rule += [hcl.Attr("event_pattern", hcl.JsonEncode(t.event_pattern())), hcl.Attr("state", t.state)]
    transformer = t.input_transformer()
    target: list = [
        hcl.Attr("rule", hcl.Expr(f"aws_cloudwatch_event_rule.{t.label}.name")),
        hcl.Attr("target_id", SCHEDULE_TARGET_ID),
        hcl.Attr("arn", refs.value(t.job_queue)),
        hcl.Attr("role_arn", refs.value(t.role)),
        hcl.Blank(),
        # The template is a plain string: jsonencode would write its <variables> as \u003c...\u003e.
        hcl.Block("input_transformer", (), [
            *([hcl.Attr("input_paths", dict(transformer.paths))] if transformer.paths else []),
            hcl.Attr("input_template", transformer.template),
        ]),
    ]
    target += [hcl.Blank(), batch_target(t.job_definition, t.job, t.array_size, t.attempts, refs)]
    target += target_options(t.dead_letter_queue, t.retry_policy)
    # JSON-quoted (ASCII): a filter may hold any character, a comment holds one line of it
    filters = [f"{what} {json.dumps(value)}" for what, value in (("prefix", t.prefix), ("suffix", t.suffix)) if value]
    return [
        hcl.Comment(f"Trigger {t.name}: new objects in s3://{t.bucket}"
                    f"{' (' + ', '.join(filters) + ')' if filters else ''} submit job {t.job}"),
        hcl.Block("resource", ("aws_cloudwatch_event_rule", t.label), rule),
        hcl.Block("resource", ("aws_cloudwatch_event_target", t.label), target),
    ]


def scheduler_blocks(s: Schedule, refs, model: Model) -> list:
    mode, window = s.flexible_window
    body: list = [hcl.Attr("name", s.name)]
    if s.description:
        body.append(hcl.Attr("description", s.description))
    body.append(hcl.Attr("schedule_expression", s.expression))
    if s.timezone:
        body.append(hcl.Attr("schedule_expression_timezone", s.timezone))
    if s.kms_key_arn:
        body.append(hcl.Attr("kms_key_arn", s.kms_key_arn))
    body.append(hcl.Attr("state", s.state))
    flexible: list = [hcl.Attr("mode", mode)]
    if window is not None:
        flexible.append(hcl.Attr("maximum_window_in_minutes", window))
    target: list = [
        hcl.Attr("arn", eventbridge.submit_job_target(model.partition)),
        hcl.Attr("role_arn", refs.value(s.role)),
        hcl.Attr("input", hcl.JsonEncode(eventbridge.submit_job_input(
            s.job, refs.value(s.job_queue), definition(s.job_definition, refs), s.array_size, s.attempts,
            s.parameters))),
    ]
    target += target_options(s.dead_letter_queue, s.retry_policy)
    body += [hcl.Blank(), hcl.Block("flexible_time_window", (), flexible),
             hcl.Blank(), hcl.Block("target", (), target)]
    zone = f" {s.timezone}" if s.timezone else ""
    return [
        hcl.Comment(f"Schedule {s.name} (EventBridge Scheduler): submits job {s.job} ({s.expression}{zone})"),
        hcl.Block("resource", ("aws_scheduler_schedule", s.label), body),
    ]

