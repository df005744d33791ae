"""`batchgen import`: the spec writer, the shared shaping, `import cli`, and the command itself.

The CLI JSON corpus (tests/fixtures/import/cli/) is request bodies in the AWS
documentation's style and a describe-job-definitions output; the seeds' own bodies are in
tests/fixtures/import/seeds/ (their README says where each comes from). Each import is
compiled, and the request bodies batchgen writes must carry the values of the bodies imported.
"""
from __future__ import annotations

import io
import json
import re
from pathlib import Path

import botocore.session
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from compiler.importers import report as import_report
from compiler.importers.aws import Progress
from compiler.importers.entries import OUTPUT_ONLY
from compiler.importers.writer import dump, scalar
from compiler.load import load_text
from compiler.pipeline import compile_spec
from compiler.validate.rules import imported as imported_rules

from .helpers import ROOT, run

FIXTURES = ROOT / "tests" / "fixtures" / "import"
CLI = FIXTURES / "cli"
SEEDS = FIXTURES / "seeds"
EXPANDED_SEEDS = sorted(p for p in SEEDS.glob("*.json") if "unexpanded" not in p.name)


def _import(tmp_path: Path, *argv) -> tuple[object, Path]:
    spec = tmp_path / "imported.yaml"
    return run("import", *argv, "-o", spec), spec


def _compiled(spec: Path) -> dict[str, str]:
    result = compile_spec(str(spec))
    assert result.files is not None, "\n".join(map(str, result.problems))
    return result.files


def _body(files: dict[str, str], rel: str) -> dict:
    return json.loads(files[f"cli/batch/{rel}"])


# -- the spec writer ---------------------------------------------------------------------

@given(st.text())
def test_every_string_reads_back_as_itself_in_yaml_1_2_and_1_1(text):
    doc = load_text(f"key: {scalar(text)}\n")
    assert doc.fatal is None and not doc.findings, (text, doc.findings)
    assert doc.data == {"key": text}
    assert yaml.safe_load(f"key: {scalar(text)}\n") == {"key": text}  # a YAML 1.1 reader too


@pytest.mark.parametrize("text", ["yes", "No", "on", "1", "0755", "1e3", "2012-10-17", "1:30", "-i", "~", "null",
                                  "*alias", "&anchor", "!tag", "#x", "a # b", "a: b", "", " lead", "@x", "%x", "`x",
                                  "[x]", "{x}", "'x'", '"x"', "|", ">", "<<", "x:"])
def test_strings_a_yaml_reader_would_type_or_misread_are_quoted(text):
    assert scalar(text).startswith('"')
    assert load_text(f"k: {scalar(text)}\n").data == {"k": text}


def test_plain_strings_stay_plain():
    for text in ("Ref::action", "s3://bucket/key", "arn:aws:iam::123456789012:role/x", "cron(0 2 * * ? *)",
                 "Host EC2*", "public.ecr.aws/docker/library/busybox:1.36"):
        assert scalar(text) == text


def test_the_writer_orders_entries_and_keys_and_names_each_origin():
    spec = {"batchgen": 1, "jobQueues": [
        {"priority": 1, "jobQueueName": "b", "computeEnvironmentOrder": [{"order": 1, "computeEnvironment": "ce"}]},
    ], "region": "us-east-1"}
    text = dump(spec, {("jobQueues", "b"): "q.json:3"}, ["Imported."])
    assert text == ("# Imported.\n\nbatchgen: 1\nregion: us-east-1\n\njobQueues:\n  # from q.json:3\n"
                    "  - jobQueueName: b\n    priority: 1\n    computeEnvironmentOrder:\n"
                    "      - computeEnvironment: ce\n        order: 1\n")


def test_comments_hold_one_line_and_nothing_invisible():
    text = dump({"batchgen": 1}, {}, ["a\nbatchgen: 2", "\u202eevil"])
    assert yaml.safe_load(text) == {"batchgen": 1}
    assert "\u202e" not in text and "\\u202e" in text


# -- what AWS reports but a request can't say --------------------------------------------------

def test_output_only_fields_are_botocores_describe_members_a_request_lacks():
    model = botocore.session.get_session().get_service_model("batch")
    for section, (detail, request) in {
        "computeEnvironments": ("ComputeEnvironmentDetail", "CreateComputeEnvironmentRequest"),
        "jobQueues": ("JobQueueDetail", "CreateJobQueueRequest"),
        "jobDefinitions": ("JobDefinition", "RegisterJobDefinitionRequest"),
        "schedulingPolicies": ("SchedulingPolicyDetail", "CreateSchedulingPolicyRequest"),
    }.items():
        extra = set(model.shape_for(detail).members) - set(model.shape_for(request).members)
        assert OUTPUT_ONLY[section] == extra - {"updatePolicy"}, section  # updatePolicy: kept when not default


