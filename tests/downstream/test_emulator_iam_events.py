"""The IAM, EventBridge and SNS part of every example, deployed to the emulator.

For each spec with `iam`, `schedules` or `notifications`: a fresh emulator account (the
same preparation as test_emulator.py: network, service-linked role, spec rewritten to the
emulator's IDs) gets every request deploy.sh sends, replayed with boto3. Then the emulator
is asked what exists, and it must be what the spec asked for:

- each role with its trust policy, path, attached and inline policies; each managed policy
  with its document;
- the Access statements against the ARNs the emulator gave the spec's own queues and job
  definitions: a submit statement names exactly those queues and job definitions, with no
  wildcard but a job definition's revision (`:*`);
- each schedule's rule, its Batch target (queue, job definition, job name, role, Parameters)
  and its role, allowed exactly that queue and job definition;
- each notification's rule (pattern on the queues' ARNs), its target, and the topic whose
  policy lets EventBridge publish for exactly that rule;
- each trigger's rule, its Batch target with the input transformer, and its role; and the
  bucket's S3 -> EventBridge delivery, observed end to end: objects put into the bucket reach
  a probe rule with the trigger's pattern exactly when their key matches the trigger's filter.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from .emulator import (
    Account, DeployScript, create_batch_service_linked_role, create_buckets, create_network, rewrite_ids,
)
from compiler.eventbridge import uses_scheduler

from .examples import SPECS, compile_to, load_spec

pytestmark = pytest.mark.downstream

IAM_SPECS = [p for p in SPECS if {"iam", "schedules", "notifications", "triggers"} & set(load_spec(p))]


@dataclass
class Deployed:
    name: str
    spec: dict
    account: Account
    out: Path

    def client(self, service: str):
        return self.account.client(service)

    def body(self, rel: str) -> dict:
        return json.loads((self.out / "cli" / rel).read_text())

    def queue_arn(self, name: str) -> str:
        return self.client("batch").describe_job_queues(jobQueues=[name])["jobQueues"][0]["jobQueueArn"]

    def definition_arn_prefix(self, name: str) -> str:
        found = self.client("batch").describe_job_definitions(jobDefinitionName=name, status="ACTIVE")["jobDefinitions"]
        assert found, f"job definition {name} not in the emulator"
        return found[0]["jobDefinitionArn"].rsplit(":", 1)[0]

    def role_arn(self, name: str) -> str:
        return self.client("iam").get_role(RoleName=name)["Role"]["Arn"]


def test_there_is_an_iam_and_events_example():
    assert IAM_SPECS, "no example in specs/ uses iam, schedules or notifications"


@pytest.fixture(scope="module", params=IAM_SPECS, ids=[p.stem for p in IAM_SPECS])
def deployed(request, moto_server, tmp_path_factory) -> Deployed:
    spec_path: Path = request.param
    work = tmp_path_factory.mktemp(f"emulator-iam-{spec_path.stem}")
    moto_server.reset()
    text = spec_path.read_text(encoding="utf-8")
    original = load_spec(spec_path)
    region = original.get("region") or "us-east-1"
    account = moto_server.session(original.get("account"), region)
    mapping = create_network(account, text)
    create_batch_service_linked_role(account)
    create_buckets(account, original)
    rewritten = work / "specs" / spec_path.name
    rewritten.parent.mkdir()
    rewritten.write_text(rewrite_ids(text, mapping), encoding="utf-8")
    out = work / "out"
    compile_to(rewritten, out)
    DeployScript.read(out / "cli" / "deploy.sh").replay(account, region)
    return Deployed(spec_path.stem, load_spec(rewritten), account, out)


def _document(value) -> dict:
    """A policy document as IAM/SNS/EventBridge return it (a dict, or JSON text)."""
    return json.loads(value) if isinstance(value, str) else value


def _statements(doc: dict) -> list[dict]:
    st = doc["Statement"]
    return [st] if isinstance(st, dict) else st


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]


# -- IAM -----------------------------------------------------------------------------------

def test_roles_have_their_trust_and_policies(deployed):
    iam = deployed.client("iam")
    for role in (deployed.spec.get("iam") or {}).get("roles", []):
        name = role["RoleName"]
        body = deployed.body(f"iam/create-role/{name}.json")
        got = iam.get_role(RoleName=name)["Role"]
        assert got["Path"] == role.get("Path", "/")
        assert _document(got["AssumeRolePolicyDocument"]) == json.loads(body["AssumeRolePolicyDocument"])
        if "AssumeRolePolicyDocument" in role:
            assert _document(got["AssumeRolePolicyDocument"]) == role["AssumeRolePolicyDocument"]
        attached = {p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]}
        local = {p["PolicyName"]: p["Arn"] for p in iam.list_policies(Scope="Local")["Policies"]}
        assert attached == {a if a.startswith("arn:") else local[a] for a in role.get("ManagedPolicyArns", [])}, name
        inline = set(iam.list_role_policies(RoleName=name)["PolicyNames"])
        assert inline == {p["PolicyName"] for p in role.get("Policies", [])}, name
        for p in role.get("Policies", []):
            doc = _document(iam.get_role_policy(RoleName=name, PolicyName=p["PolicyName"])["PolicyDocument"])
            sent = deployed.body(f"iam/put-role-policy/{name}--{p['PolicyName']}.json")
            assert doc == json.loads(sent["PolicyDocument"])
            if "PolicyDocument" in p and "Access" not in p:
                assert doc == p["PolicyDocument"]


def test_instance_roles_have_instance_profiles(deployed):
    iam = deployed.client("iam")
    batch = deployed.client("batch")
    roles = {r["RoleName"]: r for r in (deployed.spec.get("iam") or {}).get("roles", [])}
    for ce in deployed.spec.get("computeEnvironments", []):
        name = (ce.get("computeResources") or {}).get("instanceRole")
        if name not in roles:
            continue
        profile = iam.get_instance_profile(InstanceProfileName=name)["InstanceProfile"]
        assert [r["RoleName"] for r in profile["Roles"]] == [name]
        found = [c for c in batch.describe_compute_environments()["computeEnvironments"]
                 if c["computeEnvironmentName"].rpartition("-")[0] == ce["computeEnvironmentName"]]
        assert [c["computeResources"]["instanceRole"] for c in found] == [profile["Arn"]]


def _managed_policy_document(deployed: Deployed, name: str) -> dict:
    iam = deployed.client("iam")
    policy = next(p for p in iam.list_policies(Scope="Local")["Policies"] if p["PolicyName"] == name)
    version = iam.get_policy_version(PolicyArn=policy["Arn"], VersionId=policy["DefaultVersionId"])
    return _document(version["PolicyVersion"]["Document"])


def test_managed_policies_have_their_documents(deployed):
    for policy in (deployed.spec.get("iam") or {}).get("policies", []):
        name = policy["ManagedPolicyName"]
        doc = _managed_policy_document(deployed, name)
        assert doc == json.loads(deployed.body(f"iam/create-policy/{name}.json")["PolicyDocument"])
        if "PolicyDocument" in policy and "Access" not in policy:
            assert doc == policy["PolicyDocument"]


def _expected_submit_resources(deployed: Deployed, intent: dict) -> set[str]:
    jobs = {j["jobName"]: j for j in deployed.spec.get("jobs", [])}
    queues = list(intent.get("jobQueues", [])) + [jobs[j]["jobQueue"] for j in intent.get("jobs", [])]
    definitions = list(intent.get("jobDefinitions", [])) + [jobs[j]["jobDefinition"] for j in intent.get("jobs", [])]
    return ({deployed.queue_arn(q) for q in queues}
            | {f"{deployed.definition_arn_prefix(d)}:*" for d in definitions})


def _access_policies(deployed: Deployed):
    """(kind, name, Access list, the document in the emulator) of every policy with Access."""
    iam = deployed.client("iam")
    for policy in (deployed.spec.get("iam") or {}).get("policies", []):
        if policy.get("Access"):
            yield policy["ManagedPolicyName"], policy["Access"], _managed_policy_document(deployed, policy["ManagedPolicyName"])
    for role in (deployed.spec.get("iam") or {}).get("roles", []):
        for p in role.get("Policies", []):
            if p.get("Access"):
                doc = iam.get_role_policy(RoleName=role["RoleName"], PolicyName=p["PolicyName"])["PolicyDocument"]
                yield f"{role['RoleName']}/{p['PolicyName']}", p["Access"], _document(doc)


def test_submit_statements_name_exactly_the_specs_queues_and_definitions(deployed):
    """Against the ARNs the emulator gave the queues and job definitions; only `:*` is a wildcard."""
    checked = 0
    for name, items, doc in _access_policies(deployed):
        submits = [s for s in _statements(doc) if s["Action"] == "batch:SubmitJob"]
        intents = [i["submit"] for i in items if isinstance(i, dict) and "submit" in i]
        assert len(submits) == len(intents), name
        for statement, intent in zip(submits, intents):
            resources = _as_list(statement["Resource"])
            assert set(resources) == _expected_submit_resources(deployed, intent), name
            assert len(resources) == len(set(resources)), name
            for arn in resources:
                wildcard_free = arn[:-2] if arn.endswith(":*") and ":job-definition/" in arn else arn
                assert "*" not in wildcard_free and "?" not in wildcard_free, f"{name}: {arn}"
            checked += 1
    if any("submit" in str(i) for _, items, _ in _access_policies(deployed) for i in items):
        assert checked


def test_read_and_register_statements(deployed):
    iam = deployed.client("iam")
    for name, items, doc in _access_policies(deployed):
        statements = _statements(doc)
        if "read" in items:
            read = next(s for s in statements if s.get("Sid") == "Read")
            assert read["Resource"] == "*" and read["Effect"] == "Allow", name
            assert all(a.startswith(("batch:Describe", "batch:List")) and "*" not in a for a in read["Action"]), name
        for item in items:
            if not (isinstance(item, dict) and "register" in item):
                continue
            intent = item["register"]
            arn = f"arn:aws:batch:{deployed.account.region}:{deployed.account.account_id}:job-definition/{intent['namePrefix']}*"
            register = next(s for s in statements if s["Action"] == "batch:RegisterJobDefinition")
            assert register["Resource"] == arn
            condition = register["Condition"]
            assert condition["StringEquals"]["batch:User"] == intent["users"]
            images = condition.get("StringLike", condition["StringEquals"])["batch:Image"]
            assert images == intent["images"]
            assert condition["BoolIfExists"] == {"batch:Privileged": "false"}
            deregister = next(s for s in statements if s["Action"] == "batch:DeregisterJobDefinition")
            assert deregister["Resource"] == arn and "Condition" not in deregister
            if intent.get("passRoles"):
                passrole = next(s for s in statements if s["Action"] == "iam:PassRole")
                assert set(_as_list(passrole["Resource"])) == {deployed.role_arn(r) for r in intent["passRoles"]}
                assert "ecs-tasks.amazonaws.com" in passrole["Condition"]["StringEquals"]["iam:PassedToService"]
                assert iam.get_role(RoleName=intent["passRoles"][0])


# -- EventBridge ---------------------------------------------------------------------------

def test_schedules_submit_their_job_with_a_role_scoped_to_it(deployed):
    events = deployed.client("events")
    iam = deployed.client("iam")
    jobs = {j["jobName"]: j for j in deployed.spec.get("jobs", [])}
    for schedule in deployed.spec.get("schedules", []):
        if uses_scheduler(schedule):
            continue  # test_scheduler_schedules_submit_their_job
        rule = events.describe_rule(Name=schedule["name"])
        assert rule["ScheduleExpression"] == schedule["scheduleExpression"]
        assert rule["State"] == schedule.get("state", "ENABLED")
        job = jobs[schedule["job"]]
        (target,) = events.list_targets_by_rule(Rule=schedule["name"])["Targets"]
        assert target["Arn"] == deployed.queue_arn(job["jobQueue"])
        batch = target["BatchParameters"]
        assert batch["JobDefinition"] == job["jobDefinition"] and batch["JobName"] == job["jobName"]
        if "arrayProperties" in job:
            assert batch["ArrayProperties"]["Size"] == job["arrayProperties"]["size"]
        if job.get("parameters"):
            assert json.loads(target["Input"]) == {"Parameters": job["parameters"]}
        role_name = target["RoleArn"].rsplit("/", 1)[-1]
        trust = _document(iam.get_role(RoleName=role_name)["Role"]["AssumeRolePolicyDocument"])
        assert any("events.amazonaws.com" in _as_list(s["Principal"]["Service"]) for s in _statements(trust))
        if "roleArn" not in schedule:  # generated: exactly this queue and job definition
            (policy_name,) = iam.list_role_policies(RoleName=role_name)["PolicyNames"]
            doc = _document(iam.get_role_policy(RoleName=role_name, PolicyName=policy_name)["PolicyDocument"])
            (statement,) = _statements(doc)
            assert statement["Action"] == "batch:SubmitJob"
            assert statement["Resource"] == [deployed.queue_arn(job["jobQueue"]),
                                             f"{deployed.definition_arn_prefix(job['jobDefinition'])}:*"]


def test_notifications_match_the_queues_and_publish_to_the_topic(deployed):
    events = deployed.client("events")
    sns = deployed.client("sns")
    topics = {t["TopicArn"].rsplit(":", 1)[-1]: t["TopicArn"] for t in sns.list_topics()["Topics"]}
    all_queues = [q["jobQueueName"] for q in deployed.spec.get("jobQueues", [])]
    for n in deployed.spec.get("notifications", []):
        rule = events.describe_rule(Name=n["name"])
        pattern = json.loads(rule["EventPattern"])
        assert pattern == {
            "source": ["aws.batch"],
            "detail-type": ["Batch Job State Change"],
            "detail": {"status": n.get("statuses", ["FAILED"]),
                       "jobQueue": [deployed.queue_arn(q) for q in n.get("jobQueues", all_queues)]},
        }
        topic_arn = n["topic"] if n["topic"].startswith("arn:") else topics[n["topic"]]
        (target,) = events.list_targets_by_rule(Rule=n["name"])["Targets"]
        assert target["Arn"] == topic_arn
        if n["topic"].startswith("arn:"):
            continue
        policy = json.loads(sns.get_topic_attributes(TopicArn=topic_arn)["Attributes"]["Policy"])
        (statement,) = _statements(policy)
        assert statement["Principal"] == {"Service": "events.amazonaws.com"}
        assert statement["Action"] == "sns:Publish" and statement["Resource"] == topic_arn
        assert rule["Arn"] in statement["Condition"]["ArnEquals"]["aws:SourceArn"]
        subscribed = {(s["Protocol"], s["Endpoint"])
                      for s in sns.list_subscriptions_by_topic(TopicArn=topic_arn)["Subscriptions"]}
        assert subscribed == {(s["protocol"], s["endpoint"]) for s in n.get("subscriptions", [])}


def _generated_submit_statement(deployed: Deployed, role_name: str, job: dict) -> list[dict]:
    """The statements of a generated role's one inline policy; the first allows exactly the job."""
    iam = deployed.client("iam")
    (policy_name,) = iam.list_role_policies(RoleName=role_name)["PolicyNames"]
    doc = _document(iam.get_role_policy(RoleName=role_name, PolicyName=policy_name)["PolicyDocument"])
    statements = _statements(doc)
    assert statements[0]["Action"] == "batch:SubmitJob"
    assert statements[0]["Resource"] == [deployed.queue_arn(job["jobQueue"]),
                                         f"{deployed.definition_arn_prefix(job['jobDefinition'])}:*"]
    return statements


