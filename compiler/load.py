"""Read a YAML spec into plain data plus a position for every key and value. Knows no rules.

Only YAML's safe subset is accepted: mappings, sequences and the plain scalar types
(string, integer, float, boolean, null). Dates stay strings (a JSON request body has no
date type), `<<` merge keys work, any other tag is a problem. Duplicate keys are
problems, reported at the second occurrence.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from .problems import Finding, Pointer, ROOT, Span

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _SpecLoader(_BaseLoader):
    """The safe loader without the YAML 1.1 timestamp resolver.

    Resolving a plain scalar's tag runs regular expressions; a spec repeats the same keys
    and values thousands of times, so each loader remembers its answers.
    """

    def __init__(self, stream):
        super().__init__(stream)
        self._tags: dict[tuple[str, tuple[bool, bool]], str] = {}

    def resolve(self, kind, value, implicit):
        if kind is not yaml.ScalarNode:
            return super().resolve(kind, value, implicit)
        key = (value, implicit)
        tag = self._tags.get(key)
        if tag is None:
            tag = self._tags[key] = super().resolve(kind, value, implicit)
        return tag


_SpecLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_MERGE = "tag:yaml.org,2002:merge"
_SCALAR_TAGS = {
    _STR,
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",  # only when written explicitly as !!timestamp
}


@dataclass
class SourceMap:
    """Pointer -> where it is in the file, for every value and for every mapping key.

    It keeps the YAML nodes and makes a Span only when a problem asks for one: a large
    spec has hundreds of thousands of nodes and only a handful of problems.
    """

    values: dict[Pointer, yaml.Node] = field(default_factory=dict)
    keys: dict[Pointer, yaml.Node] = field(default_factory=dict)

    def value_span(self, pointer: Pointer) -> Span | None:
        node = self.values.get(pointer)
        return _span(node) if node is not None else None

    def key_span(self, pointer: Pointer) -> Span | None:
        node = self.keys.get(pointer)
        return _span(node) if node is not None else None

    def locate(self, pointer: Pointer, at_key: bool = False) -> Span:
        """The span of `pointer`, or of its nearest ancestor that exists in the file."""
        if at_key and pointer in self.keys:
            return _span(self.keys[pointer])
        p = pointer
        while True:
            if p in self.values:
                return _span(self.values[p])
            if not p:
                return Span(1, 1, 1, 1)
            p = p.parent


@dataclass
class Document:
    data: Any
    source: SourceMap
    findings: list[Finding]  # BG-001/002/012 with pointers; spans for syntax errors below
    syntax_error: tuple[str, Span] | None = None


def _span(node: yaml.Node) -> Span:
    s, e = node.start_mark, node.end_mark
    return Span(s.line + 1, s.column + 1, e.line + 1, e.column + 1)


class _Builder:
    def __init__(self, loader: yaml.Loader):
        self.loader = loader
        self.source = SourceMap()
        self.findings: list[Finding] = []

    def build(self, node: yaml.Node, ptr: Pointer) -> Any:
        self.source.values.setdefault(ptr, node)
        if isinstance(node, yaml.MappingNode):
            if node.tag != _MAP:
                self._bad_tag(node, ptr)
            return self._mapping(node, ptr)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ:
                self._bad_tag(node, ptr)
            return [self.build(item, ptr / i) for i, item in enumerate(node.value)]
        if node.tag not in _SCALAR_TAGS:
            self._bad_tag(node, ptr)
            return node.value
        if node.tag == _STR or node.tag == "tag:yaml.org,2002:timestamp":
            return node.value  # the common case, without the constructor's bookkeeping
        try:
            return self.loader.construct_object(node, deep=True)
        except yaml.YAMLError as exc:  # e.g. !!int "abc"
            self.findings.append(Finding(ptr, {"detail": f"cannot read value: {exc.problem}"}, code="BG-012"))
            return node.value

    def _bad_tag(self, node: yaml.Node, ptr: Pointer) -> None:
        self.findings.append(Finding(
            ptr,
            {"detail": f"YAML tag {node.tag} is not allowed; the spec is plain data (write the value without a tag)"},
            code="BG-012",
        ))

    def _mapping(self, node: yaml.MappingNode, ptr: Pointer) -> dict[str, Any]:
        out: dict[str, Any] = {}
        first_seen: dict[str, yaml.Node] = {}
        merged: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                merged.update(self._merge_sources(value_node, ptr))
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.findings.append(Finding(ptr, {"detail": "a mapping key must be a plain string, not a list or mapping"}, code="BG-012"))
                continue
            key = key_node.value
            if key_node.tag != _STR:
                self.findings.append(Finding(
                    ptr / key,
                    {"detail": f"mapping key {key!r} is read as a {key_node.tag.rsplit(':', 1)[-1]}, not a string; quote it: '{key}'"},
                    code="BG-012",
                    at_key=True,
                ))
            child = ptr / key
            if key in first_seen:
                self.findings.append(Finding(
                    child, {"key": key, "first_line": first_seen[key].start_mark.line + 1},
                    code="BG-002", at_key=True, span=_span(key_node),
                ))
                continue
            first_seen[key] = key_node
            self.source.keys[child] = key_node
            out[key] = self.build(value_node, child)
        for key, value in merged.items():
            out.setdefault(key, value)
        return out

    def _merge_sources(self, node: yaml.Node, ptr: Pointer) -> dict[str, Any]:
        sources = node.value if isinstance(node, yaml.SequenceNode) else [node]
        result: dict[str, Any] = {}
        for src in sources:
            if not isinstance(src, yaml.MappingNode):
                self.findings.append(Finding(ptr, {"detail": "a '<<' merge key needs a mapping (or a list of mappings)"}, code="BG-012"))
                continue
            # Positions of merged values are those of the anchored original.
            data = self._mapping(src, ptr)
            for key, value in data.items():
                result.setdefault(key, value)
        return result


def load_text(text: str) -> Document:
    loader = _SpecLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return Document({}, SourceMap(), [])
        builder = _Builder(loader)
        data = builder.build(node, ROOT)
        return Document(data, builder.source, builder.findings)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        span = Span(mark.line + 1, mark.column + 1) if mark else Span(1, 1)
        detail = exc.problem or str(exc)
        if exc.context:
            detail = f"{exc.context}: {detail}" if exc.problem else exc.context
        return Document(None, SourceMap(), [], syntax_error=(detail, span))
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow in a file
        before = text[: exc.position]
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        span = Span(before.count("\n") + 1, exc.position - (before.rfind("\n") + 1) + 1)
        return Document(None, SourceMap(), [], syntax_error=(
            f"character #x{code:04x} is not allowed in YAML; "
            "write it as an escape inside double quotes", span))
    except yaml.YAMLError as exc:
        return Document(None, SourceMap(), [], syntax_error=(str(exc), Span(1, 1)))
    finally:
        loader.dispose()
