"""Generate schemas/batchgen.schema.json from botocore's batch model and the catalog. Not used at runtime.

    .venv/bin/python tools/gen_schema.py            # rewrite the schema
    .venv/bin/python tools/gen_schema.py --check    # exit 1 if the committed schema is stale

The schema is the spec language's shape (SPEC.md): the top-level keys declared in
`SECTIONS` and `OWN_KEYS` below, and for each resource section the request shape of the
AWS call that creates it, walked from botocore's `batch` model (names, nesting, types, enums, required
members, a one-sentence description per property). On top of that, `OVERLAY` places the
catalog's limits: for each catalog ID, where it applies and which JSON Schema keywords
carry it. The numbers (and patterns, and documented value lists) are read from the
catalog entries' `limits` (compiler/data/catalog/*.yaml), never written here.

Output is deterministic: sorted keys, two-space indent, a trailing newline.
"""
from __future__ import annotations

import argparse
import html
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Union

import botocore
import botocore.session
from botocore.model import Shape

ROOT = Path(__file__).resolve().parents[1]
SCHEMA_PATH = ROOT / "schemas" / "batchgen.schema.json"

if str(ROOT) not in sys.path:  # `python tools/gen_schema.py` puts tools/, not the repo, on the path
    sys.path.insert(0, str(ROOT))

from compiler.catalog import Catalog, load_catalog  # noqa: E402
from compiler.language import ENTRY_OPTIONS, SECTION_TABLE  # noqa: E402
from compiler.validate.schema import schema_nodes  # noqa: E402

DRAFT = "https://json-schema.org/draft/2020-12/schema"
SERVICE = "batch"

# ---------------------------------------------------------------------------------------
# Top level. One place declares every top-level key; a new section (iam, schedules,
# notifications) is one more entry here.
# ---------------------------------------------------------------------------------------

# Resource sections: key -> (botocore request shape, description), from the section table
# (compiler/language.py). Each item of the array is that request body (SPEC.md "speak the
# APIs' own vocabulary").
SECTIONS: dict[str, tuple[str, str]] = {
    s.key: (s.shape, f"{s.title}: each entry is the request body of `{' '.join(s.cli)}`.")
    for s in SECTION_TABLE if s.shape
}

# Keys the API requires but batchgen fills in when omitted (SPEC.md "Defaults batchgen
# fills in"): dropped from the request shape's `required`.
SPEC_DEFAULTS: dict[str, tuple[str, ...]] = {
    "RegisterJobDefinitionRequest": ("type",),  # `type` omitted on a job definition: container
}

# Quotas an account may have had raised (SPEC.md `quotas:`); a catalog entry's `quota`
# names one of these.
QUOTAS: dict[str, str] = {
    "computeEnvironmentsPerAccount": "Compute environments per Region in this account (AWS default 50).",
    "jobQueuesPerAccount": "Job queues per Region in this account (AWS default 50).",
    "computeEnvironmentsPerJobQueue": "Compute environments per job queue (AWS default 3).",
}

# batchgen's own scalar keys. `project` becomes the prefix of generated names such as
# `<project>-batch-service-role`: IAM role names take at most 64 characters, so a project
# name of at most 32 leaves 32 for the suffix; its alphabet is the one Batch names use
# (NT-001..NT-004) with an alphanumeric first character (NT-005), so `<project>-...` is a
# valid name for every Batch resource, IAM role and tag value alike.
PROJECT_MAX = 32
OWN_KEYS: dict[str, dict[str, Any]] = {
    "batchgen": {
        "const": 1,
        "description": "The spec format version; this batchgen reads version 1.",
        "x-constraint": {"const": "BG-009"},
    },
    "project": {
        "type": "string",
        "pattern": "^[A-Za-z0-9][A-Za-z0-9_-]*$",
        "minLength": 1,
        "maxLength": PROJECT_MAX,
        "description": "A project name: used in default tags and as the prefix of generated role names.",
    },
    "region": {
        "type": "string",
        # us-east-1, us-gov-west-1, us-iso-east-1, cn-north-1, eusc-de-east-1, ...
        "pattern": "^[a-z]{2,4}(-[a-z]+){1,3}-[0-9]{1,2}$",
        "description": "The AWS Region, such as us-east-1.",
    },
    "account": {
        "type": "string",
        "pattern": "^[0-9]{12}$",
        "description": "The 12-digit AWS account ID (quote it in YAML); lets the CLI files carry full ARNs.",
    },
    "tags": {
        "$ref": "#/$defs/TagrisTagsMap",
        "description": "Tags applied to every taggable resource, merged under each entry's own tags.",
    },
    "quotas": {
        "type": "object",
        "additionalProperties": False,
        "properties": {k: {"type": "integer", "minimum": 1, "description": d} for k, d in QUOTAS.items()},
        "description": "Service quotas AWS raised for this account above the documented defaults.",
    },
    # What `batchgen import aws` found running that the spec can't say otherwise, for
    # `compile --adopt` (SPEC.md `adopt`): import IDs need a job definition's revision and an
    # existing rule's target ID.
    "adopt": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "jobDefinitions": {
                "type": "object",
                "additionalProperties": {"type": "integer", "minimum": 1},
                "description": "The revision of each job definition (by name) that runs now; compile --adopt "
                               "imports it into Terraform state.",
            },
            "computeEnvironments": {
                "type": "object",
                "additionalProperties": {"type": "string", "pattern": "^[A-Za-z0-9_-]+$", "maxLength": 128},
                "description": "The name each compute environment (by spec name) runs under now, where it isn't "
                               "batchgen's own <name>-<replacement key>; compile --adopt imports it, and "
                               "Terraform then replaces it, create before destroy, by one under batchgen's name.",
            },
            "eventTargets": {
                "type": "object",
                "additionalProperties": {"type": "string", "pattern": "^[.\\-_A-Za-z0-9]+$", "maxLength": 64},
                "description": "The target ID of a schedule's or notification's existing EventBridge target "
                               "(by rule name), where it isn't batchgen's own (batch-job, sns-topic).",
            },
        },
        "description": "What runs already, for `batchgen compile --adopt` (written by `batchgen import aws`).",
    },
}
TOP_REQUIRED = ("batchgen",)

# ---------------------------------------------------------------------------------------
# batchgen's own sections outside AWS Batch: `iam` (CloudFormation AWS::IAM::Role and
# AWS::IAM::ManagedPolicy properties, plus batchgen's `Access`), `schedules` and
# `notifications` (docs/iam.md). Hand-written, since botocore's batch model doesn't have
# them; every limit is read from the catalog entry that owns it (BG-1xx, EV-*).
# ---------------------------------------------------------------------------------------

OWN_SECTIONS = ("iam", "logGroups", "schedules", "notifications", "triggers", "estimates")
LOG_GROUPS_ID = "BG-161"
JOB_STATUSES_ID = "EV-002"


