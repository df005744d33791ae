"""Every example's CLI output creates its whole setup in an AWS emulator.

For each spec: a fresh emulator account gets the network the spec names
(created, and the spec rewritten to the emulator's IDs) and the AWS Batch
service-linked role; the rewritten spec is compiled into a temporary
directory; then

- the examples in ``DEPLOY_SH`` run ``cli/deploy.sh`` unchanged with the real
  AWS CLI (v1, .venvs/awscli) pointed at the emulator (``AWS_ENDPOINT_URL``);
- every other example replays the same requests with boto3: each body file
  deploy.sh sends, in deploy.sh's order, with its waits and job-ID capture.

Afterwards every compute environment, scheduling policy, job queue, job
definition and submitted job must exist with the spec's values, and array
jobs must have their children. The emulator (moto) proves that the files are
well-formed requests and that their references resolve; it is looser than
AWS on limits, which batchgen's own validation checks.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from .emulator import (
    BATCH_SLR_PATH, DEFAULT_ACCOUNT, DEFAULT_REGION, Account, DeployScript, bucket_notifications,
    create_batch_service_linked_role, create_buckets, create_network, rewrite_ids, run_deploy_script, submit_bodies,
)
from .examples import (
    NAME_FIELDS, SPEC_IDS, SPECS, Expected, compile_to, find_compute_environment_names, load_spec, mismatches,
)
from .tools import venv_bin

pytestmark = pytest.mark.downstream

# Run with deploy.sh and the real AWS CLI: one spec with `account` (the script
# checks the caller's account) and a job that depends on another (job-ID
# capture); one without `account` (the script asks STS for it and fills the
# @@ACCOUNT_ID@@ placeholders) and with a scheduling policy. Each AWS CLI call
# costs ~0.6 s, so the other examples are replayed with boto3 (deploy.sh's
# enable_eventbridge, whose merge is the CLI's own JMESPath, runs with the real
# CLI in test_enable_eventbridge_with_the_real_aws_cli).
DEPLOY_SH = ("render", "ffmpeg-parameters")

JOB_STATUSES = ("SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED", "FAILED")

# AWS documents evaluateOnExit.action as case-insensitive; moto stores it lower-cased.
CASEFOLD = frozenset({"/retryStrategy/evaluateOnExit/*/action"})

# RegisterJobDefinition fields moto 5.2.5 does not report back in DescribeJobDefinitions.
# nodeProperties it reports in DescribeJobs of a job that uses the definition (test_jobs).
JOB_DEFINITION_FIELDS_MOTO_DROPS = frozenset({
    "nodeProperties", "schedulingPriority", "ecsProperties", "consumableResourceProperties",
})

# SubmitJob fields that moto 5.2.5 accepts but does not report back in DescribeJobs.
# (They are still checked: botocore validates every body in tests/test_examples.py.)
JOB_FIELDS_MOTO_DROPS = frozenset({
    "retryStrategy", "shareIdentifier", "schedulingPriorityOverride", "propagateTags",
    "nodeOverrides", "eksPropertiesOverride", "ecsPropertiesOverride",
    "consumableResourcePropertiesOverride",
})


@dataclass
class Deployment:
    name: str
    spec: dict  # with the emulator's network IDs
    account: Account
    out: Path
    expected: Expected
    how: str  # "deploy.sh" or "boto3"
    script: DeployScript
    job_ids: dict[str, str] = field(default_factory=dict)  # jobName -> jobId
    log: str = ""
    buckets_before: dict[str, dict] = field(default_factory=dict)  # the triggers' buckets' notifications
    submit_log: str = ""

    @property
    def batch(self):
        return self.account.client("batch")


@pytest.fixture(scope="module", params=SPECS, ids=SPEC_IDS)
def deployment(request, moto_server, tmp_path_factory) -> Deployment:
    spec_path: Path = request.param
    work = tmp_path_factory.mktemp(f"emulator-{spec_path.stem}")
    moto_server.reset()
    text = spec_path.read_text(encoding="utf-8")
    original = load_spec(spec_path)
    region = original.get("region") or DEFAULT_REGION
    account = moto_server.session(original.get("account"), region)
    mapping = create_network(account, text)
    create_batch_service_linked_role(account)
    buckets_before = create_buckets(account, original)

    rewritten = work / "specs" / spec_path.name
    rewritten.parent.mkdir()
    rewritten.write_text(rewrite_ids(text, mapping), encoding="utf-8")
    out = work / "out"
    compile_to(rewritten, out)
    script = DeployScript.read(out / "cli" / "deploy.sh")

    deployment = Deployment(spec_path.stem, load_spec(rewritten), account, out,
                            Expected(load_spec(rewritten), account.account_id, region),
                            "deploy.sh" if spec_path.stem in DEPLOY_SH else "boto3", script)
    wanted = deployment.expected.submitted_jobs()
    if deployment.how != "deploy.sh":
        assert script.replay(account, region) == {}, "deploy.sh submitted jobs"
    else:
        aws = venv_bin("awscli", "aws")
        done = run_deploy_script(out / "cli" / "deploy.sh", account, aws.parent, work / "home")
        deployment.log = done.stdout + done.stderr
        if done.returncode != 0 or not done.stdout.rstrip().endswith("deploy.sh: done"):
            pytest.fail(f"deploy.sh exited {done.returncode}:\n{deployment.log}\n"
                        f"moto log:\n{moto_server.log_tail()}", pytrace=False)
        if wanted:  # deploying and running are separate acts: submit.sh --all runs the jobs
            done = run_deploy_script(out / "cli" / "submit.sh", account, aws.parent, work / "home", args=("--all",))
            deployment.submit_log = done.stdout + done.stderr
            if done.returncode != 0:
                pytest.fail(f"submit.sh --all exited {done.returncode}:\n{deployment.submit_log}", pytrace=False)
            deployment.job_ids = dict(line.split(" ", 1) for line in done.stdout.splitlines() if line.strip())
    names = [ce["computeEnvironmentName"] for ce in deployment.batch.describe_compute_environments()["computeEnvironments"]]
    deployment.expected.ce_names = find_compute_environment_names(deployment.spec, names)
    if deployment.how != "deploy.sh":  # jobs refer to queues only, so they can go now
        deployment.job_ids = submit_bodies(account, out / "cli", wanted, region)
    deployment.buckets_before = buckets_before
    return deployment


def _by_name(items: list[dict], key: str) -> dict[str, dict]:
    return {item[key]: item for item in items}


def _check(kind: str, name: str, actual: dict | None, expected: dict, casefold=frozenset()) -> list[str]:
    if actual is None:
        return [f"{kind} {name}: not found in the emulator"]
    return [f"{kind} {name}{m}" for m in mismatches(actual, expected, casefold=casefold)]


# -- every body file is sent ----------------------------------------------------------

def test_deploy_sh_sends_every_body_file_once(deployment):
    """Each body file is sent once, but the jobs' (deploy.sh submits none: submit.sh does)."""
    files = {p.relative_to(deployment.out / "cli").as_posix() for p in (deployment.out / "cli").rglob("*.json")}
    files = {f for f in files if not f.startswith("batch/submit-job/")}
    assert sorted(deployment.script.bodies) == sorted(files)


