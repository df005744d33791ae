"""Which changes AWS Batch (and the hashicorp/aws provider) make to a deployed resource in
place, and which need a new one; and the name a compute environment gets so that a new one
never collides with the old.

Pure data and functions over resolved resources (Model, Resource, Ref); knows no YAML, no
HCL and no files. Read by resolve (compiler/resolve/, which gives each compute environment
its AWS name in the model: the body's computeEnvironmentName), by the diff (compiler/diff/:
what replaces and why) and by the emitters (compiler/emit/terraform/lifecycle.py, the CLI
update path), which take the names from the model and never work them out again.
docs/day-two.md explains the choices.

Where the tables come from:

- AWS: botocore's batch model. `UpdateComputeEnvironmentRequest` and `ComputeResourceUpdate`
  list what an update can change; a `ComputeResourceUpdate` member whose documentation says
  "requires an infrastructure update" is in INFRASTRUCTURE_FIELDS (and instanceTypes, from
  the user guide's list of infrastructure updates), the others in SCALING_FIELDS; `CreateComputeEnvironmentRequest`/`ComputeResource` members an update
  lacks are create-only. tests/test_replacement.py checks these tables against the model.
- hashicorp/aws 6.x (internal/service/batch/compute_environment.go): `name`, `type`,
  `eks_configuration`, `compute_resources.placement_group`, `.spot_iam_fleet_role`, and the
  count of `.launch_template` and `.ec2_configuration` blocks are ForceNew; its CustomizeDiff
  forces a new environment for any other infrastructure field unless the environment is
  "updatable": service-linked role and an allocation strategy of BEST_FIT_PROGRESSIVE,
  SPOT_CAPACITY_OPTIMIZED or SPOT_PRICE_CAPACITY_OPTIMIZED (isUpdatableComputeEnvironment).
  The stand-in provider of the downstream tests carries the same list with its sources
  (tests/downstream/tfprovider/requires_replace.json); tests check this module covers it.

A compute environment's AWS name is its spec name, a hyphen and its *replacement key*: 8 hex
digits of a hash of exactly the values whose change needs a new environment. The key, and
so the name, changes when and only when a replacement is needed: the new environment is
created under its new name beside the old one (create_before_destroy in Terraform, create
then delete in update.sh), the queues move to it, and the old one is deleted.
"""
from __future__ import annotations

import hashlib
import json
from typing import Any

from .language import RefKind
from .model import Model, Ref

KEY_DIGITS = 8
NAME_SUFFIX_LENGTH = 1 + KEY_DIGITS  # "-" + key: a spec name may use 128 - 9 characters

# ComputeResourceUpdate members whose botocore documentation says that changing them
# "requires an infrastructure update" (CE-032), and instanceTypes, which the AWS Batch user
# guide lists with them ("Perform infrastructure updates", infrastructure-updates.html) and
# hashicorp/aws forces new on non-updatable environments: AWS replaces the instances, and
# only an environment with the service-linked role and an updatable allocation strategy can.
INFRASTRUCTURE_FIELDS = (
    "subnets", "securityGroupIds", "allocationStrategy", "instanceTypes", "ec2KeyPair", "instanceRole",
    "tags", "placementGroup", "bidPercentage", "launchTemplate", "ec2Configuration",
    "updateToLatestImageVersion", "type", "imageId",
)
# The other ComputeResourceUpdate members: scaling updates, made in place on any environment.
SCALING_FIELDS = ("minvCpus", "maxvCpus", "desiredvCpus", "scalingPolicy", "managedInstancesProvider",
                  "capacityTags")
# ComputeResource members that ComputeResourceUpdate lacks: a new environment is the only way.
CREATE_ONLY_RESOURCE_FIELDS = ("spotIamFleetRole",)
# CreateComputeEnvironmentRequest members that UpdateComputeEnvironmentRequest lacks (tags are
# changed with TagResource, in place).
CREATE_ONLY_FIELDS = ("computeEnvironmentName", "type")
# Allocation strategies whose environments take infrastructure updates: AWS refuses BEST_FIT
# (ComputeResourceUpdate.allocationStrategy: "BEST_FIT isn't supported when updating"), and
# hashicorp/aws 6.x counts only these three as updatable (isUpdatableAllocationStrategy), so
# Terraform replaces an environment with any other strategy. Both outputs follow the provider.
UPDATABLE_STRATEGIES = ("BEST_FIT_PROGRESSIVE", "SPOT_CAPACITY_OPTIMIZED", "SPOT_PRICE_CAPACITY_OPTIMIZED")
FARGATE_TYPES = ("FARGATE", "FARGATE_SPOT")
MANAGED_INSTANCES = "ECS_MANAGED_INSTANCES"
SERVICE_LINKED_ROLE_MARK = ":role/aws-service-role/batch.amazonaws.com/"

# A job queue: UpdateJobQueueRequest can change everything CreateJobQueueRequest sets but the
# name, jobQueueType and tags (TagResource); a queue created without a fair-share policy never
# gets one, and one that has it can't drop it (JQ-014), so that switch needs a new queue.
QUEUE_CREATE_ONLY_FIELDS = ("jobQueueName", "jobQueueType")
# A scheduling policy: UpdateSchedulingPolicyRequest takes fairsharePolicy and quotaSharePolicy;
# the policy type, once set, can't be removed or switched (SP-002).
POLICY_TYPES = ("fairsharePolicy", "quotaSharePolicy")