def _limited(node: dict[str, Any], cid: str, lim: Mapping[str, Any], **keywords: str) -> dict[str, Any]:
    """`node` with each JSON Schema keyword set to the catalog limit it names, tagged with `cid`."""
    out = dict(node)
    for keyword, limit in keywords.items():
        out[keyword] = lim[limit]
    out["x-constraint"] = {**node.get("x-constraint", {}), **{k: cid for k in keywords}}
    return out


TERRAFORM_ID = "BG-024"
SUPPRESSION_ID = "BG-025"


def own_sections(catalog: Catalog) -> tuple[dict[str, Any], dict[str, Any]]:
    """(top-level properties, $defs) of `iam`, `schedules`, `notifications` and `estimates`."""
    names = catalog["BG-104"].limits
    grammar = catalog["BG-101"].limits
    access = catalog["BG-116"].limits
    statuses = catalog[JOB_STATUSES_ID].limits["statuses"]

    def string(description: str, **extra: Any) -> dict[str, Any]:
        return {"type": "string", "description": description, **extra}

    def strings(description: str) -> dict[str, Any]:
        return {"type": "array", "items": {"type": "string"}, "description": description}

    def closed(description: str, properties: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
        node: dict[str, Any] = {"type": "object", "additionalProperties": False, "properties": properties,
                                "description": description}
        if required:
            node["required"] = list(required)
        return node

    def ref(name: str, description: str) -> dict[str, Any]:
        return {"$ref": f"#/$defs/{name}", "description": description}

    iam_name = _limited(string(""), "BG-104", names, pattern="iam_name_pattern")
    string_or_list = {"type": ["string", "array"], "items": {"type": "string"}}
    principal = {
        "type": ["string", "object"],
        "additionalProperties": False,
        "properties": {k: dict(string_or_list, description=d) for k, d in (
            ("AWS", "Account, user or role ARNs (or \"*\")."),
            ("Service", "Service principals such as ecs-tasks.amazonaws.com."),
            ("Federated", "Identity providers."),
            ("CanonicalUser", "Canonical user IDs."),
        )},
    }
    defs: dict[str, Any] = {
        "IamPolicyDocument": closed(
            "An IAM policy document (IAM JSON policy grammar), written as YAML or JSON.",
            {
                "Version": {"type": "string", "enum": grammar["versions"], "x-constraint": {"enum": "BG-101"},
                            "description": "The policy language version; use 2012-10-17."},
                "Id": string("An optional identifier for the policy."),
                "Statement": {
                    "if": {"type": "array"},
                    "then": {"type": "array", "items": {"$ref": "#/$defs/IamPolicyStatement"}},
                    "else": {"$ref": "#/$defs/IamPolicyStatement"},
                    "description": "One statement, or a list of them.",
                },
            },
            ("Statement",),
        ),
        "IamPolicyStatement": closed(
            "One statement of an IAM policy.",
            {
                "Sid": _limited(string("A statement ID: letters and digits."), "BG-101", grammar, pattern="sid_pattern"),
                "Effect": {"type": "string", "enum": ["Allow", "Deny"], "description": "Allow or Deny."},
                "Action": dict(string_or_list, description="service:Action names; * and ? are wildcards."),
                "NotAction": dict(string_or_list, description="Every action except these."),
                "Resource": dict(string_or_list, description="Resource ARNs, or \"*\"."),
                "NotResource": dict(string_or_list, description="Every resource except these."),
                "Principal": dict(principal, description="Who the statement applies to (trust and resource policies)."),
                "NotPrincipal": dict(principal, description="Everyone except these principals."),
                "Condition": {
                    "type": "object",
                    "additionalProperties": {
                        "type": "object",
                        "additionalProperties": {"type": ["string", "number", "boolean", "array"],
                                                 "items": {"type": ["string", "number", "boolean"]}},
                    },
                    "description": "Condition operator -> condition key -> value(s).",
                },
            },
            ("Effect",),
        ),
        "IamAccessItem": {
            "if": {"type": "string"},
            "then": {"type": "string", "enum": ["read"]},
            "else": {"$ref": "#/$defs/IamAccessIntent"},
            "description": "`read`, or a one-key mapping {submit: ...} or {register: ...}.",
        },
        "IamAccessIntent": _limited(closed(
            "One intent: submit or register.",
            {
                "submit": ref("IamSubmitAccess", "May submit jobs to these queues with these job definitions."),
                "register": ref("IamRegisterAccess", "May register (and deregister) job definitions under a name prefix."),
            },
        ), "BG-116", access, minProperties="intents_per_item", maxProperties="intents_per_item"),
        "IamSubmitAccess": closed(
            "batch:SubmitJob on exactly these job-queue and job-definition ARNs (any revision).",
            {
                "jobQueues": strings("Job queues: names of jobQueues entries, or queue ARNs."),
                "jobDefinitions": strings("Job definitions: names of jobDefinitions entries (name or name:revision), or ARNs."),
                "jobs": strings("jobs entries: each adds its job queue and job definition."),
            },
        ),
        "IamRegisterAccess": closed(
            "batch:RegisterJobDefinition and DeregisterJobDefinition on job definitions named <namePrefix>*, "
            "restricted by the batch:User, batch:Image and batch:Privileged condition keys.",
            {
                "namePrefix": _limited(string("The job definition name prefix, e.g. JobDefA_."), "BG-116", access,
                                       pattern="name_prefix_pattern"),
                "users": strings("Allowed container users (batch:User); prefer numeric uids."),
                "images": strings("Allowed images (batch:Image); * makes it a StringLike match."),
                "privileged": {"type": "boolean", "description": "Allow privileged containers (default false)."},
                "passRoles": strings("Job roles the definitions may use: iam.roles names or role ARNs (iam:PassRole)."),
            },
            ("namePrefix", "users", "images"),
        ),
        "IamInlinePolicy": closed(
            "An inline policy of a role (AWS::IAM::Role Policy): PolicyDocument, Access, or both.",
            {
                "PolicyName": _limited(iam_name, "BG-104", names, maxLength="policy_name_max"),
                "PolicyDocument": ref("IamPolicyDocument", "The policy document."),
                "Access": {"type": "array", "items": {"$ref": "#/$defs/IamAccessItem"},
                           "description": "batchgen's access by intent, compiled to statements (docs/iam.md)."},
            },
            ("PolicyName",),
        ),
        "IamTag": closed("A tag.", {
            "Key": _limited(string("The tag key."), "BG-104", names, maxLength="tag_key_max"),
            "Value": _limited(string("The tag value."), "BG-104", names, maxLength="tag_value_max"),
        }, ("Key", "Value")),
        "IamRole": closed(
            "An IAM role: CloudFormation AWS::IAM::Role properties.",
            {
                "RoleName": _limited(iam_name, "BG-104", names, maxLength="role_name_max"),
                "AssumeRolePolicyDocument": ref(
                    "IamPolicyDocument",
                    "The trust policy; omitted, batchgen writes one for the services the spec uses the role with."),
                "ManagedPolicyArns": strings("Managed policies to attach: ARNs, or ManagedPolicyName of iam.policies entries."),
                "Policies": {"type": "array", "items": {"$ref": "#/$defs/IamInlinePolicy"},
                             "description": "Inline policies."},
                "Path": _limited(string("The role's path, e.g. /batch/."), "BG-104", names,
                                 pattern="path_pattern", maxLength="path_max"),
                "PermissionsBoundary": string("A managed policy ARN (or iam.policies name) that bounds the role's permissions."),
                "MaxSessionDuration": _limited({"type": "integer", "description": "Seconds, 3600 to 43200."},
                                               "BG-104", names, minimum="session_min", maximum="session_max"),
                "Description": _limited(string("A description."), "BG-104", names, maxLength="description_max"),
                "Tags": _limited({"type": "array", "items": {"$ref": "#/$defs/IamTag"}, "description": "Tags."},
                                 "BG-104", names, maxItems="tags_max"),
            },
            ("RoleName",),
        ),
        "IamManagedPolicy": closed(
            "A customer managed policy: CloudFormation AWS::IAM::ManagedPolicy properties, plus Access.",
            {
                "ManagedPolicyName": _limited(iam_name, "BG-104", names, maxLength="policy_name_max"),
                "PolicyDocument": ref("IamPolicyDocument", "The policy document."),
                "Access": {"type": "array", "items": {"$ref": "#/$defs/IamAccessItem"},
                           "description": "batchgen's access by intent, compiled to statements (docs/iam.md)."},
                "Path": _limited(string("The policy's path, e.g. /batch/."), "BG-104", names,
                                 pattern="path_pattern", maxLength="path_max"),
                "Description": _limited(string("A description."), "BG-104", names, maxLength="description_max"),
            },
            ("ManagedPolicyName",),
        ),
        "EventSchedule": closed(
            "A schedule: an EventBridge rule that submits a jobs entry (batchgen's own).",
            {
                "name": _limited(string("The EventBridge rule name."), "BG-104", names,
                                 pattern="rule_name_pattern", maxLength="rule_name_max"),
                "scheduleExpression": _limited(string("rate(5 minutes) or cron(0 2 * * ? *) (EV-006)."), "BG-104", names,
                                               maxLength="schedule_expression_max"),
                "job": string("The jobs entry to submit (by jobName)."),
                "description": _limited(string("The rule's description."), "BG-104", names,
                                        maxLength="rule_description_max"),
                "state": {"type": "string", "enum": ["ENABLED", "DISABLED"], "description": "Default ENABLED."},
                "roleArn": string("The role EventBridge submits with: an iam.roles name or a role ARN; "
                                  "omitted, batchgen generates one allowed exactly this job."),
                **scheduler_properties(catalog, string, closed),
            },
            ("name", "scheduleExpression", "job"),
        ),
        **trigger_defs(catalog, string, closed, names),
        "EventSubscription": closed("A subscription to the notification topic.", {
            "protocol": {"type": "string", "enum": ["email", "email-json", "sms", "sqs", "lambda", "http", "https",
                                                   "application", "firehose"], "description": "The SNS protocol."},
            "endpoint": string("The address, ARN or URL that receives the messages."),
        }, ("protocol", "endpoint")),
        "EventNotification": closed(
            "A notification: job state changes of the named queues go to an SNS topic (batchgen's own).",
            {
                "name": _limited(string("The EventBridge rule name."), "BG-104", names,
                                 pattern="rule_name_pattern", maxLength="rule_name_max"),
                "jobQueues": strings("Queues to watch (names of jobQueues entries or queue ARNs); omitted, every queue of the spec."),
                "statuses": {"type": "array", "items": {"type": "string", "enum": statuses,
                                                        "x-constraint": {"enum": JOB_STATUSES_ID}},
                             "description": "Job statuses to report; default [FAILED]."},
                "topic": string("An SNS topic name to create, or an existing topic's ARN."),
                "subscriptions": {"type": "array", "items": {"$ref": "#/$defs/EventSubscription"},
                                  "description": "Subscriptions to create on the topic."},
                "kmsMasterKeyId": string("A customer managed KMS key for the topic (alias/aws/sns can't work with EventBridge)."),
                "description": _limited(string("The rule's description."), "BG-104", names,
                                        maxLength="rule_description_max"),
                "state": {"type": "string", "enum": ["ENABLED", "DISABLED"], "description": "Default ENABLED."},
            },
            ("name", "topic"),
        ),
    }
    terraform = catalog[TERRAFORM_ID].limits
    suppression = catalog[SUPPRESSION_ID].limits
    defs.update({
        "TerraformSettings": closed(
            "How the Terraform output is run: where state lives, which Terraform and provider versions, which "
            "accounts the provider may touch (batchgen's own; written to versions.tf, backend.tf, providers.tf).",
            {
                "requiredVersion": _limited(string("Terraform's version constraint (required_version); "
                                                   "default >= 1.5.0."), TERRAFORM_ID, terraform,
                                            pattern="constraint_pattern"),
                "providerVersion": _limited(string("hashicorp/aws's version constraint; default >= 6.0. It must "
                                                   "admit a 6.x or later release."), TERRAFORM_ID, terraform,
                                            pattern="constraint_pattern"),
                "backend": _limited({
                    "type": "object",
                    "description": "Where Terraform keeps state: one backend type and its settings, in Terraform's "
                                   "own names, e.g. {s3: {bucket: tf-state, key: batch/prod.tfstate, "
                                   "region: us-east-1, use_lockfile: true}}.",
                    "propertyNames": {"enum": terraform["backends"], "x-constraint": {"enum": TERRAFORM_ID}},
                    "additionalProperties": {
                        "type": "object",
                        "additionalProperties": {"type": ["string", "number", "boolean", "array", "object"]},
                        "description": "The backend's settings.",
                    },
                }, TERRAFORM_ID, terraform, minProperties="backends_per_module", maxProperties="backends_per_module"),
                "allowedAccountIds": {
                    "type": "array",
                    "items": _limited({"type": "string"}, TERRAFORM_ID, terraform, pattern="account_pattern"),
                    "description": "Accounts the provider may act in (allowed_account_ids); default [account] "
                                   "when `account` is set; [] writes none.",
                },
                "assumeRole": closed("The role Terraform assumes (the provider's assume_role).", {
                    "roleArn": _limited(string("The role's ARN."), TERRAFORM_ID, terraform, pattern="role_arn_pattern"),
                    "sessionName": string("The session name."),
                    "externalId": string("The external ID the role's trust policy asks for."),
                    "duration": _limited(string("How long the session lasts, e.g. 1h."), TERRAFORM_ID, terraform,
                                         pattern="duration_pattern"),
                }, ("roleArn",)),
            },
        ),
        "EntryOptions": closed(
            "batchgen's own settings of one entry; left out of every request body.",
            {"ignore": {
                "type": "object",
                "propertyNames": _limited({}, SUPPRESSION_ID, suppression, pattern="code_pattern"),
                "additionalProperties": _limited(string("Why the rule doesn't apply here (required)."),
                                                 SUPPRESSION_ID, suppression, pattern="reason_pattern"),
                "description": "Rules not to report on this entry: rule code -> the reason, e.g. "
                               "{CE-052: \"the AMI has the NVIDIA driver baked in\"}.",
            }},
        ),
    })
    defs["CostEstimate"] = closed(
        "How long one run of a jobs entry typically takes, and how often it runs (batchgen's own, for `batchgen cost`).",
        {
            "job": string("The jobs entry (by jobName)."),
            "duration": string("A typical run's wall-clock time: hours, minutes and seconds such as 5h, 90m, "
                               "1h30m or 45s (BG-123)."),
            "runsPerMonth": _limited({"type": "number",
                                      "description": "Runs in a 30-day month; default: from the job's schedules, else 1."},
                                     "BG-124", catalog["BG-124"].limits, exclusiveMinimum="runs_above"),
        },
        ("job", "duration"),
    )
    log_groups = catalog[LOG_GROUPS_ID].limits
    defs["LogGroup"] = closed(
        "A CloudWatch Logs group for a container's awslogs-group, created by batchgen with a retention (batchgen's "
        "own; aws_cloudwatch_log_group, or logs create-log-group and put-retention-policy).",
        {
            "name": _limited(string("The log group's name, e.g. /batch/billing (the awslogs-group option)."),
                             LOG_GROUPS_ID, log_groups, pattern="name_pattern", maxLength="name_max"),
            "retentionInDays": {"type": "integer", "enum": log_groups["retention_days"],
                                "x-constraint": {"enum": LOG_GROUPS_ID},
                                "description": "How many days CloudWatch Logs keeps the events (a value "
                                               "PutRetentionPolicy takes)."},
            "kmsKeyId": string("A KMS key ARN to encrypt the log events with (its key policy must let "
                               "logs.<region>.amazonaws.com use it)."),
        },
        ("name", "retentionInDays"),
    )
    # Topic names are checked where they are names (not ARNs), by a rule (BG-104).
    properties = {
        "terraform": ref("TerraformSettings", "How the Terraform output is run (backend, versions, accounts)."),
        "iam": closed("IAM roles and customer managed policies (CloudFormation properties, PascalCase).", {
            "roles": {"type": "array", "items": {"$ref": "#/$defs/IamRole"},
                      "description": "Roles: each entry is CloudFormation AWS::IAM::Role properties."},
            "policies": {"type": "array", "items": {"$ref": "#/$defs/IamManagedPolicy"},
                         "description": "Managed policies: each entry is AWS::IAM::ManagedPolicy properties, plus Access."},
        }),
        "logGroups": {"type": "array", "items": {"$ref": "#/$defs/LogGroup"},
                      "description": "Log groups batchgen creates, with a retention, for the containers' "
                                     "awslogs-group."},
        "schedules": {"type": "array", "items": {"$ref": "#/$defs/EventSchedule"},
                      "description": "Schedules: EventBridge rules that submit jobs entries."},
        "notifications": {"type": "array", "items": {"$ref": "#/$defs/EventNotification"},
                          "description": "Notifications: job state changes sent to an SNS topic."},
        "triggers": {"type": "array", "items": {"$ref": "#/$defs/EventTrigger"},
                     "description": "Triggers: new objects in an S3 bucket submit a jobs entry (EventBridge rules)."},
        "estimates": {"type": "array", "items": {"$ref": "#/$defs/CostEstimate"},
                      "description": "Estimates for `batchgen cost`: each jobs entry's typical duration and runs per month."},
    }
    return properties, defs


# ---------------------------------------------------------------------------------------
# `environments` (compiler/environments.py): name -> an overlay in the spec's own shape.
# The overlay schema carries the overlay's *structure* only: which top-level keys it may set,
# and that a list of named entries names each entry. The values themselves are checked in
# the merged spec of each environment (located in the overlay), so they aren't constrained
# here: a constraint here would report the same problem twice.
# ---------------------------------------------------------------------------------------

ENVIRONMENTS_KEY = "environments"
NOT_OVERLAID = ("batchgen", ENVIRONMENTS_KEY)


def environment_overlay(properties: Mapping[str, Any]) -> dict[str, Any]:
    """The $def of one overlay, from the spec's top-level `properties`."""
    from compiler.language import ALL_SECTIONS

    def named_list(section: str, name_field: str) -> dict[str, Any]:
        return {"type": "array", "description": f"Entries of {section} to change, each named by its {name_field}.",
                "items": {"type": "object", "required": [name_field],
                          "properties": {name_field: {"type": "string"}},
                          "description": f"Fields to merge into the {section} entry of this {name_field}."}}

    nested: dict[str, dict[str, Any]] = {}
    for section, name_field in ALL_SECTIONS.items():
        parent, _, child = section.partition(".")
        if child:
            nested.setdefault(parent, {})[child] = named_list(section, name_field)
    overlay: dict[str, Any] = {}
    for key in sorted(properties):
        if key in NOT_OVERLAID:
            continue
        if key in ALL_SECTIONS:
            overlay[key] = named_list(key, ALL_SECTIONS[key])
        elif key in nested:
            overlay[key] = {"type": "object", "additionalProperties": False, "properties": nested[key],
                            "description": f"Entries of {key} to change, matched by name."}
        else:
            overlay[key] = {"description": f"Replaces the spec's {key} (a mapping merges into it key by key; "
                                           "null removes a key)."}
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": overlay,
        "description": "An environment: values that replace or merge into the spec's (RFC 7386 merge; lists of "
                       "named entries are matched by name and can't gain entries).",
    }

