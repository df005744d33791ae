"""Model -> imports.tf: `import` blocks (Terraform >= 1.5) that adopt what runs already.

Written only for `batchgen compile --adopt`. Every resource the Terraform module declares
gets an import block with the import ID the hashicorp/aws provider documents for it: the
"Import" section of website/docs/r/<type>.html.markdown in hashicorp/terraform-provider-aws
(6.x: "import Batch Job Queue using the `arn`", "... Scheduling Policy using the `arn`",
"AWS Batch compute using the name", role policy attachments as `role/policy-arn`, role
policies as `role:policy`, event targets as `rule/target-id`), and for a job definition the
resource's own identity, internal/service/batch/job_definition.go
(`@ArnIdentity`, `@ArnFormat("job-definition/{name}:{revision}")`: the ARN with the revision;
the provider reads it with DescribeJobDefinitions and wants exactly one ACTIVE revision):

    aws_batch_compute_environment   the name ("import AWS Batch compute using the name"): the one in
                                    `adopt.computeEnvironments`, else batchgen's (name-replacement key)
    aws_batch_job_queue             the ARN
    aws_batch_scheduling_policy     the ARN
    aws_batch_job_definition        the ARN with the revision (@ArnFormat job-definition/{name}:{revision}):
                                    the revision `adopt.jobDefinitions` names (batchgen import aws
                                    writes it); a job definition without one is not imported and
                                    Terraform registers a new revision of it
    aws_iam_role                    the role name
    aws_iam_instance_profile        the instance profile name
    aws_iam_role_policy_attachment  <role name>/<policy ARN>
    aws_iam_role_policy             <role name>:<policy name>
    aws_iam_policy                  the ARN
    aws_cloudwatch_event_rule       the rule name (the default event bus)
    aws_cloudwatch_event_target     <rule name>/<target ID>: `adopt.eventTargets`, else batchgen's own
                                    (batch-job, sns-topic); another ID is replaced by batchgen's on apply
    aws_scheduler_schedule          <group>/<name> ("import schedules using the combination
                                    group_name/name"; batchgen's are in the default group)
    aws_s3_bucket_notification      the bucket's name
    aws_sns_topic                   the ARN
    aws_sns_topic_policy            the topic's ARN

An entry written with hashicorp/awscc (BG-011) imports by its CloudFormation primary identifier,
which awscc takes as the import ID: the ARN for awscc_batch_compute_environment
(ComputeEnvironmentArn), awscc_batch_job_queue (JobQueueArn) and awscc_batch_scheduling_policy
(Arn). An awscc_batch_job_definition is not imported (a comment says so): the awscc releases
document different IDs for it (its name, later its ARN), and a wrong one would fail the plan.

A topic subscription imports by its own ARN, which AWS makes up and the spec doesn't know: it
is not imported (a comment says so). The release waits (time_sleep) and the queues' scheduling
records (terraform_data) of lifecycle.py are Terraform's own, with nothing in AWS to import:
Terraform creates them. Once `terraform apply` has adopted everything, the
import blocks have done their work; compile without --adopt to drop the file.
"""
from __future__ import annotations

from ...language import RefKind
from ...model import NOTIFICATION_TARGET_ID, SCHEDULE_TARGET_ID, ManagedPolicy, Model, Ref, Resource, Role
from ...tfmap import AWSCC, resource_map
from . import hcl, iam

FILE = "imports.tf"
SCHEDULE_GROUP = "default"  # batchgen's Scheduler schedules name no group


def _arn(model: Model, kind: RefKind, name: str) -> str:
    """The ARN the model's one renderer gives the resource (partition, Region, account, IAM path)."""
    return model.arns.string(Ref(kind, name, arn=True))


def _policy_arn(model: Model, policy) -> str:
    if isinstance(policy, ManagedPolicy):
        return policy.arn(model.partition)
    if isinstance(policy, Ref):
        return model.arns.string(policy)
    return str(policy)


def _import(address: str, import_id: str) -> hcl.Block:
    return hcl.Block("import", (), [hcl.Attr("to", hcl.Expr(address)), hcl.Attr("id", import_id)])


def _role_imports(role: Role, model: Model) -> list:
    items: list = [_import(f"aws_iam_role.{role.label}", role.name)]
    items += [_import(f"aws_iam_role_policy.{p.label}", f"{role.name}:{p.name}") for p in role.inline_policies]
    items += [_import(f"aws_iam_role_policy_attachment.{label}", f"{role.name}/{_policy_arn(model, policy)}")
              for label, policy in iam.attachments(role)]
    if role.instance_profile:
        items.append(_import(f"aws_iam_instance_profile.{role.label}", role.name))
    return items


