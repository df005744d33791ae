"""Fuzzing: mutated example specs never crash the compiler, and every failure is located.

Two property tests start from the examples in specs/:

- `test_mutated_spec_data` loads a spec, applies a few structural mutations (delete a key
  or list item, replace a value with another type, an out-of-range number or a garbage
  string, rename a key, duplicate an entry, point a reference at another name or at none,
  move a subtree elsewhere, empty a list or mapping, wrap a value in a list or mapping, add
  a section of another example) and dumps it back with yaml.safe_dump;
- `test_mutated_spec_text` edits the text itself (delete, duplicate or swap lines, change
  indentation, insert YAML punctuation, anchors, aliases, tags or odd characters,
  truncate).

Then `compile_text` must return: no exception escapes; every problem has a catalog-style
code, a severity and a message, and a line and column inside the file; no BG-013 (a rule
crashed: a bug, even though it is reported); and a spec without errors gives output
whose JSON files parse and whose text is valid UTF-8.

CI runs them derandomized with a bounded number of examples (the whole module takes a
few seconds); HYPOTHESIS_PROFILE=explore searches 1,000 fresh examples per test.
`test_every_reference_field_with_odd_values` gives every by-name reference field a few odd
values deterministically (the fuzzers seldom hit one field with one value), and the plain
tests at the end are the crashes the fuzzers found, kept as regressions.
"""
from __future__ import annotations

import copy
import json
import math
import re
from typing import Any

import pytest
import yaml
from hypothesis import given, note, settings, strategies as st

from compiler.language import REFERENCES, section_items, section_path, walk_path
from compiler.pipeline import compile_text
from compiler.problems import Severity

from .helpers import SPECS

SPEC_TEXT = {p.stem: p.read_text(encoding="utf-8") for p in SPECS}
SPEC_DATA = {name: yaml.safe_load(text) for name, text in SPEC_TEXT.items()}
NAMES = sorted(SPEC_TEXT)

# Scaled from the profile's max_examples (100 in "ci", 1,000 in "explore").
EXAMPLES = settings.default.max_examples

CODE = re.compile(r"^(BG|[A-Z]+)-\d+$")
# YAML's line breaks (PyYAML and libyaml count lines by these)
LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


# --- checking a result ---------------------------------------------------------------------

def check(text: str, file: str = "spec.yaml"):
    """Compile `text` and assert everything the fuzzers promise. Returns the result."""
    result = compile_text(text, file)
    lines = LINE_BREAK.split(text)
    for p in result.problems:
        where = f"{p.code} {p.span} {p.message!r}"
        assert CODE.match(p.code), where
        assert p.code != "BG-013", f"a rule crashed: {p.message}"
        assert isinstance(p.severity, Severity), where
        assert isinstance(p.message, str) and p.message.strip(), where
        assert p.file == file, where
        assert p.span.line >= 1 and p.span.column >= 1, where
        assert p.span.line <= len(lines), f"line outside the file ({len(lines)} lines): {where}"
        assert p.span.column <= len(lines[p.span.line - 1]) + 1, f"column outside line: {where}"
        if p.span.end_line:
            assert (p.span.end_line, p.span.end_column) >= (p.span.line, p.span.column), where
            assert p.span.end_line <= len(lines), f"end outside the file ({len(lines)} lines): {where}"
            assert p.span.end_column <= len(lines[p.span.end_line - 1]) + 1, f"end outside line: {where}"
    if not result.errors:
        assert result.files, "no errors and no output"
        for rel, body in result.files.items():
            assert isinstance(body, str), rel
            body.encode("utf-8")  # writable: no lone surrogates
            if rel.endswith(".json"):
                json.loads(body)
        assert any(rel.endswith(".tf") for rel in result.files)
    return result


# --- structural mutations ------------------------------------------------------------------

NUMBERS = [0, -1, 1, -(2**31), 2**31, 2**31 - 1, 2**53 + 1, 2**63, -(2**63), 2**64, 10**30, -(10**30),
           0.0, -0.0, 0.5, 1.5, -0.5, 1e308, -1e308, 5e-324, math.inf, -math.inf, math.nan, 10**400]
