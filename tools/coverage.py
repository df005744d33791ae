"""How much of the constraint catalog batchgen checks. Not used at runtime.

    .venv/bin/python tools/coverage.py          # counts, then every gap
    .venv/bin/python tools/coverage.py --ids    # also list the IDs of each group

Reads docs/aws-batch-constraints.md (the catalog, a copy of the design's), the rules
(compiler.validate.ALL_RULES), the rules of two specs (compiler.diff.reasons.DIFF_RULE_IDS,
`batchgen diff`: the `upd` rows), the schema's `x-constraint` tags and
compiler/data/not_implemented.yaml. A catalog row is *checkable from the spec* when its
Chk column says `spec` or `cross` (section 10, which has no Chk column, is all `cross`);
its severity is *E* when its Sev column has an E part. tests/test_catalog_coverage.py
turns the gaps into failures.

not_implemented.yaml entries: `{id, reason}` plus, for an E row, either
`checkable: false` (the row can't actually be checked from the spec, despite its Chk
column) or `covered_by: [IDs]` (the same check is reported under other IDs, all of which
must be implemented).
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `python tools/coverage.py` puts tools/, not the repo, on the path
    sys.path.insert(0, str(ROOT))

CATALOG_DOC = ROOT / "docs" / "aws-batch-constraints.md"
NOT_IMPLEMENTED = ROOT / "compiler" / "data" / "not_implemented.yaml"
SCHEMA = ROOT / "schemas" / "batchgen.schema.json"
CASES = ROOT / "tests" / "rules" / "cases"

_ID = re.compile(r"^[A-Z]+-[0-9]{3}$")


@dataclass(frozen=True)
class Row:
    id: str
    chk: str
    sev: str
    section: str

    @property
    def checkable(self) -> bool:
        return re.search(r"\b(spec|cross)\b", self.chk) is not None

    @property
    def error(self) -> bool:
        return re.search(r"\bE\b", self.sev) is not None


def catalog_rows(text: str) -> list[Row]:
    """Every table row of the catalog whose first cell is an ID, with its Chk and Sev cells."""
    rows, header, section = [], None, ""
    for line in text.splitlines():
        if line.startswith("## "):
            section, header = line[3:].strip(), None
            continue
        if not line.startswith("|"):
            header = None
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if header is None:
            header = [c.strip("*").lower() for c in cells]
            continue
        if not _ID.match(cells[0]):
            continue
        col = {name: i for i, name in enumerate(header)}
        chk = cells[col["chk"]] if "chk" in col else ("cross" if cells[0].startswith("XR-") else "")
        sev = cells[col["sev"]] if "sev" in col else ""
        rows.append(Row(cells[0], chk, sev, section))
    return rows


def schema_ids(schema: object) -> set[str]:
    out: set[str] = set()
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            tags = node.get("x-constraint")
            if isinstance(tags, dict):
                out.update(v for v in tags.values() if isinstance(v, str))
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return out


@dataclass
class Coverage:
    rows: list[Row]
    rule_ids: dict[str, list[str]]  # ID -> rule function names
    schema_ids: set[str]
    diff_ids: dict[str, list[str]]  # ID -> diff rule function names (two specs)
    not_implemented: list[dict]
    catalog_ids: list[str]  # IDs of compiler/data/catalog/*.yaml, in file order (repeats kept)
    problems: list[tuple[str, str]] = field(default_factory=list)
    shared_ids: set[str] = field(default_factory=set)  # reported by several rules on purpose

    checked_by: dict[str, tuple[str, ...]] = field(default_factory=dict)  # compiler/checks.py

    def implemented(self, cid: str) -> bool:
        return cid in self.checked_by


# `upd` rows with E that no pair of compilable specs can break, so they have no rule case
# folder; each is checked by a unit test instead (named here).
UPD_WITHOUT_CASES = {
    "CE-060": "no compilable spec holds ECS_MANAGED_INSTANCES (its managedInstancesProvider is BG-011: "
              "hashicorp/aws 6.47 has no argument for it); tests/test_diff.py checks the rule on two models",
}


def collect() -> Coverage:
    from compiler.diff.reasons import DIFF_RULE_IDS
    from compiler.validate.rules import ALL_RULES, SHARED_IDS

    rule_ids: dict[str, list[str]] = {}
    for r in ALL_RULES:
        for cid in r.ids:
            rule_ids.setdefault(cid, []).append(r.name)
    catalog_ids = []
    for path in sorted((ROOT / "compiler" / "data" / "catalog").glob("*.yaml")):
        catalog_ids += [e["id"] for e in yaml.safe_load(path.read_text(encoding="utf-8")) or []]
    listed = yaml.safe_load(NOT_IMPLEMENTED.read_text(encoding="utf-8")) if NOT_IMPLEMENTED.exists() else []
    from compiler.checks import checked_by

    cov = Coverage(catalog_rows(CATALOG_DOC.read_text(encoding="utf-8")), rule_ids,
                   schema_ids(json.loads(SCHEMA.read_text(encoding="utf-8"))), dict(DIFF_RULE_IDS), listed or [],
                   catalog_ids, shared_ids=set(SHARED_IDS), checked_by=checked_by())
    cov.problems = check(cov)
    return cov


def check(cov: Coverage) -> list[tuple[str, str]]:
    """Every gap as (kind, text): kind is ids, listing, errors or cases (empty: the catalog is covered)."""
    problems = []
    by_id: dict[str, Row] = {}
    for row in cov.rows:
        if row.id in by_id:
            problems.append(("ids", f"{row.id}: appears twice in {CATALOG_DOC.name}"))
        by_id[row.id] = row
    listed: dict[str, dict] = {}
    for entry in cov.not_implemented:
        cid = entry.get("id") if isinstance(entry, dict) else None
        if not cid:
            problems.append(("listing", f"not_implemented.yaml: entry without id: {entry!r}"))
            continue
        if cid in listed:
            problems.append(("ids", f"{cid}: listed twice in not_implemented.yaml"))
        listed[cid] = entry
        if not str(entry.get("reason") or "").strip():
            problems.append(("listing", f"{cid}: listed in not_implemented.yaml without a reason"))
        if cid not in by_id:
            problems.append(("ids", f"{cid}: listed in not_implemented.yaml but not in the catalog"))
    for cid, n in Counter(cov.catalog_ids).items():
        if n > 1:
            problems.append(("ids", f"{cid}: defined {n} times in compiler/data/catalog/*.yaml"))
    for cid in sorted(set(cov.catalog_ids) | set(cov.rule_ids) | cov.schema_ids | set(cov.diff_ids)):
        if not cid.startswith("BG-") and cid not in by_id:
            problems.append(("ids", f"{cid}: used by batchgen but not an ID of {CATALOG_DOC.name}"))
    for cid in sorted(set(cov.catalog_ids)):
        if cid.startswith("BG-") and not cov.implemented(cid) and cid not in listed:
            problems.append(("ids", f"{cid}: batchgen's own code, but nothing reports it (compiler/checks.py)"))
    for cid, names in sorted(cov.rule_ids.items()):
        if len(names) > 1 and cid not in cov.shared_ids:
            problems.append(("ids", f"{cid}: checked by more than one rule ({', '.join(names)})"))
        if cid not in cov.catalog_ids:
            problems.append(("ids", f"{cid}: rule {names[0]} has no entry in compiler/data/catalog/*.yaml"))
    for row in cov.rows:
        if re.search(r"\bupd\b", row.chk):  # two specs: batchgen diff
            if row.id not in cov.diff_ids and not cov.implemented(row.id):
                problems.append(("listing", f"{row.id}: an upd row no rule of batchgen diff checks"))
            elif row.error and row.id in cov.diff_ids and not (CASES / row.id).is_dir() \
                    and row.id not in UPD_WITHOUT_CASES:
                problems.append(("cases", f"{row.id}: an upd E constraint without tests/rules/cases/{row.id}/"))
        if not row.checkable:
            continue
        entry = listed.get(row.id)
        if cov.implemented(row.id):
            if entry is not None:
                problems.append(("listing", f"{row.id}: implemented, but still listed in not_implemented.yaml"))
            if row.error and not (CASES / row.id).is_dir():
                problems.append(("cases", f"{row.id}: an implemented E constraint without tests/rules/cases/{row.id}/"))
            continue
        if entry is None:
            problems.append(("listing", f"{row.id}: ({row.chk}, {row.sev or 'no severity'}) neither implemented "
                                        "nor listed in not_implemented.yaml"))
            continue
        covered = entry.get("covered_by")
        if covered:
            missing = [c for c in covered if not cov.implemented(c)]
            if missing:
                problems.append(("errors", f"{row.id}: covered_by {', '.join(missing)}, which "
                                           f"{'is' if len(missing) == 1 else 'are'} not implemented"))
        elif row.error and entry.get("checkable") is not False:
            problems.append(("errors", f"{row.id}: an E constraint checkable from the spec is not implemented "
                                       "(mark it `checkable: false` with the reason, or `covered_by` the IDs that report it)"))
    return problems


def summary(cov: Coverage, ids: bool = False) -> str:
    groups: dict[str, list[str]] = {}

    def put(name: str, cid: str) -> None:
        groups.setdefault(name, []).append(cid)

    listed = {e.get("id"): e for e in cov.not_implemented if isinstance(e, dict)}
    for row in cov.rows:
        if row.id in cov.diff_ids and row.id not in cov.rule_ids:
            put("implemented by batchgen diff (upd: two specs)", row.id)
        elif not row.checkable:
            put("not checkable from the spec (acct / run / no Chk)", row.id)
        elif row.id in cov.rule_ids:
            put("implemented by a rule", row.id)
        elif row.id in cov.schema_ids:
            put("implemented by the schema only", row.id)
        elif row.id in listed:
            e = listed[row.id]
            if e.get("covered_by"):
                put("not implemented: reported under other IDs (covered_by)", row.id)
            elif e.get("checkable") is False:
                put("not implemented: not checkable after all (checkable: false)", row.id)
            else:
                put("not implemented: other reason (W or informational)", row.id)
        else:
            put("MISSING: neither implemented nor listed", row.id)
    checkable = [r for r in cov.rows if r.checkable]
    done = [r for r in checkable if cov.implemented(r.id)]
    upd = [r for r in cov.rows if re.search(r"\bupd\b", r.chk)]
    lines = [f"catalog rows: {len(cov.rows)}; checkable from the spec (spec/cross): {len(checkable)}; "
             f"implemented: {len(done)} ({sum(r.error for r in done)} of them E); "
             f"rules: {len(cov.rule_ids)} IDs, schema tags: {len(cov.schema_ids)} IDs; "
             f"upd rows: {len(upd)}, checked by batchgen diff: {sum(r.id in cov.diff_ids for r in upd)}"]
    for name, members in groups.items():
        lines.append(f"  {name}: {len(members)}" + (f"  {' '.join(members)}" if ids else ""))
    lines.append(f"problems: {len(cov.problems)}")
    lines += [f"  [{kind}] {text}" for kind, text in cov.problems]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--ids", action="store_true", help="list the IDs of each group")
    args = p.parse_args(argv)
    cov = collect()
    sys.stdout.write(summary(cov, args.ids))
    return 1 if cov.problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
