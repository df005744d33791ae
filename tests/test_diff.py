"""`batchgen diff OLD NEW`: the command, its formats and exit status, OLD from git, and the
one upd row no pair of specs can reach (CE-060). What each kind of change is classified as is
tests/test_day_two_pairs.py; how each reason reads is tests/rules/cases/."""
from __future__ import annotations

import copy
import json
import subprocess
from pathlib import Path

import pytest

from compiler.diff import REPLACE, diff_models
from compiler.load import NOT_PLAIN, load_data
from compiler.problems import Severity
from compiler.resolve import resolve

from .helpers import ROOT, run

PAIRS = ROOT / "tests" / "day_two" / "pairs"


def _pair(name: str) -> tuple[Path, Path]:
    return PAIRS / name / "old.yaml", PAIRS / name / "new.yaml"


def test_text_is_a_plan_with_located_warnings_on_standard_error():
    result = run("diff", *_pair("ce-strategy-to-best-fit"))
    assert result.code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("batchgen diff: ") and lines[0].endswith("new.yaml")
    assert any(line.startswith("-/+ compute environment progressive (progressive-") for line in lines)
    assert "Plan: 0 to create, 2 to update in place, 0 new revision, 1 to replace, 0 to delete; 11 unchanged." in lines
    assert "note[BG-206]: compute environment 'progressive' is replaced: progressive-" in result.stdout
    (warning,) = result.stderr.splitlines()
    assert warning.startswith(f"{_pair('ce-strategy-to-best-fit')[1]}:") and "warning[CE-023]" in warning


def test_json_is_an_array_of_changes_with_fields_and_reasons():
    result = run("diff", *_pair("ce-max-vcpus-lowered"), "--format", "json")
    assert result.code == 0 and result.stderr == ""
    changes = json.loads(result.stdout)["changes"]
    assert {c["kind"] for c in changes} >= {"computeEnvironment", "jobQueue", "jobDefinition", "iamRole"}
    (ce,) = [c for c in changes if c["name"] == "progressive"]
    assert ce["action"] == "update"
    assert ce["awsName"]["old"] == ce["awsName"]["new"]
    assert ce["fields"] == [{"path": "computeResources.maxvCpus", "old": 64, "new": 16}]
    (reason,) = ce["reasons"]
    assert reason["code"] == "BG-203" and reason["severity"] == "warning"
    assert reason["file"].endswith("new.yaml") and reason["line"] > 0 and "64 to 16" in reason["message"]
    assert {c["action"] for c in changes if c["name"] != "progressive"} == {"unchanged"}


def test_markdown_is_a_pull_request_comment():
    result = run("diff", *_pair("queue-fair-share-removed"), "--format", "markdown")
    assert result.code == 0
    text = result.stdout
    assert text.startswith("### batchgen diff: ")
    assert "| | Resource | Action | Changed fields | Notes |" in text
    assert "| -/+ | job queue `fair` | **replace** | `schedulingPolicyArn` | JQ-014, JQ-019 |" in text
    assert "| - | scheduling policy `shares` | **delete** | — | SP-010 |" in text
    assert "<details open><summary>Why, and what it puts at risk</summary>" in text
    assert "|" not in text.split("<details")[1].replace("\\|", "")  # no table breaks in the notes


def test_an_unchanged_spec_says_so():
    result = run("diff", *_pair("reformatted"))
    assert result.code == 0
    assert "No changes: the deployed resources already match the spec." in result.stdout
    document = json.loads(run("diff", *_pair("reformatted"), "--format", "json").stdout)
    assert [c["action"] for c in document["changes"]] == ["unchanged"] * 14
    assert document["plan"]["unchanged"] == 14 and document["problems"] == []


def test_a_change_aws_refuses_exits_1_and_strict_turns_warnings_into_errors():
    refused = run("diff", *_pair("role-path-changed"))
    assert refused.code == 1 and "error[BG-205]" in refused.stderr
    warned = run("diff", *_pair("queue-removed"))
    assert warned.code == 0 and "warning[JQ-019]" in warned.stderr
    assert run("diff", *_pair("queue-removed"), "--strict").code == 1
    assert run("diff", *_pair("job-definition-image-bumped"), "--strict").code == 0  # notes are not warnings


