"""Diagnostic formats: each a pure `render(problems, catalog) -> str`. They never filter or reorder."""
from __future__ import annotations

from . import github, json, sarif, text

FORMATTERS = {
    "text": text.render,
    "json": json.render,
    "sarif": sarif.render,
    "github": github.render,
}
