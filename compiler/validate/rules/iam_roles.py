"""IAM roles trust the service that uses them, carry its policy, and have unique names; not the account's roles.

A role given by ARN is outside the spec and never checked. Roles batchgen generates for the spec
(the defaults it needs, a schedule's role) reserve their names; their Terraform labels are checked here too
(BG-007, beside output's check of the Batch sections).
"""
from __future__ import annotations

import fnmatch
import re

from ... import access, generated_roles
from ...catalog import Constraint
from ...eventbridge import uses_scheduler
from ...language import ROLE_USES, is_arn, jobs_by_name, role_uses
from ...naming import generated_role_name, tf_label
from ...problems import Pointer
from ..context import Context, rule
from ..schema import closest
from ..shapes import actions, as_list, items, statements


# Managed policies AWS documents for each use (IAM-001..IAM-004), by the field naming the role.
EXPECTED_POLICY = {
    "serviceRole": "service-role/AWSBatchServiceRole",
    "instanceRole": "service-role/AmazonEC2ContainerServiceforEC2Role",
    "spotIamFleetRole": "service-role/AmazonEC2SpotFleetTaggingRole",
    "executionRoleArn": "service-role/AmazonECSTaskExecutionRolePolicy",
}


def _allows(granted: list[str], wanted: str) -> bool:
    """Do the actions `granted` (with IAM wildcards, case-insensitive) cover the action `wanted`?"""
    return any(fnmatch.fnmatchcase(wanted.lower(), a.lower()) for a in granted)


def trusted_services(doc: dict) -> set[str] | None:
    """Service principals an Allow statement of `doc` lets call sts:AssumeRole (None: anyone, Principal "*")."""
    out: set[str] = set()
    for _, st in statements(Pointer(), doc):
        if st.get("Effect") != "Allow" or not _allows(actions(st), "sts:AssumeRole"):
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
    return any(st.get("Effect") == "Allow" and _allows(actions(st), action)
               for d in docs for _, st in statements(Pointer(), d))


def _fleet_role_used(ctx: Context, pointer: tuple) -> bool:
    """AWS Batch uses a compute environment's spotIamFleetRole only on SPOT with allocationStrategy
    BEST_FIT or none (BC ComputeResource.spotIamFleetRole); elsewhere it is ignored (CE-024 says so)."""
    ce = ctx.data["computeEnvironments"][pointer[1]]
    cr = ce.get("computeResources") if isinstance(ce, dict) else None
    return isinstance(cr, dict) and cr.get("type") == "SPOT" and cr.get("allocationStrategy", "BEST_FIT") == "BEST_FIT"


@rule("IAM-001", "IAM-002", "IAM-003", "IAM-004", "IAM-005")
def role_trusts_the_service_that_uses_it(ctx: Context, service_role: Constraint, instance_role: Constraint,
                                         spot_fleet_role: Constraint, task_roles: Constraint, events_role: Constraint):
    """A role of the spec trusts the service principal of each field that names it, and carries the policy AWS documents for that use."""
    by_field = {"serviceRole": service_role, "instanceRole": instance_role, "spotIamFleetRole": spot_fleet_role,
                "jobRoleArn": task_roles, "executionRoleArn": task_roles, "roleArn": events_role,
                "schedulerRoleArn": events_role, "triggerRoleArn": events_role}
    roles = {r.get("RoleName"): (ptr, r) for ptr, r in ctx.entries("iam.roles")}
    for use in role_uses(ctx.data):
        if use.role not in roles or (use.field == "spotIamFleetRole" and not _fleet_role_used(ctx, use.pointer)):
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
        elif c is events_role and not _role_grants(role, ctx, "batch:SubmitJob"):
            yield c.at(where, variant="policy", **values)


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


@rule("BG-114")
def trust_policy_can_be_written(ctx: Context, c: Constraint):
    """A role without AssumeRolePolicyDocument is used by a Batch role field or a schedule."""
    uses = role_uses(ctx.data)
    used = {u.role for u in uses}
    defined = [r.get("RoleName") for _, r in ctx.entries("iam.roles") if isinstance(r.get("RoleName"), str)]
    # A misspelt use ('etl-jbo', XR-001's error, which suggests 'etl-job') counts as a use: the role
    # unused only because of that typo is a consequence, not a second mistake (issue 14).
    used |= {closest(u.role, defined) for u in uses if u.role not in defined}
    for ptr, role in ctx.entries("iam.roles"):
        if "AssumeRolePolicyDocument" not in role and role.get("RoleName") not in used:
            yield c.at(ptr / "RoleName", role=role.get("RoleName"))


