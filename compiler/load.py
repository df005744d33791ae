"""Read a YAML spec into plain data plus a position for every key and value. Knows no rules.

The spec arrives in pull requests from anyone, so reading it is defensive:

- Bytes: UTF-8 only, no byte-order mark, at most `max_bytes` (BG-015, BG-014).
- Syntax: libyaml's parser, event by event. The document is built here without
  recursion: depth, value size and the node count (aliases included, so an alias bomb
  stops) are bounded by BG-014's limits, and a limit stops the load at that place.
- Types: YAML 1.2's core schema, the one JSON shares. `yes`, `no`, `on`, `off`, `1_000`,
  `1:30` and dates stay the strings written (YAML 1.1 would change them); only `true`,
  `false`, `null`, `~` and JSON-like numbers are typed. A plain number with a leading
  zero (`0755`: 493 to a YAML 1.1 reader, 755 to YAML 1.2) and `.inf`/`.nan` are
  problems (BG-016), never guessed at.
- Tags: none are ever constructed. `!!str`, `!!int`, `!!float`, `!!bool`, `!!null`,
  `!!map`, `!!seq` are read as data; any other tag (`!!python/...` included) is BG-012.
- Keys: duplicates are BG-002 at the second occurrence; a key that isn't a string is
  BG-012. `<<` merge keys work; a merged value is located at the anchored original.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.events import (AliasEvent, DocumentEndEvent, DocumentStartEvent, MappingEndEvent,
                         MappingStartEvent, ScalarEvent, SequenceEndEvent, SequenceStartEvent,
                         StreamEndEvent)

from .language import copy_data
from .problems import Finding, Pointer, ROOT, Span

_Parser = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # only its parser is used

_TAG = "tag:yaml.org,2002:"
_MAP, _SEQ, _STR = _TAG + "map", _TAG + "seq", _TAG + "str"


@dataclass(frozen=True)
class Limits:
    """BG-014's numbers (compiler/data/catalog/spec_format.yaml)."""

    max_bytes: int
    max_value_chars: int
    max_depth: int
    max_nodes: int


def limits() -> Limits:
    from .catalog import load_catalog

    lim = load_catalog()["BG-014"].limits
    return Limits(lim["max_bytes"], lim["max_value_chars"], lim["max_depth"], lim["max_nodes"])


# --- YAML 1.2 core schema (https://yaml.org/spec/1.2.2/#1032-tag-resolution) -------------

_CORE_NULL = frozenset(("", "~", "null", "Null", "NULL"))
_CORE_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_CORE_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_CORE_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
                         r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)")
_LEADING_ZERO = re.compile(r"[-+]?0[0-9]+")
_MAYBE_TYPED = frozenset("0123456789+-.~nNtTfF")  # first characters of non-string plain scalars


class _NotData(Exception):
    """A scalar batchgen won't read as data; the message says why."""


def _int(text: str) -> int:
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text)


def _float(text: str) -> float:
    if text.lower().endswith((".inf", ".nan")):
        raise _NotData(f"{text} is not a finite number; AWS APIs take only finite numbers")
    return float(text)


def _plain(text: str) -> Any:
    """The value of an unquoted, untagged scalar under the core schema."""
    if text == "" or text[0] not in _MAYBE_TYPED:
        return text if text else None
    if text in _CORE_NULL:
        return None
    if text in _CORE_BOOL:
        return _CORE_BOOL[text]
    if _CORE_INT.fullmatch(text):
        if _LEADING_ZERO.fullmatch(text):
            digits = text.lstrip("+-")
            readings = (f"YAML 1.1 tools read it as the octal number {int(text, 8)}, YAML 1.2 as {int(text)}"
                        if set(digits) <= set("01234567") else "YAML 1.1 and YAML 1.2 tools read it differently")
            raise _NotData(f"{text} has a leading zero: {readings}; write {int(text)} if you mean the number, "
                           f"or quote it ('{text}') if you mean the text")
        return _int(text)
    if _CORE_FLOAT.fullmatch(text):
        return _float(text)
    return text


