"""Rules for `iam.roles` and `iam.policies` (IAM-*, BG-101..BG-108, BG-113, BG-114, BG-116).

Policy grammar, action and ARN syntax, sizes and least-privilege advisories on the policy
documents; trust policies against what the spec uses each role for; the security
advisories of job definitions (privileged, root with host volumes). No positions, no HCL.
"""
from __future__ import annotations

import fnmatch
import re
from typing import Iterator

from .. import access
from ..catalog import Constraint
from ..language import ROLE_USES, is_arn, jobs_by_name, role_uses
from ..naming import generated_role_name, tf_label
from ..patterns import ecma
from ..problems import Pointer
from .context import Context, rule
from .schema import did_you_mean
from .shapes import IDENTITY, TRUST, actions, allows, as_list, documents, items, policy_entries, statements

# Managed policies AWS documents for each use (IAM-001..IAM-004), by the field naming the role.
EXPECTED_POLICY = {
    "serviceRole": "service-role/AWSBatchServiceRole",
    "instanceRole": "service-role/AmazonEC2ContainerServiceforEC2Role",
    "spotIamFleetRole": "service-role/AmazonEC2SpotFleetTaggingRole",
    "executionRoleArn": "service-role/AmazonECSTaskExecutionRolePolicy",
}

# Generated roles (compiler/resolve.py _GENERATED) and their Terraform labels: reserved.
GENERATED_ROLES = {"batch-instance": "batch_instance", "batch-service": "batch_service",
                   "batch-spot-fleet": "batch_spot_fleet", "batch-execution": "batch_execution"}

# Actions AWS requires Resource "*" for, beyond Batch's own (IAM-007): no BG-106 warning.
GLOBAL_ACTIONS = ("ecr:GetAuthorizationToken", "sts:GetCallerIdentity", "cloudwatch:PutMetricData",
                  "xray:PutTraceSegments", "xray:PutTelemetryRecords")


# --- BG-101 grammar -----------------------------------------------------------------------


