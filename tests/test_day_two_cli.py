"""`batchgen compile NEW --baseline OLD`: the CLI update path (OUT/cli/update.sh and its
bodies) beside NEW's own output, for every pair of specs in tests/day_two/pairs. What the
bodies do to a deployed setup is tests/downstream/test_emulator_day_two.py (the emulator and
the real AWS CLI); here: they are valid requests, the script is valid shell in a safe order,
NEW's other files don't change, and a change AWS refuses writes nothing."""
from __future__ import annotations

import itertools
import json
import re
import shutil
import subprocess
from pathlib import Path

import botocore.session
import pytest
import yaml
from botocore.validate import ParamValidator

from .helpers import ROOT, run, tree

PAIRS = sorted(p for p in (ROOT / "tests" / "day_two" / "pairs").iterdir() if p.is_dir())
REFUSED = {p.name for p in PAIRS if yaml.safe_load((p / "expected.yaml").read_text())["exit"]}  # AWS refuses

_SESSION = botocore.session.get_session()
_MODELS = {svc: _SESSION.get_service_model(svc) for svc in ("batch", "iam", "events", "sns")}


def _compile(tmp_path: Path, pair: Path, *extra: str) -> tuple[int, Path, str]:
    out = tmp_path / "out"
    result = run("compile", pair / "new.yaml", "-o", out, *extra)
    return result.code, out, result.stderr


@pytest.mark.parametrize("pair", PAIRS, ids=[p.name for p in PAIRS])
def test_update_path_beside_new_output(pair: Path, tmp_path):
    code, out, stderr = _compile(tmp_path / "with", pair, "--baseline", pair / "old.yaml")
    if pair.name in REFUSED:
        assert code == 1 and "error[" in stderr and not out.exists()
        return
    assert code == 0, stderr
    with_baseline = tree(out)
    plain_code, plain_out, _ = _compile(tmp_path / "plain", pair)
    assert plain_code == 0
    plain = tree(plain_out)
    added = set(with_baseline) - set(plain)
    assert "cli/update.sh" in added
    assert set(plain) <= set(with_baseline)
    # NEW's own files are byte for byte what compile writes without a baseline (the manifest lists more)
    assert {k: v for k, v in with_baseline.items() if k in plain and k != "batchgen.manifest.json"} == \
        {k: v for k, v in plain.items() if k != "batchgen.manifest.json"}
    for rel in sorted(k for k in with_baseline if k.startswith("cli/") and k.endswith(".json")):
        _, service, command, _ = rel.split("/")
        name = "".join(part.capitalize() for part in command.split("-"))
        op = _MODELS[service].operation_model(name)
        body = json.loads(with_baseline[rel])
        if command == "tag-resource" and "/job-definition--" in rel:
            # the latest revision's ARN is looked up when update.sh runs (tag_latest_revision, --resource-arn)
            assert "resourceArn" not in body and "--resource-arn" in with_baseline["cli/update.sh"].decode()
            body["resourceArn"] = "arn:aws:batch:us-east-1:123456789012:job-definition/work:2"
        report = ParamValidator().validate(body, op.input_shape)
        assert not report.has_errors(), f"{rel}: {report.generate_report()}"
    script = with_baseline["cli/update.sh"].decode()
    for body in re.findall(r'\$\(body ([^)"]+)\)', script):
        assert f"cli/{body}" in with_baseline, body  # every body the script sends was written
    if shutil.which("bash"):
        subprocess.run(["bash", "-n", out / "cli" / "update.sh"], check=True)


def test_without_a_baseline_nothing_changes(tmp_path):
    """No update.sh, no update bodies: compile's output is what it was before day two."""
    pair = ROOT / "tests" / "day_two" / "pairs" / "ce-instance-type-added"
    _, out, _ = _compile(tmp_path, pair)
    files = tree(out)
    assert "cli/update.sh" not in files
    assert not [k for k in files if "/update-" in k]


def _order(script: str) -> list[str]:
    """The script's top-level actions, one line each, in order."""
    body = script.split("\ncheck_deployed ", 1)[1]
    return [line for line in body.splitlines()
            if line and not line.startswith(("echo ", "#", " ")) and line != "fi"]


