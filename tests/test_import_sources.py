"""`batchgen import terraform` and `batchgen import cloudformation` on their corpora.

tests/fixtures/import/terraform/ and tests/fixtures/import/cloudformation/ hold modules and
templates written the way people write them. Here: what each imports to, and where each
thing that can't be worked out statically is reported. (tests/downstream/test_import_terraform.py
has real Terraform evaluate the modules and compares what it would send.)
"""
from __future__ import annotations

import json

import pytest
import yaml

from compiler.pipeline import compile_spec

from .helpers import ROOT, run

TERRAFORM = ROOT / "tests" / "fixtures" / "import" / "terraform"
CFN = ROOT / "tests" / "fixtures" / "import" / "cloudformation"


def _import(tmp_path, *argv):
    spec = tmp_path / "imported.yaml"
    done = run("import", *argv, "-o", spec)
    return done, spec, (yaml.safe_load(spec.read_text(encoding="utf-8")) if spec.exists() else None)


def _problems(stderr: str, code: str) -> list[str]:
    return [line for line in stderr.splitlines() if f"[{code}]" in line]


# -- Terraform ---------------------------------------------------------------------------------

@pytest.mark.parametrize("module", ["classic", "heredoc", "files"])
def test_each_terraform_module_imports_into_a_spec_that_compiles(module, tmp_path):
    done, spec, _ = _import(tmp_path, "terraform", TERRAFORM / module)
    assert done.code == 0, done.stderr
    assert not _problems(done.stderr, "BG-151") and "error[" not in done.stderr, done.stderr
    assert compile_spec(str(spec)).errors == []


def test_jsonencode_locals_variables_and_references(tmp_path):
    done, spec, data = _import(tmp_path, "terraform", TERRAFORM / "classic")
    jd = data["jobDefinitions"][0]
    assert jd["containerProperties"] == {
        "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/genomics/align:2.1",  # a local interpolating a local
        "command": ["align", "--reference", "Ref::reference", "Ref::sample"],
        "jobRoleArn": "genomics-job",  # aws_iam_role.job.arn inside jsonencode: the role, by name
        "resourceRequirements": [{"type": "VCPU", "value": "4"}, {"type": "MEMORY", "value": "16384"}],
        "environment": [{"name": "THREADS", "value": "4"}],
    }
    ce = data["computeEnvironments"][0]
    assert ce["computeResources"]["maxvCpus"] == 64 and ce["computeResources"]["subnets"] == [
        "subnet-0a1b2c3d4e5f67890", "subnet-0f9e8d7c6b5a43210"]  # variable defaults
    assert ce["computeResources"]["instanceRole"] == "genomics-ecs-instance"  # the instance profile's role
    assert data["jobQueues"][0]["computeEnvironmentOrder"] == [{"order": 1, "computeEnvironment": "genomics-ondemand"}]
    assert data["region"] == "us-east-1" and data["tags"] == {"Project": "genomics", "team": "research"}
    roles = {r["RoleName"]: r for r in data["iam"]["roles"]}
    assert roles["genomics-ecs-instance"]["AssumeRolePolicyDocument"] == {  # the policy document data source
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "ec2.amazonaws.com"}}]}
    assert roles["genomics-ecs-instance"]["ManagedPolicyArns"] == [
        "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role"]  # the attachment
    assert [p["PolicyName"] for p in roles["genomics-job"]["Policies"]] == ["read-references"]  # aws_iam_role_policy
    text = spec.read_text(encoding="utf-8")
    assert f"# from {TERRAFORM / 'classic' / 'main.tf'}:128\n  - jobDefinitionName: genomics-align" in text


def test_heredoc_json_with_interpolation_and_a_schedule(tmp_path):
    done, _, data = _import(tmp_path, "terraform", TERRAFORM / "heredoc")
    assert data["jobDefinitions"][0]["containerProperties"]["image"] == \
        "123456789012.dkr.ecr.eu-west-1.amazonaws.com/report:v42"
    assert data["schedules"] == [{"name": "reports-nightly", "description": "Daily report at 03:00 UTC",
                                  "scheduleExpression": "cron(0 3 * * ? *)", "job": "daily-report",
                                  "roleArn": "arn:aws:iam::123456789012:role/reports-events"}]
    assert data["jobs"] == [{"jobName": "daily-report", "jobQueue": "reports", "jobDefinition": "daily-report",
                             "parameters": {"day": "yesterday"}}]
    assert data["adopt"] == {"computeEnvironments": {"reports-fargate": "reports-fargate"},  # the name it runs under
                             "eventTargets": {"reports-nightly": "submit-report"}}
    assert {q["jobQueueName"]: q.get("schedulingPolicyArn") for q in data["jobQueues"]} == {
        "reports": None, "reports-adhoc": "reports-fair-share"}


def test_file_for_each_count_and_tfvars(tmp_path):
    _, _, data = _import(tmp_path, "terraform", TERRAFORM / "files")
    container = json.loads((TERRAFORM / "files" / "containers" / "render.json").read_text())
    assert data["jobDefinitions"][0]["containerProperties"] == container  # file()
    assert {q["jobQueueName"]: q["priority"] for q in data["jobQueues"]} == {"render-urgent": 100, "render-batch": 10}
    assert data["computeEnvironments"][0]["computeResources"]["maxvCpus"] == 32  # terraform.tfvars
    assert data["computeEnvironments"][0]["computeResources"]["type"] == "EC2"  # var.spot ? ... : ...


