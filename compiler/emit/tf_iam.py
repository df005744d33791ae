"""Terraform blocks for `iam.roles`, `iam.policies` and the roles batchgen generates with policies.

Used by terraform.py, which owns the reference writer (`refs`): policy documents are written
with jsonencode, and every ARN of the spec's own resources in them is a reference.
"""
from __future__ import annotations

from typing import Any

from ..naming import tf_label
from ..resolve import CustomerPolicy, ManagedPolicy, Model, Ref, Role
from . import hcl

# The account, partition and Region of the provider, for ARNs no resource has yet (a job
# definition name prefix, for Access: register).
DATA_SOURCES = (("aws_caller_identity", "current"), ("aws_partition", "current"), ("aws_region", "current"))
PREFIX_ARN = ("arn:${data.aws_partition.current.partition}:batch:${data.aws_region.current.region}:"
              "${data.aws_caller_identity.current.account_id}:job-definition/")


def uses_data_sources(model: Model) -> bool:
    def walk(n: Any) -> bool:
        if isinstance(n, Ref):
            return n.kind == "jobDefinitionPrefix"
        if isinstance(n, dict):
            return any(walk(v) for v in n.values())
        if isinstance(n, list):
            return any(walk(v) for v in n)
        return False

    docs = [p.document for p in model.policies] + [ip.document for r in model.roles for ip in r.inline_policies]
    return any(walk(d) for d in docs)


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
    body += [hcl.Blank(), _create_before_destroy()]  # a renamed role outlives what moves off it
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
        profile += [hcl.Attr("role", hcl.Expr(f"aws_iam_role.{role.label}.name")), hcl.Blank(), _create_before_destroy()]
        items.append(hcl.Block("resource", ("aws_iam_instance_profile", role.label), profile))
    return items


def _create_before_destroy() -> hcl.Block:
    return hcl.Block("lifecycle", (), [hcl.Attr("create_before_destroy", True)])


def inline_policy_blocks(role: Role, refs) -> list:
    return [
        hcl.Block("resource", ("aws_iam_role_policy", p.label), [
            hcl.Attr("name", p.name),
            hcl.Attr("role", hcl.Expr(f"aws_iam_role.{role.label}.name")),
            hcl.Attr("policy", hcl.JsonEncode(refs.value(p.document))),
        ])
        for p in role.inline_policies
    ]
