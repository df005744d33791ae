"""The catalog's `upd` rows, checked on two specs: each rule looks at one classified Change
(compiler/diff/__init__.py) and says why it is what it is, or what it puts at risk. Like the
spec rules (compiler/validate/rules/), a rule says *where* (a path inside the entry) and
*what* (the values its catalog message needs); wording and severity come from the catalog.
The IDs live in the catalog files of their topics (CE-* in compute_environments.yaml, ...);
batchgen's own day-two codes, which only this module reports, in day_two.yaml.

Rules are listed explicitly in ALL_DIFF_RULES (no discovery by reflection); DIFF_RULE_IDS,
derived from it, is the documented list of the codes batchgen diff checks (tools/coverage.py
and docs/rules.md read it; tests/test_rule_registry.py checks it against the catalog).
"""
from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator

from ..catalog import load_catalog
from ..model import Model, Ref, Resource
from ..problems import Severity
from ..replacement import (
    FARGATE_TYPES, INFRASTRUCTURE_FIELDS, MANAGED_INSTANCES, UPDATABLE_STRATEGIES, changed_key_parts,
    is_fair_share, policy_type, uses_service_linked_role,
)
from ..changes import DELETE, MISSING, NEW_REVISION, REPLACE, UNCHANGED, UPDATE, Change, Diff, Reason, entry_pointer


@dataclass(frozen=True)
class DiffFinding:
    path: tuple  # inside the entry (the spec's field names)
    values: dict[str, Any] = field(default_factory=dict)
    code: str | None = None
    variant: str | None = None


@dataclass(frozen=True)
class DiffRule:
    ids: tuple[str, ...]
    kinds: tuple[str, ...]
    check: Callable[[Change, Diff], Iterable[DiffFinding]]

    @property
    def name(self) -> str:
        return self.check.__name__

    @property
    def doc(self) -> str:
        return (self.check.__doc__ or "").strip()

    def run(self, diff: Diff) -> None:
        catalog = load_catalog()
        for change in diff.changes:
            if change.kind.key not in self.kinds:
                continue
            try:
                found = list(self.check(change, diff))
            except Exception as exc:  # a crashing rule is a reason, not a traceback
                tb = traceback.extract_tb(exc.__traceback__)[-1]
                found = [DiffFinding((), {"rule": f"{self.ids[0]} ({self.name})",
                                          "detail": f"{type(exc).__name__}: {exc} at "
                                                    f"{tb.filename.rsplit('/', 1)[-1]}:{tb.lineno}"}, "BG-013")]
            for f in found:
                c = catalog[f.code or self.ids[0]].variant(f.variant)
                message, fix = c.render(f.values)
                change.reasons.append(Reason(c.id, c.severity, f"{message}; {fix}" if fix else message,
                                             entry_pointer(change, f.path), change.side))


def diff_rule(*ids: str, kinds: tuple[str, ...]):
    def wrap(fn: Callable[[Change, Diff], Iterable[DiffFinding]]) -> DiffRule:
        return DiffRule(tuple(ids), kinds, fn)
    return wrap


# --- helpers -----------------------------------------------------------------------------------


def _cr(resource: Resource | None) -> dict:
    cr = resource.body.get("computeResources") if resource is not None else None
    return cr if isinstance(cr, dict) else {}


def _show(value: Any) -> str:
    if value is MISSING or value is None:
        return "(none)"
    if isinstance(value, Ref):
        return value.name
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    return str(value)


def _fields(paths: Iterable[tuple]) -> str:
    names = []
    for p in paths:
        text = ".".join(str(x) for x in p if not isinstance(x, int))
        if text not in names:
            names.append(text)
    return ", ".join(names)


def _queues_using(model: Model, ce_name: str) -> list[str]:
    out = []
    for q in model.job_queues:
        for entry in q.body.get("computeEnvironmentOrder") or []:
            ref = entry.get("computeEnvironment") if isinstance(entry, dict) else None
            if isinstance(ref, Ref) and ref.name == ce_name and q.name not in out:
                out.append(q.name)
    return out


