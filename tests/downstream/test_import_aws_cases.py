"""`batchgen import aws` against the emulator: the cases an account throws at it.

- A denied permission: moto's own IAM access control, switched on for the test
  (POST /moto-api/reset-auth, moto's switch for INITIAL_NO_AUTH_ACTION_COUNT): requests are
  signed with an IAM user's keys and checked against that user's policy, and a call the
  policy doesn't allow gets the 403 AccessDenied a real account sends. Real policy
  evaluation over the real HTTP exchange, rather than a stubbed error.
- An empty account; a Region with 1,000 job definitions (DescribeJobDefinitions answers 100 a
  page, as AWS does: moto_launcher.py); a job definition with fields the spec can't carry.
- Throttling: botocore's own retry handler, fed ThrottlingException answers for the first
  calls by an event hook before the real request goes out.
"""

from __future__ import annotations

import json
import os
import re
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import yaml
from botocore.awsrequest import AWSResponse

from compiler.importers.aws import import_account
from compiler.pipeline import compile_spec

from .emulator import DEFAULT_REGION, create_batch_service_linked_role, create_network
from .examples import SPECS
from .importing import deploy_example, import_aws

pytestmark = pytest.mark.downstream

FFMPEG = next(p for p in SPECS if p.stem == "ffmpeg-parameters")  # has a scheduling policy and jobs


def _spec(path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_a_denied_call_is_a_warning_naming_the_iam_action(moto_server, tmp_path):
    deployed = deploy_example(moto_server, FFMPEG, tmp_path)
    iam = deployed.account.client("iam")
    iam.create_user(UserName="auditor")
    # Everything the import reads but ListSchedulingPolicies and EventBridge. (moto compares a
    # Batch action in the lower case of its URL path, batch:describejobqueues, and compares
    # case-sensitively; IAM itself ignores the case of actions, so "batch:describe*" is what
    # "batch:Describe*" means to AWS.)
    iam.put_user_policy(UserName="auditor", PolicyName="read-most", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Resource": "*",
                       "Action": ["batch:describe*", "sts:GetCallerIdentity", "iam:Get*", "iam:List*"]}],
    }))
    key = iam.create_access_key(UserName="auditor")["AccessKey"]
    spec = tmp_path / "imported.yaml"
    moto_server.enforce_iam(True)
    try:
        done = import_aws(deployed.account, deployed.region, spec, credentials={
            "AWS_ACCESS_KEY_ID": key["AccessKeyId"], "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"]})
    finally:
        moto_server.enforce_iam(False)
    assert done.code == 0, done.stderr
    warnings = [line for line in done.stderr.splitlines() if "[BG-150]" in line]
    assert warnings == [
        f"aws:{deployed.region}: warning[BG-150]: batch:ListSchedulingPolicies was denied, so no scheduling policy is "
        "imported (queues keep their policies' ARNs); allow batch:ListSchedulingPolicies to the identity that runs "
        "the import, then import again",
        f"aws:{deployed.region}: warning[BG-150]: events:ListRules was denied, so no schedule or notification is "
        "imported (EventBridge rules can't be listed); allow events:ListRules to the identity that runs the import, "
        "then import again",
    ]
    imported = _spec(spec)
    assert [c["computeEnvironmentName"] for c in imported["computeEnvironments"]] == ["transcode-ondemand"]
    assert [j["jobDefinitionName"] for j in imported["jobDefinitions"]] == ["ffmpeg_parameters"]
    assert "schedulingPolicies" not in imported
    policy_arn = f"arn:aws:batch:{deployed.region}:{deployed.account.account_id}:scheduling-policy/transcode-fair-share"
    assert imported["jobQueues"][0]["schedulingPolicyArn"] == policy_arn  # an ARN: outside the spec
    assert compile_spec(str(spec)).errors == []


def test_an_empty_account_gives_an_empty_spec_that_says_so(moto_server, tmp_path):
    moto_server.reset()
    account = moto_server.session(None, DEFAULT_REGION)
    spec = tmp_path / "empty.yaml"
    done = import_aws(account, DEFAULT_REGION, spec)
    assert done.code == 0, done.stderr
    assert not [line for line in done.stderr.splitlines() if "warning[" in line or "error[" in line], done.stderr
    text = spec.read_text(encoding="utf-8")
    assert "# Nothing to import: no compute environment, job queue, scheduling policy, job definition or Batch " \
           "rule was found." in text
    assert _spec(spec) == {"batchgen": 1, "region": DEFAULT_REGION, "account": account.account_id}
    result = compile_spec(str(spec))
    assert result.problems == [] and result.files is not None


