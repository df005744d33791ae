"""`file:line:col: severity[CODE]: message (source: ...)`, one problem per line."""
from __future__ import annotations


def _one_line(text: str) -> str:
    """`text` with every non-printable character escaped (`\\n`, `\\x1b`, `\\u202e`): a value
    quoted from the spec can't start a line of its own, forge a diagnostic or a CI log
    command, or reorder what a terminal shows."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


def render(problems, catalog) -> str:
    lines = []
    for p in problems:
        source = "" if p.code.startswith("BG-") else f" [{catalog[p.code].source}]"
        # line 0: a problem with no place in a file (an AWS resource or call of `batchgen import aws`)
        where = f"{p.file}:{p.span.line}:{p.span.column}" if p.span.line else p.file
        lines.append(_one_line(f"{where}: {p.severity}[{p.code}]: {p.message}{source}"))
    return "".join(line + "\n" for line in lines)
