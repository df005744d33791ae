"""One folder per checked catalog ID under tests/rules/cases/<ID>/:

  bad*.yaml      breaks the rule; bad*.expected beside it holds the exact diagnostics
                 (text format, file name only), so code, line, column and wording are all
                 compared. `pytest --update-expected` rewrites them for review as a diff.
  good*.yaml     passes it: no diagnostic with that code, and no errors at all.

A rule of two specs (the catalog's `upd` rows, checked by `batchgen diff`) has the spec
deployed before beside its cases: X.yaml is diffed against X.old.yaml if there is one, else
against old.yaml; its diagnostics (the diff's warnings and errors, on standard error) are
compared the same way. Files named old.yaml or *.old.yaml are not cases themselves.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from ..helpers import run

CASES = Path(__file__).parent / "cases"


def _files(kind: str):
    return sorted(p for p in CASES.glob(f"*/{kind}*.yaml") if not p.name.endswith(".old.yaml"))


def baseline(spec: Path) -> Path | None:
    """The spec deployed before `spec`, for a two-spec (diff) case."""
    for candidate in (spec.with_name(spec.stem + ".old.yaml"), spec.with_name("old.yaml")):
        if candidate.exists():
            return candidate
    return None


def _ids(files):
    return [f"{p.parent.name}/{p.stem}" for p in files]


def _diagnostics(spec: Path) -> tuple[int, str]:
    cwd = os.getcwd()
    os.chdir(spec.parent)
    old = baseline(spec)
    try:
        result = run("diff", old.name, spec.name) if old else run("validate", spec.name)
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