def test_a_region_with_1000_job_definitions_is_read_page_by_page(moto_server, tmp_path):
    moto_server.reset()
    account = moto_server.session(None, DEFAULT_REGION)
    batch = account.client("batch")

    def register(i: int) -> None:
        batch.register_job_definition(
            jobDefinitionName=f"job-{i:04d}", type="container", platformCapabilities=["EC2"],
            containerProperties={"image": "public.ecr.aws/docker/library/busybox:1.36", "command": ["echo", str(i)],
                                 "resourceRequirements": [{"type": "VCPU", "value": "1"},
                                                          {"type": "MEMORY", "value": "512"}]})

    with ThreadPoolExecutor(4) as pool:  # the set-up, not the import: a few requests at a time
        list(pool.map(register, range(1000)))
    before = moto_server.log_tail(10**9).count("/v1/describejobdefinitions")
    spec = tmp_path / "thousand.yaml"
    done = import_aws(account, DEFAULT_REGION, spec)
    pages = moto_server.log_tail(10**9).count("/v1/describejobdefinitions") - before
    assert done.code == 0, done.stderr
    names = [j["jobDefinitionName"] for j in _spec(spec)["jobDefinitions"]]
    assert names == [f"job-{i:04d}" for i in range(1000)]
    assert pages == 10  # 100 a page: the import followed nextToken to the end, once


def test_fields_only_awscc_carries_are_kept_and_the_entry_goes_to_awscc(moto_server, tmp_path):
    """An EKS job definition using subPath and pod annotations: the API takes them, the
    hashicorp/aws provider has no argument for them, hashicorp/awscc has (BG-011): the import
    keeps them, and the compiled job definition is an awscc_batch_job_definition."""
    moto_server.reset()
    account = moto_server.session(None, DEFAULT_REGION)
    container = {"name": "main", "image": "public.ecr.aws/docker/library/busybox:1.36", "command": ["sleep", "60"],
                 "resources": {"limits": {"cpu": "1", "memory": "1024Mi"}},
                 "volumeMounts": [{"name": "scratch", "mountPath": "/data", "subPath": "job"}]}
    pod = {"containers": [container], "volumes": [{"name": "scratch", "emptyDir": {"sizeLimit": "1Gi"}}],
           "metadata": {"labels": {"app": "etl"}, "annotations": {"team": "data"}}}
    account.client("batch").register_job_definition(jobDefinitionName="eks-etl", type="container",
                                                     eksProperties={"podProperties": pod})
    spec = tmp_path / "eks.yaml"
    done = import_aws(account, DEFAULT_REGION, spec)
    assert done.code == 0, done.stderr
    assert "[BG-152]" not in done.stderr
    kept = _spec(spec)["jobDefinitions"][0]["eksProperties"]["podProperties"]
    assert kept["containers"][0]["volumeMounts"] == [{"name": "scratch", "mountPath": "/data", "subPath": "job"}]
    assert kept["metadata"] == {"labels": {"app": "etl"}, "annotations": {"team": "data"}}
    compiled = compile_spec(str(spec))
    assert compiled.errors == []
    assert [w.code for w in compiled.warnings if w.code == "BG-011"] == ["BG-011"]
    assert 'resource "awscc_batch_job_definition" "eks_etl"' in compiled.files["terraform/job_definitions.tf"]