@rule("BG-104")
def generated_names_fit(ctx: Context, c: Constraint):
    """Roles batchgen generates for schedules and triggers have names IAM accepts (at most 64 characters)."""
    lim = c.limits
    project = ctx.data.get("project") if isinstance(ctx.data.get("project"), str) else None
    for ptr, s in ctx.entries("schedules"):
        if s.get("roleArn"):
            continue
        name = generated_role_name(project, f"schedule-{s['name']}")
        if len(name) > lim["role_name_max"]:
            yield c.at(ptr / "name", variant="generated", what=f"schedule '{s['name']}'", name=name,
                       length=len(name), noun="schedule")
    for ptr, t in ctx.entries("triggers"):
        name = generated_role_name(project, f"trigger-{t['name']}")
        if not t.get("roleArn") and len(name) > lim["role_name_max"]:
            yield c.at(ptr / "name", variant="generated", what=f"trigger '{t['name']}'", name=name,
                       length=len(name), noun="trigger")
    for ptr, n in ctx.entries("notifications"):
        topic = n.get("topic")
        if isinstance(topic, str) and not is_arn(topic):
            if not re.match(lim["topic_pattern"], topic) or len(topic) > lim["topic_max"]:
                yield c.at(ptr / "topic", where=(ptr / "topic").dotted(),
                           detail=f"'{topic}' is not a topic name: 1-{lim['topic_max']} letters, digits, - and _ "
                                  "(or give an existing topic's ARN)")


@rule("BG-160")
def generated_names_are_the_projects(ctx: Context, c: Constraint):
    """Without project, the roles batchgen generates get fixed names, which a second such spec in the account takes too."""
    if "project" in ctx.data:  # a project of the wrong type is the schema's (or the loader's) problem
        return
    names = [g.name(None) for g in generated_roles.needed(ctx.data)]
    names += [generated_role_name(None, f"{kind}-{e['name']}") for section, kind in
              (("schedules", "schedule"), ("triggers", "trigger")) for _, e in ctx.entries(section)
              if not e.get("roleArn") and isinstance(e.get("name"), str)]
    if names:
        yield c.at(Pointer(), names=", ".join(names))


@rule("BG-113", "BG-007")
def iam_and_rule_names_are_unique(ctx: Context, unique: Constraint, distinct_label: Constraint):
    """Roles, managed policies, a role's inline policies and EventBridge rules have distinct names, and none takes a generated role's name. (Their Terraform labels are distinct too: reported as BG-007.)"""
    project = ctx.data.get("project") if isinstance(ctx.data.get("project"), str) else None
    # Only the roles batchgen writes for this spec take a name (issue 14: a team may well name its own
    # instance role '<project>-batch-instance' when every environment names it).
    generated: dict[str, tuple[str, str]] = {
        g.name(project): (g.label, f"the default for {g.suffix.replace('batch-', '')} roles")
        for g in generated_roles.needed(ctx.data)}
    for ptr, s in ctx.entries("schedules"):
        if not s.get("roleArn"):
            generated[generated_role_name(project, f"schedule-{s['name']}")] = (
                "schedule_" + tf_label(s["name"]), f"the role of schedule '{s['name']}'")
    for ptr, t in ctx.entries("triggers"):
        if not t.get("roleArn"):
            generated[generated_role_name(project, f"trigger-{t['name']}")] = (
                "trigger_" + tf_label(t["name"]), f"the role of trigger '{t['name']}'")
    generated_labels = {label: (name, what) for name, (label, what) in generated.items()}

    # Schedules of the EventBridge Scheduler form are schedules, not rules: their names are
    # their own (unique in the schedule group), beside the rules'.
    def rules(section: str) -> list:
        return [(ptr, e) for ptr, e in ctx.entries(section) if section != "schedules" or not uses_scheduler(e)]

    def scheduler_schedules(section: str) -> list:
        return [(ptr, e) for ptr, e in ctx.entries(section) if uses_scheduler(e)]

    groups = (
        (["iam.roles"], "RoleName", "IAM role", ctx.entries),
        (["iam.policies"], "ManagedPolicyName", "IAM managed policy", ctx.entries),
        (["schedules", "notifications", "triggers"], "name", "EventBridge rule", rules),
        (["schedules"], "name", "EventBridge Scheduler schedule", scheduler_schedules),
    )
    for sections, key, noun, entries in groups:
        seen: dict[str, Pointer] = {}
        labels: dict[str, str] = {}
        for section in sections:
            for ptr, entry in entries(section):
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
