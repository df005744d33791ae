"""The problems as a JSON array (file, line, column, severity, code, message, pointer, source,
and `environments` where the spec has them)."""
from __future__ import annotations

import json


def render(problems, catalog) -> str:
    return json.dumps([_one(p, catalog) for p in problems], indent=2) + "\n"


def _one(p, catalog) -> dict:
    out = {
        "file": p.file,
        "line": p.span.line,
        "column": p.span.column,
        "endLine": p.span.end_line or p.span.line,
        "endColumn": p.span.end_column or p.span.column,
        "severity": str(p.severity),
        "code": p.code,
        "message": p.message,
        "pointer": str(p.pointer),
        "source": catalog[p.code].source,
    }
    if p.environments:  # a spec with environments: the ones the problem applies to
        out["environments"] = list(p.environments)
    return out
