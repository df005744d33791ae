"""The AMIs of EC2 environments fit the environment and its instance types; not what a custom AMI holds.

Batch's own AMIs are known by image type (the catalog's lists in
compiler/data/catalog/machine_images.yaml); a custom AMI (imageId, imageIdOverride, a launch
template) is the user's, so it turns advice into silence or a warning, never an error.
"""
from __future__ import annotations

import datetime
from typing import Any, Mapping

from ... import instances
from ...catalog import Constraint
from ..context import Context, rule
from ..shapes import FARGATE, compute_environments, on_eks, string_items


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
