"""The constraint catalog (docs/aws-batch-constraints.md) against what batchgen checks.

Every `spec`/`cross` constraint is implemented (a rule in compiler.validate.ALL_RULES or an
`x-constraint` tag in the schema) or listed with a reason in compiler/data/not_implemented.yaml;
every E constraint checkable from the spec is implemented (a listed one must say
`checkable: false`, or be `covered_by` implemented IDs); IDs are the catalog's and unique;
every implemented E constraint has a rule case folder. The logic is tools/coverage.py, which
also prints the counts.
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("batchgen_coverage", ROOT / "tools" / "coverage.py")
coverage = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = coverage  # dataclasses look their module up there
_spec.loader.exec_module(coverage)


@pytest.fixture(scope="module")
def cov():
    return coverage.collect()


def _of(cov, kind: str) -> list[str]:
    return [text for k, text in cov.problems if k == kind]


def test_the_catalog_copy_is_the_design_catalog():
    shared = ROOT.parent / "shared" / "design" / "aws-batch-constraints.md"
    if not shared.exists():
        pytest.skip("no shared/design beside the checkout")
    assert coverage.CATALOG_DOC.read_bytes() == shared.read_bytes(), \
        "docs/aws-batch-constraints.md differs from shared/design/aws-batch-constraints.md; copy it again"


def test_the_catalog_parses_into_rows_with_chk_and_severity(cov):
    ids = {r.id for r in cov.rows}
    assert len(cov.rows) > 250 and {"NT-001", "SJP-004", "AC-018", "XR-023"} <= ids
    xr = next(r for r in cov.rows if r.id == "XR-003")
    assert xr.checkable and xr.error  # section 10 has no Chk column: cross
    ac = next(r for r in cov.rows if r.id == "AC-008")
    assert not ac.checkable


def test_ids_are_catalog_ids_and_not_repeated(cov):
    assert not _of(cov, "ids"), "\n".join(_of(cov, "ids"))


def test_every_spec_or_cross_constraint_is_implemented_or_listed_with_a_reason(cov):
    assert not _of(cov, "listing"), "\n".join(_of(cov, "listing"))


def test_every_error_constraint_checkable_from_the_spec_is_implemented(cov):
    assert not _of(cov, "errors"), "\n".join(_of(cov, "errors"))


def test_every_implemented_error_constraint_has_a_rule_case(cov):
    assert not _of(cov, "cases"), "\n".join(_of(cov, "cases"))


def test_the_coverage_tool_prints_counts(capsys):
    code = coverage.main([])
    out = capsys.readouterr().out
    assert out.startswith("catalog rows: ") and "implemented by a rule:" in out
    assert code in (0, 1)
