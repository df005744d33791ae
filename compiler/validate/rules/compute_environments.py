"""Compute environments one entry at a time (type, capacity, vCPUs, network, roles); not what the account holds.

Every number and word list is the catalog's (compiler/data/catalog/compute_environments.yaml);
instance facts come from compiler/instances.py. What the schema enforces (enums, ranges,
required members) is not checked again. Launch templates, machine images and ECS Managed
Instances have topics of their own.
"""
from __future__ import annotations

import re

from ... import instances
from ...catalog import Constraint
from ...language import is_arn, split_revision
from ...problems import Pointer
from ..context import Context, rule
from ..shapes import (EC2_FAMILY, FARGATE, article, compute_environments, missing_or_empty, missing_place, on_eks,
                      string_items)


def _blank(value) -> bool:
    return isinstance(value, str) and not value.strip()


@rule("CE-002")
def created_enabled(ctx: Context, c: Constraint):
    """A compute environment is created ENABLED (state DISABLED is rejected at creation)."""
    for ptr, ce, _, _ in compute_environments(ctx):
        if ce.get("state") == "DISABLED":
            yield c.at(ptr / "state", where=(ptr / "state").dotted(), variant="disabled")


@rule("CE-003")
def managed_has_compute_resources(ctx: Context, c: Constraint):
    """A MANAGED compute environment has computeResources."""
    for ptr, ce, _, _ in compute_environments(ctx):
        if ce.get("type") == "MANAGED" and "computeResources" not in ce:
            yield c.at(ptr / "type", where=(ptr / "type").dotted())


@rule("CE-004")
def unmanaged_has_no_compute_resources(ctx: Context, c: Constraint):
    """An UNMANAGED compute environment has no Batch-managed capacity, so no computeResources."""
    for ptr, ce, _, crtype in compute_environments(ctx):
        # A Fargate type on an UNMANAGED CE is CE-033's error; don't add a warning to it.
        if ce.get("type") == "UNMANAGED" and "computeResources" in ce and crtype not in FARGATE:
            yield c.at(ptr / "computeResources", at_key=True, where=(ptr / "computeResources").dotted())


@rule("CE-005")
def unmanaged_has_service_role(ctx: Context, c: Constraint):
    """An UNMANAGED compute environment has a service role (batchgen generates one when it is left out)."""
    # compiler/resolve fills in a generated role when serviceRole is absent; only an explicit
    # empty value leaves the CE without one.
    for ptr, ce, _, _ in compute_environments(ctx):
        if ce.get("type") == "UNMANAGED" and _blank(ce.get("serviceRole")):
            yield c.at(ptr / "serviceRole", where=(ptr / "serviceRole").dotted())


@rule("CE-006")
def unmanaged_vcpus_only_on_unmanaged(ctx: Context, c: Constraint):
    """unmanagedvCpus is set only on UNMANAGED compute environments."""
    for ptr, ce, _, _ in compute_environments(ctx):
        if "unmanagedvCpus" in ce and ce.get("type") != "UNMANAGED":
            yield c.at(ptr / "unmanagedvCpus", at_key=True, where=(ptr / "unmanagedvCpus").dotted(),
                       type=ce.get("type"))


@rule("CE-012")
def vcpu_counts_in_order(ctx: Context, c: Constraint):
    """minvCpus <= desiredvCpus <= maxvCpus."""
    for ptr, _, cr, _ in compute_environments(ctx):
        if not cr:
            continue
        lo, want, hi = cr.get("minvCpus"), cr.get("desiredvCpus"), cr.get("maxvCpus")
        base = ptr / "computeResources"
        if isinstance(lo, int) and isinstance(hi, int) and lo > hi:
            yield c.at(base / "minvCpus", variant="order", where=(base / "minvCpus").dotted(), found=lo,
                       relation="more than", other="maxvCpus", other_value=hi)
        if isinstance(want, int):
            if isinstance(lo, int) and want < lo:
                yield c.at(base / "desiredvCpus", variant="order", where=(base / "desiredvCpus").dotted(),
                           found=want, relation="less than", other="minvCpus", other_value=lo)
            elif isinstance(hi, int) and want > hi:
                yield c.at(base / "desiredvCpus", variant="order", where=(base / "desiredvCpus").dotted(),
                           found=want, relation="more than", other="maxvCpus", other_value=hi)


