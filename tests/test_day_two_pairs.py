"""Pairs of specs, one kind of change each (tests/day_two/pairs/<case>/old.yaml and new.yaml):
`batchgen diff` classifies every resource (create, update, new-revision, replace, delete)
and gives the reasons, with the codes in expected.yaml (reviewed; `pytest --update-expected`
rewrites them for review as a diff). The exit status says whether AWS would refuse a change.
How the reasons read, and where they point, is tests/rules/cases/<ID>/ (old.yaml + bad*)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from .helpers import run

PAIRS = sorted(p for p in (Path(__file__).parent / "day_two" / "pairs").iterdir() if p.is_dir())


def _report(pair: Path) -> dict:
    result = run("diff", pair / "old.yaml", pair / "new.yaml", "--format", "json")
    changes = json.loads(result.stdout)["changes"] if result.stdout else []
    return {
        "exit": result.code,
        "changes": [{"kind": c["kind"], "name": c["name"], "action": c["action"],
                     "codes": [r["code"] for r in c["reasons"]]}
                    for c in changes if c["action"] != "unchanged" or c["reasons"]],
    }


@pytest.mark.parametrize("pair", PAIRS, ids=[p.name for p in PAIRS])
def test_diff_classifies_the_change(pair: Path, request):
    report = _report(pair)
    expected_file = pair / "expected.yaml"
    if request.config.getoption("--update-expected"):
        lines = ["# batchgen diff old.yaml new.yaml: every resource that changes, its action and its reasons' codes",
                 f"exit: {report['exit']}", "changes:" if report["changes"] else "changes: []"]
        for c in report["changes"]:
            lines.append(f"  - {{kind: {c['kind']}, name: {c['name']}, action: {c['action']}, "
                         f"codes: [{', '.join(c['codes'])}]}}")
        expected_file.write_text("\n".join(lines) + "\n")
    expected = yaml.safe_load(expected_file.read_text())
    assert report == expected


def test_every_action_and_upd_code_is_exercised_by_some_pair():
    seen_actions, seen_codes = set(), set()
    for pair in PAIRS:
        for c in yaml.safe_load((pair / "expected.yaml").read_text())["changes"]:
            seen_actions.add(c["action"])
            seen_codes.update(c["codes"])
    assert seen_actions >= {"create", "update", "new-revision", "replace", "delete"}
    from compiler.diff.reasons import DIFF_RULE_IDS
    # CE-060 (to or from ECS_MANAGED_INSTANCES) can't be written: no compilable spec holds that type (BG-011)
    assert set(DIFF_RULE_IDS) - {"CE-060", "BG-013"} <= seen_codes, set(DIFF_RULE_IDS) - seen_codes


def test_an_unchanged_spec_diffs_to_nothing():
    pair = next(p for p in PAIRS if p.name == "reformatted")
    assert _report(pair) == {"exit": 0, "changes": []}
