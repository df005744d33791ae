"""GitHub Actions workflow commands: `::error file=...,line=...,col=...,title=CODE::message`.
Problems the spec suppresses are not annotated."""
from __future__ import annotations


def _escape(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(s: str) -> str:
    return _escape(s).replace(":", "%3A").replace(",", "%2C")


def _where(p) -> str:
    if p.file is None:
        return ""
    if p.span is None:
        return f"file={_property(p.file)},"
    return f"file={_property(p.file)},line={p.span.line},col={p.span.column},"


# GitHub's workflow commands: error, warning, notice (a diff's info: what a change does)
_COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


def render(problems, catalog) -> str:
    return "".join(
        f"::{_COMMAND[str(p.severity)]} {_where(p)}title={p.code}::{_escape(p.message + p.where_applies())}\n"
        for p in problems if p.suppressed is None
    )
