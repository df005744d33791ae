"""Facts of the spec language itself: its sections, their name fields, and which fields
name other entries. Shared by validate (reference integrity) and resolve (linking).
Knows no YAML positions and no output format.
"""
from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from .eventbridge import uses_scheduler


class RefKind(enum.Enum):
    """What a reference in the resolved model points at: an entry of a section, or a
    resource batchgen writes beside the entries (a role's instance profile, an EventBridge
    rule, an SNS topic, the ARN prefix of job definitions a policy lets users register)."""

    COMPUTE_ENVIRONMENT = "computeEnvironments"
    SCHEDULING_POLICY = "schedulingPolicies"
    JOB_QUEUE = "jobQueues"
    JOB_DEFINITION = "jobDefinitions"
    JOB = "jobs"
    ROLE = "role"
    INSTANCE_PROFILE = "instance_profile"
    POLICY = "policy"
    RULE = "rule"
    TOPIC = "topic"
    JOB_DEFINITION_PREFIX = "jobDefinitionPrefix"


@dataclass(frozen=True)
class Section:
    """One top-level list of the spec (SPEC.md's table) and what every stage needs to know
    of it: how an entry is named and called, the API call it is the body of, the resource
    it becomes in each backend, and whether AWS tags it."""

    key: str  # the spec's key; dotted when nested ("iam.roles" is `roles` under `iam`)
    name_field: str  # the field that names an entry
    noun: str  # what one entry is called in messages
    ref_kind: RefKind | None = None  # what a reference to an entry is
    shape: str | None = None  # the botocore request shape of an entry (Batch sections)
    tf_type: str | None = None  # the hashicorp/aws resource an entry becomes
    cli: tuple[str, str] | None = None  # (service, command) of the CLI body an entry becomes
    wait: str | None = None  # deploy.sh waits for these to be VALID (creation is asynchronous)
    taggable: bool = False  # the API takes `tags` on the entry (NT-012)
    title: str = ""  # the section as a heading: "Compute environments"

    @property
    def path(self) -> tuple[str, ...]:
        """The pointer prefix of the section's list: ("iam", "roles") for "iam.roles"."""
        return tuple(self.key.split("."))


# SPEC.md's table, in the order the spec and the output list them.
SECTION_TABLE: tuple[Section, ...] = (
    Section("computeEnvironments", "computeEnvironmentName", "compute environment", RefKind.COMPUTE_ENVIRONMENT,
            "CreateComputeEnvironmentRequest", "aws_batch_compute_environment",
            ("batch", "create-compute-environment"), "compute-environment", True, "Compute environments"),
    Section("schedulingPolicies", "name", "scheduling policy", RefKind.SCHEDULING_POLICY,
            "CreateSchedulingPolicyRequest", "aws_batch_scheduling_policy",
            ("batch", "create-scheduling-policy"), None, True, "Scheduling policies"),
    Section("jobQueues", "jobQueueName", "job queue", RefKind.JOB_QUEUE,
            "CreateJobQueueRequest", "aws_batch_job_queue", ("batch", "create-job-queue"), "job-queue", True,
            "Job queues"),
    Section("jobDefinitions", "jobDefinitionName", "job definition", RefKind.JOB_DEFINITION,
            "RegisterJobDefinitionRequest", "aws_batch_job_definition",
            ("batch", "register-job-definition"), None, True, "Job definitions"),
    Section("jobs", "jobName", "job", RefKind.JOB, "SubmitJobRequest", None, ("batch", "submit-job"), None, True,
            "Job templates"),
    # Outside AWS Batch: IAM entries are CloudFormation properties, schedules and
    # notifications are batchgen's own (docs/iam.md).
    Section("iam.roles", "RoleName", "IAM role", RefKind.ROLE, None, "aws_iam_role", ("iam", "create-role"),
            title="IAM roles"),
    Section("iam.policies", "ManagedPolicyName", "IAM managed policy", RefKind.POLICY, None, "aws_iam_policy",
            ("iam", "create-policy"), title="IAM managed policies"),
    # batchgen's own: CloudWatch Logs groups the containers' awslogs driver writes to (issue 14).
    Section("logGroups", "name", "log group", None, None, "aws_cloudwatch_log_group", ("logs", "create-log-group"),
            title="Log groups"),
    Section("schedules", "name", "schedule", RefKind.RULE, None, "aws_cloudwatch_event_rule", ("events", "put-rule"),
            title="Schedules"),
    Section("notifications", "name", "notification", RefKind.RULE, None, "aws_cloudwatch_event_rule",
            ("events", "put-rule"), title="Notifications"),
    Section("triggers", "name", "trigger", RefKind.RULE, None, "aws_cloudwatch_event_rule", ("events", "put-rule"),
            title="Triggers"),
    # batchgen's own, for `batchgen cost`: one per jobs entry; nothing in the output.
    Section("estimates", "job", "estimate", title="Estimates"),
)
SECTION: dict[str, Section] = {s.key: s for s in SECTION_TABLE}

