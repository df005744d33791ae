"""One folder per checked catalog ID under tests/rules/cases/<ID>/:

  bad*.yaml      breaks the rule; bad*.expected beside it holds the exact diagnostics
                 (text format, file name only), so code, line, column and wording are all
                 compared. `pytest --update-expected` rewrites them for review as a diff.
  good*.yaml     passes it: no diagnostic with that code, and no errors at all.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from ..helpers import run

CASES = Path(__file__).parent / "cases"


def _files(kind: str):
    return sorted(CASES.glob(f"*/{kind}*.yaml"))


def _ids(files):
    return [f"{p.parent.name}/{p.stem}" for p in files]


def _diagnostics(spec: Path) -> tuple[int, str]:
    cwd = os.getcwd()
    os.chdir(spec.parent)
    try:
        result = run("validate", spec.name)
    finally:
        os.chdir(cwd)
    return result.code, result.stderr


@pytest.mark.parametrize("spec", _files("bad"), ids=_ids(_files("bad")))
def test_bad_spec_gives_exactly_the_expected_diagnostics(spec: Path, request):
    code_id = spec.parent.name
    _, text = _diagnostics(spec)
    expected_file = spec.with_suffix(".expected")
    if request.config.getoption("--update-expected"):
        expected_file.write_text(text)
    assert f"[{code_id}]" in text, f"{spec.name} does not trigger {code_id}:\n{text}"
    assert expected_file.exists(), f"missing {expected_file.name}; run pytest --update-expected"
    assert text == expected_file.read_text()


@pytest.mark.parametrize("spec", _files("good"), ids=_ids(_files("good")))
def test_good_spec_passes_the_rule(spec: Path):
    code_id = spec.parent.name
    code, text = _diagnostics(spec)
    assert f"[{code_id}]" not in text, text
    assert code == 0, text


def test_every_case_folder_is_a_catalog_id_with_both_kinds():
    from compiler.catalog import load_catalog

    catalog = load_catalog()
    for folder in sorted(p for p in CASES.iterdir() if p.is_dir()):
        assert folder.name in catalog, f"{folder.name} is not a catalog ID"
        assert list(folder.glob("bad*.yaml")), f"{folder.name} has no bad*.yaml"
        assert list(folder.glob("good*.yaml")), f"{folder.name} has no good*.yaml"
