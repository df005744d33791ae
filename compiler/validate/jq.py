"""Rules for job queues, scheduling policies, names and tags (JQ-*, SP-*, NT-*).

Knows the spec's entries and the catalog's limits; no positions, no wording, no HCL.
What the schema already checks (name patterns, tag map sizes and lengths, the queue's
priority, state and environment count, policy ranges) is not checked again here.
"""
from __future__ import annotations

from typing import Iterator

from ..catalog import Constraint
from ..language import split_revision
from ..problems import Pointer
from .context import Context, rule
from .shapes import EnvKind, article, describe_chars
from .targets import Env, queue_envs


# --- Tags (NT-007, NT-009, NT-010, NT-011) --------------------------------------------------


# --- ARN shapes (NT-014) ----------------------------------------------------------------------


# --- What a queue's compute environments are (JQ-007…JQ-012, JQ-018) -------------------------

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
    from ..instances import architecture  # a shared table (compiler/instances.py)

    cr = ce.get("computeResources")
    types = cr.get("instanceTypes") if isinstance(cr, dict) else None
    if ce.get("type") != "MANAGED" or not isinstance(types, list):
        return None
    archs: dict[str, list[str]] = {}
    for t in types:
        arch = architecture(t) if isinstance(t, str) else None
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


# --- Queue shape and settings (JQ-003, JQ-012, JQ-016…JQ-018) --------------------------------

def _is_service_queue(queue: dict) -> bool:
    return "serviceEnvironmentOrder" in queue or queue.get("jobQueueType") == "SAGEMAKER_TRAINING"


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


def _operating_system(jd: dict) -> str | None:
    """The job definition's runtimePlatform.operatingSystemFamily, if it sets one."""
    places = [jd.get("containerProperties")]
    ecs = jd.get("ecsProperties")
    if isinstance(ecs, dict) and isinstance(ecs.get("taskProperties"), list):
        places.extend(ecs["taskProperties"])
    for place in places:
        platform = place.get("runtimePlatform") if isinstance(place, dict) else None
        family = platform.get("operatingSystemFamily") if isinstance(platform, dict) else None
        if isinstance(family, str):
            return family
    return None


@rule("JQ-018")
def windows_jobs_avoid_fargate_spot_only_queues(ctx: Context, c: Constraint):
    """A Windows job is not sent to a queue whose only compute environments are FARGATE_SPOT."""
    for ptr, job in ctx.entries("jobs"):
        queue_name, jd_ref = job.get("jobQueue"), job.get("jobDefinition")
        if not isinstance(queue_name, str) or not isinstance(jd_ref, str):
            continue
        queue = ctx.named("jobQueues", queue_name)
        jd = ctx.named("jobDefinitions", split_revision(jd_ref)[0])
        if queue is None or jd is None:
            continue
        orders = queue[1].get("computeEnvironmentOrder")
        envs = _typed_envs(ctx, queue[1])
        if not envs or not isinstance(orders, list) or len(envs) != len(orders):
            continue  # an environment outside the spec might run Windows
        if not all(e.kind.label == "FARGATE_SPOT" for e in envs):
            continue
        family = _operating_system(jd[1])
        if family and family.upper().startswith("WINDOWS"):
            vptr = ptr / "jobQueue"
            yield c.at(vptr, where=vptr.dotted(), found=queue_name, jd=jd_ref, os=family)


# --- Scheduling policies (SP-002, SP-005, SP-006) ---------------------------------------------

@rule("SP-002")
def policy_has_one_policy_type(ctx: Context, c: Constraint):
    """A scheduling policy sets fairsharePolicy or quotaSharePolicy, not both."""
    for ptr, policy in ctx.entries("schedulingPolicies"):
        keys = [k for k in policy if k in ("fairsharePolicy", "quotaSharePolicy")]
        if len(keys) == 2:
            yield c.at(ptr / keys[1], at_key=True, where=ptr.dotted())


def _share_identifiers(ctx: Context) -> Iterator[tuple[Pointer, list[tuple[int, str]]]]:
    """(pointer of shareDistribution, [(index, shareIdentifier)]) for every valid policy."""
    for ptr, policy in ctx.entries("schedulingPolicies"):
        fair = policy.get("fairsharePolicy")
        dist = fair.get("shareDistribution") if isinstance(fair, dict) else None
        if not isinstance(dist, list):
            continue
        ids = [(i, d["shareIdentifier"]) for i, d in enumerate(dist)
               if isinstance(d, dict) and isinstance(d.get("shareIdentifier"), str)]
        yield ptr / "fairsharePolicy" / "shareDistribution", ids


def _split_share(identifier: str) -> tuple[str, bool]:
    """'UserA*' -> ('UserA', True); 'UserA1' -> ('UserA1', False)."""
    return (identifier[:-1], True) if identifier.endswith("*") else (identifier, False)


@rule("SP-005")
def share_identifier_has_a_valid_shape(ctx: Context, shape: Constraint):
    """A shareIdentifier is 1–255 characters with '*' only at the end; letters and digits advised."""
    limits = shape.limits
    for dptr, ids in _share_identifiers(ctx):
        for i, identifier in ids:
            vptr = dptr / i / "shareIdentifier"
            body, _ = _split_share(identifier)
            if "*" in body:
                yield shape.at(vptr, variant="star", where=vptr.dotted(), found=identifier)
            elif not limits["min"] <= len(body) <= limits["max"]:
                yield shape.at(vptr, where=vptr.dotted(), found=identifier, length=len(body))
            else:
                bad = [c for c in dict.fromkeys(body) if not (c.isascii() and c.isalnum())]
                if bad:
                    yield shape.at(vptr, variant="chars", where=vptr.dotted(), found=identifier,
                                  chars=describe_chars(bad))


@rule("SP-006", reads=("SP-005",))
def share_identifiers_do_not_overlap(ctx: Context, c: Constraint, shape: Constraint):
    """No share identifier of a policy is repeated or covered by another entry's prefix."""
    limits = shape.limits
    for dptr, ids in _share_identifiers(ctx):
        earlier: list[tuple[int, str, str, bool]] = []
        for i, identifier in ids:
            body, prefix = _split_share(identifier)
            if "*" in body or not limits["min"] <= len(body) <= limits["max"]:
                continue  # SP-005's error
            for j, other, obody, oprefix in earlier:
                detail = None
                if identifier == other:
                    detail = "the same identifier twice"
                elif oprefix and body.startswith(obody):
                    detail = f"'{other}' already covers every identifier that starts with '{obody}'"
                elif prefix and obody.startswith(body):
                    detail = (f"'{identifier}' also covers every identifier '{other}' covers" if oprefix
                              else f"'{identifier}' also covers '{other}'")
                if detail:
                    vptr = dptr / i / "shareIdentifier"
                    yield c.at(vptr, where=vptr.dotted(), found=identifier, other=other, other_index=j,
                                  detail=detail)
                    break
            earlier.append((i, identifier, body, prefix))
