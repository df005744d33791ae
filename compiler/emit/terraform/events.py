"""Terraform blocks for `schedules` and `notifications` (events.tf); `triggers` and the Scheduler
form of schedules are in triggers.py.

A schedule is an aws_cloudwatch_event_rule with a schedule_expression and one
aws_cloudwatch_event_target whose batch_target submits the job; a notification is a rule with
an event pattern on Batch job state changes and the SNS topic as target.
"""
from __future__ import annotations

from typing import Any

from ...language import RefKind
from ...model import NOTIFICATION_TARGET_ID, SCHEDULE_TARGET_ID, Model, Notification, Ref, Schedule, Topic
from . import hcl, triggers

# A topic without kmsMasterKeyId is created unencrypted: EventBridge can't publish to a topic
# encrypted with the AWS managed key alias/aws/sns (its key policy can't grant
# events.amazonaws.com), and a customer managed key is the user's to create. BG-117 warns
# (checkov CKV_AWS_26 fails the same topic); BG-112 rejects alias/aws/sns.


def schedule_blocks(s: Schedule, refs) -> list:
    rule: list = [hcl.Attr("name", s.name)]
    if s.description:
        rule.append(hcl.Attr("description", s.description))
    rule += [hcl.Attr("schedule_expression", s.expression), hcl.Attr("state", s.state)]
    target: list = [
        hcl.Attr("rule", hcl.Expr(f"aws_cloudwatch_event_rule.{s.label}.name")),
        hcl.Attr("target_id", SCHEDULE_TARGET_ID),
        hcl.Attr("arn", refs.value(s.job_queue)),
        hcl.Attr("role_arn", refs.value(s.role)),
    ]
    if s.parameters:  # EV-007: the target's input fills the job definition's Ref:: placeholders
        target.append(hcl.Attr("input", hcl.JsonEncode({"Parameters": dict(s.parameters)})))
    target += [hcl.Blank(), triggers.batch_target(s.job_definition, s.job, s.array_size, s.attempts, refs)]
    target += triggers.target_options(s.dead_letter_queue, s.retry_policy)
    return [
        hcl.Comment(f"Schedule {s.name}: submits job {s.job} ({s.expression})"),
        hcl.Block("resource", ("aws_cloudwatch_event_rule", s.label), rule),
        hcl.Block("resource", ("aws_cloudwatch_event_target", s.label), target),
    ]


def topic_blocks(t: Topic, model: Model, refs) -> list:
    if t.arn is not None:
        items: list = []  # an existing topic: its policy is the owner's (BG-111)
    else:
        body: list = [hcl.Attr("name", t.name)]
        if t.kms_master_key_id:
            body.append(hcl.Attr("kms_master_key_id", t.kms_master_key_id))
        items = [
            hcl.Comment(f"SNS topic of notification{'s' if len(t.rules) > 1 else ''} {', '.join(t.rules)}"),
            hcl.Block("resource", ("aws_sns_topic", t.label), body),
            hcl.Block("resource", ("aws_sns_topic_policy", t.label), [
                hcl.Attr("arn", topic_arn(t, refs)),
                hcl.Attr("policy", hcl.JsonEncode(refs.value(t.policy()))),
            ]),
        ]
    for i, sub in enumerate(t.subscriptions, 1):
        items.append(hcl.Block("resource", ("aws_sns_topic_subscription", f"{t.label}_{i}"), [
            hcl.Attr("topic_arn", topic_arn(t, refs)),
            hcl.Attr("protocol", sub["protocol"]),
            hcl.Attr("endpoint", sub["endpoint"]),
        ]))
    return items


def topic_arn(t: Topic, refs) -> Any:
    return t.arn if t.arn is not None else refs.value(Ref(RefKind.TOPIC, t.name, arn=True))


def notification_blocks(n: Notification, refs) -> list:
    rule: list = [hcl.Attr("name", n.name)]
    if n.description:
        rule.append(hcl.Attr("description", n.description))
    rule += [hcl.Attr("event_pattern", hcl.JsonEncode(refs.value(n.event_pattern()))), hcl.Attr("state", n.state)]
    target: list = [
        hcl.Attr("rule", hcl.Expr(f"aws_cloudwatch_event_rule.{n.label}.name")),
        hcl.Attr("target_id", NOTIFICATION_TARGET_ID),
        hcl.Attr("arn", topic_arn(n.topic, refs)),
    ]
    if n.topic.arn is None:  # publish only once the topic policy lets EventBridge in
        target += [hcl.Blank(), hcl.Attr("depends_on", [hcl.Expr(f"aws_sns_topic_policy.{n.topic.label}")])]
    return [
        hcl.Comment(f"Notification {n.name}: job state changes ({', '.join(n.statuses)}) to SNS topic {n.topic.name}"),
        hcl.Block("resource", ("aws_cloudwatch_event_rule", n.label), rule),
        hcl.Block("resource", ("aws_cloudwatch_event_target", n.label), target),
    ]


def events_blocks(model: Model, refs) -> list:
    items: list = []
    for s in model.schedules:
        items += triggers.scheduler_blocks(s, refs, model) if s.scheduler else schedule_blocks(s, refs)
    for t in model.triggers:
        items += triggers.trigger_blocks(t, refs)
    for b in model.buckets:
        items += triggers.bucket_blocks(b)
    for t in model.topics:
        items += topic_blocks(t, model, refs)
    for n in model.notifications:
        items += notification_blocks(n, refs)
    return items
