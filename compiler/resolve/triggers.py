"""`triggers` -> Trigger, the buckets' S3 -> EventBridge delivery, and the triggers' roles.

Part of resolve: a trigger without roleArn gets a generated role that events.amazonaws.com
assumes, allowed batch:SubmitJob on exactly its job's queue and job definition (IAM-005),
like a schedule's. A trigger's parameters are its job's parameters with the trigger's on top,
each a template that may name event values ({bucket}, {key}, ...: compiler/eventbridge.py).
Knows no YAML positions and no output format.
"""
from __future__ import annotations

from typing import Any

from ..language import RefKind, jobs_by_name
from ..model import EVENTS_PRINCIPAL, BucketNotification, Ref, Role, Trigger
from ..naming import generated_role_name, tf_label
from ..problems import Pointer
from .submitting import given_role, job_target, retry_policy, submit_role


def trigger_role_name(project: str | None, trigger: str) -> str:
    return generated_role_name(project, f"trigger-{trigger}")


def trigger_role_label(trigger: str) -> str:
    return "trigger_" + tf_label(trigger)


def resolve_triggers(spec: dict, project: str | None) -> tuple[list[Trigger], list[BucketNotification], list[Role]]:
    jobs = jobs_by_name(spec)
    triggers: list[Trigger] = []
    roles: list[Role] = []
    buckets: dict[str, BucketNotification] = {}
    bucket_labels: set[str] = set()
    for i, t in enumerate(spec.get("triggers") or []):
        job = jobs[t["job"]]
        queue_ref, definition_ref = job_target(job)
        if t.get("roleArn"):
            role: Any = given_role(t["roleArn"])
        else:
            generated = submit_role(
                trigger_role_name(project, t["name"]), trigger_role_label(t["name"]),
                f"EventBridge role of trigger {t['name']}: may submit job {t['job']} only (IAM-005)",
                EVENTS_PRINCIPAL, "submit-triggered-job", "SubmitTriggeredJob", job)
            roles.append(generated)
            role = Ref(RefKind.ROLE, generated.name)
        parameters = {**(job.get("parameters") or {}), **(t.get("parameters") or {})}
        triggers.append(Trigger(
            name=t["name"],
            label=tf_label(t["name"]),
            bucket=t["bucket"],
            job=t["job"],
            job_queue=queue_ref,
            job_definition=definition_ref,
            role=role,
            parameters=parameters,
            prefix=t.get("prefix") or None,
            suffix=t.get("suffix") or None,
            description=t.get("description"),
            state=t.get("state", "ENABLED"),
            array_size=(job.get("arrayProperties") or {}).get("size"),
            attempts=(job.get("retryStrategy") or {}).get("attempts"),
            dead_letter_queue=t.get("deadLetterQueue"),
            retry_policy=retry_policy(t),
            pointer=Pointer(("triggers", i)),
        ))
        if t.get("manageBucketNotification", True):
            delivery = buckets.get(t["bucket"])
            if delivery is None:
                base = label = tf_label(t["bucket"])
                n = 2
                while label in bucket_labels:  # my-bucket and my.bucket: one label each
                    label, n = f"{base}_{n}", n + 1
                bucket_labels.add(label)
                delivery = buckets[t["bucket"]] = BucketNotification(t["bucket"], label, [])
            delivery.triggers.append(t["name"])
    return triggers, list(buckets.values()), roles
