"""The rule registry (compiler/validate/rules/__init__.py) against the rule modules' source.

The rule functions are found by reading compiler/validate/rules/*.py with `ast`, not by
importing them: a rule a module defines but the registry misses would otherwise go unseen.
Each module's IDs live in the catalog file of the same name; every rule has a docstring and
takes one Constraint per ID; a variant a rule names exists in its catalog entry; a module
stays small enough to read; and a rule that crashes is reported as BG-013, not a traceback.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest
import yaml

from compiler.catalog import DATA_DIR, load_catalog
from compiler.problems import ROOT
from compiler.validate import ALL_RULES, MODEL_RULES, SPEC_RULES, Context, validate
from compiler.validate.context import rule
from compiler.validate.rules import SHARED_IDS, TOPICS

RULES_DIR = Path(__file__).resolve().parent.parent / "compiler" / "validate" / "rules"
MODULES = sorted(p for p in RULES_DIR.glob("*.py") if p.name != "__init__.py")
MAX_LINES = 320
# Catalog files that belong to no rule module: the spec file's own codes (loader, schema).
# Catalog files of codes no rule module reports: the spec file's own (loader, schema), the
# invocation's (cli.py, output.py), suppressions, environments (pipeline.py), the
# importers' diagnostics (compiler/importers/) and the diff's own (day_two).
# `day_two` holds batchgen's own codes that only the diff reports (compiler/diff/reasons.py).
NOT_A_TOPIC = {"spec_format", "invocation", "suppressions", "environments", "importers", "day_two"}


def _decorated(path: Path) -> list[tuple[ast.FunctionDef, str, tuple[str, ...], tuple[str, ...]]]:
    """(function, decorator name, IDs, `reads` IDs) of each @rule / @model_rule function of a module."""
    out = []
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if not isinstance(node, ast.FunctionDef):
            continue
        for dec in node.decorator_list:
            if isinstance(dec, ast.Call) and isinstance(dec.func, ast.Name) and dec.func.id in ("rule", "model_rule"):
                ids = tuple(a.value for a in dec.args if isinstance(a, ast.Constant))
                assert len(ids) == len(dec.args), f"{path.name}: {node.name} names an ID that is not a literal"
                reads: tuple[str, ...] = ()
                for kw in dec.keywords:
                    if kw.arg == "reads":
                        reads = tuple(ast.literal_eval(kw.value))
                out.append((node, dec.func.id, ids, reads))
    return out


SOURCE = {p.stem: _decorated(p) for p in MODULES}


def _catalog_file_ids() -> dict[str, list[str]]:
    return {p.stem: [e["id"] for e in yaml.safe_load(p.read_text(encoding="utf-8")) or []]
            for p in sorted(DATA_DIR.glob("*.yaml"))}


def test_the_registry_lists_every_rules_module():
    assert sorted(m.__name__.rsplit(".", 1)[1] for m in TOPICS) == [p.stem for p in MODULES]


def test_every_decorated_function_is_registered_once():
    registered = [(r.check.__module__.rsplit(".", 1)[1], r.name) for r in ALL_RULES]
    assert len(registered) == len(set(registered))
    in_source = [(topic, fn.name) for topic, found in SOURCE.items() for fn, *_ in found]
    assert sorted(registered) == sorted(in_source)
    assert {r.name for r in SPEC_RULES} | {r.name for r in MODEL_RULES} == {r.name for r in ALL_RULES}
    model = {fn.name for found in SOURCE.values() for fn, kind, *_ in found if kind == "model_rule"}
    assert {r.name for r in MODEL_RULES} == model


def test_every_id_a_rule_names_is_in_the_catalog():
    catalog = load_catalog()
    for r in ALL_RULES:
        for cid in (*r.ids, *r.reads):
            assert cid in catalog, f"{r.name} names {cid}, which the catalog doesn't have"
        assert not set(r.ids) & set(r.reads), f"{r.name} both reports and only reads {set(r.ids) & set(r.reads)}"


def test_each_modules_ids_are_in_the_catalog_file_of_its_name():
    files = _catalog_file_ids()
    assert set(files) == set(SOURCE) | NOT_A_TOPIC, "a catalog file for each rules module, and NOT_A_TOPIC's"
    reported_by: dict[str, set[str]] = {}
    for topic, found in SOURCE.items():
        for _, _, ids, _ in found:
            for cid in ids:
                reported_by.setdefault(cid, set()).add(topic)
    for cid, topics in reported_by.items():
        homes = [t for t, ids in files.items() if cid in ids]
        assert len(homes) == 1, f"{cid} is in {homes}"
        if cid in SHARED_IDS:
            assert homes[0] in topics, f"{cid} lives in {homes[0]}.yaml, which reports none of it ({sorted(topics)})"
        else:
            assert homes == list(topics), f"{cid} is reported by {sorted(topics)} but lives in {homes[0]}.yaml"
    for topic, ids in files.items():
        for cid in ids:
            assert cid not in reported_by or topic in reported_by[cid], \
                f"{topic}.yaml holds {cid}, which only {sorted(reported_by[cid])} reports"
    assert not {cid for topic in NOT_A_TOPIC for cid in files[topic]} & set(reported_by)


def test_only_the_listed_ids_are_reported_by_more_than_one_rule():
    claims: dict[str, list[str]] = {}
    for r in ALL_RULES:
        for cid in r.ids:
            claims.setdefault(cid, []).append(r.name)
    shared = {cid for cid, names in claims.items() if len(names) > 1}
    assert shared == set(SHARED_IDS), {cid: claims[cid] for cid in shared ^ set(SHARED_IDS) if cid in claims}


def test_every_rule_has_a_docstring_and_takes_its_constraints():
    for topic, found in SOURCE.items():
        for fn, _, ids, reads in found:
            assert ast.get_docstring(fn), f"{topic}.{fn.name} has no docstring"
            args = fn.args
            assert not args.vararg and not args.kwonlyargs and not args.defaults, f"{topic}.{fn.name}"
            assert len(args.args) == 1 + len(ids) + len(reads), \
                f"{topic}.{fn.name} takes {len(args.args) - 1} constraints for {len(ids) + len(reads)} IDs"
    assert all(r.doc for r in ALL_RULES)


def _variant_names(value: ast.expr) -> list[str]:
    if isinstance(value, ast.Constant):
        return [value.value] if isinstance(value.value, str) else []
    if isinstance(value, ast.IfExp):
        return _variant_names(value.body) + _variant_names(value.orelse)
    return []


def test_variants_a_rule_names_are_in_its_catalog_entry():
    """`c.at(..., variant="x")` with a literal: the catalog entry of c's ID has that variant
    (the fuzzer once found a rule asking for one that didn't exist), and a rule reports only
    the IDs it names, never those it only `reads`."""
    catalog = load_catalog()
    checked = 0
    for topic, found in SOURCE.items():
        for fn, _, ids, reads in found:
            params = [a.arg for a in fn.args.args[1:]]
            by_param = dict(zip(params, (*ids, *reads)))
            for node in ast.walk(fn):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "at"
                        and isinstance(node.func.value, ast.Name) and node.func.value.id in by_param):
                    continue
                cid = by_param[node.func.value.id]
                assert cid not in reads, f"{topic}.{fn.name} reports {cid}, which it only reads"
                for kw in node.keywords:
                    if kw.arg == "variant":
                        for name in _variant_names(kw.value):
                            assert name in catalog[cid].variants, f"{topic}.{fn.name}: {cid} has no variant {name!r}"
                            checked += 1
    assert checked > 100  # the walk sees the rules' variants at all


@pytest.mark.parametrize("path", MODULES, ids=[p.stem for p in MODULES])
def test_a_rules_module_is_small_and_says_what_it_checks(path: Path):
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= MAX_LINES, f"{path.name} has {len(text.splitlines())} lines"
    doc = ast.get_docstring(ast.parse(text))
    assert doc, f"{path.name} has no docstring"
    first = doc.splitlines()[0]
    assert first.endswith(".") and len(first) <= 120, f"{path.name}: the first line is one sentence: {first!r}"


def test_a_crashing_rule_is_a_bg_013_finding_not_a_traceback():
    @rule("JQ-004")
    def divides_by_zero(ctx, c):
        """Crashes on purpose."""
        yield c.at(ROOT, found=1 // 0)

    ctx = Context({"jobQueues": []}, set())
    (finding,) = divides_by_zero.run(ctx)
    assert finding.code == "BG-013" and finding.pointer == ROOT
    assert finding.values["rule"] == "JQ-004 (divides_by_zero)"
    assert finding.values["detail"].startswith("ZeroDivisionError: integer division or modulo by zero at ")
    message, _ = load_catalog()["BG-013"].render(finding.values)
    assert message.startswith("internal error in rule JQ-004 (divides_by_zero): ZeroDivisionError")
    # and through validate(), beside the schema's findings and the other rules'
    codes = [f.code for f in validate({"batchgen": 1}, rules=(divides_by_zero,))]
    assert codes.count("BG-013") == 1


def test_a_variant_the_catalog_lacks_is_a_bg_013_finding():
    @rule("JQ-004")
    def asks_for_a_missing_variant(ctx, c):
        """Names a variant JQ-004 doesn't have."""
        yield c.at(ROOT, variant="no such variant")

    (finding,) = asks_for_a_missing_variant.run(Context({}, set()))
    assert finding.code == "BG-013" and "KeyError" in finding.values["detail"]


# --- the rules of two specs (batchgen diff) ----------------------------------------------------

def test_the_diffs_codes_are_in_the_catalog_where_their_topic_is():
    """compiler/diff/reasons.py's DIFF_RULE_IDS is the documented list of what batchgen diff
    checks: every ID is in the catalog; an `upd` row of the catalog is in the file of its topic
    (CE-* in compute_environments.yaml, ...), batchgen's own diff codes in day_two.yaml, and
    every code of day_two.yaml is one the diff reports; every `upd` row the catalog holds is
    checked by the diff (what one spec alone can't check is two specs' to check)."""
    from compiler.diff.reasons import ALL_DIFF_RULES, DIFF_RULE_IDS

    catalog = load_catalog()
    files = _catalog_file_ids()
    assert set(DIFF_RULE_IDS) == {cid for r in ALL_DIFF_RULES for cid in r.ids}
    for cid in DIFF_RULE_IDS:
        assert cid in catalog, cid
    assert set(files["day_two"]) <= set(DIFF_RULE_IDS), set(files["day_two"]) - set(DIFF_RULE_IDS)
    upd = {cid for cid, c in catalog.items() if c.chk == "upd"}
    assert upd <= set(DIFF_RULE_IDS) | {"BG-013"}, upd - set(DIFF_RULE_IDS)
    spec_rule_ids = {cid for r in ALL_RULES for cid in r.ids}
    for cid in set(DIFF_RULE_IDS) - {"BG-013"}:
        home = next(t for t, ids in files.items() if cid in ids)
        if cid.startswith("BG-"):
            assert home == "day_two" or cid in spec_rule_ids, f"{cid} lives in {home}.yaml"
        else:
            assert home != "day_two", f"{cid} is a catalog row: it lives in the file of its topic"
    for r in ALL_DIFF_RULES:
        assert r.doc, f"diff rule {r.name} has no docstring"
