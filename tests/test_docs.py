"""docs/rules.md is generated (`batchgen rules -o docs/rules.md`); it must match the catalog and the rules."""
from __future__ import annotations

from pathlib import Path

from compiler.docs import rules_markdown

from .helpers import run

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