def test_var_and_var_file_resolve_what_has_no_default(tmp_path):
    var_file = tmp_path / "teams.tfvars.json"
    var_file.write_text(json.dumps({"teams": ["genomics", "imaging"]}))
    done, spec, data = _import(tmp_path, "terraform", TERRAFORM / "unresolved",
                               "-var", 'subnet_ids=["subnet-0a1b2c3d4e5f67890"]', "-var-file", var_file)
    assert data["computeEnvironments"][0]["computeResources"]["subnets"] == ["subnet-0a1b2c3d4e5f67890"]
    assert [q["jobQueueName"] for q in data["jobQueues"]] == ["team-genomics", "team-imaging"]
    # what neither can give stays reported: the data source, the module call
    assert [line.split(": warning")[0].rsplit("/", 1)[-1] for line in _problems(done.stderr, "BG-151")] == [
        "main.tf:48:24"]
    assert len(_problems(done.stderr, "BG-153")) == 1


def test_what_cannot_be_known_statically_is_located_and_left_as_a_placeholder(tmp_path):
    done, spec, data = _import(tmp_path, "terraform", TERRAFORM / "unresolved")
    main = TERRAFORM / "unresolved" / "main.tf"
    assert _problems(done.stderr, "BG-151") == [
        f"{main}:22:26: warning[BG-151]: aws_batch_compute_environment.shared: compute_resources.subnets can't be "
        "worked out statically (variable subnet_ids has no default and no -var/-var-file value); the spec holds "
        "@@UNRESOLVED var.subnet_ids@@ in its place; give it a value with -var subnet_ids=VALUE or -var-file FILE, "
        "then import again",
        f"{main}:28:14: warning[BG-151]: for_each of aws_batch_job_queue.team can't be worked out statically "
        "(variable teams has no default and no -var/-var-file value); the spec holds @@UNRESOLVED var.teams@@ in its "
        "place; give it a value with -var teams=VALUE or -var-file FILE, then import again",
        f"{main}:30:14: warning[BG-151]: aws_batch_job_queue.team: name can't be worked out statically (the for_each "
        "is not known); the spec holds @@UNRESOLVED \"team-${each.key}\"@@ in its place; write the value in its place",
        f"{main}:48:24: warning[BG-151]: aws_batch_job_definition.etl: container_properties.executionRoleArn can't "
        "be worked out statically (data.aws_iam_role.execution is read only when Terraform runs); the spec holds "
        "@@UNRESOLVED data.aws_iam_role.execution.arn@@ in its place; write the value it reads (an ARN, a name) in "
        "its place",
    ]
    assert _problems(done.stderr, "BG-153") == [
        f"{main}:56:1: warning[BG-153]: module network is not imported: batchgen reads the resources of one module; "
        "import that module's directory on its own"]
    # never guessed: each placeholder is in the spec, and validate refuses the spec until they are filled in
    assert data["computeEnvironments"][0]["computeResources"]["subnets"] == "@@UNRESOLVED var.subnet_ids@@"
    assert data["jobQueues"][0]["jobQueueName"] == '@@UNRESOLVED "team-${each.key}"@@'
    assert sorted(p.pointer.dotted() for p in compile_spec(str(spec)).problems if p.code == "BG-157") == [
        "computeEnvironments[0].computeResources.subnets", "jobDefinitions[0].containerProperties.executionRoleArn",
        "jobQueues[0].jobQueueName"]
    assert done.code == 1


def test_provider_5_spellings_are_read(tmp_path):
    module = tmp_path / "m"
    module.mkdir()
    (module / "main.tf").write_text('''
resource "aws_batch_compute_environment" "ce" {
  compute_environment_name = "legacy-ce"
  type                     = "UNMANAGED"
}

resource "aws_batch_job_queue" "q" {
  name                 = "legacy-queue"
  state                = "ENABLED"
  priority             = 1
  compute_environments = [aws_batch_compute_environment.ce.arn]
}
''')
    done, _, data = _import(tmp_path, "terraform", module)
    assert data["computeEnvironments"][0]["computeEnvironmentName"] == "legacy-ce"
    assert data["jobQueues"][0]["computeEnvironmentOrder"] == [{"order": 1, "computeEnvironment": "legacy-ce"}]


def test_a_terraform_syntax_error_is_located(tmp_path):
    module = tmp_path / "m"
    module.mkdir()
    (module / "main.tf").write_text('resource "aws_batch_job_queue" "q" {\n  name = \n}\n')
    done = run("import", "terraform", module)
    assert done.code == 1
    assert done.stderr.startswith(f"{module / 'main.tf'}:2:10: error[BG-154]: cannot read {module / 'main.tf'}: "
                                  "HCL syntax error")


