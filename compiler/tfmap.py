"""How API request fields map to Terraform resource arguments: hashicorp/aws (>= 6.0), and
hashicorp/awscc for the entries hashicorp/aws can't carry. Pure data.

An entry of an AWS Batch section becomes the hashicorp/aws resource (aws_batch_*) when that
resource has an argument for every field the entry sets; otherwise the hashicorp/awscc one
(awscc_batch_*, which follows the CloudFormation AWS::Batch::* schemas) when awscc has them all
(`resource_map`). The BG-011 rule reports which provider an entry goes to, and the fields
neither can carry. The emitter writes what the chosen table names.

The awscc tables are generated from the real awscc schema (compiler/awscc_fields.py,
tools/gen_awscc_fields.py); both are checked against the real provider schemas by the
downstream tests (terraform validate and plan).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Mapping, Union

from .language import ENTRY_OPTIONS, SECTION


@dataclass(frozen=True)
class Provider:
    """A Terraform provider the output may use: its local name and registry source."""
    name: str
    source: str


AWS = Provider("aws", "hashicorp/aws")
AWSCC = Provider("awscc", "hashicorp/awscc")


@dataclass(frozen=True)
class A:
    """A plain argument (string, number, bool, list, set or map)."""
    name: str


@dataclass(frozen=True)
class J:
    """An argument holding the value as JSON, written as jsonencode({...})."""
    name: str


@dataclass(frozen=True)
class B:
    """A nested block; `repeated` for a list of objects written as one block each."""
    name: str
    fields: "Obj"
    repeated: bool = False


@dataclass(frozen=True)
class Obj:
    fields: Mapping[str, Union[A, J, B]] = field(default_factory=dict)


@dataclass(frozen=True)
class ResourceMap:
    section: str  # a key of language.SECTION, which names the hashicorp/aws resource type
    fields: Obj
    provider: Provider = AWS
    cc_type: str | None = None  # the resource type, for hashicorp/awscc
    arn: str = "arn"  # the attribute holding the resource's ARN

    @property
    def type(self) -> str:
        return self.cc_type or SECTION[self.section].tf_type


COMPUTE_ENVIRONMENT = ResourceMap("computeEnvironments", Obj({
    "computeEnvironmentName": A("name"),
    "type": A("type"),
    "state": A("state"),
    "serviceRole": A("service_role"),
    "computeResources": B("compute_resources", Obj({
        "type": A("type"),
        "allocationStrategy": A("allocation_strategy"),
        "minvCpus": A("min_vcpus"),
        "maxvCpus": A("max_vcpus"),
        "desiredvCpus": A("desired_vcpus"),
        "instanceTypes": A("instance_type"),
        "imageId": A("image_id"),
        "subnets": A("subnets"),
        "securityGroupIds": A("security_group_ids"),
        "ec2KeyPair": A("ec2_key_pair"),
        "instanceRole": A("instance_role"),
        "placementGroup": A("placement_group"),
        "bidPercentage": A("bid_percentage"),
        "spotIamFleetRole": A("spot_iam_fleet_role"),
        "tags": A("tags"),
        "launchTemplate": B("launch_template", Obj({
            "launchTemplateId": A("launch_template_id"),
            "launchTemplateName": A("launch_template_name"),
            "version": A("version"),
        })),
        "ec2Configuration": B("ec2_configuration", Obj({
            "imageType": A("image_type"),
            "imageIdOverride": A("image_id_override"),
            "imageKubernetesVersion": A("image_kubernetes_version"),
        }), repeated=True),
    })),
    "eksConfiguration": B("eks_configuration", Obj({
        "eksClusterArn": A("eks_cluster_arn"),
        "kubernetesNamespace": A("kubernetes_namespace"),
    })),
    "updatePolicy": B("update_policy", Obj({
        "terminateJobsOnUpdate": A("terminate_jobs_on_update"),
        "jobExecutionTimeoutMinutes": A("job_execution_timeout_minutes"),
    })),
    "tags": A("tags"),
}))

SCHEDULING_POLICY = ResourceMap("schedulingPolicies", Obj({
    "name": A("name"),
    "fairsharePolicy": B("fair_share_policy", Obj({
        "shareDecaySeconds": A("share_decay_seconds"),
        "computeReservation": A("compute_reservation"),
        "shareDistribution": B("share_distribution", Obj({
            "shareIdentifier": A("share_identifier"),
            "weightFactor": A("weight_factor"),
        }), repeated=True),
    })),
    "tags": A("tags"),
}))

JOB_QUEUE = ResourceMap("jobQueues", Obj({
    "jobQueueName": A("name"),
    "state": A("state"),
    "priority": A("priority"),
    "schedulingPolicyArn": A("scheduling_policy_arn"),
    "computeEnvironmentOrder": B("compute_environment_order", Obj({
        "order": A("order"),
        "computeEnvironment": A("compute_environment"),
    }), repeated=True),
    "jobStateTimeLimitActions": B("job_state_time_limit_action", Obj({
        "reason": A("reason"),
        "state": A("state"),
        "maxTimeSeconds": A("max_time_seconds"),
        "action": A("action"),
    }), repeated=True),
    "tags": A("tags"),
}))

_EKS_CONTAINER = Obj({
    "name": A("name"),
    "image": A("image"),
    "imagePullPolicy": A("image_pull_policy"),
    "command": A("command"),
    "args": A("args"),
    "env": B("env", Obj({"name": A("name"), "value": A("value")}), repeated=True),
    "resources": B("resources", Obj({"limits": A("limits"), "requests": A("requests")})),
    "volumeMounts": B("volume_mounts", Obj({
        "name": A("name"), "mountPath": A("mount_path"), "readOnly": A("read_only"),
    }), repeated=True),
    "securityContext": B("security_context", Obj({
        "runAsUser": A("run_as_user"),
        "runAsGroup": A("run_as_group"),
        "privileged": A("privileged"),
        "allowPrivilegeEscalation": A("allow_privilege_escalation"),
        "readOnlyRootFilesystem": A("read_only_root_file_system"),
        "runAsNonRoot": A("run_as_non_root"),
    })),
})

# eks_properties is a tree of blocks in the provider (not a JSON string), and it lacks some
# API fields (subPath, capabilities, seccompProfile, persistentVolumeClaim, the pod's
# securityContext, annotations, namespace): a job definition that sets one goes to awscc, or,
# for those awscc lacks too, BG-011 refuses it.
_EKS_PROPERTIES = Obj({
    "podProperties": B("pod_properties", Obj({
        "serviceAccountName": A("service_account_name"),
        "hostNetwork": A("host_network"),
        "dnsPolicy": A("dns_policy"),
        "shareProcessNamespace": A("share_process_namespace"),
        "imagePullSecrets": B("image_pull_secret", Obj({"name": A("name")}), repeated=True),
        "containers": B("containers", _EKS_CONTAINER, repeated=True),
        "initContainers": B("init_containers", _EKS_CONTAINER, repeated=True),
        "metadata": B("metadata", Obj({"labels": A("labels")})),
        "volumes": B("volumes", Obj({
            "name": A("name"),
            "hostPath": B("host_path", Obj({"path": A("path")})),
            "emptyDir": B("empty_dir", Obj({"medium": A("medium"), "sizeLimit": A("size_limit")})),
            "secret": B("secret", Obj({"secretName": A("secret_name"), "optional": A("optional")})),
        }), repeated=True),
    })),
})

JOB_DEFINITION = ResourceMap("jobDefinitions", Obj({
    "jobDefinitionName": A("name"),
    "type": A("type"),
    "platformCapabilities": A("platform_capabilities"),
    "parameters": A("parameters"),
    "propagateTags": A("propagate_tags"),
    "schedulingPriority": A("scheduling_priority"),
    "containerProperties": J("container_properties"),
    "nodeProperties": J("node_properties"),
    "ecsProperties": J("ecs_properties"),
    "eksProperties": B("eks_properties", _EKS_PROPERTIES),
    "retryStrategy": B("retry_strategy", Obj({
        "attempts": A("attempts"),
        "evaluateOnExit": B("evaluate_on_exit", Obj({
            "action": A("action"),
            "onExitCode": A("on_exit_code"),
            "onReason": A("on_reason"),
            "onStatusReason": A("on_status_reason"),
        }), repeated=True),
    })),
    "timeout": B("timeout", Obj({
        "attemptDurationSeconds": A("attempt_duration_seconds"),
    })),
    "tags": A("tags"),
}))

BY_SECTION: dict[str, ResourceMap] = {m.section: m for m in (COMPUTE_ENVIRONMENT, SCHEDULING_POLICY, JOB_QUEUE,
                                                                JOB_DEFINITION)}


def _cc_obj(fields: dict) -> Obj:
    """awscc_fields' table as an Obj: nested attributes are B (a list of objects when repeated)."""
    return Obj({key: A(value) if isinstance(value, str) else B(value[0], _cc_obj(value[2]), repeated=value[1])
                for key, value in fields.items()})