GARBAGE = [
    "", " ", "\t", "\n", "  leading", "trailing  ", "a\nb", "a\r\nb", "\x00", "\x07", "\x1b[31mred",
    "\u2028", "\u0085", "\ufeff", "\u200b", "💥", "İıĞ", "ǅ", "ﬀ", "a" * 300, "x" * 5000,
    "Ref::", "Ref::x", "Ref::" + "p" * 300, "Ref::a Ref::b", "Ref::ünïcode",
    "arn:", "arn:aws:iam::123456789012:role/", "arn:aws:iam:::role/x", "arn:aws:iam::12:role//x",
    "arn:aws:batch:us-east-1:123456789012:job-queue/", "arn:aws:batch:us-east-1:123456789012:job-queue/a/b",
    "arn:aws:batch:us-east-1:123456789012:job-definition/jd:0", "arn:aws:sns:us-east-1:123456789012:",
    "arn:aws:iam::aws:policy/", "arn:aws-cn:iam::123456789012:role/x", "arn:aws:ecs:::*",
    "${var.x}", "${", "%{ if true }x%{ endif }", "$${x}", "\"'\\", "\\u0000", "'", '"', "`id`", "$(id)",
    "-", "~", "null", "yes", "on", "0x1F", "0o17", "017", "1e3", ".inf", ".nan", "..", "/", "*", "?",
    "&a", "*a", "!!python/object:os.system", "<<", "=", "{", "[", "#", "%", "@", "|", ">",
    "EC2", "SPOT", "FARGATE", "MANAGED", "container", "multinode", "eks", "ENABLED", "VCPU", "MEMORY", "GPU",
    "NoSuchThing", "0", "-1", "1.5", "99999999999999999999", "cron(0 12 * * ? *)", "rate(0 minutes)",
    "rate(1 minute)", "cron(", "at(2020-01-01T00:00:00)", "us-east-1", "xx-nowhere-9", "123456789012",
    "12345678901", "2012-10-17", "sg-", "subnet-", "m5.", ".large", "optimal", "*.metal", "s3://", "s3:/",
    "arn:aws:batch:us-east-1:123456789012:compute-environment/x",
]

SCALARS = st.one_of(
    st.none(), st.booleans(), st.sampled_from(NUMBERS), st.integers(), st.floats(),
    st.sampled_from(GARBAGE), st.text(max_size=12),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8) | st.sampled_from(GARBAGE),
                                                                inner, max_size=3),
    max_leaves=6,
)


def _paths(node: Any, prefix: tuple = ()):
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, (*prefix, i))


def _get(root: Any, path: tuple) -> Any:
    for part in path:
        root = root[part]
    return root


def _strings(node: Any) -> list[str]:
    out = []
    for path in _paths(node):
        v = _get(node, path)
        if isinstance(v, str):
            out.append(v)
        if path and isinstance(path[-1], str):
            out.append(path[-1])
    return sorted(set(out))


class Doc:
    """A mutable spec (the root is boxed so it can be replaced too)."""

    def __init__(self, data: Any):
        self.box = {"root": data}

    @property
    def data(self) -> Any:
        return self.box["root"]

    def parent(self, path: tuple) -> tuple[Any, Any]:
        full = ("root", *path)
        return _get(self.box, full[:-1]), full[-1]


def mutate(draw, doc: Doc) -> str:
    """Apply one random mutation to `doc`; returns what it did (for the failure report)."""
    paths = list(_paths(doc.data))
    path = draw(st.sampled_from(paths))
    parent, key = doc.parent(path)
    value = parent[key]
    kind = draw(st.sampled_from(["delete", "replace", "number", "string", "rename", "duplicate",
                                 "reference", "move", "empty", "wrap", "graft"]))
    if kind == "graft" and isinstance(doc.data, dict):  # a section of another example, added
        other = SPEC_DATA[draw(st.sampled_from(NAMES))]
        key = draw(st.sampled_from(sorted(other)))
        mine, theirs = doc.data.get(key), copy.deepcopy(other[key])
        if isinstance(mine, list) and isinstance(theirs, list):
            mine.extend(theirs)
        elif isinstance(mine, dict) and isinstance(theirs, dict):
            doc.data[key] = {**theirs, **mine}
        else:
            doc.data[key] = theirs
        return f"graft {key}"
    if kind == "delete" and path:
        del parent[key]
    elif kind == "replace":
        parent[key] = draw(VALUES)
    elif kind == "number":
        parent[key] = draw(st.sampled_from(NUMBERS))
    elif kind == "string":
        parent[key] = draw(st.sampled_from(GARBAGE) | st.text(max_size=40))
    elif kind == "rename" and path and isinstance(parent, dict):
        new = draw(st.sampled_from(_strings(doc.data) + GARBAGE) | SCALARS.filter(lambda k: k == k))
        items = [(new if k == key else k, v) for k, v in parent.items()]
        parent.clear()
        parent.update(items)
    elif kind == "duplicate":
        if isinstance(parent, list):
            parent.insert(draw(st.integers(0, len(parent))), copy.deepcopy(value))
        elif isinstance(value, list) and value:
            value.append(copy.deepcopy(draw(st.sampled_from(value))))
        elif isinstance(value, dict) and value:
            parent[key] = [copy.deepcopy(value), copy.deepcopy(value)]
    elif kind == "reference":  # another name of the spec (maybe of the wrong kind), or none
        parent[key] = draw(st.sampled_from([*_strings(doc.data), "NoSuchEntry"]))
    elif kind == "move":  # another subtree of the spec, deep-copied here
        other = draw(st.sampled_from(paths))
        parent[key] = copy.deepcopy(_get(doc.data, other))
    elif kind == "empty":
        parent[key] = draw(st.sampled_from([[], {}, None, "", [None], [{}], {"": None}]))
    elif kind == "wrap":
        parent[key] = [value] if draw(st.booleans()) else {"value": value}
    else:
        return "nothing"
    return f"{kind} at {list(path)}"


