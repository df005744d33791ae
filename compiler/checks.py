"""Who checks each catalog code: a rule, a diff rule (two specs), a JSON Schema keyword, or a stage of batchgen's own
(the YAML reader, the command line, the writer of OUT, environments, suppressions, import).

The one source docs/rules.md ("Checked by") and tools/coverage.py ("implemented") read.
Rules come from the registry (compiler/validate/rules), schema keywords from the schema's
`x-constraint` tags; the codes a stage reports are listed in STAGES below, and
tests/test_docs.py holds each list against the codes the stage's source names.
"""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass

from .resources import schema_text


@dataclass(frozen=True)
class Stage:
    """A part of batchgen that reports catalog codes itself, not through a rule."""

    what: str  # how docs/rules.md names it
    modules: tuple[str, ...]  # compiler.<module> files whose source reports the codes
    codes: frozenset[str]


STAGES: tuple[Stage, ...] = (
    Stage("the YAML reader", ("load",),
          frozenset({"BG-001", "BG-002", "BG-012", "BG-014", "BG-015", "BG-016"})),
    Stage("the schema check", ("validate.schema",),
          frozenset({"BG-003", "BG-004", "BG-005", "BG-006", "BG-009", "BG-010", "BG-014"})),
    Stage("the rule runner (a rule that crashed)", ("validate.context",), frozenset({"BG-013"})),
    Stage("reading the spec", ("pipeline",), frozenset({"BG-004", "BG-008", "BG-120", "BG-159"})),
    Stage("the command line", ("cli",), frozenset({"BG-020", "BG-021", "BG-022", "BG-023"})),
    Stage("environments", ("environments",), frozenset({"BG-120", "BG-121"})),
    Stage("suppressions", ("validate.suppressions",), frozenset({"BG-025"})),
    Stage("batchgen import", ("importers.aws", "importers.terraform", "importers.cloudformation",
                              "importers.cli_json", "importers.entries"),
          frozenset({"BG-150", "BG-151", "BG-152", "BG-153", "BG-154", "BG-155", "BG-156"})),
)


@functools.lru_cache(maxsize=1)
def schema_keywords() -> dict[str, tuple[str, ...]]:
    """catalog ID -> the JSON Schema keywords tagged with it (`x-constraint`), sorted."""
    found: dict[str, set[str]] = {}
    stack: list = [json.loads(schema_text())]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            tags = node.get("x-constraint")
            if isinstance(tags, dict):
                for keyword, cid in tags.items():
                    if isinstance(cid, str):
                        found.setdefault(cid, set()).add(keyword)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return {cid: tuple(sorted(k)) for cid, k in found.items()}


@functools.lru_cache(maxsize=1)
def checked_by() -> dict[str, tuple[str, ...]]:
    """catalog ID -> how batchgen checks it, in words: `rule` (rules/topic.py), `schema:
    maxItems`, or a stage ("the YAML reader"). An ID missing here is checked by nothing."""
    from .diff.reasons import ALL_DIFF_RULES
    from .validate.rules import ALL_RULES

    out: dict[str, list[str]] = {}
    for r in ALL_RULES:
        topic = r.check.__module__.rsplit(".", 1)[-1]
        for cid in r.ids:
            out.setdefault(cid, []).append(f"rule `{r.name}` (rules/{topic}.py)")
    for d in ALL_DIFF_RULES:  # two specs: batchgen diff, compile --baseline
        for cid in d.ids:
            out.setdefault(cid, []).append(f"diff rule `{d.name}` (diff/reasons.py)")
    for cid, keywords in schema_keywords().items():
        out.setdefault(cid, []).append(f"schema: {', '.join(keywords)}")
    for stage in STAGES:
        for cid in sorted(stage.codes):
            out.setdefault(cid, []).append(stage.what)
    return {cid: tuple(v) for cid, v in out.items()}
