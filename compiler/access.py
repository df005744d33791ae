"""Access by intent: `Access: [read, {submit: ...}, {register: ...}]` -> IAM policy statements.

The statements name the spec's own queues, job definitions and roles as Ref objects
(`arn=True`), so each emitter writes them as it writes every reference: Terraform as
resource references (aws_batch_job_queue.x.arn, "${aws_batch_job_definition.x.arn_prefix}:*"),
the CLI as full ARNs. Names that are already ARNs pass through. Knows no YAML positions,
no HCL and no JSON files; docs/iam.md describes the syntax. Part of the spec language, read
by resolve (to write the statements) and by validation (to know what an Access grants).
"""
from __future__ import annotations

from typing import Any, Iterable

from .catalog import load_catalog
from .language import RefKind, is_arn, split_revision
from .model import Ref


def read_actions() -> list[str]:
    """`read`: the Describe/List actions without resource-level permissions (IAM-007's list), on "*".

    The seed's batch:Describe* / batch:List* (003:3880-3894) also grants ListTagsForResource,
    which does have resource-level permissions, on every resource (checkov CKV_AWS_355), and
    whatever Batch adds later; the list is exact instead."""
    return list(load_catalog()["IAM-007"].limits["unscoped_actions"])

# RegisterJobDefinition checks PassRole for the job definition's roles. AWS's example policy
# (003:3948-3960) names batch.amazonaws.com; ECS's own task roles are passed to
# ecs-tasks.amazonaws.com. Both are listed, so the statement works whichever service Batch
# reports, and the role ARNs stay exact.
PASSED_TO_SERVICES = ("batch.amazonaws.com", "ecs-tasks.amazonaws.com")


def _unique(items: Iterable[Any]) -> list[Any]:
    out: list[Any] = []
    for x in items:
        if x not in out:
            out.append(x)
    return out


def _one_or_list(values: list[Any]) -> Any:
    return values[0] if len(values) == 1 else values


def queue_ref(value: str) -> Any:
    return value if is_arn(value) else Ref(RefKind.JOB_QUEUE, value, arn=True)


def definition_ref(value: str) -> Any:
    """A job definition ARN for a policy: any revision (`name:*`) unless one is named."""
    if is_arn(value):
        return value
    name, revision = split_revision(value)
    return Ref(RefKind.JOB_DEFINITION, name, revision, arn=True)


def role_ref(value: str) -> Any:
    return value if is_arn(value) else Ref(RefKind.ROLE, value, arn=True)


def submit_resources(intent: dict, jobs: dict[str, dict]) -> tuple[list[Any], list[Any]]:
    """(job-queue ARNs, job-definition ARNs) a submit intent names, `jobs` entries expanded."""
    queues = [queue_ref(q) for q in intent.get("jobQueues") or [] if isinstance(q, str)]
    definitions = [definition_ref(d) for d in intent.get("jobDefinitions") or [] if isinstance(d, str)]
    for job_name in intent.get("jobs") or []:
        job = jobs.get(job_name)
        if isinstance(job, dict):
            if isinstance(job.get("jobQueue"), str):
                queues.append(queue_ref(job["jobQueue"]))
            if isinstance(job.get("jobDefinition"), str):
                definitions.append(definition_ref(job["jobDefinition"]))
    return _unique(queues), _unique(definitions)


def statements(items: list, jobs: dict[str, dict]) -> list[dict]:
    """The statements an `Access` list compiles to, in its order. `jobs` maps jobName -> entry."""
    out: list[dict] = []
    counts: dict[str, int] = {}

    def sid(base: str) -> str:
        counts[base] = counts.get(base, 0) + 1
        return base if counts[base] == 1 else f"{base}{counts[base]}"

    for item in items or []:
        if item == "read":
            out.append({"Sid": sid("Read"), "Effect": "Allow", "Action": read_actions(), "Resource": "*"})
        elif isinstance(item, dict) and isinstance(item.get("submit"), dict):
            queues, definitions = submit_resources(item["submit"], jobs)
            out.append({"Sid": sid("Submit"), "Effect": "Allow", "Action": "batch:SubmitJob",
                        "Resource": queues + definitions})
        elif isinstance(item, dict) and isinstance(item.get("register"), dict):
            out.extend(_register(item["register"], sid))
    return out


def _register(intent: dict, sid) -> list[dict]:
    resource = Ref(RefKind.JOB_DEFINITION_PREFIX, intent.get("namePrefix", ""), arn=True)
    users = [str(u) for u in intent.get("users") or []]
    images = [str(i) for i in intent.get("images") or []]
    conditions: dict[str, dict[str, Any]] = {"StringEquals": {"batch:User": users}}
    if any("*" in i or "?" in i for i in images):
        conditions["StringLike"] = {"batch:Image": images}
    else:
        conditions["StringEquals"]["batch:Image"] = images
    if not intent.get("privileged", False):
        # IfExists: a definition that leaves privileged out (false) may carry no key at all.
        conditions["BoolIfExists"] = {"batch:Privileged": "false"}
    out = [
        {"Sid": sid("RegisterJobDefinitions"), "Effect": "Allow", "Action": "batch:RegisterJobDefinition",
         "Resource": resource, "Condition": conditions},
        # The condition keys apply to RegisterJobDefinition only (003:3843-3852).
        {"Sid": sid("DeregisterJobDefinitions"), "Effect": "Allow", "Action": "batch:DeregisterJobDefinition",
         "Resource": resource},
    ]
    roles = _unique(role_ref(r) for r in intent.get("passRoles") or [] if isinstance(r, str))
    if roles:
        out.append({"Sid": sid("PassJobRoles"), "Effect": "Allow", "Action": "iam:PassRole",
                    "Resource": _one_or_list(roles),
                    "Condition": {"StringEquals": {"iam:PassedToService": list(PASSED_TO_SERVICES)}}})
    return out


def document(policy_document: dict | None, access: list | None, jobs: dict[str, dict]) -> dict:
    """A whole policy: the spec's PolicyDocument (as given), with the Access statements appended."""
    if policy_document is None:
        return {"Version": "2012-10-17", "Statement": statements(access or [], jobs)}
    doc: dict[str, Any] = dict(policy_document)  # as given: a missing Version is BG-101's warning
    if access:
        given = doc.get("Statement", [])
        given = [given] if isinstance(given, dict) else list(given)
        doc["Statement"] = given + statements(access, jobs)
    return doc
