"""IAM policy documents: grammar, action and ARN syntax, least-privilege advice; not how IAM evaluates them.

The documents are the ones the spec writes (the trust and inline policies of iam.roles, the
iam.policies); `Access:` entries are expanded by compiler/access.py, and only their shape is
checked here (BG-116). Sizes are measured on the model, after resolve (sizes).
"""
from __future__ import annotations

import fnmatch
import re
from typing import Iterator

from ... import access, iam_actions
from ...catalog import Constraint
from ...language import jobs_by_name
from ...patterns import ecma
from ...problems import Pointer
from ..context import Context, rule
from ..schema import did_you_mean
from ..shapes import actions, as_list, items, statements


_TRUST, _IDENTITY = "trust", "identity"


def _documents(ctx: Context) -> Iterator[tuple[Pointer, dict, str]]:
    """(pointer, document, kind) of every policy document written in the spec: trust or identity."""
    for ptr, role in ctx.entries("iam.roles"):
        if isinstance(role.get("AssumeRolePolicyDocument"), dict):
            yield ptr / "AssumeRolePolicyDocument", role["AssumeRolePolicyDocument"], _TRUST
        for j, policy in enumerate(role.get("Policies") or []):
            if isinstance(policy.get("PolicyDocument"), dict):
                yield ptr / "Policies" / j / "PolicyDocument", policy["PolicyDocument"], _IDENTITY
    for ptr, policy in ctx.entries("iam.policies"):
        if isinstance(policy.get("PolicyDocument"), dict):
            yield ptr / "PolicyDocument", policy["PolicyDocument"], _IDENTITY


def _policy_entries(ctx: Context) -> Iterator[tuple[Pointer, dict, str]]:
    """(pointer, entry, its name key) of every managed and inline policy."""
    for ptr, policy in ctx.entries("iam.policies"):
        yield ptr, policy, "ManagedPolicyName"
    for ptr, role in ctx.entries("iam.roles"):
        for j, policy in enumerate(role.get("Policies") or []):
            yield ptr / "Policies" / j, policy, "PolicyName"


@rule("BG-101")
def policy_follows_the_grammar(ctx: Context, c: Constraint):
    """Statements have exactly one of Action/NotAction, Resource/NotResource (identity) or a Principal (trust), known condition operators, unique Sids, and a Version."""
    operators = set(c.limits["condition_operators"])
    for doc_ptr, doc, kind in _documents(ctx):
        if "Version" not in doc:
            yield c.at(doc_ptr, at_key=True, variant="version", where=doc_ptr.dotted())
        sids: dict[str, Pointer] = {}
        for st_ptr, st in statements(doc_ptr, doc):
            where = st_ptr.dotted()
            pairs = [("Action", "NotAction", True)]
            pairs.append(("Resource", "NotResource", kind == _IDENTITY))
            pairs.append(("Principal", "NotPrincipal", kind == _TRUST))
            for a, b, needed in pairs:
                if a in st and b in st:
                    yield c.at(st_ptr / b, at_key=True, where=where, detail=f"has both {a} and {b}; give one")
                elif needed and a not in st and b not in st:
                    yield c.at(st_ptr, at_key=True, where=where, detail=f"has neither {a} nor {b}")
                elif not needed:
                    for key in (a, b):
                        if key in st:
                            use = ("a trust policy (AssumeRolePolicyDocument) names no resources" if kind == _TRUST
                                   else "a policy attached to a role or user has no principal (its principal is whoever it is attached to)")
                            yield c.at(st_ptr / key, at_key=True, where=where, detail=f"has {key}, but {use}")
            sid = st.get("Sid")
            if isinstance(sid, str) and sid:
                if sid in sids:
                    yield c.at(st_ptr / "Sid", where=where,
                               detail=f"repeats Sid '{sid}' (first at {sids[sid].dotted()}); Sids are unique in a policy")
                else:
                    sids[sid] = st_ptr
            cond = st.get("Condition")
            if isinstance(cond, dict):
                for op in cond:
                    base = re.sub(r"^(ForAllValues:|ForAnyValue:)", "", op)
                    base = re.sub(r"IfExists$", "", base) if base != "Null" else base
                    if base not in operators and base != "Null":
                        yield c.at(st_ptr / "Condition" / op, at_key=True, where=where,
                                   detail=f"uses the unknown condition operator '{op}'"
                                          f"{did_you_mean(base, sorted(operators))}")
    for ptr, entry, what in _policy_entries(ctx):
        if "PolicyDocument" not in entry and "Access" not in entry:
            yield c.at(ptr / what, variant="source", where=ptr.dotted())


