"""SARIF 2.1.0, so GitHub code scanning shows the problems inline in a pull request."""
from __future__ import annotations

import json
import os
from urllib.parse import quote

from .. import __version__

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
# The rules page (docs/rules.md), whose anchors are the codes in lower case: pyproject.toml's
# [project.urls] Rules, or BATCHGEN_RULES_URL where a team publishes its own copy.
RULES_URL_ENV = "BATCHGEN_RULES_URL"


def rules_url() -> str:
    override = os.environ.get(RULES_URL_ENV)
    if override:
        return override
    from importlib.metadata import PackageNotFoundError, metadata

    try:
        urls = metadata("batchgen").get_all("Project-URL") or []
    except PackageNotFoundError:  # a source tree nobody installed: no page to point at
        return ""
    return next((u.split(",", 1)[1].strip() for u in urls if u.split(",", 1)[0].strip() == "Rules"), "")


_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def render(problems, catalog) -> str:
    used = sorted({p.code for p in problems if p.file is not None})
    index = {code: i for i, code in enumerate(used)}
    rules = []
    page = rules_url()
    for code in used:
        c = catalog[code]
        rules.append({
            "id": code,
            "name": code.replace("-", ""),
            "shortDescription": {"text": c.rule},
            "fullDescription": {"text": f"{c.rule} Source: {c.source}"},
            "defaultConfiguration": {"level": _LEVEL[str(c.severity)]},
            "properties": {"source": c.source, "checkedFrom": c.chk},
            **({"helpUri": f"{page}#{code.lower()}"} if page else {}),
        })
    results = []
    notifications = []
    for p in problems:
        if p.file is None:  # a problem of the invocation, not of a file: SARIF 3.20.21
            notifications.append({"level": "error", "message": {"text": p.message},
                                  "descriptor": {"id": p.code}})
            continue
        location: dict = {
            # a URI reference (SARIF 3.4.3): forward slashes, spaces and the like %-encoded
            "artifactLocation": {"uri": quote(p.file.replace("\\", "/"), safe="/")},
        }
        if p.span is not None:
            region = {"startLine": p.span.line, "startColumn": p.span.column}
            if p.span.end_line:
                region.update(endLine=p.span.end_line, endColumn=max(p.span.end_column, 1))
            location["region"] = region
        result = {
            "ruleId": p.code,
            "ruleIndex": index[p.code],
            "level": _LEVEL[str(p.severity)],
            "message": {"text": p.message + p.where_applies()},
            "locations": [{"physicalLocation": location}],
        }
        if p.span is not None:
            result["locations"][0]["logicalLocations"] = [{"fullyQualifiedName": str(p.pointer) or "/",
                                                           "kind": "member"}]
        if p.suppressed is not None:  # shown as suppressed in code scanning, not as an alert
            result["suppressions"] = [{"kind": "inSource", "justification": p.suppressed}]
        results.append(result)
    log = {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "batchgen",
                "version": __version__,
                "rules": rules,
            }},
            "invocations": [{"executionSuccessful": not notifications,
                             "toolExecutionNotifications": notifications}],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }
    return json.dumps(log, indent=2) + "\n"