TARGET_ID = "BG-138"  # the limits of Scheduler's and EventBridge targets' options


def _target_options(catalog: Catalog, string: Callable, closed: Callable) -> dict[str, Any]:
    """deadLetterQueue and retryPolicy: the options of an EventBridge or Scheduler target (BG-138's limits)."""
    lim = catalog[TARGET_ID].limits
    tag = {"x-constraint": {"minimum": TARGET_ID, "maximum": TARGET_ID}}
    return {
        "deadLetterQueue": _limited(string("An existing SQS queue's ARN: where EventBridge puts a submission that "
                                           "failed after its retries."), TARGET_ID, lim, pattern="queue_arn_pattern"),
        "retryPolicy": closed("How long and how often EventBridge retries a failed submission.", {
            "maximumEventAgeInSeconds": {"type": "integer", "minimum": lim["event_age"][0],
                                         "maximum": lim["event_age"][1], **tag,
                                         "description": "Give up on an event this many seconds old (default 86400)."},
            "maximumRetryAttempts": {"type": "integer", "minimum": lim["retry_attempts"][0],
                                     "maximum": lim["retry_attempts"][1], **tag,
                                     "description": "Retries before giving up (default 185)."},
        }),
    }


def scheduler_properties(catalog: Catalog, string: Callable, closed: Callable) -> dict[str, Any]:
    """A schedule's EventBridge Scheduler fields (compiler/eventbridge.py uses_scheduler)."""
    window = catalog[TARGET_ID].limits
    return {
        "scheduler": {"type": "boolean",
                      "description": "true: EventBridge Scheduler (aws_scheduler_schedule); false: an EventBridge rule. "
                                     "Omitted, Scheduler when a time zone or flexible window is given."},
        "scheduleExpressionTimezone": string("The time zone cron runs in, e.g. Europe/Dublin (IANA); makes the "
                                             "schedule an EventBridge Scheduler schedule (BG-137)."),
        "flexibleTimeWindow": closed("A window after the scheduled time in which Scheduler may start the job.", {
            "mode": {"type": "string", "enum": window["modes"], "description": "OFF or FLEXIBLE."},
            "maximumWindowInMinutes": _limited({"type": "integer", "description": "The window's length "
                                                "(1-1440), for FLEXIBLE (BG-138)."}, TARGET_ID, window,
                                               minimum="min", maximum="max"),
        }, ("mode",)),
        "kmsKeyArn": _limited(string("A customer managed KMS key (ARN) Scheduler encrypts the job's request with; "
                                     "the generated role may kms:Decrypt with it."), TARGET_ID, window,
                              pattern="kms_key_pattern"),
        **_target_options(catalog, string, closed),
    }