def _infrastructure_changes(change: Change) -> list[tuple]:
    return [f.path for f in change.fields
            if len(f.path) >= 2 and f.path[0] == "computeResources" and f.path[1] in INFRASTRUCTURE_FIELDS]


def _names(change: Change) -> dict[str, str]:
    return {"name": change.name, "old_name": change.old_aws_name or change.name,
            "new_name": change.new_aws_name or change.name}


def _role_kind(body: dict) -> str:
    if uses_service_linked_role(body):
        return "the service-linked role"
    role = body.get("serviceRole")
    return f"role {role.name}" if isinstance(role, Ref) else f"role {role}"


CE = ("computeEnvironment",)


# --- compute environments ---------------------------------------------------------------------


@diff_rule("XR-017", "CE-009", "CE-023", "CE-046", "CE-060", kinds=CE)
def why_the_environment_is_replaced(change: Change, diff: Diff) -> Iterator[DiffFinding]:
    """A replaced compute environment: which of its changes AWS (or hashicorp/aws) can only
    make on a new environment (compiler/replacement.py's key parts)."""
    if change.action != REPLACE:
        return
    old, new = change.old.body, change.new.body
    ocr, ncr = _cr(change.old), _cr(change.new)
    parts = set(changed_key_parts(old, new, diff.old, diff.new))
    names = _names(change)
    if "serviceLinkedRole" in parts:
        yield DiffFinding(("serviceRole",), {**names, "old": _role_kind(old), "new": _role_kind(new)},
                          "CE-009", "role")
    old_strategy = ocr.get("allocationStrategy", "BEST_FIT")
    new_strategy = ncr.get("allocationStrategy", "BEST_FIT")
    on_ec2 = all(cr.get("type") in ("EC2", "SPOT") for cr in (ocr, ncr))  # a strategy is an EC2 matter
    if on_ec2 and (old_strategy in UPDATABLE_STRATEGIES) != (new_strategy in UPDATABLE_STRATEGIES):
        yield DiffFinding(("computeResources", "allocationStrategy"),
                          {**names, "old": old_strategy, "new": new_strategy}, "CE-023", "strategy")
    infrastructure: list[tuple] = []
    if "infrastructure" in parts and "infrastructureUpdates" not in parts and "serviceLinkedRole" not in parts:
        infrastructure = _infrastructure_changes(change)
        values = {**names, "fields": _fields(infrastructure)}
        if not infrastructure:
            pass
        elif ncr.get("type") in FARGATE_TYPES:  # no infrastructure updates on Fargate at all
            parts.add("fargate")
        elif not uses_service_linked_role(new):
            yield DiffFinding(infrastructure[0], values, "CE-009", "infrastructure")
        else:
            yield DiffFinding(infrastructure[0], {**values, "strategy": new_strategy}, "CE-023", "infrastructure")
    if "launchTemplate" in parts:
        yield DiffFinding(("computeResources", "launchTemplate"),
                          {**names, "added": "adds" if "launchTemplate" in ncr else "removes"}, "CE-046", "presence")
    if "family" in parts and MANAGED_INSTANCES in (ocr.get("type"), ncr.get("type")):
        yield DiffFinding(("computeResources", "type"),
                          {**names, "old": ocr.get("type"), "new": ncr.get("type")}, "CE-060", "replaced")
        parts.discard("family")
    others = []
    for part, path in (("type", ("type",)), ("eksConfiguration", ("eksConfiguration",)),
                       ("family", ("computeResources", "type")),
                       ("spotIamFleetRole", ("computeResources", "spotIamFleetRole")),
                       ("placementGroup", ("computeResources", "placementGroup")),
                       ("ec2Configuration", ("computeResources", "ec2Configuration"))):
        if part in parts:
            others.append(path)
    if "fargate" in parts:
        others += [p for p in infrastructure if p not in others]
    if others:
        yield DiffFinding(others[0], {**names, "fields": _fields(others)}, "XR-017")


