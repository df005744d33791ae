"""The CLI path from OLD to NEW: `batchgen compile NEW --baseline OLD` also writes
OUT/cli/update.sh and the request bodies it sends, from the diff of the two resolved
models (compiler/diff/). Knows no YAML and no HCL.

update.sh goes in the order that keeps every reference valid (docs/day-two.md):

1. a check that the account holds OLD (its compute environments exist);
2. IAM: new customer policies and roles (their deploy.sh bodies), changes to existing ones,
   then the wait for IAM (iam_settle);
3. new scheduling policies, changed ones (update-scheduling-policy);
4. new compute environments, including each replacement under its new name, then the
   in-place updates (update-compute-environment), each waited for until VALID;
5. job queues: a replaced one (FIFO <-> fair-share, JQ-014) is disabled, deleted and created
   again; new ones are created; changed ones updated (update-job-queue), all waited for;
6. new and changed job definitions registered (a new revision; the old ones stay ACTIVE);
7. SNS topics, EventBridge rules (schedules, triggers, notifications: put-rule and
   put-targets replace them) and Scheduler schedules (create-schedule, or update-schedule
   for one that exists), then S3 -> EventBridge delivery for a bucket a trigger starts to watch;
8. removals, last and in the order AWS needs: rules and Scheduler schedules (also a schedule
   that changed form: rule <-> Scheduler), queues (disabled first), old and removed
   compute environments (disabled, then deleted once no queue uses them), scheduling
   policies, job definitions (every revision deregistered), topics, roles, policies. A
   bucket's S3 -> EventBridge delivery stays on (other rules of the account may read it).

Tags of compute environments, queues and scheduling policies go through tag-resource and
untag-resource. A change AWS can't make here fails the compile (the diff's errors) before
anything is written.
"""
from __future__ import annotations

import json
import shlex
from typing import Any

from ...changes import CREATE, DELETE, NEW_REVISION, REPLACE, UNCHANGED, UPDATE, Change, Diff
from ...language import RefKind
from ...model import Model, Ref, needs_service_linked_role
from . import aws_name, deploy_plan, dump, script_context, scripts
from .templating import render

# A field an update can't leave out to remove: the value that removes it (botocore's
# ComputeResourceUpdate documentation: an empty string removes the key pair and the AMI).
_REMOVED = {"ec2KeyPair": "", "imageId": "", "minvCpus": 0, "bidPercentage": 0, "tags": {}}
_CE_TOP = ("state", "serviceRole", "updatePolicy", "unmanagedvCpus")
_QUEUE_FIELDS = ("state", "priority", "schedulingPolicyArn", "computeEnvironmentOrder", "jobStateTimeLimitActions")


def _q(s: str) -> str:
    return shlex.quote(str(s))


def _entity(step: dict, model: Model) -> tuple[str, str] | None:
    """Which entry a deploy.sh step of `model` belongs to: (diff kind key, name)."""
    if "service" not in step:
        return None
    service, command, name = step["service"], step["command"], step["name"]
    if service == "iam":
        if command == "create-policy":
            return ("iamPolicy", name)
        return ("iamRole", name.split("--", 1)[0])
    if service == "batch":
        kind = {"create-compute-environment": "computeEnvironment", "create-scheduling-policy": "schedulingPolicy",
                "create-job-queue": "jobQueue", "register-job-definition": "jobDefinition"}.get(command)
        return (kind, name) if kind else None
    if service == "events":
        if any(s.name == name for s in model.schedules):
            return ("schedule", name)
        if any(t.name == name for t in model.triggers):
            return ("trigger", name)
        return ("notification", name)
    if service == "scheduler":
        return ("schedule", name)
    if service == "s3api":
        return ("bucketNotification", name)
    if service == "sns":
        return ("snsTopic", name.split("--", 1)[0])
    return None