def test_the_placeholder_the_importers_write_is_the_one_validate_reports():
    assert import_report.PLACEHOLDER_START == imported_rules.PLACEHOLDER_START
    assert import_report.placeholder("var.x\n  y") == "@@UNRESOLVED var.x y@@"


# -- import cli ------------------------------------------------------------------------------

def test_cli_bodies_and_describe_output_import_into_a_spec_that_compiles(tmp_path):
    done, spec = _import(tmp_path, "cli", *sorted(CLI.iterdir()))
    assert done.code == 0, done.stderr
    # the one warning: the awslogs-group the job definition names is created outside these files (JDV-014)
    warnings = [line for line in done.stderr.splitlines() if "warning[" in line]
    assert [w.split(": ")[1] for w in warnings] == ["warning[JDV-014]"], done.stderr
    assert "error[" not in done.stderr, done.stderr
    files = _compiled(spec)
    text = spec.read_text(encoding="utf-8")
    assert f"# from {CLI / 'register-job-definition.json'}:1" in text
    imported = yaml.safe_load(text)
    assert imported["region"] == "us-east-1" and imported["account"] == "123456789012"  # from the describe ARNs
    assert imported["tags"] == {"cost-center": "analytics"}  # every resource had it
    # references between the files became names
    assert imported["jobQueues"][0]["schedulingPolicyArn"] == "nightly-share"
    assert imported["jobQueues"][0]["computeEnvironmentOrder"][0]["computeEnvironment"] == "nightly-spot"
    # the name the environment runs under (batchgen would name it nightly-spot-<replacement key>)
    assert imported["adopt"] == {"computeEnvironments": {"nightly-spot": "nightly-spot"}, "jobDefinitions": {"sales-export": 3}}
    # the bodies batchgen writes carry the values of the bodies imported
    for name, command in (("create-compute-environment", "create-compute-environment/nightly-spot"),
                          ("create-job-queue", "create-job-queue/nightly"),
                          ("register-job-definition", "register-job-definition/sales-rollup"),
                          ("submit-job", "submit-job/sales-rollup-backfill")):
        body, imported_body = _body(files, f"{command}.json"), json.loads((CLI / f"{name}.json").read_text())
        # batchgen names the environment: the imported name and a replacement key (docs/day-two.md)
        text = json.dumps(body, sort_keys=True)
        (aws_name,) = set(re.findall(r"nightly-spot-[0-9a-f]{8}", text)) or {"nightly-spot-?"}
        assert json.loads(text.replace(aws_name, "nightly-spot")) == imported_body, name
    policy = yaml.safe_load((CLI / "create-scheduling-policy.yaml").read_text())
    assert _body(files, "create-scheduling-policy/nightly-share.json") == policy


def test_describe_output_keeps_the_latest_active_revision_without_what_aws_filled_in(tmp_path):
    done, spec = _import(tmp_path, "cli", CLI / "describe-job-definitions.json")
    assert done.code == 0, done.stderr
    files = _compiled(spec)
    described = json.loads((CLI / "describe-job-definitions.json").read_text())["jobDefinitions"]
    latest = next(d for d in described if d["revision"] == 3)
    assert _body(files, "register-job-definition/sales-export.json") == {
        "jobDefinitionName": "sales-export",
        "type": "container",
        "containerProperties": {k: v for k, v in latest["containerProperties"].items() if v != []},
        "retryStrategy": {"attempts": 2, "evaluateOnExit": [{"onReason": "*", "action": "EXIT"}]},
        "platformCapabilities": ["EC2"],
        "tags": {"cost-center": "analytics"},
    }
    assert "parameters" not in spec.read_text() and "propagateTags" not in spec.read_text()


def test_a_field_the_api_does_not_have_is_named_where_it_is(tmp_path):
    body = tmp_path / "body.json"
    body.write_text('{\n  "jobDefinitionName": "x",\n  "type": "container",\n  "containerProperties": {\n'
                    '    "image": "busybox",\n    "gpuCount": 2,\n'
                    '    "resourceRequirements": [{"type": "VCPU", "value": "1"}, {"type": "MEMORY", "value": "512"}]\n'
                    '  }\n}\n')
    done, spec = _import(tmp_path, "cli", body)
    assert done.code == 0, done.stderr
    assert f"{body}:6:17: warning[BG-152]: job definition x: containerProperties.gpuCount is left out: the " \
           "register-job-definition request has no such field" in done.stderr
    assert "gpuCount" not in spec.read_text()