def test_a_new_spec_with_errors_stops_the_diff(tmp_path):
    old, new = _pair("queue-priority-changed")
    broken = tmp_path / "new.yaml"
    broken.write_text(new.read_text().replace("priority: 20", "priority: twenty"))
    result = run("diff", old, broken)
    assert result.code == 1 and result.stdout == ""
    assert "error[BG-004]" in result.stderr


def test_usage_and_unreadable_files_exit_2(tmp_path):
    old, new = _pair("queue-priority-changed")
    usage = run("diff", new)  # OLD NEW, or NEW with --baseline-rev: argparse's own form, as any usage error
    assert usage.code == 2 and usage.stdout == ""
    assert usage.stderr.startswith("usage: batchgen diff") and "batchgen diff: diff takes OLD and NEW" in usage.stderr
    missing = run("diff", tmp_path / "nope.yaml", new)
    assert missing.code == 2 and "error[BG-008]" in missing.stderr
    # a machine format is one document on standard output, also when the diff can't be made
    for argv in ((new,), (tmp_path / "nope.yaml", new)):
        result = run("diff", *argv, "--format", "json")
        document = json.loads(result.stdout)
        assert result.code == 2 and result.stderr == "" and document["changes"] == []
        assert [p["code"] for p in document["problems"]] == (["BG-020"] if len(argv) == 1 else ["BG-008"])


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=cwd, check=True,
                   capture_output=True)


def test_baseline_rev_reads_old_from_git(tmp_path):
    old, new = _pair("job-definition-image-bumped")
    repo = tmp_path / "repo"
    (repo / "specs").mkdir(parents=True)
    spec = repo / "specs" / "batch.yaml"
    spec.write_text(old.read_text())
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "v1")
    spec.write_text(new.read_text())
    result = run("diff", "--baseline-rev", "HEAD", spec, "--format", "json")
    assert result.code == 0, result.stderr
    (change,) = [c for c in json.loads(result.stdout)["changes"] if c["action"] != "unchanged"]
    assert (change["name"], change["action"]) == ("work", "new-revision")
    text = run("diff", "--baseline-rev", "HEAD", spec).stdout
    assert text.splitlines()[0] == f"batchgen diff: HEAD:{spec} -> {spec}"
    unknown = run("diff", "--baseline-rev", "no-such-rev", spec)
    assert unknown.code == 2 and "error[BG-008]" in unknown.stderr and "no-such-rev" in unknown.stderr


MANAGED_INSTANCES = {
    "computeEnvironmentName": "mi", "type": "MANAGED",
    "computeResources": {"type": "ECS_MANAGED_INSTANCES", "maxvCpus": 16, "subnets": ["subnet-0a1b2c3d"],
                         "securityGroupIds": ["sg-0a1b2c3d"],
                         "managedInstancesProvider": {"infrastructureRoleArn": "arn:aws:iam::123456789012:role/i"}},
}


def test_a_type_change_to_or_from_managed_instances_is_a_replacement():
    """CE-060: no compilable spec can hold ECS_MANAGED_INSTANCES (hashicorp/aws 6.47 can't carry
    managedInstancesProvider: BG-011), so the rule is checked here on two resolved models."""
    ec2 = copy.deepcopy(MANAGED_INSTANCES)
    ec2["computeResources"] = {"type": "EC2", "allocationStrategy": "BEST_FIT_PROGRESSIVE", "minvCpus": 0,
                               "maxvCpus": 16, "instanceTypes": ["m5"], "subnets": ["subnet-0a1b2c3d"],
                               "securityGroupIds": ["sg-0a1b2c3d"]}
    for old, new in ((MANAGED_INSTANCES, ec2), (ec2, MANAGED_INSTANCES)):
        diff = diff_models(resolve({"batchgen": 1, "computeEnvironments": [old]}),
                           resolve({"batchgen": 1, "computeEnvironments": [new]}))
        (change,) = [c for c in diff.changes if c.kind.key == "computeEnvironment"]
        assert change.action == REPLACE
        codes = {r.code: r for r in change.reasons}
        assert codes["CE-060"].severity is Severity.WARNING  # replaced, so not refused
        assert "to or from ECS_MANAGED_INSTANCES" in codes["CE-060"].message
        assert "XR-017" not in codes  # the type change is CE-060's, said once


