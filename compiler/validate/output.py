"""Everything the spec sets can be written to both outputs (BG-011).

The Terraform provider has no argument for some API fields (unmanagedvCpus, scalingPolicy,
quotaSharePolicy, eksProperties, ...); silently dropping them would make the Terraform
module and the CLI bodies disagree, so they are errors, at the field.
"""
from __future__ import annotations

from ..catalog import Constraint
from ..problems import Pointer
from ..tfmap import BY_SECTION, unsupported
from .context import Context, rule


@rule("BG-011")
def field_has_a_terraform_argument(ctx: Context, c: Constraint):
    """Every field of a compute environment, queue, scheduling policy or job definition has a Terraform argument."""
    for section in BY_SECTION:
        for ptr, entry in ctx.entries(section):
            for rel, resource in unsupported(section, entry):
                where = Pointer((*ptr, *rel))
                yield c.at(where, at_key=True, where=where.dotted(), resource=resource)

