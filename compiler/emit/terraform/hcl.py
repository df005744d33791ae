"""A tiny HCL writer whose output is already in `terraform fmt` form.

Values: str, int, float, bool, list, dict, Expr (raw expression such as a reference),
JsonEncode (a value written as `jsonencode({...})`). Bodies are lists of Attr, Block and
Blank. Alignment follows `terraform fmt`: the `=` of consecutive attributes line up; a
blank line, a block or a comment ends the run.
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Union

INDENT = "  "
_SPECIAL = re.compile(r'[\\"$%]')
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*\Z")
# Printable characters that join the grapheme cluster of a neighbour (UAX #29 Extend,
# SpacingMark and Prepend outside the M categories, regional indicators, conjoining Hangul
# jamo). `terraform fmt` aligns the `=` of a run of attributes by grapheme clusters, the
# writer by len(): in a key they are escaped (`_key`), so each character is one cluster.
_JOINS_CLUSTER = re.compile(
    "[\u0d4e\u0e33\u0eb3\u1100-\u11ff\ua960-\ua97f\ud7b0-\ud7ff\uff9e\uff9f"
    "\U000111c2\U000111c3\U0001193f\U00011941\U00011a3a\U00011a84-\U00011a89"
    "\U00011d46\U00011f02\U0001f1e6-\U0001f1ff\U0001f3fb-\U0001f3ff]")


@dataclass(frozen=True)
class Expr:
    text: str


@dataclass(frozen=True)
class JsonEncode:
    value: Any


@dataclass(frozen=True)
class Attr:
    key: str
    value: Any


@dataclass
class Block:
    type: str
    labels: tuple[str, ...] = ()
    body: list = field(default_factory=list)


@dataclass(frozen=True)
class Blank:
    pass


@dataclass(frozen=True)
class Comment:
    text: str


Item = Union[Attr, Block, Blank, Comment]


def string(s: str, key: bool = False) -> str:
    """A quoted HCL string literal holding exactly `s` (no interpolation, no directives).

    Escaped: `\\` and `"`; `${` and `%{` as `$${` and `%%{`; newline, carriage return and tab
    by name; every other character that isn't printable (controls, format characters such as
    bidi overrides and zero-width spaces, line and paragraph separators, spaces other than
    U+0020, private-use and unassigned code points) as `\\uNNNN` / `\\UNNNNNNNN`, so what a
    reviewer reads in the .tf file is what Terraform gets.
    (Terraform itself puts every string in Unicode NFC; no escaping can keep `e` + U+0301.)
    A `key` also escapes combining marks and the other characters of `_JOINS_CLUSTER`.
    """
    if s.isprintable() and not _SPECIAL.search(s) and (not key or s.isascii()):
        return '"' + s + '"'  # nothing to escape: most strings of a spec
    out = []
    i = 0
    while i < len(s):
        ch = s[i]
        nxt = s[i + 1] if i + 1 < len(s) else ""
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ch in "$%" and nxt == "{":
            out.append(ch + ch + "{")
            i += 1
        elif not ch.isprintable() or key and _joins_cluster(ch):
            out.append(f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}")
        else:
            out.append(ch)
        i += 1
    return '"' + "".join(out) + '"'


def _joins_cluster(ch: str) -> bool:
    return unicodedata.category(ch)[0] == "M" or _JOINS_CLUSTER.match(ch) is not None


def _key(k: str) -> str:
    """An attribute name or object key: bare if an identifier, else quoted. `for` is quoted:
    `{ for = ... }` opens a for expression (a syntax error), not an object with a key `for`."""
    return k if _IDENT.fullmatch(k) and k != "for" else string(k, key=True)


def _scalar(v: Any) -> str | None:
    if isinstance(v, Expr):
        return v.text
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return json.dumps(v)
    if isinstance(v, str):
        return string(v)
    if v is None:
        return "null"
    return None


def expr_lines(v: Any, depth: int) -> list[str]:
    """The expression as lines; the first line has no indent, the rest are indented for `depth`."""
    s = _scalar(v)
    if s is not None:
        return [s]
    if isinstance(v, JsonEncode):
        inner = expr_lines(v.value, depth)
        inner[0] = "jsonencode(" + inner[0]
        inner[-1] = inner[-1] + ")"
        return inner
    pad = INDENT * (depth + 1)
    if isinstance(v, list):
        if not v:
            return ["[]"]
        if all(_scalar(x) is not None for x in v):
            one = "[" + ", ".join(_scalar(x) for x in v) + "]"
            if len(one) + depth * 2 <= 100:
                return [one]
            return ["["] + [pad + _scalar(x) + "," for x in v] + [INDENT * depth + "]"]
        lines = ["["]
        for x in v:
            sub = expr_lines(x, depth + 1)
            lines.append(pad + sub[0])
            lines.extend(sub[1:])
            lines[-1] += ","
        lines.append(INDENT * depth + "]")
        return lines
    if isinstance(v, dict):
        if not v:
            return ["{}"]
        body = [Attr(k, x) for k, x in v.items()]
        return ["{"] + render_body(body, depth + 1) + [INDENT * depth + "}"]
    raise TypeError(f"cannot write {type(v).__name__} as HCL")


def render_body(items: list, depth: int) -> list[str]:
    pad = INDENT * depth
    lines: list[str] = []
    run: list[tuple[str, list[str]]] = []

    def flush() -> None:
        if not run:
            return
        width = max(len(k) for k, _ in run)
        for k, ex in run:
            lines.append(f"{pad}{k.ljust(width)} = {ex[0]}")
            lines.extend(ex[1:])
        run.clear()

    for item in items:
        if isinstance(item, Attr):
            ex = expr_lines(item.value, depth)
            if len(ex) > 1:  # a multi-line value stands alone: fmt aligns it with nothing
                flush()
                run.append((_key(item.key), ex))
                flush()
            else:
                run.append((_key(item.key), ex))
        else:
            flush()
            if isinstance(item, Blank):
                lines.append("")
            elif isinstance(item, Comment):
                lines.extend(f"{pad}# {t}".rstrip() for t in item.text.splitlines())
            elif isinstance(item, Block):
                lines.extend(render_block(item, depth))
    flush()
    return lines


def render_block(block: Block, depth: int = 0) -> list[str]:
    pad = INDENT * depth
    head = " ".join([block.type, *(string(label) for label in block.labels)])
    if not block.body:
        return [f"{pad}{head} {{", f"{pad}}}"]
    return [f"{pad}{head} {{"] + render_body(block.body, depth + 1) + [f"{pad}}}"]


def render(items: list) -> str:
    """A whole file: top-level blocks separated by one blank line; a comment sits on its block."""
    out = ""
    for item in items:
        if isinstance(item, Block):
            out += "\n".join(render_block(item)) + "\n\n"
        elif isinstance(item, Comment):
            out += "\n".join(f"# {t}".rstrip() for t in item.text.splitlines()) + "\n"
    return out.rstrip("\n") + "\n"
