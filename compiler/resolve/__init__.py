"""Link names to entries and fill in SPEC.md's defaults, including generated roles.

Input is a spec that passed validation; output is the Model (compiler/model.py) whose
bodies are the API request bodies with every by-name reference replaced by a Ref. The
IAM sections, schedules, notifications and triggers resolve in the modules beside this one. Knows no
YAML positions, no HCL, no JSON files: emitters decide how a Ref is written.
"""
from __future__ import annotations

from typing import Any

from ..language import ENTRY_OPTIONS, REFERENCES, SECTION, SECTIONS, RefKind, copy_data, default_tags, is_arn, partition_for, \
    split_revision, walk_path
from ..generated_roles import GENERATED, compute_environment_needs, job_definition_needs
from ..model import LogGroup, ManagedPolicy, Model, Ref, Resource, Role, TerraformSettings, refs_in
from ..naming import tf_label
from ..problems import Pointer
from ..replacement import name_environments
from . import events, iam, triggers


class _Roles:
    def __init__(self, project: str | None):
        self.project = project
        self.by_key: dict[str, Role] = {}

    def need(self, key: str) -> Role:
        if key not in self.by_key:
            g = GENERATED[key]
            self.by_key[key] = Role(g.name(self.project), g.label, g.purpose, g.service, [ManagedPolicy(g.policy)],
                                    g.instance_profile)
        return self.by_key[key]

    def ordered(self) -> list[Role]:
        return [self.by_key[k] for k in GENERATED if k in self.by_key]


def _link(section: str, body: dict) -> None:
    """Replace by-name references in `body` (an entry of `section`) with Refs, in place."""
    for ref in REFERENCES:
        if ref.section != section:
            continue
        for rel, value in list(walk_path(body, ref.path)):
            if not isinstance(value, str) or is_arn(value):
                continue
            if ref.target == "jobDefinitions":
                name, rev = split_revision(value)
                new = Ref(RefKind.JOB_DEFINITION, name, rev)
            elif ref.target == "iam.roles" and ref.path[-1] == "instanceRole":
                new = Ref(RefKind.INSTANCE_PROFILE, value)  # IAM-002: the CE takes the role's instance profile
            else:
                new = Ref(SECTION[ref.target].ref_kind, value)
            parent = body
            for key in rel[:-1]:
                parent = parent[key]
            parent[rel[-1]] = new


def resolve(spec: dict) -> Model:
    project = spec.get("project")
    region = spec.get("region")
    roles = _Roles(project)
    tags = default_tags(spec.get("tags"), project)

    def resources(section: str) -> list[Resource]:
        out = []
        for i, entry in enumerate(spec.get(section) or []):
            body = copy_data(entry)
            body.pop(ENTRY_OPTIONS, None)  # batchgen's own settings of the entry: never sent to AWS
            _link(section, body)
            name = entry[SECTIONS[section]]
            out.append(Resource(section, name, tf_label(name), body, pointer=Pointer((section, i))))
        return out

    ces = resources("computeEnvironments")
    for ce in ces:
        body = ce.body
        body.setdefault("state", "ENABLED")
        cr = body.get("computeResources")
        if isinstance(cr, dict) and isinstance(cr.get("launchTemplate"), dict):
            # AWS's default, written out: the environment keeps the version it resolves (CE-046)
            cr["launchTemplate"].setdefault("version", "$Default")
        for key in compute_environment_needs(body):  # the defaults: generated roles
            if key == "service":
                body["serviceRole"] = Ref(RefKind.ROLE, roles.need(key).name)
            elif key == "instance":
                body["computeResources"]["instanceRole"] = Ref(RefKind.INSTANCE_PROFILE, roles.need(key).name)
            else:
                body["computeResources"]["spotIamFleetRole"] = Ref(RefKind.ROLE, roles.need(key).name)
        ce.roles = _role_names_in(body)

    sps = resources("schedulingPolicies")
    queues = resources("jobQueues")
    for q in queues:
        q.body.setdefault("state", "ENABLED")

    jds = resources("jobDefinitions")
    for jd in jds:
        jd.body.setdefault("type", "container")
        if job_definition_needs(jd.body):
            jd.body["containerProperties"]["executionRoleArn"] = Ref(RefKind.ROLE, roles.need("execution").name)
        jd.roles = _role_names_in(jd.body)

    jobs = resources("jobs")
    spec_roles, policies = iam.resolve_iam(spec)
    schedules, schedule_roles = events.resolve_schedules(spec, project)
    notifications, topics = events.resolve_notifications(spec)
    trigger_list, buckets, trigger_roles = triggers.resolve_triggers(spec, project)
    all_roles = roles.ordered() + spec_roles + schedule_roles + trigger_roles
    # Each compute environment's AWS name: its name and replacement key (compiler/replacement.py)
    name_environments(ces, all_roles)
    log_groups = [LogGroup(g["name"], tf_label(g["name"]), g["retentionInDays"], g.get("kmsKeyId"),
                           Pointer(("logGroups", i))) for i, g in enumerate(spec.get("logGroups") or [])]
    return Model(project, region, spec.get("account"), partition_for(region), tags, all_roles, ces, sps, queues, jds, jobs,
                 policies, schedules, notifications, topics, terraform=_terraform(spec), triggers=trigger_list,
                 buckets=buckets, adopt=copy_data(spec.get("adopt") or {}), log_groups=log_groups)


def _terraform(spec: dict) -> TerraformSettings:
    """The spec's `terraform:` with SPEC.md's defaults: the provider may act in `account` only."""
    given = spec.get("terraform") or {}
    out = TerraformSettings()
    out.required_version = given.get("requiredVersion", out.required_version)
    out.provider_version = given.get("providerVersion", out.provider_version)
    if given.get("backend"):
        (kind, settings), = given["backend"].items()
        out.backend = (kind, copy_data(settings))
    account = spec.get("account")
    out.allowed_account_ids = list(given.get("allowedAccountIds", [account] if account else []))
    out.assume_role = dict(given.get("assumeRole") or {})
    return out


def _role_names_in(node: Any) -> list[str]:
    """The roles and instance profiles `node` references, each once, in order."""
    return list(dict.fromkeys(r.name for r in refs_in(node) if r.kind in (RefKind.ROLE, RefKind.INSTANCE_PROFILE)))
