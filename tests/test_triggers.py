"""Triggers and Scheduler schedules: what the compiled request bodies *do*, not how they read.

- The trigger's event pattern is evaluated by moto's EventBridge pattern matcher
  (moto.events.models.EventPattern), an implementation of EventBridge's matching that is not
  batchgen's: prefix, suffix, `wildcard` with its escapes (`\\*`, `\\\\`, as aws/event-ruler
  documents them) and AND across fields / OR within a list. It decides on sample S3 "Object
  Created" events in the shape the Amazon S3 User Guide documents ("EventBridge event message
  structure"), and, for the filter in general, on a few thousand random keys against the
  plain definition: starts with the prefix and ends with the suffix.
- The input transformer is applied to those events by moto's EventBridge input transformer
  (moto.events.utils.EventTemplateParser: the JSON path of each variable, then the value's
  text put in place of `<variable>`, which is what EventBridge does for a variable inside a
  JSON string, where batchgen puts every one), and the SubmitJob request the Batch target
  then makes (BatchParameters, the target's queue, the input's Parameters) must pass
  botocore's validation of the `batch` SubmitJob input shape.
- A Scheduler schedule's universal-target input is that SubmitJob request itself.
"""
from __future__ import annotations

import copy
import json
import random
from pathlib import Path

import botocore.session
import pytest
from botocore.validate import ParamValidator
from moto.events.models import EventPattern
from moto.events.utils import EventTemplateParser

from compiler import eventbridge
from compiler.pipeline import compile_spec

from .helpers import SPECS

PIPELINE = next(p for p in SPECS if p.stem == "s3-pipeline")
BATCH = botocore.session.get_session().get_service_model("batch")
SUBMIT_JOB = BATCH.operation_model("SubmitJob").input_shape

# The Object Created example of the Amazon S3 User Guide ("EventBridge event message structure").
S3_EVENT = {
    "version": "0",
    "id": "17793124-05d4-b198-2fde-7ededc63b103",
    "detail-type": "Object Created",
    "source": "aws.s3",
    "account": "111122223333",
    "time": "2021-11-12T00:00:00Z",
    "region": "ca-central-1",
    "resources": ["arn:aws:s3:::DOC-EXAMPLE-BUCKET1"],
    "detail": {
        "version": "0",
        "bucket": {"name": "DOC-EXAMPLE-BUCKET1"},
        "object": {"key": "example-key", "size": 5, "etag": "b1946ac92492d2347c6235b4d2611184",
                   "version-id": "IYV3p45BT0ac8hjHg1houSdS1a.Mro8e", "sequencer": "617f08299329d189"},
        "request-id": "N4N7GDK58NMKJ12R",
        "requester": "123456789012",
        "source-ip-address": "1.2.3.4",
        "reason": "PutObject",
    },
}


def s3_event(bucket: str, key: str, detail_type: str = "Object Created", size: int = 5) -> dict:
    event = copy.deepcopy(S3_EVENT)
    event["detail-type"] = detail_type
    event["resources"] = [f"arn:aws:s3:::{bucket}"]
    event["detail"]["bucket"]["name"] = bucket
    event["detail"]["object"].update(key=key, size=size)
    return event


@pytest.fixture(scope="module")
def pipeline():
    result = compile_spec(str(PIPELINE.relative_to(PIPELINE.parent.parent)))
    assert result.errors == [], result.errors
    files = result.files
    return {
        "rule": json.loads(files["cli/events/put-rule/process-new-upload.json"]),
        "targets": json.loads(files["cli/events/put-targets/process-new-upload.json"]),
        "schedule": json.loads(files["cli/scheduler/create-schedule/nightly-manifest.json"]),
        "tf": files["terraform/events.tf"],
    }


def matches(pattern_json: str, event: dict) -> bool:
    return EventPattern.load(pattern_json).matches_event(event)


# --- the event pattern ---------------------------------------------------------------------


@pytest.mark.parametrize("key", [
    "incoming/2026-12-04/orders.csv",
    "incoming/a b+c=d&e (1).csv",  # characters S3 allows in keys
    "incoming/über/данные.csv",
    "incoming/.csv",  # the shortest key with both
    "incoming/nested/deeper/x.csv",
])
def test_pipeline_pattern_matches_new_csv_uploads(pipeline, key):
    assert matches(pipeline["rule"]["EventPattern"], s3_event("acme-pipeline-input", key))


