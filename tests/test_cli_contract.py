"""The command's contract with the tools around it: where each format goes, one document
per run in every machine format (also for usage and I/O problems), the spec from standard
input, several specs in one run, exit codes.

The commands run as real subprocesses where the streams themselves are the point (a
redirect like `> batchgen.sarif` captures standard output and nothing else).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from .helpers import ROOT, SPECS, run, write_spec
from .test_diagnostics import BASE
from .test_reporting import WARN_ONLY

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def batchgen(*argv, stdin: bytes | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "compiler", *map(str, argv)], input=stdin,
                          capture_output=True, cwd=cwd or ROOT, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


@pytest.fixture(scope="module")
def sarif_validator():
    schema = json.loads((FIXTURES / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    return jsonschema.Draft7Validator(schema)


# --- machine formats: standard output, one document, nothing else -----------------------

def test_sarif_redirected_to_a_file_is_a_valid_sarif_log(tmp_path, sarif_validator):
    """The --help example: `batchgen validate specs/render.yaml --format sarif > batchgen.sarif`."""
    spec = write_spec(tmp_path, WARN_ONLY)
    target = tmp_path / "batchgen.sarif"
    with open(target, "wb") as fh:
        proc = subprocess.run([sys.executable, "-m", "compiler", "validate", str(spec), "--format", "sarif"],
                              stdout=fh, stderr=subprocess.PIPE, cwd=ROOT, timeout=60,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 0 and proc.stderr == b""
    log = json.loads(target.read_text(encoding="utf-8"))
    assert not list(sarif_validator.iter_errors(log))
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["XR-010"]
    assert log["runs"][0]["invocations"] == [{"executionSuccessful": True, "toolExecutionNotifications": []}]


@pytest.mark.parametrize("argv", [
    ["compile", "--format", "json"],                       # a required argument missing
    ["validate", "--format=json", "--no-such-option", "x.yaml"],
    ["compile", "a.yaml", "b.yaml", "--format", "json"],   # two specs, one OUT
    ["validate", "-", "-", "--format", "json"],            # standard input twice
], ids=["missing-spec", "unknown-option", "shared-out", "stdin-twice"])
def test_a_usage_problem_in_json_is_one_document(argv):
    proc = batchgen(*argv)
    assert proc.returncode == 2 and proc.stderr == b""
    (problem,) = json.loads(proc.stdout)
    assert problem["code"] == "BG-020" and problem["severity"] == "error"
    assert problem["file"] is None and problem["line"] is None
    assert "--help" in problem["message"]


def test_a_usage_problem_in_sarif_is_a_tool_notification(sarif_validator):
    proc = batchgen("compile", "--format", "sarif")
    assert proc.returncode == 2 and proc.stderr == b""
    log = json.loads(proc.stdout)
    assert not list(sarif_validator.iter_errors(log))
    (invocation,) = log["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    (note,) = invocation["toolExecutionNotifications"]
    assert note["descriptor"]["id"] == "BG-020" and "required" in note["message"]["text"]
    assert log["runs"][0]["results"] == []


def test_a_usage_problem_in_text_is_argparse_style_on_stderr():
    proc = batchgen("compile")
    assert proc.returncode == 2 and proc.stdout == b""
    err = proc.stderr.decode()
    assert err.startswith("usage: batchgen compile") and err.endswith(
        "batchgen compile: the following arguments are required: SPEC\n")


def test_an_unreadable_spec_in_json_is_one_document():
    proc = batchgen("validate", "/nonexistent/spec.yaml", "--format", "json")
    assert proc.returncode == 2 and proc.stderr == b""
    (problem,) = json.loads(proc.stdout)
    assert problem["code"] == "BG-008" and problem["file"] == "/nonexistent/spec.yaml"


def test_an_out_that_is_refused_in_json_is_one_document(tmp_path):
    spec = write_spec(tmp_path, BASE)
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine\n")
    proc = batchgen("compile", spec, "-o", out, "--format", "json")
    assert proc.returncode == 2 and proc.stderr == b""
    (problem,) = json.loads(proc.stdout)
    assert problem["code"] == "BG-021" and problem["file"] is None
    assert "notes.txt" in problem["message"]
    assert (out / "notes.txt").read_text() == "mine\n"


def test_check_in_json_names_each_stale_file(tmp_path):
    spec = write_spec(tmp_path, BASE)
    out = tmp_path / "out"
    assert run("compile", spec, "-o", out).code == 0
    (out / "terraform" / "job_queues.tf").write_text("# edited\n")
    (out / "cli" / "deploy.sh").unlink()
    result = run("compile", spec, "-o", out, "--check", "--format", "json")
    assert result.code == 1 and result.stderr == ""
    found = {(d["file"], d["code"], d["message"].split(";")[0]) for d in result.diagnostics()}
    assert found == {(str(out / "terraform" / "job_queues.tf"), "BG-022", "out of date"),
                     (str(out / "cli" / "deploy.sh"), "BG-022", "missing")}


def test_github_annotations_carry_a_file_only_where_there_is_one(tmp_path):
    result = run("compile", "--format", "github", tmp_path / "a.yaml", tmp_path / "b.yaml")
    assert result.code == 2
    assert result.stdout.startswith("::error title=BG-020::") and result.stderr == ""


def test_machine_formats_write_an_empty_document_for_a_clean_spec(tmp_path):
    spec = write_spec(tmp_path, WARN_ONLY.replace(", ouput: s3://out/a", ""))
    assert run("validate", spec, "--format", "json").stdout == "[]\n"
    assert run("validate", spec, "--format", "github").stdout == ""
    text = run("validate", spec)
    assert text.code == 0 and text.stdout == "" and text.stderr == ""


# --- standard input ----------------------------------------------------------------------

def test_a_spec_from_standard_input_is_validated_and_named(tmp_path):
    text = WARN_ONLY.lstrip("\n").encode()
    proc = batchgen("validate", "-", "--stdin-filename", "specs/etl.yaml", stdin=text)
    assert proc.returncode == 0 and proc.stdout == b""
    assert proc.stderr.decode().startswith("specs/etl.yaml:17:")
    proc = batchgen("validate", "-", stdin=text)
    assert proc.stderr.decode().startswith("<stdin>:17:")


def test_a_spec_from_standard_input_compiles_to_the_same_output(tmp_path):
    spec = SPECS[0]
    out_file, out_stdin = tmp_path / "from-file", tmp_path / "from-stdin"
    assert run("compile", spec, "-o", out_file).code == 0
    proc = batchgen("compile", "-", "--stdin-filename", spec.name, "-o", out_stdin, stdin=spec.read_bytes())
    assert proc.returncode == 0, proc.stderr
    files = sorted(p.relative_to(out_file) for p in out_file.rglob("*") if p.is_file())
    assert files and files == sorted(p.relative_to(out_stdin) for p in out_stdin.rglob("*") if p.is_file())
    assert all((out_file / f).read_bytes() == (out_stdin / f).read_bytes() for f in files)


def test_bad_bytes_on_standard_input_are_located():
    proc = batchgen("validate", "-", "--format", "json", stdin=b"batchgen: 1\nproject: caf\xe9\n")
    assert proc.returncode == 1
    (problem,) = json.loads(proc.stdout)
    assert problem["code"] == "BG-015" and problem["file"] == "<stdin>" and problem["line"] == 2


# --- several specs -----------------------------------------------------------------------

def test_several_specs_are_validated_in_one_run_and_one_document(tmp_path):
    good = write_spec(tmp_path, WARN_ONLY, name="good.yaml")
    bad = write_spec(tmp_path, "batchgen: 1\nprojet: x\n", name="bad.yaml")
    result = run("validate", good, bad, "--format", "json")
    assert result.code == 1
    assert {d["file"] for d in result.diagnostics()} == {str(good), str(bad)}


def test_several_specs_compile_each_into_its_own_out(tmp_path):
    first = write_spec(tmp_path, BASE, name="first.yaml")
    second = write_spec(tmp_path, BASE.replace("project: demo", "project: other"), name="second.yaml")
    pattern = str(tmp_path / "out" / "{name}")
    assert run("compile", first, second, "-o", pattern).code == 0
    assert (tmp_path / "out" / "first" / "batchgen.manifest.json").is_file()
    assert (tmp_path / "out" / "second" / "batchgen.manifest.json").is_file()
    assert run("compile", first, second, "-o", pattern, "--check").code == 0
    second.write_text(second.read_text().replace("project: other", "project: third"))
    stale = run("compile", first, second, "-o", pattern, "--check")
    assert stale.code == 1 and str(tmp_path / "out" / "second") in stale.stderr
    assert str(tmp_path / "out" / "first") not in stale.stderr
