"""ECS Managed Instances: the provider block and the job definitions it runs; not which queue mixes them (queues)."""
from __future__ import annotations

from ...catalog import Constraint
from ...job_shapes import capabilities, jd_type
from ..context import Context, rule
from ..shapes import MANAGED_INSTANCES, compute_environments


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


@rule("JD-004")
def managed_instances_use_ecs_properties(ctx: Context, c: Constraint):
    """MANAGED_INSTANCES job definitions use ecsProperties and are not multi-node."""
    for ptr, jd in ctx.entries("jobDefinitions"):
        if "MANAGED_INSTANCES" not in capabilities(jd):
            continue
        if "containerProperties" in jd:
            yield c.at(ptr / "containerProperties", at_key=True, where=(ptr / "containerProperties").dotted())
        if jd_type(jd) == "multinode":
            yield c.at(ptr / "type", variant="multinode", where=(ptr / "type").dotted())
