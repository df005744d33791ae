"""One realistic change to each example in specs/ (tests/day_two/examples.yaml: an instance
type added, an image bumped, a share added, a maximum lowered, a queue removed, a fair-share
policy added): `batchgen diff` says what it does to the running setup, in every format, and
`compile --baseline` writes the update path. With real Terraform and the emulator:
tests/downstream/test_terraform_day_two.py, test_emulator_day_two.py."""
from __future__ import annotations

import json

import pytest

from .helpers import example_changes, run, tree

EXAMPLES = example_changes()


@pytest.fixture(params=sorted(EXAMPLES))
def example(request, tmp_path):
    ex = EXAMPLES[request.param]
    new = tmp_path / f"{ex.name}.yaml"
    new.write_text(ex.new_text, encoding="utf-8")
    return ex, new


def test_every_example_has_a_change():
    from .helpers import SPECS
    assert sorted(EXAMPLES) == sorted(p.stem for p in SPECS)


def test_the_diff_is_what_the_reviewer_needs(example):
    ex, new = example
    result = run("diff", ex.old, new, "--format", "json", *ex.env_args)
    changes = json.loads(result.stdout)["changes"]
    report = {"exit": result.code,
              "changes": [{"kind": c["kind"], "name": c["name"], "action": c["action"],
                           "codes": [r["code"] for r in c["reasons"]]}
                          for c in changes if c["action"] != "unchanged" or c["reasons"]]}
    assert report == ex.expect
    for c in changes:
        for r in c["reasons"]:  # located: in NEW, or in OLD for what NEW no longer holds
            assert r["file"] == str(new if c["action"] != "delete" else ex.old) and r["line"] > 0
    markdown = run("diff", ex.old, new, "--format", "markdown", *ex.env_args).stdout
    assert markdown.startswith("### batchgen diff: ")
    for c in report["changes"]:
        assert f"`{c['name']}`" in markdown
        for code in c["codes"]:
            assert code in markdown


def test_the_change_compiles_with_its_update_path(example, tmp_path):
    ex, new = example
    out = tmp_path / "out"
    result = run("compile", new, "-o", out, "--baseline", ex.old, *ex.env_args)
    assert result.code == 0, result.stderr
    files = tree(out)
    script = files["cli/update.sh"].decode()
    assert "check_deployed" in script and script.rstrip().endswith('echo "update.sh: done"')
