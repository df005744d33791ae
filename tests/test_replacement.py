"""What replaces a compute environment (compiler/replacement.py), checked against its sources:
botocore's batch model (what an update can change, what needs an infrastructure update) and
the real hashicorp/aws provider's ForceNew list (tests/downstream/tfprovider/requires_replace.json,
the stand-in plugin's data, with its sources): every change that makes the provider replace
an environment changes its replacement key, so the new one never takes the old one's name."""
from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import botocore.session
import pytest

from compiler import replacement
from compiler.resolve import resolve
from compiler.tfmap import COMPUTE_ENVIRONMENT, B

ROOT = Path(__file__).resolve().parent.parent
PROVIDER_RULES = json.loads((ROOT / "tests" / "downstream" / "tfprovider" / "requires_replace.json").read_text())


@pytest.fixture(scope="module")
def batch_model():
    return botocore.session.get_session().get_service_model("batch")


def _doc(shape, member) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", shape.members[member].documentation))


def test_infrastructure_and_scaling_fields_are_botocores(batch_model):
    update = batch_model.shape_for("ComputeResourceUpdate")
    infrastructure = {m for m in update.members if "requires an infrastructure update" in _doc(update, m)}
    # instanceTypes: the user guide's list ("Perform infrastructure updates") has it, botocore's doc doesn't say
    assert set(replacement.INFRASTRUCTURE_FIELDS) == infrastructure | {"instanceTypes"}
    assert set(replacement.SCALING_FIELDS) == set(update.members) - infrastructure - {"instanceTypes"}


def test_create_only_fields_are_those_no_update_takes(batch_model):
    resource, update = batch_model.shape_for("ComputeResource"), batch_model.shape_for("ComputeResourceUpdate")
    assert set(replacement.CREATE_ONLY_RESOURCE_FIELDS) == set(resource.members) - set(update.members)
    create = batch_model.shape_for("CreateComputeEnvironmentRequest")
    update_request = batch_model.shape_for("UpdateComputeEnvironmentRequest")
    assert set(replacement.CREATE_ONLY_FIELDS) == set(create.members) - set(update_request.members) - {"tags"}
    queue_create, queue_update = batch_model.shape_for("CreateJobQueueRequest"), batch_model.shape_for("UpdateJobQueueRequest")
    assert set(replacement.QUEUE_CREATE_ONLY_FIELDS) == set(queue_create.members) - set(queue_update.members) - {"tags"}
    assert set(replacement.POLICY_TYPES) == set(batch_model.shape_for("UpdateSchedulingPolicyRequest").members) - {"arn"}


def test_best_fit_is_not_updatable_per_botocore(batch_model):
    doc = _doc(batch_model.shape_for("ComputeResourceUpdate"), "allocationStrategy")
    assert "BEST_FIT isn't supported when updating" in doc
    assert "BEST_FIT" not in replacement.UPDATABLE_STRATEGIES
    assert replacement.UPDATABLE_STRATEGIES == tuple(
        PROVIDER_RULES["aws_batch_compute_environment"]["unless_updatable"]["updatable_strategies"])


# --- every provider replacement changes the key ------------------------------------------------

BEST_FIT = {  # not updatable: every infrastructure field forces a new environment
    "computeEnvironmentName": "ce", "type": "MANAGED",
    "computeResources": {"type": "EC2", "minvCpus": 0, "maxvCpus": 16, "instanceTypes": ["m5"],
                         "subnets": ["subnet-0a1b2c3d"], "securityGroupIds": ["sg-0a1b2c3d"], "bidPercentage": 50,
                         "ec2KeyPair": "key", "imageId": "ami-0a1b2c3d", "tags": {"a": "b"},
                         "ec2Configuration": [{"imageType": "ECS_AL2023"}],
                         "launchTemplate": {"launchTemplateName": "lt", "version": "1"}},
}
PROGRESSIVE = copy.deepcopy(BEST_FIT)
PROGRESSIVE["computeResources"]["allocationStrategy"] = "BEST_FIT_PROGRESSIVE"

# provider argument -> how to change it in a body (the API field, by compiler/tfmap.py)
CHANGES = {
    "type": lambda b: b.update(type="UNMANAGED", computeResources=None) or b.pop("computeResources"),
    "eks_configuration": lambda b: b.update(eksConfiguration={"eksClusterArn": "arn:aws:eks:us-east-1:123456789012:cluster/c",
                                                              "kubernetesNamespace": "batch"}),
    "ec2_configuration": lambda b: b["computeResources"]["ec2Configuration"].append({"imageType": "ECS_AL2023_NVIDIA"}),
    "launch_template": lambda b: b["computeResources"].pop("launchTemplate"),
    "placement_group": lambda b: b["computeResources"].update(placementGroup="pg"),
    "spot_iam_fleet_role": lambda b: b["computeResources"].update(spotIamFleetRole="arn:aws:iam::123456789012:role/f"),
    "allocation_strategy": lambda b: b["computeResources"].update(allocationStrategy="BEST_FIT_PROGRESSIVE_ORDERED"),
    "bid_percentage": lambda b: b["computeResources"].update(bidPercentage=60),
    "ec2_key_pair": lambda b: b["computeResources"].update(ec2KeyPair="other"),
    "image_id": lambda b: b["computeResources"].update(imageId="ami-0f9e8d7c"),
    "instance_role": lambda b: b["computeResources"].update(instanceRole="other-profile"),
    "instance_type": lambda b: b["computeResources"]["instanceTypes"].append("c5"),
    "tags": lambda b: b["computeResources"].update(tags={"a": "c"}),
    "security_group_ids": lambda b: b["computeResources"]["securityGroupIds"].append("sg-0f9e8d7c"),
    "subnets": lambda b: b["computeResources"]["subnets"].append("subnet-0f9e8d7c"),
}


