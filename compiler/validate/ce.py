"""Rules for compute environments (CE-*): one entry of `computeEnvironments` at a time,
checked against the API's documented rules and batchgen's defaults (resolve.py).

Knows no YAML positions and no wording (the catalog, compiler/data/catalog/ce.yaml, has
it and every number). Instance facts come from compiler/instances.py. What the schema
already enforces (enums, ranges, required members) is not re-checked here.
"""
from __future__ import annotations

import datetime
import re
from typing import Any, Mapping
from .. import instances
from ..catalog import Constraint
from ..language import is_arn, split_revision
from ..problems import Pointer
from .context import Context, rule
from .shapes import (EC2_FAMILY, FARGATE, MANAGED_INSTANCES, compute_environments, missing_or_empty,
                     missing_place, on_eks, string_items)


def _blank(value) -> bool:
    return isinstance(value, str) and not value.strip()


# --- 2.1 top level ---------------------------------------------------------------------


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
    # resolve.py fills in a generated role when serviceRole is absent; only an explicit
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


# --- 2.2 computeResources: common and EC2/SPOT -----------------------------------------------


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


@rule("CE-015")
def subnets_given(ctx: Context, c: Constraint):
    """EC2, SPOT, FARGATE and FARGATE_SPOT compute environments list at least one subnet."""
    for ptr, _, cr, crtype in compute_environments(ctx):
        if crtype in EC2_FAMILY + FARGATE and missing_or_empty(cr, "subnets"):
            where, at_key, detail = missing_place(ptr / "computeResources", cr, "subnets")
            yield c.at(where, at_key=at_key, where=where.dotted(), detail=detail, type=crtype)


@rule("CE-016")
def security_groups_given(ctx: Context, c: Constraint):
    """EC2/SPOT environments have a security group (or a launch template); Fargate ones one in securityGroupIds."""
    for ptr, _, cr, crtype in compute_environments(ctx):
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
    """A SPOT BEST_FIT environment has a Spot Fleet role (batchgen generates one when it is left out)."""
    for ptr, _, cr, crtype in compute_environments(ctx):
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


# --- 2.3 Fargate ---------------------------------------------------------------------------


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


# --- 2.4 launch templates, AMIs, EC2 configuration ----------------------------------------------


def _one_of_id_or_name(spec: dict) -> tuple[str, str] | None:
    """(key to point at, detail) when `spec` doesn't name exactly one of id/name; None when fine."""
    has_id, has_name = "launchTemplateId" in spec, "launchTemplateName" in spec
    if has_id and has_name:
        return "launchTemplateName", "has both launchTemplateId and launchTemplateName"
    if not has_id and not has_name:
        return "", "has neither launchTemplateId nor launchTemplateName"
    return None


@rule("CE-039")
def launch_template_named_once(ctx: Context, c: Constraint):
    """launchTemplate gives exactly one of launchTemplateId and launchTemplateName."""
    for ptr, _, cr, _ in compute_environments(ctx):
        lt = cr.get("launchTemplate") if cr else None
        if isinstance(lt, dict) and (bad := _one_of_id_or_name(lt)):
            base = ptr / "computeResources" / "launchTemplate"
            where = base / bad[0] if bad[0] else base
            yield c.at(where, at_key=True, where=base.dotted(), detail=bad[1])


def _covers(a: str, b: str) -> bool:
    """True when instance type/family `a` includes `b` (same name, or a family and one of its sizes)."""
    if a == b:
        return True
    pa, pb = instances.parse(a), instances.parse(b)
    return bool(pa and pb and pa[1] is None and pb[0] == pa[0])


