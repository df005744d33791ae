"""A tiny HCL writer whose output is already in `terraform fmt` form.

Values: str, int, float, bool, list, dict, Expr (raw expression such as a reference),
JsonEncode (a value written as `jsonencode({...})`). Bodies are lists of Attr, Block and
Blank. Alignment follows `terraform fmt`: the `=` of consecutive attributes line up; a
blank line, a block or a comment ends the run.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Union

INDENT = "  "
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


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


def string(s: str) -> str:
    """A quoted HCL string literal holding exactly `s` (no interpolation, no directives)."""
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
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
        i += 1
    return '"' + "".join(out) + '"'


def _key(k: str) -> str:
    return k if _IDENT.match(k) else string(k)


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
