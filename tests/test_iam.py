"""IAM roles and policies, access by intent, schedules and notifications: what compile writes.

Offline: the CLI bodies and the Terraform HCL (parsed with python-hcl2). The downstream suite
plans the examples with Terraform, runs checkov and deploys them to the emulator.
"""
from __future__ import annotations

import json
import re
import textwrap

import botocore.session
import hcl2
import pytest
from hcl2.api import SerializationOptions

from compiler.catalog import load_catalog
from compiler.pipeline import compile_spec
from compiler.validate.rules.events import schedule_expression_problem

EV_006 = load_catalog()["EV-006"].limits

from .helpers import OUT, write_spec

BASE = """\
batchgen: 1
project: demo
{where}
computeEnvironments:
  - computeEnvironmentName: ce
    type: MANAGED
    computeResources: {{type: FARGATE, maxvCpus: 16, subnets: [subnet-0a1b2c3d], securityGroupIds: [sg-0a1b2c3d]}}
jobQueues:
  - jobQueueName: render-queue
    priority: 1
    computeEnvironmentOrder: [{{order: 1, computeEnvironment: ce}}]
  - jobQueueName: other-queue
    priority: 1
    computeEnvironmentOrder: [{{order: 1, computeEnvironment: ce}}]
jobDefinitions:
  - jobDefinitionName: RenderJob
    platformCapabilities: [FARGATE]
    containerProperties:
      image: public.ecr.aws/docker/library/busybox:1.36
      command: [echo, Ref::frame]
      resourceRequirements: [{{type: VCPU, value: "0.25"}}, {{type: MEMORY, value: "512"}}]
      networkConfiguration: {{assignPublicIp: ENABLED}}
      jobRoleArn: render-job
  - jobDefinitionName: OtherJob
    platformCapabilities: [FARGATE]
    containerProperties:
      image: public.ecr.aws/docker/library/busybox:1.36
      command: [echo, hi]
      resourceRequirements: [{{type: VCPU, value: "0.25"}}, {{type: MEMORY, value: "512"}}]
      networkConfiguration: {{assignPublicIp: ENABLED}}
jobs:
  - jobName: render-frame
    jobQueue: render-queue
    jobDefinition: RenderJob
    parameters: {{frame: "1"}}
    arrayProperties: {{size: 10}}
    retryStrategy: {{attempts: 2}}
"""
KNOWN = 'region: us-east-1\naccount: "123456789012"'
OPTS = SerializationOptions(strip_string_quotes=True, explicit_blocks=False, preserve_heredocs=False)


def compile_text(tmp_path, extra: str, where: str = KNOWN) -> dict[str, str]:
    path = write_spec(tmp_path, BASE.format(where=where) + textwrap.dedent(extra))
    result = compile_spec(str(path))
    assert result.files is not None, "\n".join(map(str, result.problems))
    return result.files


def cli(files: dict[str, str], rel: str) -> dict:
    return json.loads(files[f"cli/{rel}"])


def hcl(files: dict[str, str], name: str) -> dict:
    return hcl2.loads(files[f"terraform/{name}"], serialization_options=OPTS)


def resource(files: dict[str, str], name: str, rtype: str, label: str) -> dict:
    for block in hcl(files, name).get(rtype if rtype.startswith("data") else "resource", []):
        if rtype in block and label in block[rtype]:
            return block[rtype][label]
    raise KeyError(f"{rtype}.{label} not in {name}")


ROLES = """\
iam:
  roles:
    - RoleName: render-job
      Path: /render/
      ManagedPolicyArns: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]
  policies:
    - ManagedPolicyName: submitters
      Access:
        - submit:
            jobQueues: [render-queue]
            jobDefinitions: [RenderJob]
"""

# --- the acceptance test ------------------------------------------------------------

SUBMIT_ARN = re.compile(r"^arn:aws:batch:us-east-1:123456789012:(job-queue/[A-Za-z0-9_-]+|job-definition/[A-Za-z0-9_-]+:\*)$")