@rule("BG-102")
def actions_are_service_actions(ctx: Context, c: Constraint):
    """Action and NotAction values are "*" or service:Action, and batch: ones name AWS Batch actions."""
    lim = c.limits
    pattern = ecma(lim["pattern"])
    batch = [f"batch:{a}" for a in lim["batch_actions"]]
    for doc_ptr, doc, _ in _documents(ctx):
        for st_ptr, st in statements(doc_ptr, doc):
            for key in ("Action", "NotAction"):
                if key not in st:
                    continue
                for ptr, action in items(st[key], st_ptr / key):
                    if not isinstance(action, str) or action == "*":
                        continue
                    if not pattern.match(action):
                        yield c.at(ptr, found=action, where=ptr.dotted(),
                                   detail="an action is service:Action (e.g. batch:SubmitJob), with * and ? as wildcards")
                    elif action.lower().startswith("batch:") and not any(
                            fnmatch.fnmatchcase(b.lower(), action.lower()) for b in batch):
                        yield c.at(ptr, found=action, where=ptr.dotted(),
                                   detail="AWS Batch has no such action" + did_you_mean(action, batch))


def _arn_values(ctx: Context) -> Iterator[tuple[Pointer, str, str]]:
    """(pointer, value, kind) of ARNs the spec writes in IAM places; kind: resource, policy, queue, definition, role, topic."""
    for doc_ptr, doc, kind in _documents(ctx):
        if kind != _IDENTITY:
            continue
        for st_ptr, st in statements(doc_ptr, doc):
            for key in ("Resource", "NotResource"):
                for ptr, v in items(st.get(key, []), st_ptr / key):
                    if isinstance(v, str) and v != "*":
                        yield ptr, v, "resource"
    for ptr, role in ctx.entries("iam.roles"):
        for i, v in enumerate(role.get("ManagedPolicyArns") or []):
            if isinstance(v, str) and v.startswith("arn:"):
                yield ptr / "ManagedPolicyArns" / i, v, "policy"
        v = role.get("PermissionsBoundary")
        if isinstance(v, str) and v.startswith("arn:"):
            yield ptr / "PermissionsBoundary", v, "policy"
    for ptr, entry, _ in _policy_entries(ctx):
        for j, item in enumerate(entry.get("Access") or []):
            if not isinstance(item, dict):
                continue
            for intent, field, kind in (("submit", "jobQueues", "queue"), ("submit", "jobDefinitions", "definition"),
                                        ("register", "passRoles", "role")):
                values = (item.get(intent) or {}).get(field) if isinstance(item.get(intent), dict) else None
                for k, v in enumerate(values or []):
                    if isinstance(v, str) and v.startswith("arn:"):
                        yield ptr / "Access" / j / intent / field / k, v, kind
    for ptr, s in [*ctx.entries("schedules"), *ctx.entries("triggers")]:
        if isinstance(s.get("roleArn"), str) and s["roleArn"].startswith("arn:"):
            yield ptr / "roleArn", s["roleArn"], "role"
    for ptr, n in ctx.entries("notifications"):
        for k, v in enumerate(n.get("jobQueues") or []):
            if isinstance(v, str) and v.startswith("arn:"):
                yield ptr / "jobQueues" / k, v, "queue"
        if isinstance(n.get("topic"), str) and n["topic"].startswith("arn:"):
            yield ptr / "topic", n["topic"], "topic"


