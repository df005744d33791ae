"""Job queues: their environment orders, the kinds of environment they mix, their type and time-limit actions; not jobs.

A queue's compute environments are the spec's entries it names (targets.queue_envs); one
given by ARN, or an entry that failed the schema, is unknown and never the reason for an
error. Which jobs a queue can run is capacity's and jobs'.
"""
from __future__ import annotations

from typing import Iterator

from ... import instances
from ...catalog import Constraint
from ...problems import Pointer
from ..context import Context, rule
from ..shapes import EnvKind, article
from ..targets import Env, queue_envs


def _typed_envs(ctx: Context, queue: dict) -> list[Env]:
    """The queue's compute environments that are entries of this spec and whose kind is known,
    in computeEnvironmentOrder's order. Environments given by ARN are outside the spec: skipped."""
    return [e for e in queue_envs(ctx, queue)[0] if e.kind is not None]


def _mixing(ctx: Context, conflict) -> Iterator:
    """For every queue, each environment whose kind conflicts (per `conflict(first, other)`)
    with the queue's first known environment, reported at its computeEnvironment value."""
    for ptr, queue in ctx.entries("jobQueues"):
        envs = _typed_envs(ctx, queue)
        if not envs:
            continue
        first = envs[0]
        for env in envs[1:]:
            if conflict(first.kind, env.kind):
                vptr = ptr / "computeEnvironmentOrder" / env.index / "computeEnvironment"
                yield vptr, first, env


def _family(kind: EnvKind) -> str:
    return {"EC2": "EC2-family", "FARGATE": "Fargate-family", "MANAGED_INSTANCES": "ECS Managed Instances"}[kind.platform]


def _mix_values(vptr: Pointer, first: Env, env: Env) -> dict:
    return dict(where=vptr.dotted(), found=env.name, what=env.kind.describe(), first=first.name,
                first_index=first.index, first_what=first.kind.describe(), family=_family(env.kind))


@rule("JQ-003")
def queue_has_one_kind_of_environment_order(ctx: Context, c: Constraint):
    """A queue has computeEnvironmentOrder or serviceEnvironmentOrder, not both, not neither."""
    for ptr, queue in ctx.entries("jobQueues"):
        has_ce, has_se = "computeEnvironmentOrder" in queue, "serviceEnvironmentOrder" in queue
        if has_ce and has_se:
            keys = [k for k in queue if k in ("computeEnvironmentOrder", "serviceEnvironmentOrder")]
            yield c.at(ptr / keys[1], at_key=True, variant="both", where=ptr.dotted())
        elif not has_ce and not has_se:
            name_ptr = ptr / "jobQueueName"
            yield c.at(name_ptr, where=f"{ptr.dotted()} ('{queue.get('jobQueueName')}')")


@rule("JQ-006")
def queue_orders_and_environments_are_distinct(ctx: Context, c: Constraint):
    """No two compute environments of a queue share an order, and none appears twice."""
    for ptr, queue in ctx.entries("jobQueues"):
        orders = queue.get("computeEnvironmentOrder")
        if not isinstance(orders, list):
            continue
        by_order: dict[object, int] = {}
        by_env: dict[str, int] = {}
        for i, item in enumerate(orders):
            if not isinstance(item, dict):
                continue
            env, order = item.get("computeEnvironment"), item.get("order")
            iptr = ptr / "computeEnvironmentOrder" / i
            if isinstance(env, str):
                if env in by_env:
                    yield c.at(iptr / "computeEnvironment", variant="environment",
                               where=(iptr / "computeEnvironment").dotted(), found=env, first=by_env[env])
                    continue  # the repeated entry's order is part of the same mistake
                by_env[env] = i
            if isinstance(order, int) and not isinstance(order, bool):
                if order in by_order:
                    first = by_order[order]
                    yield c.at(iptr / "order", where=(iptr / "order").dotted(), found=order, first=first,
                               other=orders[first].get("computeEnvironment"))
                else:
                    by_order[order] = i