def test_submit_policy_names_exactly_the_queue_and_definition_arns(tmp_path):
    """The generated submit policy names exactly the spec's queue and job-definition ARNs,
    no wildcard beyond the revision suffix: in the CLI body and in Terraform (as references)."""
    files = compile_text(tmp_path, ROLES)
    doc = json.loads(cli(files, "iam/create-policy/submitters.json")["PolicyDocument"])
    (statement,) = doc["Statement"]
    assert statement == {
        "Sid": "Submit", "Effect": "Allow", "Action": "batch:SubmitJob",
        "Resource": ["arn:aws:batch:us-east-1:123456789012:job-queue/render-queue",
                     "arn:aws:batch:us-east-1:123456789012:job-definition/RenderJob:*"],
    }
    for arn in statement["Resource"]:
        assert SUBMIT_ARN.match(arn)
        assert "*" not in arn.removesuffix(":*")
    policy = resource(files, "iam.tf", "aws_iam_policy", "submitters")["policy"]
    assert policy.count("aws_batch_job_queue.render_queue.arn") == 1
    assert policy.count("${aws_batch_job_definition.render_job.arn_prefix}:*") == 1
    assert "other_queue" not in policy and "other_job" not in policy
    assert "arn:aws:batch" not in policy  # references, never pasted ARNs


def test_every_submit_statement_of_the_example_is_exact():
    """Every submit statement in out/scheduled-etl names only ARNs of the spec's queues and
    definitions (the example has account and Region), and exactly those the spec lists."""
    import yaml

    spec = yaml.safe_load((OUT.parent / "specs" / "scheduled-etl.yaml").read_text())
    jobs = {j["jobName"]: j for j in spec["jobs"]}
    region, account = spec["region"], spec["account"]
    bodies = {p: json.loads(p.read_text()) for p in (OUT / "scheduled-etl" / "cli" / "iam").rglob("*.json")}
    access = {p["ManagedPolicyName"]: p.get("Access", []) for p in spec["iam"]["policies"]}
    for r in spec["iam"]["roles"]:
        for p in r.get("Policies", []):
            access[f"{r['RoleName']}--{p['PolicyName']}"] = p.get("Access", [])
    seen = 0
    for path, body in bodies.items():
        if "PolicyDocument" not in body or path.stem not in access:
            continue
        submits = [s for s in json.loads(body["PolicyDocument"])["Statement"] if s["Action"] == "batch:SubmitJob"]
        intents = [i["submit"] for i in access[path.stem] if isinstance(i, dict) and "submit" in i]
        for statement, intent in zip(submits, intents, strict=True):
            queues = intent.get("jobQueues", []) + [jobs[j]["jobQueue"] for j in intent.get("jobs", [])]
            defs = intent.get("jobDefinitions", []) + [jobs[j]["jobDefinition"] for j in intent.get("jobs", [])]
            want = {f"arn:aws:batch:{region}:{account}:job-queue/{q}" for q in queues}
            want |= {f"arn:aws:batch:{region}:{account}:job-definition/{d}:*" for d in defs}
            assert set(statement["Resource"]) == want and len(statement["Resource"]) == len(want)
            seen += 1
    assert seen >= 3


# --- roles by name ----------------------------------------------------------------------------

def test_role_by_name_is_a_terraform_reference_and_a_cli_arn_with_its_path(tmp_path):
    files = compile_text(tmp_path, ROLES)
    jd = cli(files, "batch/register-job-definition/RenderJob.json")
    assert jd["containerProperties"]["jobRoleArn"] == "arn:aws:iam::123456789012:role/render/render-job"
    assert re.search(r"jobRoleArn\s+= aws_iam_role\.render_job\.arn\n", files["terraform/job_definitions.tf"])
    role = cli(files, "iam/create-role/render-job.json")
    assert role["Path"] == "/render/"
    # No AssumeRolePolicyDocument: written from the role's use (a job role: ecs-tasks).
    assert json.loads(role["AssumeRolePolicyDocument"])["Statement"][0]["Principal"] == {"Service": "ecs-tasks.amazonaws.com"}
    attach = cli(files, "iam/attach-role-policy/render-job--AmazonS3ReadOnlyAccess.json")
    assert attach == {"RoleName": "render-job", "PolicyArn": "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"}