def test_at_least_one_example_runs_deploy_sh():
    assert set(DEPLOY_SH) & set(SPEC_IDS), f"none of {DEPLOY_SH} is in specs/: pick another example for deploy.sh"


# -- the resources, with the spec's values -----------------------------------------------

def test_compute_environments(deployment):
    actual = _by_name(deployment.batch.describe_compute_environments()["computeEnvironments"],
                      "computeEnvironmentName")
    problems = []
    for raw in deployment.expected.entries("computeEnvironments"):
        name = deployment.expected.ce_names.get(raw["computeEnvironmentName"], raw["computeEnvironmentName"])
        found = actual.get(name)
        problems += _check("compute environment", name, found, deployment.expected.entry("computeEnvironments", raw))
        if found is not None and found.get("status") != "VALID":
            problems.append(f"compute environment {name}: status {found.get('status')}")
    assert not problems, "\n".join(problems)
    assert len(actual) == len(deployment.expected.entries("computeEnvironments"))


def test_scheduling_policies(deployment):
    wanted = deployment.expected.entries("schedulingPolicies")
    if not wanted:  # then the deployment created none either
        assert deployment.batch.list_scheduling_policies()["schedulingPolicies"] == []
        return
    arns = [deployment.expected.arn("batch", f"scheduling-policy/{p['name']}") for p in wanted]
    actual = _by_name(deployment.batch.describe_scheduling_policies(arns=arns)["schedulingPolicies"], "name")
    problems = []
    for raw in wanted:
        problems += _check("scheduling policy", raw["name"], actual.get(raw["name"]),
                           deployment.expected.entry("schedulingPolicies", raw))
    assert not problems, "\n".join(problems)


