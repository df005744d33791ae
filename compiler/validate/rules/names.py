"""By-name references resolve, names are unique, ARNs have the right shape; not whether an ARN's resource exists.

XR-001 (a by-name reference names an entry), NT-006 / XR-019 (unique names), NT-014 (the
shape of a reference given as an ARN), BG-201 (a compute environment's name leaves room for
its replacement key). Fields whose ARN form has a rule of its own are left
to it: SJ-002, SJ-003 (jobs), CE-017 (instance profiles), JDC-007 (job definition roles),
and the IAM sections (iam_policies).
"""
from __future__ import annotations

import re
from typing import Any, Mapping

from ...catalog import Constraint
from ...language import (NOUNS, REFERENCES, SECTION, SECTIONS, TF_TYPE_OF_KIND, is_arn, outside_definition,
                         split_revision, walk_path)
from ...naming import tf_label
from ...problems import Pointer
from ...replacement import NAME_SUFFIX_LENGTH
from ..context import Context, rule
from ..schema import did_you_mean
from ..shapes import article


def _role_names(ctx: Context) -> dict[str, object]:
    iam = ctx.data.get("iam")
    roles = iam.get("roles") if isinstance(iam, dict) else None
    out = {}
    if isinstance(roles, list):
        for r in roles:
            if isinstance(r, dict) and isinstance(r.get("RoleName"), str):
                out[r["RoleName"]] = r
    return out


def _defined(ctx: Context, target: str) -> dict:
    return _role_names(ctx) if target == "iam.roles" else ctx.names(target)


def _empty_role_reported_elsewhere(field: str, ce: dict) -> bool:
    """Where batchgen would generate a compute environment's role, an empty one is the field's
    own rule's (CE-005, CE-017, CE-024; CE-034 on Fargate); anywhere else '' names nothing."""
    cr = ce.get("computeResources") if isinstance(ce.get("computeResources"), dict) else {}
    if field == "serviceRole":
        return ce.get("type") == "UNMANAGED"
    if field == "instanceRole":
        return cr.get("type") in ("EC2", "SPOT", "FARGATE", "FARGATE_SPOT")
    if field == "spotIamFleetRole":
        return cr.get("type") in ("FARGATE", "FARGATE_SPOT") or (
            cr.get("type") == "SPOT" and cr.get("allocationStrategy", "BEST_FIT") == "BEST_FIT")
    return False


@rule("XR-001")
def reference_names_an_entry(ctx: Context, c: Constraint):
    """Every by-name reference names an entry of the same spec; anything else is given by ARN (or, for a job
    definition, as name:revision)."""
    defined = {}
    for ref in REFERENCES:
        for ptr, entry in ctx.all_entries(ref.section):
            for rel, value in walk_path(entry, ref.path):
                if is_arn(value) and ref.section == "jobQueues":
                    yield from _queue_arn(ctx, c, Pointer((*ptr, *rel)), value, ref.target)
                if not isinstance(value, str) or is_arn(value):
                    continue
                if not value and _empty_role_reported_elsewhere(ref.path[-1], entry):
                    continue
                name = split_revision(value)[0] if ref.target == "jobDefinitions" else value
                if ref.target not in defined:  # once per target: setdefault would rebuild it per value
                    defined[ref.target] = _defined(ctx, ref.target)
                names = defined[ref.target]
                if ref.target == "jobDefinitions" and outside_definition(value, names):
                    continue  # `my-def:28`: registered outside the spec, like an ARN
                if name not in names:
                    field = next(p for p in reversed(rel) if isinstance(p, str))  # jobQueues[2] -> jobQueues
                    yield c.at(Pointer((*ptr, *rel)), name=value, field=field,
                               noun=NOUNS[ref.target], suggestion=did_you_mean(name, names))


def _queue_arn(ctx: Context, c: Constraint, where: Pointer, arn: str, target: str):
    """A queue's environment or scheduling policy by ARN: in the spec's Region and account (CreateJobQueue
    finds nothing else), and not one of the spec's own entries pasted as a string."""
    parts = arn.split(":", 5)
    if len(parts) < 6 or parts[2] != "batch" or "/" not in parts[5]:
        return  # NT-014's
    region, account, name = parts[3], parts[4], parts[5].split("/", 1)[1]
    field, noun = where[-1], NOUNS[target]
    for key, found in (("region", region), ("account", account)):
        spec_value = ctx.data.get(key)
        if isinstance(spec_value, str) and found and found != spec_value:
            word = "Region" if key == "region" else "account"
            yield c.at(where, variant=f"other_{key}", field=field, name=arn, noun=noun, nouns=f"{noun}s",
                       what=word, found=found, spec=spec_value)
            return
    if name in ctx.names(target):
        yield c.at(where, variant="own_by_arn", field=field, name=arn, noun=noun, entry=name,
                   address=f"{TF_TYPE_OF_KIND[SECTION[target].ref_kind]}.{tf_label(name)}")


@rule("NT-006", "XR-019")
def names_are_unique(ctx: Context, account_unique: Constraint, spec_unique: Constraint):
    """Two entries of one section never share a name."""
    for section, name_field in SECTIONS.items():
        seen: dict[str, int] = {}
        for ptr, entry in ctx.entries(section):
            name = entry.get(name_field)
            if not isinstance(name, str):
                continue
            if name in seen:
                account_wide = section in ("computeEnvironments", "jobQueues", "schedulingPolicies")
                c = account_unique if account_wide else spec_unique
                yield c.at(ptr / name_field, name=name, noun=NOUNS[section],
                           first=f"{section}[{seen[name]}]")
            else:
                seen[name] = ptr[1]