def dump(data: Any, draw) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=draw(st.booleans()),
                          default_flow_style=draw(st.sampled_from([False, None])),
                          width=draw(st.sampled_from([80, 10**6])))


@settings(max_examples=2 * EXAMPLES)
@given(name=st.sampled_from(NAMES), data=st.data())
def test_mutated_spec_data(name, data):
    doc = Doc(copy.deepcopy(SPEC_DATA[name]))
    done = [mutate(data.draw, doc) for _ in range(data.draw(st.integers(1, 5), label="mutations"))]
    text = dump(doc.data, data.draw)
    note(f"{name}: {done}")
    note(text)
    check(text)


# --- text mutations ------------------------------------------------------------------------

SNIPPETS = ["\t", ":", ": ", "- ", "-", "[", "]", "{", "}", ",", "&a ", "*a", "&a", "!!tag ", "!!str ", "!!int ",
            "!!binary ", "!!set ", "!!omap ", "!local ", "!!python/name:os.system ", "<<: *a", "<<: ", "? ",
            "|", "|-", ">", "'", '"', "#", "%YAML 1.1\n", "%TAG ! tag:x,2000:\n", "---\n", "...\n", "\ufeff",
            "\x00", "\r", "\u2028", "\x85", "\\", "@", "`", "~", "null", " ", "    ", "\n", "\n  ",
            "0x", "0o7", "1e9999", ".nan", "-.inf", "yes", "09", "Ref::x", "💥", "İ"]


def mutate_text(draw, text: str) -> tuple[str, str]:
    lines = text.split("\n")
    kind = draw(st.sampled_from(["delete", "duplicate", "swap", "indent", "insert", "insert", "truncate",
                                 "replace"]))
    i = draw(st.integers(0, len(lines) - 1))
    if kind == "delete":
        del lines[i]
    elif kind == "duplicate":
        lines.insert(i, lines[i])
    elif kind == "swap":
        j = draw(st.integers(0, len(lines) - 1))
        lines[i], lines[j] = lines[j], lines[i]
    elif kind == "indent":
        lines[i] = " " * draw(st.integers(0, 12)) + lines[i].lstrip(" ")
    else:
        at = draw(st.integers(0, len(text)))
        if kind == "truncate":
            return text[:at], f"truncate at {at}"
        piece = draw(st.sampled_from(SNIPPETS) | st.text(max_size=4))
        if kind == "replace":
            return text[:at] + piece + text[at + len(piece):], f"replace at {at} with {piece!r}"
        return text[:at] + piece + text[at:], f"insert {piece!r} at {at}"
    return "\n".join(lines), f"{kind} line {i + 1}"