def test_job_queues(deployment):
    actual = _by_name(deployment.batch.describe_job_queues()["jobQueues"], "jobQueueName")
    problems = []
    for raw in deployment.expected.entries("jobQueues"):
        name = raw["jobQueueName"]
        found = actual.get(name)
        problems += _check("job queue", name, found, deployment.expected.entry("jobQueues", raw))
        if found is not None and found.get("status") != "VALID":
            problems.append(f"job queue {name}: status {found.get('status')}")
    assert not problems, "\n".join(problems)
    assert len(actual) == len(deployment.expected.entries("jobQueues"))


def test_job_definitions(deployment):
    problems = []
    for raw in deployment.expected.entries("jobDefinitions"):
        name = raw["jobDefinitionName"]
        found = deployment.batch.describe_job_definitions(jobDefinitionName=name, status="ACTIVE")["jobDefinitions"]
        if len(found) != 1:
            problems.append(f"job definition {name}: {len(found)} ACTIVE revisions, expected 1")
            continue
        expected = deployment.expected.entry("jobDefinitions", raw)
        for key in JOB_DEFINITION_FIELDS_MOTO_DROPS:
            expected.pop(key, None)
        problems += _check("job definition", name, found[0], expected, CASEFOLD)
    assert not problems, "\n".join(problems)


def _submitted_jobs(deployment: Deployment) -> dict[str, list[dict]]:
    """{jobName: [summary of each top-level job]} over every queue and status."""
    found: dict[str, list[dict]] = {}
    for queue in deployment.expected.entries("jobQueues"):
        for status in JOB_STATUSES:
            pages = deployment.batch.get_paginator("list_jobs").paginate(
                jobQueue=queue["jobQueueName"], jobStatus=status)
            for page in pages:
                for job in page["jobSummaryList"]:
                    if ":" not in job["jobId"]:  # array children are <parent id>:<index>
                        found.setdefault(job["jobName"], []).append(job)
    return found


def _describe(deployment: Deployment, job_ids: list[str]) -> dict[str, dict]:
    described = {}
    for start in range(0, len(job_ids), 100):
        for job in deployment.batch.describe_jobs(jobs=job_ids[start:start + 100])["jobs"]:
            described[job["jobId"]] = job
    return described


def _job_ids(deployment: Deployment) -> dict[str, str]:
    submitted = _submitted_jobs(deployment)
    wanted = [raw["jobName"] for raw in deployment.expected.submitted_jobs()]
    counts = {name: len(submitted.get(name, [])) for name in wanted}
    assert all(n == 1 for n in counts.values()), f"jobs submitted per name (expected 1 each): {counts}"
    assert set(submitted) == set(wanted), f"jobs the spec does not have: {sorted(set(submitted) - set(wanted))}"
    ids = {name: submitted[name][0]["jobId"] for name in wanted}
    if deployment.job_ids:  # the replay's own record agrees
        assert ids == deployment.job_ids
    return ids


def test_jobs(deployment):
    wanted = deployment.expected.submitted_jobs()
    if not wanted:  # then nothing was submitted
        assert _submitted_jobs(deployment) == {}
        return
    ids = _job_ids(deployment)
    described = _describe(deployment, list(ids.values()))
    problems = []
    for raw in wanted:
        name = raw["jobName"]
        job = described.get(ids[name])
        expected = deployment.expected.entry("jobs", raw)
        for dep in expected.get("dependsOn") or []:
            if "jobId" in dep:
                dep["jobId"] = ids.get(dep["jobId"], dep["jobId"])
        overrides = expected.pop("containerOverrides", None) or {}
        for key in JOB_FIELDS_MOTO_DROPS:
            expected.pop(key, None)
        unknown = set(expected) - {"jobName", "jobQueue", "jobDefinition", "parameters", "dependsOn",
                                   "arrayProperties", "timeout", "tags"}
        assert not unknown, f"job {name}: the test does not know {sorted(unknown)}; teach it (test_emulator.py)"
        problems += _check("job", name, job, expected)
        # moto reports a multi-node job's node layout: its definition's nodeProperties.
        definition = _definition(deployment, raw["jobDefinition"])
        if definition is not None and "nodeProperties" in definition:
            problems += _check("job", f"{name} (nodeProperties of {raw['jobDefinition']})",
                               (job or {}).get("nodeProperties"),
                               deployment.expected.entry("jobDefinitions", definition)["nodeProperties"])
        # moto reports the overridden command and environment (not resourceRequirements).
        container = (job or {}).get("container") or {}
        if "command" in overrides and container.get("command") != overrides["command"]:
            problems.append(f"job {name}: command {container.get('command')}, expected {overrides['command']}")
        for variable in overrides.get("environment") or []:
            if variable not in container.get("environment", []):
                problems.append(f"job {name}: environment lacks {variable}")
    assert not problems, "\n".join(problems)