@functools.cache
def awscc_maps() -> dict[str, ResourceMap]:
    """The hashicorp/awscc resources, for entries hashicorp/aws can't carry, by section. Every
    nested value is an attribute there (`compute_resources = { ... }`), never a block, and
    nothing is JSON-encoded. Built on first use: most specs never need them."""
    from . import awscc_fields

    return {section: ResourceMap(section, _cc_obj(fields), AWSCC, cc_type, arn)
            for section, (cc_type, arn, fields) in awscc_fields.TABLES.items()}


def unsupported(section: str, entry: dict, rmap: ResourceMap | None = None):
    """Yield (relative path, resource type) of every field of `entry` the resource can't carry:
    `rmap`'s, by default the hashicorp/aws resource of `section`."""
    rmap = rmap or BY_SECTION.get(section)
    if rmap is None:
        return

    def walk(obj: Obj, value: dict, rel: tuple):
        for key, sub in value.items():
            if not rel and key == ENTRY_OPTIONS:
                continue  # batchgen's own, never sent
            spec = obj.fields.get(key)
            if spec is None:
                yield (*rel, key), rmap.type
            elif isinstance(spec, B):
                items = sub if spec.repeated and isinstance(sub, list) else [sub]
                for i, item in enumerate(items):
                    if isinstance(item, dict):
                        yield from walk(spec.fields, item, (*rel, key, i) if spec.repeated else (*rel, key))

    yield from walk(rmap.fields, entry, ())


def resource_map(section: str, entry: dict) -> ResourceMap:
    """The resource an entry becomes: hashicorp/aws's when it can carry every field the entry
    sets, else hashicorp/awscc's (BG-011 has refused the entries neither can carry)."""
    aws = BY_SECTION[section]
    if next(unsupported(section, entry, aws), None) is None:
        return aws
    return awscc_maps()[section]
