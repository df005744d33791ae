"""What the diff says about one resource: its kind, its action, the fields that changed and
the reasons (catalog IDs). The data `batchgen diff` makes (compiler/diff/) and the CLI update
path reads (emit/cli/update.py), so the emitters need nothing of the diff's own stages; no
logic beyond a pointer's place."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .language import SECTION
from .model import Model
from .problems import ROOT, Pointer, Severity

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

    @property
    def spec_name(self) -> str | None:
        """The name field of a spec entry (the section table's)."""
        return SECTION[self.section].name_field if self.section else None


def _kind(key: str, section: str | None, noun: str | None = None) -> Kind:
    return Kind(key, noun or SECTION[section].noun, section)


# In the order the changes are listed (and update.sh goes): what others use first.
KINDS: tuple[Kind, ...] = (
    _kind("settings", None, "setup settings"),  # region, account, Terraform settings: the setup as a whole
    _kind("iamPolicy", "iam.policies"),
    _kind("iamRole", "iam.roles"),
    _kind("computeEnvironment", "computeEnvironments"),
    _kind("schedulingPolicy", "schedulingPolicies"),
    _kind("jobQueue", "jobQueues"),
    _kind("jobDefinition", "jobDefinitions"),
    _kind("snsTopic", None, "SNS topic"),
    _kind("schedule", "schedules"),
    _kind("trigger", "triggers"),
    _kind("bucketNotification", None, "S3 -> EventBridge delivery of bucket"),
    _kind("notification", "notifications"),
    _kind("job", "jobs", "job template"),
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
        """How many resources each action changes (the setup's settings are no resource)."""
        out = {a: 0 for a in ACTIONS}
        for c in self.changes:
            if c.kind.key != "settings":
                out[c.action] += 1
        return out

    @property
    def reasons(self) -> list[Reason]:
        return [r for c in self.changes for r in c.reasons]

    @property
    def errors(self) -> list[Reason]:
        return [r for r in self.reasons if r.severity is Severity.ERROR]


def entry_pointer(change: Change, path: tuple = ()) -> Pointer:
    """A pointer to `path` inside the change's entry (in NEW, or OLD if deleted); the entry's
    deciding place for a resource batchgen generates."""
    return Pointer((*change.pointer, *path)) if change.in_spec else change.pointer
