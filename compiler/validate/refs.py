"""References by name resolve, names are unique, and names map to distinct Terraform labels.

XR-001 (reference integrity), NT-006 / XR-019 (unique names), BG-007 (label collisions).
"""
from __future__ import annotations

from ..catalog import Constraint
from ..language import NOUNS, REFERENCES, SECTIONS, is_arn, split_revision, walk_path
from ..naming import tf_label
from ..problems import Pointer
from .context import Context, rule
from .schema import did_you_mean


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
    """Every by-name reference names an entry of the same spec; anything else is given by ARN."""
    defined = {}
    for ref in REFERENCES:
        for ptr, entry in ctx.all_entries(ref.section):
            for rel, value in walk_path(entry, ref.path):
                if not isinstance(value, str) or is_arn(value):
                    continue
                if not value and _empty_role_reported_elsewhere(ref.path[-1], entry):
                    continue
                name = split_revision(value)[0] if ref.target == "jobDefinitions" else value
                if ref.target not in defined:  # once per target: setdefault would rebuild it per value
                    defined[ref.target] = _defined(ctx, ref.target)
                names = defined[ref.target]
                if name not in names:
                    field = next(p for p in reversed(rel) if isinstance(p, str))  # jobQueues[2] -> jobQueues
                    yield c.at(Pointer((*ptr, *rel)), name=value, field=field,
                                  noun=NOUNS[ref.target], suggestion=did_you_mean(name, names))


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
                c = account_unique if section in ("computeEnvironments", "jobQueues", "schedulingPolicies") else spec_unique
                yield c.at(ptr / name_field, name=name, noun=NOUNS[section],
                              first=f"{section}[{seen[name]}]")
            else:
                seen[name] = ptr[1]


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

