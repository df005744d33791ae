"""Unit tests of the stand-in plugin's pieces that need no Terraform:
the cty MessagePack codec, planning rules and policy document rendering."""

from __future__ import annotations

import json

import pytest

from .tfprovider import policy_document
from .tfprovider.cty import UNKNOWN, Unknown, decode_dynamic, encode
from .tfprovider.provider import StandInProvider
from .tfprovider.schema import ProviderSchema


@pytest.fixture(scope="module")
def provider():
    return StandInProvider(ProviderSchema.load())


@pytest.mark.parametrize("value", [
    None, True, False, 0, 127, 128, -1, -33, 2**40, -(2**40), 2**64 - 1, 0.25, -1e300,
    "", "x" * 31, "é" * 40, "y" * 300, "z" * 70000, b"\x00\x01",
    [], [1, [2, [3]]], list(range(20)), {}, {f"k{i}": i for i in range(20)},
    {"a": UNKNOWN, "b": [Unknown(12, b"\x81\x01\xc3")], "c": {"d": None}},
])
def test_msgpack_round_trip(value):
    assert decode_dynamic(encode(value)) == value


def test_msgpack_decodes_known_wire_bytes():
    # {"n": 1, "s": "ab", "u": <unknown>} as cty encodes it.
    wire = b"\x83\xa1n\x01\xa1s\xa2ab\xa1u\xd4\x00\x00"
    assert decode_dynamic(wire) == {"n": 1, "s": "ab", "u": Unknown(0, b"\x00")}
    assert encode(decode_dynamic(wire)) == wire


def test_plan_marks_computed_nulls_unknown_and_keeps_config(provider):
    provider.configure({"region": "eu-west-1", "default_tags": [{"tags": {"Project": "p", "Team": "a"}}]})
    proposed = {
        "name": "q", "priority": 5, "state": "ENABLED", "arn": None, "id": None,
        "region": None, "scheduling_policy_arn": None, "tags": {"Team": "b"}, "tags_all": None,
        "compute_environment_order": [{"order": 1, "compute_environment": UNKNOWN}],
        "job_state_time_limit_action": [], "timeouts": None,
    }
    planned = provider.plan("aws_batch_job_queue", proposed)
    assert planned["arn"] is UNKNOWN and planned["id"] is UNKNOWN
    assert planned["scheduling_policy_arn"] is None  # optional, not computed
    assert planned["priority"] == 5
    assert planned["compute_environment_order"] == [{"order": 1, "compute_environment": UNKNOWN}]
    assert planned["region"] == "eu-west-1"
    assert planned["tags_all"] == {"Project": "p", "Team": "b"}


def test_data_source_placeholders(provider):
    provider.configure({"region": "eu-west-1"})
    identity = provider.read_data_source(
        "aws_caller_identity", {"id": None, "account_id": None, "arn": None, "user_id": None})
    assert identity["account_id"] == "123456789012"
    region = provider.read_data_source(
        "aws_region", {"id": None, "name": None, "region": None, "endpoint": None, "description": None})
    assert region["region"] == region["name"] == "eu-west-1"


def test_policy_document_shape():
    config = {
        "version": None, "policy_id": None, "source_policy_documents": [json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Sid": "Logs", "Effect": "Allow", "Action": "logs:*", "Resource": "*"}],
        })],
        "override_policy_documents": None, "source_json": None, "override_json": None,
        "statement": [
            {"sid": "Logs", "effect": None, "actions": ["logs:PutLogEvents", "logs:CreateLogStream"],
             "not_actions": None, "resources": ["*"], "not_resources": None,
             "principals": None, "not_principals": None, "condition": None},
            {"sid": None, "effect": "Deny", "actions": ["s3:*"], "not_actions": None,
             "resources": None, "not_resources": None, "not_principals": None,
             "principals": [{"type": "*", "identifiers": ["*"]}],
             "condition": [{"test": "Bool", "variable": "aws:SecureTransport", "values": ["false"]}]},
        ],
    }
    text, minified = policy_document.render(config)
    assert json.loads(text) == json.loads(minified) == {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "Logs", "Effect": "Allow",
             "Action": ["logs:PutLogEvents", "logs:CreateLogStream"], "Resource": "*"},
            {"Effect": "Deny", "Action": "s3:*", "Principal": "*",
             "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
        ],
    }


def test_apply_replaces_unknowns_with_placeholders(provider):
    provider.configure({"region": "eu-west-1"})
    planned = provider.plan("aws_batch_job_queue", {
        "name": "q", "priority": 5, "state": "ENABLED", "arn": None, "id": None,
        "region": None, "scheduling_policy_arn": None, "tags": {"a": UNKNOWN}, "tags_all": None,
        "compute_environment_order": [], "job_state_time_limit_action": [], "timeouts": None,
    })
    applied = provider.apply("aws_batch_job_queue", planned)
    assert applied["id"] == "aws_batch_job_queue-placeholder"
    assert applied["arn"] == "placeholder-arn-q"  # the name in it: a replacement changes the ARN
    assert applied["tags"] == {"a": "placeholder-tags"}
    assert applied["name"] == "q"
    assert provider.apply("aws_batch_job_queue", None) is None


def test_awscc_schema_serves_nested_attributes_with_their_implied_types():
    from .tfprovider.schema import AWSCC_SCHEMA_PATH, attribute_type

    schema = ProviderSchema.load(AWSCC_SCHEMA_PATH)
    assert (schema.name, schema.source) == ("awscc", "registry.terraform.io/hashicorp/awscc")
    attrs = schema.resources["awscc_batch_job_queue"]["block"]["attributes"]
    assert attribute_type(attrs["compute_environment_order"]) == [
        "list", ["object", {"compute_environment": "string", "order": "number"}]]
    assert attribute_type(attrs["priority"]) == "number"
    assert "assume_role" in schema.provider["block"]["attributes"]  # ours: the dump has no provider block
    assert "default_tags" not in schema.provider["block"].get("block_types", {})


def test_awscc_apply_fills_nested_unknowns():
    from .tfprovider.schema import AWSCC_SCHEMA_PATH

    provider = StandInProvider(ProviderSchema.load(AWSCC_SCHEMA_PATH))
    provider.configure({"region": "eu-west-1"})
    proposed = {name: None for name in provider.schema.resources["awscc_batch_job_queue"]["block"]["attributes"]}
    proposed.update(priority=1, compute_environment_order=[{"order": 1, "compute_environment": UNKNOWN}])
    planned = provider.plan("awscc_batch_job_queue", proposed)
    assert planned["job_queue_arn"] is UNKNOWN and planned["priority"] == 1
    applied = provider.apply("awscc_batch_job_queue", planned)
    assert applied["job_queue_arn"] == "placeholder-job_queue_arn"
    assert applied["compute_environment_order"] == [{"order": 1, "compute_environment": "placeholder-compute_environment_order"}]
