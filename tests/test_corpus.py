"""The real-configuration corpus (issue 14): tests/corpus/*.yaml, written in the styles real
teams use (AWS docs, genomics stacks, CDK, terraform-aws-batch, CloudFormation samples,
Metaflow, ParallelCluster, ...), and tests/corpus/newuser/*.yaml, one tiny spec per finding
of a new user. Each spec's header says which style it follows and whether it holds a
deliberate mistake.

Beside each spec, <name>.expected holds the diagnostics it SHOULD get (text format, file name
only, like tests/rules/cases): no error on a configuration AWS accepts, the real mistakes
reported, one diagnostic per mistake. tests/corpus/FINDINGS.md gives the evidence for every
line that differs from what batchgen printed when the corpus was written. `pytest
--update-expected` rewrites the files from the current output, for review as a diff.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from .helpers import run

CORPUS = Path(__file__).parent / "corpus"
SPECS = sorted(CORPUS.glob("*.yaml")) + sorted((CORPUS / "newuser").glob("*.yaml"))


def _ids(files):
    return [p.relative_to(CORPUS).with_suffix("").as_posix() for p in files]


def _diagnostics(spec: Path) -> str:
    cwd = os.getcwd()
    os.chdir(spec.parent)
    try:
        result = run("validate", spec.name)
    finally:
        os.chdir(cwd)
    return result.stderr


@pytest.mark.parametrize("spec", SPECS, ids=_ids(SPECS))
def test_corpus_spec_gets_exactly_the_expected_diagnostics(spec: Path, request):
    text = _diagnostics(spec)
    expected_file = spec.with_suffix(".expected")
    if request.config.getoption("--update-expected"):
        expected_file.write_text(text)
    assert expected_file.exists(), f"missing {expected_file.name}; run pytest --update-expected"
    assert text == expected_file.read_text()


def test_corpus_is_big_enough_and_every_spec_says_its_style():
    real = sorted(CORPUS.glob("*.yaml"))
    assert len(real) >= 25, f"the corpus has {len(real)} specs; issue 14 asks for at least 25"
    for spec in SPECS:
        header = spec.read_text(encoding="utf-8").split("\nbatchgen:", 1)[0]
        assert header.startswith("#"), f"{spec.name} has no header comment"
        header = " ".join(line.lstrip("#").strip() for line in header.splitlines())
        if spec.parent == CORPUS:
            assert "Style:" in header, f"{spec.name}'s header doesn't say which style it follows"
            assert ("DELIBERATE MISTAKE" in header) != ("no deliberate mistake" in header), (
                f"{spec.name}'s header must say either 'no deliberate mistake' or 'DELIBERATE MISTAKE'")


def test_every_expected_file_has_its_spec():
    for expected in sorted(CORPUS.glob("*.expected")) + sorted((CORPUS / "newuser").glob("*.expected")):
        assert expected.with_suffix(".yaml").exists(), f"{expected.name} has no spec beside it"
