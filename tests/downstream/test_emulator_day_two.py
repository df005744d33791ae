"""The CLI path on day two, in the AWS emulator: deploy v1's bodies (deploy.sh's requests,
replayed with boto3), run v2's update.sh (`batchgen compile v2 --baseline v1`) unchanged with
the real AWS CLI, and the account then holds v2: every compute environment, scheduling
policy, job queue and job definition with v2's values, and nothing v2 doesn't have. Also
submit.sh's parameter overrides and teardown.sh, which leaves nothing of the setup behind.

moto (the emulator) stores no change of computeResources that UpdateComputeEnvironment
sends (moto 5.x: "TODO Implement resizing"), so an environment updated in place is checked
on its other fields; botocore checks the bodies themselves (tests/test_day_two_cli.py).
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from .emulator import (
    DEFAULT_REGION, DeployScript, create_batch_service_linked_role, create_buckets, create_network, rewrite_ids,
    run_deploy_script,
)
from .examples import Expected, load_spec, mismatches
from .test_emulator import JOB_DEFINITION_FIELDS_MOTO_DROPS
from .tools import venv_bin
from tests.helpers import ROOT, ExampleChange, example_changes, run

pytestmark = pytest.mark.downstream

PAIRS = ROOT / "tests" / "day_two" / "pairs"
UPDATED = [
    "ce-best-fit-subnet-added",   # a new environment under a new name, the queue moved, the old one deleted
    "queue-fair-share-added",     # a queue deleted and created again (FIFO -> fair-share)
    "queue-policy-replaced",      # a new scheduling policy, the queue moved to it, the old one deleted
    "ce-removed",                 # a queue updated, an environment disabled and deleted
    "queue-removed",              # a queue disabled and deleted
    "job-definition-image-bumped",  # a new revision; the old one stays ACTIVE
    "role-renamed",               # a new role, a new revision using it, the old role deleted
    "project-renamed",            # generated roles renamed: environments updated or replaced
]


def _deploy(moto_server, tmp_path: Path, pair: str, example: ExampleChange | None = None):
    """OLD deployed with its deploy.sh (replayed); OLD and NEW written beside it with the
    emulator's subnet and security group IDs. A pair of tests/day_two/pairs, or an example's change."""
    moto_server.reset()
    if example is None:
        old_text = (PAIRS / pair / "old.yaml").read_text()
        new_text = (PAIRS / pair / "new.yaml").read_text()
        spec = load_spec(PAIRS / pair / "old.yaml")
    else:
        old_text, new_text, spec = example.old.read_text(), example.new_text, load_spec(example.old)
    region = spec.get("region") or DEFAULT_REGION
    account = moto_server.session(spec.get("account"), region)
    mapping = create_network(account, old_text + new_text)
    create_batch_service_linked_role(account)
    create_buckets(account, spec)  # the buckets triggers watch exist before deploy.sh
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(rewrite_ids(old_text, mapping))
    new.write_text(rewrite_ids(new_text, mapping))
    compiled = run("compile", old, "-o", tmp_path / "v1", *(example.env_args if example else []))
    assert compiled.code == 0, compiled.stderr
    DeployScript.read(tmp_path / "v1" / "cli" / "deploy.sh").replay(account, region)
    return account, region, old, new


def _aws_names(out: Path) -> dict[str, str]:
    """Spec name -> AWS name of each compute environment, as the compiled bodies name them."""
    folder = out / "cli" / "batch" / "create-compute-environment"
    return {p.stem: json.loads(p.read_text())["computeEnvironmentName"] for p in folder.glob("*.json")}


def _check_account_holds(account, region: str, spec_path: Path, out: Path, kept: frozenset = frozenset(),
                         env: str | None = None) -> list[str]:
    """Every Batch resource of the spec (of its environment `env`) is in the account with the
    spec's values, and no other. `kept`: AWS names of environments updated in place (moto
    keeps their computeResources)."""
    spec = load_spec(spec_path)
    if env is not None:
        from compiler.environments import overlay
        from compiler.load import load_text

        spec = overlay(load_text(spec_path.read_text()), env).document.data
    batch = account.client("batch")
    environments = batch.describe_compute_environments()["computeEnvironments"]
    names = _aws_names(out)
    expected = Expected(spec, account.account_id, region, ce_names=names)
    problems = []
    by_name = {e["computeEnvironmentName"]: e for e in environments}
    wanted = expected.entries("computeEnvironments")
    if sorted(by_name) != sorted(names.get(ce["computeEnvironmentName"], "?") for ce in wanted):
        problems.append(f"compute environments: {sorted(by_name)}, expected those of {[c['computeEnvironmentName'] for c in wanted]}")
    for raw in wanted:
        entry = expected.entry("computeEnvironments", raw)
        found = by_name.get(entry["computeEnvironmentName"])
        if found is None:
            continue
        if entry["computeEnvironmentName"] in kept:  # moto keeps the computeResources it was created with
            entry.pop("computeResources", None)
        problems += [f"compute environment {raw['computeEnvironmentName']}{m}" for m in mismatches(found, entry)]
    queues = {q["jobQueueName"]: q for q in batch.describe_job_queues()["jobQueues"]}
    if sorted(queues) != sorted(q["jobQueueName"] for q in expected.entries("jobQueues")):
        problems.append(f"job queues: {sorted(queues)}")
    for raw in expected.entries("jobQueues"):
        problems += [f"job queue {raw['jobQueueName']}{m}"
                     for m in mismatches(queues.get(raw["jobQueueName"]), expected.entry("jobQueues", raw))]
    policies = batch.list_scheduling_policies()["schedulingPolicies"]
    wanted_policies = [expected.arn("batch", f"scheduling-policy/{p['name']}")
                       for p in expected.entries("schedulingPolicies")]
    if sorted(p["arn"] for p in policies) != sorted(wanted_policies):
        problems.append(f"scheduling policies: {sorted(p['arn'] for p in policies)}")
    elif wanted_policies:
        found = {p["name"]: p for p in batch.describe_scheduling_policies(arns=wanted_policies)["schedulingPolicies"]}
        for raw in expected.entries("schedulingPolicies"):
            problems += [f"scheduling policy {raw['name']}{m}"
                         for m in mismatches(found.get(raw["name"]), expected.entry("schedulingPolicies", raw))]
    active = batch.describe_job_definitions(status="ACTIVE")["jobDefinitions"]
    if sorted({d["jobDefinitionName"] for d in active}) != sorted(d["jobDefinitionName"]
                                                                  for d in expected.entries("jobDefinitions")):
        problems.append(f"job definitions: {sorted({d['jobDefinitionName'] for d in active})}")
    for raw in expected.entries("jobDefinitions"):
        revisions = sorted((d for d in active if d["jobDefinitionName"] == raw["jobDefinitionName"]),
                           key=lambda d: d["revision"])
        latest = revisions[-1] if revisions else None
        entry = expected.entry("jobDefinitions", raw)
        entry.pop("retryStrategy", None)  # moto lower-cases evaluateOnExit actions (test_emulator.py)
        for dropped in JOB_DEFINITION_FIELDS_MOTO_DROPS:
            entry.pop(dropped, None)
        problems += [f"job definition {raw['jobDefinitionName']} (latest){m}" for m in mismatches(latest, entry)]
    return problems


EXAMPLES = example_changes()


@pytest.mark.parametrize("pair", UPDATED + [f"example:{name}" for name in sorted(EXAMPLES)])
def test_update_sh_turns_v1_into_v2(moto_server, tmp_path, pair):
    """A pair of tests/day_two/pairs, or an example with its change of tests/day_two/examples.yaml."""
    example = EXAMPLES[pair.split(":", 1)[1]] if pair.startswith("example:") else None
    account, region, old, new = _deploy(moto_server, tmp_path, pair, example)
    compiled = run("compile", new, "-o", tmp_path / "v2", "--baseline", old, *(example.env_args if example else []))
    assert compiled.code == 0, compiled.stderr
    kept = frozenset(set(_aws_names(tmp_path / "v1").values()) & set(_aws_names(tmp_path / "v2").values()))
    env = example.env if example else None
    assert _check_account_holds(account, region, old, tmp_path / "v1", env=env) == []  # v1 is there, as the checker sees it
    script = tmp_path / "v2" / "cli" / "update.sh"
    # the checker tells v1 from v2, unless all that changes is an environment's computeResources
    # (updated in place), which moto doesn't store: then update.sh must send that update
    only_in_place = _check_account_holds(account, region, new, tmp_path / "v2", kept, env) == []
    if only_in_place:
        assert "aws batch update-compute-environment" in script.read_text()
    done = run_deploy_script(script, account, venv_bin("awscli", "aws").parent, tmp_path / "home")
    assert done.returncode == 0 and done.stdout.rstrip().endswith("update.sh: done"), \
        done.stdout + done.stderr + moto_server.log_tail()
    if only_in_place:
        assert "batch update-compute-environment" in done.stdout
    problems = _check_account_holds(account, region, new, tmp_path / "v2", kept, env)
    assert not problems, "\n".join(problems) + "\n" + done.stdout


def test_old_revisions_stay_active(moto_server, tmp_path):
    """A new revision leaves the one jobs may still name ACTIVE (deregister_on_new_revision = false)."""
    account, region, old, new = _deploy(moto_server, tmp_path, "job-definition-image-bumped")
    run("compile", new, "-o", tmp_path / "v2", "--baseline", old)
    done = run_deploy_script(tmp_path / "v2" / "cli" / "update.sh", account, venv_bin("awscli", "aws").parent,
                             tmp_path / "home")
    assert done.returncode == 0, done.stderr
    revisions = account.client("batch").describe_job_definitions(jobDefinitionName="work", status="ACTIVE")
    images = sorted((d["revision"], d["containerProperties"]["image"]) for d in revisions["jobDefinitions"])
    assert [image for _, image in images] == ["public.ecr.aws/docker/library/busybox:1.36",
                                             "public.ecr.aws/docker/library/busybox:1.37"]


def test_update_sh_refuses_an_account_without_the_baseline(moto_server, tmp_path):
    """update.sh changes what v1 deployed; in an account without it, it stops before any change."""
    moto_server.reset()
    pair = PAIRS / "queue-priority-changed"
    account = moto_server.session("123456789012", "us-east-1")
    run("compile", pair / "new.yaml", "-o", tmp_path / "v2", "--baseline", pair / "old.yaml")
    done = run_deploy_script(tmp_path / "v2" / "cli" / "update.sh", account, venv_bin("awscli", "aws").parent,
                             tmp_path / "home")
    assert done.returncode == 2
    assert "is not in this account and Region" in done.stderr
    assert account.client("batch").describe_job_queues()["jobQueues"] == []


def test_submit_sh_overrides_parameters_and_teardown_removes_everything(moto_server, tmp_path):
    account, region, old, _ = _deploy(moto_server, tmp_path, "job-template-changed")
    aws = venv_bin("awscli", "aws").parent
    submit = tmp_path / "v1" / "cli" / "submit.sh"
    done = run_deploy_script(submit, account, aws, tmp_path / "home", args=("nightly", "day=friday", "who=it's me"))
    assert done.returncode == 0, done.stderr
    (name, job_id), = [line.split(" ") for line in done.stdout.splitlines()]
    assert name == "nightly"
    job = account.client("batch").describe_jobs(jobs=[job_id])["jobs"][0]
    assert job["parameters"] == {"day": "friday", "who": "it's me"}
    assert run_deploy_script(submit, account, aws, tmp_path / "home", args=("nope",)).returncode == 2

    refused = run_deploy_script(tmp_path / "v1" / "cli" / "teardown.sh", account, aws, tmp_path / "home")
    assert refused.returncode == 2 and "--yes" in refused.stderr
    done = run_deploy_script(tmp_path / "v1" / "cli" / "teardown.sh", account, aws, tmp_path / "home",
                             args=("--yes",))
    assert done.returncode == 0, done.stdout + done.stderr
    batch, iam = account.client("batch"), account.client("iam")
    assert batch.describe_compute_environments()["computeEnvironments"] == []
    assert batch.describe_job_queues()["jobQueues"] == []
    assert batch.list_scheduling_policies()["schedulingPolicies"] == []
    assert batch.describe_job_definitions(status="ACTIVE")["jobDefinitions"] == []
    left = [r["RoleName"] for r in iam.list_roles()["Roles"] if not r["Path"].startswith("/aws-service-role/")]
    assert left == [], left