# EC2 resource ids are typed by their prefix (subnet-, sg-, ...): the ones pasted into the wrong list.
_ID_KINDS = {"subnet": "a subnet id", "sg": "a security group id", "vpc": "a VPC id", "igw": "an internet gateway id",
             "eni": "a network interface id", "rtb": "a route table id", "nat": "a NAT gateway id",
             "acl": "a network ACL id", "ami": "an AMI id", "lt": "a launch template id"}
_EC2_ID = re.compile(r"([a-z]+)-[0-9a-f]{8,17}")


def _id_kind(value: str) -> str | None:
    m = _EC2_ID.fullmatch(value)
    return _ID_KINDS.get(m.group(1)) if m else None


@rule("CE-015")
def subnets_given(ctx: Context, c: Constraint):
    """EC2, SPOT, FARGATE and FARGATE_SPOT compute environments list at least one subnet, and only subnet ids."""
    for ptr, _, cr, crtype in compute_environments(ctx):
        if crtype in EC2_FAMILY + FARGATE and missing_or_empty(cr, "subnets"):
            where, at_key, detail = missing_place(ptr / "computeResources", cr, "subnets")
            yield c.at(where, at_key=at_key, where=where.dotted(), detail=detail, type=crtype)
        for i, item in string_items(cr.get("subnets") if cr else None):
            kind = _id_kind(item)
            if kind and not item.startswith("subnet-"):
                where = ptr / "computeResources" / "subnets" / i
                yield c.at(where, variant="not_subnet", where=where.dotted(), found=item, kind=kind,
                           advice="move it to securityGroupIds and list a subnet here" if item.startswith("sg-")
                           else "list subnet ids (subnet-...) here")


@rule("CE-016")
def security_groups_given(ctx: Context, c: Constraint):
    """EC2/SPOT environments have a security group (or a launch template); Fargate ones one in securityGroupIds; all are sg- ids."""
    for ptr, _, cr, crtype in compute_environments(ctx):
        for i, item in string_items(cr.get("securityGroupIds") if cr else None):
            if not item.startswith("sg-"):
                where = ptr / "computeResources" / "securityGroupIds" / i
                kind = _id_kind(item)
                yield c.at(where, variant="not_id", where=where.dotted(), found=item,
                           kind=f", {kind}" if kind else "", names="other ids" if kind else "group names")
        if crtype not in EC2_FAMILY + FARGATE or not missing_or_empty(cr, "securityGroupIds"):
            continue
        if crtype in EC2_FAMILY and "launchTemplate" in cr:
            continue  # the template may carry the security groups (an account fact)
        where, at_key, detail = missing_place(ptr / "computeResources", cr, "securityGroupIds")
        yield c.at(where, at_key=at_key, where=where.dotted(), detail=detail, type=crtype,
                   variant="fargate" if crtype in FARGATE else None)


@rule("CE-017")
def instance_role_is_instance_profile(ctx: Context, c: Constraint):
    """instanceRole of an EC2/SPOT environment is an instance profile (name or instance-profile ARN), never empty."""
    pattern = re.compile(c.limits["pattern"])
    for ptr, _, cr, crtype in compute_environments(ctx):
        if crtype not in EC2_FAMILY or "instanceRole" not in cr:
            continue
        where = ptr / "computeResources" / "instanceRole"
        value = cr["instanceRole"]
        if _blank(value):
            yield c.at(where, variant="missing", where=where.dotted(), type=crtype)
        elif is_arn(value) and not pattern.match(value):
            yield c.at(where, where=where.dotted(), found=value)


