"""Bad input is rejected at the right line:col, with the limit named, and nothing is written."""
from __future__ import annotations

import pytest

from .helpers import run, tree, write_spec

BASE = """\
batchgen: 1
project: demo
region: us-east-1
tags:
  team: data
computeEnvironments:
  - computeEnvironmentName: ce-one
    type: MANAGED
    computeResources:
      type: SPOT
      allocationStrategy: SPOT_CAPACITY_OPTIMIZED
      bidPercentage: 100
      minvCpus: 0
      maxvCpus: 16
      instanceTypes: [m5]
      subnets: [subnet-0a1b2c3d]
      securityGroupIds: [sg-0a1b2c3d]
jobQueues:
  - jobQueueName: queue-one
    priority: 1
    computeEnvironmentOrder:
      - {order: 1, computeEnvironment: ce-one}
jobDefinitions:
  - jobDefinitionName: jd-one
    type: container
    containerProperties:
      image: public.ecr.aws/docker/library/busybox:latest
      command: [echo, hi]
      resourceRequirements:
        - {type: VCPU, value: "1"}
        - {type: MEMORY, value: "2048"}
    retryStrategy:
      attempts: 2
    timeout:
      attemptDurationSeconds: 600
jobs:
  - jobName: job-one
    jobQueue: queue-one
    jobDefinition: jd-one
  - jobName: job-two
    jobQueue: queue-one
    jobDefinition: jd-one
    arrayProperties: {size: 10}
    dependsOn:
      - {jobId: job-one}
"""


def locate(text: str, needle: str, nth: int = 1) -> tuple[int, int]:
    """1-based line and column of the nth occurrence of needle.

    A needle may mark the exact spot with «»: "attempts: «0»" points at the 0.
    """
    offset = needle.index("«") if "«" in needle else 0
    needle = needle.replace("«", "").replace("»", "")
    at = -1
    for _ in range(nth):
        at = text.index(needle, at + 1)
    at += offset
    line = text.count("\n", 0, at) + 1
    col = at - (text.rfind("\n", 0, at) + 1) + 1
    return line, col


def many(template: str, count: int, start: int = 1) -> str:
    return "\n".join(template.format(i=i) for i in range(start, start + count))


# (id, old, new, code, needle to locate in the new text, words the message must contain[, nth needle])
CASES = [
    ("unknown key", "    priority: 1\n", "    priorty: 1\n", "BG-003", "priorty", ["priorty", "did you mean 'priority'"]),
    ("wrong type", "maxvCpus: 16", "maxvCpus: sixteen", "BG-004", "sixteen", ["maxvCpus", "integer"]),
    ("number where a string is needed", 'value: "2048"', "value: 2048", "BG-004", "2048}", ["string", 'quote it: "2048"']),
    ("missing required key", "    priority: 1\n", "", "BG-005", "jobQueueName: queue-one", ["priority"]),
    ("bad enum with suggestion", "type: MANAGED", "type: MANAGD", "CE-001", "MANAGD", ["MANAGED", "UNMANAGED"]),
    ("name with a space", "computeEnvironmentName: ce-one", "computeEnvironmentName: ce one",
     "NT-001", "ce one", ["128"]),
    ("name too long", "jobDefinitionName: jd-one", "jobDefinitionName: " + "j" * 129, "NT-003", "j" * 129, ["128"]),
    ("jobName starting with a hyphen", "jobName: job-one\n", "jobName: -job-one\n", "NT-005", "-job-one", ["starting with a letter or digit"]),
    ("four compute environments in a queue",
     "      - {order: 1, computeEnvironment: ce-one}\n",
     many("      - {{order: {i}, computeEnvironment: ce-one}}", 4) + "\n",
     "JQ-004", "{order: 4", ["4", "3"]),
    ("array size 1", "size: 10}", "size: 1}", "SJA-001", "size: «1»", ["2"]),
    ("array size 10001", "size: 10}", "size: 10001}", "SJA-001", "10001", ["10000"]),
    ("21 dependsOn", "      - {jobId: job-one}\n", many("      - {{jobId: job-one}}", 21) + "\n",
     "SJD-001", "{jobId: job-one}", ["20"], 21),
    ("timeout 59", "attemptDurationSeconds: 600", "attemptDurationSeconds: 59", "JDT-001", "59", ["60"]),
    ("attempts 11", "attempts: 2", "attempts: 11", "JDY-001", "11", ["10"]),
    ("attempts 0", "attempts: 2", "attempts: 0", "JDY-001", "attempts: «0»", ["1"]),
    ("six evaluateOnExit", "      attempts: 2\n",
     "      attempts: 2\n      evaluateOnExit:\n" + many("        - {{action: RETRY, onExitCode: \"{i}\"}}", 6) + "\n",
     "JDY-002", '{action: RETRY, onExitCode: "6"}', ["5"]),
    ("queue priority 1001", "priority: 1", "priority: 1001", "JQ-001", "1001", ["1000"]),
    ("bidPercentage 101", "bidPercentage: 100", "bidPercentage: 101", "CE-026", "101", ["100"]),
    ("51 tags", "tags:\n  team: data\n", "tags:\n" + many("  t{i}: v", 51) + "\n", "NT-007", "t51", ["50"]),
    ("dangling reference with suggestion", "computeEnvironment: ce-one}", "computeEnvironment: ce-onee}",
     "XR-001", "ce-onee", ["ce-onee", "did you mean 'ce-one'"]),
    ("duplicate name", "  - jobQueueName: queue-one\n",
     "  - jobQueueName: queue-one\n    priority: 2\n    computeEnvironmentOrder:\n"
     "      - {order: 1, computeEnvironment: ce-one}\n  - jobQueueName: queue-one\n",
     "NT-006", "queue-one", ["queue-one"], 2),
    ("duplicate key", "    priority: 1\n", "    priority: 1\n    priority: 2\n", "BG-002", "priority: 2", ["priority", "line"]),
    ("spec format version", "batchgen: 1", "batchgen: 2", "BG-009", "batchgen: «2»", ["version"]),
]


