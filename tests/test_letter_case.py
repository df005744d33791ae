"""Enums AWS accepts in any letter case (compiler/validate/letter_case.py, issue 14): accepted,
written in the canonical case in BOTH outputs, and every rule sees the canonical value; a
warning where AWS stores another case than written (CEType), none where the API documents
case-insensitivity (RetryAction). The enums kept exact stay errors."""
from __future__ import annotations

import json
import re

from .helpers import run, tree, write_spec

SPEC = """\
batchgen: 1
project: demo
region: us-east-1
computeEnvironments:
  - computeEnvironmentName: cdk-fargate
    type: managed
    computeResources:
      type: FARGATE
      maxvCpus: 16
      subnets: [subnet-0a1b2c3d]
      securityGroupIds: [sg-0a1b2c3d]
  - computeEnvironmentName: own-hosts
    type: Unmanaged
jobDefinitions:
  - jobDefinitionName: etl
    platformCapabilities: [FARGATE]
    containerProperties:
      image: public.ecr.aws/amazonlinux/amazonlinux:2023
      resourceRequirements:
        - {type: VCPU, value: "1"}
        - {type: MEMORY, value: "2048"}
    retryStrategy:
      attempts: 2
      evaluateOnExit:
        - {action: retry, onStatusReason: "Host EC2*"}
        - {action: Exit, onReason: "*"}
"""


def test_written_in_canonical_case_in_both_outputs(tmp_path):
    out = tmp_path / "out"
    result = run("compile", write_spec(tmp_path, SPEC), "-o", out)
    assert result.code == 0, result.stderr
    # one warning per CEType value, none for the actions (the API documents them as case-insensitive)
    assert [line.split(": ")[1] for line in result.stderr.splitlines()] == ["warning[CE-001]"] * 2
    assert "type is 'managed'; AWS accepts it and stores 'MANAGED'" in result.stderr
    files = {k: v.decode() for k, v in tree(out).items()}
    assert json.loads(files["cli/batch/create-compute-environment/cdk-fargate.json"])["type"] == "MANAGED"
    assert json.loads(files["cli/batch/create-compute-environment/own-hosts.json"])["type"] == "UNMANAGED"
    body = json.loads(files["cli/batch/register-job-definition/etl.json"])
    assert [e["action"] for e in body["retryStrategy"]["evaluateOnExit"]] == ["RETRY", "EXIT"]
    tf = files["terraform/compute_environments.tf"]
    assert re.findall(r'^  type +=( "\w+")$', tf, re.M) == [' "MANAGED"', ' "UNMANAGED"']
    assert re.findall(r'^ +action += "(\w+)"$', files["terraform/job_definitions.tf"], re.M) == ["RETRY", "EXIT"]
    # the rules saw UNMANAGED: batchgen generated the unmanaged environment's service role
    assert "cli/iam/create-role/demo-batch-service.json" in files


def test_environments_each_report_the_shared_value(tmp_path):
    spec = SPEC + "environments:\n  dev: {region: us-west-2}\n  prod: {}\n"
    result = run("validate", write_spec(tmp_path, spec))
    assert result.code == 0
    lines = [line for line in result.stderr.splitlines() if "'managed'" in line]
    assert len(lines) == 1 and lines[0].endswith("[env: dev, prod] [BC CreateComputeEnvironmentRequest (required), "
                                                "CEType; 003:3448-3458]")


def test_enums_kept_exact_are_still_errors(tmp_path):
    spec = SPEC.replace("      type: FARGATE\n", "      type: fargate\n")
    result = run("validate", write_spec(tmp_path, spec))
    assert result.code == 1
    assert "error[CE-011]: computeEnvironments[0].computeResources.type is 'fargate'" in result.stderr
    assert "(did you mean 'FARGATE'?)" in result.stderr