def test_a_name_defined_twice_keeps_the_later_file(tmp_path):
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    for path, image in ((first, "old"), (second, "new")):
        path.write_text(json.dumps({"jobDefinitionName": "x", "containerProperties": {"image": image, "command": []}}))
    done, spec = _import(tmp_path, "cli", first, second)
    assert f"{second}:1:1: warning[BG-156]: job definition 'x' is defined again (first at {first}:1); this later " \
           "definition is kept" in done.stderr
    assert yaml.safe_load(spec.read_text())["jobDefinitions"][0]["containerProperties"]["image"] == "new"


def test_a_file_that_is_not_a_body_or_json_is_reported(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"jobDefinitionName": "x",\n  "type": }\n')
    done = run("import", "cli", broken)
    assert done.code == 1
    assert done.stderr == f"{broken}:2:11: error[BG-154]: cannot read {broken}: JSON: expected a value\n"


# -- the seeds ----------------------------------------------------------------------------------

def test_the_seeds_job_definition_bodies_import_and_compile(tmp_path):
    done, spec = _import(tmp_path, "cli", *EXPANDED_SEEDS)
    assert done.code == 0, done.stderr
    assert "error[" not in done.stderr
    files = _compiled(spec)
    for seed in EXPANDED_SEEDS:
        body = json.loads(seed.read_text())
        assert _body(files, f"register-job-definition/{body['jobDefinitionName']}.json") == body, seed.name


def test_a_seed_body_whose_shell_variables_were_never_expanded_is_reported_at_each(tmp_path):
    seed = SEEDS / "002-rendering-unexpanded.json"
    done, spec = _import(tmp_path, "cli", seed)
    lines = [line for line in done.stderr.splitlines() if "[BG-151]" in line]
    assert [line.split(": warning")[0] for line in lines] == [f"{seed}:2:26", f"{seed}:5:18"]
    assert "the shell variable ${IMAGE} was never expanded" in lines[1]
    # the spec is written, and validate refuses it until the placeholders are filled in
    problems = compile_spec(str(spec)).problems
    assert [(p.code, p.span.line) for p in problems if p.code == "BG-157"] == [("BG-157", 8), ("BG-157", 11)]
    assert done.code == 1


# -- the command --------------------------------------------------------------------------------

def test_import_refuses_to_replace_a_spec_without_force(tmp_path):
    spec = tmp_path / "spec.yaml"
    spec.write_text("mine\n")
    done = run("import", "cli", SEEDS / "002-rendering.json", "-o", spec)
    assert done.code == 2 and "exists" in done.stderr
    assert spec.read_text() == "mine\n"
    done = run("import", "cli", SEEDS / "002-rendering.json", "-o", spec, "--force")
    assert done.code == 0 and "RenderingJobDefinition" in spec.read_text()


def test_import_writes_to_standard_output_without_o():
    done = run("import", "cli", SEEDS / "002-rendering.json")
    assert done.code == 0
    assert yaml.safe_load(done.stdout)["jobDefinitions"][0]["jobDefinitionName"] == "RenderingJobDefinition"


def test_importing_twice_gives_the_same_bytes(tmp_path):
    a = run("import", "cli", *sorted(CLI.iterdir()))
    b = run("import", "cli", *sorted(CLI.iterdir()))
    assert a.stdout == b.stdout and a.stdout


def test_a_missing_import_dependency_says_what_to_install(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "hcl2" else real(name, *a))
    done = run("import", "terraform", FIXTURES / "terraform" / "classic")
    assert done.code == 2
    assert done.stderr == ("batchgen: error[BG-020]: `batchgen import terraform` needs python-hcl2, which is not "
                           "installed: pip install 'batchgen[import]'; see `batchgen import terraform --help`\n")


def test_progress_is_a_bar_on_a_terminal_and_lines_otherwise():
    class Tty(io.StringIO):
        def isatty(self):
            return True

    plain, tty = io.StringIO(), Tty()
    for stream in (plain, tty):
        p = Progress(stream)
        p.step("job definitions")
        p.page(100)
        p.page(100)
        p.step("IAM roles", total=4)
        p.advance(4)
        p.done()
    assert plain.getvalue() == ("batchgen import aws: job definitions...\nbatchgen import aws: job definitions: 100\n"
                                "batchgen import aws: job definitions: 200\nbatchgen import aws: IAM roles...\n")
    assert "\r[##############################] IAM roles 4/4" in tty.getvalue() and tty.getvalue().endswith("\n")