@rule("JQ-007")
def queue_does_not_mix_ec2_and_fargate(ctx: Context, c: Constraint):
    """A queue's ECS environments are all EC2-family (EC2, SPOT, UNMANAGED) or all Fargate-family."""
    def conflict(a: EnvKind, b: EnvKind) -> bool:
        return a.orchestration == b.orchestration and {a.platform, b.platform} == {"EC2", "FARGATE"}
    for vptr, first, env in _mixing(ctx, conflict):
        yield c.at(vptr, **_mix_values(vptr, first, env))


@rule("JQ-008")
def managed_instances_queue_is_pure_and_on_demand_first(ctx: Context, c: Constraint):
    """ECS Managed Instances environments share a queue with no other kind, On-Demand ones first."""
    def conflict(a: EnvKind, b: EnvKind) -> bool:
        return (a.orchestration == b.orchestration and a.platform != b.platform
                and "MANAGED_INSTANCES" in (a.platform, b.platform))
    for vptr, first, env in _mixing(ctx, conflict):
        yield c.at(vptr, **_mix_values(vptr, first, env))
    for ptr, queue in ctx.entries("jobQueues"):
        managed = [e for e in _typed_envs(ctx, queue) if e.kind.platform == "MANAGED_INSTANCES"
                   and isinstance(e.order, int) and not isinstance(e.order, bool)]
        on_demand = [e for e in managed if not e.kind.spot]
        for spot in (e for e in managed if e.kind.spot):
            later = [e for e in on_demand if e.order > spot.order]
            if later:
                od = min(later, key=lambda e: e.order)
                optr = ptr / "computeEnvironmentOrder" / spot.index / "order"
                yield c.at(optr, variant="order", where=optr.dotted(), found=spot.order, spot=spot.name,
                           on_demand=od.name, on_demand_order=od.order)


@rule("JQ-009")
def queue_does_not_mix_eks_and_ecs(ctx: Context, c: Constraint):
    """A queue's compute environments are all EKS or all ECS."""
    def conflict(a: EnvKind, b: EnvKind) -> bool:
        return a.orchestration != b.orchestration

    def orchestration(kind: EnvKind) -> str:
        return f"{article(kind.orchestration)} {kind.orchestration} compute environment ({kind.label})"
    for vptr, first, env in _mixing(ctx, conflict):
        values = _mix_values(vptr, first, env)
        values.update(what=orchestration(env.kind), first_what=orchestration(first.kind))
        yield c.at(vptr, **values)


def _architecture_of(ce: dict) -> tuple[str, list[str]] | None:
    """The one CPU architecture of a managed EC2/SPOT environment's instanceTypes, and the
    types that show it; None when unknown, or mixed (CE-019 reports that)."""
    cr = ce.get("computeResources")
    types = cr.get("instanceTypes") if isinstance(cr, dict) else None
    if ce.get("type") != "MANAGED" or not isinstance(types, list):
        return None
    archs: dict[str, list[str]] = {}
    for t in types:
        arch = instances.architecture(t) if isinstance(t, str) else None
        if arch:
            archs.setdefault(arch, []).append(t)
    if len(archs) != 1:
        return None
    (arch, shown), = archs.items()
    return arch, shown


@rule("JQ-010")
def queue_has_one_architecture(ctx: Context, c: Constraint):
    """The compute environments of a queue whose architecture is known share one architecture."""
    for ptr, queue in ctx.entries("jobQueues"):
        known = [(env, a) for env in _typed_envs(ctx, queue)
                 if env.kind.platform == "EC2" and (a := _architecture_of(env.entry)) is not None]
        if not known:
            continue
        (first, (first_arch, first_types)), rest = known[0], known[1:]
        for env, (arch, types) in rest:
            if arch != first_arch:
                vptr = ptr / "computeEnvironmentOrder" / env.index / "computeEnvironment"
                yield c.at(vptr, where=vptr.dotted(), found=env.name, arch=arch, types=", ".join(types),
                           first=first.name, first_index=first.index, first_arch=first_arch,
                           first_types=", ".join(first_types))