def _batch_import(model: Model, r: Resource, kind: RefKind, aws_id: str, arn: str | None = None) -> hcl.Block:
    """An entry's import block: hashicorp/aws's ID, or the ARN (`arn`, else the model's) for an
    awscc resource."""
    rmap = resource_map(r.section, r.body)
    if rmap.provider is AWSCC:
        return _import(f"{rmap.type}.{r.label}", arn or _arn(model, kind, r.name))
    return _import(f"{rmap.type}.{r.label}", aws_id)


def blocks(model: Model) -> list:
    adopt = model.adopt or {}
    revisions: dict[str, int] = adopt.get("jobDefinitions") or {}
    targets: dict[str, str] = adopt.get("eventTargets") or {}
    items: list = [hcl.Comment("What runs already, adopted into Terraform state instead of created (Terraform >= 1.5).")]

    def section(title: str, entries: list) -> None:
        if entries:
            items.append(hcl.Blank())
            items.append(hcl.Comment(title))
            items.extend(entries)

    section("IAM", [_import(f"aws_iam_policy.{p.label}", _arn(model, RefKind.POLICY, p.name)) for p in model.policies]
            + [b for r in model.roles for b in _role_imports(r, model)])
    # A compute environment by the name it runs under: `adopt.computeEnvironments` (what batchgen
    # import read), else the AWS name batchgen gives it (name and replacement key: a setup
    # batchgen deployed). An environment adopted under another name is replaced once, create
    # before destroy, by one under batchgen's name (docs/day-two.md). awscc imports it by ARN.
    running: dict[str, str] = adopt.get("computeEnvironments") or {}

    def ce_import(r: Resource) -> hcl.Block:
        name = running.get(r.name, r.body["computeEnvironmentName"])
        return _batch_import(model, r, RefKind.COMPUTE_ENVIRONMENT, name,
                             model.arns.arn("batch", f"compute-environment/{name}"))

    section("Compute environments", [ce_import(r)
                                     for r in model.compute_environments])
    section("Scheduling policies and job queues",
            [_batch_import(model, r, RefKind.SCHEDULING_POLICY, _arn(model, RefKind.SCHEDULING_POLICY, r.name))
             for r in model.scheduling_policies]
            + [_batch_import(model, r, RefKind.JOB_QUEUE, _arn(model, RefKind.JOB_QUEUE, r.name))
               for r in model.job_queues])
    jds: list = []
    for r in model.job_definitions:
        revision = revisions.get(r.name)
        if resource_map(r.section, r.body).provider is AWSCC:
            jds.append(hcl.Comment(f"awscc_batch_job_definition.{r.label}: not adopted (awscc's import ID for a job "
                                   "definition differs between its releases); import it by hand, or let Terraform "
                                   "register a new revision"))
        elif revision is None:
            jds.append(hcl.Comment(f"{r.name}: no revision in adopt.jobDefinitions; Terraform registers a new one"))
        else:
            jds.append(_import(f"aws_batch_job_definition.{r.label}",
                               model.arns.string(Ref(RefKind.JOB_DEFINITION, r.name, revision, arn=True))))
    section("Job definitions (the revision running at import)", jds)
    events: list = []
    for s in model.schedules:
        if s.scheduler:  # a Scheduler schedule, in the default schedule group
            events.append(_import(f"aws_scheduler_schedule.{s.label}", f"{SCHEDULE_GROUP}/{s.name}"))
    for rule, own in [*((s, SCHEDULE_TARGET_ID) for s in model.schedules if not s.scheduler),
                      *((t, SCHEDULE_TARGET_ID) for t in model.triggers),
                      *((n, NOTIFICATION_TARGET_ID) for n in model.notifications)]:
        events.append(_import(f"aws_cloudwatch_event_rule.{rule.label}", rule.name))
        events.append(_import(f"aws_cloudwatch_event_target.{rule.label}", f"{rule.name}/{targets.get(rule.name, own)}"))
    for b in model.buckets:
        events.append(_import(f"aws_s3_bucket_notification.{b.label}", b.bucket))
    for t in model.topics:
        if t.arn is None:
            arn = _arn(model, RefKind.TOPIC, t.name)
            events.append(_import(f"aws_sns_topic.{t.label}", arn))
            events.append(_import(f"aws_sns_topic_policy.{t.label}", arn))
        for i, _ in enumerate(t.subscriptions, 1):
            events.append(hcl.Comment(f"aws_sns_topic_subscription.{t.label}_{i}: imports by its subscription ARN, "
                                      "which the spec doesn't know; not adopted"))
    section("Schedules, triggers and notifications", events)
    return items