def _tagged(tag: str, text: str) -> Any:
    """A scalar with an explicit standard tag (`!!int "8"`)."""
    kind = tag[len(_TAG):] if tag.startswith(_TAG) else None
    if kind == "str":
        return text
    if kind == "null" and text in _CORE_NULL:
        return None
    if kind == "bool" and text in _CORE_BOOL:
        return _CORE_BOOL[text]
    if kind == "int" and _CORE_INT.fullmatch(text):
        return _int(text)
    if kind == "float" and _CORE_FLOAT.fullmatch(text):
        return _float(text)
    if kind == "float" and _CORE_INT.fullmatch(text):
        return float(_int(text))  # !!float 0x10
    if kind in ("null", "bool", "int", "float"):
        raise _NotData(f"'{text}' is not a YAML 1.2 {kind}; write the value without the tag")
    raise _NotData(f"YAML tag {_tag_name(tag)} is not allowed; the spec is plain data (write the value without a tag)")


# --- positions ---------------------------------------------------------------------------

def _tag_name(tag: str) -> str:
    return "!!" + tag[len(_TAG):] if tag.startswith(_TAG) else tag


def _span(start, end) -> Span:
    return Span(start.line + 1, start.column + 1, end.line + 1, end.column + 1)


@dataclass
class SourceMap:
    """Pointer -> where it is in the file, for every value and for every mapping key.

    It keeps libyaml's marks and makes a Span only when a problem asks for one: a large
    spec has hundreds of thousands of values and only a handful of problems. A value that
    came through an alias or a `<<` merge is located at the anchored original (`aliases`
    maps the place it landed to the place it was written).
    """

    values: dict[Pointer, tuple] = field(default_factory=dict)
    keys: dict[Pointer, tuple] = field(default_factory=dict)
    aliases: dict[Pointer, Pointer] = field(default_factory=dict)
    written: dict[Pointer, str] = field(default_factory=dict)  # plain scalars read as non-strings

    def _written_at(self, pointer: Pointer) -> Pointer:
        """`pointer` with an aliased prefix replaced by the anchored original's pointer."""
        for _ in range(64):  # an alias chain is at most as deep as the document
            for i in range(len(pointer), 0, -1):
                target = self.aliases.get(Pointer(pointer[:i]))
                if target is not None:
                    pointer = Pointer((*target, *pointer[i:]))
                    break
            else:
                return pointer
        return pointer

    def value_span(self, pointer: Pointer) -> Span | None:
        marks = self.values.get(pointer) or self.values.get(self._written_at(pointer))
        return _span(*marks) if marks else None

    def key_span(self, pointer: Pointer) -> Span | None:
        marks = self.keys.get(pointer) or self.keys.get(self._written_at(pointer))
        return _span(*marks) if marks else None

    def text(self, pointer: Pointer) -> str | None:
        """How a plain scalar read as a number, boolean or null was written, e.g. '0o17'."""
        return self.written.get(pointer, self.written.get(self._written_at(pointer)))

    def locate(self, pointer: Pointer, at_key: bool = False) -> Span:
        """The span of `pointer`, or of its nearest ancestor that exists in the file."""
        if at_key:
            span = self.key_span(pointer)
            if span:
                return span
        p = pointer
        while True:
            span = self.value_span(p)
            if span:
                return span
            if not p:
                return Span(1, 1, 1, 1)
            p = p.parent


@dataclass
class Document:
    data: Any
    source: SourceMap
    findings: list[Finding]  # BG-002/012/016, located by pointer (or span)
    fatal: Finding | None = None  # a problem that stopped the load (syntax, encoding, limits)
    end: tuple[int, int] | None = None  # line and column just past the last line's last character

    @property
    def empty(self) -> bool:
        return self.fatal is None and self.data is None

    def clamp(self, span: Span) -> Span:
        """`span` kept inside the file: libyaml puts the end of a stream that lacks a final
        line break on a line of its own, past the last."""
        if self.end is None:
            return span
        start = min((span.line, span.column), self.end)
        end = min((span.end_line, span.end_column), self.end) if span.end_line else (0, 0)
        return Span(*start, *end)


_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")  # libyaml's, YAML 1.1's


def _end_of(text: str) -> tuple[int, int]:
    lines = _LINE_BREAK.split(text)
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()
    return len(lines), len(lines[-1]) + 1


# --- bytes -> text -----------------------------------------------------------------------

