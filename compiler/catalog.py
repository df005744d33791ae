"""Every constraint and limit once, keyed by its catalog ID. Knows no YAML positions, no HCL.

The data lives in `compiler/data/catalog/*.yaml`, one file per ID prefix group; the IDs
are those of `aws-batch-constraints.md` (NT-, CE-, JQ-, ...) plus batchgen's own `BG-`
codes. An entry:

    - id: JQ-004
      rule: A job queue takes 1–3 compute environments.      # one line, for docs/rules.md
      severity: error                                        # error | warning
      chk: spec                                              # spec | cross | run | acct | upd | batchgen
      source: BC CreateJobQueueRequest.computeEnvironmentOrder; [Q]
      message: "computeEnvironmentOrder has {found} entries; a job queue takes at most {max} compute environments"
      fix: "..."                                             # optional, a template too
      limits: {min: 1, max: 3}                               # optional numbers, used by schema and rules
      quota: computeEnvironmentsPerJobQueue                  # optional: key under `quotas:` that raises `max`
      notes: "..."                                           # optional: seed vs current AWS
      variants:                                              # optional: parts of one constraint
        values: {severity: warning, message: "..."}          #   with their own severity/wording

A rule reports with the Constraint it receives: `c.at(pointer, variant="values", **values)`;
the code stays the catalog ID (the catalog gives some constraints as "E for keys / W for
values").
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import yaml

# libyaml when present: the catalog is ~6,000 lines, the pure-Python loader takes 0.6 s.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

from .problems import Finding, Severity

CatalogId = str

DATA_DIR = Path(__file__).parent / "data" / "catalog"


@dataclass(frozen=True)
class Constraint:
    id: CatalogId
    rule: str
    severity: Severity
    chk: str
    source: str
    message: str
    fix: str | None = None
    limits: Mapping[str, Any] = field(default_factory=dict)
    quota: str | None = None
    notes: str | None = None
    variants: Mapping[str, "Constraint"] = field(default_factory=dict)

    def variant(self, name: str | None) -> "Constraint":
        """This constraint as one of its named parts (severity and wording), or itself."""
        if not name:
            return self
        try:
            return self.variants[name]
        except KeyError:
            raise KeyError(f"{self.id} has no variant {name!r}") from None

    def limit(self, name: str, quotas: Mapping[str, Any] | None = None) -> Any:
        """A numeric limit; `max` is raised by the account's `quotas:` entry when this is a quota."""
        if name == "max" and self.quota and quotas and self.quota in quotas:
            return quotas[self.quota]
        return self.limits[name]

    def at(self, pointer: Any, *, at_key: bool = False, variant: str | None = None, **values: Any) -> Finding:
        """A finding of this constraint at `pointer` (at its key with `at_key`), in the wording
        of `variant` when given, with the `values` its message and fix name."""
        if variant is not None and variant not in self.variants:
            raise KeyError(f"{self.id} has no variant {variant!r}")
        return Finding(pointer, values, self.id, at_key, variant=variant)

    def render(self, values: Mapping[str, Any]) -> tuple[str, str | None]:
        """The message and the fix with `values` and the limits filled in."""
        merged = {**self.limits, **values}
        message = self.message.format_map(_Lenient(merged))
        fix = self.fix.format_map(_Lenient(merged)) if self.fix else None
        return message, fix


class _Lenient(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


class Catalog(Mapping[CatalogId, Constraint]):
    """The table of constraints, read-only."""

    def __init__(self, entries: Mapping[CatalogId, Constraint]):
        self._entries = dict(entries)

    def __getitem__(self, key: CatalogId) -> Constraint:
        return self._entries[key]

    def __iter__(self):
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)


def _parse(raw: Mapping[str, Any], origin: str) -> Constraint:
    try:
        base = Constraint(
            id=raw["id"],
            rule=raw["rule"],
            severity=Severity(raw["severity"]),
            chk=raw["chk"],
            source=raw["source"],
            message=raw["message"],
            fix=raw.get("fix"),
            limits=dict(raw.get("limits") or {}),
            quota=raw.get("quota"),
            notes=raw.get("notes"),
        )
        variants = {
            name: Constraint(
                id=base.id, rule=v.get("rule", base.rule), severity=Severity(v.get("severity", raw["severity"])),
                chk=base.chk, source=v.get("source", base.source), message=v.get("message", base.message),
                fix=v.get("fix", base.fix), limits={**base.limits, **(v.get("limits") or {})},
                quota=base.quota, notes=base.notes,
            )
            for name, v in (raw.get("variants") or {}).items()
        }
        return Constraint(**{**base.__dict__, "variants": variants})
    except (KeyError, ValueError) as exc:  # a broken data file is our bug, say where
        raise RuntimeError(f"{origin}: bad catalog entry {raw.get('id')!r}: {exc}") from exc


@functools.lru_cache(maxsize=1)
def load_catalog() -> Catalog:
    entries: dict[CatalogId, Constraint] = {}
    for path in sorted(DATA_DIR.glob("*.yaml")):
        for raw in yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER) or []:
            c = _parse(raw, path.name)
            if c.id in entries:
                raise RuntimeError(f"{path.name}: catalog ID {c.id} defined twice")
            entries[c.id] = c
    return Catalog(dict(sorted(entries.items(), key=lambda kv: _id_sort_key(kv[0]))))


def _id_sort_key(cid: str):
    prefix, _, num = cid.rpartition("-")
    return (prefix, int(num) if num.isdigit() else 0, cid)