@rule("CE-018")
def instance_types_well_formed(ctx: Context, c: Constraint):
    """instanceTypes items are a family, a size or a Batch keyword; EC2/SPOT environments list some."""
    for ptr, _, cr, crtype in compute_environments(ctx):
        if not cr or crtype in FARGATE:  # Fargate: CE-034 says not to set it at all
            continue
        base = ptr / "computeResources"
        if crtype in EC2_FAMILY and missing_or_empty(cr, "instanceTypes"):
            where, at_key, detail = missing_place(base, cr, "instanceTypes")
            yield c.at(where, at_key=at_key, variant="omitted", where=where.dotted(), detail=detail, type=crtype)
            continue
        for i, item in string_items(cr.get("instanceTypes")):
            if not instances.is_keyword(item) and instances.parse(item) is None:
                where = base / "instanceTypes" / i
                yield c.at(where, where=where.dotted(), found=item)


@rule("CE-019")
def one_architecture_per_environment(ctx: Context, c: Constraint):
    """The instance types of one compute environment are all x86_64 or all arm64 (where recognised)."""
    for ptr, _, cr, crtype in compute_environments(ctx):
        if not cr or crtype in FARGATE:
            continue
        first: tuple[str, str] | None = None
        for i, item in string_items(cr.get("instanceTypes")):
            arch = instances.architecture(item)
            if arch is None:
                continue  # unknown family: never reject on it
            if first is None:
                first = (item, arch)
            elif arch != first[1]:
                where = ptr / "computeResources" / "instanceTypes" / i
                yield c.at(where, where=where.dotted(), found=item, arch=arch,
                           first=first[0], first_arch=first[1])
                break


@rule("CE-022")
def allocation_strategy_fits_type(ctx: Context, c: Constraint):
    """SPOT_* allocation strategies only on SPOT, BEST_FIT_PROGRESSIVE_ORDERED only on EC2."""
    limits = c.limits
    for ptr, _, cr, crtype in compute_environments(ctx):
        if not cr or crtype in FARGATE or not isinstance(crtype, str):  # Fargate: CE-034
            continue
        strategy = cr.get("allocationStrategy")
        needed = ("SPOT" if strategy in limits["spot_only"] else
                  "EC2" if strategy in limits["ec2_only"] else None)
        if needed and crtype != needed:
            where = ptr / "computeResources" / "allocationStrategy"
            yield c.at(where, where=where.dotted(), found=strategy, needed=needed, type=crtype)


@rule("CE-024")
def spot_best_fit_has_fleet_role(ctx: Context, c: Constraint):
    """A SPOT BEST_FIT environment has a Spot Fleet role (batchgen generates one when it is left out); on a
    non-SPOT environment the role is ignored."""
    for ptr, _, cr, crtype in compute_environments(ctx):
        if cr and crtype != "SPOT" and crtype not in FARGATE and "spotIamFleetRole" in cr:  # Fargate: CE-034
            where = ptr / "computeResources" / "spotIamFleetRole"
            yield c.at(where, variant="not_spot", where=where.dotted(),
                       kind="an EC2 (On-Demand)" if crtype == "EC2" else f"{article(str(crtype))} {crtype}")
        if crtype != "SPOT" or cr.get("allocationStrategy", "BEST_FIT") != "BEST_FIT":
            continue
        if _blank(cr.get("spotIamFleetRole")):
            where = ptr / "computeResources" / "spotIamFleetRole"
            yield c.at(where, where=where.dotted(), strategy=cr.get("allocationStrategy", "BEST_FIT (the default)"))