def _definition(deployment: Deployment, reference: str) -> dict | None:
    """The spec's job definition a job names (None for an ARN or an outside name)."""
    name = reference.rpartition(":")[0] if reference.rpartition(":")[2].isdigit() else reference
    return next((d for d in deployment.expected.entries("jobDefinitions") if d["jobDefinitionName"] == name), None)


def test_array_jobs_have_their_children(deployment):
    arrays = [raw for raw in deployment.expected.submitted_jobs() if (raw.get("arrayProperties") or {}).get("size")]
    ids = _job_ids(deployment)
    if not arrays:  # then no submitted job is an array job
        assert not [j for j in _describe(deployment, list(ids.values())).values() if j.get("arrayProperties")]
        return
    for raw in arrays:
        size = raw["arrayProperties"]["size"]
        parent = ids[raw["jobName"]]
        children = []
        for page in deployment.batch.get_paginator("list_jobs").paginate(arrayJobId=parent):
            children += page["jobSummaryList"]
        assert sorted(c["jobId"] for c in children) == sorted(f"{parent}:{i}" for i in range(size)), raw["jobName"]
        assert {c["jobName"] for c in children} == {raw["jobName"]}
        summary = _describe(deployment, [parent])[parent]["arrayProperties"]
        assert summary["size"] == size
        assert sum(summary["statusSummary"].values()) == size


def test_iam_roles_and_instance_profiles(deployment):
    """The roles deploy.sh creates exist, with the managed policies it attaches."""
    iam = deployment.account.client("iam")
    cli = deployment.out / "cli" / "iam"
    for body in sorted((cli / "create-role").glob("*.json")) if (cli / "create-role").is_dir() else []:
        role = iam.get_role(RoleName=body.stem)["Role"]
        assert role["RoleName"] == body.stem
    for body in sorted((cli / "attach-role-policy").glob("*.json")) if (cli / "attach-role-policy").is_dir() else []:
        role, _, policy = body.stem.partition("--")
        attached = [p["PolicyName"] for p in iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]]
        assert policy in attached, f"{role}: {attached}"
    for body in sorted((cli / "create-instance-profile").glob("*.json")) \
            if (cli / "create-instance-profile").is_dir() else []:
        profile = iam.get_instance_profile(InstanceProfileName=body.stem)["InstanceProfile"]
        assert [r["RoleName"] for r in profile["Roles"]] == [body.stem]


def _bodies(deployment: Deployment, service: str, command: str) -> list[dict]:
    folder = deployment.out / "cli" / service / command
    return [json.loads(p.read_text().replace("@@ACCOUNT_ID@@", deployment.expected.account)
                       .replace("@@REGION@@", deployment.expected.region))
            for p in sorted(folder.glob("*.json"))] if folder.is_dir() else []


def test_event_rules_and_targets(deployment):
    """Every rule deploy.sh puts exists with its schedule or pattern and its targets."""
    rules = _bodies(deployment, "events", "put-rule")
    events = deployment.account.client("events")
    if not rules:  # then the deployment made no rule either
        assert events.list_rules()["Rules"] == []
        return
    problems = []
    for body in rules:
        found = events.describe_rule(Name=body["Name"])
        expected = {k: v for k, v in body.items() if k not in ("Tags", "EventPattern")}
        problems += [f"rule {body['Name']}{m}" for m in mismatches(found, expected)]
        if "EventPattern" in body and json.loads(found.get("EventPattern", "null")) != json.loads(body["EventPattern"]):
            problems.append(f"rule {body['Name']}: EventPattern {found.get('EventPattern')}")
        tags = events.list_tags_for_resource(ResourceARN=found["Arn"])["Tags"]
        problems += [f"rule {body['Name']} tags{m}" for m in mismatches(tags, body.get("Tags", []))]
    for body in _bodies(deployment, "events", "put-targets"):
        found = {t["Id"]: t for t in events.list_targets_by_rule(Rule=body["Rule"])["Targets"]}
        for target in body["Targets"]:
            problems += [f"target {body['Rule']}/{target['Id']}{m}"
                         for m in mismatches(found.get(target["Id"]), target)]
    assert not problems, "\n".join(problems)


