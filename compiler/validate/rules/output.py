"""Everything the spec sets has a Terraform argument and a distinct label; not how HCL or JSON is written.

The hashicorp/aws provider has no argument for some API fields (unmanagedvCpus, quotaSharePolicy,
consumableResourceProperties, managedInstancesProvider, ...). An entry that sets one is written
with the hashicorp/awscc provider instead, whose resources follow the CloudFormation schemas and
carry them (compiler/tfmap.py decides, per entry): a warning naming the provider. A field neither
provider carries would make the Terraform module and the CLI bodies disagree, so it stays an
error, at the field. The labels of IAM roles, policies, EventBridge rules and topics are checked
with their names (iam_roles).
"""
from __future__ import annotations

from ...catalog import Constraint
from ...language import NOUNS, SECTIONS
from ...naming import tf_label
from ...problems import Pointer
from ...tfmap import AWSCC, BY_SECTION, awscc_maps, unsupported
from ..context import Context, rule


def _fields(rels: list[tuple]) -> str:
    return ", ".join(Pointer(rel).dotted() for rel in rels)


@rule("BG-011")
def field_has_a_terraform_argument(ctx: Context, c: Constraint):
    """An entry whose fields hashicorp/aws can't all carry is written with hashicorp/awscc (a
    warning); a field neither provider can carry is an error."""
    for section, aws in BY_SECTION.items():
        for ptr, entry in ctx.entries(section):
            aws_missing = [rel for rel, _ in unsupported(section, entry, aws)]
            if not aws_missing:
                continue
            cc = awscc_maps()[section]
            cc_missing = [rel for rel, _ in unsupported(section, entry, cc)]
            name = entry.get(SECTIONS[section])
            if not cc_missing:
                where = Pointer((*ptr, *aws_missing[0]))
                yield c.at(where, at_key=True, where=where.dotted(), noun=NOUNS[section],
                           name=name if isinstance(name, str) else ptr.dotted(), fields=_fields(aws_missing),
                           resource=aws.type, cc_resource=cc.type, provider=AWSCC.source)
                continue
            needs_cc = [rel for rel in aws_missing if rel not in cc_missing]
            for rel in cc_missing:
                where = Pointer((*ptr, *rel))
                if rel in aws_missing:
                    yield c.at(where, at_key=True, variant="neither", where=where.dotted(),
                               resource=aws.type, cc_resource=cc.type, provider=AWSCC.source)
                else:  # hashicorp/aws has this one, but not another field the entry sets
                    yield c.at(where, at_key=True, variant="split", where=where.dotted(), noun=NOUNS[section],
                               resource=aws.type, cc_resource=cc.type, provider=AWSCC.source,
                               fields=_fields(needs_cc or aws_missing))


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