def test_managed_policy_by_name_is_attached_by_reference(tmp_path):
    files = compile_text(tmp_path, ROLES.replace(
        "ManagedPolicyArns: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]", "ManagedPolicyArns: [submitters]"))
    attachment = resource(files, "iam.tf", "aws_iam_role_policy_attachment", "render_job_submitters")
    assert attachment["policy_arn"] == "${aws_iam_policy.submitters.arn}"
    assert cli(files, "iam/attach-role-policy/render-job--submitters.json")["PolicyArn"] == \
        "arn:aws:iam::123456789012:policy/submitters"
    deploy = files["cli/deploy.sh"]
    assert deploy.index("iam/create-policy/submitters.json") < deploy.index("iam/attach-role-policy/render-job--submitters")


def test_instance_role_of_the_spec_gets_an_instance_profile(tmp_path):
    extra = """\
    iam:
      roles:
        - RoleName: render-job
        - RoleName: ecs-instance
          ManagedPolicyArns: [arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role]
    """
    text = BASE.format(where=KNOWN).replace(
        "    computeResources: {type: FARGATE, maxvCpus: 16, subnets: [subnet-0a1b2c3d], securityGroupIds: [sg-0a1b2c3d]}\n",
        "    computeResources: {type: FARGATE, maxvCpus: 16, subnets: [subnet-0a1b2c3d], securityGroupIds: [sg-0a1b2c3d]}\n"
        "  - computeEnvironmentName: ec2\n    type: MANAGED\n"
        "    computeResources: {type: EC2, minvCpus: 0, maxvCpus: 16, instanceTypes: [m5], instanceRole: ecs-instance,"
        " subnets: [subnet-0a1b2c3d], securityGroupIds: [sg-0a1b2c3d]}\n")
    path = write_spec(tmp_path, text + textwrap.dedent(extra))
    result = compile_spec(str(path))
    assert result.files, "\n".join(map(str, result.problems))
    files = result.files
    ce = resource(files, "compute_environments.tf", "aws_batch_compute_environment", "ec2")
    assert ce["compute_resources"][0]["instance_role"] == "${aws_iam_instance_profile.ecs_instance.arn}"
    assert "aws_iam_instance_profile.ecs_instance" in files["terraform/compute_environments.tf"].split("depends_on")[-1]
    profile = resource(files, "iam.tf", "aws_iam_instance_profile", "ecs_instance")
    assert profile["role"] == "${aws_iam_role.ecs_instance.name}"
    body = cli(files, "batch/create-compute-environment/ec2.json")
    assert body["computeResources"]["instanceRole"] == "arn:aws:iam::123456789012:instance-profile/ecs-instance"
    trust = json.loads(cli(files, "iam/create-role/ecs-instance.json")["AssumeRolePolicyDocument"])
    assert trust["Statement"][0]["Principal"] == {"Service": "ec2.amazonaws.com"}


def test_without_account_and_region_the_cli_arns_hold_placeholders(tmp_path):
    files = compile_text(tmp_path, ROLES, where="")
    doc = json.loads(cli(files, "iam/create-policy/submitters.json")["PolicyDocument"])
    assert doc["Statement"][0]["Resource"] == [
        "arn:aws:batch:@@REGION@@:@@ACCOUNT_ID@@:job-queue/render-queue",
        "arn:aws:batch:@@REGION@@:@@ACCOUNT_ID@@:job-definition/RenderJob:*",
    ]


# --- access by intent ---------------------------------------------------------------------------

def test_read_is_the_unscoped_describe_and_list_actions(tmp_path):
    files = compile_text(tmp_path, ROLES + "    - ManagedPolicyName: readers\n      Access: [read]\n")
    (statement,) = json.loads(cli(files, "iam/create-policy/readers.json")["PolicyDocument"])["Statement"]
    assert statement["Resource"] == "*"
    assert statement["Action"] == load_catalog()["IAM-007"].limits["unscoped_actions"]
    assert all(a.startswith(("batch:Describe", "batch:List")) for a in statement["Action"])