_PARTITION = re.compile(r"^aws(-[a-z]+)*\Z")
_REGION = re.compile(r"^[a-z]{2,4}(-[a-z]+){1,3}-[0-9]{1,2}\Z")
_BATCH_NAME = re.compile(r"^[A-Za-z0-9_-]+\Z")
_JOB_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_:-]*\Z")
_IAM_NAME = re.compile(r"^[\w+=,.@-]+\Z", re.ASCII)
_IAM_PATH = re.compile(r"^(/[\x21-\x7e]*?)?/?\Z")


def _arn_kind(target: str, field: str, limits: Mapping[str, Any]) -> tuple[str, str, str] | None:
    """(service, resource type, noun) the ARN in `field` pointing at `target` must have,
    or None for a target NT-014 doesn't cover."""
    if target == "iam.roles":
        if field == "instanceRole":
            return "iam", limits["iam_types"]["instance_profile"], "instance profile"
        return "iam", limits["iam_types"]["role"], "IAM role"
    if target in limits["batch_types"]:
        return "batch", limits["batch_types"][target], NOUNS[target]
    return None


def _arn_shape(service: str, rtype: str, target: str) -> str:
    if service == "iam":
        return f"arn:<partition>:iam::<account>:{rtype}/<path/>name"
    tail = {"jobDefinitions": "<name>[:<revision>]", "jobs": "<jobId>"}.get(target, "<name>")
    return f"arn:<partition>:batch:<region>:<account>:{rtype}/{tail}"


def _arn_problem(value: str, service: str, rtype: str, target: str, limits: Mapping[str, Any]) -> str | None:
    """What is wrong with `value` as an ARN of `service`/`rtype`, or None."""
    digits = limits["account_digits"]
    parts = value.split(":", 5)
    if len(parts) < 6:
        return f"it has {len(parts)} of the 6 ':'-separated parts"
    _, partition, svc, region, account, resource = parts
    if not _PARTITION.match(partition):
        return f"the partition '{partition}' is not aws, aws-cn or aws-us-gov"
    if svc != service:
        return f"the service is '{svc}', not {service}"
    if service == "iam" and region:
        return f"IAM ARNs have no Region, but this one has '{region}'"
    if service == "batch" and not _REGION.match(region):
        return f"'{region}' is not a Region" if region else "the Region is missing"
    if not (len(account) == digits and account.isdigit()):
        return f"the account '{account}' is not {digits} digits"
    rt, slash, rest = resource.partition("/")
    if not slash:
        return f"the resource part '{resource}' has no '/'"
    if rt != rtype:
        return f"the resource type is '{rt}', not '{rtype}'"
    if service == "iam":
        path, _, name = rest.rpartition("/")
        if not name or not _IAM_NAME.match(name) or (path and not _IAM_PATH.match("/" + path + "/")):
            return f"'{rest}' is not a valid {rtype} name (with an optional path)"
        return None
    if target == "jobs":
        return None if _JOB_ID.match(rest) else f"'{rest}' is not a job ID"
    name = rest
    if target == "jobDefinitions":
        base, revision = split_revision(rest)
        if revision is not None:
            if revision < 1:
                return f"the revision {revision} is not 1 or more"
            name = base
    if not name or len(name) > limits["name_max"] or not _BATCH_NAME.match(name):
        return (f"'{name}' is not a valid name (1–{limits['name_max']} letters, digits, '-' and '_'"
                + (", then an optional ':revision')" if target == "jobDefinitions" else ")"))
    return None


# Reference fields whose ARN form has a rule of its own: SJ-002 (jobs[].jobQueue), SJ-003
# (jobs[].jobDefinition), CE-017 (computeResources.instanceRole is an instance profile),
# JDC-007 (a job definition's jobRoleArn / executionRoleArn).
_ARN_CHECKED_ELSEWHERE = {("jobs", ("jobQueue",)), ("jobs", ("jobDefinition",)),
                          ("computeEnvironments", ("computeResources", "instanceRole"))}


def _checked_elsewhere(ref) -> bool:
    return ((ref.section, ref.path) in _ARN_CHECKED_ELSEWHERE or ref.section.startswith("iam.")
            or (ref.section == "jobDefinitions" and ref.target == "iam.roles"))


@rule("NT-014")
def arn_references_have_the_right_shape(ctx: Context, c: Constraint):
    """A reference given as an ARN is an ARN of the kind of resource the field takes."""
    for ref in REFERENCES:
        if _checked_elsewhere(ref):
            continue  # and IAM policy documents may use wildcard ARNs: the IAM rules' business
        for ptr, entry in ctx.entries(ref.section):
            for rel, value in walk_path(entry, ref.path):
                if not isinstance(value, str) or not value.startswith("arn:"):
                    continue
                kind = _arn_kind(ref.target, rel[-1], c.limits)
                if kind is None:
                    continue
                service, rtype, noun = kind
                problem = _arn_problem(value, service, rtype, ref.target, c.limits)
                if problem:
                    vptr = Pointer((*ptr, *rel))
                    yield c.at(vptr, where=vptr.dotted(), found=value, noun_a=f"{article(noun)} {noun}",
                               detail=problem, shape=_arn_shape(service, rtype, ref.target))


@rule("BG-201")
def name_leaves_room_for_the_replacement_key(ctx: Context, c: Constraint):
    """A compute environment's AWS name is its name plus 9 characters (compiler/replacement.py)."""
    limit = c.limit("max") - NAME_SUFFIX_LENGTH
    for ptr, ce in ctx.entries("computeEnvironments"):
        name = ce.get("computeEnvironmentName")
        if isinstance(name, str) and len(name) > limit:
            where = ptr / "computeEnvironmentName"
            yield c.at(where, where=where.dotted(), found=len(name), limit=limit)
