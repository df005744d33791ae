"""Terraform blocks for `schedules` and `notifications` (events.tf).

A schedule is an aws_cloudwatch_event_rule with a schedule_expression and one
aws_cloudwatch_event_target whose batch_target submits the job; a notification is a rule with
an event pattern on Batch job state changes and the SNS topic as target. Used by terraform.py.
"""
from __future__ import annotations

from typing import Any

from ..resolve import Model, Notification, Ref, Schedule, Topic
from . import hcl

SCHEDULE_TARGET_ID = "batch-job"
NOTIFICATION_TARGET_ID = "sns-topic"
EVENTS_PRINCIPAL = "events.amazonaws.com"

# A topic without kmsMasterKeyId is created unencrypted: EventBridge can't publish to a topic
# encrypted with the AWS managed key alias/aws/sns (its key policy can't grant
# events.amazonaws.com), and a customer managed key is the user's to create. BG-117 warns
# (checkov CKV_AWS_26 fails the same topic); BG-112 rejects alias/aws/sns.


def _definition(ref: Any, refs) -> Any:
    """The job definition of a Batch target: by name, so each run takes the latest ACTIVE
    revision and a new revision changes nothing here (a revision ARN would: the target would
    need an update after every registration, hashicorp/terraform-provider-aws#39443); or the
    revision the job names."""
    if isinstance(ref, Ref) and ref.revision is not None:
        return hcl.Expr(f'"${{{refs.address(ref)}.arn_prefix}}:{ref.revision}"')
    if isinstance(ref, Ref):
        return hcl.Expr(f"{refs.address(ref)}.name")
    return refs.value(ref)


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
    batch: list = [hcl.Attr("job_definition", _definition(s.job_definition, refs)), hcl.Attr("job_name", s.job)]
    if s.array_size is not None:
        batch.append(hcl.Attr("array_size", s.array_size))
    if s.attempts is not None:
        batch.append(hcl.Attr("job_attempts", s.attempts))
    target += [hcl.Blank(), hcl.Block("batch_target", (), batch)]
    return [
        hcl.Comment(f"Schedule {s.name}: submits job {s.job} ({s.expression})"),
        hcl.Block("resource", ("aws_cloudwatch_event_rule", s.label), rule),
        hcl.Block("resource", ("aws_cloudwatch_event_target", s.label), target),
    ]


def topic_policy(topic_arn: Any, rule_arns: list[Any]) -> dict:
    """Let EventBridge publish, only for the notification rules of this spec (aws:SourceArn)."""
    return {
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "AllowEventBridgeRules",
            "Effect": "Allow",
            "Principal": {"Service": EVENTS_PRINCIPAL},
            "Action": "sns:Publish",
            "Resource": topic_arn,
            "Condition": {"ArnEquals": {"aws:SourceArn": rule_arns}},
        }],
    }


def topic_blocks(t: Topic, model: Model, refs) -> list:
    if t.arn is not None:
        items: list = []  # an existing topic: its policy is the owner's (BG-111)
    else:
        body: list = [hcl.Attr("name", t.name)]
        if t.kms_master_key_id:
            body.append(hcl.Attr("kms_master_key_id", t.kms_master_key_id))
        arn = Ref("topic", t.name, arn=True)
        rule_arns = [Ref("rule", n, arn=True) for n in t.rules]
        items = [
            hcl.Comment(f"SNS topic of notification{'s' if len(t.rules) > 1 else ''} {', '.join(t.rules)}"),
            hcl.Block("resource", ("aws_sns_topic", t.label), body),
            hcl.Block("resource", ("aws_sns_topic_policy", t.label), [
                hcl.Attr("arn", refs.value(arn)),
                hcl.Attr("policy", hcl.JsonEncode(refs.value(topic_policy(arn, rule_arns)))),
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
    return t.arn if t.arn is not None else refs.value(Ref("topic", t.name, arn=True))


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
        items += schedule_blocks(s, refs)
    for t in model.topics:
        items += topic_blocks(t, model, refs)
    for n in model.notifications:
        items += notification_blocks(n, refs)
    return items