def trigger_defs(catalog: Catalog, string: Callable, closed: Callable, names: Mapping[str, Any]) -> dict[str, Any]:
    """`triggers` entries: S3 Object Created events of a bucket submit a jobs entry (docs/SPEC.md)."""
    return {"EventTrigger": closed(
        "A trigger: an EventBridge rule on S3 Object Created events of a bucket that submits a jobs entry, "
        "with parameters taken from the event (batchgen's own).",
        {
            "name": _limited(string("The EventBridge rule name."), "BG-104", names,
                             pattern="rule_name_pattern", maxLength="rule_name_max"),
            "bucket": string("The existing S3 bucket (by name) whose new objects submit the job (BG-130)."),
            "prefix": string("Only keys that start with this (literal, no wildcards)."),
            "suffix": string("Only keys that end with this, e.g. .csv."),
            "job": string("The jobs entry to submit (by jobName)."),
            "parameters": {"type": "object", "additionalProperties": {"type": "string"},
                           "description": "Job parameters filled from the event, over the job's own: "
                                          "{bucket}, {key}, {size}, {etag}, {time}, {eventId}, e.g. "
                                          "inputUri: \"s3://{bucket}/{key}\" (BG-132)."},
            "description": _limited(string("The rule's description."), "BG-104", names,
                                    maxLength="rule_description_max"),
            "state": {"type": "string", "enum": ["ENABLED", "DISABLED"], "description": "Default ENABLED."},
            "roleArn": string("The role EventBridge submits with: an iam.roles name or a role ARN; "
                              "omitted, batchgen generates one allowed exactly this job."),
            "manageBucketNotification": {
                "type": "boolean",
                "description": "Default true: batchgen turns on the bucket's S3 -> EventBridge delivery "
                               "(aws_s3_bucket_notification, which owns the bucket's notification "
                               "configuration: BG-135); false: it is turned on elsewhere."},
            **_target_options(catalog, string, closed),
        },
        ("name", "bucket", "job"),
    )}

