"""Launch templates name one template and target listed instance types; not what a template holds.

A launch template lives in the account: its security groups, AMI and user data are unknown
here, so a rule that a template could satisfy (CE-016) stays quiet when there is one. A
version left to $Default or $Latest is resolved once (CE-046): a later template change
reaches no environment and no diff; what a change of the version does is batchgen diff's.
"""
from __future__ import annotations

from ... import instances
from ...catalog import Constraint
from ...problems import Pointer
from ..context import Context, rule
from ..shapes import FARGATE, compute_environments, missing_or_empty, missing_place, string_items


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


def _includes(a: str, b: str) -> bool:
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
                if check_listed and not any(_includes(t, target) for t in listed):
                    yield c.at(where, variant="not_listed", where=where.dotted(), found=target,
                               listed=", ".join(listed))
                    continue
                clash = next(((t, w) for t, w in seen if _includes(t, target) or _includes(target, t)), None)
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


_FLOATING = ("$Default", "$Latest")


@rule("CE-046")
def launch_template_version_is_pinned(ctx: Context, c: Constraint):
    """A launch template named without a version number: the environment keeps whatever
    $Default or $Latest was when it was created, and no later change of the template shows."""
    for ptr, ce, cr, _ in compute_environments(ctx):
        lt = cr.get("launchTemplate") if cr else None
        if not isinstance(lt, dict) or not (lt.get("launchTemplateName") or lt.get("launchTemplateId")):
            continue  # naming no template is CE-039's error
        version = lt.get("version", "$Default")
        if version in _FLOATING:
            where = ptr / "computeResources" / "launchTemplate"
            yield c.at(where / "version" if "version" in lt else where, variant="version",
                       name=ce.get("computeEnvironmentName"),
                       template=lt.get("launchTemplateName") or lt.get("launchTemplateId"),
                       version=version if "version" in lt else "$Default (the default)")
