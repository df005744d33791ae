"""The diff as people and CI read it: `text` (a plan, like `terraform plan`'s summary),
`json` (one object: the array of changes, and the diagnostics) and `markdown` (a
pull-request comment). Pure functions of a
DiffResult; they never filter or reorder (__init__.py orders the changes)."""
from __future__ import annotations

import json
from typing import Any

from ..formatters.text import _one_line
from ..problems import Problem, Severity
from ..changes import ACTIONS, CREATE, DELETE, MISSING, NEW_REVISION, REPLACE, UNCHANGED, UPDATE, Change
from .run import DiffResult

SYMBOL = {CREATE: "+", UPDATE: "~", NEW_REVISION: "*", REPLACE: "-/+", DELETE: "-", UNCHANGED: " "}
WORDS = {CREATE: "create", UPDATE: "update in place", NEW_REVISION: "new revision", REPLACE: "replace",
         DELETE: "delete", UNCHANGED: "unchanged"}
PLAN_WORDS = ((CREATE, "to create"), (UPDATE, "to update in place"), (NEW_REVISION, "new revision"),
              (REPLACE, "to replace"), (DELETE, "to delete"))
VALUE_WIDTH = 100


def _value(v: Any) -> str:
    if v is MISSING:
        return "(none)"
    text = v if isinstance(v, str) else json.dumps(v, ensure_ascii=False, separators=(", ", ": "))
    text = _one_line(text)
    return text if len(text) <= VALUE_WIDTH else text[:VALUE_WIDTH - 3] + "..."


def _name(c: Change) -> str:
    """How a change is named: its kind and name (the setup's settings have no name)."""
    return c.kind.noun if c.kind.key == "settings" else f"{c.kind.noun} {c.name}"


def _title(c: Change) -> str:
    title = _name(c)
    if c.action == REPLACE and c.old_aws_name and c.new_aws_name:
        title += f" ({c.old_aws_name} -> {c.new_aws_name})"
    elif c.kind.key == "computeEnvironment" and c.action in (CREATE, DELETE):
        title += f" ({c.new_aws_name or c.old_aws_name})"
    return title


def _located(result: DiffResult) -> dict[int, list[Problem]]:
    """The located reasons of each change, by the change's position."""
    out: dict[int, list[Problem]] = {}
    it = iter(result.reasons)
    for i, c in enumerate(result.diff.changes):
        out[i] = [next(it) for _ in c.reasons]
    return out


def plan_line(counts: dict[str, int]) -> str:
    parts = [f"{counts[a]} {w}" for a, w in PLAN_WORDS]
    return "Plan: " + ", ".join(parts) + f"; {counts[UNCHANGED]} unchanged."


def _tally(problems: list[Problem]) -> str:
    errors = sum(p.severity is Severity.ERROR for p in problems)
    warnings = sum(p.severity is Severity.WARNING for p in problems)
    return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"


def text(result: DiffResult) -> str:
    lines = [_one_line(f"batchgen diff: {result.old_label} -> {result.new_label}"), ""]
    located = _located(result)
    for i, c in enumerate(result.diff.changes):
        if c.action == UNCHANGED and not c.reasons:
            continue
        lines.append(_one_line(f"{SYMBOL[c.action]:>3} {_title(c)}: {WORDS[c.action]}"))
        if c.action not in (CREATE, DELETE):
            for f in c.fields:
                lines.append(_one_line(f"      {f.dotted}: {_value(f.old)} -> {_value(f.new)}"))
        for p in located[i]:
            if p.severity is Severity.INFO:
                lines.append(_one_line(f"      note[{p.code}]: {p.message}"))
            else:
                lines.append(_one_line(f"      {p.severity}[{p.code}] at {p.file}:{p.span.line}:{p.span.column}"))
    if len(lines) == 2:
        lines.append("No changes: the deployed resources already match the spec.")
    elif not any(c.action != UNCHANGED for c in result.diff.changes):
        lines.append("No changes to apply.")
    lines += ["", plan_line(result.diff.counts())]
    dangers = [p for p in result.reasons if p.severity is not Severity.INFO]
    if dangers:
        lines.append(f"{_tally(dangers)} (on standard error)")
    return "\n".join(lines) + "\n"


def _json_value(v: Any) -> Any:
    return None if v is MISSING else v