@rule("CE-026")
def bid_percentage_only_on_spot(ctx: Context, c: Constraint):
    """bidPercentage is set only on SPOT compute resources."""
    for ptr, _, cr, crtype in compute_environments(ctx):
        if cr and "bidPercentage" in cr and crtype != "SPOT" and crtype not in FARGATE:  # Fargate: CE-034
            where = ptr / "computeResources" / "bidPercentage"
            yield c.at(where, at_key=True, variant="spot_only", where=where.dotted(), type=crtype)


@rule("CE-027")
def multi_node_environments_have_placement_group(ctx: Context, c: Constraint):
    """EC2 environments that receive multi-node jobs have a cluster placement group (advice)."""
    multinode = {jd.get("jobDefinitionName") for _, jd in ctx.entries("jobDefinitions")
                 if jd.get("type") == "multinode" and isinstance(jd.get("jobDefinitionName"), str)}
    reported: set[Pointer] = set()
    for _, job in ctx.entries("jobs"):
        jd_name, queue_name = job.get("jobDefinition"), job.get("jobQueue")
        if not isinstance(jd_name, str) or is_arn(jd_name) or split_revision(jd_name)[0] not in multinode:
            continue
        queue = ctx.named("jobQueues", queue_name) if isinstance(queue_name, str) else None
        if not queue:
            continue
        order = queue[1].get("computeEnvironmentOrder")
        for item in order if isinstance(order, list) else []:
            ce_name = item.get("computeEnvironment") if isinstance(item, dict) else None
            found = ctx.named("computeEnvironments", ce_name) if isinstance(ce_name, str) else None
            if not found:
                continue
            ptr, ce = found
            cr = ce.get("computeResources")
            if isinstance(cr, dict) and cr.get("type") == "EC2" and "placementGroup" not in cr \
                    and ptr not in reported:
                reported.add(ptr)
                yield c.at(ptr / "computeResources", at_key=True, where=(ptr / "computeResources").dotted(),
                           job=job.get("jobName"), queue=queue_name)


@rule("CE-033")
def fargate_is_managed(ctx: Context, c: Constraint):
    """A Fargate compute environment is MANAGED."""
    for ptr, ce, _, crtype in compute_environments(ctx):
        if crtype in FARGATE and ce.get("type") == "UNMANAGED":
            yield c.at(ptr / "type", where=(ptr / "type").dotted(), crtype=crtype)


@rule("CE-034")
def fargate_sets_no_ec2_members(ctx: Context, c: Constraint):
    """A Fargate compute environment sets none of the EC2-only computeResources members."""
    forbidden = c.limits["keys"]
    for ptr, _, cr, crtype in compute_environments(ctx):
        if crtype not in FARGATE:
            continue
        for key in cr:
            if key in forbidden:
                where = ptr / "computeResources" / key
                yield c.at(where, at_key=True, where=where.dotted(), type=crtype, key=key)


@rule("CE-035")
def fargate_subnet_count(ctx: Context, c: Constraint):
    """A Fargate compute environment lists at most 16 subnets."""
    limit = c.limits["max"]
    for ptr, _, cr, crtype in compute_environments(ctx):
        subnets = cr.get("subnets") if crtype in FARGATE else None
        if isinstance(subnets, list) and len(subnets) > limit:
            where = ptr / "computeResources" / "subnets"
            yield c.at(where / limit, where=where.dotted(), found=len(subnets), type=crtype)


@rule("CE-055")
def eks_allocation_strategy(ctx: Context, c: Constraint):
    """An EKS compute environment sets allocationStrategy, and not BEST_FIT."""
    for ptr, ce, cr, crtype in compute_environments(ctx):
        if not cr or not on_eks(ce) or crtype in FARGATE:
            continue
        strategy = cr.get("allocationStrategy")
        if strategy is None:
            yield c.at(ptr / "computeResources", at_key=True, where=(ptr / "computeResources").dotted())
        elif strategy == "BEST_FIT":
            where = ptr / "computeResources" / "allocationStrategy"
            yield c.at(where, variant="best_fit", where=where.dotted())
