"""How problems are reported: --strict, SARIF 2.1.0 output, and many problems in one run."""
from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

from .helpers import run, write_spec

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TWENTY = FIXTURES / "twenty-problems.yaml"
TWENTY_CODES = {
    "SJ-002", "SJ-003", "SJ-004", "SJ-005", "SJA-001", "SJA-002", "SJD-002", "SJD-003", "SJD-004", "SJD-005",
    "SJO-002", "SJO-003", "SJO-005", "SJO-006", "SJO-007", "SJO-009", "XR-003", "XR-008", "XR-009", "XR-010",
}
_LINE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning)\[(?P<code>[A-Z]+-\d{3})\]: .+$")

# A valid spec whose only problem is a warning: a job parameter no placeholder uses (XR-010).
WARN_ONLY = """
batchgen: 1
project: demo
computeEnvironments:
  - computeEnvironmentName: ec2
    type: MANAGED
    computeResources: {type: EC2, maxvCpus: 64, instanceTypes: [m5], subnets: [subnet-0a1b2c3d], securityGroupIds: [sg-0a1b2c3d]}
jobQueues:
  - {jobQueueName: queue, priority: 1, computeEnvironmentOrder: [{order: 1, computeEnvironment: ec2}]}
jobDefinitions:
  - jobDefinitionName: work
    type: container
    containerProperties:
      image: busybox
      command: [process, Ref::input]
      resourceRequirements: [{type: VCPU, value: "1"}, {type: MEMORY, value: "2048"}]
jobs:
  - {jobName: run, jobQueue: queue, jobDefinition: work, parameters: {input: s3://in/a, ouput: s3://out/a}}
"""


