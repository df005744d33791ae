"""SARIF 2.1.0, so GitHub code scanning shows the problems inline in a pull request."""
from __future__ import annotations

import json
from urllib.parse import quote

from .. import __version__

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def render(problems, catalog) -> str:
    used = sorted({p.code for p in problems})
    index = {code: i for i, code in enumerate(used)}
    rules = []
    for code in used:
        c = catalog[code]
        rules.append({
            "id": code,
            "name": code.replace("-", ""),
            "shortDescription": {"text": c.rule},
            "fullDescription": {"text": f"{c.rule} Source: {c.source}"},
            "defaultConfiguration": {"level": _LEVEL[str(c.severity)]},
            "properties": {"source": c.source, "checkedFrom": c.chk},
        })
    results = []
    for p in problems:
        region = {"startLine": p.span.line, "startColumn": p.span.column}
        if p.span.end_line:
            region.update(endLine=p.span.end_line, endColumn=max(p.span.end_column, 1))
        results.append({
            "ruleId": p.code,
            "ruleIndex": index[p.code],
            "level": _LEVEL[str(p.severity)],
            "message": {"text": p.message},
            "locations": [{
                "physicalLocation": {
                    # a URI reference (SARIF 3.4.3): forward slashes, spaces and the like %-encoded
                    "artifactLocation": {"uri": quote(p.file.replace("\\", "/"), safe="/")},
                    "region": region,
                },
                "logicalLocations": [{"fullyQualifiedName": str(p.pointer) or "/", "kind": "member"}],
            }],
        })
    log = {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "batchgen",
                "version": __version__,
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }
    return json.dumps(log, indent=2) + "\n"