def _trusts(deployed: Deployed, role_name: str, service: str) -> bool:
    trust = _document(deployed.client("iam").get_role(RoleName=role_name)["Role"]["AssumeRolePolicyDocument"])
    return any(service in _as_list(s["Principal"]["Service"]) for s in _statements(trust))


def test_scheduler_schedules_submit_their_job(deployed):
    """A Scheduler schedule: the universal target submits the job (its SubmitJob request in the
    input), with a role scheduler.amazonaws.com assumes, allowed exactly that job."""
    scheduler = deployed.client("scheduler")
    jobs = {j["jobName"]: j for j in deployed.spec.get("jobs", [])}
    for schedule in [s for s in deployed.spec.get("schedules", []) if uses_scheduler(s)]:
        found = scheduler.get_schedule(Name=schedule["name"])
        assert found["ScheduleExpression"] == schedule["scheduleExpression"]
        assert found.get("ScheduleExpressionTimezone") == schedule.get("scheduleExpressionTimezone")
        window = schedule.get("flexibleTimeWindow") or {"mode": "OFF"}
        assert found["FlexibleTimeWindow"]["Mode"] == window["mode"]
        assert found["FlexibleTimeWindow"].get("MaximumWindowInMinutes") == window.get("maximumWindowInMinutes")
        target = found["Target"]
        assert target["Arn"].endswith(":scheduler:::aws-sdk:batch:submitJob")
        job = jobs[schedule["job"]]
        request = json.loads(target["Input"])
        assert request["JobName"] == job["jobName"] and request["JobDefinition"] == job["jobDefinition"]
        assert request["JobQueue"] == deployed.queue_arn(job["jobQueue"])
        assert request.get("Parameters") == job.get("parameters")
        role_name = target["RoleArn"].rsplit("/", 1)[-1]
        assert _trusts(deployed, role_name, "scheduler.amazonaws.com")
        if "roleArn" not in schedule:
            statements = _generated_submit_statement(deployed, role_name, job)
            if schedule.get("deadLetterQueue"):  # Scheduler sends to its DLQ with the role
                assert target["DeadLetterConfig"]["Arn"] == schedule["deadLetterQueue"]
                assert statements[1] == {"Sid": "SendToDeadLetterQueue", "Effect": "Allow",
                                         "Action": "sqs:SendMessage", "Resource": schedule["deadLetterQueue"]}