def test_buckets_keep_their_other_notifications(deployment):
    """deploy.sh turns on S3 -> EventBridge delivery without dropping a notification the bucket had."""
    for bucket, before in deployment.buckets_before.items():
        after = bucket_notifications(deployment.account, bucket)
        assert after.get("QueueConfigurations") == before["QueueConfigurations"], bucket


def test_scheduler_schedules(deployment):
    """Every EventBridge Scheduler schedule deploy.sh creates exists as its body says."""
    scheduler = deployment.account.client("scheduler")
    problems = []
    for body in _bodies(deployment, "scheduler", "create-schedule"):
        found = scheduler.get_schedule(Name=body["Name"])
        problems += [f"schedule {body['Name']}{m}" for m in mismatches(found, body)]
    assert not problems, "\n".join(problems)


def test_topics_and_subscriptions(deployment):
    """Every topic deploy.sh creates exists, with its attributes and subscriptions."""
    topics = _bodies(deployment, "sns", "create-topic")
    sns = deployment.account.client("sns")
    arns = {t["TopicArn"].rpartition(":")[2]: t["TopicArn"] for t in sns.list_topics()["Topics"]}
    assert sorted(arns) == sorted(t["Name"] for t in topics)
    for body in _bodies(deployment, "sns", "set-topic-attributes"):
        attributes = sns.get_topic_attributes(TopicArn=body["TopicArn"])["Attributes"]
        value = attributes.get(body["AttributeName"])
        if body["AttributeName"] == "Policy":
            assert json.loads(value) == json.loads(body["AttributeValue"])
        else:
            assert value == body["AttributeValue"]
    for body in _bodies(deployment, "sns", "subscribe"):
        found = sns.list_subscriptions_by_topic(TopicArn=body["TopicArn"])["Subscriptions"]
        assert any(s["Protocol"] == body["Protocol"] and s["Endpoint"] == body["Endpoint"] for s in found), found


def test_deploy_sh_ran_where_chosen(deployment):
    wanted = {raw["jobName"] for raw in deployment.expected.submitted_jobs()}
    if deployment.how == "deploy.sh":
        lines = deployment.log.splitlines()
        assert lines[-1] == "deploy.sh: done"
        assert not [line for line in lines if "submit-job" in line]  # deploying runs no job
        if wanted:  # submit.sh --all printed "JOB JOB_ID" for each template, once
            assert sorted(line.split(" ")[0] for line in deployment.submit_log.splitlines()) == sorted(wanted)
    assert deployment.job_ids.keys() == wanted


# -- the service-linked role on an account that has none yet -------------------------

def test_deploy_sh_creates_the_service_linked_role_when_missing(moto_server, tmp_path):
    """deploy.sh creates AWSServiceRoleForBatch before the first compute environment."""
    moto_server.reset()
    account = moto_server.session(None, DEFAULT_REGION)
    spec = tmp_path / "slr.yaml"
    network = create_network(account, "subnet-0a1b2c3d4e5f67890 sg-0123456789abcdef0")
    spec.write_text(rewrite_ids(f"""\
batchgen: 1
project: slr-check
region: {DEFAULT_REGION}
computeEnvironments:
  - computeEnvironmentName: slr-fargate
    type: MANAGED
    computeResources:
      type: FARGATE
      maxvCpus: 4
      subnets: [subnet-0a1b2c3d4e5f67890]
      securityGroupIds: [sg-0123456789abcdef0]
""", network))
    compile_to(spec, tmp_path / "out")
    done = run_deploy_script(tmp_path / "out" / "cli" / "deploy.sh", account,
                             venv_bin("awscli", "aws").parent, tmp_path / "home")
    roles = account.client("iam").list_roles(PathPrefix=BATCH_SLR_PATH)["Roles"]
    assert len(roles) == 1, done.stdout + done.stderr
    assert "iam create-service-linked-role batch.amazonaws.com" in done.stdout
    slr = f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/aws-service-role/batch.amazonaws.com/AWSServiceRoleForBatch"
    if roles[0]["RoleName"] == "AWSServiceRoleForbatch":
        # moto 5.2.5 names the role after the lower-case service; AWS names it
        # AWSServiceRoleForBatch, which the compute environment asks for.
        assert done.returncode != 0
        assert f"Could not find IAM role {slr}" in done.stderr
    else:
        assert roles[0]["Arn"] == slr
        assert done.returncode == 0, done.stdout + done.stderr