def test_what_aws_reports_about_an_environment_is_left_out_but_a_changed_update_policy_is_named(tmp_path):
    described = {"computeEnvironments": [
        {"computeEnvironmentName": name, "type": "MANAGED", "state": "ENABLED", "status": "VALID",
         "statusReason": "ComputeEnvironment Healthy", "uuid": "8d5b2a6f-0000-4a9b-9f3e-1f0e9a8b7c6d",
         "containerOrchestrationType": "ECS",
         "computeEnvironmentArn": f"arn:aws:batch:eu-west-1:123456789012:compute-environment/{name}",
         "ecsClusterArn": f"arn:aws:ecs:eu-west-1:123456789012:cluster/AWSBatch-{name}-1a2b",
         "serviceRole": "arn:aws:iam::123456789012:role/aws-service-role/batch.amazonaws.com/AWSServiceRoleForBatch",
         "computeResources": {"type": "FARGATE", "maxvCpus": 8, "subnets": ["subnet-0a1b2c3d4e5f67890"],
                              "securityGroupIds": ["sg-0123456789abcdef0"], "tags": {}},
         "updatePolicy": policy, "tags": {}}
        for name, policy in (("plain", {"terminateJobsOnUpdate": False, "jobExecutionTimeoutMinutes": 30}),
                             ("eager", {"terminateJobsOnUpdate": True, "jobExecutionTimeoutMinutes": 30}))]}
    path = tmp_path / "describe-compute-environments.json"
    path.write_text(json.dumps(described, indent=2))
    done, spec = _import(tmp_path, "cli", path)
    assert done.code == 0, done.stderr
    assert [line.split(": ", 1)[1] for line in done.stderr.splitlines() if "[BG-152]" in line] == [
        "warning[BG-152]: compute environment eager: updatePolicy is left out: the spec can't carry a compute "
        "environment's update policy (an UpdateComputeEnvironment setting); change it with `aws batch "
        "update-compute-environment`"]
    assert yaml.safe_load(spec.read_text())["computeEnvironments"][1] == {
        "computeEnvironmentName": "plain", "type": "MANAGED",
        "computeResources": {"type": "FARGATE", "maxvCpus": 8, "subnets": ["subnet-0a1b2c3d4e5f67890"],
                             "securityGroupIds": ["sg-0123456789abcdef0"]}}


def test_an_environment_batchgen_deployed_gets_its_spec_name_back(tmp_path):
    """batchgen names a compute environment <name>-<replacement key>; imported, it is the
    spec's entry again (its queue follows), adopt.computeEnvironments keeps the name it runs
    under, and compiling the import names it exactly so: nothing to replace."""
    cli = ROOT / "out" / "render" / "cli" / "batch"
    deployed = json.loads((cli / "create-compute-environment" / "RenderingSpotComputeEnvironment.json").read_text())
    assert re.fullmatch(r"RenderingSpotComputeEnvironment-[0-9a-f]{8}", deployed["computeEnvironmentName"])
    done, spec = _import(tmp_path, "cli", cli / "create-compute-environment" / "RenderingSpotComputeEnvironment.json",
                         cli / "create-job-queue" / "RenderingQueue.json")
    assert done.code == 0, done.stderr
    imported = yaml.safe_load(spec.read_text())
    assert [ce["computeEnvironmentName"] for ce in imported["computeEnvironments"]] == ["RenderingSpotComputeEnvironment"]
    assert imported["jobQueues"][0]["computeEnvironmentOrder"][0]["computeEnvironment"] == \
        "RenderingSpotComputeEnvironment"
    assert imported["adopt"]["computeEnvironments"] == {
        "RenderingSpotComputeEnvironment": deployed["computeEnvironmentName"]}
    compiled = _body(_compiled(spec), "create-compute-environment/RenderingSpotComputeEnvironment.json")
    assert compiled["computeEnvironmentName"] == deployed["computeEnvironmentName"]


def test_a_name_that_only_looks_keyed_is_kept(tmp_path):
    """An environment whose name ends in 8 hex digits that aren't its replacement key keeps it."""
    body = json.loads((ROOT / "out" / "render" / "cli" / "batch" / "create-compute-environment" /
                       "RenderingSpotComputeEnvironment.json").read_text())
    body["computeEnvironmentName"] = "render-0badc0de"
    path = tmp_path / "ce.json"
    path.write_text(json.dumps(body))
    done, spec = _import(tmp_path, "cli", path)
    assert done.code == 0, done.stderr
    imported = yaml.safe_load(spec.read_text())
    assert imported["computeEnvironments"][0]["computeEnvironmentName"] == "render-0badc0de"
    assert imported["adopt"]["computeEnvironments"] == {"render-0badc0de": "render-0badc0de"}