def _tf_to_api(name: str) -> str:
    for api, arg in COMPUTE_ENVIRONMENT.fields.fields.items():
        if arg.name == name:
            return api
    for api, arg in COMPUTE_ENVIRONMENT.fields.fields["computeResources"].fields.fields.items():
        if arg.name == name:
            return api
    raise KeyError(name)


def _provider_paths(group: str) -> list[str]:
    rule = PROVIDER_RULES["aws_batch_compute_environment"]
    paths = rule["always"] if group == "always" else rule["unless_updatable"]["paths"] + \
        rule["unless_updatable"]["not_for_fargate"]
    names = []
    for path in paths:
        name = next(step for step in reversed(path) if isinstance(step, str) and step != "#")
        if path[0] == "eks_configuration":
            name = "eks_configuration"
        if name not in ("name", "name_prefix") and name not in names:
            names.append(name)
    return names


def _key(body: dict) -> str:
    model = resolve({"batchgen": 1, "computeEnvironments": [body]})
    return replacement.replacement_key(model.compute_environments[0], model)


@pytest.mark.parametrize("argument", _provider_paths("always"))
def test_what_the_provider_always_replaces_changes_the_key(argument):
    for base in (BEST_FIT, PROGRESSIVE):
        changed = copy.deepcopy(base)
        CHANGES[argument](changed)
        assert _key(changed) != _key(base), (argument, _tf_to_api(argument) if argument != "eks_configuration" else "")


@pytest.mark.parametrize("argument", _provider_paths("unless_updatable"))
def test_what_the_provider_replaces_unless_updatable_changes_the_key_of_a_best_fit_environment(argument):
    changed = copy.deepcopy(BEST_FIT)
    CHANGES[argument](changed)
    assert _key(changed) != _key(BEST_FIT), argument


@pytest.mark.parametrize("argument", ["instance_type", "subnets", "security_group_ids", "ec2_key_pair", "image_id",
                                      "bid_percentage", "tags"])
def test_an_updatable_environment_keeps_its_key_through_infrastructure_updates(argument):
    changed = copy.deepcopy(PROGRESSIVE)
    CHANGES[argument](changed)
    assert _key(changed) == _key(PROGRESSIVE), argument


def test_scaling_and_state_never_change_the_key():
    for base in (BEST_FIT, PROGRESSIVE):
        changed = copy.deepcopy(base)
        changed["computeResources"].update(minvCpus=4, maxvCpus=64, desiredvCpus=8)
        changed["state"] = "DISABLED"
        changed["tags"] = {"team": "x"}
        assert _key(changed) == _key(base)


def test_the_aws_name_needs_no_account_and_ignores_reformatting():
    spec = {"batchgen": 1, "computeEnvironments": [copy.deepcopy(PROGRESSIVE)]}
    with_account = {**copy.deepcopy(spec), "account": "123456789012", "region": "eu-west-1"}
    assert replacement.aws_names(resolve(spec)) == replacement.aws_names(resolve(with_account))
    (name,) = replacement.aws_names(resolve(spec)).values()
    assert re.fullmatch(r"ce-[0-9a-f]{8}", name)


def test_switching_the_service_role_kind_changes_the_key():
    regular = copy.deepcopy(PROGRESSIVE)
    regular["serviceRole"] = "arn:aws:iam::123456789012:role/batch-service"
    linked = copy.deepcopy(PROGRESSIVE)
    linked["serviceRole"] = "arn:aws:iam::123456789012:role/aws-service-role/batch.amazonaws.com/AWSServiceRoleForBatch"
    assert _key(linked) == _key(PROGRESSIVE) != _key(regular)
    other = copy.deepcopy(regular)
    other["serviceRole"] = "arn:aws:iam::123456789012:role/batch-service-2"
    assert _key(other) == _key(regular)  # regular -> regular: updated in place (CE-009)


def test_fargate_subnets_are_updated_in_place():
    fargate = {"computeEnvironmentName": "f", "type": "MANAGED",
               "computeResources": {"type": "FARGATE", "maxvCpus": 4, "subnets": ["subnet-0a1b2c3d"],
                                    "securityGroupIds": ["sg-0a1b2c3d"]}}
    changed = copy.deepcopy(fargate)
    changed["computeResources"]["subnets"].append("subnet-0f9e8d7c")
    assert _key(changed) == _key(fargate)
    spot = copy.deepcopy(fargate)
    spot["computeResources"]["type"] = "FARGATE_SPOT"
    assert _key(spot) != _key(fargate)  # a type change is an infrastructure update: none on Fargate


def test_a_launch_template_is_given_its_default_version():
    body = copy.deepcopy(PROGRESSIVE)
    del body["computeResources"]["launchTemplate"]["version"]
    model = resolve({"batchgen": 1, "computeEnvironments": [body]})
    assert model.compute_environments[0].body["computeResources"]["launchTemplate"]["version"] == "$Default"


def test_tfmap_knows_every_provider_argument_named_here():
    for argument in _provider_paths("always") + _provider_paths("unless_updatable"):
        if argument != "eks_configuration":
            assert _tf_to_api(argument)
    assert isinstance(COMPUTE_ENVIRONMENT.fields.fields["computeResources"], B)
