"""JSON and YAML input files as plain data plus the line and column of every value.

Import diagnostics are located (`template.yaml:40:7: warning[BG-151]: ...`), so the readers
here keep a position for each value, keyed by its path. Nothing is ever constructed but
plain data:

- JSON (a file whose first character is `{` or `[`): a small reader of JSON's grammar
  (strings decoded by the standard library's scanner), since YAML readers refuse the tabs
  JSON allows.
- YAML: PyYAML's safe composer builds the node graph; this module turns nodes into dicts,
  lists and scalars itself. Standard scalars follow YAML 1.1 (what CloudFormation reads),
  except that timestamps stay the strings written (`Version: 2012-10-17`). A local tag
  (`!Ref`, `!GetAtt`, `!Sub`, ...) is handed to `tags`, which turns it into data (the
  long form, `{"Ref": ...}`); no tag ever constructs an object, and an unknown one is an error.
- At most MAX_VALUES values, aliases expanded: an alias bomb stops there.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Callable

MAX_VALUES = 1_000_000


class SourceError(Exception):
    def __init__(self, message: str, line: int = 1, column: int = 1):
        super().__init__(message)
        self.line = line
        self.column = column


@dataclass
class Document:
    data: Any
    positions: dict[tuple, tuple[int, int]] = field(default_factory=dict)

    def at(self, path: tuple) -> tuple[int, int]:
        """The line and column of the value at `path`, or of its nearest located parent. Keys
        match case-insensitively when they must (CloudFormation's MinvCpus is the API's minvCpus)."""
        while path:
            if path in self.positions:
                return self.positions[path]
            folded = tuple(p.lower() if isinstance(p, str) else p for p in path)
            for known, where in self.positions.items():
                if len(known) == len(path) and tuple(p.lower() if isinstance(p, str) else p for p in known) == folded:
                    return where
            path = path[:-1]
        return self.positions.get((), (1, 1))


def read(text: str, tags: dict[str, Callable[[Any], Any]] | None = None) -> Document:
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped[:1] in ("{", "["):
        try:
            return _Json(text).document()
        except SourceError:
            if tags is None:
                raise
    return _yaml(text, tags or {})


# -- JSON ---------------------------------------------------------------------------------

_WS = re.compile(r"[ \t\r\n]*")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")


class _Json:
    def __init__(self, text: str):
        self.text = text.lstrip("\ufeff")
        self.pos = 0
        self.count = 0
        self.positions: dict[tuple, tuple[int, int]] = {}
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", self.text)]

    def where(self, pos: int) -> tuple[int, int]:
        import bisect

        i = bisect.bisect_right(self._line_starts, pos) - 1
        return i + 1, pos - self._line_starts[i] + 1

    def fail(self, message: str) -> SourceError:
        line, col = self.where(self.pos)
        return SourceError(f"JSON: {message}", line, col)

    def skip(self) -> None:
        self.pos = _WS.match(self.text, self.pos).end()

    def document(self) -> Document:
        self.skip()
        data = self.value(())
        self.skip()
        if self.pos != len(self.text):
            raise self.fail("extra data after the value")
        return Document(data, self.positions)

    def value(self, path: tuple) -> Any:
        self.count += 1
        if self.count > MAX_VALUES:
            raise self.fail(f"more than {MAX_VALUES:,} values")
        self.positions[path] = self.where(self.pos)
        c = self.text[self.pos:self.pos + 1]
        if c == "{":
            return self.obj(path)
        if c == "[":
            return self.array(path)
        if c == '"':
            return self.string()
        for word, val in (("true", True), ("false", False), ("null", None)):
            if self.text.startswith(word, self.pos):
                self.pos += len(word)
                return val
        m = _NUMBER.match(self.text, self.pos)
        if m and m.end() > self.pos:
            self.pos = m.end()
            return float(m.group()) if (m.group(1) or m.group(2)) else int(m.group())
        raise self.fail("expected a value" if c else "unexpected end of the file")

    def string(self) -> str:
        try:
            s, self.pos = json.decoder.scanstring(self.text, self.pos + 1)
        except json.JSONDecodeError as exc:
            raise self.fail(exc.msg) from None
        return s

    def obj(self, path: tuple) -> dict:
        self.pos += 1
        out: dict = {}
        self.skip()
        if self.text.startswith("}", self.pos):
            self.pos += 1
            return out
        while True:
            self.skip()
            if not self.text.startswith('"', self.pos):
                raise self.fail("expected a \"key\"")
            key = self.string()
            self.skip()
            if not self.text.startswith(":", self.pos):
                raise self.fail("expected ':'")
            self.pos += 1
            self.skip()
            out[key] = self.value((*path, key))
            self.skip()
            if self.text.startswith(",", self.pos):
                self.pos += 1
                continue
            if self.text.startswith("}", self.pos):
                self.pos += 1
                return out
            raise self.fail("expected ',' or '}'")

    def array(self, path: tuple) -> list:
        self.pos += 1
        out: list = []
        self.skip()
        if self.text.startswith("]", self.pos):
            self.pos += 1
            return out
        while True:
            self.skip()
            out.append(self.value((*path, len(out))))
            self.skip()
            if self.text.startswith(",", self.pos):
                self.pos += 1
                continue
            if self.text.startswith("]", self.pos):
                self.pos += 1
                return out
            raise self.fail("expected ',' or ']'")


# -- YAML ---------------------------------------------------------------------------------

_STANDARD = frozenset(f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "map", "seq",
                                                         "timestamp", "merge"))

def _yaml(text: str, tags: dict[str, Callable[[Any], Any]]) -> Document:
    import yaml

    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise SourceError(f"YAML: {exc.problem or exc.context}", line, col) from None
    except yaml.YAMLError as exc:
        raise SourceError(f"YAML: {exc}") from None
    positions: dict[tuple, tuple[int, int]] = {}
    if node is None:
        return Document(None, positions)
    constructor = yaml.SafeLoader("")
    count = [0]

    def convert(n, path: tuple) -> Any:
        count[0] += 1
        if count[0] > MAX_VALUES:
            raise SourceError(f"more than {MAX_VALUES:,} values (aliases expanded)",
                              n.start_mark.line + 1, n.start_mark.column + 1)
        positions.setdefault(path, (n.start_mark.line + 1, n.start_mark.column + 1))
        if n.tag not in _STANDARD:
            handler = tags.get(n.tag)
            if handler is None:  # !!python/..., !!binary, !!set, an unknown local tag: never constructed
                raise SourceError(f"the tag {n.tag} is not one this reader knows",
                                  n.start_mark.line + 1, n.start_mark.column + 1)
            return handler(_plain(n, path))
        return _plain(n, path)

    def _plain(n, path: tuple) -> Any:
        if isinstance(n, yaml.MappingNode):
            constructor.flatten_mapping(n)
            out: dict = {}
            for k, v in n.value:
                key = convert(k, (*path, "<key>"))
                if isinstance(key, (dict, list)):
                    raise SourceError("a mapping key must be a scalar", k.start_mark.line + 1, k.start_mark.column + 1)
                out[key if isinstance(key, str) else str(key)] = convert(v, (*path, key if isinstance(key, str) else str(key)))
            positions.pop((*path, "<key>"), None)
            return out
        if isinstance(n, yaml.SequenceNode):
            return [convert(v, (*path, i)) for i, v in enumerate(n.value)]
        tag = n.tag
        if tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool",
                   "tag:yaml.org,2002:null"):
            return constructor.construct_object(n, deep=True)
        return n.value  # strings, timestamps (kept as written), and a local tag's scalar

    return Document(convert(node, ()), positions)
