"""Validation: the schema first, then the rules, on the entries that passed it.

Knows the catalog and the rules; no YAML positions, no HCL. Rules are listed
explicitly (no discovery by reflection): each module below exports `RULES`.
"""
from __future__ import annotations

from typing import Any, Callable

from ..problems import ROOT, Finding, Pointer
from . import schema
from .context import Context, Rule
from . import ac, ce, ev, iam, jd, jdv, jq, output, refs, sj, upd, xr

ALL_RULES: tuple[Rule, ...] = (
    *refs.RULES,
    *output.RULES,
    *ce.RULES,
    *jq.RULES,
    *jd.RULES,
    *jdv.RULES,
    *sj.RULES,
    *xr.RULES,
    *ac.RULES,
    *iam.RULES,
    *ev.RULES,
    *upd.RULES,
)


def validate(data: Any, rules: tuple[Rule, ...] = ALL_RULES,
             written: Callable[[Pointer], str | None] | None = None) -> list[Finding]:
    """Every finding for `data`: schema findings, then every rule's. `written(pointer)` is
    how a plain scalar read as a number, boolean or null was written (for "quote it" hints)."""
    quotas = data.get("quotas") if isinstance(data, dict) and isinstance(data.get("quotas"), dict) else {}
    quotas = {k: v for k, v in quotas.items() if isinstance(v, int) and not isinstance(v, bool)}
    findings, broken = schema.check(data, quotas, written)
    if not isinstance(data, dict) or ROOT in broken:  # not a mapping, or too broken to check further
        return findings
    ctx = Context(data, broken, quotas)
    for rule in rules:
        findings.extend(rule.run(ctx))
    return findings