_ACCOUNT = r"[0-9]{12}"
_EXACT = {
    # kind: (regex, what it should look like); no wildcard but a job definition's revision
    "queue": (rf"^arn:aws[a-z-]*:batch:[a-z0-9-]+:{_ACCOUNT}:job-queue/[A-Za-z0-9_-]{{1,128}}\Z",
              "a job queue ARN is arn:aws:batch:<region>:<account>:job-queue/<name>, without wildcards"),
    "definition": (rf"^arn:aws[a-z-]*:batch:[a-z0-9-]+:{_ACCOUNT}:job-definition/[A-Za-z0-9_-]{{1,128}}(:([0-9]+|\*))?\Z",
                   "a job definition ARN is arn:aws:batch:<region>:<account>:job-definition/<name>[:<revision>|:*]; "
                   "the revision is the only place for a wildcard"),
    "role": (rf"^arn:aws[a-z-]*:iam::{_ACCOUNT}:role/([A-Za-z0-9+=,.@_-]+/)*[A-Za-z0-9+=,.@_-]+\Z",
             "a role ARN is arn:aws:iam::<account>:role/[<path>/]<name>"),
    "topic": (rf"^arn:aws[a-z-]*:sns:[a-z0-9-]+:{_ACCOUNT}:[A-Za-z0-9_-]{{1,256}}\Z",
              "a topic ARN is arn:aws:sns:<region>:<account>:<name>"),
}


@rule("BG-103")
def arns_have_the_right_shape(ctx: Context, c: Constraint):
    """ARNs in policies, ManagedPolicyArns, Access, schedules and notifications have the shape of their resource type."""
    lim = c.limits
    general = ecma(lim["pattern"])
    policy = ecma(lim["policy_pattern"])
    batch_types = lim["batch_resource_types"]
    for ptr, value, kind in _arn_values(ctx):
        if kind == "resource":
            if not general.match(value):
                yield c.at(ptr, found=value, where=ptr.dotted(),
                           detail="not an ARN: arn:<partition>:<service>:<region>:<account>:<resource>, or \"*\"")
                continue
            parts = value.split(":", 5)
            if parts[2] == "batch":
                rtype = re.split(r"[/:]", parts[5], maxsplit=1)[0]
                if rtype != "*" and not any(fnmatch.fnmatchcase(t, rtype) for t in batch_types):
                    yield c.at(ptr, found=value, where=ptr.dotted(),
                               detail=f"AWS Batch has no resource type '{rtype}'" + did_you_mean(rtype, batch_types))
        elif kind == "policy":
            if not policy.match(value):
                yield c.at(ptr, found=value, where=ptr.dotted(),
                           detail="a managed policy ARN is arn:aws:iam::aws:policy/<name> (AWS managed) "
                                  "or arn:aws:iam::<account>:policy/<name>")
        else:
            regex, shape = _EXACT[kind]
            if not re.match(regex, value):
                yield c.at(ptr, found=value, where=ptr.dotted(), detail=shape)