# ---------------------------------------------------------------------------------------
# Overlay: the catalog's limits, placed. Each entry: where (a botocore shape, `Shape`, or
# one of its members, `Shape.member`, optionally followed by `/items`), the catalog ID,
# and keyword -> value. A value is the name of a limit in the catalog entry, a function of
# the entry's limits, or MODEL (the keyword already comes from botocore; only tag it).
# ---------------------------------------------------------------------------------------

MODEL = "<model>"
LimitValue = Union[str, Callable[[Mapping[str, Any]], Any]]


@dataclass(frozen=True)
class Place:
    at: str
    cid: str
    keywords: Mapping[str, LimitValue] = field(default_factory=dict)


def literal(text: str) -> str:
    """`text` as a regex that means the same in ECMA-262 (JSON Schema) and Python."""
    return "".join(c if c.isalnum() or c in "_-:/ " else "\\" + c for c in text)


def not_prefix(name: str) -> Callable[[Mapping[str, Any]], str]:
    """A pattern that rejects strings starting with the limit `name` (a literal prefix)."""
    return lambda lim: "^(?!" + literal(lim[name]) + ")"


def zero_or_range(lim: Mapping[str, Any]) -> list[dict[str, Any]]:
    """CE-030: `disabled` (no scale-down delay) or min..max."""
    return [{"const": lim["disabled"]}, {"minimum": lim["min"], "maximum": lim["max"]}]


def case_insensitive(values: list[str]) -> str:
    """A pattern accepting each value in any letter case, portable (no inline flags)."""
    alts = ("".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else literal(c) for c in v) for v in values)
    return "^(?:" + "|".join(alts) + ")$"


# Enums AWS documents as case-insensitive: the `enum` becomes a pattern plus `examples`
# (which editors offer as completions). JDY-003: "The values aren't case sensitive."
CASE_INSENSITIVE_ENUMS = ("RetryAction",)

NAME = {"pattern": "pattern", "minLength": "min", "maxLength": "max"}
RANGE = {"minimum": "min", "maximum": "max"}
COUNT = {"minItems": "min", "maxItems": "max"}
ENUM = {"enum": MODEL}

