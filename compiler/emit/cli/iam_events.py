"""CLI request bodies for `iam.roles`, `iam.policies`, schedules and notifications.

Used by the CLI emitter (__init__.py), which passes the model's reference writer (`refs`,
full ARNs with @@ACCOUNT_ID@@ / @@REGION@@ where the spec gives none) and `add(service, command, name, body)`, which writes
one body and one deploy.sh step. Policy documents are compact JSON strings, as the API takes.
"""
from __future__ import annotations

import json
from typing import Any, Callable

from ...language import RefKind
from ...model import NOTIFICATION_TARGET_ID, SCHEDULE_TARGET_ID, Model, Ref, Role

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


def events(model: Model, refs, add: Add) -> None:
    """Topics, then the EventBridge rules and their targets (after the job definitions, XR-016)."""
    for s in model.schedules:
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
        add("events", "put-targets", s.name, {"Rule": s.name, "Targets": [target]})

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
