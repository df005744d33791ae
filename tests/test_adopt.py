"""`batchgen compile --adopt`: terraform/imports.tf, with an import block for every resource.

The import IDs follow the hashicorp/aws provider's documentation (compiler/emit/terraform/imports.py);
tests/downstream/test_import_aws.py plans them with Terraform core and finds each in the
emulator. Here: which resources get a block, what needs `account` and `region`, and that
nothing changes without --adopt.
"""
from __future__ import annotations

import re

import pytest

from compiler.pipeline import compile_spec

from .helpers import EXAMPLES, SPECS, run, write_spec

WITH_ACCOUNT = [e for e in EXAMPLES if e.data().get("account") and e.data().get("region")]


def _resources(files: dict[str, str]) -> set[str]:
    return {f"{t}.{label}" for rel, text in files.items() if rel.startswith("terraform/")
            for t, label in re.findall(r'^resource "(\S+)" "(\S+)"', text, re.M)}


@pytest.mark.parametrize("example", WITH_ACCOUNT, ids=[e.id for e in WITH_ACCOUNT])
def test_every_resource_gets_an_import_block(example):
    files = compile_spec(str(example.spec), env=example.env, adopt=True).files
    imports = re.findall(r"^  to = (\S+)$", files["terraform/imports.tf"], re.M)
    assert len(imports) == len(set(imports))
    resources = _resources(files)
    # a subscription's ID is an ARN AWS makes up; a job definition's needs the revision `adopt` gives
    unknowable = {r for r in resources if r.startswith(("aws_sns_topic_subscription.", "aws_batch_job_definition."))}
    # the release waits and the queues' scheduling records are Terraform's own: nothing runs to import
    own = {r for r in resources if r.startswith(("time_sleep.", "terraform_data."))}
    assert own and set(imports) == resources - unknowable - own
    for r in sorted(unknowable):
        assert re.search(rf"^# {re.escape(r)}: |^# \S+: no revision in adopt.jobDefinitions", files["terraform/imports.tf"],
                         re.M)


def test_without_adopt_there_is_no_imports_file():
    for example in EXAMPLES:
        assert "terraform/imports.tf" not in compile_spec(str(example.spec), env=example.env).files


def test_adopt_gives_job_definitions_their_revision_and_rules_their_target_ids(tmp_path):
    spec = write_spec(tmp_path, """
        batchgen: 1
        region: eu-west-1
        account: "123456789012"
        computeEnvironments:
          - computeEnvironmentName: ce
            type: MANAGED
            computeResources: {type: FARGATE, maxvCpus: 4, subnets: [subnet-0a1b2c3d4e5f67890],
                               securityGroupIds: [sg-0123456789abcdef0]}
        jobQueues:
          - jobQueueName: q
            priority: 1
            computeEnvironmentOrder: [{order: 1, computeEnvironment: ce}]
        jobDefinitions:
          - jobDefinitionName: jd
            platformCapabilities: [FARGATE]
            containerProperties:
              image: busybox
              executionRoleArn: arn:aws:iam::123456789012:role/ecsTaskExecutionRole
              resourceRequirements: [{type: VCPU, value: "0.25"}, {type: MEMORY, value: "512"}]
        jobs:
          - {jobName: nightly, jobQueue: q, jobDefinition: jd}
        schedules:
          - {name: nightly, scheduleExpression: "rate(1 day)", job: nightly,
             roleArn: "arn:aws:iam::123456789012:role/events"}
        adopt:
          computeEnvironments: {ce: ce}
          jobDefinitions: {jd: 7}
          eventTargets: {nightly: "Id1234"}
        """)
    files = compile_spec(str(spec), adopt=True).files
    text = files["terraform/imports.tf"]
    # batchgen names the environment ce-<replacement key>; it is adopted under the name it runs under
    assert re.search(r'name += "ce-[0-9a-f]{8}"', files["terraform/compute_environments.tf"])
    for address, import_id in (
        ("aws_batch_compute_environment.ce", "ce"),
        ("aws_batch_job_queue.q", "arn:aws:batch:eu-west-1:123456789012:job-queue/q"),
        ("aws_batch_job_definition.jd", "arn:aws:batch:eu-west-1:123456789012:job-definition/jd:7"),
        ("aws_cloudwatch_event_rule.nightly", "nightly"),
        ("aws_cloudwatch_event_target.nightly", "nightly/Id1234"),
    ):
        assert f'import {{\n  to = {address}\n  id = "{import_id}"\n}}' in text


def test_adopt_needs_account_and_region(tmp_path):
    spec = next(p for p in SPECS if p.stem == "ffmpeg-parameters")  # no account
    out = tmp_path / "out"
    done = run("compile", spec, "-o", out, "--adopt")
    assert done.code == 1 and not out.exists()
    assert f"{spec}:1:1: error[BG-159]: compile --adopt needs `account` in the spec: the import IDs of job queues, " \
           "job definitions, scheduling policies, IAM policies and SNS topics are ARNs; add `account` (batchgen " \
           "import aws writes it)" in done.stderr


def test_an_environment_batchgen_deployed_is_adopted_under_its_aws_name(tmp_path):
    """Without adopt.computeEnvironments, the import ID is the name batchgen gives the
    environment (a setup deployed with deploy.sh, moving to Terraform): nothing is replaced."""
    spec = write_spec(tmp_path, """
        batchgen: 1
        region: eu-west-1
        account: "123456789012"
        computeEnvironments:
          - computeEnvironmentName: ce
            type: MANAGED
            computeResources: {type: FARGATE, maxvCpus: 4, subnets: [subnet-0a1b2c3d4e5f67890],
                               securityGroupIds: [sg-0123456789abcdef0]}
        """)
    files = compile_spec(str(spec), adopt=True).files
    (name,) = re.findall(r'name += "(ce-[0-9a-f]{8})"', files["terraform/compute_environments.tf"])
    assert f'import {{\n  to = aws_batch_compute_environment.ce\n  id = "{name}"\n}}' in files["terraform/imports.tf"]