def document(result: DiffResult) -> dict[str, Any]:
    """`--format json`: one object, `changes` the array of every resource's change (kind,
    name, action, awsName for compute environments, fields, reasons with their place); the
    caller adds `problems` (what stopped the diff, or its warnings and errors again as
    diagnostics, in the form of `batchgen validate --format json`)."""
    located = _located(result)
    changes = []
    for i, c in enumerate(result.diff.changes):
        item: dict[str, Any] = {"kind": c.kind.key, "name": c.name, "action": c.action}
        if c.kind.key == "computeEnvironment":
            item["awsName"] = {"old": c.old_aws_name, "new": c.new_aws_name}
        item["fields"] = [{"path": f.dotted, "old": _json_value(f.old), "new": _json_value(f.new)} for f in c.fields]
        item["reasons"] = [{"code": p.code, "severity": str(p.severity), "message": p.message, "file": p.file,
                            "line": p.span.line, "column": p.span.column} for p in located[i]]
        changes.append(item)
    return {"old": result.old_file, "new": result.new_file, "oldEnv": result.old_env, "newEnv": result.new_env,
            "plan": result.diff.counts(), "changes": changes}


def as_json(result: DiffResult) -> str:
    return json.dumps({**document(result), "problems": []}, indent=2, ensure_ascii=False) + "\n"


def _md(text: str) -> str:
    """Text for a Markdown table cell or list item: one line, no table breaks, no HTML."""
    return _one_line(text).replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def _md_code(text: str) -> str:
    text = _one_line(text).replace("|", "\\|")
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def markdown(result: DiffResult) -> str:
    diff = result.diff
    counts = diff.counts()
    dangers = [p for p in result.reasons if p.severity is not Severity.INFO]
    errors = [p for p in dangers if p.severity is Severity.ERROR]
    lines = [f"### batchgen diff: {_md_code(result.old_label)} → {_md_code(result.new_label)}", ""]
    lines.append("**" + plan_line(counts)[:-1] + "**" + (f" · {_md(_tally(dangers))}" if dangers else ""))
    if errors:
        lines += ["", f"**AWS refuses {len(errors)} of these changes: this spec can't be applied as it is.**"]
    changed = [(i, c) for i, c in enumerate(diff.changes) if c.action != UNCHANGED or c.reasons]
    if not changed:
        lines += ["", "No changes: the deployed resources already match the spec."]
        return "\n".join(lines) + "\n"
    located = _located(result)
    lines += ["", "| | Resource | Action | Changed fields | Notes |", "|---|---|---|---|---|"]
    for i, c in changed:
        action = f"**{WORDS[c.action]}**" if c.action in (REPLACE, DELETE) else WORDS[c.action]
        if c.action == REPLACE and c.old_aws_name:
            action += f" ({_md_code(c.old_aws_name)} → {_md_code(c.new_aws_name or '')})"
        shown = [] if c.action in (CREATE, DELETE) else [f.dotted for f in c.fields]
        fields = ", ".join(_md_code(f) for f in dict.fromkeys(shown)) or "—"
        notes = ", ".join(f"{'**' if p.severity is Severity.ERROR else ''}{p.code}"
                          f"{'**' if p.severity is Severity.ERROR else ''}" for p in located[i]) or "—"
        what = _md(c.kind.noun) if c.kind.key == "settings" else f"{_md(c.kind.noun)} {_md_code(c.name)}"
        lines.append(f"| {SYMBOL[c.action]} | {what} | {action} | {fields} | {notes} |")
    if result.reasons:
        lines += ["", "<details open><summary>Why, and what it puts at risk</summary>", ""]
        for i, c in changed:
            for p in located[i]:
                where = f"{p.file}:{p.span.line}:{p.span.column}"
                lines.append(f"- **{p.severity}** {p.code} ({_md_code(where)}): {_md(p.message)}")
        lines += ["", "</details>"]
    details = [(i, c) for i, c in changed if c.fields and c.action not in (CREATE, DELETE)]
    if details:
        lines += ["", "<details><summary>Field changes</summary>", ""]
        for i, c in details:
            lines.append(f"- {_md(c.kind.noun)}" + ("" if c.kind.key == "settings" else f" {_md_code(c.name)}"))
            for f in c.fields:
                lines.append(f"  - {_md_code(f.dotted)}: {_md_code(_value(f.old))} → {_md_code(_value(f.new))}")
        lines += ["", "</details>"]
    return "\n".join(lines) + "\n"


RENDERERS = {"text": text, "json": as_json, "markdown": markdown}
__all__ = ["ACTIONS", "RENDERERS", "as_json", "document", "markdown", "text"]