def test_a_replaced_environment_takes_its_queues_before_the_old_one_goes(tmp_path):
    pair = ROOT / "tests" / "day_two" / "pairs" / "ce-strategy-to-best-fit"
    code, out, stderr = _compile(tmp_path, pair, "--baseline", pair / "old.yaml")
    assert code == 0 and "warning[CE-023]" in stderr
    steps = _order((out / "cli" / "update.sh").read_text())
    old, new = re.search(r"progressive-[0-9a-f]{8}", steps[0]).group(), None
    (create,) = [i for i, s in enumerate(steps) if "create-compute-environment/progressive.json" in s]
    new = re.search(r'wait_valid compute-environment "(progressive-[0-9a-f]{8})"', "\n".join(steps)).group(1)
    assert new != old
    queues = [i for i, s in enumerate(steps) if "update-job-queue" in s]
    disable = steps.index(f"disable_environment {old}")
    delete = steps.index(f"delete_environment {old}")
    wait_new = steps.index(f'wait_valid compute-environment "{new}"')
    assert create < wait_new < min(queues) and max(queues) < disable < delete
    body = json.loads((out / "cli" / "batch" / "update-job-queue" / "fifo.json").read_text())
    assert body["computeEnvironmentOrder"][0]["computeEnvironment"].endswith(f":compute-environment/{new}")


def test_a_removed_queue_is_disabled_then_deleted_after_everything_else(tmp_path):
    pair = ROOT / "tests" / "day_two" / "pairs" / "queue-removed"
    code, out, stderr = _compile(tmp_path, pair, "--baseline", pair / "old.yaml")
    assert code == 0 and "warning[JQ-019]" in stderr
    steps = _order((out / "cli" / "update.sh").read_text())
    (disable,) = [i for i, s in enumerate(steps) if s.startswith("disable_queue ")]
    (delete,) = [i for i, s in enumerate(steps) if s.startswith("delete_queue ")]
    assert disable < delete == len(steps) - 1 or all(
        s.startswith(("delete_", "wait_gone", "deregister_")) for s in steps[delete:])


def test_in_place_updates_send_only_what_update_takes(tmp_path):
    pair = ROOT / "tests" / "day_two" / "pairs" / "ce-max-vcpus-raised"
    code, out, _ = _compile(tmp_path, pair, "--baseline", pair / "old.yaml")
    assert code == 0
    (body_file,) = (out / "cli" / "batch" / "update-compute-environment").iterdir()
    body = json.loads(body_file.read_text())
    assert re.fullmatch(r"progressive-[0-9a-f]{8}", body["computeEnvironment"])
    assert set(body["computeResources"]) <= {"maxvCpus", "minvCpus", "desiredvCpus"}
    script = (out / "cli" / "update.sh").read_text()
    assert "create-compute-environment" not in script.split("check_deployed", 1)[1]


def test_a_refused_change_writes_nothing_even_over_an_existing_output(tmp_path):
    pair = ROOT / "tests" / "day_two" / "pairs" / "role-path-changed"
    out = tmp_path / "out"
    assert run("compile", pair / "old.yaml", "-o", out).code == 0
    before = tree(out)
    result = run("compile", pair / "new.yaml", "-o", out, "--baseline", pair / "old.yaml")
    assert result.code == 1 and "error[BG-205]" in result.stderr
    assert tree(out) == before


@pytest.mark.parametrize("script", sorted((ROOT / "out").glob("**/cli/*.sh")), ids=lambda p: str(p.relative_to(ROOT)))
def test_a_scripts_header_reads_line_by_line(script: Path):
    """The comment a reviewer reads first: every usage line of submit.sh on its own line, and no
    comment glued to the end of another line (a template tag that ate a newline)."""
    lines = script.read_text(encoding="utf-8").splitlines()
    header = list(itertools.takewhile(lambda line: line.startswith("#"), lines[1:]))
    assert len(header) > 3, header
    assert not [line for line in header if re.search(r"\S#", line[1:])], header
    if script.name == "submit.sh":
        usage = [line.split()[1:3] for line in header if line.startswith("#   ./submit.sh ")]
        assert [u[1] if u[1].startswith("--") else "JOB" for u in usage] == ["JOB", "--all", "--list"]
