"""Regular expressions written for JSON Schema (ECMA-262), used from Python.

The schema's and the catalog's patterns are ECMA-262 regexes, where `$` matches only at
the end of the text. Python's `$` also matches before a final newline, so `^[a-z]+$`
would accept "queue\\n" — a name that then ends a line in deploy.sh or an HCL comment.
"""
from __future__ import annotations

import functools
import re


@functools.lru_cache(maxsize=None)
def ecma(pattern: str) -> re.Pattern:
    """`pattern` compiled with every unescaped `$` outside a character class as `\\Z`."""
    out: list[str] = []
    i, in_class = 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            out.append(pattern[i:i + 2])
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c == "$":
            c = r"\Z"
        out.append(c)
        i += 1
    return re.compile("".join(out))
