"""What a rule sees (Context) and what a rule is (Rule). No positions, no wording.

A rule is a function `check(ctx, c) -> Iterable[Finding]` made a Rule with `@rule("ID")`
(one Constraint per ID: `@rule("A", "B") def f(ctx, a, b)`). It says *where* (a Pointer)
and *what* (the values its catalog message needs) with `c.at(pointer, **values)`; the
driver adds file, span, severity and wording from the catalog.
"""
from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Mapping

from ..language import ALL_SECTIONS, section_items, section_path
from ..problems import Finding, Pointer, ROOT


@dataclass
class Context:
    data: dict
    broken: set[Pointer]
    quotas: Mapping[str, int] = field(default_factory=dict)
    _index: dict[str, dict[str, tuple[Pointer, dict]]] = field(default_factory=dict, init=False)
    _entries: dict[str, list[tuple[Pointer, dict]]] = field(default_factory=dict, init=False)
    _memo: dict[str, Any] = field(default_factory=dict, init=False)

    def once(self, key: str, make: Callable[[], Any]) -> Any:
        """`make()`, worked out once per spec: what many rules derive alike from the data
        (e.g. every job with its definition, queue and environments, targets.py)."""
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    def entries(self, section: str) -> list[tuple[Pointer, dict]]:
        """(pointer, entry) for every entry of `section` that passed the schema. Worked out
        once per section: some 150 rules ask, and a large spec has thousands of entries."""
        found = self._entries.get(section)
        if found is None:
            found = self._entries[section] = []
            items = section_items(self.data, section)
            if isinstance(items, list):
                for i, entry in enumerate(items):
                    ptr = Pointer((*section_path(section), i))
                    if ptr not in self.broken and isinstance(entry, dict):
                        found.append((ptr, entry))
        return found

    def all_entries(self, section: str) -> Iterator[tuple[Pointer, dict]]:
        """Every mapping entry of `section`, schema-valid or not: for rules that check one
        field defensively (such as reference integrity) and so can report in the same run."""
        items = section_items(self.data, section)
        if isinstance(items, list):
            for i, entry in enumerate(items):
                if isinstance(entry, dict):
                    yield Pointer((*section_path(section), i)), entry

    def names(self, section: str) -> dict[str, Pointer]:
        """Every name defined in `section`, valid entry or not (first definition wins)."""
        out: dict[str, Pointer] = {}
        items = section_items(self.data, section)
        name_field = ALL_SECTIONS.get(section)
        if isinstance(items, list) and name_field:
            for i, entry in enumerate(items):
                if isinstance(entry, dict) and isinstance(entry.get(name_field), str):
                    out.setdefault(entry[name_field], Pointer((*section_path(section), i)))
        return out

    def named(self, section: str, name: str) -> tuple[Pointer, dict] | None:
        """The valid entry of `section` called `name`, if any."""
        if section not in self._index:
            name_field = ALL_SECTIONS[section]
            self._index[section] = {}
            for ptr, entry in self.entries(section):
                self._index[section].setdefault(entry.get(name_field), (ptr, entry))
        return self._index[section].get(name)


@dataclass(frozen=True)
class Rule:
    """A check and the catalog IDs it reports; made by @rule / @model_rule, listed by topic in
    compiler/validate/rules/__init__.py."""

    ids: tuple[str, ...]  # the IDs it reports: it receives their Constraints, in this order
    check: Callable[..., Iterable[Finding]]
    # "spec": check(ctx, *constraints) on the spec's data, after the schema; "model":
    # check(model, *constraints) on the resolved model, once the spec has no errors.
    stage: str = "spec"
    reads: tuple[str, ...] = ()  # IDs whose limits it reads but never reports (after `ids`)

    @property
    def name(self) -> str:
        return self.check.__name__

    @property
    def doc(self) -> str:
        return (self.check.__doc__ or "").strip()

    def constraints(self) -> list:
        """The Constraint of each ID the check receives: `ids`, then `reads`."""
        from ..catalog import load_catalog

        catalog = load_catalog()
        return [catalog[i] for i in (*self.ids, *self.reads)]

    def run(self, target: Any) -> list[Finding]:
        """The findings of this rule on `target` (a Context, or the Model for a model rule)."""
        try:
            return list(self.check(target, *self.constraints()))
        except Exception as exc:  # a crashing rule is a finding, not a traceback (cfn-lint does this too)
            tb = traceback.extract_tb(exc.__traceback__)[-1]
            return [Finding(ROOT, {"rule": f"{self.ids[0]} ({self.name})",
                                   "detail": f"{type(exc).__name__}: {exc} at {tb.filename.rsplit('/', 1)[-1]}:{tb.lineno}"},
                            code="BG-013")]


def rule(*ids: str, reads: tuple[str, ...] = ()) -> Callable[[Callable[..., Iterable[Finding]]], Rule]:
    """A check of the spec's data: `check(ctx, *constraints)`, one Constraint per ID (then per `reads` ID)."""
    def wrap(fn: Callable[..., Iterable[Finding]]) -> Rule:
        return Rule(tuple(ids), fn, reads=tuple(reads))
    return wrap


def model_rule(*ids: str, reads: tuple[str, ...] = ()) -> Callable[[Callable[..., Iterable[Finding]]], Rule]:
    """A check over the resolved model: `check(model, *constraints)`, one Constraint per ID."""
    def wrap(fn: Callable[..., Iterable[Finding]]) -> Rule:
        return Rule(tuple(ids), fn, stage="model", reads=tuple(reads))
    return wrap