@diff_rule("BG-206", kinds=CE)
def replacement_takes_over_the_queues(change: Change, diff: Diff) -> Iterator[DiffFinding]:
    """A replaced compute environment: the new one's name, and the queues that move to it."""
    if change.action != REPLACE:
        return
    queues = _queues_using(diff.new, change.name)
    moving = f"job queue{'s' if len(queues) > 1 else ''} {', '.join(queues)} move{'' if len(queues) > 1 else 's'} " \
             "to it, " if queues else ""
    yield DiffFinding(("computeEnvironmentName",), {**_names(change), "queues": moving})


@diff_rule("CE-032", "CE-046", kinds=CE)
def infrastructure_update_in_place(change: Change, diff: Diff) -> Iterator[DiffFinding]:
    """An environment updated in place where the change is an infrastructure update (its
    instances are replaced), and a changed launch template."""
    if change.action != UPDATE or _cr(change.new).get("type") in FARGATE_TYPES:
        return
    changed = _infrastructure_changes(change)
    if not changed:
        return
    policy = change.new.body.get("updatePolicy") or {}
    timeout = policy.get("jobExecutionTimeoutMinutes", 30)
    jobs = ("are terminated (updatePolicy.terminateJobsOnUpdate)" if policy.get("terminateJobsOnUpdate")
            else f"get up to {timeout} minutes to finish (updatePolicy.jobExecutionTimeoutMinutes)")
    yield DiffFinding(changed[0], {"name": change.name, "fields": _fields(changed), "jobs": jobs}, "CE-032")
    if any(p[:2] == ("computeResources", "launchTemplate") for p in changed):
        old_lt, new_lt = _cr(change.old).get("launchTemplate"), _cr(change.new).get("launchTemplate")
        yield DiffFinding(("computeResources", "launchTemplate"),
                          {"name": change.name, "old": _template(old_lt), "new": _template(new_lt)}, "CE-046", "changed")


def _template(lt: Any) -> str:
    if not isinstance(lt, dict):
        return "(none)"
    name = lt.get("launchTemplateName") or lt.get("launchTemplateId")
    return f"{name} version {lt.get('version', '$Default')}"


@diff_rule("CE-013", kinds=CE)
def desired_vcpus_is_not_applied(change: Change, diff: Diff) -> Iterator[DiffFinding]:
    """desiredvCpus changed on an existing environment: it does nothing (AWS Batch owns it)."""
    if change.action not in (UPDATE, UNCHANGED) or change.old is None:
        return
    old, new = _cr(change.old).get("desiredvCpus", MISSING), _cr(change.new).get("desiredvCpus", MISSING)
    if old != new:
        yield DiffFinding(("computeResources", "desiredvCpus"), {"name": change.name, "old": _show(old),
                                                                  "new": _show(new)})


@diff_rule("BG-203", kinds=CE)
def max_vcpus_goes_down(change: Change, diff: Diff) -> Iterator[DiffFinding]:
    """maxvCpus lowered on an environment updated in place."""
    if change.action != UPDATE:
        return
    old, new = _cr(change.old).get("maxvCpus"), _cr(change.new).get("maxvCpus")
    if isinstance(old, int) and isinstance(new, int) and new < old:
        yield DiffFinding(("computeResources", "maxvCpus"), {"name": change.name, "old": old, "new": new})