@pytest.mark.parametrize("bucket, key, detail_type", [
    ("acme-pipeline-output", "incoming/orders.csv", "Object Created"),  # another bucket
    ("acme-pipeline-input2", "incoming/orders.csv", "Object Created"),  # a bucket it is a prefix of
    ("acme-pipeline-input", "archive/incoming/orders.csv", "Object Created"),  # another prefix
    ("acme-pipeline-input", "Incoming/orders.csv", "Object Created"),  # case matters
    ("acme-pipeline-input", "incoming/orders.csv.tmp", "Object Created"),  # another suffix
    ("acme-pipeline-input", "incoming/orders.CSV", "Object Created"),
    ("acme-pipeline-input", "incoming/orders.csv", "Object Deleted"),  # not a new object
    ("acme-pipeline-input", "incoming/orders.csv", "Object Restore Completed"),
])
def test_pipeline_pattern_ignores_other_events(pipeline, bucket, key, detail_type):
    assert not matches(pipeline["rule"]["EventPattern"], s3_event(bucket, key, detail_type))


def test_pipeline_pattern_ignores_other_sources(pipeline):
    event = s3_event("acme-pipeline-input", "incoming/orders.csv")
    event["source"] = "custom.uploader"
    assert not matches(pipeline["rule"]["EventPattern"], event)


def test_terraform_writes_the_same_pattern(pipeline):
    """events.tf's jsonencode({...}) of the rule is the CLI body's pattern, key for key."""
    import hcl2
    from hcl2.api import SerializationOptions

    parsed = hcl2.loads(pipeline["tf"], serialization_options=SerializationOptions(
        strip_string_quotes=True, explicit_blocks=False, preserve_heredocs=False))
    rule = next(r["aws_cloudwatch_event_rule"]["process_new_upload"] for r in parsed["resource"]
                if "aws_cloudwatch_event_rule" in r and "process_new_upload" in r["aws_cloudwatch_event_rule"])
    text = rule["event_pattern"]  # "${jsonencode({...})}": HCL's object syntax, not JSON
    for value in ('"aws.s3"', '"Object Created"', '"acme-pipeline-input"', '"incoming/*.csv"'):
        assert value in text


PREFIXES = ["", "in/", "a", "a*", "a\\", "*", "ab", "in/a", "\\*"]
SUFFIXES = ["", ".csv", "a", "*", "\\", "a.csv", "ba", "*.x"]


@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize("suffix", SUFFIXES)
def test_key_filter_is_exactly_prefix_and_suffix(prefix, suffix):
    """For any prefix and suffix, including `*`, `\\` and overlapping ones, the pattern passes
    exactly the keys that start with the prefix and end with the suffix."""
    pattern = json.dumps(eventbridge.s3_object_created_pattern("b", prefix, suffix))
    rng = random.Random(f"{prefix}|{suffix}")
    alphabet = "ab*\\/.csvx"
    keys = {prefix + suffix, prefix, suffix, prefix[:-1] + suffix, "a", "", "in/a.csv", "ba", "aba"}
    keys |= {prefix + "".join(rng.choice(alphabet) for _ in range(rng.randrange(4))) + suffix for _ in range(60)}
    keys |= {"".join(rng.choice(alphabet) for _ in range(rng.randrange(8))) for _ in range(200)}
    for key in sorted(keys):
        expected = key.startswith(prefix) and key.endswith(suffix)
        assert matches(pattern, s3_event("b", key)) == expected, (prefix, suffix, key)


def test_overlapping_prefix_and_suffix_list_the_short_keys():
    """in/a + a.csv: 'in/a.csv' has both though it is shorter than the two together."""
    assert eventbridge.key_filter("in/a", "a.csv") == [{"wildcard": "in/a*a.csv"}, "in/a.csv"]
    assert eventbridge.key_filter("aa", "aa") == [{"wildcard": "aa*aa"}, "aa", "aaa"]


# --- the input transformer and the SubmitJob request -----------------------------------------


def transform(target: dict, event: dict) -> dict:
    event = {**event, "ingestion-time": event["time"]}  # moto's transformer reads it
    transformer = target["InputTransformer"]
    return EventTemplateParser.parse(input_template=transformer["InputTemplate"],
                                     input_paths_map=transformer["InputPathsMap"], event=event)


