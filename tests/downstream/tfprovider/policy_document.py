"""Render the ``json`` of an ``aws_iam_policy_document`` data source.

Follows the shape hashicorp/aws produces: ``Version`` (default 2012-10-17),
optional ``Id``, and a ``Statement`` list whose keys come in the order Sid,
Effect, Action, NotAction, Resource, NotResource, Principal, NotPrincipal,
Condition. A one-element list becomes a plain string; longer lists are sorted
in reverse, as the provider does. ``source_policy_documents`` come first,
then the data source's own statements, then ``override_policy_documents``;
a statement whose Sid is already present replaces the earlier one. The
provider's Go-side checks (valid effects, duplicate Sids, ...) are not made.
"""

from __future__ import annotations

import json
from typing import Any


def render(config: dict) -> tuple[str, str]:
    """Return ``(json, minified_json)`` for a wholly known data source config."""
    statements: list[dict] = []
    for source in _documents(config, "source_json", "source_policy_documents"):
        _merge(statements, source.get("Statement", []))
    _merge(statements, [_statement(s) for s in config.get("statement") or []])
    for override in _documents(config, "override_json", "override_policy_documents"):
        _merge(statements, override.get("Statement", []))

    doc: dict[str, Any] = {"Version": config.get("version") or "2012-10-17"}
    if config.get("policy_id"):
        doc["Id"] = config["policy_id"]
    doc["Statement"] = statements
    return json.dumps(doc, indent=2), json.dumps(doc, separators=(",", ":"))


def _documents(config: dict, single: str, many: str) -> list[dict]:
    texts = ([config[single]] if config.get(single) else []) + list(config.get(many) or [])
    docs = []
    for text in texts:
        doc = json.loads(text)
        if isinstance(doc.get("Statement"), dict):
            doc["Statement"] = [doc["Statement"]]
        docs.append(doc)
    return docs


def _merge(statements: list[dict], new: list[dict]) -> None:
    for statement in new:
        sid = statement.get("Sid")
        for i, existing in enumerate(statements):
            if sid and existing.get("Sid") == sid:
                statements[i] = statement
                break
        else:
            statements.append(statement)


def _strings(values: list[str] | None) -> Any:
    values = list(values or [])
    return values[0] if len(values) == 1 else sorted(values, reverse=True)


def _principals(blocks: list[dict] | None) -> Any:
    if not blocks:
        return None
    if len(blocks) == 1 and blocks[0]["type"] == "*" and list(blocks[0]["identifiers"]) == ["*"]:
        return "*"
    merged: dict[str, list[str]] = {}
    for block in blocks:
        merged.setdefault(block["type"], []).extend(block["identifiers"])
    return {kind: _strings(ids) for kind, ids in merged.items()}


def _statement(block: dict) -> dict:
    out: dict[str, Any] = {}
    if block.get("sid"):
        out["Sid"] = block["sid"]
    out["Effect"] = block.get("effect") or "Allow"
    for key, attr in (("Action", "actions"), ("NotAction", "not_actions"),
                      ("Resource", "resources"), ("NotResource", "not_resources")):
        if block.get(attr):
            out[key] = _strings(block[attr])
    for key, attr in (("Principal", "principals"), ("NotPrincipal", "not_principals")):
        principals = _principals(block.get(attr))
        if principals is not None:
            out[key] = principals
    if block.get("condition"):
        conditions: dict[str, dict[str, Any]] = {}
        for cond in block["condition"]:
            conditions.setdefault(cond["test"], {})[cond["variable"]] = _strings(cond["values"])
        out["Condition"] = conditions
    return out
