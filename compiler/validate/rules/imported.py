"""What `batchgen import` leaves in a spec: its placeholders (BG-157) and `adopt` (BG-158).

An import never guesses: a value it couldn't work out statically is written as
`@@UNRESOLVED <what>@@` (compiler/importers/report.py), and it is an error until someone
replaces it, so a placeholder is never deployed. `adopt` names what runs already; a name
there that the spec lacks adopts nothing.
"""
from __future__ import annotations

import json
from typing import Any, Iterator

from ...catalog import Constraint
from ...problems import Pointer
from ..context import Context, rule

PLACEHOLDER_START = "@@UNRESOLVED "  # the same marker as compiler/importers/report.py (tested)


def _strings(node: Any, ptr: Pointer) -> Iterator[tuple[Pointer, str]]:
    stack = [(ptr, node)]
    while stack:
        p, n = stack.pop()
        if isinstance(n, dict):
            stack.extend((p / k, v) for k, v in n.items())
        elif isinstance(n, list):
            stack.extend((p / i, v) for i, v in enumerate(n))
        elif isinstance(n, str) and PLACEHOLDER_START in n:
            yield p, n


@rule("BG-157")
def no_import_placeholder_is_left(ctx: Context, c: Constraint):
    """No value holds a placeholder an import left for what it couldn't work out."""
    # one C-speed pass first: nearly every spec has none, and a large one has 10^5 values
    if PLACEHOLDER_START not in json.dumps(ctx.data, ensure_ascii=False, default=str):
        return
    for ptr, text in sorted(_strings(ctx.data, Pointer()), key=lambda item: tuple(map(str, item[0]))):
        start = text.index(PLACEHOLDER_START)
        end = text.find("@@", start + len(PLACEHOLDER_START))
        yield c.at(ptr, where=ptr.dotted(), placeholder=text[start:end + 2 if end >= 0 else len(text)])


@rule("BG-158")
def adopt_names_entries_of_the_spec(ctx: Context, c: Constraint):
    """Every name under `adopt` is an entry of the spec."""
    adopt = ctx.data.get("adopt")
    if not isinstance(adopt, dict):
        return
    for key, sections, noun in (("computeEnvironments", ("computeEnvironments",), "a compute environment"),
                                ("jobDefinitions", ("jobDefinitions",), "a job definition"),
                                ("eventTargets", ("schedules", "notifications", "triggers"),
                                 "a schedule, trigger or notification")):
        names = adopt.get(key)
        if not isinstance(names, dict):
            continue
        known = set()
        for section in sections:
            known |= set(ctx.names(section))
        for name in names:
            if name not in known:
                ptr = Pointer(("adopt", key, name))
                yield c.at(ptr, at_key=True, where=ptr.dotted(), name=name, noun=noun)

