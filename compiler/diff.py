"""What applying NEW over OLD does to deployed resources: two resolved Models in, one Change
per resource out, with the fields that changed and the reasons (catalog IDs, from the rules
of compiler/diff_rules.py).

Actions: `create`, `update` (in place), `new-revision` (a job definition), `replace` (a new
resource takes the old one's place), `delete`, `unchanged`. What is in place and what
replaces is compiler/replacement.py's. Works on resolved models, never on HCL or JSON text,
so reformatting a spec changes nothing. Knows no files, no YAML and no output format: the
caller (compiler/diff_run.py) locates each reason's pointer in the spec it came from.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields as dataclass_fields, is_dataclass
from typing import Any, Callable, Iterable

from .language import SECTIONS, section_items
from .problems import ROOT, Pointer, Severity
from .replacement import aws_names, is_fair_share
from .resolve import Model, Ref, Resource, Role

CREATE, UPDATE, NEW_REVISION, REPLACE, DELETE, UNCHANGED = (
    "create", "update", "new-revision", "replace", "delete", "unchanged")
ACTIONS = (CREATE, UPDATE, NEW_REVISION, REPLACE, DELETE, UNCHANGED)


class _Missing:
    """A field one side doesn't have."""

    def __repr__(self) -> str:
        return "(none)"


MISSING = _Missing()


@dataclass(frozen=True)
class Kind:
    key: str  # JSON `kind`
    noun: str  # for people
    section: str | None  # where its entries are in the spec (None: batchgen writes it, e.g. a generated role)
    spec_name: str | None = None  # the name field of a spec entry


KINDS: tuple[Kind, ...] = (
    Kind("iamPolicy", "IAM managed policy", "iam.policies", "ManagedPolicyName"),
    Kind("iamRole", "IAM role", "iam.roles", "RoleName"),
    Kind("computeEnvironment", "compute environment", "computeEnvironments", "computeEnvironmentName"),
    Kind("schedulingPolicy", "scheduling policy", "schedulingPolicies", "name"),
    Kind("jobQueue", "job queue", "jobQueues", "jobQueueName"),
    Kind("jobDefinition", "job definition", "jobDefinitions", "jobDefinitionName"),
    Kind("snsTopic", "SNS topic", None),
    Kind("schedule", "schedule", "schedules", "name"),
    Kind("notification", "notification", "notifications", "name"),
    Kind("job", "job template", "jobs", "jobName"),
)
KIND = {k.key: k for k in KINDS}


@dataclass(frozen=True)
class FieldChange:
    path: tuple  # keys and indices inside the entry, with the spec's field names
    old: Any  # MISSING when only NEW has it
    new: Any  # MISSING when only OLD has it

    @property
    def dotted(self) -> str:
        return Pointer(self.path).dotted() or "(whole entry)"


@dataclass(frozen=True)
class Reason:
    code: str
    severity: Severity
    message: str
    pointer: Pointer  # into NEW, or into OLD when `side` is "old" (a deleted entry)
    side: str = "new"


@dataclass
class Change:
    kind: Kind
    name: str
    action: str
    old: Any = None  # the resolved entry (Resource, Role, Schedule, ...) in OLD, or None
    new: Any = None
    fields: list[FieldChange] = field(default_factory=list)
    reasons: list[Reason] = field(default_factory=list)
    old_aws_name: str | None = None  # compute environments: name + replacement key
    new_aws_name: str | None = None
    pointer: Pointer = ROOT  # the entry in NEW (or in OLD, when deleted)
    in_spec: bool = True  # False: batchgen generates it (a default role); `pointer` is what decides it

    @property
    def side(self) -> str:
        return "old" if self.action == DELETE else "new"


@dataclass
class Diff:
    changes: list[Change]
    old: Model
    new: Model

    def counts(self) -> dict[str, int]:
        out = {a: 0 for a in ACTIONS}
        for c in self.changes:
            out[c.action] += 1
        return out

    @property
    def reasons(self) -> list[Reason]:
        return [r for c in self.changes for r in c.reasons]

    @property
    def errors(self) -> list[Reason]:
        return [r for r in self.reasons if r.severity is Severity.ERROR]


