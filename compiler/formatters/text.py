"""`file:line:col: severity[CODE]: message [env: NAME] [source]`, one problem per line (for
people and editors; the environment part only for a spec with `environments`); a problem of
the invocation reads `batchgen: severity[CODE]: message`. Problems the spec suppresses are
not shown (--format json lists them)."""
from __future__ import annotations


def _one_line(text: str) -> str:
    """`text` with every non-printable character escaped (`\\n`, `\\x1b`, `\\u202e`): a value
    quoted from the spec can't start a line of its own, forge a diagnostic or a CI log
    command, or reorder what a terminal shows."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


def _where(p) -> str:
    if p.file is None:
        return "batchgen"
    if p.span is None:
        return p.file
    return f"{p.file}:{p.span.line}:{p.span.column}"


def render(problems, catalog) -> str:
    lines = []
    for p in problems:
        if p.suppressed is not None:
            continue
        source = "" if p.code.startswith("BG-") else f" [{catalog[p.code].source}]"
        lines.append(_one_line(f"{_where(p)}: {p.severity}[{p.code}]: {p.message}{p.where_applies()}{source}"))
    return "".join(line + "\n" for line in lines)
