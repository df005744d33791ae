"""Facts of the spec language itself: its sections, their name fields, and which fields
name other entries. Shared by validate (reference integrity) and resolve (linking).
Knows no YAML positions and no output format.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# top-level section -> the field that names an entry (SPEC.md's table)
SECTIONS: dict[str, str] = {
    "computeEnvironments": "computeEnvironmentName",
    "schedulingPolicies": "name",
    "jobQueues": "jobQueueName",
    "jobDefinitions": "jobDefinitionName",
    "jobs": "jobName",
}

# Sections outside AWS Batch (SPEC.md's table): IAM entries are CloudFormation properties,
# schedules and notifications are batchgen's own. A dotted key is nested ("iam.roles" is
# the `roles` list under `iam`). ALL_SECTIONS is every section whose entries have names.
OTHER_SECTIONS: dict[str, str] = {
    "iam.roles": "RoleName",
    "iam.policies": "ManagedPolicyName",
    "schedules": "name",
    "notifications": "name",
    "estimates": "job",  # batchgen's own, for `batchgen cost`: one per jobs entry
}
ALL_SECTIONS: dict[str, str] = {**SECTIONS, **OTHER_SECTIONS}

# what a section's entry is called in messages
NOUNS: dict[str, str] = {
    "computeEnvironments": "compute environment",
    "schedulingPolicies": "scheduling policy",
    "jobQueues": "job queue",
    "jobDefinitions": "job definition",
    "jobs": "job",
    "iam.roles": "IAM role",
    "iam.policies": "IAM managed policy",
    "schedules": "schedule",
    "notifications": "notification",
    "estimates": "estimate",
}

WILDCARD = "*"


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
)

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
    return tuple(section.split("."))


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


def copy_data(value: object) -> object:
    """A deep copy of spec data (mappings, lists, scalars): what copy.deepcopy gives for
    it, five times faster. Recursion is bounded by the loader's depth limit."""
    if isinstance(value, dict):
        return {k: copy_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [copy_data(v) for v in value]
    return value


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
