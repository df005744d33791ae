"""Find the files batchgen ships beside its code: the JSON Schema and the Jinja2 templates.

In a source checkout they are the top-level `schemas/` and `templates/` folders; an
installed package carries them as `compiler/_schemas` and `compiler/_templates`
(see pyproject.toml's package-dir).
"""
from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent
SCHEMA_NAME = "batchgen.schema.json"


def _dir(checkout_name: str, installed_name: str, marker: str) -> Path:
    # A checkout is recognised by a file only batchgen has, not just by a folder name
    # (an installed package's parent is site-packages, where a "templates" folder may exist).
    checkout = _HERE.parent / checkout_name
    if (checkout / marker).exists():
        return checkout
    return _HERE / installed_name


def schemas_dir() -> Path:
    return _dir("schemas", "_schemas", SCHEMA_NAME)


def templates_dir() -> Path:
    return _dir("templates", "_templates", "cli/deploy.sh.j2")


def schema_text() -> str:
    return (schemas_dir() / SCHEMA_NAME).read_text(encoding="utf-8")