OVERLAY: tuple[Place, ...] = (
    # 1. Names and tags
    Place("CreateComputeEnvironmentRequest.computeEnvironmentName", "NT-001", NAME),
    Place("CreateJobQueueRequest.jobQueueName", "NT-002", NAME),
    Place("RegisterJobDefinitionRequest.jobDefinitionName", "NT-003", NAME),
    Place("CreateSchedulingPolicyRequest.name", "NT-004", NAME),
    Place("SubmitJobRequest.jobName", "NT-005", NAME),
    # The model's TagrisTagsMap is 1-50 entries; NT-007's review allows `tags: {}`.
    Place("TagrisTagsMap", "NT-007", {"maxProperties": "max"}),
    Place("TagKey", "NT-008", {"minLength": "key_min", "maxLength": "key_max"}),
    Place("TagValue", "NT-008", {"maxLength": "value_max"}),
    # 2. Compute environments
    Place("CEType", "CE-001", ENUM),
    Place("CEState", "CE-002", ENUM),
    Place("ContainerInsights", "CE-010", ENUM),
    Place("CRType", "CE-011", ENUM),
    Place("ComputeResource.minvCpus", "CE-012", {"minimum": "min"}),
    Place("ComputeResource.maxvCpus", "CE-012", {"minimum": "min"}),
    Place("ComputeResource.desiredvCpus", "CE-012", {"minimum": "min"}),
    Place("CRAllocationStrategy", "CE-021", ENUM),
    Place("ComputeResource.bidPercentage", "CE-026", RANGE),
    Place("ComputeScalingPolicy.minScaleDownDelayMinutes", "CE-030", {"anyOf": zero_or_range}),
    Place("LaunchTemplateSpecification.version", "CE-040", {"pattern": "pattern"}),
    Place("LaunchTemplateSpecificationOverride.version", "CE-040", {"pattern": "pattern"}),
    Place("LaunchTemplateSpecification.overrides", "CE-041", {"maxItems": "max"}),
    Place("ComputeResource.ec2Configuration", "CE-047", {"minItems": "entries_min", "maxItems": "entries_max"}),
    Place("ImageType", "CE-047", {"minLength": "length_min", "maxLength": "length_max"}),
    Place("ImageIdOverride", "CE-047", {"minLength": "length_min", "maxLength": "length_max"}),
    Place("KubernetesVersion", "CE-047", {"minLength": "length_min", "maxLength": "length_max"}),
    Place("UserdataType", "CE-050", ENUM),
    Place("EksConfiguration.kubernetesNamespace", "CE-054", NAME),
    Place("EksAccessEntryDesiredState", "CE-056", ENUM),
    # 3. Job queues
    Place("CreateJobQueueRequest.priority", "JQ-001", RANGE),
    Place("JQState", "JQ-002", ENUM),
    Place("CreateJobQueueRequest.computeEnvironmentOrder", "JQ-004", COUNT),
    Place("CreateJobQueueRequest.serviceEnvironmentOrder", "JQ-013", {"maxItems": "max"}),
    Place("JobStateTimeLimitActionsState", "JQ-016", ENUM),
    Place("JobStateTimeLimitActionsAction", "JQ-016", ENUM),
    Place("JobStateTimeLimitAction.maxTimeSeconds", "JQ-016", RANGE),
    # 4. Scheduling policies
    Place("FairsharePolicy.shareDecaySeconds", "SP-003", RANGE),
    Place("FairsharePolicy.computeReservation", "SP-004", RANGE),
    Place("ShareAttributes.weightFactor", "SP-007", RANGE),
    Place("QuotaShareIdleResourceAssignmentStrategy", "SP-008", ENUM),
    # 5. Job definitions
    Place("JobDefinitionType", "JD-001", ENUM),
    Place("PlatformCapability", "JD-003", ENUM),
    Place("RegisterJobDefinitionRequest.schedulingPriority", "JD-006", RANGE),
    Place("KeyValuePair.name", "JDC-003", {"pattern": not_prefix("prefix")}),
    Place("ResourceType", "JDR-001", ENUM),
    Place("NodeProperties.nodeRangeProperties", "JDM-004", {"maxItems": "max"}),
    Place("NodeRangeProperty.targetNodes", "JDM-005", {"pattern": "pattern"}),
    Place("NodePropertyOverride.targetNodes", "JDM-005", {"pattern": "pattern"}),  # SJO-008: same syntax
    Place("NodeRangeProperty.instanceTypes", "JDM-008", {"maxItems": "max"}),
    Place("RetryStrategy.attempts", "JDY-001", RANGE),
    Place("RetryStrategy.evaluateOnExit", "JDY-002", {"maxItems": "max"}),
    Place("RetryAction", "JDY-003", {"pattern": MODEL}),
    Place("EvaluateOnExit.onStatusReason", "JDY-004", {"pattern": "pattern", "maxLength": "max"}),
    Place("EvaluateOnExit.onReason", "JDY-004", {"pattern": "pattern", "maxLength": "max"}),
    Place("EvaluateOnExit.onExitCode", "JDY-005", {"pattern": "pattern", "maxLength": "max"}),
    Place("JobTimeout.attemptDurationSeconds", "JDT-001", {"minimum": "min"}),
    Place("Volume.name", "JDV-001", {"pattern": "pattern", "maxLength": "max"}),
    Place("EFSVolumeConfiguration.rootDirectory", "JDV-004", {"maxLength": "root_max"}),
    Place("EFSVolumeConfiguration.transitEncryptionPort", "JDV-004", {"minimum": "port_min", "maximum": "port_max"}),
    Place("Ulimit.name", "JDV-008", {"enum": "names"}),
    Place("DeviceCgroupPermission", "JDV-009", ENUM),
    Place("LogDriver", "JDV-013", ENUM),
    Place("EcsProperties.taskProperties", "JDE-001", {"minItems": "tasks", "maxItems": "tasks"}),
    Place("EcsTaskProperties.containers", "JDE-001", {"minItems": "containers_min", "maxItems": "containers_max"}),
    Place("TaskContainerProperties.startTimeout", "JDE-005", {"minimum": "min"}),
    Place("TaskContainerProperties.stopTimeout", "JDE-005", {"minimum": "min"}),
    Place("FirelensConfigurationType", "JDE-007", ENUM),
    Place("EksPodProperties.containers", "JDK-002", {"maxItems": "max"}),
    Place("EksPodProperties.initContainers", "JDK-002", {"maxItems": "max"}),
    Place("Quantity", "JDK-003", {"minLength": "quantity_min", "maxLength": "quantity_max"}),
    Place("EksContainerEnvironmentVariable.name", "JDK-004", {"pattern": not_prefix("prefix")}),
    Place("EksMetadata.namespace", "JDK-005", NAME),
    Place("EksPodProperties.dnsPolicy", "JDK-008", {"enum": "dns_policies"}),
    Place("EksContainer.imagePullPolicy", "JDK-008", {"enum": "image_pull_policies"}),
    Place("EksContainerSecurityContext.runAsUser", "JDK-009", {"minimum": "id_min", "maximum": "id_max"}),
    Place("EksContainerSecurityContext.runAsGroup", "JDK-009", {"minimum": "id_min", "maximum": "id_max"}),
    Place("EksPodSecurityContext.runAsUser", "JDK-009", {"minimum": "id_min", "maximum": "id_max"}),
    Place("EksPodSecurityContext.runAsGroup", "JDK-009", {"minimum": "id_min", "maximum": "id_max"}),
    Place("EksPodSecurityContext.fsGroup", "JDK-009", {"minimum": "id_min", "maximum": "id_max"}),
    Place("EksContainerLinuxCapabilityList", "JDK-009", {"maxItems": "capabilities_max"}),
    Place(
        "EksContainerLinuxCapability",
        "JDK-009",
        {"minLength": "capability_min", "maxLength": "capability_max", "pattern": not_prefix("capability_prefix")},
    ),
    Place("EksSeccompLocalhostProfile", "JDK-009", {"minLength": "profile_min", "maxLength": "profile_max"}),
    # 6. Submit-job templates
    Place("SubmitJobRequest.schedulingPriorityOverride", "SJ-005", RANGE),
    Place("ArrayProperties.size", "SJA-001", RANGE),
    Place("SubmitJobRequest.dependsOn", "SJD-001", {"maxItems": "max"}),
    Place("ArrayJobDependency", "SJD-002", ENUM),
    Place("ContainerOverrides.command/items", "SJO-003", {"minLength": "min"}),
    Place("TaskContainerOverrides.command/items", "SJO-003", {"minLength": "min"}),
)