@rule("CE-041")
def launch_template_overrides_valid(ctx: Context, c: Constraint):
    """Each launch template override names one template and targets listed, non-overlapping instance types."""
    for ptr, _, cr, _ in compute_environments(ctx):
        lt = cr.get("launchTemplate") if cr else None
        overrides = lt.get("overrides") if isinstance(lt, dict) else None
        if not isinstance(overrides, list):
            continue
        base = ptr / "computeResources" / "launchTemplate" / "overrides"
        listed = [t for _, t in string_items(cr.get("instanceTypes"))]
        # Subset check only when instanceTypes is explicit (no keyword bundle to expand).
        check_listed = bool(listed) and not any(instances.is_keyword(t) for t in listed)
        seen: list[tuple[str, Pointer]] = []
        for n, ov in enumerate(overrides):
            if not isinstance(ov, dict):
                continue
            here = base / n
            if bad := _one_of_id_or_name(ov):
                where = here / bad[0] if bad[0] else here
                yield c.at(where, at_key=bool(bad[0]), variant="template", where=here.dotted(), detail=bad[1])
            if missing_or_empty(ov, "targetInstanceTypes"):
                where, at_key, detail = missing_place(here, ov, "targetInstanceTypes")
                yield c.at(where, at_key=at_key, variant="targets", where=where.dotted(), detail=detail)
                continue
            for i, target in string_items(ov.get("targetInstanceTypes")):
                where = here / "targetInstanceTypes" / i
                if instances.is_keyword(target):
                    yield c.at(where, variant="keyword", where=where.dotted(), found=target)
                    continue
                if check_listed and not any(_covers(t, target) for t in listed):
                    yield c.at(where, variant="not_listed", where=where.dotted(), found=target,
                                  listed=", ".join(listed))
                    continue
                clash = next(((t, w) for t, w in seen if _covers(t, target) or _covers(target, t)), None)
                if clash:
                    yield c.at(where, variant="overlap", where=where.dotted(), found=target,
                                  other=clash[0], other_where=clash[1].dotted())
                seen.append((target, where))


@rule("CE-042")
def fargate_has_no_launch_template(ctx: Context, c: Constraint):
    """A Fargate compute environment has no launch template."""
    for ptr, _, cr, crtype in compute_environments(ctx):
        if crtype in FARGATE and "launchTemplate" in cr:
            where = ptr / "computeResources" / "launchTemplate"
            yield c.at(where, at_key=True, where=where.dotted(), type=crtype)


def _ec2_configuration(cr: dict) -> list[tuple[int, dict]]:
    items = cr.get("ec2Configuration")
    if not isinstance(items, list):
        return []
    return [(i, c) for i, c in enumerate(items) if isinstance(c, dict) and isinstance(c.get("imageType"), str)]


@rule("CE-047")
def image_type_fits_environment(ctx: Context, c: Constraint):
    """ec2Configuration imageType is a documented type of the environment's kind (ECS_* for ECS, EKS_* for EKS)."""
    limits = c.limits
    kinds = {"ECS": limits["ecs_image_types"], "EKS": limits["eks_image_types"]}
    for ptr, ce, cr, crtype in compute_environments(ctx):
        if not cr or crtype in FARGATE:  # Fargate: CE-034
            continue
        kind = "EKS" if on_eks(ce) else "ECS"
        for i, conf in _ec2_configuration(cr):
            image_type = conf["imageType"]
            if image_type in kinds[kind]:
                continue
            where = ptr / "computeResources" / "ec2Configuration" / i / "imageType"
            other = "ECS" if kind == "EKS" else "EKS"
            if image_type in kinds[other]:
                yield c.at(where, variant="kind", where=where.dotted(), found=image_type, found_kind=other,
                              kind=kind, allowed=", ".join(kinds[kind]))
            else:
                yield c.at(where, variant="unknown", where=where.dotted(), found=image_type, kind=kind,
                              allowed=", ".join(kinds[kind]))


def _unsupported_reason(image_type: str, item: str, limits: Mapping[str, Any]) -> str | None:
    """Why Batch's AMI for `image_type` can't run instance type/family `item`; None if it can or unknown."""
    fam = instances.family(item)
    arch = instances.architecture(item)
    if fam is None:
        return None
    if image_type.endswith("_NVIDIA"):
        if arch == "arm64":
            return limits["reason_graviton"]
        if image_type == "ECS_AL2023_NVIDIA" and fam in limits["al2023_nvidia_unsupported"]:
            return limits["reason_p3_g3"]
        return None
    if "AL2023" in image_type and fam in limits["al2023_unsupported"]:
        return limits["reason_a1"]
    return None


def _batch_provided_images(cr: dict) -> list[tuple[int, str]] | None:
    """(index, imageType) of ec2Configuration entries that use an AMI AWS Batch picks; None when the
    AMIs are not all Batch's (computeResources.imageId, a launch template, or an imageIdOverride) or
    when ec2Configuration is not given."""
    confs = _ec2_configuration(cr)
    if not confs or "imageId" in cr or "launchTemplate" in cr:
        return None
    if any("imageIdOverride" in c for _, c in confs):
        return None
    return [(i, c["imageType"]) for i, c in confs]