def _is_service_queue(queue: dict) -> bool:
    return "serviceEnvironmentOrder" in queue or queue.get("jobQueueType") == "SAGEMAKER_TRAINING"


@rule("JQ-012")
def queue_type_matches_environments(ctx: Context, c: Constraint):
    """A jobQueueType, when set, is the type the queue's environments give it."""
    for ptr, queue in ctx.entries("jobQueues"):
        given = queue.get("jobQueueType")
        if not isinstance(given, str):
            continue
        vptr = ptr / "jobQueueType"
        if "serviceEnvironmentOrder" in queue and "computeEnvironmentOrder" not in queue:
            if given != "SAGEMAKER_TRAINING":
                yield c.at(vptr, where=vptr.dotted(), found=given, expected="SAGEMAKER_TRAINING",
                           detail="the queue has serviceEnvironmentOrder (SageMaker training)")
            continue
        if "computeEnvironmentOrder" not in queue:
            continue
        envs = _typed_envs(ctx, queue)
        types = {e.kind.queue_type for e in envs}
        if given == "SAGEMAKER_TRAINING":
            expected = types.pop() if len(types) == 1 else "ECS, ECS_FARGATE, ECS_MANAGED_INSTANCES or EKS"
            yield c.at(vptr, where=vptr.dotted(), found=given, expected=expected,
                       detail="the queue has computeEnvironmentOrder (compute environments, not SageMaker)")
        elif len(types) == 1 and given not in types:
            expected = next(iter(types))
            names = ", ".join(f"'{e.name}'" for e in envs)
            yield c.at(vptr, where=vptr.dotted(), found=given, expected=expected,
                       detail=f"its compute environments ({names}) are {_kind_words(envs[0].kind)}")


def _kind_words(kind: EnvKind) -> str:
    if kind.orchestration == "EKS":
        return "EKS environments"
    return {"EC2": "EC2-family ECS environments", "FARGATE": "Fargate environments",
            "MANAGED_INSTANCES": "ECS Managed Instances environments"}[kind.platform]


def _time_limit_actions(ctx: Context) -> Iterator[tuple[Pointer, dict, dict, bool]]:
    """(pointer of the action, the action, its queue, whether it is a SageMaker queue)."""
    for ptr, queue in ctx.entries("jobQueues"):
        if "computeEnvironmentOrder" in queue and "serviceEnvironmentOrder" in queue:
            continue  # JQ-003's error; the queue's kind is undecided
        actions = queue.get("jobStateTimeLimitActions")
        if not isinstance(actions, list):
            continue
        service = _is_service_queue(queue)
        for i, action in enumerate(actions):
            if isinstance(action, dict):
                yield ptr / "jobStateTimeLimitActions" / i, action, queue, service


@rule("JQ-016")
def time_limit_action_fits_the_queue(ctx: Context, c: Constraint):
    """jobStateTimeLimitActions use CANCEL on compute-environment queues, TERMINATE on SageMaker ones."""
    for aptr, action, queue, service in _time_limit_actions(ctx):
        expected = "TERMINATE" if service else "CANCEL"
        if action.get("action") not in (None, expected):
            kind = "a SageMaker training job queue" if service else "a job queue of ECS, EKS or Fargate compute environments"
            yield c.at(aptr / "action", variant="action", where=(aptr / "action").dotted(), found=action["action"],
                       queue=queue.get("jobQueueName"), kind=kind, expected=expected)


@rule("JQ-017")
def time_limit_reason_is_one_that_acts(ctx: Context, c: Constraint):
    """A jobStateTimeLimitActions reason is one of the status reasons the action applies to."""
    limits = c.limits
    for aptr, action, queue, service in _time_limit_actions(ctx):
        reason = action.get("reason")
        allowed = limits["service_reasons" if service else "compute_reasons"]
        if isinstance(reason, str) and reason not in allowed:
            kind = "SageMaker training queues" if service else "ECS, EKS and Fargate queues"
            yield c.at(aptr / "reason", where=(aptr / "reason").dotted(), found=reason, kind=kind,
                       allowed=", ".join(allowed))
