"""Terraform on the examples with `triggers` or EventBridge Scheduler schedules.

`terraform validate` and `plan` of every example run in test_terraform_examples.py; here the
plan of an example with triggers (references replaced by the ARNs their resources will have,
as test_terraform_iam_events.py does, so the plan knows every value) must ask AWS for what the
CLI bodies ask: the trigger's target with the same input transformer, Batch target,
dead-letter queue and retry policy; the bucket's EventBridge delivery; each Scheduler
schedule with the same SubmitJob request as its universal target's input.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from compiler.eventbridge import uses_scheduler
from compiler.naming import tf_label
from compiler.pipeline import compile_spec

from .examples import SPECS, load_spec
from .terraform import planned_resources
from .test_terraform_iam_events import _arns, _with_known_arns

pytestmark = pytest.mark.downstream

TRIGGER_SPECS = [p for p in SPECS
                 if load_spec(p).get("triggers") or any(uses_scheduler(s) for s in load_spec(p).get("schedules", []))]


def test_there_is_an_example_with_triggers_and_scheduler():
    specs = [load_spec(p) for p in TRIGGER_SPECS]
    assert any(s.get("triggers") for s in specs)
    assert any(uses_scheduler(x) for s in specs for x in s.get("schedules", []))


@pytest.fixture(scope="module", params=TRIGGER_SPECS, ids=[p.stem for p in TRIGGER_SPECS])
def planned(request, terraform, tmp_path_factory):
    spec_path: Path = request.param
    spec = load_spec(spec_path)
    result = compile_spec(str(spec_path))
    assert result.files, "\n".join(map(str, result.errors))
    root = tmp_path_factory.mktemp(f"tf-triggers-{spec_path.stem}")
    for rel, text in result.files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    arns = _arns(spec)
    for d in spec.get("jobDefinitions", []):  # a target submits the revision Terraform registers
        arns[f"aws_batch_job_definition.{tf_label(d['jobDefinitionName'])}.arn"] = \
            f"arn:aws:batch:{spec['region']}:{spec['account']}:job-definition/{d['jobDefinitionName']}:1"
    for role in (root / "cli" / "iam" / "create-role").glob("*.json"):
        body = json.loads(role.read_text())
        label = next(r.label for r in _model(spec_path).roles if r.name == body["RoleName"])
        arns[f"aws_iam_role.{label}.arn"] = f"arn:aws:iam::{spec['account']}:role{body.get('Path', '/')}{body['RoleName']}"
    _with_known_arns(root / "terraform", arns)
    return spec, root, planned_resources(terraform.plan(root / "terraform"))


def _model(spec_path: Path):
    from compiler.resolve import resolve

    return resolve(load_spec(spec_path))


def _cli(root: Path, rel: str) -> dict:
    return json.loads((root / "cli" / rel).read_text())


def _one(block):
    return block[0] if isinstance(block, list) else block


def test_trigger_targets_plan_what_the_cli_puts(planned):
    spec, root, resources = planned
    for trigger in spec.get("triggers", []):
        values = resources[f"aws_cloudwatch_event_target.{tf_label(trigger['name'])}"]
        (target,) = _cli(root, f"events/put-targets/{trigger['name']}.json")["Targets"]
        transformer = _one(values["input_transformer"])
        assert transformer["input_paths"] == target["InputTransformer"]["InputPathsMap"]
        assert transformer["input_template"] == target["InputTransformer"]["InputTemplate"]
        assert values["arn"] == target["Arn"] and values["role_arn"] == target["RoleArn"]
        batch = _one(values["batch_target"])
        assert batch["job_name"] == target["BatchParameters"]["JobName"]
        assert batch["job_definition"].rsplit("/", 1)[-1].split(":")[0] == target["BatchParameters"]["JobDefinition"]
        if "DeadLetterConfig" in target:
            assert _one(values["dead_letter_config"])["arn"] == target["DeadLetterConfig"]["Arn"]
        if "RetryPolicy" in target:
            policy = _one(values["retry_policy"])
            assert policy["maximum_event_age_in_seconds"] == target["RetryPolicy"]["MaximumEventAgeInSeconds"]
            assert policy["maximum_retry_attempts"] == target["RetryPolicy"]["MaximumRetryAttempts"]
        rule = resources[f"aws_cloudwatch_event_rule.{tf_label(trigger['name'])}"]
        assert json.loads(rule["event_pattern"]) == \
            json.loads(_cli(root, f"events/put-rule/{trigger['name']}.json")["EventPattern"])


def test_buckets_get_eventbridge_delivery(planned):
    spec, _, resources = planned
    managed = {t["bucket"] for t in spec.get("triggers", []) if t.get("manageBucketNotification", True)}
    found = {v["bucket"]: v for a, v in resources.items() if a.startswith("aws_s3_bucket_notification.")}
    assert set(found) == managed
    for values in found.values():
        assert values["eventbridge"] is True
        assert not values.get("queue") and not values.get("topic") and not values.get("lambda_function")


def test_scheduler_schedules_plan_what_the_cli_creates(planned):
    spec, root, resources = planned
    for schedule in [s for s in spec.get("schedules", []) if uses_scheduler(s)]:
        values = resources[f"aws_scheduler_schedule.{tf_label(schedule['name'])}"]
        body = _cli(root, f"scheduler/create-schedule/{schedule['name']}.json")
        assert values["schedule_expression"] == body["ScheduleExpression"]
        assert values.get("schedule_expression_timezone") == body.get("ScheduleExpressionTimezone")
        assert values.get("kms_key_arn") == body.get("KmsKeyArn")
        window = _one(values["flexible_time_window"])
        assert window["mode"] == body["FlexibleTimeWindow"]["Mode"]
        assert window.get("maximum_window_in_minutes") == body["FlexibleTimeWindow"].get("MaximumWindowInMinutes")
        target = _one(values["target"])
        assert target["arn"] == body["Target"]["Arn"] and target["role_arn"] == body["Target"]["RoleArn"]
        planned_input, cli_input = json.loads(target["input"]), json.loads(body["Target"]["Input"])
        # both name the job definition: each run takes its latest ACTIVE revision (docs/day-two.md)
        assert planned_input.pop("JobDefinition") == cli_input.pop("JobDefinition")
        assert planned_input == cli_input
