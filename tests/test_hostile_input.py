"""Hostile YAML: every case gives located diagnostics and exit 1, writes nothing and runs nothing.

The cases that would crash or hang a naive loader (alias bombs, deep nesting, huge files)
run `batchgen` as a subprocess with a time limit, so a regression fails the test instead
of taking pytest down with it.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from compiler.catalog import load_catalog

from .helpers import ROOT, run, tree
from .test_diagnostics import BASE, locate

LIMITS = load_catalog()["BG-014"].limits


@pytest.fixture
def previous_out(tmp_path):
    """An OUT holding an earlier compile of BASE: a failed compile must leave it as it was."""
    spec = tmp_path / "previous.yaml"
    spec.write_text(BASE, encoding="utf-8")
    out = tmp_path / "out"
    assert run("compile", spec, "-o", out).code == 0
    return out


def compile_bytes(tmp_path: Path, raw: bytes, out: Path) -> tuple[int, list[dict], str]:
    """`batchgen compile` in a subprocess (bounded in time); exit code, JSON diagnostics (standard
    output), standard error (empty: a machine format writes only its document)."""
    spec = tmp_path / "spec.yaml"
    spec.write_bytes(raw)
    proc = subprocess.run(
        [sys.executable, "-m", "compiler", "compile", str(spec), "-o", str(out), "--format", "json"],
        capture_output=True, text=True, timeout=60, cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.returncode, json.loads(proc.stdout), proc.stderr


def only(diags: list[dict], code: str) -> dict:
    assert [d["code"] for d in diags] == [code], diags
    return diags[0]


def at(d: dict) -> tuple[int, int]:
    return d["line"], d["column"]


# --- resource exhaustion: subprocess, time-bounded -------------------------------------

def test_an_alias_bomb_stops_at_the_alias_that_crosses_the_limit(tmp_path, previous_out):
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    text = "\n".join(lines) + "\n"
    before = tree(previous_out)
    code, diags, _ = compile_bytes(tmp_path, text.encode(), previous_out)
    d = only(diags, "BG-014")
    assert code == 1 and f"{LIMITS['max_nodes']:,}" in d["message"] and "alias" in d["message"]
    assert d["line"] in range(6, 10)  # 9**6 = 531,441 values fit; a later level's alias does not
    assert text.splitlines()[d["line"] - 1][d["column"] - 1] == "*"
    assert tree(previous_out) == before


def test_an_alias_inside_its_own_anchor_is_rejected(tmp_path, previous_out):
    code, diags, _ = compile_bytes(tmp_path, b"batchgen: 1\nloop: &a [1, *a]\n", previous_out)
    d = only(diags, "BG-012")
    assert code == 1 and at(d) == (2, 14) and "cannot contain itself" in d["message"]


@pytest.mark.parametrize("text, where", [
    ("batchgen: 1\nx: " + "[" * 100_000 + "]" * 100_000 + "\n", (2, 4 + LIMITS["max_depth"] - 1)),
    ("batchgen: 1\nx:\n" + "".join("  " * i + "- \n" for i in range(1, 2000)), None),
    ("batchgen: 1\nx: " + "{a: " * 5_000 + "1" + "}" * 5_000 + "\n", None),
], ids=["flow-lists", "block-lists", "flow-mappings"])
def test_deep_nesting_is_a_located_error_not_a_crash(tmp_path, previous_out, text, where):
    """What the user needs: one located error, exit 1, nothing written. Which limit fires
    first is not theirs to care about: batchgen's own depth limit (BG-014), or, where the
    installed libyaml has one of its own (PyYAML 6.0.2+ stops flow collections at 1,000
    levels, while scanning, before batchgen sees the events), its syntax error (BG-001)."""
    before = tree(previous_out)
    code, diags, _ = compile_bytes(tmp_path, text.encode(), previous_out)
    assert code == 1 and len(diags) == 1, diags
    d = diags[0]
    if d["code"] == "BG-014":
        assert f"deeper than {LIMITS['max_depth']} levels" in d["message"]
        if where:
            assert at(d) == where
    else:
        assert d["code"] == "BG-001" and "nesting" in d["message"], d
    lines = text.splitlines()
    assert 2 <= d["line"] <= len(lines) and 1 <= d["column"] <= len(lines[d["line"] - 1]) + 1
    assert tree(previous_out) == before


def test_a_file_over_the_size_cap_is_refused_before_it_is_parsed(tmp_path, previous_out):
    raw = b"batchgen: 1\n" + b"# padding\n" * (LIMITS["max_bytes"] // 10 + 1)
    assert len(raw) > LIMITS["max_bytes"]
    code, diags, _ = compile_bytes(tmp_path, raw, previous_out)
    d = only(diags, "BG-014")
    assert code == 1 and at(d) == (1, 1) and f"{LIMITS['max_bytes']:,} bytes" in d["message"]


def test_an_oversized_value_is_located(tmp_path, previous_out):
    big = "x" * (LIMITS["max_value_chars"] + 1)
    text = BASE.replace("project: demo", f"project: demo\ndescription: {big}")
    code, diags, _ = compile_bytes(tmp_path, text.encode(), previous_out)
    d = only(diags, "BG-014")
    assert code == 1 and at(d) == locate(text, "x" * 10) and f"{LIMITS['max_value_chars']:,}" in d["message"]


# --- bytes ------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, where, words", [
    (b"batchgen: 1\nproject: caf\xe9\n", (2, 13), ["0xe9", "UTF-8", "Latin-1"]),
    (b"batchgen: 1\nproject: ok\ntags: {team: \x80}\n", (3, 14), ["0x80"]),
    (b"\xef\xbb\xbfbatchgen: 1\n", (1, 1), ["byte-order mark"]),
    ("batchgen: 1\n".encode("utf-16"), (1, 1), ["UTF-16"]),
], ids=["latin-1", "stray-byte", "utf-8-bom", "utf-16"])
def test_bytes_that_are_not_plain_utf8_are_located(tmp_path, previous_out, raw, where, words):
    before = tree(previous_out)
    spec = tmp_path / "spec.yaml"
    spec.write_bytes(raw)
    result = run("compile", spec, "-o", previous_out, "--format", "json")
    d = only(result.diagnostics(), "BG-015")
    assert result.code == 1 and at(d) == where
    assert all(w in d["message"] for w in words), d["message"]
    assert tree(previous_out) == before


# --- shape ------------------------------------------------------------------------------

@pytest.mark.parametrize("text, code, where, words", [
    ("batchgen: 1\ntags:\n\tteam: x\n", "BG-001", (3, 1), ["tab", "spaces"]),
    ("", "BG-004", (1, 1), ["empty", "batchgen: 1"]),
    ("# only a comment\n\n", "BG-004", (1, 1), ["empty"]),
    ("- batchgen: 1\n", "BG-004", (1, 1), ["must be a mapping, not a list"]),
    ("batchgen\n", "BG-004", (1, 1), ["must be a mapping, not a string"]),
    ("batchgen: 1\n---\nbatchgen: 1\n", "BG-001", (2, 1), ["more than one YAML document"]),
    ("batchgen: 1\nproject: a\nproject: b\n", "BG-002", (3, 1), ["duplicate key 'project'", "line 2"]),
    ("batchgen: 1\nproject: [a\n", "BG-001", (2, 10), ["flow sequence opened here is not closed", "line 3"]),
], ids=["tab-indent", "empty", "comments-only", "top-level-list", "top-level-scalar",
        "two-documents", "duplicate-key", "syntax"])
def test_malformed_spec_is_one_located_error(tmp_path, previous_out, text, code, where, words):
    before = tree(previous_out)
    spec = tmp_path / "spec.yaml"
    spec.write_text(text, encoding="utf-8")
    result = run("compile", spec, "-o", previous_out, "--format", "json")
    d = only(result.diagnostics(), code)
    assert result.code == 1 and at(d) == where, d
    assert all(w in d["message"] for w in words), d["message"]
    assert tree(previous_out) == before


# --- tags: never constructed ------------------------------------------------------------

@pytest.mark.parametrize("tagged", [
    '!!python/object/apply:os.system ["touch {marker}"]',
    '!!python/object/apply:subprocess.check_call [["touch", "{marker}"]]',
    "!!python/name:os.system",
    '!!python/object/new:type ["x", [], {{"__init__": !!python/name:os.system }}]',
    "!custom {marker}",
    "!!binary aGVsbG8=",
    "!!set {{a, b}}",
], ids=["apply-os-system", "apply-subprocess", "name", "new-type", "local-tag", "binary", "set"])
def test_a_tag_is_rejected_and_never_constructed(tmp_path, previous_out, tagged):
    marker = tmp_path / "pwned"
    value = tagged.format(marker=marker)
    text = BASE.replace("project: demo", f"project: {value}")
    before = tree(previous_out)
    spec = tmp_path / "spec.yaml"
    spec.write_text(text, encoding="utf-8")
    result = run("compile", spec, "-o", previous_out, "--format", "json")
    codes = [d["code"] for d in result.diagnostics()]
    assert result.code == 1 and codes[0] == "BG-012", result.diagnostics()
    assert at(result.diagnostics()[0]) == locate(text, value[:6])
    assert "is not allowed" in result.diagnostics()[0]["message"]
    assert not marker.exists(), "a tag was constructed"
    assert tree(previous_out) == before


# --- YAML 1.1 implicit typing -----------------------------------------------------------

YAML11_WORDS = ["no", "off", "on", "yes", "No", "OFF", "y", "n", "2024-01-15", "2001-12-14t21:59:43.10-05:00",
                "1_000", "1:30", "0b101", "=", "~~", "0x1G"]


def test_yaml_1_1_booleans_dates_and_numbers_stay_the_strings_written(tmp_path):
    """Written unquoted where the API wants a string, each stays exactly the text written."""
    env = "\n".join(f"        - {{name: V{i}, value: {w}}}" for i, w in enumerate(YAML11_WORDS))
    tags = "\n".join(f"      k{i}: {w}" for i, w in enumerate(YAML11_WORDS))
    text = BASE.replace(
        "      command: [echo, hi]\n",
        "      command: [echo, hi]\n      environment:\n" + env + "\n",
    ).replace("    retryStrategy:", "    tags:\n" + tags + "\n    retryStrategy:", 1)
    spec = tmp_path / "spec.yaml"
    spec.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = run("compile", spec, "-o", out)
    assert result.code == 0, result.stderr

    body = json.loads((out / "cli/batch/register-job-definition/jd-one.json").read_text())
    env_out = {e["name"]: e["value"] for e in body["containerProperties"]["environment"]}
    assert env_out == {f"V{i}": w for i, w in enumerate(YAML11_WORDS)}
    assert {k: v for k, v in body["tags"].items() if k[0] == "k"} == {f"k{i}": w for i, w in enumerate(YAML11_WORDS)}
    hcl = (out / "terraform/job_definitions.tf").read_text()
    for w in YAML11_WORDS:
        assert f'"{w}"' in hcl
    assert "493" not in hcl and "false" not in hcl.split("container_properties")[1].split("retry_strategy")[0]


@pytest.mark.parametrize("old, new, code, needle, words", [
    ('value: "2048"', "value: 02048", "BG-016", "02048", ["leading zero", "2048", "quote it ('02048')"]),
    ("attempts: 2", "attempts: 0755", "BG-016", "0755", ["octal number 493", "755"]),
    ('value: "2048"', "value: 1e3", "BG-004", "1e3", ['quote it: "1e3"']),
    ('value: "2048"', "value: 0x800", "BG-004", "0x800", ['quote it: "0x800"']),
    ('value: "2048"', "value: 2048", "BG-004", "2048", ['quote it: "2048"']),
    ('value: "2048"', "value: true", "BG-004", "true", ['quote it: "true"']),
    ("attempts: 2", "attempts: 2e0", "BG-004", "2e0", ["must be an integer", "write 2"]),
    ("attempts: 2", "attempts: .inf", "BG-016", ".inf", ["finite"]),
    ("attempts: 2", "attempts: .NaN", "BG-016", ".NaN", ["finite"]),
    ("      command: [echo, hi]", "      command: [echo, hi]\n      privileged: yes", "BG-004", "yes",
     ["true or false", "YAML 1.2", "write true"]),
], ids=["leading-zero-string-field", "leading-zero-int-field", "float-in-string-field", "hex-in-string-field",
        "int-in-string-field", "bool-in-string-field", "float-in-int-field", "inf", "nan", "yes-in-bool-field"])
def test_a_scalar_batchgen_wont_guess_at_is_one_located_error(tmp_path, previous_out, old, new, code, needle, words):
    assert old in BASE
    text = BASE.replace(old, new, 1)
    before = tree(previous_out)
    spec = tmp_path / "spec.yaml"
    spec.write_text(text, encoding="utf-8")
    result = run("compile", spec, "-o", previous_out, "--format", "json")
    d = only(result.diagnostics(), code)
    assert result.code == 1 and at(d) == locate(text, needle), d
    assert all(w in d["message"] for w in words), d["message"]
    assert tree(previous_out) == before


def test_merge_keys_work_and_a_merged_value_is_located_at_its_anchor(tmp_path):
    text = BASE.replace(
        "    retryStrategy:\n      attempts: 2\n",
        "    retryStrategy: &retry\n      attempts: 2\n",
    ).replace(
        "jobs:\n",
        "  - jobDefinitionName: jd-two\n"
        "    type: container\n"
        "    containerProperties:\n"
        "      image: public.ecr.aws/docker/library/busybox:latest\n"
        "      resourceRequirements: [{type: VCPU, value: \"1\"}, {type: MEMORY, value: \"2048\"}]\n"
        "    retryStrategy:\n"
        "      <<: *retry\n"
        "      evaluateOnExit: [{action: RETRY, onExitCode: \"1\"}]\n"
        "jobs:\n",
    )
    spec = tmp_path / "spec.yaml"
    spec.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    assert run("compile", spec, "-o", out).code == 0
    body = json.loads((out / "cli/batch/register-job-definition/jd-two.json").read_text())
    assert body["retryStrategy"]["attempts"] == 2

    bad = text.replace("attempts: 2", "attempts: 11")
    spec.write_text(bad, encoding="utf-8")
    diags = run("validate", spec, "--format", "json").diagnostics()
    assert [(d["code"], at(d)) for d in diags] == [("JDY-001", locate(bad, "11"))] * 2


def test_a_flood_of_wrong_values_stops_after_the_problem_cap(tmp_path, previous_out):
    """A million-item list of wrong values: reported up to the cap, in seconds, not minutes."""
    count = LIMITS["max_nodes"] - 10
    text = "batchgen: 1\njobs: [" + ",".join(["1"] * count) + "]\n"
    before = tree(previous_out)
    code, diags, _ = compile_bytes(tmp_path, text.encode(), previous_out)
    cap = LIMITS["max_problems"]
    assert code == 1 and len(diags) == cap + 1
    assert {d["code"] for d in diags[:cap]} == {"BG-004"}
    last = diags[-1]
    assert last["code"] == "BG-014" and f"more than {cap:,} problems" in last["message"]
    assert at(last) == (2, 8 + 2 * cap)  # the first value past the cap
    assert tree(previous_out) == before


def test_one_value_past_the_node_limit_is_refused(tmp_path, previous_out):
    text = "batchgen: 1\njobs: [" + ",".join(["1"] * LIMITS["max_nodes"]) + "]\n"
    code, diags, _ = compile_bytes(tmp_path, text.encode(), previous_out)
    d = only(diags, "BG-014")
    assert code == 1 and f"more than {LIMITS['max_nodes']:,} values" in d["message"]


@pytest.mark.parametrize("old, new, needle", [
    ("jobQueueName: queue-one", 'jobQueueName: "queue-one\\n"', '"queue-one'),
    ("jobDefinitionName: jd-one", 'jobDefinitionName: "jd-one\\n"', '"jd-one'),
    ("computeEnvironmentName: ce-one", 'computeEnvironmentName: "ce-one\\n"', '"ce-one'),
    ("  - jobName: job-one", '  - jobName: "job-one\\n"', '"job-one'),
], ids=["queue", "job-definition", "compute-environment", "job"])
def test_a_name_ending_in_a_newline_is_rejected(tmp_path, old, new, needle):
    """A pattern's `$` means the end of the text (ECMA-262), not "before a final newline"
    (Python): such a name would end a line in deploy.sh and in HCL comments."""
    text = BASE.replace(old, new, 1)
    spec = tmp_path / "spec.yaml"
    spec.write_text(text, encoding="utf-8")
    diags = run("validate", spec, "--format", "json").diagnostics()
    located = [d for d in diags if at(d) == locate(text, needle)]
    assert located and all("does not match" in d["message"] or "must" in d["message"] for d in located), diags


def test_ecma_dollar_is_the_end_of_the_text():
    from compiler.patterns import ecma

    assert ecma("^[a-z]+$").search("queue") and not ecma("^[a-z]+$").search("queue\n")
    assert ecma(r"^a[$]b\$$").search("a$b$")  # `$` in a class or escaped is a character