def type_family(resource_type: str | None) -> str:
    """EC2/SPOT, FARGATE/FARGATE_SPOT, ECS_MANAGED_INSTANCES, or none (UNMANAGED)."""
    if resource_type in ("EC2", "SPOT"):
        return "ec2"
    if resource_type in FARGATE_TYPES:
        return "fargate"
    if resource_type == MANAGED_INSTANCES:
        return "managed-instances"
    return ""


def uses_service_linked_role(body: dict) -> bool:
    """A MANAGED environment without serviceRole, or whose serviceRole is AWSServiceRoleForBatch."""
    role = body.get("serviceRole")
    if role is None:
        return body.get("type") == "MANAGED"
    return isinstance(role, str) and SERVICE_LINKED_ROLE_MARK in role


def takes_infrastructure_updates(body: dict) -> bool:
    """Whether AWS can make an infrastructure update to this environment in place (CE-009,
    CE-023): the service-linked role and an updatable allocation strategy."""
    cr = body.get("computeResources")
    if not isinstance(cr, dict):
        return False
    return uses_service_linked_role(body) and cr.get("allocationStrategy", "BEST_FIT") in UPDATABLE_STRATEGIES


class _Tokens:
    """Spec values with references written as stable tokens, independent of the account
    and Region (an ARN would change when the spec gains `account:`): a role or instance
    profile by its path and name, anything else by its kind and name."""

    def __init__(self, roles: list):
        self.paths = {r.name: r.path or "/" for r in roles}

    def value(self, v: Any) -> Any:
        if isinstance(v, Ref):
            path = self.paths.get(v.name, "/") if v.kind in (RefKind.ROLE, RefKind.INSTANCE_PROFILE) else ""
            return f"@{v.kind.value}:{path}{v.name}" + (f":{v.revision}" if v.revision is not None else "")
        if isinstance(v, dict):
            return {k: self.value(x) for k, x in v.items() if x is not None}
        if isinstance(v, list):
            return [self.value(x) for x in v]
        return v


def key_parts(body: dict, tokens: _Tokens | None = None) -> dict[str, Any]:
    """What decides whether a compute environment can be changed in place: equal parts, the
    same environment; different parts, a new one. Every value is JSON data."""
    tok = tokens.value if tokens else (lambda v: v)
    cr = body.get("computeResources") if isinstance(body.get("computeResources"), dict) else None
    parts: dict[str, Any] = {
        "type": body.get("type"),
        "serviceLinkedRole": uses_service_linked_role(body),
        "eksConfiguration": tok(body.get("eksConfiguration")),
    }
    if cr is None:
        return parts
    crtype = cr.get("type")
    updatable = takes_infrastructure_updates(body)
    parts.update({
        "family": type_family(crtype),
        "infrastructureUpdates": updatable,
        "spotIamFleetRole": tok(cr.get("spotIamFleetRole")),
        "placementGroup": cr.get("placementGroup"),
        "launchTemplate": "launchTemplate" in cr,
        "ec2Configuration": len(cr.get("ec2Configuration") or []),
    })
    if not updatable:
        fargate = crtype in FARGATE_TYPES
        parts["infrastructure"] = {
            f: tok(cr[f]) for f in INFRASTRUCTURE_FIELDS
            if f in cr and not (fargate and f in ("subnets", "securityGroupIds"))
        }
    return parts


def _digest(parts: dict) -> str:
    text = json.dumps(parts, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()[:KEY_DIGITS]


def replacement_key(resource: Any, model: Model) -> str:
    """The replacement key of one compute environment of `model` (8 hex digits)."""
    return _digest(key_parts(resource.body, _Tokens(model.roles)))


def name_environments(compute_environments: list, roles: list) -> None:
    """Give each compute environment its AWS name, in place: its body's
    computeEnvironmentName becomes `<spec name>-<replacement key>` (resolve calls this once
    every role is known: a role's path is part of the key). The Resource keeps its spec name."""
    tokens = _Tokens(roles)
    for ce in compute_environments:
        ce.body["computeEnvironmentName"] = f"{ce.name}-{_digest(key_parts(ce.body, tokens))}"


def aws_name(model: Model, name: str) -> str:
    """The AWS name of the model's compute environment `name` (resolve gave it); `name` when
    the model has no such environment."""
    for ce in model.compute_environments:
        if ce.name == name:
            return ce.body.get("computeEnvironmentName", name)
    return name


def aws_names(model: Model) -> dict[str, str]:
    """Spec name -> AWS name of every compute environment of `model` (as resolve named them)."""
    return {ce.name: ce.body.get("computeEnvironmentName", ce.name) for ce in model.compute_environments}


def changed_key_parts(old: dict, new: dict, old_model: Model, new_model: Model) -> list[str]:
    """The names of the key parts that differ between two bodies of one compute environment."""
    a, b = key_parts(old, _Tokens(old_model.roles)), key_parts(new, _Tokens(new_model.roles))
    return sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))


def is_fair_share(queue_body: dict) -> bool:
    return queue_body.get("schedulingPolicyArn") is not None


def policy_type(policy_body: dict) -> str | None:
    return next((t for t in POLICY_TYPES if policy_body.get(t) is not None), None)