def test_terraform_import_is_deterministic():
    a = run("import", "terraform", TERRAFORM / "classic")
    b = run("import", "terraform", TERRAFORM / "classic")
    assert a.stdout == b.stdout and a.stdout


# -- CloudFormation --------------------------------------------------------------------------

def test_a_yaml_template_with_short_form_intrinsics(tmp_path):
    done, spec, data = _import(tmp_path, "cloudformation", CFN / "batch-stack.yaml",
                               "--region", "us-east-1", "--account", "123456789012")
    assert done.code == 0, done.stderr
    # the one warning: the stack's awslogs-group is a log group the template doesn't create (JDV-014)
    warnings = [line for line in done.stderr.splitlines() if "warning[" in line]
    assert [w.split(": ")[1] for w in warnings] == ["warning[JDV-014]"], done.stderr
    assert "error[" not in done.stderr, done.stderr
    assert compile_spec(str(spec)).errors == []
    ce = data["computeEnvironments"][0]
    assert ce["computeResources"]["maxvCpus"] == 128  # !FindInMap with !Ref Environment (its Default)
    assert ce["computeResources"]["instanceRole"] == "thumbs-ecs-instance"  # !GetAtt InstanceProfile.Arn -> its role
    assert ce["computeResources"]["subnets"] == ["subnet-0a1b2c3d4e5f67890", "subnet-0f9e8d7c6b5a43210"]  # List<> Default
    assert "ReplaceComputeEnvironment" not in spec.read_text()  # CloudFormation's own, not the API's
    assert data["jobQueues"][0]["priority"] == 10  # !If [IsProd, 10, 1]
    assert data["jobQueues"][0]["computeEnvironmentOrder"] == [{"order": 1, "computeEnvironment": "thumbs-spot"}]
    jd = data["jobDefinitions"][0]
    assert jd["containerProperties"]["image"] == "123456789012.dkr.ecr.us-east-1.amazonaws.com/thumbs:1.4"  # !Sub
    assert jd["containerProperties"]["jobRoleArn"] == "thumbs-job"
    assert jd["containerProperties"]["logConfiguration"]["options"] == {"awslogs-group": "/batch/thumbs"}  # map keys kept
    assert data["schedules"][0]["roleArn"] == "thumbs-events" and data["jobs"][0]["jobQueue"] == "thumbs"
    events_role = next(r for r in data["iam"]["roles"] if r["RoleName"] == "thumbs-events")
    assert events_role["Policies"][0]["PolicyDocument"]["Statement"][0]["Resource"] == [
        "arn:aws:batch:us-east-1:123456789012:job-queue/thumbs",  # !Ref Queue where an ARN is wanted
        "arn:aws:batch:us-east-1:123456789012:job-definition/thumbnail:*"]
    instance = next(r for r in data["iam"]["roles"] if r["RoleName"] == "thumbs-ecs-instance")
    assert instance["AssumeRolePolicyDocument"]["Version"] == "2012-10-17"  # a YAML date read as the text written


def test_without_account_and_region_arns_are_located_placeholders(tmp_path):
    done, _, data = _import(tmp_path, "cloudformation", CFN / "batch-stack.yaml")
    lines = _problems(done.stderr, "BG-151")
    template = CFN / "batch-stack.yaml"
    assert f"{template}:109:16: warning[BG-151]: !Sub ${{AWS::AccountId}}.dkr.ecr.${{AWS::Region}}.amazonaws.com/" \
           "thumbs:${ImageTag} can't be worked out statically (the account is known when the stack is created; " \
           "give --account)" in "\n".join(lines)
    assert data["jobQueues"][0]["computeEnvironmentOrder"][0]["computeEnvironment"] == "thumbs-spot"  # a name: known


def test_a_json_template_without_names_and_a_parameter_without_default(tmp_path):
    template = CFN / "fargate-stack.json"
    done, spec, data = _import(tmp_path, "cloudformation", template)
    lines = _problems(done.stderr, "BG-151")
    assert [line.split(": warning")[0] for line in lines] == [f"{template}:9:19", f"{template}:21:21",
                                                              f"{template}:37:31"]
    assert "the spec holds its logical ID 'FargateQueue' in its place" in lines[1]
    assert data["jobQueues"][0]["computeEnvironmentOrder"][0]["computeEnvironment"] == "FargateEnv"
    role = "arn:aws:iam::123456789012:role/ecsTaskExecutionRole"
    (tmp_path / "again").mkdir()
    done, spec, data = _import(tmp_path / "again", "cloudformation", template, "--parameter", f"ExecutionRoleArn={role}")
    assert data["jobDefinitions"][0]["containerProperties"]["executionRoleArn"] == role
    assert compile_spec(str(spec)).errors == []


def test_the_template_reader_constructs_nothing_from_tags(tmp_path):
    template = tmp_path / "evil.yaml"
    template.write_text("Resources:\n  X:\n    Type: !!python/object/apply:os.system [\"echo pwned\"]\n")
    done = run("import", "cloudformation", template)
    assert done.code == 1
    assert done.stderr == f"{template}:3:11: error[BG-154]: cannot read {template}: the tag " \
                          "tag:yaml.org,2002:python/object/apply:os.system is not one this reader knows\n"