class _Plan:
    def __init__(self, diff: Diff):
        self.diff = diff
        self.new, self.old = diff.new, diff.old
        self.files: dict[str, str] = {}
        self.steps: list[dict] = []
        self.changes = {(c.kind.key, c.name): c for c in diff.changes}
        self.deploy_files, self.deploy_steps = deploy_plan(self.new)
        self.refs, self.old_refs = self.new.arns, self.old.arns

    def action(self, kind: str, name: str) -> str:
        change = self.changes.get((kind, name))
        return change.action if change else UNCHANGED

    # -- bodies --------------------------------------------------------------------------

    def body(self, service: str, command: str, name: str, body: dict, **step) -> None:
        path = f"{service}/{command}/{name}.json"
        self.files[path] = dump(body)
        self.steps.append({"service": service, "command": command, "path": path, "name": name, **step})

    def deploy(self, kinds: tuple[str, ...], actions: tuple[str, ...]) -> list[str]:
        """The deploy.sh steps (and bodies) of NEW's entries of `kinds` whose action is one
        of `actions`; returns the names."""
        names = []
        for step in self.deploy_steps:
            entity = _entity(step, self.new)
            if entity is None or entity[0] not in kinds or self.action(*entity) not in actions:
                continue
            self.files[step["path"]] = self.deploy_files[step["path"]]
            self.steps.append(step)
            if entity[1] not in names:
                names.append(entity[1])
        return names

    def note(self, text: str) -> None:
        self.steps.append({"note": text})

    def shell(self, text: str) -> None:
        self.steps.append({"shell": text})

    # -- the parts ---------------------------------------------------------------------

    def preflight(self) -> None:
        names = [aws_name(c) for c in self.old.compute_environments]
        if names:
            self.shell("check_deployed " + " ".join(_q(n) for n in names))

    def iam(self) -> None:
        self.deploy(("iamPolicy",), (CREATE, REPLACE))
        for policy in self.new.policies:
            if self.action("iamPolicy", policy.name) == UPDATE:
                arn = self.refs.value(Ref(RefKind.POLICY, policy.name, arn=True))
                document = self.deploy_files[f"iam/create-policy/{policy.name}.json"]
                self.shell(f"prune_policy_versions {_q(arn)}")
                self.body("iam", "create-policy-version", policy.name, {
                    "PolicyArn": arn, "PolicyDocument": json.loads(document)["PolicyDocument"], "SetAsDefault": True})
        created = self.deploy(("iamRole",), (CREATE, REPLACE))
        for role in self.new.roles:
            change = self.changes.get(("iamRole", role.name))
            if change is not None and change.action == UPDATE:
                self.role_update(change)
        if created:
            self.steps.append({"iam_settle": created})

    def role_update(self, change: Change) -> None:
        old, new = change.old, change.new
        name = new.name
        if old.assume_role_policy() != new.assume_role_policy():
            trust = json.loads(self.deploy_files[f"iam/create-role/{name}.json"])["AssumeRolePolicyDocument"]
            self.body("iam", "update-assume-role-policy", name, {"RoleName": name, "PolicyDocument": trust})
        if (old.description, old.max_session_duration) != (new.description, new.max_session_duration):
            body: dict[str, Any] = {"RoleName": name}
            if new.spec:
                body["Description"] = new.description or ""
            if new.max_session_duration is not None:
                body["MaxSessionDuration"] = new.max_session_duration
            self.body("iam", "update-role", name, body)
        for step in self.deploy_steps:  # inline policies and attachments: put and attach are idempotent
            if step.get("service") == "iam" and step["command"] in ("put-role-policy", "attach-role-policy") \
                    and step["name"].split("--", 1)[0] == name:
                self.files[step["path"]] = self.deploy_files[step["path"]]
                self.steps.append(step)
        old_tags, new_tags = {**self.old.default_tags, **old.tags}, {**self.new.default_tags, **new.tags}
        if old_tags != new_tags:
            changed = [{"Key": k, "Value": v} for k, v in new_tags.items() if old_tags.get(k) != v]
            gone = sorted(set(old_tags) - set(new_tags))
            if changed:
                self.body("iam", "tag-role", name, {"RoleName": name, "Tags": changed})
            if gone:
                self.body("iam", "untag-role", name, {"RoleName": name, "TagKeys": gone})
        old_inline = {p.name for p in old.inline_policies} - {p.name for p in new.inline_policies}
        for policy in sorted(old_inline):
            self.body("iam", "delete-role-policy", f"{name}--{policy}", {"RoleName": name, "PolicyName": policy})
        old_arns = {json.dumps(self.old_refs.value(a)) for a in self._attached(old, self.old)}
        new_arns = {json.dumps(self.refs.value(a)) for a in self._attached(new, self.new)}
        for arn in sorted(old_arns - new_arns):
            arn = json.loads(arn)
            self.body("iam", "detach-role-policy", f"{name}--{arn.rsplit('/', 1)[-1]}",
                      {"RoleName": name, "PolicyArn": arn})

    @staticmethod
    def _attached(role, model: Model) -> list:
        return [p.arn(model.partition) for p in role.managed_policies] + list(role.policy_arns)

    def scheduling_policies(self) -> None:
        self.deploy(("schedulingPolicy",), (CREATE,))
        for p in self.new.scheduling_policies:
            change = self.changes.get(("schedulingPolicy", p.name))
            if change is None or change.action != UPDATE:
                continue
            old_body, new_body = self._bodies(change)
            arn = self.refs.value(Ref(RefKind.SCHEDULING_POLICY, p.name))
            changed = {k: new_body[k] for k in ("fairsharePolicy", "quotaSharePolicy")
                       if k in new_body and new_body.get(k) != old_body.get(k)}
            if changed:
                self.body("batch", "update-scheduling-policy", p.name, {"arn": arn, **changed})
            self.tags(arn, "scheduling-policy", p.name, old_body, new_body)

    def _bodies(self, change: Change) -> tuple[dict, dict]:
        return self.old.request_body(change.old), self.new.request_body(change.new)

    def tags(self, arn: str, what: str, name: str, old_body: dict, new_body: dict) -> None:
        old, new = old_body.get("tags") or {}, new_body.get("tags") or {}
        if old == new:
            return
        changed = {k: v for k, v in new.items() if old.get(k) != v}
        gone = sorted(set(old) - set(new))
        if changed:
            self.body("batch", "tag-resource", f"{what}--{name}", {"resourceArn": arn, "tags": changed})
        if gone:
            self.body("batch", "untag-resource", f"{what}--{name}", {"resourceArn": arn, "tagKeys": gone})

    def compute_environments(self) -> None:
        created = self.deploy(("computeEnvironment",), (CREATE, REPLACE))
        waits = [aws_name(ce) for ce in self.new.compute_environments if ce.name in created]
        for ce in self.new.compute_environments:
            change = self.changes.get(("computeEnvironment", ce.name))
            if change is None or change.action != UPDATE:
                continue
            old_body, new_body = self._bodies(change)
            body = self.environment_update(change, old_body, new_body)
            if len(body) > 1:
                self.body("batch", "update-compute-environment", ce.name, body)
                waits.append(body["computeEnvironment"])
            self.tags(self.refs.value(Ref(RefKind.COMPUTE_ENVIRONMENT, ce.name)), "compute-environment",
                      ce.name, old_body, new_body)
        if waits:
            self.steps.append({"wait": "compute-environment", "names": waits})

    @staticmethod
    def environment_update(change: Change, old: dict, new: dict) -> dict:
        """UpdateComputeEnvironment's body: what changed, nothing else (desiredvCpus never: CE-013)."""
        body: dict[str, Any] = {"computeEnvironment": new["computeEnvironmentName"]}
        for key in _CE_TOP:
            if new.get(key) != old.get(key) and key in new:
                body[key] = new[key]
        ocr, ncr = old.get("computeResources") or {}, new.get("computeResources") or {}
        resources = {}
        for key in [*ncr, *(k for k in ocr if k not in ncr)]:
            if key in ("desiredvCpus", "spotIamFleetRole") or ocr.get(key) == ncr.get(key):
                continue
            resources[key] = ncr[key] if key in ncr else _REMOVED.get(key)
        resources = {k: v for k, v in resources.items() if v is not None}
        if resources:
            body["computeResources"] = resources
        return body

    def queues(self) -> None:
        for q in self.new.job_queues:
            if self.action("jobQueue", q.name) == REPLACE:  # JQ-014: the same name, a new queue
                self.shell(f"disable_queue {_q(q.name)}")
                self.shell(f"delete_queue {_q(q.name)}")
        created = self.deploy(("jobQueue",), (CREATE, REPLACE))
        waits = list(created)
        for q in self.new.job_queues:
            change = self.changes.get(("jobQueue", q.name))
            if change is None or change.action != UPDATE:
                continue
            old_body, new_body = self._bodies(change)
            body = {"jobQueue": q.name}
            body.update({k: new_body[k] for k in _QUEUE_FIELDS if k in new_body and new_body[k] != old_body.get(k)})
            if len(body) > 1:
                self.body("batch", "update-job-queue", q.name, body)
                waits.append(q.name)
            self.tags(self.refs.value(Ref(RefKind.JOB_QUEUE, q.name, arn=True)), "job-queue", q.name,
                      old_body, new_body)
        if waits:
            self.steps.append({"wait": "job-queue", "names": waits})

    def job_definitions(self) -> None:
        self.deploy(("jobDefinition",), (CREATE, NEW_REVISION, REPLACE))
        for d in self.new.job_definitions:
            change = self.changes.get(("jobDefinition", d.name))
            if change is None or change.action != UPDATE:
                continue
            old_body, new_body = self._bodies(change)  # tags only: they go on the latest revision
            old, new = old_body.get("tags") or {}, new_body.get("tags") or {}
            changed = {k: v for k, v in new.items() if old.get(k) != v}
            gone = sorted(set(old) - set(new))
            if changed:
                path = f"batch/tag-resource/job-definition--{d.name}.json"
                self.files[path] = dump({"tags": changed})
                self.shell(f"tag_latest_revision tag-resource {_q(d.name)} {_q(path)}")
            if gone:
                path = f"batch/untag-resource/job-definition--{d.name}.json"
                self.files[path] = dump({"tagKeys": gone})
                self.shell(f"tag_latest_revision untag-resource {_q(d.name)} {_q(path)}")

    def events(self) -> None:
        self.deploy(("snsTopic",), (CREATE, UPDATE, REPLACE))
        start = len(self.steps)
        self.deploy(("schedule", "trigger", "notification"), (CREATE, UPDATE, REPLACE))
        for i in range(start, len(self.steps)):  # a Scheduler schedule that exists: update-schedule
            step = self.steps[i]
            if step.get("command") == "create-schedule" and self.action("schedule", step["name"]) == UPDATE:
                path = f"scheduler/update-schedule/{step['name']}.json"
                self.files[path] = self.files.pop(step["path"])  # UpdateSchedule takes CreateSchedule's members
                self.steps[i] = {**step, "command": "update-schedule", "path": path}
        self.deploy(("bucketNotification",), (CREATE,))

    def removals(self) -> None:
        gone = {kind: [c.old for c in self.diff.changes if c.kind.key == kind and c.action == DELETE]
                for kind in ("schedule", "trigger", "notification", "jobQueue", "schedulingPolicy",
                             "computeEnvironment", "jobDefinition", "snsTopic", "iamRole", "iamPolicy")}
        # a schedule that changed form (EventBridge rule <-> Scheduler schedule): the old form goes
        switched = [c.old for c in self.diff.changes if c.kind.key == "schedule" and c.action == REPLACE]
        replaced = [aws_name(c.old) for c in self.diff.changes
                    if c.kind.key == "computeEnvironment" and c.action == REPLACE]
        steps = scripts.removal_steps(
            self.old, rules=gone["schedule"] + switched + gone["trigger"] + gone["notification"],
            queues=gone["jobQueue"],
            policies=gone["schedulingPolicy"], environments=replaced + gone["computeEnvironment"],
            definitions=gone["jobDefinition"], topics=gone["snsTopic"], roles=gone["iamRole"],
            customer_policies=gone["iamPolicy"])
        self.steps += steps

    def build(self) -> None:
        self.preflight()
        self.iam()
        if any(needs_service_linked_role(ce) for ce in self.new.compute_environments):
            self.steps.append({"service_linked_role": "batch.amazonaws.com"})
        self.scheduling_policies()
        self.compute_environments()
        self.queues()
        self.job_definitions()
        self.events()
        self.removals()


def emit(diff: Diff, spec_name: str, baseline_name: str) -> dict[str, str]:
    """{path under cli/: text} of update.sh and the bodies it sends beyond deploy.sh's."""
    plan = _Plan(diff)
    plan.build()
    files = dict(plan.files)
    counts = diff.counts()
    files["update.sh"] = render(
        "cli/update.sh.j2", steps=plan.steps, baseline=baseline_name, counts=counts,
        changes=[c for c in diff.changes if c.action != UNCHANGED],
        has_iam=bool(diff.old.roles or diff.old.policies),
        **script_context(diff.new, spec_name))
    return files


__all__ = ["emit"]
