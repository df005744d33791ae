"""Terraform blocks for the AWS Batch sections (compute environments, scheduling policies,
job queues, job definitions) and the outputs, built from the field tables in compiler/tfmap.py,
with the lifecycle that lets a changed spec apply over the last one (lifecycle.py).

An entry becomes the hashicorp/aws resource, or the hashicorp/awscc one when hashicorp/aws can't
carry one of its fields (tfmap.resource_map). In awscc every nested value is an attribute
(`compute_resources = { ... }`, lists of objects `[{ ... }]`) and the spec's top-level `tags`
(and its `project`) are merged into each resource's own `tags`: awscc has no default_tags.
"""
from __future__ import annotations

from ...language import SECTION, RefKind
from ...model import Model, Ref, Resource
from ...tfmap import AWSCC, A, B, J, Obj
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


def _cc(spec, v, refs: Addresses):
    """One value for an awscc argument: a nested object (or list of them) by awscc's names."""
    if isinstance(spec, B):
        return [_cc_value(spec.fields, item, refs) for item in v] if spec.repeated else _cc_value(spec.fields, v, refs)
    return refs.value(v)


def _cc_value(obj: Obj, value: dict, refs: Addresses) -> dict:
    """A nested awscc value: the object's attributes by their awscc names, in the table's order."""
    return {spec.name: _cc(spec, value[key], refs) for key, spec in obj.fields.items() if key in value}


def _cc_body(obj: Obj, value: dict, refs: Addresses, tags: dict) -> list:
    """The body of an awscc resource: plain attributes first, then each nested one after a blank
    line, then `tags` (the default tags merged in, as in the CLI body)."""
    attrs: list = []
    nested: list = []
    for key, spec in obj.fields.items():
        if key in value and key != "tags":
            (nested if isinstance(spec, B) else attrs).append(hcl.Attr(spec.name, _cc(spec, value[key], refs)))
    items: list = list(attrs)
    for attr in nested:
        if items:
            items.append(hcl.Blank())
        items.append(attr)
    if tags:
        if items:
            items.append(hcl.Blank())
        items.append(hcl.Attr("tags", tags))
    return items


def resource_block(r: Resource, refs: Addresses, model: Model) -> hcl.Block:
    """One resource; a compute environment's name is its AWS name (name and replacement key),
    which the model's body holds."""
    rmap = refs.resource_map(SECTION[r.section].ref_kind, r.name)
    awscc = rmap.provider is AWSCC
    if awscc:
        body = _cc_body(rmap.fields, r.body, refs, {**model.default_tags, **(r.body.get("tags") or {})})
    else:
        body = _body(rmap.fields, r.body, refs)
    if r.section == "jobDefinitions" and not awscc:  # old revisions stay ACTIVE for jobs that name them
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
        body += [hcl.Blank(), lifecycle.compute_environment_lifecycle(r, _desired_vcpus(rmap))]
    elif r.section == "jobQueues":
        body += [hcl.Blank(), lifecycle.queue_lifecycle(r)]
    return hcl.Block("resource", (rmap.type, r.label), body)


def _desired_vcpus(rmap) -> str:
    """The address of desired_vcpus inside the resource: a block list in hashicorp/aws
    (`compute_resources[0].desired_vcpus`), a nested attribute in awscc (`compute_resources.desiredv_cpus`)."""
    cr = rmap.fields.fields["computeResources"]
    attr = cr.fields.fields["desiredvCpus"].name
    return f"{cr.name}.{attr}" if rmap.provider is AWSCC else f"{cr.name}[0].{attr}"


def compute_environment_blocks(r: Resource, refs: Addresses, model: Model) -> list:
    """The environment and the release wait before its delete (lifecycle.py)."""
    return [resource_block(r, refs, model),
            *lifecycle.compute_environment_release(r, refs.arn(Ref(RefKind.COMPUTE_ENVIRONMENT, r.name)))]


def queue_blocks(q: Resource, refs: Addresses, model: Model) -> list:
    """The record of the queue's scheduling (FIFO or fair-share, lifecycle.py), then the queue."""
    return [*lifecycle.queue_scheduling(q), resource_block(q, refs, model)]


def _output(name: str, description: str, kind: RefKind, names: list[str], refs: Addresses) -> hcl.Block:
    return hcl.Block("output", (name,), [
        hcl.Attr("description", description),
        hcl.Attr("value", {n: refs.arn(Ref(kind, n)) for n in names}),
    ])


def output_blocks(model: Model, refs: Addresses) -> list:
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
            outputs.append(_output(name, desc, kind, [r.name for r in items], refs))
        if items and kind is RefKind.COMPUTE_ENVIRONMENT:  # AWS names carry a replacement key (lifecycle.py)
            outputs.append(hcl.Block("output", ("compute_environment_names",), [
                hcl.Attr("description", "AWS names of the compute environments (name + replacement key), by name"),
                hcl.Attr("value", {r.name: refs.name(Ref(kind, r.name)) for r in items}),
            ]))
    if model.roles:
        outputs.append(_output("iam_role_arns", "ARNs of the IAM roles batchgen created, by name", RefKind.ROLE,
                               [r.name for r in model.roles], refs))
    if model.policies:
        outputs.append(_output("iam_policy_arns", "ARNs of the IAM managed policies, by name", RefKind.POLICY,
                               [p.name for p in model.policies], refs))
    kinds = [(what, items) for what, items in (("schedules", [s for s in model.schedules if not s.scheduler]),
                                                ("notifications", model.notifications),
                                                ("triggers", model.triggers)) if items]
    if kinds:
        outputs.append(_output("event_rule_arns",
                               f"ARNs of the EventBridge rules ({', '.join(w for w, _ in kinds)}), by name",
                               RefKind.RULE, [r.name for _, items in kinds for r in items], refs))
    scheduler = [s for s in model.schedules if s.scheduler]
    if scheduler:
        outputs.append(hcl.Block("output", ("scheduler_schedule_arns",), [
            hcl.Attr("description", "ARNs of the EventBridge Scheduler schedules, by name"),
            hcl.Attr("value", {s.name: hcl.Expr(f"aws_scheduler_schedule.{s.label}.arn") for s in scheduler}),
        ]))
    created_topics = [t for t in model.topics if t.arn is None]
    if created_topics:
        outputs.append(_output("sns_topic_arns", "ARNs of the SNS topics batchgen created, by name", RefKind.TOPIC,
                               [t.name for t in created_topics], refs))
    return outputs