def test_register_with_conditions_and_pass_role(tmp_path):
    files = compile_text(tmp_path, ROLES + textwrap.indent(textwrap.dedent("""\
        - ManagedPolicyName: developers
          Access:
            - register:
                namePrefix: JobDefA_
                users: ["1000"]
                images: [123456789012.dkr.ecr.us-east-1.amazonaws.com/render:v1]
                passRoles: [render-job]
        - ManagedPolicyName: admins
          Access:
            - register: {namePrefix: Admin_, users: ["0"], images: ["*"], privileged: true}
        """), "    "))
    register, deregister, passrole = json.loads(cli(files, "iam/create-policy/developers.json")["PolicyDocument"])["Statement"]
    arn = "arn:aws:batch:us-east-1:123456789012:job-definition/JobDefA_*"
    assert register == {
        "Sid": "RegisterJobDefinitions", "Effect": "Allow", "Action": "batch:RegisterJobDefinition", "Resource": arn,
        "Condition": {"StringEquals": {"batch:User": ["1000"],
                                       "batch:Image": ["123456789012.dkr.ecr.us-east-1.amazonaws.com/render:v1"]},
                      "BoolIfExists": {"batch:Privileged": "false"}},
    }
    assert deregister == {"Sid": "DeregisterJobDefinitions", "Effect": "Allow",
                          "Action": "batch:DeregisterJobDefinition", "Resource": arn}
    assert passrole["Action"] == "iam:PassRole"
    assert passrole["Resource"] == "arn:aws:iam::123456789012:role/render/render-job"
    assert passrole["Condition"] == {"StringEquals": {"iam:PassedToService": ["batch.amazonaws.com", "ecs-tasks.amazonaws.com"]}}
    admin = json.loads(cli(files, "iam/create-policy/admins.json")["PolicyDocument"])["Statement"][0]
    assert admin["Condition"] == {"StringEquals": {"batch:User": ["0"]}, "StringLike": {"batch:Image": ["*"]}}
    tf = resource(files, "iam.tf", "aws_iam_policy", "developers")["policy"]
    assert "${data.aws_caller_identity.current.account_id}:job-definition/JobDefA_*" in tf
    assert "aws_iam_role.render_job.arn" in tf
    assert 'data "aws_caller_identity" "current"' in files["terraform/iam.tf"]


def test_a_named_revision_is_kept(tmp_path):
    files = compile_text(tmp_path, ROLES.replace("jobDefinitions: [RenderJob]", "jobDefinitions: [\"RenderJob:3\"]"))
    doc = json.loads(cli(files, "iam/create-policy/submitters.json")["PolicyDocument"])
    assert doc["Statement"][0]["Resource"][1] == "arn:aws:batch:us-east-1:123456789012:job-definition/RenderJob:3"
    assert "${aws_batch_job_definition.render_job.arn_prefix}:3" in resource(
        files, "iam.tf", "aws_iam_policy", "submitters")["policy"]


def test_policy_document_and_access_together(tmp_path):
    files = compile_text(tmp_path, ROLES.replace("      Access:\n", textwrap.indent(textwrap.dedent("""\
        PolicyDocument:
          Version: "2012-10-17"
          Statement:
            - {Sid: Logs, Effect: Allow, Action: logs:GetLogEvents, Resource: "arn:aws:logs:us-east-1:123456789012:log-group:/aws/batch/job:*"}
        Access:
        """), "      "), 1))
    doc = json.loads(cli(files, "iam/create-policy/submitters.json")["PolicyDocument"])
    assert [s["Sid"] for s in doc["Statement"]] == ["Logs", "Submit"]


# --- schedules and notifications ----------------------------------------------------------------

SCHEDULE = """\
schedules:
  - name: nightly
    scheduleExpression: cron(0 2 * * ? *)
    job: render-frame
notifications:
  - name: render-failures
    jobQueues: [render-queue]
    topic: render-alerts
"""


