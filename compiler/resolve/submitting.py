"""What schedules and triggers share: an EventBridge (or Scheduler) target that submits a
`jobs` entry, and the role it submits with.

Part of resolve. A rule or schedule without roleArn gets a generated role that its service
assumes, allowed batch:SubmitJob on exactly its job's queue and job definition (IAM-005),
plus what its options need. Knows no YAML positions and no output format.
"""
from __future__ import annotations

from typing import Any

from .. import access
from ..language import RefKind, is_arn, split_revision
from ..model import InlinePolicy, Ref, Role


def job_target(job: dict) -> tuple[Any, Any]:
    """(queue, job definition) a target submits to: Refs to the spec's entries, ARNs as they are."""
    queue, definition = job["jobQueue"], job["jobDefinition"]
    return (queue if is_arn(queue) else Ref(RefKind.JOB_QUEUE, queue),
            definition if is_arn(definition) else Ref(RefKind.JOB_DEFINITION, *split_revision(definition)))


def given_role(role_arn: str) -> Any:
    """A roleArn the spec gives: an iam.roles name (a Ref) or an ARN."""
    return role_arn if is_arn(role_arn) else Ref(RefKind.ROLE, role_arn)


def submit_role(name: str, label: str, purpose: str, service: str, policy: str, sid: str, job: dict,
                more: list[dict[str, Any]] = ()) -> Role:
    """A generated role `service` assumes, allowed batch:SubmitJob on the job's queue and
    definition only (plus the statements `more` its options need)."""
    statements: list[dict[str, Any]] = [{
        "Sid": sid,
        "Effect": "Allow",
        "Action": "batch:SubmitJob",
        "Resource": [access.queue_ref(job["jobQueue"]), access.definition_ref(job["jobDefinition"])],
    }, *more]
    return Role(name=name, label=label, purpose=purpose, service=service, managed_policies=[],
                inline_policies=[InlinePolicy(policy, f"{label}_submit",
                                              {"Version": "2012-10-17", "Statement": statements})])


def retry_policy(entry: dict) -> dict[str, int]:
    """A trigger's or schedule's retryPolicy, as given (maximumEventAgeInSeconds, maximumRetryAttempts)."""
    given = entry.get("retryPolicy") or {}
    return {k: given[k] for k in ("maximumEventAgeInSeconds", "maximumRetryAttempts") if k in given}
