"""`schedules` and `notifications` -> Schedule, Notification, Topic and the schedules' roles.

Part of resolve: a schedule without roleArn gets a generated role that events.amazonaws.com
(scheduler.amazonaws.com for the EventBridge Scheduler form) assumes, allowed batch:SubmitJob
on exactly its job's queue and job definition (IAM-005).
Knows no YAML positions and no output format.
"""
from __future__ import annotations

from typing import Any

from ..eventbridge import uses_scheduler
from ..language import RefKind, is_arn, jobs_by_name
from ..model import EVENTS_PRINCIPAL, SCHEDULER_PRINCIPAL, Notification, Ref, Role, Schedule, Topic
from ..naming import generated_role_name, tf_label
from ..problems import Pointer
from .submitting import given_role, job_target, retry_policy, submit_role

DEFAULT_STATUSES = ("FAILED",)


def schedule_role_name(project: str | None, schedule: str) -> str:
    return generated_role_name(project, f"schedule-{schedule}")


def schedule_role_label(schedule: str) -> str:
    return "schedule_" + tf_label(schedule)


def topic_name(topic: str) -> str:
    """'render-alerts' -> itself; an ARN -> its last part (the topic name)."""
    return topic.rsplit(":", 1)[-1] if is_arn(topic) else topic


def resolve_schedules(spec: dict, project: str | None) -> tuple[list[Schedule], list[Role]]:
    jobs = jobs_by_name(spec)
    schedules: list[Schedule] = []
    roles: list[Role] = []
    for i, s in enumerate(spec.get("schedules") or []):
        job = jobs[s["job"]]
        queue_ref, definition_ref = job_target(job)
        scheduler = uses_scheduler(s)
        if s.get("roleArn"):
            role: Any = given_role(s["roleArn"])
        else:
            more: list[dict[str, Any]] = []
            if scheduler and s.get("deadLetterQueue"):  # Scheduler sends to its DLQ with this role
                more.append({"Sid": "SendToDeadLetterQueue", "Effect": "Allow", "Action": "sqs:SendMessage",
                             "Resource": s["deadLetterQueue"]})
            if scheduler and s.get("kmsKeyArn"):  # and decrypts the input with it (kms:Decrypt is enough)
                more.append({"Sid": "DecryptScheduleInput", "Effect": "Allow", "Action": "kms:Decrypt",
                             "Resource": s["kmsKeyArn"]})
            form = "EventBridge Scheduler" if scheduler else "EventBridge"
            generated = submit_role(
                schedule_role_name(project, s["name"]), schedule_role_label(s["name"]),
                f"{form} role of schedule {s['name']}: may submit job {s['job']} only (IAM-005)",
                SCHEDULER_PRINCIPAL if scheduler else EVENTS_PRINCIPAL, "submit-scheduled-job", "SubmitScheduledJob",
                job, more)
            roles.append(generated)
            role = Ref(RefKind.ROLE, generated.name)
        schedules.append(Schedule(
            name=s["name"],
            label=tf_label(s["name"]),
            expression=s["scheduleExpression"],
            job=s["job"],
            job_queue=queue_ref,
            job_definition=definition_ref,
            role=role,
            description=s.get("description"),
            state=s.get("state", "ENABLED"),
            array_size=(job.get("arrayProperties") or {}).get("size"),
            attempts=(job.get("retryStrategy") or {}).get("attempts"),
            parameters=dict(job.get("parameters") or {}),
            pointer=Pointer(("schedules", i)),
            scheduler=scheduler,
            timezone=s.get("scheduleExpressionTimezone"),
            flexible_window=_flexible_window(s.get("flexibleTimeWindow")),
            kms_key_arn=s.get("kmsKeyArn"),
            dead_letter_queue=s.get("deadLetterQueue"),
            retry_policy=retry_policy(s),
        ))
    return schedules, roles


def _flexible_window(given: dict | None) -> tuple[str, int | None]:
    """Scheduler's FlexibleTimeWindow (required by CreateSchedule): OFF unless the spec gives one."""
    if not given:
        return ("OFF", None)
    return (given["mode"], given.get("maximumWindowInMinutes"))


def resolve_notifications(spec: dict) -> tuple[list[Notification], list[Topic]]:
    all_queues = [q["jobQueueName"] for q in spec.get("jobQueues") or [] if isinstance(q, dict)]
    topics: dict[str, Topic] = {}
    notifications: list[Notification] = []
    for i, n in enumerate(spec.get("notifications") or []):
        key = n["topic"]
        topic = topics.get(key)
        if topic is None:
            name = topic_name(key)
            topic = topics[key] = Topic(name=name, label=tf_label(name), arn=key if is_arn(key) else None)
        if n.get("kmsMasterKeyId") and not topic.kms_master_key_id:
            topic.kms_master_key_id = n["kmsMasterKeyId"]
        for sub in n.get("subscriptions") or []:
            if sub not in topic.subscriptions:
                topic.subscriptions.append(dict(sub))
        topic.rules.append(n["name"])
        queues = n.get("jobQueues") or all_queues
        notifications.append(Notification(
            name=n["name"],
            label=tf_label(n["name"]),
            statuses=list(n.get("statuses") or DEFAULT_STATUSES),
            job_queues=[q if is_arn(q) else Ref(RefKind.JOB_QUEUE, q, arn=True) for q in queues],
            topic=topic,
            description=n.get("description"),
            state=n.get("state", "ENABLED"),
            pointer=Pointer(("notifications", i)),
        ))
    return notifications, list(topics.values())