@rule("CE-048")
def image_types_support_instance_types(ctx: Context, c: Constraint):
    """The instance types can run on an AMI of the ec2Configuration image types (AL2023: no A1; NVIDIA: no Graviton, AL2023 NVIDIA: no p3/g3)."""
    for ptr, _, cr, crtype in compute_environments(ctx):
        if not cr or crtype in FARGATE:
            continue
        images = _batch_provided_images(cr)
        items = [(i, t) for i, t in string_items(cr.get("instanceTypes")) if not instances.is_keyword(t)]
        if not images or not items:
            continue
        unusable = []
        for i, item in items:
            reasons = [_unsupported_reason(t, item, c.limits) for _, t in images]
            if all(reasons):
                unusable.append((i, item, "; ".join(dict.fromkeys(reasons))))
        if not unusable:
            continue
        all_known = all(instances.known_family(t) for _, t in items)
        image_types = ", ".join(t for _, t in images)
        none_usable = all_known and len(unusable) == len(items)
        for i, item, reason in unusable[:1] if none_usable else unusable:
            where = ptr / "computeResources" / "instanceTypes" / i
            yield c.at(where, variant=None if none_usable else "some", where=where.dotted(), found=item,
                          image_types=image_types, reason=reason)


@rule("CE-049")
def amazon_linux_2_images(ctx: Context, al2_images: Constraint):
    """ECS compute environments don't use Batch's Amazon Linux 2 AMIs (blocked from 2026-06-30); EKS AL2 is out of support."""
    limits = al2_images.limits
    today = datetime.date.today()
    blocked_from = datetime.date.fromisoformat(str(limits["ecs_blocked_from"]))
    for ptr, ce, cr, crtype in compute_environments(ctx):
        if not cr or crtype in FARGATE:
            continue
        confs = _ec2_configuration(cr)
        eks = on_eks(ce)
        al2 = [(i, c) for i, c in confs if c["imageType"] in limits["eks_al2" if eks else "ecs_al2"]]
        if not al2:
            continue
        only_al2 = len(al2) == len(confs)
        for i, conf in al2:
            where = ptr / "computeResources" / "ec2Configuration" / i / "imageType"
            values = dict(where=where.dotted(), found=conf["imageType"])
            if eks:
                yield al2_images.at(where, variant="eks", **values)
                continue
            custom = "imageIdOverride" in conf or "imageId" in cr or "launchTemplate" in cr
            if custom or not only_al2:
                yield al2_images.at(where, variant="ecs_custom", **values)
            elif today < blocked_from:
                yield al2_images.at(where, variant="ecs_before", **values)
            else:
                yield al2_images.at(where, **values)


@rule("CE-050")
def eks_al2023_custom_ami_uses_nodeadm(ctx: Context, nodeadm: Constraint):
    """An EKS compute environment with a custom Amazon Linux 2023 AMI and a launch template sets userdataType EKS_NODEADM."""
    limits = nodeadm.limits
    for ptr, ce, cr, crtype in compute_environments(ctx):
        if not cr or not on_eks(ce) or crtype in FARGATE:
            continue
        lt = cr.get("launchTemplate")
        if not isinstance(lt, dict):
            continue  # userdataType lives on the launch template; without one nothing to check
        custom_al2023 = [c["imageType"] for _, c in _ec2_configuration(cr)
                         if c["imageType"] in limits["nodeadm_image_types"]
                         and ("imageIdOverride" in c or "imageId" in cr)]
        if not custom_al2023:
            continue
        base = ptr / "computeResources" / "launchTemplate"
        value = lt.get("userdataType")
        if value == limits["nodeadm"]:
            continue
        if value is None:
            yield nodeadm.at(base, at_key=True, variant="nodeadm", where=(base / "userdataType").dotted(),
                          found=f"{limits['default']} (the default)", image_type=custom_al2023[0])
        else:
            yield nodeadm.at(base / "userdataType", variant="nodeadm", where=(base / "userdataType").dotted(),
                          found=value, image_type=custom_al2023[0])


