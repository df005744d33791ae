"""Inline suppressions (`x-batchgen: {ignore: {CODE: reason}}`): one rule, one entry, a reason.

What a user relies on: the suppressed problem no longer fails the run or shows in text, it
is still listed with its reason in JSON and SARIF, it covers nothing outside its entry,
nothing of it reaches the output, and a suppression that can't work says so.
"""
from __future__ import annotations

import json

from .helpers import run, tree, write_spec

# Two EC2 environments mixing x86 and Arm instance types (CE-019, an error); the first says why
# that is fine for it.
SPEC = """
batchgen: 1
project: demo
computeEnvironments:
  - computeEnvironmentName: mixed
    type: MANAGED
    x-batchgen:
      ignore:
        CE-019: "every image we run is multi-arch"
    computeResources: {type: EC2, maxvCpus: 64, instanceTypes: [m5, m6g], subnets: [subnet-0a1b2c3d], securityGroupIds: [sg-0a1b2c3d]}
  - computeEnvironmentName: other
    type: MANAGED
    computeResources: {type: EC2, maxvCpus: 64, instanceTypes: [c5, c6g], subnets: [subnet-0a1b2c3d], securityGroupIds: [sg-0a1b2c3d]}
"""


def test_a_suppression_covers_one_rule_on_one_entry(tmp_path):
    spec = write_spec(tmp_path, SPEC)
    result = run("validate", spec)
    assert result.code == 1
    (line,) = result.stderr.splitlines()
    assert "error[CE-019]: computeEnvironments[1]." in line  # the second environment, not the first


def test_a_suppressed_problem_is_listed_with_its_reason_in_json_and_sarif(tmp_path):
    spec = write_spec(tmp_path, SPEC)
    diagnostics = run("validate", spec, "--format", "json").diagnostics()
    suppressed = [d for d in diagnostics if d["suppressed"]]
    assert [(d["code"], d["suppressed"]["reason"], d["pointer"].split("/")[2]) for d in suppressed] == [
        ("CE-019", "every image we run is multi-arch", "0")]
    assert [d["pointer"].split("/")[2] for d in diagnostics if not d["suppressed"]] == ["1"]
    log = json.loads(run("validate", spec, "--format", "sarif").stdout)
    results = log["runs"][0]["results"]
    assert [r.get("suppressions") for r in results if r.get("suppressions")] == [
        [{"kind": "inSource", "justification": "every image we run is multi-arch"}]]


def test_a_spec_whose_only_error_is_suppressed_compiles_without_the_suppression_in_it(tmp_path):
    spec = write_spec(tmp_path, SPEC.split("  - computeEnvironmentName: other")[0])
    out = tmp_path / "out"
    result = run("compile", spec, "-o", out)
    assert result.code == 0 and result.stderr == ""
    for rel, data in tree(out).items():
        assert b"x-batchgen" not in data and b"multi-arch" not in data, rel


def test_a_reason_is_required(tmp_path):
    spec = write_spec(tmp_path, SPEC.replace('"every image we run is multi-arch"', '"  "'))
    diagnostics = run("validate", spec, "--format", "json").diagnostics()
    assert [d["code"] for d in diagnostics if d["code"] == "BG-025"] == ["BG-025"]
    assert not any(d["suppressed"] for d in diagnostics)


def test_a_code_no_rule_checks_cannot_be_suppressed(tmp_path):
    spec = write_spec(tmp_path, SPEC.replace('        CE-019: "every image',
                                             '        BG-003: "unknown keys are fine"\n        CE-019: "every image'))
    found = [d for d in run("validate", spec, "--format", "json").diagnostics() if d["code"] == "BG-025"]
    assert len(found) == 1 and "checked by the schema" in found[0]["message"] and found[0]["severity"] == "error"


def test_a_stale_suppression_is_a_warning_once_the_spec_is_clean(tmp_path):
    clean = SPEC.split("  - computeEnvironmentName: other")[0].replace("[m5, m6g]", "[m5]")
    result = run("validate", write_spec(tmp_path, clean))
    assert result.code == 0
    assert "warning[BG-025]" in result.stderr and "CE-019 reports nothing on this entry" in result.stderr
