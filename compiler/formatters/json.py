"""The problems as a JSON array (file, line, column, severity, code, message, pointer, source)."""
from __future__ import annotations

import json


def render(problems, catalog) -> str:
    return json.dumps([
        {
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
        for p in problems
    ], indent=2) + "\n"