# Limits the botocore model itself states (shape `min`/`max`) that the schema deliberately
# does not carry, with the reason. Every other model limit must be placed by OVERLAY.
MODEL_LIMIT_WAIVERS: dict[str, str] = {
    "TagrisTagsMap.min": "NT-007 (reviewed 2026-11-21): an empty `tags: {}` is fine; batchgen omits the key",
}

LIMIT_KEYWORDS = {
    "string": ("minLength", "maxLength"),
    "list": ("minItems", "maxItems"),
    "map": ("minProperties", "maxProperties"),
    "integer": ("minimum", "maximum"),
    "long": ("minimum", "maximum"),
}

COMMENT = (
    "Generated by tools/gen_schema.py from botocore {botocore} (service model `batch`) and "
    "compiler/data/catalog/*.yaml; do not edit, run `python tools/gen_schema.py`. "
    "Vendor keywords: `x-constraint` is always an object mapping a JSON Schema keyword of the same "
    "node to the catalog ID whose limit it carries, e.g. {{\"maxItems\": \"JQ-004\", \"minItems\": \"JQ-004\"}}; "
    "the number is the catalog entry's `limits`. `x-quota` names the `quotas:` key that, when a spec sets "
    "it, replaces the same node's maxItems (an adjustable AWS quota), e.g. \"computeEnvironmentsPerJobQueue\". "
    "A failing keyword without an `x-constraint` entry is batchgen's own: additionalProperties BG-003, "
    "type BG-004, required BG-005, enum BG-006, any other BG-010."
)


# ---------------------------------------------------------------------------------------
# botocore documentation -> one sentence
# ---------------------------------------------------------------------------------------

_BLOCK_TAGS = re.compile(r"</?(p|li|ul|ol|note|important|br|dl|dt|dd|div)\b[^>]*>", re.I)
_TAGS = re.compile(r"<[^>]+>")
_ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "vs.", "approx.")