def test_old_is_read_without_positions_until_one_is_needed(tmp_path):
    """OLD is read as plain data (load_data); a removal's reason is still located in OLD, and an
    OLD written with anchors, or one the schema rejects, goes through the full loader."""
    old, new = _pair("queue-removed")
    (reason,) = [r for c in json.loads(run("diff", old, new, "--format", "json").stdout)["changes"] for r in c["reasons"]]
    assert reason["code"] == "JQ-019" and reason["file"] == str(old)
    assert old.read_text().splitlines()[reason["line"] - 1].strip() == "- jobQueueName: fargate"

    anchored = tmp_path / "old.yaml"
    anchored.write_text(old.read_text().replace("maxvCpus: 64", "maxvCpus: &most 64", 1))
    assert load_data(anchored.read_text()) is NOT_PLAIN
    assert run("diff", anchored, new, "--format", "json").stdout == \
        run("diff", old, new, "--format", "json").stdout.replace(str(old), str(anchored))

    rejected = tmp_path / "rejected.yaml"
    lines = old.read_text().splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("project:"))
    rejected.write_text("\n".join([*lines[:at], "x-extra: 1", *lines[at:]]) + "\n")
    result = run("diff", rejected, new)
    assert result.code == 1 and result.stderr == f"{rejected}:{at + 1}:1: error[BG-003]: unknown key 'x-extra' in the spec\n"


def test_two_environments_of_one_spec(tmp_path):
    """`--baseline-env dev --env prod`: how prod differs from dev, from the one spec."""
    spec = ROOT / "specs" / "nightly-processing.yaml"
    result = run("diff", spec, "--baseline-env", "dev", "--env", "prod", "--format", "json")
    assert result.code == 0
    document = json.loads(result.stdout)
    assert (document["oldEnv"], document["newEnv"]) == ("dev", "prod")
    changes = {(c["kind"], c["name"]): c for c in document["changes"]}
    ce = changes["computeEnvironment", "processing"]
    fields = {f["path"]: (f["old"], f["new"]) for f in ce["fields"]}
    # the overlays' own values (environments.dev / environments.prod in the spec)
    assert fields["computeResources.maxvCpus"] == (16, 80)
    assert fields["computeResources.type"] == ("FARGATE_SPOT", "FARGATE") and ce["action"] == "replace"
    image = {f["path"]: f for f in changes["jobDefinition", "process-day"]["fields"]}["containerProperties.image"]
    assert image["old"].endswith("processing:latest") and image["new"].endswith("processing:2026-11")
    # the move between accounts is what a reviewer must not miss
    assert "BG-209" in {r["code"] for c in document["changes"] for r in c["reasons"]}
    text = run("diff", spec, "--baseline-env", "dev", "--env", "prod")
    assert text.stdout.splitlines()[0] == f"batchgen diff: {spec} (env dev) -> {spec} (env prod)"
    same = run("diff", spec, "--baseline-env", "prod", "--env", "prod")
    assert same.code == 0 and "No changes" in same.stdout


def test_baseline_env_names_an_environment_old_has(tmp_path):
    spec = ROOT / "specs" / "nightly-processing.yaml"
    unknown = run("diff", spec, "--baseline-env", "qa", "--env", "prod")
    assert unknown.code == 1 and unknown.stdout == ""
    assert "error[BG-120]: --baseline-env qa: the spec has no environment 'qa' (it has dev, prod)" in unknown.stderr
    none = run("diff", ROOT / "specs" / "render.yaml", "--baseline-env", "dev")
    assert none.code == 1 and "error[BG-120]: --baseline-env dev was given, but the spec has no environments" \
        in none.stderr
