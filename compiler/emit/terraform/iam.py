"""Terraform blocks for `iam.roles`, `iam.policies` and the roles batchgen generates with policies.

Used by the Terraform emitter (__init__.py), which owns the reference writer (`refs`): policy
documents are written with jsonencode, and every ARN of the spec's own resources in them is a
reference.
"""
from __future__ import annotations

from typing import Any

from ...language import RefKind
from ...model import CustomerPolicy, ManagedPolicy, Model, Ref, Role, refs_in
from ...naming import tf_label
from . import hcl
from .lifecycle import create_before_destroy
from .references import DATA_SOURCES



def uses_data_sources(model: Model) -> bool:
    """A policy names a job definition ARN no resource has: a name prefix (Access: register), or
    a definition registered outside the spec (`my-def:28`); both are written with the provider's
    partition, Region and account."""
    defined = {jd.name for jd in model.job_definitions}

    docs = [p.document for p in model.policies] + [ip.document for r in model.roles for ip in r.inline_policies]
    return any(r.kind is RefKind.JOB_DEFINITION_PREFIX or (r.kind is RefKind.JOB_DEFINITION and r.name not in defined)
               for d in docs for r in refs_in(d))


def data_blocks() -> list:
    return [hcl.Block("data", (kind, name), []) for kind, name in DATA_SOURCES]


def attachments(role: Role) -> list[tuple[str, Any]]:
    """(label, policy) of each managed policy a role attaches: an AWS managed policy batchgen
    chose for a generated role (ManagedPolicy), or a ManagedPolicyArns entry of a spec role
    (an ARN or Ref). Labels are `<role>_<policy name>`, made unique."""
    out: list[tuple[str, Any]] = []
    taken: set[str] = set()
    for policy in [*role.managed_policies, *role.policy_arns]:
        if isinstance(policy, ManagedPolicy):
            last = policy.path.rsplit("/", 1)[-1]
        else:
            last = policy.name if isinstance(policy, Ref) else policy.rsplit("/", 1)[-1]
        base = f"{role.label}_{tf_label(last)}"
        label, n = base, 2
        while label in taken:
            label, n = f"{base}_{n}", n + 1
        taken.add(label)
        out.append((label, policy))
    return out


def role_dependencies(role: Role) -> list[hcl.Expr]:
    """What must exist before something uses a role (its policies and instance profile)."""
    deps = [hcl.Expr(f"aws_iam_role_policy_attachment.{label}") for label, _ in attachments(role)]
    deps += [hcl.Expr(f"aws_iam_role_policy.{p.label}") for p in role.inline_policies]
    if role.instance_profile:
        deps.append(hcl.Expr(f"aws_iam_instance_profile.{role.label}"))
    return deps


def policy_blocks(policy: CustomerPolicy, refs) -> list:
    body: list = [hcl.Attr("name", policy.name)]
    if policy.path:
        body.append(hcl.Attr("path", policy.path))
    if policy.description:
        body.append(hcl.Attr("description", policy.description))
    body.append(hcl.Attr("policy", hcl.JsonEncode(refs.value(policy.document))))
    return [hcl.Block("resource", ("aws_iam_policy", policy.label), body)]


def spec_role_blocks(role: Role, refs) -> list:
    """aws_iam_role, its inline policies, attachments and (for an instance role) its instance profile."""
    body: list = [hcl.Attr("name", role.name)]
    if role.path:
        body.append(hcl.Attr("path", role.path))
    if role.description:
        body.append(hcl.Attr("description", role.description))
    if role.max_session_duration is not None:
        body.append(hcl.Attr("max_session_duration", role.max_session_duration))
    if role.permissions_boundary is not None:
        body.append(hcl.Attr("permissions_boundary", refs.value(role.permissions_boundary)))
    body.append(hcl.Attr("assume_role_policy", hcl.JsonEncode(refs.value(role.assume_role_policy()))))
    if role.tags:
        body += [hcl.Blank(), hcl.Attr("tags", dict(role.tags))]
    body += [hcl.Blank(), create_before_destroy()]  # a renamed role outlives what moves off it
    items: list = [hcl.Block("resource", ("aws_iam_role", role.label), body)]
    items += inline_policy_blocks(role, refs)
    for label, arn in attachments(role):
        items.append(hcl.Block("resource", ("aws_iam_role_policy_attachment", label), [
            hcl.Attr("role", hcl.Expr(f"aws_iam_role.{role.label}.name")),
            hcl.Attr("policy_arn", refs.value(arn)),
        ]))
    if role.instance_profile:  # IAM-002: a compute environment takes the role's instance profile
        profile: list = [hcl.Attr("name", role.name)]
        if role.path:
            profile.append(hcl.Attr("path", role.path))
        profile += [hcl.Attr("role", hcl.Expr(f"aws_iam_role.{role.label}.name")), hcl.Blank(), create_before_destroy()]
        items.append(hcl.Block("resource", ("aws_iam_instance_profile", role.label), profile))
    return items


def inline_policy_blocks(role: Role, refs) -> list:
    return [
        hcl.Block("resource", ("aws_iam_role_policy", p.label), [
            hcl.Attr("name", p.name),
            hcl.Attr("role", hcl.Expr(f"aws_iam_role.{role.label}.name")),
            hcl.Attr("policy", hcl.JsonEncode(refs.value(p.document))),
        ])
        for p in role.inline_policies
    ]


def generated_role_blocks(role: Role, model: Model) -> list:
    """A role batchgen generated for a default: the role, its AWS managed policies and (for
    the ECS instance role) its instance profile."""
    items: list = [hcl.Comment(role.purpose), hcl.Block("resource", ("aws_iam_role", role.label), [
        hcl.Attr("name", role.name),
        hcl.Attr("description", f"batchgen: {role.purpose}"),
        hcl.Attr("assume_role_policy", hcl.JsonEncode(role.assume_role_policy())),
        hcl.Blank(),
        create_before_destroy(),
    ])]
    for label, policy in attachments(role):
        items.append(hcl.Block("resource", ("aws_iam_role_policy_attachment", label), [
            hcl.Attr("role", hcl.Expr(f"aws_iam_role.{role.label}.name")),
            hcl.Attr("policy_arn", policy.arn(model.partition)),
        ]))
    if role.instance_profile:
        items.append(hcl.Block("resource", ("aws_iam_instance_profile", role.label), [
            hcl.Attr("name", role.name),
            hcl.Attr("role", hcl.Expr(f"aws_iam_role.{role.label}.name")),
            hcl.Blank(),
            create_before_destroy(),
        ]))
    return items


def iam_blocks(model: Model, refs) -> list:
    """iam.tf: generated roles, the spec's managed policies, the spec's roles, then the
    generated roles with inline policies (a schedule's role, which names its job's queue)."""
    items = data_blocks() if uses_data_sources(model) else []
    items += [b for role in model.roles if not role.spec and not role.inline_policies
              for b in generated_role_blocks(role, model)]
    items += [b for policy in model.policies for b in policy_blocks(policy, refs)]
    items += [b for role in model.roles if role.spec for b in spec_role_blocks(role, refs)]
    items += [b for role in model.roles if not role.spec and role.inline_policies
              for b in generated_role_blocks(role, model) + inline_policy_blocks(role, refs)]
    return items