def test_fields_no_provider_carries_are_named_and_left_out(moto_server, tmp_path):
    """A pod-level securityContext: the API takes it, neither hashicorp/aws nor hashicorp/awscc
    has an argument for it (BG-011), so the spec can't carry it; the rest is imported."""
    moto_server.reset()
    account = moto_server.session(None, DEFAULT_REGION)
    container = {"name": "main", "image": "public.ecr.aws/docker/library/busybox:1.36", "command": ["sleep", "60"],
                 "resources": {"limits": {"cpu": "1", "memory": "1024Mi"}}}
    pod = {"containers": [container], "securityContext": {"runAsUser": 1000}}
    account.client("batch").register_job_definition(jobDefinitionName="eks-etl", type="container",
                                                     eksProperties={"podProperties": pod})
    spec = tmp_path / "eks.yaml"
    done = import_aws(account, DEFAULT_REGION, spec)
    assert done.code == 0, done.stderr
    arn = f"arn:aws:batch:{DEFAULT_REGION}:{account.account_id}:job-definition/eks-etl:1"
    left_out = sorted(re.search(r"job definition eks-etl: (\S+) is left out", line)[1]
                      for line in done.stderr.splitlines() if "[BG-152]" in line)
    assert left_out == ["eksProperties.podProperties.securityContext"]
    assert all(line.startswith(f"{arn}: warning[BG-152]: job definition eks-etl: ")
               for line in done.stderr.splitlines() if "[BG-152]" in line)
    assert "securityContext" not in _spec(spec)["jobDefinitions"][0]["eksProperties"]["podProperties"]
    assert compile_spec(str(spec)).errors == []


def test_throttling_is_retried_with_backoff(moto_server, monkeypatch):
    """The first two DescribeJobQueues answers are throttled; botocore's standard retry mode
    (what the import configures) waits and asks again, and the import reads the queue."""
    moto_server.reset()
    account = moto_server.session(None, DEFAULT_REGION)
    deploy = account.client("batch")
    for key in [k for k in os.environ if k.startswith("AWS_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server.url)
    session = account.session

    throttled: list[float] = []

    def throttle(request, **_):
        if len(throttled) < 2:
            throttled.append(time.monotonic())
            body = json.dumps({"__type": "ThrottlingException", "message": "Rate exceeded"}).encode()
            response = AWSResponse(request.url, 429, {"x-amzn-ErrorType": "ThrottlingException"}, None)
            response._content = body
            return response
        return None

    session.events.register("before-send.batch.DescribeJobQueues", throttle)
    create_batch_service_linked_role(account)
    network = create_network(account, "subnet-0a1b2c3d4e5f67890 sg-0123456789abcdef0")
    deploy.create_compute_environment(computeEnvironmentName="throttled-ce", type="MANAGED", computeResources={
        "type": "FARGATE", "maxvCpus": 4, "subnets": [network["subnet-0a1b2c3d4e5f67890"]],
        "securityGroupIds": [network["sg-0123456789abcdef0"]]},
        serviceRole=f"arn:aws:iam::{account.account_id}:role/aws-service-role/batch.amazonaws.com/"
                    "AWSServiceRoleForBatch")
    deploy.create_job_queue(jobQueueName="throttled-queue", state="ENABLED", priority=1,
                            computeEnvironmentOrder=[{"order": 1, "computeEnvironment": "throttled-ce"}])
    draft = import_account(region=DEFAULT_REGION, session=session)
    assert len(throttled) == 2 and throttled[1] > throttled[0]
    assert [e.name for e in draft.entries if e.section == "jobQueues"] == ["throttled-queue"]
    assert [p for p in draft.report.problems if p.code == "BG-155"] == []


def test_name_filter_keeps_what_matches_and_references_stay_arns(moto_server, tmp_path):
    deployed = deploy_example(moto_server, FFMPEG, tmp_path)
    spec = tmp_path / "filtered.yaml"
    done = import_aws(deployed.account, deployed.region, spec, "--name-filter", "transcode-q*")
    assert done.code == 0, done.stderr
    imported = _spec(spec)
    assert [q["jobQueueName"] for q in imported["jobQueues"]] == ["transcode-queue"]
    assert "computeEnvironments" not in imported and "jobDefinitions" not in imported
    # the name the environment runs under: batchgen's, with its replacement key
    running = json.loads(deployed.files["cli/batch/create-compute-environment/transcode-ondemand.json"])
    assert imported["jobQueues"][0]["computeEnvironmentOrder"][0]["computeEnvironment"] == \
        f"arn:aws:batch:{deployed.region}:{deployed.account.account_id}:compute-environment/" \
        f"{running['computeEnvironmentName']}"
    assert "names matching 'transcode-q*'" in spec.read_text(encoding="utf-8")