@diff_rule("BG-204", kinds=CE)
def environment_is_deleted(change: Change, diff: Diff) -> Iterator[DiffFinding]:
    """A compute environment the new spec doesn't have: its queues first, then the delete."""
    if change.action != DELETE:
        return
    queues = _queues_using(diff.old, change.name)
    kept = [q for q in queues if any(n.name == q for n in diff.new.job_queues)]
    gone = [q for q in queues if q not in kept]
    text = ""
    if kept:
        text += f"job queue{'s' if len(kept) > 1 else ''} {', '.join(kept)} {'are' if len(kept) > 1 else 'is'} " \
                "updated to leave it, "
    if gone:
        text += f"job queue{'s' if len(gone) > 1 else ''} {', '.join(gone)} {'are' if len(gone) > 1 else 'is'} " \
                "deleted first, "
    yield DiffFinding((), {**_names(change), "queues": text})


@diff_rule("CE-038", kinds=CE)
def fargate_environment_goes_away(change: Change, diff: Diff) -> Iterator[DiffFinding]:
    """A Fargate environment deleted or replaced: active jobs would leave it INVALID."""
    if change.action in (DELETE, REPLACE) and _cr(change.old).get("type") in FARGATE_TYPES:
        yield DiffFinding((), {"name": change.name, "what": "deleted" if change.action == DELETE else "replaced"})


# --- job queues ------------------------------------------------------------------------------


@diff_rule("JQ-014", kinds=("jobQueue",))
def queue_switches_fifo_and_fair_share(change: Change, diff: Diff) -> Iterator[DiffFinding]:
    """A queue that gains or loses its scheduling policy is replaced."""
    if change.action != REPLACE:
        return
    old, new = change.old.body.get("schedulingPolicyArn"), change.new.body.get("schedulingPolicyArn")
    if is_fair_share(change.new.body):
        yield DiffFinding(("schedulingPolicyArn",), {"name": change.name, "new": _show(new)}, variant="added")
    else:
        yield DiffFinding((), {"name": change.name, "old": _show(old)}, variant="removed")


@diff_rule("JQ-019", kinds=("jobQueue",))
def queue_is_deleted(change: Change, diff: Diff) -> Iterator[DiffFinding]:
    """A queue deleted, or replaced: it is disabled and deleted, and its jobs are terminated."""
    if change.action in (DELETE, REPLACE):
        yield DiffFinding((), {"name": change.name, "what": "deleted" if change.action == DELETE else "replaced"})


# --- scheduling policies ---------------------------------------------------------------------------


@diff_rule("SP-002", kinds=("schedulingPolicy",))
def policy_type_is_fixed(change: Change, diff: Diff) -> Iterator[DiffFinding]:
    """A scheduling policy's type (fair-share or quota-share) can't be removed or switched."""
    if change.action != UPDATE:
        return
    old, new = policy_type(change.old.body), policy_type(change.new.body)
    if old is not None and old != new:
        detail = f"removes its {old}" if new is None else f"switches from {old} to {new}"
        yield DiffFinding((new,) if new else (), {"name": change.name, "detail": detail}, variant="changed")


@diff_rule("SP-010", kinds=("schedulingPolicy",))
def policy_in_use_is_deleted(change: Change, diff: Diff) -> Iterator[DiffFinding]:
    """A scheduling policy deleted that old queues used: deleted after they leave it."""
    if change.action != DELETE:
        return
    queues = [q.name for q in diff.old.job_queues
              if isinstance(q.body.get("schedulingPolicyArn"), Ref) and q.body["schedulingPolicyArn"].name == change.name]
    if queues:
        gone = all(not any(n.name == q for n in diff.new.job_queues) for q in queues)
        yield DiffFinding((), {"name": change.name, "s": "s" if len(queues) > 1 else "", "queues": ", ".join(queues),
                               "verb": ("are deleted or moved" if len(queues) > 1 else "is deleted or moved")
                               if gone else ("move" if len(queues) > 1 else "moves")})


# --- job definitions ------------------------------------------------------------------------------


@diff_rule("BG-202", kinds=("jobDefinition",))
def job_definition_gets_a_new_revision(change: Change, diff: Diff) -> Iterator[DiffFinding]:
    """A changed job definition: a new revision, the old ones stay ACTIVE."""
    if change.action == NEW_REVISION:
        changed = [f.path for f in change.fields if f.path[:1] != ("tags",)]
        yield DiffFinding(changed[0] if changed else (), {"name": change.name, "fields": _fields(changed)})


