"""Problems and where they are: Pointer, Span, Severity, Problem. Knows no YAML, no rules."""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Iterable, Union

Key = Union[str, int]


class Pointer(tuple):
    """A path into the spec: a tuple of mapping keys and list indices.

    `Pointer(("jobQueues", 0, "priority")) / "x"` extends it; `str()` is RFC 6901
    text and is meant for formatters only.
    """

    __slots__ = ()

    def __new__(cls, parts: Iterable[Key] = ()):
        return super().__new__(cls, tuple(parts))

    def __truediv__(self, key: Key) -> "Pointer":
        return tuple.__new__(Pointer, (*self, key))  # skips __new__'s copy: this is hot in the loader

    @property
    def parent(self) -> "Pointer":
        return Pointer(self[:-1])

    def __str__(self) -> str:
        return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in self)

    def __repr__(self) -> str:
        return f"Pointer({str(self)!r})"

    def dotted(self) -> str:
        """Human form for messages: jobQueues[0].computeEnvironmentOrder[3]."""
        out = ""
        for p in self:
            if isinstance(p, int):
                out += f"[{p}]"
            else:
                out += ("." if out else "") + str(p)
        return out


ROOT = Pointer()


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"  # only the diff's reasons: what a change does, with nothing to fix

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, order=True)
class Span:
    """1-based line and column of the first character, and of the end (exclusive)."""

    line: int
    column: int
    end_line: int = 0
    end_column: int = 0


UNKNOWN_SPAN = Span(1, 1, 1, 1)


@dataclass(frozen=True)
class Problem:
    """One diagnostic: what a formatter needs and nothing else.

    `file` and `span` say where it is. A problem of the invocation rather than the spec
    (a bad argument, an OUT that can't be written) has no span, and no file unless it is
    about one (a stale output file)."""

    code: str
    severity: Severity
    message: str
    file: str | None
    span: Span | None
    pointer: Pointer = field(default=ROOT)
    suppressed: str | None = None  # the reason given where the spec suppresses this problem
    # The environments (SPEC.md `environments`) it applies to, in the spec's order; empty
    # when the spec has none or the problem is the file's own (YAML syntax, encoding).
    environments: tuple[str, ...] = ()

    def sort_key(self):
        span = self.span or Span(0, 0)
        return (self.file or "", span.line, span.column, self.code, self.message, self.environments)

    def where_applies(self) -> str:
        """' [env: dev, prod]', or '' for a problem of no particular environment."""
        return f" [env: {', '.join(self.environments)}]" if self.environments else ""


@dataclass(frozen=True)
class Finding:
    """What a rule yields: where (a pointer into the spec) and the values its message needs.

    The driver turns it into a Problem: it adds the file, the span, the severity and
    the wording from the catalog. `at_key` points at the mapping key instead of the value
    (used for "unknown key" and "should not be set" findings); `variant` names the part of
    the constraint that is broken, when its catalog entry has parts with their own
    severity and wording.
    """

    pointer: Pointer
    values: dict[str, Any] = field(default_factory=dict)
    code: str | None = None
    at_key: bool = False
    span: Span | None = None  # only when the pointer cannot name the place (a repeated key)
    variant: str | None = None
