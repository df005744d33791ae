"""Strings survive the trip through HCL whatever they hold: Terraform itself reads them back.

Fixed examples, one module, one plan: the regressions of hcl.py named one by one. The
property version (random hostile strings everywhere in a spec, with a twin spec as the
expected shape) is test_injection_plan.py; the helpers are shared with tests/test_injection.py.
"""
from __future__ import annotations

import json

import pytest

from tests.test_injection import compile_spec_dict, write_files

from .terraform import planned_resources

pytestmark = pytest.mark.downstream

TRICKY = [
    'he said "hi"',
    "C:\\path\\to\\",
    "line1\nline2\ttabbed\r",
    "${HOME} and $${literal}",
    "%{ if x }y%{ endif } and %%{z}",
    "unicode: é ☃ 日本語 🚀",
    "ends with a dollar $",
    "bell \u0007 and escape \u001b",
    "unclosed ${ and %{",
    '"\n}\n\nresource "aws_s3_bucket" "x" {\n  bucket = "',
    "bidi \u202e and zero width \u200b, line separator \u2028, NEL \x85",
]

# Map keys: `for` first in an object opens a for expression; an identifier with a trailing
# newline was written bare; a combining mark, a regional-indicator pair or conjoining jamo
# in a key made `terraform fmt` align the `=` differently (it counts grapheme clusters).
KEYS = ["for", "key\n", "b\u0300", "🇺🇸", "\u1100\u1100", "\u0e01\u0e33", "for2", "a-b", "${x}"]


def test_tricky_strings_round_trip_through_terraform(tmp_path, terraform):
    spec = {
        "batchgen": 1, "project": "escaping", "region": "us-east-1",
        "jobDefinitions": [{
            "jobDefinitionName": "tricky",
            "parameters": {"for": "first key", **{f"p{i}": s for i, s in enumerate(TRICKY)}},
            "containerProperties": {
                "image": "busybox", "command": ["echo", "Ref::p0"],
                "environment": [{"name": f"V{i}", "value": s} for i, s in enumerate(TRICKY)],
                "logConfiguration": {"logDriver": "awslogs", "options": {k: k for k in KEYS}},
            },
            "tags": {**{f"t{i}": s for i, s in enumerate(TRICKY)}, **{k: f"k{i}" for i, k in enumerate(KEYS)}},
        }],
    }
    module = write_files(compile_spec_dict(spec), tmp_path / "module", "terraform/")

    ok, diff = terraform.fmt_check(module)
    assert ok, diff
    values = planned_resources(terraform.plan(module))["aws_batch_job_definition.tricky"]

    container = json.loads(values["container_properties"])
    assert [e["value"] for e in container["environment"]] == TRICKY
    assert container["logConfiguration"]["options"] == {k: k for k in KEYS}
    assert values["parameters"] == {"for": "first key", **{f"p{i}": s for i, s in enumerate(TRICKY)}}
    assert [values["tags"][f"t{i}"] for i in range(len(TRICKY))] == TRICKY
    assert {k: values["tags"][k] for k in KEYS} == {k: f"k{i}" for i, k in enumerate(KEYS)}
