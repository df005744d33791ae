"""Emitters: one per backend. Each takes the resolved Model and returns {relative path: text}.
They know no YAML and no positions, and never re-validate: a check belongs in a rule.
"""
from __future__ import annotations

from ..model import Model
from . import cli, terraform


def emit_all(model: Model, spec_name: str, adopt: bool = False) -> dict[str, str]:
    files: dict[str, str] = {}
    files.update({f"terraform/{k}": v for k, v in terraform.emit(model, spec_name, adopt).items()})
    files.update({f"cli/{k}": v for k, v in cli.emit(model, spec_name).items()})
    return dict(sorted(files.items()))