def test_schedule_rule_target_and_role(tmp_path):
    files = compile_text(tmp_path, ROLES + SCHEDULE)
    target = cli(files, "events/put-targets/nightly.json")["Targets"][0]
    assert target == {
        "Id": "batch-job",
        "Arn": "arn:aws:batch:us-east-1:123456789012:job-queue/render-queue",
        "RoleArn": "arn:aws:iam::123456789012:role/demo-schedule-nightly",
        "Input": json.dumps({"Parameters": {"frame": "1"}}, separators=(",", ":")),
        "BatchParameters": {"JobDefinition": "RenderJob", "JobName": "render-frame",
                            "ArrayProperties": {"Size": 10}, "RetryStrategy": {"Attempts": 2}},
    }
    assert cli(files, "events/put-rule/nightly.json")["ScheduleExpression"] == "cron(0 2 * * ? *)"
    role = cli(files, "iam/put-role-policy/demo-schedule-nightly--submit-scheduled-job.json")
    assert json.loads(role["PolicyDocument"])["Statement"][0]["Resource"] == [
        "arn:aws:batch:us-east-1:123456789012:job-queue/render-queue",
        "arn:aws:batch:us-east-1:123456789012:job-definition/RenderJob:*",
    ]
    trust = json.loads(cli(files, "iam/create-role/demo-schedule-nightly.json")["AssumeRolePolicyDocument"])
    assert trust["Statement"][0]["Principal"] == {"Service": "events.amazonaws.com"}
    tf_target = resource(files, "events.tf", "aws_cloudwatch_event_target", "nightly")
    assert tf_target["arn"] == "${aws_batch_job_queue.render_queue.arn}"
    assert tf_target["role_arn"] == "${aws_iam_role.schedule_nightly.arn}"
    # by name: each run takes the latest ACTIVE revision, and a new revision changes nothing here
    assert tf_target["batch_target"][0] == {"job_definition": "${aws_batch_job_definition.render_job.name}",
                                         "job_name": "render-frame", "array_size": 10, "job_attempts": 2}
    # deploy.sh: rules after the job definitions, and no job submitted; submit.sh can run the
    # scheduled job by hand, but --all leaves it to its schedule.
    deploy = files["cli/deploy.sh"]
    assert deploy.index("register-job-definition/OtherJob") < deploy.index("events/put-rule/nightly")
    assert "submit-job" not in deploy
    assert "cli/batch/submit-job/render-frame.json" in files
    submit = files["cli/submit.sh"]
    assert "(schedule nightly submits it too)" in submit
    all_jobs = submit.split("  --all)", 1)[1].split(";;", 1)[0]
    assert "render_frame" not in all_jobs


def test_notification_pattern_topic_policy_and_target(tmp_path):
    files = compile_text(tmp_path, ROLES + SCHEDULE)
    rule = cli(files, "events/put-rule/render-failures.json")
    assert json.loads(rule["EventPattern"]) == {
        "source": ["aws.batch"], "detail-type": ["Batch Job State Change"],
        "detail": {"status": ["FAILED"], "jobQueue": ["arn:aws:batch:us-east-1:123456789012:job-queue/render-queue"]},
    }
    policy = json.loads(cli(files, "sns/set-topic-attributes/render-alerts.json")["AttributeValue"])
    (statement,) = policy["Statement"]
    assert statement["Principal"] == {"Service": "events.amazonaws.com"}
    assert statement["Resource"] == "arn:aws:sns:us-east-1:123456789012:render-alerts"
    assert statement["Condition"] == {"ArnEquals": {"aws:SourceArn": ["arn:aws:events:us-east-1:123456789012:rule/render-failures"]}}
    assert cli(files, "events/put-targets/render-failures.json")["Targets"] == [
        {"Id": "sns-topic", "Arn": "arn:aws:sns:us-east-1:123456789012:render-alerts"}]
    tf_rule = resource(files, "events.tf", "aws_cloudwatch_event_rule", "render_failures")
    assert "aws_batch_job_queue.render_queue.arn" in tf_rule["event_pattern"]
    assert "checkov:skip" not in files["terraform/events.tf"]  # batchgen never silences checkov
    assert "kms_master_key_id" not in resource(files, "events.tf", "aws_sns_topic", "render_alerts")
    deploy = files["cli/deploy.sh"]
    assert deploy.index("sns/set-topic-attributes/render-alerts") < deploy.index("events/put-targets/render-failures")


