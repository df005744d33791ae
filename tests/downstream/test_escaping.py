"""Strings survive the trip through HCL whatever they hold: Terraform itself reads them back."""
from __future__ import annotations

import json

import pytest

from compiler.pipeline import compile_spec

from ..helpers import write_spec
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
]

SPEC = """\
batchgen: 1
project: escaping
region: us-east-1
jobDefinitions:
  - jobDefinitionName: tricky
    parameters:
{params}
    containerProperties:
      image: busybox
      command: [echo, Ref::p0]
      environment:
{env}
    tags:
{tags}
"""


def test_tricky_strings_round_trip_through_terraform(tmp_path, terraform):
    params = "\n".join(f"      p{i}: {json.dumps(s, ensure_ascii=False)}" for i, s in enumerate(TRICKY))
    env = "\n".join(f"        - {{name: V{i}, value: {json.dumps(s, ensure_ascii=False)}}}" for i, s in enumerate(TRICKY))
    tags = "\n".join(f"      t{i}: {json.dumps(s, ensure_ascii=False)}" for i, s in enumerate(TRICKY[:3]))
    spec = write_spec(tmp_path, SPEC.format(params=params, env=env, tags=tags))
    result = compile_spec(str(spec))
    assert not result.errors, result.errors
    module = tmp_path / "module"
    for rel, text in result.files.items():
        if rel.startswith("terraform/"):
            path = module / rel.split("/", 1)[1]
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)

    ok, diff = terraform.fmt_check(module)
    assert ok, diff
    values = planned_resources(terraform.plan(module))["aws_batch_job_definition.tricky"]

    container = json.loads(values["container_properties"])
    assert [e["value"] for e in container["environment"]] == TRICKY
    assert [values["parameters"][f"p{i}"] for i in range(len(TRICKY))] == TRICKY
    assert [values["tags"][f"t{i}"] for i in range(3)] == TRICKY[:3]
