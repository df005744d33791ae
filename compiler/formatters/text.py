"""`file:line:col: severity[CODE]: message (source: ...)`, one problem per line."""
from __future__ import annotations


def render(problems, catalog) -> str:
    lines = []
    for p in problems:
        source = "" if p.code.startswith("BG-") else f" [{catalog[p.code].source}]"
        lines.append(f"{p.file}:{p.span.line}:{p.span.column}: {p.severity}[{p.code}]: {p.message}{source}")
    return "".join(line + "\n" for line in lines)
