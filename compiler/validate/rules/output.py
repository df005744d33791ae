"""Everything the spec sets has a Terraform argument and a distinct label; not how HCL or JSON is written.

The Terraform provider has no argument for some API fields (unmanagedvCpus, scalingPolicy,
quotaSharePolicy, eksProperties, ...); dropping them silently would make the Terraform module
and the CLI bodies disagree, so they are errors, at the field. The labels of IAM roles,
policies, EventBridge rules and topics are checked with their names (iam_roles).
"""
from __future__ import annotations

from ...catalog import Constraint
from ...language import SECTIONS
from ...naming import tf_label
from ...problems import Pointer
from ...tfmap import BY_SECTION, unsupported
from ..context import Context, rule


@rule("BG-011")
def field_has_a_terraform_argument(ctx: Context, c: Constraint):
    """Every field of a compute environment, queue, scheduling policy or job definition has a Terraform argument."""
    for section in BY_SECTION:
        for ptr, entry in ctx.entries(section):
            for rel, resource in unsupported(section, entry):
                where = Pointer((*ptr, *rel))
                yield c.at(where, at_key=True, where=where.dotted(), resource=resource)


@rule("BG-007")
def labels_are_distinct(ctx: Context, c: Constraint):
    """Names that differ only in case or punctuation would give two Terraform resources one label."""
    for section, name_field in SECTIONS.items():
        if section == "jobs":  # jobs are not Terraform resources
            continue
        by_label: dict[str, str] = {}
        for ptr, entry in ctx.entries(section):
            name = entry.get(name_field)
            if not isinstance(name, str):
                continue
            label = tf_label(name)
            other = by_label.setdefault(label, name)
            if other != name:
                yield c.at(ptr / name_field, name=name, other=other, label=label)
