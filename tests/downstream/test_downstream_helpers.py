"""The downstream suite's own helpers, without the tools: the comparison of
emulator state with the spec, and the reading of deploy.sh for the replay."""

from __future__ import annotations

import re

import pytest

from .emulator import DeployScript, EmulatorError
from .examples import Expected, compile_to, mismatches

pytestmark = pytest.mark.downstream

SPEC = """\
batchgen: 1
project: helpers
region: eu-central-1
computeEnvironments:
  - computeEnvironmentName: ec2
    type: MANAGED
    computeResources:
      type: SPOT
      minvCpus: 0
      maxvCpus: 4
      instanceTypes: [m5]
      subnets: [subnet-0a1b2c3d4e5f67890]
      securityGroupIds: [sg-0123456789abcdef0]
jobQueues:
  - jobQueueName: main
    priority: 1
    computeEnvironmentOrder: [{order: 1, computeEnvironment: ec2}]
jobDefinitions:
  - jobDefinitionName: hello
    containerProperties:
      image: busybox
      resourceRequirements: [{type: VCPU, value: "1"}, {type: MEMORY, value: "512"}]
jobs:
  - {jobName: first, jobQueue: main, jobDefinition: hello}
  - {jobName: second, jobQueue: main, jobDefinition: hello, dependsOn: [{jobId: first}]}
"""


def test_mismatches_reports_missing_different_and_extra_length():
    actual = {"a": 1, "b": [1, 2], "c": {"d": "x"}, "service": "adds this"}
    assert mismatches(actual, {"a": 1, "b": [1, 2], "c": {"d": "x"}}) == []
    assert mismatches(actual, {"a": 2}) == ["/a: expected 2, found 1"]
    assert mismatches(actual, {"z": 1}) == ["/z: missing (expected 1)"]
    assert mismatches(actual, {"b": [1]}) == ["/b: expected [1], found [1, 2]"]
    assert mismatches(actual, {"c": {"d": "y"}}) == ["/c/d: expected 'y', found 'x'"]


def test_mismatches_types_numbers_and_case():
    assert mismatches({"n": 1}, {"n": 1.0}) == []
    assert mismatches({"n": True}, {"n": 1}) == ["/n: expected 1, found True"]
    assert mismatches({"s": "1"}, {"s": 1}) == ["/s: expected 1, found '1'"]
    rules = {"r": [{"action": "retry"}]}
    assert mismatches(rules, {"r": [{"action": "RETRY"}]}) == ["/r/0/action: expected 'RETRY', found 'retry'"]
    assert mismatches(rules, {"r": [{"action": "RETRY"}]}, casefold=frozenset({"/r/*/action"})) == []


def test_expected_fills_spec_defaults_and_arns(tmp_path):
    import yaml

    expected = Expected(yaml.safe_load(SPEC), "210987654321", "eu-central-1")
    ce = expected.entry("computeEnvironments", expected.entries("computeEnvironments")[0])
    assert ce["state"] == "ENABLED"
    assert ce["serviceRole"] == ("arn:aws:iam::210987654321:role/aws-service-role/batch.amazonaws.com/"
                                 "AWSServiceRoleForBatch")
    assert ce["computeResources"]["instanceRole"] == "arn:aws:iam::210987654321:instance-profile/helpers-batch-instance"
    assert ce["computeResources"]["spotIamFleetRole"] == "arn:aws:iam::210987654321:role/helpers-batch-spot-fleet"
    assert ce["tags"] == {"Project": "helpers"}
    queue = expected.entry("jobQueues", expected.entries("jobQueues")[0])
    assert queue["computeEnvironmentOrder"][0]["computeEnvironment"] == \
        "arn:aws:batch:eu-central-1:210987654321:compute-environment/ec2"
    job = expected.entry("jobs", expected.entries("jobs")[1])
    assert job["jobDefinition"] == "arn:aws:batch:eu-central-1:210987654321:job-definition/hello:1"
    assert job["dependsOn"] == [{"jobId": "first"}]  # the test maps names to IDs


def test_deploy_script_steps_in_order(tmp_path):
    spec = tmp_path / "helpers.yaml"
    spec.write_text(SPEC)
    compile_to(spec, tmp_path / "out")
    script = DeployScript.read(tmp_path / "out" / "cli" / "deploy.sh")
    assert script.region == "eu-central-1" and script.account is None
    kinds = [(s.kind, s.command or s.service, s.name) for s in script.steps]
    ce_wait = kinds[10]
    assert ce_wait[:2] == ("wait_valid", "compute-environment") and re.fullmatch(r"ec2-[0-9a-f]{8}", ce_wait[2])
    assert kinds == [
        ("call", "create-role", ""),  # the generated instance role and its profile
        ("call", "attach-role-policy", ""),
        ("call", "create-instance-profile", ""),
        ("call", "add-role-to-instance-profile", ""),
        ("wait_instance_profile", "", "helpers-batch-instance"),
        ("call", "create-role", ""),  # the generated Spot Fleet role
        ("call", "attach-role-policy", ""),
        ("iam_settle", "", "helpers-batch-instance helpers-batch-spot-fleet"),  # IAM is eventually consistent
        ("service_linked_role", "batch.amazonaws.com", ""),
        ("call", "create-compute-environment", ""),
        ce_wait,  # the environment's AWS name: its name and replacement key
        ("call", "create-job-queue", ""),
        ("wait_valid", "job-queue", "main"),
        ("call", "register-job-definition", ""),
    ]  # and no submit-job: deploying runs no job (submit.sh does)


def test_deploy_script_refuses_a_line_it_does_not_know(tmp_path):
    script = tmp_path / "deploy.sh"
    script.write_text('#!/usr/bin/env bash\nREGION="us-east-1"\naws s3 cp x s3://y\n')
    with pytest.raises(EmulatorError, match="the replay does not know this line"):
        DeployScript.read(script)