# Views of the table, by the questions most callers ask.
# The AWS Batch sections: key -> name field.
SECTIONS: dict[str, str] = {s.key: s.name_field for s in SECTION_TABLE if s.shape}
# Every section whose entries have names: key -> name field.
ALL_SECTIONS: dict[str, str] = {s.key: s.name_field for s in SECTION_TABLE}
NOUNS: dict[str, str] = {s.key: s.noun for s in SECTION_TABLE}
TAGGABLE_SECTIONS: tuple[str, ...] = tuple(s.key for s in SECTION_TABLE if s.taggable)
# The resource type of each kind of reference the model holds.
TF_TYPE_OF_KIND: dict[RefKind, str] = {
    **{s.ref_kind: s.tf_type for s in SECTION_TABLE if s.ref_kind and s.tf_type},
    RefKind.INSTANCE_PROFILE: "aws_iam_instance_profile",
    RefKind.TOPIC: "aws_sns_topic",
}

WILDCARD = "*"

# batchgen's own key of any entry (`x-batchgen: {ignore: {CODE: reason}}`): read by validation,
# never part of a request body.
ENTRY_OPTIONS = "x-batchgen"


@dataclass(frozen=True)
class RefField:
    """A field of `section` entries, at `path` ('*' = every list item), naming a `target` entry."""

    section: str
    path: tuple[str, ...]
    target: str

    def __str__(self) -> str:
        return ".".join(self.path).replace(".*", "[]")


_CONTAINER_ROLE_PATHS = (
    ("containerProperties",),
    ("nodeProperties", "nodeRangeProperties", WILDCARD, "container"),
    ("ecsProperties", "taskProperties", WILDCARD),
    ("nodeProperties", "nodeRangeProperties", WILDCARD, "ecsProperties", "taskProperties", WILDCARD),
)

REFERENCES: tuple[RefField, ...] = (
    RefField("jobQueues", ("computeEnvironmentOrder", WILDCARD, "computeEnvironment"), "computeEnvironments"),
    RefField("jobQueues", ("schedulingPolicyArn",), "schedulingPolicies"),
    RefField("jobs", ("jobQueue",), "jobQueues"),
    RefField("jobs", ("jobDefinition",), "jobDefinitions"),
    RefField("jobs", ("dependsOn", WILDCARD, "jobId"), "jobs"),
    RefField("computeEnvironments", ("serviceRole",), "iam.roles"),
    RefField("computeEnvironments", ("computeResources", "instanceRole"), "iam.roles"),
    RefField("computeEnvironments", ("computeResources", "spotIamFleetRole"), "iam.roles"),
    *(RefField("jobDefinitions", (*base, field), "iam.roles")
      for base in _CONTAINER_ROLE_PATHS for field in ("jobRoleArn", "executionRoleArn")),
    # IAM, schedules and notifications (SPEC.md "References by name"; compiler/access.py)
    RefField("iam.roles", ("ManagedPolicyArns", WILDCARD), "iam.policies"),
    RefField("iam.roles", ("PermissionsBoundary",), "iam.policies"),
    *(RefField(section, (*base, "Access", WILDCARD, intent, field, WILDCARD), target)
      for section, base in (("iam.policies", ()), ("iam.roles", ("Policies", WILDCARD)))
      for intent, field, target in (("submit", "jobQueues", "jobQueues"),
                                    ("submit", "jobDefinitions", "jobDefinitions"),
                                    ("submit", "jobs", "jobs"),
                                    ("register", "passRoles", "iam.roles"))),
    RefField("schedules", ("job",), "jobs"),
    RefField("schedules", ("roleArn",), "iam.roles"),
    RefField("notifications", ("jobQueues", WILDCARD), "jobQueues"),
    RefField("triggers", ("job",), "jobs"),
    RefField("triggers", ("roleArn",), "iam.roles"),
)

# The service that assumes a role, by the field a role of the spec is named in (IAM-001..IAM-005).
ROLE_USES: dict[str, tuple[str, str]] = {
    # field: (service principal, what the role is, for messages)
    "serviceRole": ("batch.amazonaws.com", "the service role of compute environment"),
    "instanceRole": ("ec2.amazonaws.com", "the instance role of compute environment"),
    "spotIamFleetRole": ("spotfleet.amazonaws.com", "the Spot Fleet role of compute environment"),
    "jobRoleArn": ("ecs-tasks.amazonaws.com", "the job role of job definition"),
    "executionRoleArn": ("ecs-tasks.amazonaws.com", "the execution role of job definition"),
    "roleArn": ("events.amazonaws.com", "the role of schedule"),
    # A `roleArn` field by what uses it (role_uses): an EventBridge Scheduler schedule, a trigger.
    "schedulerRoleArn": ("scheduler.amazonaws.com", "the role of EventBridge Scheduler schedule"),
    "triggerRoleArn": ("events.amazonaws.com", "the role of trigger"),
}

PROJECT_TAG = "Project"


def default_tags(tags: object, project: object) -> dict[str, str]:
    """The tags batchgen puts on every taggable resource (SPEC.md): the spec's top-level
    `tags`, plus `Project: <project>` unless those tags name a Project themselves."""
    out = {k: v for k, v in tags.items() if isinstance(k, str) and isinstance(v, str)} if isinstance(tags, dict) else {}
    if isinstance(project, str) and project and PROJECT_TAG not in out:
        out[PROJECT_TAG] = project
    return out