def test_triggers_submit_their_job_from_the_event(deployed):
    """A trigger's rule targets the job's queue with the job's definition and name, an input
    transformer for the parameters, and a role events.amazonaws.com assumes, allowed exactly that job."""
    events = deployed.client("events")
    jobs = {j["jobName"]: j for j in deployed.spec.get("jobs", [])}
    for trigger in deployed.spec.get("triggers", []):
        rule = events.describe_rule(Name=trigger["name"])
        assert json.loads(rule["EventPattern"])["detail"]["bucket"] == {"name": [trigger["bucket"]]}
        job = jobs[trigger["job"]]
        (target,) = events.list_targets_by_rule(Rule=trigger["name"])["Targets"]
        assert target["Arn"] == deployed.queue_arn(job["jobQueue"])
        assert target["BatchParameters"]["JobDefinition"] == job["jobDefinition"]
        assert target["BatchParameters"]["JobName"] == job["jobName"]
        template = json.loads(target["InputTransformer"]["InputTemplate"])
        assert set(template["Parameters"]) == set(trigger.get("parameters", {})) | set(job.get("parameters", {}))
        role_name = target["RoleArn"].rsplit("/", 1)[-1]
        assert _trusts(deployed, role_name, "events.amazonaws.com")
        if "roleArn" not in trigger:
            assert len(_generated_submit_statement(deployed, role_name, job)) == 1


