"""Terraform blocks for the AWS Batch sections (compute environments, scheduling policies,
job queues, job definitions) and the outputs, built from the field table in compiler/tfmap.py,
with the lifecycle that lets a changed spec apply over the last one (lifecycle.py).
"""
from __future__ import annotations

from ...language import TF_TYPE_OF_KIND, RefKind
from ...model import Model, Resource
from ...tfmap import A, B, BY_SECTION, J, Obj
from . import hcl, iam, lifecycle
from .references import Addresses


def _body(obj: Obj, value: dict, refs: Addresses) -> list:
    attrs: list = []
    blocks: list = []
    tags = None
    for key, spec in obj.fields.items():
        if key not in value:
            continue
        v = value[key]
        if isinstance(spec, A):
            if spec.name == "tags":
                tags = hcl.Attr("tags", refs.value(v)) if v else None
            else:
                attrs.append(hcl.Attr(spec.name, refs.value(v)))
        elif isinstance(spec, J):
            attrs.append(hcl.Attr(spec.name, hcl.JsonEncode(refs.value(v, sort_keys=True))))
        elif isinstance(spec, B):
            for item in (v if spec.repeated else [v]):
                blocks.append(hcl.Block(spec.name, (), _body(spec.fields, item, refs)))
    items: list = list(attrs)
    for block in blocks:
        if items:
            items.append(hcl.Blank())
        items.append(block)
    if tags is not None:
        if blocks:
            items.append(hcl.Blank())
        items.append(tags)
    return items


def resource_block(r: Resource, refs: Addresses, model: Model) -> hcl.Block:
    """One resource; a compute environment's name is its AWS name (name and replacement key),
    which the model's body holds."""
    rmap = BY_SECTION[r.section]
    body = _body(rmap.fields, r.body, refs)
    if r.section == "jobDefinitions":  # old revisions stay ACTIVE for jobs that name them (lifecycle.py)
        at = next((i + 1 for i, item in enumerate(body) if isinstance(item, hcl.Attr) and item.key == "type"), 1)
        body.insert(at, hcl.Attr("deregister_on_new_revision", False))
    deps = []
    for role_name in r.roles if r.section == "computeEnvironments" else []:
        role = model.role(role_name)
        if role is not None:
            deps.extend(iam.role_dependencies(role))
    if r.section == "jobQueues":
        deps.extend(lifecycle.queue_release_dependencies(r, {ce.name: ce.label for ce in model.compute_environments}))
    if deps:
        # Destroying a role's policy before the compute environment leaves the CE stuck in DELETING;
        # a queue updates before the release wait of an environment it leaves runs.
        body += [hcl.Blank(), hcl.Attr("depends_on", deps)]
    if r.section == "computeEnvironments":
        body += [hcl.Blank(), lifecycle.compute_environment_lifecycle(r)]
    elif r.section == "jobQueues":
        body += [hcl.Blank(), lifecycle.queue_lifecycle(r)]
    return hcl.Block("resource", (rmap.type, r.label), body)


def compute_environment_blocks(r: Resource, refs: Addresses, model: Model) -> list:
    """The environment and the release wait before its delete (lifecycle.py)."""
    return [resource_block(r, refs, model),
            *lifecycle.compute_environment_release(r, f"{TF_TYPE_OF_KIND[RefKind.COMPUTE_ENVIRONMENT]}.{r.label}")]


def queue_blocks(q: Resource, refs: Addresses, model: Model) -> list:
    """The record of the queue's scheduling (FIFO or fair-share, lifecycle.py), then the queue."""
    return [*lifecycle.queue_scheduling(q), resource_block(q, refs, model)]


def _output(name: str, description: str, kind: RefKind, items: list[tuple[str, str]]) -> hcl.Block:
    return hcl.Block("output", (name,), [
        hcl.Attr("description", description),
        hcl.Attr("value", {n: hcl.Expr(f"{TF_TYPE_OF_KIND[kind]}.{label}.arn") for n, label in items}),
    ])


def output_blocks(model: Model) -> list:
    outputs = []
    for name, desc, kind, items in (
        ("compute_environment_arns", "ARNs of the compute environments, by name", RefKind.COMPUTE_ENVIRONMENT,
         model.compute_environments),
        ("scheduling_policy_arns", "ARNs of the scheduling policies, by name", RefKind.SCHEDULING_POLICY,
         model.scheduling_policies),
        ("job_queue_arns", "ARNs of the job queues, by name", RefKind.JOB_QUEUE, model.job_queues),
        ("job_definition_arns", "ARNs of the job definitions (latest revision), by name", RefKind.JOB_DEFINITION,
         model.job_definitions),
    ):
        if items:
            outputs.append(_output(name, desc, kind, [(r.name, r.label) for r in items]))
        if items and kind is RefKind.COMPUTE_ENVIRONMENT:  # AWS names carry a replacement key (lifecycle.py)
            outputs.append(hcl.Block("output", ("compute_environment_names",), [
                hcl.Attr("description", "AWS names of the compute environments (name + replacement key), by name"),
                hcl.Attr("value", {r.name: hcl.Expr(f"{TF_TYPE_OF_KIND[kind]}.{r.label}.name") for r in items}),
            ]))
    if model.roles:
        outputs.append(_output("iam_role_arns", "ARNs of the IAM roles batchgen created, by name", RefKind.ROLE,
                               [(r.name, r.label) for r in model.roles]))
    if model.policies:
        outputs.append(_output("iam_policy_arns", "ARNs of the IAM managed policies, by name", RefKind.POLICY,
                               [(p.name, p.label) for p in model.policies]))
    kinds = [(what, items) for what, items in (("schedules", [s for s in model.schedules if not s.scheduler]),
                                                ("notifications", model.notifications),
                                                ("triggers", model.triggers)) if items]
    if kinds:
        outputs.append(_output("event_rule_arns",
                               f"ARNs of the EventBridge rules ({', '.join(w for w, _ in kinds)}), by name",
                               RefKind.RULE, [(r.name, r.label) for _, items in kinds for r in items]))
    scheduler = [s for s in model.schedules if s.scheduler]
    if scheduler:
        outputs.append(hcl.Block("output", ("scheduler_schedule_arns",), [
            hcl.Attr("description", "ARNs of the EventBridge Scheduler schedules, by name"),
            hcl.Attr("value", {s.name: hcl.Expr(f"aws_scheduler_schedule.{s.label}.arn") for s in scheduler}),
        ]))
    created_topics = [t for t in model.topics if t.arn is None]
    if created_topics:
        outputs.append(_output("sns_topic_arns", "ARNs of the SNS topics batchgen created, by name", RefKind.TOPIC,
                               [(t.name, t.label) for t in created_topics]))
    return outputs