@rule("BG-101")
def policy_follows_the_grammar(ctx: Context, c: Constraint):
    """Statements have exactly one of Action/NotAction, Resource/NotResource (identity) or a Principal (trust), known condition operators, unique Sids, and a Version."""
    operators = set(c.limits["condition_operators"])
    for doc_ptr, doc, kind in documents(ctx):
        if "Version" not in doc:
            yield c.at(doc_ptr, at_key=True, variant="version", where=doc_ptr.dotted())
        sids: dict[str, Pointer] = {}
        for st_ptr, st in statements(doc_ptr, doc):
            where = st_ptr.dotted()
            pairs = [("Action", "NotAction", True)]
            pairs.append(("Resource", "NotResource", kind == IDENTITY))
            pairs.append(("Principal", "NotPrincipal", kind == TRUST))
            for a, b, needed in pairs:
                if a in st and b in st:
                    yield c.at(st_ptr / b, at_key=True, where=where, detail=f"has both {a} and {b}; give one")
                elif needed and a not in st and b not in st:
                    yield c.at(st_ptr, at_key=True, where=where, detail=f"has neither {a} nor {b}")
                elif not needed:
                    for key in (a, b):
                        if key in st:
                            use = ("a trust policy (AssumeRolePolicyDocument) names no resources" if kind == TRUST
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
    for ptr, entry, what in policy_entries(ctx):
        if "PolicyDocument" not in entry and "Access" not in entry:
            yield c.at(ptr / what, variant="source", where=ptr.dotted())


# --- BG-102 actions -----------------------------------------------------------------------


@rule("BG-102")
def actions_are_service_actions(ctx: Context, c: Constraint):
    """Action and NotAction values are "*" or service:Action, and batch: ones name AWS Batch actions."""
    lim = c.limits
    pattern = ecma(lim["pattern"])
    batch = [f"batch:{a}" for a in lim["batch_actions"]]
    for doc_ptr, doc, _ in documents(ctx):
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


# --- BG-103 ARNs --------------------------------------------------------------------------


def _arn_values(ctx: Context) -> Iterator[tuple[Pointer, str, str]]:
    """(pointer, value, kind) of ARNs the spec writes in IAM places; kind: resource, policy, queue, definition, role, topic."""
    for doc_ptr, doc, kind in documents(ctx):
        if kind != IDENTITY:
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
    for ptr, entry, _ in policy_entries(ctx):
        for j, item in enumerate(entry.get("Access") or []):
            if not isinstance(item, dict):
                continue
            for intent, field, kind in (("submit", "jobQueues", "queue"), ("submit", "jobDefinitions", "definition"),
                                        ("register", "passRoles", "role")):
                values = (item.get(intent) or {}).get(field) if isinstance(item.get(intent), dict) else None
                for k, v in enumerate(values or []):
                    if isinstance(v, str) and v.startswith("arn:"):
                        yield ptr / "Access" / j / intent / field / k, v, kind
    for ptr, s in ctx.entries("schedules"):
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


# --- BG-104 generated and topic names -----------------------------------------------------


@rule("BG-104")
def generated_names_fit(ctx: Context, c: Constraint):
    """Roles batchgen generates for schedules have names IAM accepts (at most 64 characters)."""
    lim = c.limits
    project = ctx.data.get("project") if isinstance(ctx.data.get("project"), str) else None
    for ptr, s in ctx.entries("schedules"):
        if s.get("roleArn"):
            continue
        name = generated_role_name(project, f"schedule-{s['name']}")
        if len(name) > lim["role_name_max"]:
            yield c.at(ptr / "name", variant="generated", what=f"schedule '{s['name']}'", name=name,
                          length=len(name), noun="schedule")
    for ptr, n in ctx.entries("notifications"):
        topic = n.get("topic")
        if isinstance(topic, str) and not is_arn(topic):
            if not re.match(lim["topic_pattern"], topic) or len(topic) > lim["topic_max"]:
                yield c.at(ptr / "topic", where=(ptr / "topic").dotted(),
                              detail=f"'{topic}' is not a topic name: 1-{lim['topic_max']} letters, digits, - and _ "
                                     "(or give an existing topic's ARN)")


# --- BG-105 sizes -------------------------------------------------------------------------


# --- BG-106 wildcards, IAM-007 resource-level permissions ---------------------------------


def _unscoped(action: str, unscoped_actions: list[str]) -> bool:
    """An action that only works with Resource "*": Batch's Describe*/List* (IAM-007), a few global ones."""
    a = action.lower()
    if a.startswith(("batch:describe", "batch:list")) and a != "batch:listtagsforresource":
        return True
    return a in {x.lower() for x in [*unscoped_actions, *GLOBAL_ACTIONS]}


@rule("BG-106", reads=("IAM-007",))
def user_policy_is_not_a_wildcard(ctx: Context, c: Constraint, scoped: Constraint):
    """Allow statements of a user policy name actions and resources rather than "*" (least privilege)."""
    for doc_ptr, doc, kind in documents(ctx):
        if kind != IDENTITY:
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
            granted = actions(st)
            for ptr, r in items(st.get("Resource", []), st_ptr / "Resource"):
                if r == "*" and granted and not all(_unscoped(a, scoped.limits["unscoped_actions"]) for a in granted):
                    yield c.at(ptr, where=ptr.dotted(), what="every resource (Resource \"*\")",
                                  fix_hint="name the resources' ARNs (for AWS Batch, Access: submit names the "
                                           "spec's queues and job definitions)")


@rule("IAM-007")
def batch_resource_level_permissions(ctx: Context, c: Constraint):
    """A scoped SubmitJob names both job queues and job definitions; Describe*/List* actions get Resource "*"."""
    unscoped = {a.lower() for a in c.limits["unscoped_actions"]}
    for doc_ptr, doc, kind in documents(ctx):
        if kind != IDENTITY:
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


@rule("BG-118")
def role_attaches_no_administrator_policy(ctx: Context, c: Constraint):
    """A role attaches no AWS managed policy granting full administrative or IAM access."""
    broad = c.limits["policies"]
    for ptr, role in ctx.entries("iam.roles"):
        for ptr_arn, arn in items(role.get("ManagedPolicyArns") or [], ptr / "ManagedPolicyArns"):
            name = arn.rsplit("/", 1)[-1] if isinstance(arn, str) and ":iam::aws:policy/" in arn else None
            if name in broad:
                yield c.at(ptr_arn, where=ptr_arn.dotted(), policy=name, grants=broad[name])


@rule("BG-119")
def trust_policy_names_its_principal(ctx: Context, c: Constraint):
    """A trust policy does not let any principal ("*") assume the role."""
    for ptr, entry in ctx.entries("iam.roles"):
        doc, role = entry.get("AssumeRolePolicyDocument"), entry.get("RoleName")
        if not isinstance(doc, dict):
            continue
        for st_ptr, st in statements(ptr / "AssumeRolePolicyDocument", doc):
            principal = st.get("Principal")
            if st.get("Effect") != "Allow":
                continue
            if principal == "*":
                yield c.at(st_ptr / "Principal", where=(st_ptr / "Principal").dotted(), role=role)
            elif isinstance(principal, dict):
                for ptr_p, p in items(principal.get("AWS", []), st_ptr / "Principal" / "AWS"):
                    if p == "*":
                        yield c.at(ptr_p, where=ptr_p.dotted(), role=role)


# --- IAM-001..IAM-005 trust policies ------------------------------------------------------


def trusted_services(doc: dict) -> set[str] | None:
    """Service principals an Allow statement of `doc` lets call sts:AssumeRole (None: anyone, Principal "*")."""
    out: set[str] = set()
    for _, st in statements(Pointer(), doc):
        if st.get("Effect") != "Allow" or not allows(actions(st), "sts:AssumeRole"):
            continue
        principal = st.get("Principal")
        if principal == "*":
            return None
        if isinstance(principal, dict):
            out.update(s for s in as_list(principal.get("Service", [])) if isinstance(s, str))
    return out


def _role_grants(role: dict, ctx: Context, action: str) -> bool:
    """Does any policy of `role` (inline, Access, or an iam.policies entry it attaches) allow `action`?"""
    jobs = jobs_by_name(ctx.data)
    docs = [access.document(p.get("PolicyDocument"), p.get("Access"), jobs) for p in role.get("Policies") or []]
    for arn in role.get("ManagedPolicyArns") or []:
        found = ctx.named("iam.policies", arn) if isinstance(arn, str) else None
        if found:
            docs.append(access.document(found[1].get("PolicyDocument"), found[1].get("Access"), jobs))
        elif isinstance(arn, str) and arn.endswith("/AWSBatchServiceEventTargetRole") and action == "batch:SubmitJob":
            return True
    return any(st.get("Effect") == "Allow" and allows(actions(st), action)
               for d in docs for _, st in statements(Pointer(), d))


@rule("IAM-001", "IAM-002", "IAM-003", "IAM-004", "IAM-005")
def role_trusts_the_service_that_uses_it(ctx: Context, service_role: Constraint, instance_role: Constraint,
                                         spot_fleet_role: Constraint, task_roles: Constraint, events_role: Constraint):
    """A role of the spec trusts the service principal of each field that names it, and carries the policy AWS documents for that use."""
    by_field = {"serviceRole": service_role, "instanceRole": instance_role, "spotIamFleetRole": spot_fleet_role,
                "jobRoleArn": task_roles, "executionRoleArn": task_roles, "roleArn": events_role}
    roles = {r.get("RoleName"): (ptr, r) for ptr, r in ctx.entries("iam.roles")}
    for use in role_uses(ctx.data):
        if use.role not in roles:
            continue
        _, role = roles[use.role]
        service, what = ROLE_USES[use.field]
        c = by_field[use.field]
        where = Pointer(use.pointer)
        values = {"role": use.role, "use": f"{what} '{use.entry}'", "service": service}
        doc = role.get("AssumeRolePolicyDocument")
        trusted = trusted_services(doc) if isinstance(doc, dict) else None
        if trusted is not None and service not in trusted:
            yield c.at(where, **values)
        if use.field in EXPECTED_POLICY:
            path = EXPECTED_POLICY[use.field]
            name = path.rsplit("/", 1)[-1]
            arns = [a for a in role.get("ManagedPolicyArns") or [] if isinstance(a, str)]
            if any(a.endswith("/" + name) for a in arns):
                continue
            if use.field == "executionRoleArn" and _role_grants(role, ctx, "ecr:GetAuthorizationToken"):
                continue
            yield c.at(where, variant="policy", policy=name, path=path, **values)
        elif use.field == "roleArn" and not _role_grants(role, ctx, "batch:SubmitJob"):
            yield c.at(where, variant="policy", **values)


# --- BG-113 unique names, BG-114 trust can be written -------------------------------------


@rule("BG-113", "BG-007")
def iam_and_rule_names_are_unique(ctx: Context, unique: Constraint, distinct_label: Constraint):
    """Roles, managed policies, a role's inline policies and EventBridge rules have distinct names, and none takes a generated role's name. (Their Terraform labels are distinct too: reported as BG-007.)"""
    project = ctx.data.get("project") if isinstance(ctx.data.get("project"), str) else None
    generated: dict[str, tuple[str, str]] = {
        generated_role_name(project, suffix): (label, f"the default for {suffix.replace('batch-', '')} roles")
        for suffix, label in GENERATED_ROLES.items()}
    for ptr, s in ctx.entries("schedules"):
        if not s.get("roleArn"):
            generated[generated_role_name(project, f"schedule-{s['name']}")] = (
                "schedule_" + tf_label(s["name"]), f"the role of schedule '{s['name']}'")
    generated_labels = {label: (name, what) for name, (label, what) in generated.items()}

    groups = (
        (["iam.roles"], "RoleName", "IAM role", "aws_iam_role"),
        (["iam.policies"], "ManagedPolicyName", "IAM managed policy", "aws_iam_policy"),
        (["schedules", "notifications"], "name", "EventBridge rule", "aws_cloudwatch_event_rule"),
    )
    for sections, key, noun, _ in groups:
        seen: dict[str, Pointer] = {}
        labels: dict[str, str] = {}
        for section in sections:
            for ptr, entry in ctx.entries(section):
                name = entry.get(key)
                if not isinstance(name, str):
                    continue
                if name in seen:
                    yield unique.at(ptr / key, noun=noun, name=name, first=seen[name].dotted())
                    continue
                seen[name] = ptr
                label = tf_label(name)
                if section == "iam.roles" and name in generated:
                    yield unique.at(ptr / key, variant="reserved", noun=noun, name=name,
                                  what=generated[name][1])
                elif section == "iam.roles" and label in generated_labels:
                    yield distinct_label.at(ptr / key, name=name, other=generated_labels[label][0], label=label)
                elif label in labels and labels[label] != name:
                    yield distinct_label.at(ptr / key, name=name, other=labels[label], label=label)
                labels.setdefault(label, name)
    for ptr, role in ctx.entries("iam.roles"):
        seen = {}
        for j, p in enumerate(role.get("Policies") or []):
            name = p.get("PolicyName")
            if isinstance(name, str) and name in seen:
                yield unique.at(ptr / "Policies" / j / "PolicyName", noun="inline policy of this role",
                              name=name, first=seen[name].dotted())
            elif isinstance(name, str):
                seen[name] = ptr / "Policies" / j
    topics: dict[str, str] = {}
    for ptr, n in ctx.entries("notifications"):
        topic = n.get("topic")
        if isinstance(topic, str) and not is_arn(topic):
            other = topics.setdefault(tf_label(topic), topic)
            if other != topic:
                yield distinct_label.at(ptr / "topic", name=topic, other=other, label=tf_label(topic))


@rule("BG-114")
def trust_policy_can_be_written(ctx: Context, c: Constraint):
    """A role without AssumeRolePolicyDocument is used by a Batch role field or a schedule."""
    used = {u.role for u in role_uses(ctx.data)}
    for ptr, role in ctx.entries("iam.roles"):
        if "AssumeRolePolicyDocument" not in role and role.get("RoleName") not in used:
            yield c.at(ptr / "RoleName", role=role.get("RoleName"))


# --- BG-116 Access ------------------------------------------------------------------------


@rule("BG-116")
def submit_names_a_queue_and_a_definition(ctx: Context, c: Constraint):
    """Each Access submit grants at least one job queue and one job definition."""
    jobs = jobs_by_name(ctx.data)
    for ptr, entry, _ in policy_entries(ctx):
        for j, item in enumerate(entry.get("Access") or []):
            if isinstance(item, dict) and isinstance(item.get("submit"), dict):
                queues, definitions = access.submit_resources(item["submit"], jobs)
                missing = [w for w, got in (("job queue", queues), ("job definition", definitions)) if not got]
                if missing:
                    p = ptr / "Access" / j / "submit"
                    yield c.at(p, variant="submit", where=p.dotted(), missing=" and no ".join(missing))


# --- BG-107, BG-108 job definition security -----------------------------------------------