def test_new_objects_reach_exactly_the_triggers_rule(deployed, tmp_path):
    """End to end in the emulator: the bucket's S3 -> EventBridge delivery is on (deploy.sh
    turned it on), and the trigger's rule passes the Object Created events of keys that match
    its filter and no other. moto can't run a Batch target (and stops delivering an event at
    the first target it can't run), so for the probe the rule's target is an SQS queue; the
    Batch target is put back afterwards."""
    triggers = deployed.spec.get("triggers", [])
    if not triggers:  # then deploy.sh touches no bucket
        assert not (deployed.out / "cli" / "s3api").exists()
        return
    events, sqs, s3 = deployed.client("events"), deployed.client("sqs"), deployed.client("s3")
    for trigger in triggers:
        queue_url = sqs.create_queue(QueueName=f"probe-{trigger['name']}"[:80])["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        deployed_targets = events.list_targets_by_rule(Rule=trigger["name"])["Targets"]
        events.remove_targets(Rule=trigger["name"], Ids=[t["Id"] for t in deployed_targets])
        events.put_targets(Rule=trigger["name"], Targets=[{"Id": "probe", "Arn": queue_arn}])
        prefix, suffix = trigger.get("prefix", ""), trigger.get("suffix", "")
        matching = f"{prefix}2026/12/upload 1{suffix}"
        others = [f"elsewhere/{matching}", f"{prefix}2026/12/upload 1{suffix}.tmp"] if prefix or suffix else []
        try:
            for key in [matching, *others]:
                s3.put_object(Bucket=trigger["bucket"], Key=key, Body=b"a,b\n1,2\n")
        finally:
            events.remove_targets(Rule=trigger["name"], Ids=["probe"])
            events.put_targets(Rule=trigger["name"], Targets=deployed_targets)
        received = []
        while True:
            batch = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0)
            if not batch.get("Messages"):
                break
            received += [json.loads(m["Body"]) for m in batch["Messages"]]
        assert [e["detail"]["object"]["key"] for e in received] == [matching], trigger["name"]
        assert received[0]["detail-type"] == "Object Created" and received[0]["source"] == "aws.s3"