_BOMS = ((b"\xef\xbb\xbf", "UTF-8 with a byte-order mark"), (b"\xff\xfe\x00\x00", "UTF-32"),
         (b"\x00\x00\xfe\xff", "UTF-32"), (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16"))


def decode(raw: bytes, cap: int) -> tuple[str | None, Finding | None]:
    """The spec's text, or the located reason it isn't a UTF-8 spec batchgen will read."""
    if len(raw) > cap:
        return None, Finding(ROOT, {"detail": f"the file is larger than {cap:,} bytes, the most batchgen "
                                              "reads; split the setup into several specs"},
                             code="BG-014", span=Span(1, 1))
    for bom, name in _BOMS:
        if raw.startswith(bom):
            return None, Finding(ROOT, {"detail": f"the file is {name}; save it as UTF-8 without a "
                                                  "byte-order mark"}, code="BG-015", span=Span(1, 1))
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        good = raw[: exc.start].decode("utf-8")
        line = good.count("\n") + 1
        column = len(good) - (good.rfind("\n") + 1) + 1
        return None, Finding(ROOT, {"detail": f"byte 0x{raw[exc.start]:02x} is not UTF-8; save the file as "
                                              "UTF-8 (this looks like another encoding, such as Latin-1 or "
                                              "Windows-1252)"}, code="BG-015", span=Span(line, column))


# --- text -> data ------------------------------------------------------------------------

class _Stop(Exception):
    """A limit was hit or an alias can't be resolved: the load ends with this problem."""

    def __init__(self, detail: str, code: str, start, end=None):
        super().__init__(detail)
        self.finding = Finding(ROOT, {"detail": detail}, code=code, span=_span(start, end or start))


_MERGE = object()  # the value of a plain `<<` key
_MERGE_PART = -1  # pointer part of a `<<` value's sources: never a list index or a key
_NO_KEY = object()  # a mapping waiting for its next key
_IS_KEY = object()  # the value being built is a mapping key
_DROP = object()  # the value being built has nowhere to go (its key was a problem)


class _Frame:
    """A mapping or list being built."""

    __slots__ = ("seq", "value", "ptr", "dest", "start", "anchor", "nodes_at_start", "key",
                 "first_seen", "merges")

    def __init__(self, seq: bool, ptr: Pointer, dest: Any, start, anchor: str | None, nodes: int):
        self.seq = seq
        self.value: Any = [] if seq else {}
        self.ptr = ptr  # children's pointers start here
        self.dest = dest  # where the finished value goes: its pointer, _IS_KEY or _DROP
        self.start = start
        self.anchor = anchor
        self.nodes_at_start = nodes
        self.key: Any = _NO_KEY
        self.first_seen: dict[str, int] = {}
        self.merges: list[tuple[Pointer, Any]] = []


class _Builder:
    def __init__(self, lim: Limits):
        self.lim = lim
        self.source = SourceMap()
        self.findings: list[Finding] = []
        self.anchors: dict[str, tuple[Any, Pointer | None, int]] = {}  # value, pointer, node count
        self.nodes = 0
        self.stack: list[_Frame] = []
        self.plain_cache: dict[str, Any] = {}
        self.root: Any = None

    def _dest(self) -> Any:
        """Where the value starting now goes: its pointer, _IS_KEY, or _DROP."""
        if not self.stack:
            return ROOT
        top = self.stack[-1]
        if top.seq:
            return top.ptr / len(top.value)
        if top.key is _NO_KEY:
            return _IS_KEY
        if top.key is _MERGE:
            return top.ptr / _MERGE_PART / len(top.merges)
        if top.key is _DROP:
            return _DROP
        return top.ptr / top.key

    def _near(self, dest: Any) -> Pointer:
        """A pointer to report a problem of the value going to `dest` at."""
        if isinstance(dest, Pointer):
            return dest
        return self.stack[-1].ptr if self.stack else ROOT

    def _count(self, n: int, mark) -> None:
        self.nodes += n
        if self.nodes > self.lim.max_nodes:
            raise _Stop(f"the document holds more than {self.lim.max_nodes:,} values once its aliases are "
                        "expanded, the most batchgen reads (an alias bomb looks like this)", "BG-014", mark)

    def _put(self, value: Any, dest: Any, start, end, text: str | None = None) -> None:
        """Attach a finished value to its parent."""
        if not self.stack:
            self.root = value
            return
        top = self.stack[-1]
        if top.seq:
            top.value.append(value)
        elif dest is _IS_KEY:
            self._key(top, value, start, end, text)
        elif top.key is _MERGE:
            top.merges.append((dest, value))
            top.key = _NO_KEY
        else:
            if top.key is not _DROP:
                top.value[top.key] = value
            top.key = _NO_KEY

    def _key(self, top: _Frame, key: Any, start, end, text: str | None) -> None:
        top.key = _DROP
        if key is _MERGE:
            top.key = _MERGE
        elif not isinstance(key, str):
            if isinstance(key, (dict, list)):
                detail = "a mapping key must be a plain string, not a list or mapping"
            else:
                written = text if text is not None else str(key)
                kind = {bool: "a boolean", int: "a number", float: "a number"}.get(type(key), "null")
                detail = f"mapping key {written!r} is read as {kind}, not a string; quote it: '{written}'"
            self.findings.append(Finding(top.ptr, {"detail": detail}, code="BG-012", span=_span(start, end)))
        elif key in top.first_seen:
            self.findings.append(Finding(top.ptr / key, {"key": key, "first_line": top.first_seen[key]},
                                         code="BG-002", at_key=True, span=_span(start, end)))
        else:
            top.first_seen[key] = start.line + 1
            top.key = key
            self.source.keys[top.ptr / key] = (start, end)

    def scalar(self, ev: ScalarEvent) -> None:
        text = ev.value
        if len(text) > self.lim.max_value_chars:
            raise _Stop(f"a value of {len(text):,} characters; batchgen reads values of up to "
                        f"{self.lim.max_value_chars:,} characters (no AWS Batch request is larger than "
                        "30 KiB)", "BG-014", ev.start_mark)
        self._count(1, ev.start_mark)
        dest = self._dest()
        try:
            if ev.tag is None and ev.implicit[0]:  # plain
                if dest is _IS_KEY and text == "<<":
                    value = _MERGE
                else:
                    value = self.plain_cache.get(text, _NO_KEY)
                    if value is _NO_KEY:
                        value = self.plain_cache[text] = _plain(text)
                    if not isinstance(value, str) and text and isinstance(dest, Pointer):
                        self.source.written[dest] = text
            elif ev.tag is None or ev.tag == "!":
                value = text  # quoted, or a block scalar
            else:
                value = _tagged(ev.tag, text)
        except _NotData as exc:
            value = text
            code = "BG-012" if ev.tag is not None else "BG-016"
            self.findings.append(Finding(self._near(dest), {"detail": str(exc)}, code=code,
                                         span=_span(ev.start_mark, ev.end_mark)))
        if isinstance(dest, Pointer):
            self.source.values[dest] = (ev.start_mark, ev.end_mark)
        if ev.anchor:
            self.anchors[ev.anchor] = (value, dest if isinstance(dest, Pointer) else None, 1)
        self._put(value, dest, ev.start_mark, ev.end_mark, text)

    def start(self, ev, seq: bool) -> None:
        if len(self.stack) >= self.lim.max_depth:
            raise _Stop(f"the document nests deeper than {self.lim.max_depth} levels, the most batchgen reads",
                        "BG-014", ev.start_mark)
        self._count(1, ev.start_mark)
        dest = self._dest()
        if ev.tag is not None and ev.tag != "!" and ev.tag != (_SEQ if seq else _MAP):
            self.findings.append(Finding(self._near(dest), {
                "detail": f"YAML tag {_tag_name(ev.tag)} is not allowed; the spec is plain data (write the value without a tag)"},
                code="BG-012", span=_span(ev.start_mark, ev.end_mark)))
        ptr = dest if isinstance(dest, Pointer) else self._near(dest) / _MERGE_PART
        self.stack.append(_Frame(seq, ptr, dest, ev.start_mark, ev.anchor, self.nodes))

    def end(self, ev) -> None:
        frame = self.stack.pop()
        if frame.merges:
            self._merge(frame)
        if isinstance(frame.dest, Pointer):
            self.source.values[frame.dest] = (frame.start, ev.end_mark)
        if frame.anchor:
            self.anchors[frame.anchor] = (frame.value, frame.dest if isinstance(frame.dest, Pointer) else None,
                                          self.nodes - frame.nodes_at_start + 1)
        self._put(frame.value, frame.dest, frame.start, ev.end_mark)

    def _merge(self, frame: _Frame) -> None:
        """`<<: *base` or `<<: [*a, *b]`: the keys the mapping doesn't set itself come from
        the sources, the earlier source first."""
        for at, src in frame.merges:
            sources = [(at / i, s) for i, s in enumerate(src)] if isinstance(src, list) else [(at, src)]
            for where, mapping in sources:
                if not isinstance(mapping, dict):
                    self.findings.append(Finding(frame.ptr, {"detail": "a '<<' merge key needs a mapping "
                                                                       "(or a list of mappings)"},
                                                 code="BG-012", span=_span(frame.start, frame.start)))
                    continue
                for key, value in mapping.items():
                    if key not in frame.value:
                        frame.value[key] = value
                        self.source.aliases[frame.ptr / key] = where / key

    def alias(self, ev: AliasEvent) -> None:
        dest = self._dest()
        found = self.anchors.get(ev.anchor)
        if found is None:
            inside = any(f.anchor == ev.anchor for f in self.stack)
            raise _Stop(f"alias *{ev.anchor} refers to "
                        + ("the value it is inside; a value cannot contain itself" if inside
                           else "an anchor that is not defined before it"), "BG-012", ev.start_mark, ev.end_mark)
        value, anchor_ptr, size = found
        self._count(size, ev.start_mark)
        if isinstance(dest, Pointer):
            self.source.values[dest] = (ev.start_mark, ev.end_mark)
            if anchor_ptr is not None:
                self.source.aliases[dest] = anchor_ptr
        self._put(copy_data(value), dest, ev.start_mark, ev.end_mark)


def _tab_hint(text: str, line: int, column: int) -> str | None:
    lines = text.split("\n")
    if 0 <= line < len(lines):
        row = lines[line]
        if "\t" in row[: column + 1] and not row[: row.index("\t")].strip():
            return (f"line {line + 1} is indented with a tab; YAML indents with spaces only "
                    "(replace the tab with spaces)")
    return None


# libyaml's context for a bracket or quote it never saw closed -> what the user opened.
_UNCLOSED = {"while parsing a flow mapping": "flow mapping", "while parsing a flow sequence": "flow sequence",
             "while scanning a quoted scalar": "quoted string"}


def load_text(text: str, lim: Limits | None = None) -> Document:
    doc = _load(text, lim or limits())
    doc.end = _end_of(text)
    return doc


def _load(text: str, lim: Limits) -> Document:
    builder = _Builder(lim)
    parser = _Parser(text)
    handlers = {
        ScalarEvent: builder.scalar,
        AliasEvent: builder.alias,
        SequenceEndEvent: builder.end,
        MappingEndEvent: builder.end,
    }
    try:
        get = parser.get_event
        get()  # StreamStartEvent
        if isinstance(parser.peek_event(), StreamEndEvent):
            return Document(None, builder.source, [])
        get()  # DocumentStartEvent
        while True:
            ev = get()
            kind = type(ev)
            if kind is MappingStartEvent:
                builder.start(ev, False)
            elif kind is SequenceStartEvent:
                builder.start(ev, True)
            elif kind is DocumentEndEvent:
                break
            else:
                handlers[kind](ev)
        ev = get()
        if isinstance(ev, DocumentStartEvent):
            raise _Stop("the file holds more than one YAML document (a second '---'); a spec is one document",
                        "BG-001", ev.start_mark)
        return Document(builder.root, builder.source, builder.findings)
    except _Stop as stop:
        return Document(None, builder.source, builder.findings, fatal=stop.finding)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line, mark.column) if mark else (0, 0)
        detail = exc.problem or str(exc)
        if exc.context:
            detail = f"{exc.context}: {detail}" if exc.problem else exc.context
        opened = _UNCLOSED.get(exc.context or "")
        hint = _tab_hint(text, line, column)
        if hint:
            detail = hint
        elif opened and exc.context_mark is not None and exc.problem:
            # The mistake is where the bracket or quote was opened, not where parsing gave up
            # (the next line, often): report there, and say where parsing stopped.
            detail = (f"the {opened} opened here is not closed ({exc.problem} before line {line + 1}, "
                      f"column {column + 1})")
            line, column = exc.context_mark.line, exc.context_mark.column
        return Document(None, builder.source, builder.findings,
                        fatal=Finding(ROOT, {"detail": detail}, code="BG-001", span=Span(line + 1, column + 1)))
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow in a file
        # libyaml reads UTF-8: its position counts bytes, not characters
        before = text.encode("utf-8")[: exc.position].decode("utf-8", errors="ignore")
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        span = Span(before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1)
        return Document(None, builder.source, builder.findings, fatal=Finding(ROOT, {
            "detail": f"character #x{code:04x} is not allowed in YAML; write it as an escape inside double quotes"},
            code="BG-001", span=span))
    except yaml.YAMLError as exc:
        return Document(None, builder.source, builder.findings,
                        fatal=Finding(ROOT, {"detail": str(exc)}, code="BG-001", span=Span(1, 1)))
    finally:
        parser.dispose()


# --- data only ---------------------------------------------------------------------------

class _NeedsFullLoad(Exception):
    """The text holds something only load_text reads (or reports) right."""


_NO_DATA = object()


def load_data(text: str, lim: Limits | None = None) -> Any:
    """The data load_text(text) would give, without positions, or NOT_PLAIN when the text
    holds anything but plain block and flow collections of untagged scalars with string keys
    (anchors, aliases, `<<`, tags, a duplicate or non-string key, a value load_text reports,
    a syntax error, a limit reached): then only load_text reads it, and says what is wrong.

    For `batchgen diff`'s OLD spec, deployed and compiled before, of which only a handful of
    values (the ones a change removes) are ever located: about 2.5x faster than load_text."""
    lim = lim or limits()
    parser = _Parser(text)
    get = parser.get_event
    stack: list[list] = []  # [collection, its pending key (mappings), is a list]
    cache: dict[str, Any] = {}
    nodes, root = 0, None
    no_key = _NO_DATA
    try:
        get()  # StreamStartEvent
        if isinstance(parser.peek_event(), StreamEndEvent):
            return None
        get()  # DocumentStartEvent
        while True:
            ev = get()
            kind = type(ev)
            if kind is ScalarEvent:
                text_ = ev.value
                if ev.anchor or (ev.tag is not None and ev.tag != "!") or len(text_) > lim.max_value_chars:
                    raise _NeedsFullLoad
                if ev.tag is None and ev.implicit[0]:  # plain
                    value = cache.get(text_, no_key)
                    if value is no_key:
                        value = cache[text_] = _plain(text_)
                else:
                    value = text_
                nodes += 1
                if not stack:
                    root = value
                    continue
                top = stack[-1]
                if top[2]:
                    top[0].append(value)
                elif top[1] is no_key:
                    if not isinstance(value, str) or value in top[0] or (value == "<<" and ev.tag is None):
                        raise _NeedsFullLoad
                    top[1] = value
                else:
                    top[0][top[1]] = value
                    top[1] = no_key
            elif kind is MappingStartEvent or kind is SequenceStartEvent:
                if ev.anchor or (ev.tag is not None and ev.tag not in ("!", _MAP, _SEQ)) \
                        or len(stack) >= lim.max_depth or (stack and not stack[-1][2] and stack[-1][1] is no_key):
                    raise _NeedsFullLoad  # the last: a collection as a mapping key
                nodes += 1
                seq = kind is SequenceStartEvent
                stack.append([[] if seq else {}, no_key, seq])
            elif kind is MappingEndEvent or kind is SequenceEndEvent:
                value = stack.pop()[0]
                if not stack:
                    root = value
                    continue
                top = stack[-1]
                if top[2]:
                    top[0].append(value)
                else:
                    top[0][top[1]] = value
                    top[1] = no_key
            elif kind is DocumentEndEvent:
                break
            else:  # an alias
                raise _NeedsFullLoad
        if nodes > lim.max_nodes or not isinstance(get(), StreamEndEvent):
            raise _NeedsFullLoad
        return root
    except (_NeedsFullLoad, _NotData, yaml.YAMLError):
        return NOT_PLAIN
    finally:
        parser.dispose()


NOT_PLAIN = _NO_DATA
