"""GitHub Actions workflow commands: `::error file=...,line=...,col=...,title=CODE::message`."""
from __future__ import annotations


def _escape(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


_COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


def render(problems, catalog) -> str:
    return "".join(
        f"::{_COMMAND[str(p.severity)]} file={p.file},line={p.span.line},col={p.span.column},title={p.code}::{_escape(p.message)}\n"
        for p in problems
    )