# --- comparable forms ---------------------------------------------------------------------


class _Display:
    """Values as they are compared and shown: a reference by the name AWS knows (a compute
    environment by its AWS name, a role or instance profile with its path), so a change
    of what a reference resolves to is a change of the entry that holds it."""

    def __init__(self, model: Model):
        self.ce_names = aws_names(model)
        self.paths = {r.name: r.path or "/" for r in model.roles}

    def ref(self, ref: Ref) -> str:
        if ref.kind == "computeEnvironments":
            return self.ce_names.get(ref.name, ref.name)
        if ref.kind in ("role", "instance_profile"):
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


def _entries(model: Model, kind: Kind) -> list:
    return {
        "iamPolicy": model.policies, "iamRole": model.roles, "computeEnvironment": model.compute_environments,
        "schedulingPolicy": model.scheduling_policies, "jobQueue": model.job_queues,
        "jobDefinition": model.job_definitions, "snsTopic": [t for t in model.topics if t.arn is None],
        "schedule": model.schedules, "notification": model.notifications, "job": model.jobs,
    }[kind.key]


def _form(kind: Kind, entry: Any, display: _Display, default_tags: dict) -> Any:
    if isinstance(entry, Resource):
        form = display.value(entry.body)
        if kind.key in TAGGED:  # what the resource carries: the spec's tags, then its own (SPEC.md)
            tags = {**default_tags, **(form.get("tags") or {})}
            form.pop("tags", None)
            if tags:
                form["tags"] = tags
        return form
    if isinstance(entry, Role):
        return _role_form(entry, display, default_tags)
    form = display.value(entry)
    for k in ("label",):
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
    of compiler/diff_rules.py add the reasons. `old_spec`/`new_spec` (the specs' data) let
    each change point at its entry."""
    from . import diff_rules

    old_display, new_display = _Display(old), _Display(new)
    old_ptrs, new_ptrs = _spec_pointers(old_spec), _spec_pointers(new_spec)
    same_paths = old_display.paths == new_display.paths
    same_tags = old.default_tags == new.default_tags
    changes: list[Change] = []
    for kind in KINDS:
        olds = {e.name: e for e in _entries(old, kind)}
        news = {e.name: e for e in _entries(new, kind)}
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
            found = ptrs.get((kind.key, name))
            change.pointer, change.in_spec = (found, True) if found is not None else (_generated_pointer(spec), False)
            changes.append(change)
    diff = Diff(changes, old, new)
    for rule in (rules if rules is not None else diff_rules.ALL_DIFF_RULES):
        rule.run(diff)
    return diff


def _role_tokens(entry: Resource, display: _Display) -> list[str]:
    """The role references of a job definition or job, as AWS sees them (name and path)."""
    return [display.ref(r) for r in _refs_in(entry.body) if r.kind in ("role", "instance_profile")]


def _refs_in(node: Any) -> Iterable[Ref]:
    if isinstance(node, Ref):
        yield node
    elif isinstance(node, dict):
        for v in node.values():
            yield from _refs_in(v)
    elif isinstance(node, list):
        for v in node:
            yield from _refs_in(v)


def entry_pointer(change: Change, path: tuple = ()) -> Pointer:
    """A pointer to `path` inside the change's entry (in NEW, or OLD if deleted); the entry's
    deciding place for a resource batchgen generates."""
    return Pointer((*change.pointer, *path)) if change.in_spec else change.pointer


__all__ = ["ACTIONS", "CREATE", "DELETE", "Change", "Diff", "FieldChange", "KIND", "KINDS", "MISSING",
           "NEW_REVISION", "REPLACE", "Reason", "UNCHANGED", "UPDATE", "diff_models", "entry_pointer",
           "field_changes", "SECTIONS"]
