"""Validation: the schema first, then the rules, on the entries that passed it; the model
rules once the spec has resolved.

Knows the catalog and the rules; no YAML positions, no HCL. The rules are listed by topic
in compiler/validate/rules/__init__.py.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable

from ..model import Model
from ..problems import ROOT, Finding, Pointer
from . import schema
from .context import Context, Rule
from .rules import ALL_RULES, MODEL_RULES, SPEC_RULES

__all__ = ["ALL_RULES", "MODEL_RULES", "SPEC_RULES", "Context", "Rule", "measure", "validate"]


def rule_codes() -> set[str]:
    """Every catalog ID a rule (of the spec, or of the model) checks: what a spec may suppress."""
    return {cid for r in ALL_RULES for cid in r.ids}


def validate(data: Any, rules: tuple[Rule, ...] = SPEC_RULES,
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


def measure(model: Model, rules: Iterable[Rule] = MODEL_RULES) -> list[Finding]:
    """Every finding of the model rules: what batchgen writes, measured after resolution."""
    findings: list[Finding] = []
    for rule in rules:
        findings.extend(rule.run(model))
    return findings