def submit_job_request(target: dict, transformed: dict) -> dict:
    """The SubmitJob request an EventBridge Batch target makes: BatchParameters, the queue the
    target names, and the input's Parameters (in the API's member names)."""
    batch = target["BatchParameters"]
    request = {"jobName": batch["JobName"], "jobQueue": target["Arn"], "jobDefinition": batch["JobDefinition"]}
    if "ArrayProperties" in batch:
        request["arrayProperties"] = {"size": batch["ArrayProperties"]["Size"]}
    if "RetryStrategy" in batch:
        request["retryStrategy"] = {"attempts": batch["RetryStrategy"]["Attempts"]}
    request["parameters"] = transformed["Parameters"]
    return request


def assert_valid_submit_job(request: dict) -> None:
    report = ParamValidator().validate(request, SUBMIT_JOB)
    assert not report.has_errors(), report.generate_report()


@pytest.mark.parametrize("key", [
    "incoming/2026-12-04/orders.csv",
    "incoming/a b+c=d&e (1).csv",
    "incoming/über/данные.csv",
])
def test_pipeline_transformer_makes_a_valid_submit_job(pipeline, key):
    (target,) = pipeline["targets"]["Targets"]
    transformed = transform(target, s3_event("acme-pipeline-input", key))
    request = submit_job_request(target, transformed)
    assert_valid_submit_job(request)
    assert request["parameters"] == {
        "inputUri": f"s3://acme-pipeline-input/{key}",
        "outputUri": f"s3://acme-pipeline-output/results/{key}.parquet",
    }
    assert request["jobName"] == "process-upload" and request["jobDefinition"] == "process-upload"
    assert request["jobQueue"].endswith(":job-queue/pipeline")


def test_every_placeholder_becomes_a_string_parameter():
    """{size} is a number in the event; inside the template's string it is its digits, so the
    parameters stay a string map, as SubmitJob wants. A literal <key> in a parameter stays literal."""
    parameters = {"uri": "s3://{bucket}/{key}", "size": "{size}", "etag": "{etag}", "time": "{time}",
                  "id": "{eventId}", "literal": "<key> {{key}} \"quoted\" \\ tab\t", "empty": ""}
    t = eventbridge.input_transformer(parameters)
    assert set(t.paths) == {"bucket", "key", "size", "etag", "time", "eventId"}
    target = {"InputTransformer": {"InputPathsMap": t.paths, "InputTemplate": t.template}}
    event = s3_event("my-bucket", "in/x y.csv", size=1234567)
    transformed = transform(target, event)
    assert transformed["Parameters"] == {
        "uri": "s3://my-bucket/in/x y.csv", "size": "1234567", "etag": event["detail"]["object"]["etag"],
        "time": event["time"], "id": event["id"], "literal": "<key> {key} \"quoted\" \\ tab\t", "empty": "",
    }
    assert_valid_submit_job({"jobName": "j", "jobQueue": "q", "jobDefinition": "d",
                             "parameters": transformed["Parameters"]})


def test_the_template_is_what_terraform_writes(pipeline):
    """events.tf's input_template (a plain string: jsonencode would escape its <variables>) is the CLI's."""
    import hcl2
    from hcl2.api import SerializationOptions

    parsed = hcl2.loads(pipeline["tf"], serialization_options=SerializationOptions(
        strip_string_quotes=True, explicit_blocks=False, preserve_heredocs=False))
    target = next(r["aws_cloudwatch_event_target"]["process_new_upload"] for r in parsed["resource"]
                  if "aws_cloudwatch_event_target" in r and "process_new_upload" in r["aws_cloudwatch_event_target"])
    (cli_target,) = pipeline["targets"]["Targets"]
    transformer = target["input_transformer"]
    transformer = transformer[0] if isinstance(transformer, list) else transformer
    assert transformer["input_paths"] == cli_target["InputTransformer"]["InputPathsMap"]
    assert transformer["input_template"] == cli_target["InputTransformer"]["InputTemplate"]


# --- EventBridge Scheduler ------------------------------------------------------------------


def _api_names(value, shape):
    """A universal target's PascalCase request in the API's own member names (JobName ->
    jobName), each name checked against the shape: a key the API doesn't have fails."""
    if shape.type_name == "structure":
        members = {name.lower(): name for name in shape.members}
        out = {}
        for key, item in value.items():
            assert key.lower() in members, f"SubmitJob has no member {key}"
            name = members[key.lower()]
            out[name] = _api_names(item, shape.members[name])
        return out
    return value