def test_names_are_unique_per_section(deployment):
    """A name appears once per section (the lookups above go by name)."""
    for section, key in NAME_FIELDS.items():
        names = [raw[key] for raw in deployment.expected.entries(section)]
        assert len(names) == len(set(names)), section


# -- a trigger's bucket, with the real AWS CLI ------------------------------------------

def test_enable_eventbridge_with_the_real_aws_cli(moto_server, tmp_path):
    """deploy.sh's enable_eventbridge, as generated, with the real AWS CLI: the bucket keeps
    the notification it had (the CLI's own JMESPath merge) and gets EventBridge delivery (an
    object put into it reaches a rule on its events). Only the generated body() and
    enable_eventbridge() and their calls run: the rest of the S3 pipeline's deploy.sh is
    replayed with boto3 above, to spare some 35 CLI start-ups."""
    import re
    import subprocess

    from .tools import tool_env

    moto_server.reset()
    spec_path = next(p for p in SPECS if load_spec(p).get("triggers"))
    spec = load_spec(spec_path)
    region = spec.get("region") or DEFAULT_REGION
    account = moto_server.session(spec.get("account"), region)
    before = create_buckets(account, spec)
    compile_to(spec_path, tmp_path / "out")
    cli = tmp_path / "out" / "cli"
    script = (cli / "deploy.sh").read_text()
    functions = [re.search(rf"^{name}\(\) {{\n.*?^}}$", script, re.S | re.M).group(0)
                 for name in ("body", "enable_eventbridge")]
    calls = [line for line in script.splitlines() if line.startswith("enable_eventbridge ")]
    assert len(calls) == len(before)
    driver = tmp_path / "enable.sh"
    driver.write_text("\n".join([
        "set -euo pipefail", f'REGION="{region}"', 'WORK="$(mktemp -d)"', "trap 'rm -rf \"$WORK\"' EXIT",
        'SUBSTITUTIONS=(-e "s/@@ACCOUNT_ID@@/x/g")', *functions, *calls, ""]))
    aws = venv_bin("awscli", "aws")
    home = tmp_path / "home"
    env = tool_env(home, **account.cli_environment(), PATH=f"{aws.parent}:{os.environ.get('PATH', '')}",
                   AWS_CONFIG_FILE=str(home / "aws-config"), AWS_SHARED_CREDENTIALS_FILE=str(home / "aws-credentials"))
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_DEFAULT_REGION", "AWS_CA_BUNDLE"):
        env.pop(name, None)
    done = subprocess.run(["bash", str(driver)], cwd=cli, env=env, capture_output=True, text=True, timeout=120,
                          stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stdout + done.stderr

    events, sqs, s3 = account.client("events"), account.client("sqs"), account.client("s3")
    queue_url = sqs.create_queue(QueueName="probe-bucket-events")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    for bucket, notifications in before.items():
        after = bucket_notifications(account, bucket)
        assert after.get("QueueConfigurations") == notifications["QueueConfigurations"], bucket
        # (moto 5.2.5 also sends "Object Tags Added" for a put without tags, which AWS doesn't)
        events.put_rule(Name="probe", EventPattern=json.dumps({"source": ["aws.s3"], "detail-type": ["Object Created"],
                                                                "detail": {"bucket": {"name": [bucket]}}}))
        events.put_targets(Rule="probe", Targets=[{"Id": "probe", "Arn": queue_arn}])
        s3.put_object(Bucket=bucket, Key="probe/object.txt", Body=b"x")
        messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", [])
        assert [json.loads(m["Body"])["detail"]["object"]["key"] for m in messages] == ["probe/object.txt"], bucket
        sqs.delete_message_batch(QueueUrl=queue_url, Entries=[
            {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)])
        events.remove_targets(Rule="probe", Ids=["probe"])
        events.delete_rule(Name="probe")