_ARN = re.compile(r"^arn:")  # NT-014: anything starting with arn: is an ARN, a name otherwise


def is_arn(value: object) -> bool:
    return isinstance(value, str) and _ARN.match(value) is not None


def split_revision(job_definition: str) -> tuple[str, int | None]:
    """'name:3' -> ('name', 3); 'name' -> ('name', None). (SJ-003: name, name:revision or ARN.)"""
    name, sep, rev = job_definition.rpartition(":")
    if sep and rev.isdigit():
        return name, int(rev)
    return job_definition, None


def outside_definition(job_definition: str, defined) -> bool:
    """`name:revision` whose name no job definition of the spec has (`defined`): a definition
    registered outside the spec, the form SubmitJob and the CLI take (`my-def:28`). A spec
    name holds no ':' (NT-003), so this is as unambiguous as an ARN and passes through."""
    name, revision = split_revision(job_definition)
    return revision is not None and name not in defined


def partition_for(region: str | None) -> str:
    if region and region.startswith("cn-"):
        return "aws-cn"
    if region and region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def section_items(data: object, section: str) -> list | None:
    """The entries of `section` in the spec `data` ("iam.roles" is data["iam"]["roles"])."""
    node = data
    for part in section.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node if isinstance(node, list) else None


def section_path(section: str) -> tuple[str, ...]:
    """The pointer prefix of a section's list: ("iam", "roles") for "iam.roles"."""
    return SECTION[section].path if section in SECTION else tuple(section.split("."))


def walk_path(entry: object, path: tuple[str, ...], prefix: tuple = ()):
    """Yield (relative path, value) for every value at `path` in `entry` ('*' = each list item)."""
    if not path:
        yield prefix, entry
        return
    head, rest = path[0], path[1:]
    if head == WILDCARD:
        if isinstance(entry, list):
            for i, item in enumerate(entry):
                yield from walk_path(item, rest, (*prefix, i))
        return
    if isinstance(entry, dict) and head in entry:
        yield from walk_path(entry[head], rest, (*prefix, head))


@dataclass(frozen=True)
class RoleUse:
    """One field of the spec that names a role of `iam.roles`."""

    role: str
    field: str  # a ROLE_USES key
    section: str
    entry: str  # the using entry's name
    pointer: tuple  # where the name is written


def role_uses(spec: dict) -> list[RoleUse]:
    """Every use of an `iam.roles` name by a Batch role field or a schedule's roleArn, in spec order."""
    out: list[RoleUse] = []
    for ref in REFERENCES:
        if ref.target != "iam.roles" or ref.path[-1] not in ROLE_USES:
            continue
        for i, entry in enumerate(section_items(spec, ref.section) or []):
            if not isinstance(entry, dict):
                continue
            for rel, value in walk_path(entry, ref.path):
                if isinstance(value, str) and not is_arn(value):
                    name = entry.get(ALL_SECTIONS[ref.section])
                    out.append(RoleUse(value, _role_field(ref.section, entry, ref.path[-1]), ref.section, str(name),
                                       (*section_path(ref.section), i, *rel)))
    return out


def _role_field(section: str, entry: dict, field: str) -> str:
    """The ROLE_USES key of a role field: a trigger's or a Scheduler schedule's roleArn is
    assumed by another service than a rule-form schedule's."""
    if field == "roleArn" and section == "triggers":
        return "triggerRoleArn"
    if field == "roleArn" and section == "schedules" and uses_scheduler(entry):
        return "schedulerRoleArn"
    return field


def jobs_by_name(spec: dict) -> dict[str, dict]:
    jobs = spec.get("jobs")
    return {j["jobName"]: j for j in (jobs if isinstance(jobs, list) else [])
            if isinstance(j, dict) and isinstance(j.get("jobName"), str)}


def copy_data(value: object) -> object:
    """A deep copy of spec data (mappings, lists, scalars): what copy.deepcopy gives for
    it, five times faster. Recursion is bounded by the loader's depth limit."""
    t = type(value)
    if t is dict:  # scalars, most of a spec, are taken as they are without a call each
        return {k: v if type(v) in _SCALARS else copy_data(v) for k, v in value.items()}
    if t is list:
        return [v if type(v) in _SCALARS else copy_data(v) for v in value]
    return value


_SCALARS = frozenset((str, int, float, bool, type(None)))


_DURATION = re.compile(r"(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?(?:(\d+(?:\.\d+)?)s)?")


def duration_hours(text: object) -> float | None:
    """An `estimates[].duration` in hours: '5h' -> 5.0, '90m' -> 1.5, '1h30m' -> 1.5, '45s';
    None when it isn't one (or is zero)."""
    if not isinstance(text, str) or not text:
        return None
    m = _DURATION.fullmatch(text.strip())
    if not m or not any(m.groups()):
        return None
    h, mins, s = (float(g) if g else 0.0 for g in m.groups())
    hours = h + mins / 60 + s / 3600
    return hours if hours > 0 else None