@rule("BG-106")
def user_policy_is_not_a_wildcard(ctx: Context, c: Constraint):
    """Allow statements of a user policy name actions rather than "*", and resources wherever an action can be scoped (checkov CKV_AWS_355)."""
    for doc_ptr, doc, kind in _documents(ctx):
        if kind != _IDENTITY:
            continue
        for st_ptr, st in statements(doc_ptr, doc):
            if st.get("Effect") != "Allow":
                continue
            if "NotAction" in st:
                yield c.at(st_ptr / "NotAction", at_key=True, where=(st_ptr / "NotAction").dotted(),
                           what="every action except those listed (Allow with NotAction)",
                           fix_hint="list the actions it needs in Action instead")
            for ptr, a in items(st.get("Action", []), st_ptr / "Action"):
                if isinstance(a, str) and (a == "*" or a.endswith(":*")):
                    yield c.at(ptr, where=ptr.dotted(), what=f"'{a}', every action" + (
                        "" if a == "*" else f" of {a.split(':')[0]}"),
                        fix_hint="list the actions it needs (for AWS Batch, Access: submit / read / register)")
            if st.get("Condition"):
                continue  # a condition scopes Resource "*" (checkov doesn't report it either)
            granted = actions(st)
            scoped = [a for a in granted if iam_actions.restrictable(a)]
            for ptr, r in items(st.get("Resource", []), st_ptr / "Resource"):
                if r == "*" and scoped:
                    rest = [a for a in granted if a not in scoped]
                    yield c.at(ptr, where=ptr.dotted(), what="every resource (Resource \"*\")",
                               fix_hint=f"split the statement: name the resources' ARNs for {', '.join(scoped)}, and "
                                        f"keep Resource \"*\" only for {', '.join(rest)}, which have no resource-level "
                                        "permissions" if rest else
                                        "name the resources' ARNs (for AWS Batch, Access: submit names the spec's "
                                        "queues and job definitions)")


@rule("IAM-007")
def batch_resource_level_permissions(ctx: Context, c: Constraint):
    """A scoped SubmitJob names both job queues and job definitions; Describe*/List* actions get Resource "*"."""
    unscoped = {a.lower() for a in c.limits["unscoped_actions"]}
    for doc_ptr, doc, kind in _documents(ctx):
        if kind != _IDENTITY:
            continue
        for st_ptr, st in statements(doc_ptr, doc):
            resources = [r for r in as_list(st.get("Resource", [])) if isinstance(r, str)]
            if not resources or "*" in resources or st.get("Effect") != "Allow":
                continue
            granted = actions(st)
            if any(a.lower() == "batch:submitjob" for a in granted):
                queues = [r for r in resources if ":job-queue/" in r]
                defs = [r for r in resources if ":job-definition/" in r]
                broad = [r for r in resources if not (":job-queue/" in r or ":job-definition/" in r)]
                if not broad and bool(queues) != bool(defs):
                    has, missing, mtype = ("job queue", "job definition", "job-definition") if queues \
                        else ("job definition", "job queue", "job-queue")
                    yield c.at(st_ptr / "Resource", where=(st_ptr / "Resource").dotted(), has=has,
                               missing=missing, missing_type=mtype)
            for ptr, a in items(st.get("Action", []), st_ptr / "Action"):
                if isinstance(a, str) and a.lower() in unscoped:
                    yield c.at(ptr, variant="unscoped", where=st_ptr.dotted(), action=a)


@rule("BG-116")
def submit_names_a_queue_and_a_definition(ctx: Context, c: Constraint):
    """Each Access submit grants at least one job queue and one job definition."""
    jobs = jobs_by_name(ctx.data)
    for ptr, entry, _ in _policy_entries(ctx):
        for j, item in enumerate(entry.get("Access") or []):
            if isinstance(item, dict) and isinstance(item.get("submit"), dict):
                queues, definitions = access.submit_resources(item["submit"], jobs)
                missing = [w for w, got in (("job queue", queues), ("job definition", definitions)) if not got]
                if missing:
                    p = ptr / "Access" / j / "submit"
                    yield c.at(p, variant="submit", where=p.dotted(), missing=" and no ".join(missing))


@rule("BG-118")
def role_attaches_no_administrator_policy(ctx: Context, c: Constraint):
    """A role attaches no AWS managed policy granting full administrative or IAM access."""
    broad = c.limits["policies"]
    for ptr, role in ctx.entries("iam.roles"):
        for ptr_arn, arn in items(role.get("ManagedPolicyArns") or [], ptr / "ManagedPolicyArns"):
            name = arn.rsplit("/", 1)[-1] if isinstance(arn, str) and ":iam::aws:policy/" in arn else None
            if name in broad:
                yield c.at(ptr_arn, where=ptr_arn.dotted(), policy=name, grants=broad[name])
