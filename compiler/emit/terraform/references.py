"""References as Terraform writes them: resource addresses and attribute expressions.

A Ref of the model becomes `aws_batch_compute_environment.render_spot.arn`, never a pasted
ARN, so Terraform knows the order to create things in and a rename moves every use. An entry
written with hashicorp/awscc (compiler/tfmap.py resource_map) is referred to by its awscc
address and ARN attribute (`awscc_batch_compute_environment.x.compute_environment_arn`).
"""
from __future__ import annotations

from typing import Any

from ...language import SECTION, TF_TYPE_OF_KIND, RefKind
from ...model import Model, Ref
from ...tfmap import ResourceMap, resource_map
from . import hcl

# The account, partition and Region of the provider, for ARNs no resource has yet (a job
# definition name prefix, for Access: register).
DATA_SOURCES = (("aws_caller_identity", "current"), ("aws_partition", "current"), ("aws_region", "current"))
PREFIX_ARN = ("arn:${data.aws_partition.current.partition}:batch:${data.aws_region.current.region}:"
              "${data.aws_caller_identity.current.account_id}:job-definition/")
# An awscc job definition has no arn_prefix: its ARN without the ":<revision>" it ends in.
_CC_REVISION = '"/:[0-9]+$/"'


class Addresses:
    """The resource label of everything the model defines, and each Ref as an expression."""

    def __init__(self, model: Model):
        self.labels: dict[tuple[RefKind, str], str] = {}
        self.maps: dict[tuple[RefKind, str], ResourceMap] = {}  # the Batch entries: which resource each becomes
        for kind, items in ((RefKind.COMPUTE_ENVIRONMENT, model.compute_environments),
                            (RefKind.SCHEDULING_POLICY, model.scheduling_policies),
                            (RefKind.JOB_QUEUE, model.job_queues),
                            (RefKind.JOB_DEFINITION, model.job_definitions)):
            for r in items:
                self.labels[(kind, r.name)] = r.label
                self.maps[(kind, r.name)] = resource_map(r.section, r.body)
        for role in model.roles:
            self.labels[(RefKind.ROLE, role.name)] = role.label
            if role.instance_profile:
                self.labels[(RefKind.INSTANCE_PROFILE, role.name)] = role.label
        for policy in model.policies:
            self.labels[(RefKind.POLICY, policy.name)] = policy.label
        for rule in [*(s for s in model.schedules if not s.scheduler), *model.notifications, *model.triggers]:
            self.labels[(RefKind.RULE, rule.name)] = rule.label
        for topic in model.topics:
            self.labels[(RefKind.TOPIC, topic.name)] = topic.label

    def resource_map(self, kind: RefKind, name: str) -> ResourceMap:
        """The resource a Batch entry becomes (hashicorp/aws's, or awscc's: BG-011)."""
        return self.maps[(kind, name)]

    @property
    def uses_awscc(self) -> bool:
        """Does any entry become a hashicorp/awscc resource?"""
        return any(m.cc_type for m in self.maps.values())

    def address(self, ref: Ref) -> str:
        rmap = self.maps.get((ref.kind, ref.name))
        return f"{rmap.type if rmap else TF_TYPE_OF_KIND[ref.kind]}.{self.labels[(ref.kind, ref.name)]}"

    def arn_attribute(self, ref: Ref) -> str:
        """The attribute holding the ARN: `arn`, or the awscc resource's (`job_queue_arn`, ...)."""
        rmap = self.maps.get((ref.kind, ref.name))
        return rmap.arn if rmap else "arn"

    def arn(self, ref: Ref) -> hcl.Expr:
        """The resource's ARN (a job definition's: of the revision Terraform registered)."""
        return hcl.Expr(f"{self.address(ref)}.{self.arn_attribute(ref)}")

    def name(self, ref: Ref) -> hcl.Expr:
        """The resource's AWS name: `name`, or the awscc resource's (`compute_environment_name`, ...)."""
        rmap = self.maps.get((ref.kind, ref.name))
        attr = rmap.fields.fields[SECTION[rmap.section].name_field].name if rmap and rmap.cc_type else "name"
        return hcl.Expr(f"{self.address(ref)}.{attr}")

    def revision_arn(self, ref: Ref, suffix: str) -> hcl.Expr:
        """A job definition's ARN with the revision `suffix` (a number, or `*` for any)."""
        if self.arn_attribute(ref) == "arn":
            return hcl.Expr(f'"${{{self.address(ref)}.arn_prefix}}:{suffix}"')
        return hcl.Expr(f'"${{replace({self.arn(ref).text}, {_CC_REVISION}, "")}}:{suffix}"')

    def defines(self, ref: Ref) -> bool:
        """The output has a resource for `ref`: false for a job definition registered outside
        the spec (`my-def:28`, language.outside_definition), which no resource stands for."""
        return (ref.kind, ref.name) in self.labels

    def expr(self, ref: Ref) -> hcl.Expr:
        if ref.kind is RefKind.JOB_DEFINITION_PREFIX:  # Access: register; no resource has this ARN yet
            # PREFIX_ARN interpolates the partition, region and account; the prefix itself is a literal
            return hcl.Expr(f'"{PREFIX_ARN}{hcl.string(ref.name)[1:-1]}*"')
        if ref.kind is RefKind.JOB_DEFINITION and not self.defines(ref):  # outside the spec: name:revision
            text = hcl.string(f"{ref.name}:{ref.revision}")[1:-1]
            return hcl.Expr(f'"{PREFIX_ARN}{text}"' if ref.arn else f'"{text}"')
        if ref.kind is RefKind.JOB_DEFINITION and ref.arn:  # any revision, or the one named (IAM-007)
            return self.revision_arn(ref, "*" if ref.revision is None else str(ref.revision))
        return self.arn(ref)

    def value(self, v: Any, sort_keys: bool = False) -> Any:
        """`v` with every Ref an expression; `sort_keys` for a value written with jsonencode."""
        if isinstance(v, Ref):
            return self.expr(v)
        if isinstance(v, dict):
            keys = sorted(v) if sort_keys else list(v)
            return {k: self.value(v[k], sort_keys) for k in keys if v[k] is not None}
        if isinstance(v, list):
            return [self.value(x, sort_keys) for x in v]
        return v
