"""Inline suppressions: an entry's `x-batchgen: {ignore: {CODE: reason}}` (BG-025).

Like cfn-lint's Metadata ignores and ruff's `noqa`: one rule, on one entry, with the reason
required. A suppressed problem is not shown in text, doesn't fail the run, and is listed
with its reason in --format json (and as a suppressed result in SARIF). A code that no rule
checks (the schema's and the loader's checks: the request would not have the API's shape)
can't be suppressed; a suppression that matches nothing, on a spec without errors, is stale.
Knows no positions: findings and entries meet by pointer.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..language import ALL_SECTIONS, ENTRY_OPTIONS, section_items, section_path
from ..problems import Finding, Pointer

CODE = "BG-025"


@dataclass
class Suppressions:
    """The spec's suppressions, by entry pointer and code."""

    reasons: dict[tuple[Pointer, str], str] = field(default_factory=dict)
    used: set[tuple[Pointer, str]] = field(default_factory=set)
    problems: list[Finding] = field(default_factory=list)  # suppressions that can't be honoured

    @classmethod
    def of(cls, data: object, suppressible: set[str], known: set[str]) -> "Suppressions":
        """Read every entry's suppressions; `suppressible` are the codes rules check, `known`
        the catalog's codes."""
        out = cls()
        for section in ALL_SECTIONS:
            for i, entry in enumerate(section_items(data, section) or []):
                options = entry.get(ENTRY_OPTIONS) if isinstance(entry, dict) else None
                ignore = options.get("ignore") if isinstance(options, dict) else None
                if not isinstance(ignore, dict):
                    continue
                entry_ptr = Pointer((*section_path(section), i))
                for code, reason in ignore.items():
                    at = entry_ptr / ENTRY_OPTIONS / "ignore" / code
                    if not isinstance(code, str) or not isinstance(reason, str) or not reason.strip():
                        continue  # the schema reports it (BG-025's patterns)
                    if code not in known:
                        out.problems.append(Finding(at, {"where": at.dotted(), "detail":
                                                         f"batchgen has no rule {code}"}, CODE, at_key=True))
                    elif code not in suppressible:
                        out.problems.append(Finding(at, {"where": at.dotted(), "detail":
                                                         f"{code} is checked by the schema or the YAML reader: "
                                                         "a request without the API's shape can't be sent, so it "
                                                         "can't be ignored"}, CODE, at_key=True))
                    else:
                        out.reasons[(entry_ptr, code)] = reason
        return out

    def reason(self, finding: Finding) -> str | None:
        """Why `finding` is suppressed, or None. An entry's suppression covers every finding
        of that code inside the entry."""
        if not self.reasons or finding.code is None:
            return None
        pointer = finding.pointer
        for depth in range(len(pointer), 0, -1):
            key = (Pointer(pointer[:depth]), finding.code)
            if key in self.reasons:
                self.used.add(key)
                return self.reasons[key]
        return None

    def stale(self) -> list[Finding]:
        """Suppressions that matched nothing (meaningful once every rule has run)."""
        return [Finding(entry / ENTRY_OPTIONS / "ignore" / code,
                        {"where": (entry / ENTRY_OPTIONS / "ignore" / code).dotted(), "code": code},
                        CODE, at_key=True, variant="unused")
                for (entry, code) in self.reasons if (entry, code) not in self.used]
