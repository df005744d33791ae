"""The problems as one JSON array, always (an empty one when there are none).

Each item: file, line, column, endLine, endColumn, severity, code, message, pointer,
source, `suppressed` (null, or `{"reason": ...}` where the spec suppresses it with
`x-batchgen.ignore`) and, for a spec with `environments`, `environments` (the ones it
applies to). A problem of the invocation (a bad argument, an OUT that can't be
written) has null file, line and column; a stale output file has a file and null line.
"""
from __future__ import annotations

import json


def render(problems, catalog) -> str:
    return json.dumps([item(p, catalog) for p in problems], indent=2) + "\n"


def item(p, catalog) -> dict:
    """One problem as a JSON object (also used by `batchgen cost --format json`)."""
    out = {
        "file": p.file,
        "line": p.span.line if p.span else None,
        "column": p.span.column if p.span else None,
        "endLine": (p.span.end_line or p.span.line) if p.span else None,
        "endColumn": (p.span.end_column or p.span.column) if p.span else None,
        "severity": str(p.severity),
        "code": p.code,
        "message": p.message,
        "pointer": str(p.pointer) if p.span else None,
        "source": catalog[p.code].source,
        "suppressed": None if p.suppressed is None else {"reason": p.suppressed},
    }
    if p.environments:  # a spec with environments: the ones the problem applies to
        out["environments"] = list(p.environments)
    return out