@diff_rule("BG-208", kinds=("jobDefinition",))
def job_definition_is_replaced(change: Change, diff: Diff) -> Iterator[DiffFinding]:
    """hashicorp/aws replaces a job definition whose evaluateOnExit list changes length."""
    if change.action == REPLACE:
        yield DiffFinding(("retryStrategy", "evaluateOnExit"), {"name": change.name,
                                                                "old": _evaluations(change.old),
                                                                "new": _evaluations(change.new)})


def _evaluations(jd: Resource) -> int:
    retry = jd.body.get("retryStrategy")
    return len(retry.get("evaluateOnExit") or []) if isinstance(retry, dict) else 0


@diff_rule("BG-207", kinds=("jobDefinition",))
def job_definition_is_deregistered(change: Change, diff: Diff) -> Iterator[DiffFinding]:
    """A job definition the new spec doesn't have: every revision is deregistered."""
    if change.action == DELETE:
        yield DiffFinding((), {"name": change.name})


# --- IAM -----------------------------------------------------------------------------------------------


# --- the setup as a whole -------------------------------------------------------------------------


def _backend(settings: Any) -> str:
    backend = settings.terraform.backend
    return "local state" if backend is None else f"{backend[0]} {_show_settings(backend[1])}"


def _show_settings(config: dict) -> str:
    return "(" + ", ".join(f"{k}={v}" for k, v in config.items()) + ")"


def _placement(settings: Any) -> str:
    region = settings.region or "the Region of the caller's configuration"
    account = f"account {settings.account}" if settings.account else "the caller's account"
    return f"{account}, {region}"


@diff_rule("BG-209", kinds=("settings",))
def setup_moves(change: Change, diff: Diff) -> Iterator[DiffFinding]:
    """The setup's region or account changes, or its Terraform backend: nothing deployed moves
    with it."""
    if change.action != UPDATE:
        return
    old, new = change.old, change.new
    if (old.region, old.account) != (new.region, new.account):
        path = ("region",) if old.region != new.region else ("account",)
        yield DiffFinding(path, {"old": _placement(old), "new": _placement(new)}, variant="placement")
    if old.terraform.backend != new.terraform.backend:
        yield DiffFinding(("terraform", "backend"), {"old": _backend(old), "new": _backend(new)}, variant="backend")


@diff_rule("BG-205", kinds=("iamRole",))
def role_path_changes(change: Change, diff: Diff) -> Iterator[DiffFinding]:
    """A role's Path changes under the same name: IAM can't hold both."""
    if change.action == REPLACE:
        yield DiffFinding(("Path",), {"name": change.name, "old": change.old.path or "/",
                                      "new": change.new.path or "/"})


ALL_DIFF_RULES: tuple[DiffRule, ...] = (
    why_the_environment_is_replaced,
    replacement_takes_over_the_queues,
    infrastructure_update_in_place,
    desired_vcpus_is_not_applied,
    max_vcpus_goes_down,
    environment_is_deleted,
    fargate_environment_goes_away,
    queue_switches_fifo_and_fair_share,
    queue_is_deleted,
    policy_type_is_fixed,
    policy_in_use_is_deleted,
    job_definition_gets_a_new_revision,
    job_definition_is_deregistered,
    job_definition_is_replaced,
    role_path_changes,
    setup_moves,
)

# Every catalog ID a diff rule reports (tools/coverage.py, docs/rules.md).
DIFF_RULE_IDS: dict[str, list[str]] = {}
for _rule in ALL_DIFF_RULES:
    for _id in _rule.ids:
        DIFF_RULE_IDS.setdefault(_id, []).append(_rule.name)

__all__ = ["ALL_DIFF_RULES", "DIFF_RULE_IDS", "DiffFinding", "DiffRule", "Severity"]