def test_notification_with_a_customer_key_and_every_queue(tmp_path):
    key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    files = compile_text(tmp_path, ROLES + SCHEDULE.replace("    jobQueues: [render-queue]\n", f"    kmsMasterKeyId: {key}\n"))
    assert cli(files, "sns/create-topic/render-alerts.json")["Attributes"] == {"KmsMasterKeyId": key}
    assert resource(files, "events.tf", "aws_sns_topic", "render_alerts")["kms_master_key_id"] == key
    pattern = json.loads(cli(files, "events/put-rule/render-failures.json")["EventPattern"])
    assert pattern["detail"]["jobQueue"] == [
        "arn:aws:batch:us-east-1:123456789012:job-queue/render-queue",
        "arn:aws:batch:us-east-1:123456789012:job-queue/other-queue",
    ]


def test_every_new_cli_body_passes_botocore_validation(tmp_path):
    from botocore.validate import ParamValidator

    files = compile_text(tmp_path, ROLES + SCHEDULE)
    session = botocore.session.get_session()
    for rel, text in files.items():
        if not rel.startswith("cli/") or not rel.endswith(".json") or rel.split("/")[1] not in ("iam", "events", "sns"):
            continue
        _, service, command, _ = rel.split("/")
        model = session.get_service_model(service)
        op = model.operation_model("".join(p.capitalize() for p in command.split("-")))
        report = ParamValidator().validate(json.loads(text), op.input_shape)
        assert not report.has_errors(), f"{rel}: {report.generate_report()}"


# --- catalog data against botocore ----------------------------------------------------------------

def test_batch_action_list_is_botocores():
    ops = sorted(botocore.session.get_session().get_service_model("batch").operation_names)
    assert load_catalog()["BG-102"].limits["batch_actions"] == ops


@pytest.mark.parametrize("expression", [
    "rate(1 minute)", "rate(5 minutes)", "rate(2 days)", "cron(0 2 * * ? *)", "cron(0/15 * ? * MON-FRI *)",
    "cron(0 18 ? * 6L 2030)", "cron(0 10 ? * 2#1 *)", "cron(0 8 LW * ? *)", "cron(15 10 ? JAN-MAR SUN,SAT 2025-2027)",
    "cron(0 0 15W * ? *)",
])
def test_valid_schedule_expressions(expression):
    assert schedule_expression_problem(expression, EV_006) is None


@pytest.mark.parametrize("expression, words", [
    ("rate(0 minutes)", "positive"), ("rate(5 minute)", "minutes"), ("rate(1 weeks)", "unit"),
    ("cron(0 2 * * *)", "6 fields"), ("cron(0 2 * * * *)", "exactly one"), ("cron(60 2 ? * * *)", "0-59"),
    ("cron(0 2 ? 13 * *)", "1-12"), ("cron(0 2 ? * FUNDAY *)", "not a number"), ("cron(0 2 ? * 2#6 *)", "not a number"),
    ("every day", "rate(value unit)"), ("cron(0 2 ? * * 1969)", "1970-2199"),
])
def test_invalid_schedule_expressions(expression, words):
    problem = schedule_expression_problem(expression, EV_006)
    assert problem and words in problem, problem


def test_access_read_grants_only_actions_without_resource_level_permissions():
    """`read` puts IAM-007's list on Resource "*": by the table BG-106 follows (checkov's IAM
    database, compiler/iam_actions.py), none of them takes resource-level permissions."""
    from compiler import iam_actions
    from compiler.access import read_actions

    assert read_actions() and not [a for a in read_actions() if iam_actions.restrictable(a)]
    assert iam_actions.restrictable("batch:List*") and not iam_actions.restrictable("batch:Describe*")
    assert iam_actions.restrictable("glue:GetTable")  # a service outside the table: restrictable