@settings(max_examples=3 * EXAMPLES // 2)
@given(name=st.sampled_from(NAMES), data=st.data())
def test_mutated_spec_text(name, data):
    text = SPEC_TEXT[name]
    done = []
    for _ in range(data.draw(st.integers(1, 4), label="mutations")):
        text, what = mutate_text(data.draw, text)
        done.append(what)
    note(f"{name}: {done}")
    note(text)
    check(text)


# --- every reference field, deterministically ---------------------------------------------

def _reference_sites() -> list[tuple[str, str, tuple]]:
    """(example, field, path) for the first use of each by-name reference field in specs/."""
    sites = []
    for ref in REFERENCES:
        for name in NAMES:
            items = section_items(SPEC_DATA[name], ref.section)
            hits = [(*section_path(ref.section), i, *rel) for i, entry in enumerate(items or [])
                    for rel, value in walk_path(entry, ref.path) if isinstance(value, str)]
            if hits:
                sites.append((name, f"{ref.section}.{str(ref)}", hits[0]))
                break
    return sites


ODD_NAMES = ["", " ", "NoSuchEntry", 0, -1, None, True, [], {}, ["x"], "Ref::x", "arn:aws:iam::123456789012:role/"]


@pytest.mark.parametrize("name, field, path", _reference_sites(), ids=[f"{n}:{f}" for n, f, _ in _reference_sites()])
def test_every_reference_field_with_odd_values(name, field, path):
    """The fuzzers rarely hit one field with one value: each reference field of the examples
    gets each odd value (the empty name crashed most emitters)."""
    for value in ODD_NAMES:
        check(_spec(name, _set(path, value)))


# --- regressions: crashes the fuzzers found ------------------------------------------------

def _spec(name: str, edit) -> str:
    data = copy.deepcopy(SPEC_DATA[name])
    edit(data)
    return yaml.safe_dump(data, sort_keys=False)


def _set(path: tuple, value):
    def edit(data):
        for key in path[:-1]:
            data = data[key]
        data[path[-1]] = value
    return edit


REGRESSIONS = {
    # BG-105 (and the other IAM rules) iterated `jobs` whatever its type: BG-013 TypeError
    "jobs is a number": "batchgen: 1\nproject: x\njobs: -1\n",
    "jobs is a boolean": "batchgen: 1\nproject: x\njobs: true\niam: {policies: [{ManagedPolicyName: p, "
                         "Access: [read]}]}\n",
    # SJO-007 asked the catalog for a variant 'fargate' it doesn't have: KeyError
    # (tests/rules/cases/SJO-007/bad-3.yaml is the whole case)
    "nodeOverrides on a Fargate job": _spec("cheat-sheet", _set(("jobs", 0, "nodeOverrides"), {"numNodes": 2})),
    # XR-001 let an empty name through; the emitters then looked up an entry called '':
    # KeyError (tests/rules/cases/XR-001/bad-2.yaml has one of each field)
    "empty compute environment of a queue": _spec(
        "cheat-sheet", _set(("jobQueues", 0, "computeEnvironmentOrder", 0, "computeEnvironment"), "")),
    "empty job queue in Access": _spec(
        "scheduled-etl", _set(("iam", "policies", 0, "Access", 0, "submit", "jobQueues", 0), "")),
    "empty job of a schedule": _spec("scheduled-etl", _set(("schedules", 0, "job"), "")),
    "empty serviceRole of a MANAGED environment": _spec(
        "scheduled-etl", _set(("computeEnvironments", 0, "serviceRole"), "")),
    "empty jobQueue of a job (passed, and wrote jobQueue '')": _spec("cheat-sheet", _set(("jobs", 0, "jobQueue"), "")),
}


@pytest.mark.parametrize("text", list(REGRESSIONS.values()), ids=list(REGRESSIONS))
def test_found_by_fuzzing(text):
    result = check(text)
    assert result.errors


# --- two mislocations the fuzzers found in the loader ---------------------------------------

def test_end_of_file_problems_stay_inside_a_file_without_a_final_line_break():
    for text in ("batchgen: 1\nproject: x\njobQueues: [",  # BG-001 at 4:1 of a 3-line file
                 "batchgen: 1\nproject: x\njobQueues:\n  - jobQueueName: q"):  # BG-005 ends at 5:1 of 4 lines
        for p in compile_text(text, "spec.yaml").problems:
            assert p.span.line <= 4 - ("[" in text), p
            assert p.span.end_line <= 4 - ("[" in text), p


def test_a_forbidden_character_after_non_ascii_text_is_located_by_characters():
    text = "# ééééééééééé\nb: 1\nc: 2\nd: \x1f\n"  # libyaml's position counts UTF-8 bytes
    (p,) = compile_text(text, "spec.yaml").problems
    assert (p.code, p.span.line, p.span.column) == ("BG-001", 4, 4)
