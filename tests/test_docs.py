"""docs/rules.md is generated (`batchgen rules -o docs/rules.md`); it must match the catalog and the rules."""
from __future__ import annotations

from pathlib import Path

from compiler.docs import rules_markdown

from .helpers import ROOT, run

RULES_MD = Path(__file__).resolve().parent.parent / "docs" / "rules.md"


def test_rules_page_is_fresh():
    assert RULES_MD.exists(), "docs/rules.md is missing; run: batchgen rules -o docs/rules.md"
    assert RULES_MD.read_text(encoding="utf-8") == rules_markdown(), \
        "docs/rules.md is stale; run: batchgen rules -o docs/rules.md"


def test_rules_command_writes_the_page(tmp_path):
    out = tmp_path / "rules.md"
    result = run("rules", "-o", str(out))
    assert result.code == 0
    assert out.read_text(encoding="utf-8") == rules_markdown()
    assert "| <a id=\"xr-003\"></a>XR-003 |" in out.read_text(encoding="utf-8")


# -- what checks each code (compiler/checks.py) -------------------------------------------

# Codes a module's source names without reporting them: the pipeline skips problems the
# loader reported (LOADER_CODES), the command line tells an unreadable spec (exit 2) by its code.
MENTIONS = {"pipeline": {"BG-012", "BG-016"}, "cli": {"BG-008"}}


def test_each_stage_reports_exactly_the_codes_it_is_listed_with():
    import re

    from compiler.checks import STAGES

    for stage in STAGES:
        named: set[str] = set()
        for module in stage.modules:
            source = (ROOT / "compiler" / (module.replace(".", "/") + ".py")).read_text(encoding="utf-8")
            named |= set(re.findall(r'"([A-Z]{2,4}-\d{3})"', source))
        assert stage.codes <= named, f"{stage.what}: listed but not in its source: {sorted(stage.codes - named)}"
        extra = named - stage.codes - set().union(*(MENTIONS.get(m, set()) for m in stage.modules))
        assert not extra, f"{stage.what}: reports {sorted(extra)}, which compiler/checks.py doesn't list"


def test_every_code_of_batchgens_own_is_checked_by_something():
    from compiler.catalog import load_catalog
    from compiler.checks import checked_by

    unchecked = [cid for cid in load_catalog() if cid.startswith("BG-") and cid not in checked_by()]
    assert not unchecked


def test_the_rules_page_names_what_checks_a_code():
    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    row = {line.split("</a>")[1].split(" |")[0]: line for line in text.splitlines() if "</a>" in line}
    assert "the YAML reader" in row["BG-001"] and "schema" not in row["BG-001"].split("|")[4]
    assert "rule `" in row["JQ-006"] and "(rules/queues.py)" in row["JQ-006"]
    assert "schema: maxItems, minItems" in row["JQ-004"]
    assert "the command line" in row["BG-020"]
