"""Model -> a Terraform root module for hashicorp/aws >= 6.0, already in `terraform fmt` form.

Templates in templates/terraform/ lay out the files; this module builds each resource's
block from the field table in compiler/tfmap.py. References become resource references
(aws_batch_compute_environment.render_spot.arn), never pasted ARNs.
"""
from __future__ import annotations

from typing import Any

from ..replacement import aws_names
from ..resolve import Model, Ref, Resource, Role
from ..tfmap import A, B, BY_SECTION, J, Obj
from . import hcl, tf_events, tf_iam, tf_lifecycle
from .templating import render

_TYPE_OF_KIND = {
    "computeEnvironments": "aws_batch_compute_environment",
    "schedulingPolicies": "aws_batch_scheduling_policy",
    "jobQueues": "aws_batch_job_queue",
    "jobDefinitions": "aws_batch_job_definition",
    "role": "aws_iam_role",
    "instance_profile": "aws_iam_instance_profile",
    "policy": "aws_iam_policy",
    "rule": "aws_cloudwatch_event_rule",
    "topic": "aws_sns_topic",
}


class _Refs:
    def __init__(self, model: Model):
        self.labels: dict[tuple[str, str], str] = {}
        for kind, items in (("computeEnvironments", model.compute_environments),
                            ("schedulingPolicies", model.scheduling_policies),
                            ("jobQueues", model.job_queues),
                            ("jobDefinitions", model.job_definitions)):
            for r in items:
                self.labels[(kind, r.name)] = r.label
        for role in model.roles:
            self.labels[("role", role.name)] = role.label
            if role.instance_profile:
                self.labels[("instance_profile", role.name)] = role.label
        for policy in model.policies:
            self.labels[("policy", policy.name)] = policy.label
        for rule in [*model.schedules, *model.notifications]:
            self.labels[("rule", rule.name)] = rule.label
        for topic in model.topics:
            self.labels[("topic", topic.name)] = topic.label
        self.ce_names = aws_names(model)  # spec name -> AWS name (name + replacement key)
        self.ce_labels = {r.name: r.label for r in model.compute_environments}

    def address(self, ref: Ref) -> str:
        return f"{_TYPE_OF_KIND[ref.kind]}.{self.labels[(ref.kind, ref.name)]}"

    def expr(self, ref: Ref) -> hcl.Expr:
        if ref.kind == "jobDefinitionPrefix":  # Access: register; no resource has this ARN yet
            # PREFIX_ARN interpolates the partition, region and account; the prefix itself is a literal
            return hcl.Expr(f'"{tf_iam.PREFIX_ARN}{hcl.string(ref.name)[1:-1]}*"')
        if ref.kind == "jobDefinitions" and ref.arn:  # any revision, or the one named (IAM-007)
            suffix = "*" if ref.revision is None else str(ref.revision)
            return hcl.Expr(f'"${{{self.address(ref)}.arn_prefix}}:{suffix}"')
        return hcl.Expr(f"{self.address(ref)}.arn")

    def value(self, v: Any, sort_keys: bool = False) -> Any:
        if isinstance(v, Ref):
            return self.expr(v)
        if isinstance(v, dict):
            keys = sorted(v) if sort_keys else list(v)
            return {k: self.value(v[k], sort_keys) for k in keys if v[k] is not None}
        if isinstance(v, list):
            return [self.value(x, sort_keys) for x in v]
        return v


def _body(obj: Obj, value: dict, refs: _Refs) -> list:
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


def _resource_block(r: Resource, refs: _Refs, model: Model) -> hcl.Block:
    rmap = BY_SECTION[r.section]
    value = r.body
    if r.section == "computeEnvironments":  # the AWS name carries the replacement key (tf_lifecycle)
        value = {**r.body, "computeEnvironmentName": refs.ce_names[r.name]}
    body = _body(rmap.fields, value, refs)
    if r.section == "jobDefinitions":  # old revisions stay ACTIVE for jobs that name them (tf_lifecycle)
        at = next((i + 1 for i, item in enumerate(body) if isinstance(item, hcl.Attr) and item.key == "type"), 1)
        body.insert(at, hcl.Attr("deregister_on_new_revision", False))
    deps = []
    for role_name in r.roles if r.section == "computeEnvironments" else []:
        role = model.role(role_name)
        if role is not None:
            deps.extend(tf_iam.role_dependencies(role))
    if r.section == "jobQueues":
        deps.extend(tf_lifecycle.queue_release_dependencies(r, refs.ce_labels))
    if deps:
        # Destroying a role's policy before the compute environment leaves the CE stuck in DELETING;
        # a queue updates before the release wait of an environment it leaves runs.
        body += [hcl.Blank(), hcl.Attr("depends_on", deps)]
    if r.section == "computeEnvironments":
        body += [hcl.Blank(), tf_lifecycle.compute_environment_lifecycle(r)]
    elif r.section == "jobQueues":
        body += [hcl.Blank(), tf_lifecycle.queue_lifecycle(r)]
    return hcl.Block("resource", (rmap.type, r.label), body)


def _compute_environment_blocks(r: Resource, refs: _Refs, model: Model) -> list:
    return [_resource_block(r, refs, model),
            *tf_lifecycle.compute_environment_release(r, f"aws_batch_compute_environment.{r.label}")]


def _queue_blocks(q: Resource, refs: _Refs, model: Model) -> list:
    return [*tf_lifecycle.queue_scheduling(q), _resource_block(q, refs, model)]


