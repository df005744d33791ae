"""What applying NEW over OLD does to deployed resources: two resolved Models in, one Change
per resource out, with the fields that changed and the reasons (catalog IDs, from the rules
of reasons.py beside this module).

Actions: `create`, `update` (in place), `new-revision` (a job definition), `replace` (a new
resource takes the old one's place), `delete`, `unchanged`. What is in place and what
replaces is compiler/replacement.py's (a compute environment's AWS name, which resolve put
in the model, carries its replacement key). Works on resolved models and the section table,
never on HCL or JSON text, so reformatting a spec changes nothing. Knows no files, no YAML
and no output format: the caller (run.py) locates each reason's pointer in the spec it came from.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields as dataclass_fields, is_dataclass
from typing import Any, Callable, Iterable

from ..language import RefKind, section_items
from ..model import Model, Ref, Resource, Role, refs_in
from ..problems import ROOT, Pointer
from ..replacement import aws_names, is_fair_share
from . import reasons
from ..changes import (
    ACTIONS, CREATE, DELETE, KIND, KINDS, MISSING, NEW_REVISION, REPLACE, UNCHANGED, UPDATE, Change, Diff,
    FieldChange, Kind, Reason, entry_pointer,
)


# --- comparable forms ---------------------------------------------------------------------


class _Display:
    """Values as they are compared and shown: a reference by the name AWS knows (a compute
    environment by its AWS name, a role or instance profile with its path), so a change
    of what a reference resolves to is a change of the entry that holds it."""

    def __init__(self, model: Model):
        self.ce_names = aws_names(model)
        self.paths = {r.name: r.path or "/" for r in model.roles}

    def ref(self, ref: Ref) -> str:
        if ref.kind is RefKind.COMPUTE_ENVIRONMENT:
            return self.ce_names.get(ref.name, ref.name)
        if ref.kind in (RefKind.ROLE, RefKind.INSTANCE_PROFILE):
            path = self.paths.get(ref.name, "/")
            return ref.name if path == "/" else f"{path}{ref.name}"
        return ref.name if ref.revision is None else f"{ref.name}:{ref.revision}"

    def value(self, v: Any) -> Any:
        if isinstance(v, Ref):
            return self.ref(v)
        if isinstance(v, dict):
            return {k: self.value(x) for k, x in v.items() if x is not None}
        if isinstance(v, (list, tuple)):
            return [self.value(x) for x in v]
        if is_dataclass(v) and not isinstance(v, type):
            return {f.name: self.value(getattr(v, f.name)) for f in dataclass_fields(v)}
        return v


def field_changes(old: Any, new: Any, path: tuple = ()) -> list[FieldChange]:
    """The leaves that differ: mappings key by key, lists of mappings item by item (an item
    added or removed at the end as a whole: `shareDistribution[2]: (none) -> {...}`),
    anything else as a whole (a list of strings reads best whole: `[m5, c5] -> [m5, c5, c6i]`)."""
    if old == new:
        return []
    if isinstance(old, dict) and isinstance(new, dict):
        out: list[FieldChange] = []
        for k in [*new, *(k for k in old if k not in new)]:
            out += field_changes(old.get(k, MISSING), new.get(k, MISSING), (*path, k))
        return out
    if (isinstance(old, list) and isinstance(new, list) and old and new
            and all(isinstance(x, dict) for x in old + new)):
        out = []
        for i in range(max(len(old), len(new))):
            out += field_changes(old[i] if i < len(old) else MISSING, new[i] if i < len(new) else MISSING,
                                 (*path, i))
        return out
    return [FieldChange(path, old, new)]


# Role dataclass fields -> the CloudFormation property of an iam.roles entry (for paths)
_ROLE_FIELDS = {
    "name": "RoleName", "path": "Path", "description": "Description", "max_session_duration": "MaxSessionDuration",
    "permissions_boundary": "PermissionsBoundary", "trust_policy": "AssumeRolePolicyDocument",
    "policy_arns": "ManagedPolicyArns", "inline_policies": "Policies", "tags": "Tags",
}


TAGGED = ("computeEnvironment", "schedulingPolicy", "jobQueue", "jobDefinition", "job")


def _role_form(role: Role, display: _Display, default_tags: dict) -> dict:
    form = {
        "RoleName": role.name, "Path": role.path or "/", "Description": role.description,
        "MaxSessionDuration": role.max_session_duration,
        "PermissionsBoundary": display.value(role.permissions_boundary),
        "AssumeRolePolicyDocument": display.value(role.assume_role_policy()),
        "ManagedPolicyArns": [p.path if not isinstance(p, (Ref, str)) else display.value(p)
                              for p in [*role.managed_policies, *role.policy_arns]],
        "Policies": [{"PolicyName": p.name, "PolicyDocument": display.value(p.document)} for p in role.inline_policies],
        "InstanceProfile": role.instance_profile,
        "Tags": {**default_tags, **role.tags},  # what the role carries: the spec's tags, then its own
    }
    return {k: v for k, v in form.items() if v not in (None, [], {})}


@dataclass(frozen=True)
class Settings:
    """What the setup as a whole is deployed with: where (region, account) and how Terraform
    runs it (the spec's `terraform:`). Not a resource; a change of it is reported beside them."""

    name: str
    region: str | None
    account: str | None
    terraform: Any


def _entries(model: Model, kind: Kind) -> dict[str, Any]:
    """name -> entry of `kind` in `model`."""
    if kind.key == "settings":
        return {"setup": Settings("setup", model.region, model.account, model.terraform)}
    if kind.key == "bucketNotification":
        return {b.bucket: b for b in model.buckets}
    entries = {
        "iamPolicy": model.policies, "iamRole": model.roles, "computeEnvironment": model.compute_environments,
        "schedulingPolicy": model.scheduling_policies, "jobQueue": model.job_queues,
        "jobDefinition": model.job_definitions, "snsTopic": [t for t in model.topics if t.arn is None],
        "schedule": model.schedules, "trigger": model.triggers, "notification": model.notifications,
        "job": model.jobs,
    }[kind.key]
    return {e.name: e for e in entries}


# Fields of the model's dataclasses that say where an entry is, not what it is.
_NOT_COMPARED = ("label", "pointer")


def _form(kind: Kind, entry: Any, display: _Display, default_tags: dict) -> Any:
    if isinstance(entry, Resource):
        form = display.value(entry.body)
        if kind.key == "computeEnvironment":  # its AWS name is reported beside (old_aws_name, new_aws_name)
            form.pop("computeEnvironmentName", None)
        if kind.key in TAGGED:  # what the resource carries: the spec's tags, then its own (SPEC.md)
            tags = {**default_tags, **(form.get("tags") or {})}
            form.pop("tags", None)
            if tags:
                form["tags"] = tags
        return form
    if isinstance(entry, Role):
        return _role_form(entry, display, default_tags)
    form = display.value(entry)
    for k in _NOT_COMPARED:
        form.pop(k, None)
    if kind.key == "notification":  # the topic is its own entry; here only which one
        form["topic"] = entry.topic.name
    return form


# --- pairing and classifying --------------------------------------------------------------


def _spec_pointers(spec: dict | None) -> dict[tuple[str, str], Pointer]:
    """(kind key, name) -> the pointer of the spec entry that defines it."""
    out: dict[tuple[str, str], Pointer] = {}
    if not isinstance(spec, dict):
        return out
    for kind in KINDS:
        if not kind.section:
            continue
        items = section_items(spec, kind.section)
        for i, entry in enumerate(items or []):
            if isinstance(entry, dict) and isinstance(entry.get(kind.spec_name), str):
                out.setdefault((kind.key, entry[kind.spec_name]), Pointer((*kind.section.split("."), i)))
    return out


def _generated_pointer(spec: dict | None) -> Pointer:
    """Where a resource batchgen generates (a default role, a topic) is decided: its names
    come from `project`."""
    return Pointer(("project",)) if isinstance(spec, dict) and "project" in spec else ROOT


def _classify(kind: Kind, old: Any, new: Any, change: Change) -> str:
    if kind.key == "computeEnvironment":
        if change.old_aws_name != change.new_aws_name:
            return REPLACE
    elif kind.key == "jobQueue":
        if is_fair_share(old.body) != is_fair_share(new.body):
            return REPLACE
    elif kind.key == "jobDefinition":
        if _evaluations(old) != _evaluations(new):  # hashicorp/aws: evaluate_on_exit is ForceNew (BG-208)
            return REPLACE
    elif kind.key == "iamRole":
        if (old.path or "/") != (new.path or "/"):
            return REPLACE
    elif kind.key == "iamPolicy":
        if (old.path or "/") != (new.path or "/"):
            return REPLACE
    elif kind.key == "schedule":
        if old.scheduler != new.scheduler:  # an EventBridge rule becomes a Scheduler schedule, or back
            return REPLACE
    if not change.fields:
        return UNCHANGED
    if kind.key == "computeEnvironment" and all(f.path == ("computeResources", "desiredvCpus") for f in change.fields):
        return UNCHANGED  # AWS Batch owns desiredvCpus once the environment exists (CE-013 says so)
    if kind.key == "jobDefinition" and any(f.path[:1] != ("tags",) for f in change.fields):
        return NEW_REVISION
    return UPDATE


def _evaluations(jd: Resource) -> int:
    retry = jd.body.get("retryStrategy")
    return len(retry.get("evaluateOnExit") or []) if isinstance(retry, dict) else 0


def diff_models(old: Model, new: Model, old_spec: dict | None = None, new_spec: dict | None = None,
                rules: Iterable[Callable] | None = None) -> Diff:
    """Every resource of `old` and `new`, paired by kind and name and classified; the rules
    of reasons.py add the reasons. `old_spec`/`new_spec` (the specs' data) let each change
    point at its entry."""

    old_display, new_display = _Display(old), _Display(new)
    old_ptrs, new_ptrs = _spec_pointers(old_spec), _spec_pointers(new_spec)
    same_paths = old_display.paths == new_display.paths
    same_tags = old.default_tags == new.default_tags
    changes: list[Change] = []
    for kind in KINDS:
        olds, news = _entries(old, kind), _entries(new, kind)
        names = [*news, *(n for n in olds if n not in news)]
        for name in names:
            o, n = olds.get(name), news.get(name)
            change = Change(kind, name, "", o, n)
            if kind.key == "computeEnvironment":
                change.old_aws_name = old_display.ce_names.get(name) if o else None
                change.new_aws_name = new_display.ce_names.get(name) if n else None
            if o is None:
                change.action = CREATE
            elif n is None:
                change.action = DELETE
            else:
                # Equal bodies are equal entries, unless a role they name moved to another path.
                same = kind.key in ("jobDefinition", "job") and same_tags and o.body == n.body and (
                    same_paths or _role_tokens(o, old_display) == _role_tokens(n, new_display))
                if not same:
                    change.fields = field_changes(_form(kind, o, old_display, old.default_tags),
                                                  _form(kind, n, new_display, new.default_tags))
                change.action = _classify(kind, o, n, change)
            ptrs, spec = (old_ptrs, old_spec) if change.action == DELETE else (new_ptrs, new_spec)
            found = ROOT if kind.key == "settings" else ptrs.get((kind.key, name))  # settings: top-level keys
            change.pointer, change.in_spec = (found, True) if found is not None else (_generated_pointer(spec), False)
            if kind.key == "settings" and change.action == UNCHANGED:
                continue  # not a resource: listed only when it changes
            changes.append(change)
    diff = Diff(changes, old, new)
    for rule in (rules if rules is not None else reasons.ALL_DIFF_RULES):
        rule.run(diff)
    return diff


def _role_tokens(entry: Resource, display: _Display) -> list[str]:
    """The role references of a job definition or job, as AWS sees them (name and path)."""
    return [display.ref(r) for r in refs_in(entry.body) if r.kind in (RefKind.ROLE, RefKind.INSTANCE_PROFILE)]


__all__ = ["ACTIONS", "CREATE", "DELETE", "Change", "Diff", "FieldChange", "KIND", "KINDS", "Kind", "MISSING",
           "NEW_REVISION", "REPLACE", "Reason", "Settings", "UNCHANGED", "UPDATE", "diff_models", "entry_pointer",
           "field_changes"]
