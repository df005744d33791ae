"""Helpers of the `batchgen import aws` tests: an example deployed to the emulator, the import
run against it (the real CLI path, the standard credential chain, AWS_ENDPOINT_URL), and
what an import ID of terraform/imports.tf names in the emulator.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers import Run, run

from .emulator import (
    DEFAULT_REGION, Account, DeployScript, MotoServer, create_batch_service_linked_role, create_buckets, create_network, rewrite_ids,
)
from .examples import compile_to, load_spec

# The request bodies the round trip compares: what creates the Batch resources.
BATCH_BODIES = ("create-compute-environment", "create-job-queue", "register-job-definition",
                "create-scheduling-policy")


def import_aws(account: Account, region: str, out: Path, *extra: str, credentials: dict | None = None) -> Run:
    """`batchgen import aws --region REGION -o OUT`, with only the environment pointing at the
    emulator: endpoint (AWS_ENDPOINT_URL), keys, no configuration files."""
    env = {k: v for k, v in account.cli_environment().items() if k != "AWS_MAX_ATTEMPTS"}
    if credentials:  # another identity's keys, instead of the account's
        env.pop("AWS_SESSION_TOKEN", None)
        env.update(credentials)
    env.update(AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull)
    with pytest.MonkeyPatch.context() as mp:
        for key in [k for k in os.environ if k.startswith("AWS_")]:
            mp.delenv(key)
        for key, value in env.items():
            mp.setenv(key, value)
        return run("import", "aws", "--region", region, "-o", out, *extra)


@dataclass
class Deployed:
    name: str
    account: Account
    region: str
    work: Path
    files: dict[str, str]  # the original spec's compiled output (emulator network IDs)


def deploy_example(moto_server: MotoServer, spec_path: Path, work: Path) -> Deployed:
    """What test_emulator.py does: network and service-linked role first, the spec rewritten to
    the emulator's IDs, compiled, and every request of its deploy.sh sent with boto3."""
    moto_server.reset()
    text = spec_path.read_text(encoding="utf-8")
    original = load_spec(spec_path)
    region = original.get("region") or DEFAULT_REGION
    account = moto_server.session(original.get("account"), region)
    mapping = create_network(account, text)
    create_batch_service_linked_role(account)
    create_buckets(account, original)  # the buckets triggers watch exist before deploy.sh
    rewritten = work / "original.yaml"
    rewritten.write_text(rewrite_ids(text, mapping), encoding="utf-8")
    result = compile_to(rewritten, work / "original")
    DeployScript.read(work / "original" / "cli" / "deploy.sh").replay(account, region)
    return Deployed(spec_path.stem, account, region, work, result.files)


def batch_bodies(files: dict[str, str], account: str, region: str) -> dict[str, dict]:
    """The create/register bodies of compiled output, as deploy.sh sends them (the account and
    Region filled in where the spec left them to deploy time)."""
    out = {}
    for rel, text in files.items():
        parts = rel.split("/")
        if len(parts) == 4 and parts[:2] == ["cli", "batch"] and parts[2] in BATCH_BODIES:
            out[rel] = json.loads(text.replace("@@ACCOUNT_ID@@", account).replace("@@REGION@@", region))
    return out


def import_id_exists(account: Account, type_: str, import_id: str) -> bool:
    """Does the emulator hold what `import_id` names, read the way the provider reads it?"""
    batch, iam, events = account.client("batch"), account.client("iam"), account.client("events")
    if type_ == "aws_batch_compute_environment":
        found = batch.describe_compute_environments(computeEnvironments=[import_id])["computeEnvironments"]
        return [c["computeEnvironmentName"] for c in found] == [import_id]
    if type_ == "aws_batch_job_queue":
        return [q["jobQueueArn"] for q in batch.describe_job_queues(jobQueues=[import_id])["jobQueues"]] == [import_id]
    if type_ == "aws_batch_job_definition":
        found = batch.describe_job_definitions(jobDefinitions=[import_id])["jobDefinitions"]
        return [(d["jobDefinitionArn"], d["status"]) for d in found] == [(import_id, "ACTIVE")]
    if type_ == "aws_batch_scheduling_policy":
        return [p["arn"] for p in batch.describe_scheduling_policies(arns=[import_id])["schedulingPolicies"]] == [import_id]
    try:
        if type_ == "aws_iam_role":
            return iam.get_role(RoleName=import_id)["Role"]["RoleName"] == import_id
        if type_ == "aws_iam_instance_profile":
            return iam.get_instance_profile(InstanceProfileName=import_id)["InstanceProfile"]["InstanceProfileName"] == import_id
        if type_ == "aws_iam_role_policy_attachment":
            role, _, policy = import_id.partition("/")
            attached = iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]
            return policy in [p["PolicyArn"] for p in attached]
        if type_ == "aws_iam_role_policy":
            role, _, policy = import_id.partition(":")
            return iam.get_role_policy(RoleName=role, PolicyName=policy)["PolicyName"] == policy
        if type_ == "aws_iam_policy":
            return iam.get_policy(PolicyArn=import_id)["Policy"]["Arn"] == import_id
    except iam.exceptions.NoSuchEntityException:
        return False
    if type_ == "aws_cloudwatch_event_rule":
        try:
            return events.describe_rule(Name=import_id)["Name"] == import_id
        except events.exceptions.ResourceNotFoundException:
            return False
    if type_ == "aws_cloudwatch_event_target":
        rule, _, target = import_id.partition("/")
        return target in [t["Id"] for t in events.list_targets_by_rule(Rule=rule)["Targets"]]
    raise AssertionError(f"the test does not know how to look up a {type_}; teach tests/downstream/importing.py")