def _role_blocks(role: Role, model: Model) -> list:
    items: list = [hcl.Comment(role.purpose), hcl.Block("resource", ("aws_iam_role", role.label), [
        hcl.Attr("name", role.name),
        hcl.Attr("description", f"batchgen: {role.purpose}"),
        hcl.Attr("assume_role_policy", hcl.JsonEncode(role.assume_role_policy())),
        hcl.Blank(),
        tf_lifecycle.create_before_destroy(),
    ])]
    for label, policy in tf_iam.attachments(role):
        items.append(hcl.Block("resource", ("aws_iam_role_policy_attachment", label), [
            hcl.Attr("role", hcl.Expr(f"aws_iam_role.{role.label}.name")),
            hcl.Attr("policy_arn", policy.arn(model.partition)),
        ]))
    if role.instance_profile:
        items.append(hcl.Block("resource", ("aws_iam_instance_profile", role.label), [
            hcl.Attr("name", role.name),
            hcl.Attr("role", hcl.Expr(f"aws_iam_role.{role.label}.name")),
            hcl.Blank(),
            tf_lifecycle.create_before_destroy(),
        ]))
    return items


def _output(name: str, description: str, kind: str, items: list[tuple[str, str]]) -> hcl.Block:
    return hcl.Block("output", (name,), [
        hcl.Attr("description", description),
        hcl.Attr("value", {n: hcl.Expr(f"{_TYPE_OF_KIND[kind]}.{label}.arn") for n, label in items}),
    ])


def emit(model: Model, spec_name: str) -> dict[str, str]:
    refs = _Refs(model)
    files: dict[str, str] = {}

    def file(name: str, blocks: list) -> None:
        if blocks:
            files[name] = render("terraform/resources.tf.j2", spec_name=spec_name, body=hcl.render(blocks))

    files["versions.tf"] = render("terraform/versions.tf.j2", spec_name=spec_name,
                                  uses_time=bool(model.compute_environments))
    files["providers.tf"] = render(
        "terraform/providers.tf.j2", spec_name=spec_name,
        provider=hcl.render([hcl.Block("provider", ("aws",), _provider_body(model))]),
    )
    iam_blocks = tf_iam.data_blocks() if tf_iam.uses_data_sources(model) else []
    iam_blocks += [b for role in model.roles if not role.spec and not role.inline_policies
                   for b in _role_blocks(role, model)]
    iam_blocks += [b for policy in model.policies for b in tf_iam.policy_blocks(policy, refs)]
    iam_blocks += [b for role in model.roles if role.spec for b in tf_iam.spec_role_blocks(role, refs)]
    iam_blocks += [b for role in model.roles if not role.spec and role.inline_policies
                   for b in _role_blocks(role, model) + tf_iam.inline_policy_blocks(role, refs)]
    file("iam.tf", iam_blocks)
    file("compute_environments.tf", [b for r in model.compute_environments
                                     for b in _compute_environment_blocks(r, refs, model)])
    file("job_queues.tf", [_resource_block(r, refs, model) for r in model.scheduling_policies]
         + [b for q in model.job_queues for b in _queue_blocks(q, refs, model)])
    file("job_definitions.tf", [_resource_block(r, refs, model) for r in model.job_definitions])
    file("events.tf", tf_events.events_blocks(model, refs))

    outputs = []
    for name, desc, kind, items in (
        ("compute_environment_arns", "ARNs of the compute environments, by name", "computeEnvironments",
         model.compute_environments),
        ("scheduling_policy_arns", "ARNs of the scheduling policies, by name", "schedulingPolicies",
         model.scheduling_policies),
        ("job_queue_arns", "ARNs of the job queues, by name", "jobQueues", model.job_queues),
        ("job_definition_arns", "ARNs of the job definitions (latest revision), by name", "jobDefinitions",
         model.job_definitions),
    ):
        if items:
            outputs.append(_output(name, desc, kind, [(r.name, r.label) for r in items]))
        if items and kind == "computeEnvironments":  # AWS names carry a replacement key (tf_lifecycle)
            outputs.append(hcl.Block("output", ("compute_environment_names",), [
                hcl.Attr("description", "AWS names of the compute environments (name + replacement key), by name"),
                hcl.Attr("value", {r.name: hcl.Expr(f"aws_batch_compute_environment.{r.label}.name") for r in items}),
            ]))
    if model.roles:
        outputs.append(_output("iam_role_arns", "ARNs of the IAM roles batchgen created, by name", "role",
                               [(r.name, r.label) for r in model.roles]))
    if model.policies:
        outputs.append(_output("iam_policy_arns", "ARNs of the IAM managed policies, by name", "policy",
                               [(p.name, p.label) for p in model.policies]))
    rules = [*model.schedules, *model.notifications]
    if rules:
        outputs.append(_output("event_rule_arns", "ARNs of the EventBridge rules (schedules, notifications), by name",
                               "rule", [(r.name, r.label) for r in rules]))
    created_topics = [t for t in model.topics if t.arn is None]
    if created_topics:
        outputs.append(_output("sns_topic_arns", "ARNs of the SNS topics batchgen created, by name", "topic",
                               [(t.name, t.label) for t in created_topics]))
    file("outputs.tf", outputs)
    return files


def _provider_body(model: Model) -> list:
    body: list = []
    if model.region:
        body.append(hcl.Attr("region", model.region))
    if model.default_tags:
        if body:
            body.append(hcl.Blank())
        body.append(hcl.Block("default_tags", (), [hcl.Attr("tags", dict(model.default_tags))]))
    return body