@pytest.fixture(scope="module")
def sarif_schema():
    return json.loads((FIXTURES / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


# --- --strict -------------------------------------------------------------------------------

def test_a_warning_alone_passes_without_strict(tmp_path):
    spec = write_spec(tmp_path, WARN_ONLY)
    result = run("validate", str(spec))
    assert result.code == 0
    assert "warning[XR-010]" in result.stderr


def test_strict_turns_warnings_into_errors(tmp_path):
    spec = write_spec(tmp_path, WARN_ONLY)
    result = run("validate", "--strict", str(spec))
    assert result.code == 1
    assert "error[XR-010]" in result.stderr and "warning[" not in result.stderr


def test_strict_compile_writes_nothing(tmp_path):
    spec = write_spec(tmp_path, WARN_ONLY)
    out = tmp_path / "out"
    assert run("compile", str(spec), "-o", str(out)).code == 0 and out.exists()
    strict_out = tmp_path / "strict-out"
    assert run("compile", "--strict", str(spec), "-o", str(strict_out)).code == 1
    assert not strict_out.exists()


# --- many problems in one run ---------------------------------------------------------------

def test_twenty_broken_rules_give_twenty_located_diagnostics(tmp_path):
    out = tmp_path / "out"
    result = run("compile", str(TWENTY), "-o", str(out))
    assert result.code == 1
    assert "Traceback" not in result.stderr and "BG-013" not in result.stderr
    lines = result.stderr.splitlines()
    parsed = [_LINE.match(line) for line in lines]
    assert all(parsed), [line for line, m in zip(lines, parsed) if not m]
    codes = [m["code"] for m in parsed]
    assert len(codes) == 20 and set(codes) == TWENTY_CODES, sorted(codes)
    assert all(m["sev"] == "error" for m in parsed)
    # each problem sits on the line of the jobs entry whose comment names its code
    text = TWENTY.read_text(encoding="utf-8").splitlines()
    for m in parsed:
        line = text[int(m["line"]) - 1]
        assert line.rstrip().endswith(f"# {m['code']}"), (m["code"], m["line"], line)
        assert int(m["col"]) > 1
    assert not out.exists()


# --- SARIF ----------------------------------------------------------------------------------

def test_sarif_output_is_valid_sarif_2_1_0(sarif_schema):
    result = run("validate", "--format", "sarif", str(TWENTY))
    assert result.code == 1
    log = json.loads(result.stdout)
    jsonschema.Draft7Validator.check_schema(sarif_schema)
    errors = sorted(jsonschema.Draft7Validator(sarif_schema).iter_errors(log), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])
    run_ = log["runs"][0]
    assert {r["ruleId"] for r in run_["results"]} == TWENTY_CODES
    rules = run_["tool"]["driver"]["rules"]
    for r in run_["results"]:
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
        region = r["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] > 1 and region["startColumn"] >= 1


def test_sarif_output_without_problems_is_valid_too(tmp_path, sarif_schema):
    spec = write_spec(tmp_path, WARN_ONLY.replace(", ouput: s3://out/a", ""))
    result = run("validate", "--format", "sarif", str(spec))
    assert result.code == 0
    log = json.loads(result.stdout)
    assert not list(jsonschema.Draft7Validator(sarif_schema).iter_errors(log))
    assert log["runs"][0]["results"] == []


def test_sarif_output_with_a_warning_is_valid(tmp_path, sarif_schema):
    spec = write_spec(tmp_path, WARN_ONLY)
    log = json.loads(run("validate", "--format", "sarif", str(spec)).stdout)
    assert not list(jsonschema.Draft7Validator(sarif_schema).iter_errors(log))
    assert [r["level"] for r in log["runs"][0]["results"]] == ["warning"]


def test_sarif_uri_is_a_uri_reference_even_for_odd_file_names(tmp_path, sarif_schema):
    spec = write_spec(tmp_path, WARN_ONLY, name="my spec #1.yaml")
    log = json.loads(run("validate", "--format", "sarif", str(spec)).stdout)
    uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri.endswith("/my%20spec%20%231.yaml")
    assert re.fullmatch(r"[A-Za-z0-9\-._~/%]+", uri), uri  # RFC 3986 path characters only
    assert not list(jsonschema.Draft7Validator(sarif_schema).iter_errors(log))


def test_the_format_option_offers_exactly_the_formatters_there_are():
    # cli.py names the formats without importing the formatters (fast start-up)
    from compiler.cli import FORMAT_NAMES
    from compiler.formatters import FORMATTERS

    assert list(FORMAT_NAMES) == sorted(FORMATTERS)


def test_a_value_quoted_in_a_message_cannot_forge_a_line_of_text_output(tmp_path):
    forged = "x\nspec.yaml:1:1: error[JQ-001]: forged\n::error::forged\u202e"
    spec = write_spec(tmp_path, "batchgen: 1\n" + json.dumps(forged) + ": 1\n")
    result = run("validate", spec)
    assert result.code == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"{spec}:2:1: error[BG-003]: unknown key ")
    assert "x\\nspec.yaml:1:1: error[JQ-001]: forged\\n::error::forged\\u202e" in line


def test_sarif_rules_link_to_their_row_of_the_rules_page(tmp_path, monkeypatch, sarif_schema):
    """helpUri: the rules page (pyproject.toml's [project.urls] Rules) at the code's anchor,
    an anchor docs/rules.md really has; BATCHGEN_RULES_URL points at a team's own copy."""
    rules_md = (Path(__file__).resolve().parent.parent / "docs" / "rules.md").read_text(encoding="utf-8")
    log = json.loads(run("validate", "--format", "sarif", str(TWENTY)).stdout)
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert not list(jsonschema.Draft7Validator(sarif_schema).iter_errors(log))
    for r in rules:
        page, anchor = r["helpUri"].split("#")
        assert page.startswith("https://") and page.endswith("/docs/rules.md")
        assert anchor == r["id"].lower() and f'<a id="{anchor}"></a>' in rules_md
    monkeypatch.setenv("BATCHGEN_RULES_URL", "https://wiki.example.com/batchgen/rules.html")
    log = json.loads(run("validate", "--format", "sarif", str(TWENTY)).stdout)
    assert {r["helpUri"].split("#")[0] for r in log["runs"][0]["tool"]["driver"]["rules"]} == {
        "https://wiki.example.com/batchgen/rules.html"}