def first_sentence(doc: str) -> str:
    """The first sentence of a botocore documentation string, HTML stripped.

    Very short openings ("Required.") take the next sentence along.
    """
    text = _BLOCK_TAGS.sub(" ", doc or "")
    text = html.unescape(_TAGS.sub("", text))
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\s+([.,;:)])", r"\1", text).replace("( ", "(")
    out = ""
    for m in re.finditer(r"[.!?](?=\s+[A-Z0-9(\"'`]|$)", text):
        candidate = text[: m.end()]
        if candidate.rsplit(" ", 1)[-1].lower() in _ABBREVIATIONS:
            continue
        out = candidate
        if len(out) >= 20:
            break
    return out or text


# ---------------------------------------------------------------------------------------
# botocore shapes -> JSON Schema
# ---------------------------------------------------------------------------------------

PRIMITIVES = {
    "string": "string",
    "integer": "integer",
    "long": "integer",
    "float": "number",
    "double": "number",
    "boolean": "boolean",
}


# The range of the wire types: an AWS API "integer" is a signed 32-bit number, a "long" a
# signed 64-bit one (BG-017's limits). Applied after the OVERLAY, to the integer nodes
# where neither the model nor the catalog sets a bound of its own.
WIRE_RANGE = ("integer", "long")
_WIRE = "_wire"  # a build-time mark: which wire type an integer node is


def apply_wire_ranges(defs: dict[str, Any], catalog: Catalog) -> None:
    limits = catalog["BG-017"].limits
    for node in schema_nodes(defs):
        kind = node.pop(_WIRE, None)
        if kind is None:
            continue
        for keyword, bound in (("minimum", f"{kind}_min"), ("maximum", f"{kind}_max")):
            if keyword not in node:
                node[keyword] = limits[bound]
                node.setdefault("x-constraint", {})[keyword] = "BG-017"


def is_plain(shape: Shape) -> bool:
    """A primitive with nothing of its own to say (no enum, no min/max): inlined, not a $def."""
    return (
        shape.type_name in PRIMITIVES
        and not shape.metadata.get("enum")
        and "min" not in shape.metadata
        and "max" not in shape.metadata
    )


class SchemaBuilder:
    """Walks request shapes into `$defs` named after botocore shapes."""

    def __init__(self, model):
        self.model = model
        self.defs: dict[str, dict[str, Any]] = {}

    def ref(self, shape: Shape) -> dict[str, Any]:
        """The schema of a value of `shape`: inline for a plain primitive, else a $ref."""
        if is_plain(shape):
            node = {"type": PRIMITIVES[shape.type_name]}
            if shape.type_name in WIRE_RANGE:
                node[_WIRE] = shape.type_name
            return node
        if shape.name not in self.defs:
            self.defs[shape.name] = {}  # placeholder: recursive shapes end here
            self.defs[shape.name] = self.define(shape)
        return {"$ref": f"#/$defs/{shape.name}"}

    def define(self, shape: Shape) -> dict[str, Any]:
        node: dict[str, Any] = {}
        kind = shape.type_name
        if kind == "structure":
            node["type"] = "object"
            node["additionalProperties"] = False
            node["properties"] = {name: self.member(m) for name, m in shape.members.items()}
            required = [r for r in shape.required_members if r not in SPEC_DEFAULTS.get(shape.name, ())]
            if required:
                node["required"] = required
        elif kind == "list":
            node["type"] = "array"
            node["items"] = self.ref(shape.member)
        elif kind == "map":
            node["type"] = "object"
            node["additionalProperties"] = self.ref(shape.value)
            if not is_plain(shape.key):
                node["propertyNames"] = self.ref(shape.key)
        elif kind in PRIMITIVES:
            node["type"] = PRIMITIVES[kind]
            if kind in WIRE_RANGE:
                node[_WIRE] = kind
            if shape.metadata.get("enum"):
                node["enum"] = list(shape.metadata["enum"])
        else:
            raise SystemExit(f"gen_schema: botocore shape {shape.name} has type {kind}, which the schema can't map")
        doc = first_sentence(shape.documentation)
        if doc:
            node["description"] = doc
        return node

    def member(self, shape: Shape) -> dict[str, Any]:
        node = self.ref(shape)
        doc = first_sentence(shape.documentation)  # the member's documentation
        if doc:
            node["description"] = doc
        return node


def locate(defs: dict[str, Any], at: str) -> dict[str, Any]:
    path, _, sub = at.partition("/")
    shape, _, member = path.partition(".")
    try:
        node = defs[shape]
        if member:
            node = node["properties"][member]
    except KeyError:
        raise SystemExit(f"gen_schema: OVERLAY names {at}, which the botocore model doesn't have") from None
    for part in filter(None, sub.split("/")):
        node = node.setdefault(part, {})
    return node


def apply_overlay(defs: dict[str, Any], catalog: Catalog) -> None:
    for place in OVERLAY:
        if place.cid not in catalog:
            raise SystemExit(f"gen_schema: OVERLAY uses {place.cid}, which no catalog file defines")
        entry = catalog[place.cid]
        node = locate(defs, place.at)
        tags = node.setdefault("x-constraint", {})
        for keyword, value in place.keywords.items():
            if tags.get(keyword, place.cid) != place.cid:
                raise SystemExit(f"gen_schema: {place.at} `{keyword}` is placed by both {tags[keyword]} and {place.cid}")
            if value != MODEL and keyword in node and keyword not in tags:
                raise SystemExit(f"gen_schema: {place.cid} would overwrite the model's `{keyword}` at {place.at}")
            if value == MODEL:
                if keyword not in node:
                    raise SystemExit(f"gen_schema: {place.at} has no `{keyword}` in the model to tag with {place.cid}")
            elif callable(value):
                node[keyword] = value(entry.limits)
                if keyword in ("anyOf", "oneOf"):  # the validator reports the best branch: tag those too
                    for branch in node[keyword]:
                        branch["x-constraint"] = {k: place.cid for k in branch}
            else:
                if value not in entry.limits:
                    raise SystemExit(f"gen_schema: catalog entry {place.cid} has no limit `{value}` ({place.at})")
                node[keyword] = entry.limits[value]
                if value == "max" and entry.quota:
                    if keyword != "maxItems":
                        raise SystemExit(f"gen_schema: {place.cid} has a quota, which only a maxItems can carry")
                    node["x-quota"] = entry.quota
            tags[keyword] = place.cid


def apply_case_insensitive(defs: dict[str, Any]) -> None:
    for name in CASE_INSENSITIVE_ENUMS:
        node = defs[name]
        values = node.pop("enum")
        node["pattern"] = case_insensitive(values)
        node["examples"] = values


def check_model_limits(defs: dict[str, Any], shapes: dict[str, Shape]) -> None:
    """Every min/max botocore states is in the schema with the same number, or waived."""
    for name, shape in shapes.items():
        keywords = LIMIT_KEYWORDS.get(shape.type_name)
        for bound, keyword in zip(("min", "max"), keywords or ()):
            if bound not in shape.metadata or f"{name}.{bound}" in MODEL_LIMIT_WAIVERS:
                continue
            want = shape.metadata[bound]
            got = defs.get(name, {}).get(keyword, 0 if bound == "min" else None)
            if got != want:
                raise SystemExit(
                    f"gen_schema: botocore says {name} {bound} {want}, the schema has {keyword} {got}: "
                    "place it with its catalog ID in OVERLAY, or waive it in MODEL_LIMIT_WAIVERS"
                )


def reachable_shapes(roots: list[Shape]) -> dict[str, Shape]:
    seen: dict[str, Shape] = {}
    stack = list(roots)
    while stack:
        s = stack.pop()
        if s.name in seen:
            continue
        seen[s.name] = s
        if s.type_name == "structure":
            stack.extend(s.members.values())
        elif s.type_name == "list":
            stack.append(s.member)
        elif s.type_name == "map":
            stack.extend((s.key, s.value))
    return seen


def load_model():
    return botocore.session.get_session().get_service_model(SERVICE)


def build_schema(model=None, catalog: Catalog | None = None) -> dict[str, Any]:
    model = model or load_model()
    catalog = catalog if catalog is not None else load_catalog()
    builder = SchemaBuilder(model)
    roots = [model.shape_for(shape) for shape, _ in SECTIONS.values()]

    properties: dict[str, Any] = {k: dict(v) for k, v in OWN_KEYS.items()}
    builder.ref(model.shape_for("TagrisTagsMap"))  # the top-level `tags` refers to it
    for key, (shape_name, description) in SECTIONS.items():
        properties[key] = {
            "type": "array",
            "items": builder.ref(model.shape_for(shape_name)),
            "description": description,
        }

    defs = builder.defs
    apply_case_insensitive(defs)
    apply_overlay(defs, catalog)
    check_model_limits(defs, reachable_shapes(roots))
    apply_wire_ranges(defs, catalog)

    own_properties, own_defs = own_sections(catalog)
    clash = set(own_defs) & set(defs)
    if clash:
        raise SystemExit(f"gen_schema: batchgen's own $defs {sorted(clash)} clash with botocore shape names")
    properties.update(own_properties)
    defs.update(own_defs)
    for entry in [shape for shape, _ in SECTIONS.values()] + ["IamRole", "IamManagedPolicy", "EventSchedule",
                                                              "EventNotification", "EventTrigger", "LogGroup"]:
        defs[entry]["properties"][ENTRY_OPTIONS] = {
            "$ref": "#/$defs/EntryOptions",
            "description": "batchgen's own settings of this entry (not sent to AWS): rules to ignore here, with why.",
        }
    defs["EnvironmentOverlay"] = environment_overlay(properties)
    properties[ENVIRONMENTS_KEY] = {
        "type": "object",
        "additionalProperties": {"$ref": "#/$defs/EnvironmentOverlay"},
        "description": "Environments (dev, prod, ...): one deployment each, compiled with --env NAME; each is an "
                       "overlay in the spec's own shape (docs/SPEC.md).",
    }

    return {
        "$schema": DRAFT,
        "$comment": COMMENT.format(botocore=botocore.__version__),
        "x-botocore-version": botocore.__version__,
        "title": "batchgen spec, format version 1",
        "description": "One YAML file describing an AWS Batch setup (SPEC.md).",
        "type": "object",
        "additionalProperties": False,
        "required": list(TOP_REQUIRED),
        "properties": properties,
        "$defs": defs,
    }


def render(schema: Mapping[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


LOCK_PATH = ROOT / "requirements" / "test.txt"


def locked_botocore() -> str:
    """The botocore version requirements/test.txt pins: the one the schema is generated from."""
    match = re.search(r"^botocore==(\S+)", LOCK_PATH.read_text(encoding="utf-8"), re.MULTILINE)
    if not match:
        raise SystemExit(f"gen_schema: {LOCK_PATH.relative_to(ROOT)} pins no botocore")
    return match.group(1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed schema is stale")
    args = parser.parse_args(argv)
    if botocore.__version__ != locked_botocore():
        # The schema must not change with whatever botocore happens to be installed.
        print(f"gen_schema: this environment has botocore {botocore.__version__}, "
              f"{LOCK_PATH.relative_to(ROOT)} locks {locked_botocore()}: run `make schema`, "
              "which installs the lock first", file=sys.stderr)
        return 2
    text = render(build_schema())
    current = SCHEMA_PATH.read_text(encoding="utf-8") if SCHEMA_PATH.exists() else None
    if args.check:
        if current != text:
            print(f"{SCHEMA_PATH.relative_to(ROOT)} is stale: run python tools/gen_schema.py", file=sys.stderr)
            return 1
        return 0
    if current != text:
        SCHEMA_PATH.parent.mkdir(parents=True, exist_ok=True)
        SCHEMA_PATH.write_text(text, encoding="utf-8")
        print(f"wrote {SCHEMA_PATH.relative_to(ROOT)} ({len(text.encode())} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
