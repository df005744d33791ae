"""CLI request bodies for `iam.roles`, `iam.policies`, schedules, triggers and notifications.

Used by the CLI emitter (__init__.py), which passes the model's reference writer (`refs`,
full ARNs with @@ACCOUNT_ID@@ / @@REGION@@ where the spec gives none) and `add(service, command, name, body)`, which writes
one body and one deploy.sh step. Policy documents are compact JSON strings, as the API takes.
"""
from __future__ import annotations

import json
from typing import Any, Callable

from ... import eventbridge
from ...language import RefKind
from ...model import NOTIFICATION_TARGET_ID, SCHEDULE_TARGET_ID, Model, Ref, Role, Schedule

Add = Callable[..., str]


def compact(document: Any) -> str:
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False)


def tag_list(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def _policy_file_name(arn: Any) -> str:
    return arn.name if isinstance(arn, Ref) else arn.rsplit("/", 1)[-1]


def policies(model: Model, refs, add: Add) -> None:
    """create-policy for each `iam.policies` entry (before the roles that attach them)."""
    for p in model.policies:
        body: dict[str, Any] = {"PolicyName": p.name}
        if p.path:
            body["Path"] = p.path
        body["PolicyDocument"] = compact(refs.value(p.document))
        if p.description:
            body["Description"] = p.description
        if model.default_tags:
            body["Tags"] = tag_list(model.default_tags)
        add("iam", "create-policy", p.name, body)


def spec_role(model: Model, role: Role, refs, add: Add) -> None:
    """create-role, put-role-policy, attach-role-policy and (instance role) its instance profile."""
    body: dict[str, Any] = {"RoleName": role.name}
    if role.path:
        body["Path"] = role.path
    body["AssumeRolePolicyDocument"] = compact(refs.value(role.assume_role_policy()))
    if role.description:
        body["Description"] = role.description
    if role.max_session_duration is not None:
        body["MaxSessionDuration"] = role.max_session_duration
    if role.permissions_boundary is not None:
        body["PermissionsBoundary"] = refs.value(role.permissions_boundary)
    tags = {**model.default_tags, **role.tags}
    if tags:
        body["Tags"] = tag_list(tags)
    add("iam", "create-role", role.name, body)
    inline_policies(role, refs, add)
    for arn in role.policy_arns:
        add("iam", "attach-role-policy", f"{role.name}--{_policy_file_name(arn)}",
            {"RoleName": role.name, "PolicyArn": refs.value(arn)})
    if role.instance_profile:
        profile: dict[str, Any] = {"InstanceProfileName": role.name}
        if role.path:
            profile["Path"] = role.path
        add("iam", "create-instance-profile", role.name, profile)
        add("iam", "add-role-to-instance-profile", role.name,
            {"InstanceProfileName": role.name, "RoleName": role.name}, wait_instance_profile=role.name)


def inline_policies(role: Role, refs, add: Add) -> None:
    for p in role.inline_policies:
        add("iam", "put-role-policy", f"{role.name}--{p.name}",
            {"RoleName": role.name, "PolicyName": p.name, "PolicyDocument": compact(refs.value(p.document))})


def _rule(model: Model, name: str, description: str | None, state: str, **what: str) -> dict[str, Any]:
    body: dict[str, Any] = {"Name": name, **what, "State": state}
    if description:
        body["Description"] = description
    if model.default_tags:
        body["Tags"] = tag_list(model.default_tags)
    return body


def _target_options(target: dict[str, Any], dead_letter_queue: str | None, retry_policy: dict[str, int]) -> None:
    """DeadLetterConfig and RetryPolicy of an EventBridge or Scheduler target, in place."""
    if dead_letter_queue:
        target["DeadLetterConfig"] = {"Arn": dead_letter_queue}
    if retry_policy:
        target["RetryPolicy"] = {key[0].upper() + key[1:]: retry_policy[key]
                                 for key in ("maximumEventAgeInSeconds", "maximumRetryAttempts") if key in retry_policy}


def _queue_arn(refs, queue: Any) -> Any:
    return refs.value(Ref(RefKind.JOB_QUEUE, queue.name, arn=True)) if isinstance(queue, Ref) else queue


def _batch_parameters(refs, job_definition: Any, job: str, array_size: int | None, attempts: int | None) -> dict:
    batch: dict[str, Any] = {"JobDefinition": refs.value(job_definition), "JobName": job}
    if array_size is not None:
        batch["ArrayProperties"] = {"Size": array_size}
    if attempts is not None:
        batch["RetryStrategy"] = {"Attempts": attempts}
    return batch


def scheduler_schedule(model: Model, s: Schedule, refs, add: Add) -> None:
    """scheduler create-schedule: Scheduler's universal target for Batch SubmitJob, the request as its Input."""
    body: dict[str, Any] = {"Name": s.name, "ScheduleExpression": s.expression}
    if s.timezone:
        body["ScheduleExpressionTimezone"] = s.timezone
    if s.description:
        body["Description"] = s.description
    body["State"] = s.state
    if s.kms_key_arn:
        body["KmsKeyArn"] = s.kms_key_arn
    mode, window = s.flexible_window
    body["FlexibleTimeWindow"] = {"Mode": mode, **({"MaximumWindowInMinutes": window} if window is not None else {})}
    target: dict[str, Any] = {
        "Arn": eventbridge.submit_job_target(model.partition),
        "RoleArn": refs.value(s.role),
        "Input": compact(eventbridge.submit_job_input(s.job, _queue_arn(refs, s.job_queue), refs.value(s.job_definition),
                                                      s.array_size, s.attempts, s.parameters)),
    }
    _target_options(target, s.dead_letter_queue, s.retry_policy)
    body["Target"] = target
    add("scheduler", "create-schedule", s.name, body)


def triggers(model: Model, refs, add: Add) -> None:
    """Each trigger's rule and target, then each bucket's S3 -> EventBridge delivery."""
    for t in model.triggers:
        add("events", "put-rule", t.name, _rule(model, t.name, t.description, t.state,
                                                 EventPattern=compact(t.event_pattern())))
        transformer = t.input_transformer()
        target: dict[str, Any] = {
            "Id": SCHEDULE_TARGET_ID,
            "Arn": _queue_arn(refs, t.job_queue),
            "RoleArn": refs.value(t.role),
            "InputTransformer": {**({"InputPathsMap": dict(transformer.paths)} if transformer.paths else {}),
                                 "InputTemplate": transformer.template},
            "BatchParameters": _batch_parameters(refs, t.job_definition, t.job, t.array_size, t.attempts),
        }
        _target_options(target, t.dead_letter_queue, t.retry_policy)
        add("events", "put-targets", t.name, {"Rule": t.name, "Targets": [target]})
    for b in model.buckets:
        # deploy.sh merges the bucket's current configuration in at run time (keep_notifications):
        # the call replaces the whole configuration, and the bucket may have other notifications.
        add("s3api", "put-bucket-notification-configuration", b.bucket,
            {"Bucket": b.bucket, "NotificationConfiguration": {"EventBridgeConfiguration": {}}},
            bucket_notification=b.bucket)


def events(model: Model, refs, add: Add) -> None:
    """Topics, then the EventBridge rules and their targets (after the job definitions, XR-016)."""
    for s in model.schedules:
        if s.scheduler:
            scheduler_schedule(model, s, refs, add)
            continue
        add("events", "put-rule", s.name, _rule(model, s.name, s.description, s.state,
                                                 ScheduleExpression=s.expression))
        batch: dict[str, Any] = {"JobDefinition": refs.value(s.job_definition), "JobName": s.job}
        if s.array_size is not None:
            batch["ArrayProperties"] = {"Size": s.array_size}
        if s.attempts is not None:
            batch["RetryStrategy"] = {"Attempts": s.attempts}
        target: dict[str, Any] = {"Id": SCHEDULE_TARGET_ID, "Arn": refs.value(Ref(RefKind.JOB_QUEUE, s.job_queue.name, arn=True))
                                  if isinstance(s.job_queue, Ref) else s.job_queue,
                                  "RoleArn": refs.value(s.role)}
        if s.parameters:
            target["Input"] = compact({"Parameters": s.parameters})
        target["BatchParameters"] = batch
        _target_options(target, s.dead_letter_queue, s.retry_policy)
        add("events", "put-targets", s.name, {"Rule": s.name, "Targets": [target]})
    triggers(model, refs, add)

    for t in model.topics:
        arn = t.arn or refs.value(Ref(RefKind.TOPIC, t.name, arn=True))
        if t.arn is None:
            body: dict[str, Any] = {"Name": t.name}
            if t.kms_master_key_id:
                body["Attributes"] = {"KmsMasterKeyId": t.kms_master_key_id}
            if model.default_tags:
                body["Tags"] = tag_list(model.default_tags)
            add("sns", "create-topic", t.name, body)
            policy = refs.value(t.policy())
            add("sns", "set-topic-attributes", t.name,
                {"TopicArn": arn, "AttributeName": "Policy", "AttributeValue": compact(policy)})
        for i, sub in enumerate(t.subscriptions, 1):
            add("sns", "subscribe", f"{t.name}--{i}",
                {"TopicArn": arn, "Protocol": sub["protocol"], "Endpoint": sub["endpoint"]})

    for n in model.notifications:
        add("events", "put-rule", n.name, _rule(model, n.name, n.description, n.state,
                                                 EventPattern=compact(refs.value(n.event_pattern()))))
        arn = n.topic.arn or refs.value(Ref(RefKind.TOPIC, n.topic.name, arn=True))
        add("events", "put-targets", n.name, {"Rule": n.name, "Targets": [{"Id": NOTIFICATION_TARGET_ID, "Arn": arn}]})