@pytest.mark.parametrize("old,new,code,needle,words,nth", [(*c[1:6], c[6] if len(c) > 6 else 1) for c in CASES],
                         ids=[c[0] for c in CASES])
def test_bad_input_is_located_and_nothing_written(tmp_path, old, new, code, needle, words, nth):
    assert old in BASE
    text = BASE.replace(old, new, 1)
    spec = write_spec(tmp_path, text)
    out = tmp_path / "out"
    out.mkdir()
    (out / "terraform").mkdir()
    (out / "terraform" / "main.tf").write_text("# previous output\n")
    before = tree(out)

    result = run("compile", spec, "-o", out, "--format", "json")

    assert result.code == 1
    diags = result.diagnostics()
    line, col = locate(text, needle, nth)
    matching = [d for d in diags if d["code"] == code]
    assert matching, diags
    d = matching[0]
    assert (d["line"], d["column"]) == (line, col), d
    assert d["severity"] == "error" and d["file"] == str(spec)
    for w in words:
        assert w in d["message"], d["message"]
    assert tree(out) == before, "a failed compile must leave OUT untouched"


def test_base_spec_is_valid(tmp_path):
    spec = write_spec(tmp_path, BASE)
    result = run("compile", spec, "-o", tmp_path / "out")
    assert result.code == 0, result.stderr
    assert (tmp_path / "out" / "terraform" / "job_queues.tf").exists()


def test_text_format_names_file_line_col_code_and_source(tmp_path):
    spec = write_spec(tmp_path, BASE.replace("priority: 1", "priority: 1001"))
    result = run("validate", spec)
    assert result.code == 1
    line, col = locate(BASE.replace("priority: 1", "priority: 1001"), "1001")
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"{spec}:{line}:{col}: error[JQ-001]: ")
    assert "1000" in first and "[BC CreateJobQueueRequest" in first  # the limit and its source are named


def test_all_problems_in_one_run(tmp_path):
    text = (BASE.replace("priority: 1", "priority: 1001")
                .replace("attempts: 2", "attempts: 11")
                .replace("size: 10}", "size: 1}")
                .replace("computeEnvironment: ce-one}", "computeEnvironment: nope}"))
    result = run("validate", write_spec(tmp_path, text), "--format", "json")
    assert result.code == 1
    assert {"JQ-001", "JDY-001", "SJA-001", "XR-001"} <= {d["code"] for d in result.diagnostics()}


def test_yaml_syntax_error_is_a_diagnostic(tmp_path):
    spec = write_spec(tmp_path, "batchgen: 1\njobs: [\n  {jobName: a,\n")
    result = run("validate", spec)
    assert result.code == 1
    assert "error[BG-001]" in result.stderr and "Traceback" not in result.stderr


def test_missing_file_is_exit_2(tmp_path):
    result = run("validate", tmp_path / "nope.yaml")
    assert result.code == 2
    assert "BG-008" in result.stderr


def test_unsafe_yaml_tag_is_rejected(tmp_path):
    spec = write_spec(tmp_path, "batchgen: 1\nproject: !!python/object:os.system demo\n")
    result = run("validate", spec, "--format", "json")
    assert result.code == 1
    d = result.diagnostics()[0]
    assert d["code"] == "BG-012" and (d["line"], d["column"]) == (2, 10)


def test_an_internal_error_is_a_message_not_a_traceback(tmp_path, monkeypatch):
    # A bug in batchgen is simulated in the emitter (a real one would be fixed, not tested).
    import compiler.emit

    def broken(*args, **kwargs):
        raise KeyError("boom")

    monkeypatch.setattr(compiler.emit, "emit_all", broken)
    spec = write_spec(tmp_path, BASE)
    result = run("compile", spec, "-o", tmp_path / "out")
    assert result.code == 2 and not (tmp_path / "out").exists()
    assert result.stderr.startswith("batchgen: error[BG-023]: internal error (KeyError: 'boom')") and "Traceback" not in result.stderr