@rule("CE-052")
def gpu_types_have_gpu_ami(ctx: Context, gpu_ami: Constraint):
    """NVIDIA GPU instance types are not left with only a non-NVIDIA image type or a custom AMI (advice)."""
    for ptr, _, cr, crtype in compute_environments(ctx):
        if not cr or crtype in FARGATE:
            continue
        gpu_items = [(i, t) for i, t in string_items(cr.get("instanceTypes"))
                     if instances.gpu_vendor(t) == "nvidia"]
        if not gpu_items:
            continue
        confs = _ec2_configuration(cr)
        if confs:
            nvidia = [c for _, c in confs if c["imageType"].endswith("_NVIDIA")
                      and "imageIdOverride" not in c and "imageId" not in cr]
            if nvidia:
                continue
            ami = "ec2Configuration offers only " + ", ".join(
                f"{c['imageType']} with the custom AMI {c.get('imageIdOverride') or cr.get('imageId')}"
                if ("imageIdOverride" in c or "imageId" in cr) else c["imageType"] for _, c in confs)
        elif isinstance(cr.get("imageId"), str):
            ami = f"every instance boots the custom AMI {cr['imageId']} (imageId)"
        else:
            continue  # Batch's default picks its GPU AMI for GPU families
        i, item = gpu_items[0]
        where = ptr / "computeResources" / "instanceTypes" / i
        yield gpu_ami.at(where, where=where.dotted(), found=item, ami=ami)


# --- 2.5 EKS and ECS Managed Instances -------------------------------------------------------


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


@rule("CE-058")
def managed_instances_provider_matches_type(ctx: Context, c: Constraint):
    """managedInstancesProvider is given for ECS_MANAGED_INSTANCES and for no other type."""
    for ptr, _, cr, crtype in compute_environments(ctx):
        if not cr:
            continue
        base = ptr / "computeResources"
        if crtype == MANAGED_INSTANCES and "managedInstancesProvider" not in cr:
            yield c.at(base / "type", where=(base / "type").dotted())
        elif crtype != MANAGED_INSTANCES and "managedInstancesProvider" in cr:
            yield c.at(base / "managedInstancesProvider", at_key=True, variant="forbidden",
                          where=(base / "managedInstancesProvider").dotted(), type=crtype)


@rule("CE-059")
def managed_instances_values(ctx: Context, c: Constraint):
    """Managed Instances enums and scaleInAfter range; capacityTags only on ECS_MANAGED_INSTANCES."""
    limits = c.limits
    for ptr, _, cr, crtype in compute_environments(ctx):
        if not cr:
            continue
        base = ptr / "computeResources"
        if "capacityTags" in cr and crtype != MANAGED_INSTANCES:
            yield c.at(base / "capacityTags", at_key=True, variant="capacity_tags",
                          where=(base / "capacityTags").dotted(), type=crtype)
        provider = cr.get("managedInstancesProvider")
        if not isinstance(provider, dict):
            continue
        pbase = base / "managedInstancesProvider"
        template = provider.get("instanceLaunchTemplate")
        template = template if isinstance(template, dict) else {}
        reservations = template.get("capacityReservations")
        reservations = reservations if isinstance(reservations, dict) else {}
        enums = (
            (pbase / "propagateTags", provider, "propagateTags"),
            (pbase / "instanceLaunchTemplate" / "capacityOptionType", template, "capacityOptionType"),
            (pbase / "instanceLaunchTemplate" / "monitoring", template, "monitoring"),
            (pbase / "instanceLaunchTemplate" / "capacityReservations" / "reservationPreference",
             reservations, "reservationPreference"),
        )
        for where, holder, key in enums:
            value = holder.get(key)
            if isinstance(value, str) and value not in limits[key]:
                yield c.at(where, where=where.dotted(), found=value, field=key, allowed=", ".join(limits[key]))
        optimization = provider.get("infrastructureOptimization")
        scale_in = optimization.get("scaleInAfter") if isinstance(optimization, dict) else None
        if isinstance(scale_in, int) and scale_in != limits["disabled"] \
                and not limits["min"] <= scale_in <= limits["max"]:
            where = pbase / "infrastructureOptimization" / "scaleInAfter"
            yield c.at(where, variant="range", where=where.dotted(), found=scale_in)

