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
from ..model import ManagedPolicy, Model, Ref, Resource, Role, TerraformSettings
from ..naming import generated_role_name, tf_label
from ..problems import Pointer
from ..replacement import name_environments
from . import events, iam, triggers

FARGATE_TYPES = ("FARGATE", "FARGATE_SPOT")
EC2_TYPES = ("EC2", "SPOT")


_GENERATED = {
    # key: (name suffix, label, purpose, service principal, managed policy, instance profile)
    "instance": ("batch-instance", "batch_instance",
                 "ECS container instance role for EC2/SPOT compute environments without instanceRole",
                 "ec2.amazonaws.com", "service-role/AmazonEC2ContainerServiceforEC2Role", True),
    "service": ("batch-service", "batch_service",
                "AWS Batch service role for UNMANAGED compute environments without serviceRole (CE-005)",
                "batch.amazonaws.com", "service-role/AWSBatchServiceRole", False),
    "spot_fleet": ("batch-spot-fleet", "batch_spot_fleet",
                   "Spot Fleet role for SPOT BEST_FIT compute environments without spotIamFleetRole (CE-024)",
                   "spotfleet.amazonaws.com", "service-role/AmazonEC2SpotFleetTaggingRole", False),
    "execution": ("batch-execution", "batch_execution",
                  "ECS task execution role for Fargate job definitions without executionRoleArn (JDF-005)",
                  "ecs-tasks.amazonaws.com", "service-role/AmazonECSTaskExecutionRolePolicy", False),
}


class _Roles:
    def __init__(self, project: str | None):
        self.project = project
        self.by_key: dict[str, Role] = {}

    def need(self, key: str) -> Role:
        if key not in self.by_key:
            suffix, label, purpose, service, policy, profile = _GENERATED[key]
            self.by_key[key] = Role(generated_role_name(self.project, suffix), label, purpose, service,
                                    [ManagedPolicy(policy)], profile)
        return self.by_key[key]

    def ordered(self) -> list[Role]:
        return [self.by_key[k] for k in _GENERATED if k in self.by_key]


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


def _is_fargate_jd(body: dict) -> bool:
    return "FARGATE" in (body.get("platformCapabilities") or [])


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
        if body.get("type") == "UNMANAGED" and "serviceRole" not in body:
            body["serviceRole"] = Ref(RefKind.ROLE, roles.need("service").name)
        if isinstance(cr, dict) and isinstance(cr.get("launchTemplate"), dict):
            # AWS's default, written out: the environment keeps the version it resolves (CE-046)
            cr["launchTemplate"].setdefault("version", "$Default")
        if isinstance(cr, dict) and cr.get("type") in EC2_TYPES:
            if "instanceRole" not in cr:
                cr["instanceRole"] = Ref(RefKind.INSTANCE_PROFILE, roles.need("instance").name)
            if cr.get("type") == "SPOT" and cr.get("allocationStrategy", "BEST_FIT") == "BEST_FIT" \
                    and "spotIamFleetRole" not in cr:
                cr["spotIamFleetRole"] = Ref(RefKind.ROLE, roles.need("spot_fleet").name)
        ce.roles = _role_names_in(body)

    sps = resources("schedulingPolicies")
    queues = resources("jobQueues")
    for q in queues:
        q.body.setdefault("state", "ENABLED")

    jds = resources("jobDefinitions")
    for jd in jds:
        jd.body.setdefault("type", "container")
        cp = jd.body.get("containerProperties")
        if _is_fargate_jd(jd.body) and isinstance(cp, dict) and "executionRoleArn" not in cp:
            cp["executionRoleArn"] = Ref(RefKind.ROLE, roles.need("execution").name)
        jd.roles = _role_names_in(jd.body)

    jobs = resources("jobs")
    spec_roles, policies = iam.resolve_iam(spec)
    schedules, schedule_roles = events.resolve_schedules(spec, project)
    notifications, topics = events.resolve_notifications(spec)
    trigger_list, buckets, trigger_roles = triggers.resolve_triggers(spec, project)
    all_roles = roles.ordered() + spec_roles + schedule_roles + trigger_roles
    # Each compute environment's AWS name: its name and replacement key (compiler/replacement.py)
    name_environments(ces, all_roles)
    return Model(project, region, spec.get("account"), partition_for(region), tags, all_roles, ces, sps, queues, jds, jobs,
                 policies, schedules, notifications, topics, terraform=_terraform(spec), triggers=trigger_list,
                 buckets=buckets, adopt=copy_data(spec.get("adopt") or {}))


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
    found: list[str] = []

    def walk(n: Any) -> None:
        if isinstance(n, Ref) and n.kind in (RefKind.ROLE, RefKind.INSTANCE_PROFILE) and n.name not in found:
            found.append(n.name)
        elif isinstance(n, dict):
            for v in n.values():
                walk(v)
        elif isinstance(n, list):
            for v in n:
                walk(v)

    walk(node)
    return found
