"""Emitters: one per backend. Each takes the resolved Model and returns {relative path: text}.
They know no YAML and no positions, and never re-validate: a check belongs in a rule.
"""
from __future__ import annotations

from ..resolve import Model
from . import cli_json, terraform


def emit_all(model: Model, spec_name: str, adopt: bool = False) -> dict[str, str]:
    files: dict[str, str] = {}
    files.update({f"terraform/{k}": v for k, v in terraform.emit(model, spec_name).items()})
    if adopt:  # compile --adopt: import blocks for what runs already (emit/adopt.py)
        from . import adopt as adopt_blocks

        files.update({f"terraform/{k}": v for k, v in adopt_blocks.emit(model, spec_name).items()})
    files.update({f"cli/{k}": v for k, v in cli_json.emit(model, spec_name).items()})
    return dict(sorted(files.items()))