def test_scheduler_input_is_a_valid_submit_job(pipeline):
    schedule = pipeline["schedule"]
    assert schedule["Target"]["Arn"] == "arn:aws:scheduler:::aws-sdk:batch:submitJob"
    request = _api_names(json.loads(schedule["Target"]["Input"]), SUBMIT_JOB)
    assert_valid_submit_job(request)
    assert request == {"jobName": "nightly-manifest", "jobDefinition": "build-manifest",
                       "jobQueue": "arn:aws:batch:eu-west-1:123456789012:job-queue/pipeline",
                       "parameters": {"outputBucket": "acme-pipeline-output"}}


def test_scheduler_form_is_chosen_by_what_the_schedule_asks_for():
    base = {"name": "n", "scheduleExpression": "rate(1 hour)", "job": "j"}
    assert not eventbridge.uses_scheduler(base)
    assert eventbridge.uses_scheduler({**base, "scheduleExpressionTimezone": "Europe/Dublin"})
    assert eventbridge.uses_scheduler({**base, "flexibleTimeWindow": {"mode": "OFF"}})
    assert eventbridge.uses_scheduler({**base, "kmsKeyArn": "arn:aws:kms:eu-west-1:123456789012:key/k"})
    assert eventbridge.uses_scheduler({**base, "scheduler": True})
    assert not eventbridge.uses_scheduler({**base, "scheduler": False, "scheduleExpressionTimezone": "UTC"})


def test_existing_rule_form_schedules_are_unchanged():
    """A schedule that asks for nothing of Scheduler's still compiles to today's rule."""
    etl = next(p for p in SPECS if p.stem == "scheduled-etl")
    files = compile_spec(str(etl.relative_to(etl.parent.parent))).files
    assert "cli/events/put-rule/nightly-report.json" in files
    assert not any(k.startswith("cli/scheduler/") for k in files)
    assert "aws_scheduler_schedule" not in files["terraform/events.tf"]


# --- hostile text ---------------------------------------------------------------------------

HOSTILE = 'a"b\\c ${x} %{y} $${z} <key> \n}\nresource "x" "y" {\n$(touch /tmp/pwned) `id` \u202e\u200b é'


def test_hostile_text_arrives_unchanged(tmp_path):
    """A trigger's description, prefix, suffix and parameter text with quotes, backslashes,
    `${`, `<key>`, newlines, shell syntax and invisible characters reach AWS as written, through
    HCL (read back with the injection suite's own HCL unescaper) and through the CLI body."""
    import re
    import subprocess

    import yaml

    from .test_injection import hcl_literal

    literal = HOSTILE.replace("{", "{{").replace("}", "}}")  # braces are template syntax in parameters
    spec = yaml.safe_load(PIPELINE.read_text())
    trigger = spec["triggers"][0]
    trigger["description"] = HOSTILE
    trigger["prefix"] = "in/" + HOSTILE
    trigger["suffix"] = HOSTILE + ".csv"
    trigger["parameters"]["outputUri"] = literal + "{key}"
    path = tmp_path / "hostile.yaml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True))
    result = compile_spec(str(path))
    assert result.errors == [], result.errors

    (target,) = json.loads(result.files["cli/events/put-targets/process-new-upload.json"])["Targets"]
    transformed = transform(target, s3_event("acme-pipeline-input", "in/x.csv"))
    assert transformed["Parameters"]["outputUri"] == HOSTILE + "in/x.csv"
    rule = json.loads(result.files["cli/events/put-rule/process-new-upload.json"])
    assert rule["Description"] == HOSTILE
    key = "in/" + HOSTILE + "anything" + HOSTILE + ".csv"
    assert matches(rule["EventPattern"], s3_event("acme-pipeline-input", key))
    assert not matches(rule["EventPattern"], s3_event("acme-pipeline-input", "in/" + HOSTILE + ".csv.x"))

    tf = result.files["terraform/events.tf"]
    template = re.search(r'^    input_template = (".*")$', tf, re.M).group(1)
    assert hcl_literal(template) == target["InputTransformer"]["InputTemplate"]
    description = re.search(r'^  description = (".*")$', tf.split("aws_cloudwatch_event_rule\" \"process_new_upload\"")[1],
                            re.M).group(1)
    assert hcl_literal(description) == HOSTILE
    comment = next(line for line in tf.splitlines() if line.startswith("# Trigger process-new-upload"))
    assert "\n" not in comment and "resource" in comment  # the filter is JSON-quoted on the comment's one line

    script = tmp_path / "deploy.sh"
    script.write_text(result.files["cli/deploy.sh"])
    assert subprocess.run(["bash", "-n", str(script)], capture_output=True).returncode == 0
