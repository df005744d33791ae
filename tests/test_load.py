"""The loader: positions for every key and value (numbers too), duplicates, safe YAML only."""
from __future__ import annotations

from compiler.load import load_text
from compiler.problems import Pointer, Span


def _at(span: Span) -> tuple[int, int]:
    return span.line, span.column


def test_every_value_and_key_has_a_position():
    doc = load_text("a:\n  - {n: 12, s: x}\n  - 3.5\nb: true\n")
    assert doc.data == {"a": [{"n": 12, "s": "x"}, 3.5], "b": True}
    assert doc.source.value_span(Pointer(("a", 0, "n"))) == Span(2, 9, 2, 11)
    assert _at(doc.source.value_span(Pointer(("a", 1)))) == (3, 5)
    assert _at(doc.source.key_span(Pointer(("b",)))) == (4, 1)


def test_locate_falls_back_to_the_nearest_ancestor():
    doc = load_text("a:\n  b: 1\n")
    assert _at(doc.source.locate(Pointer(("a", "missing")))) == (2, 3)


def test_duplicate_key_is_reported_at_the_second():
    doc = load_text("a: 1\nb: 2\na: 3\n")
    (f,) = doc.findings
    assert f.code == "BG-002" and _at(f.span) == (3, 1) and f.values["first_line"] == 1


def test_dates_stay_strings_and_merge_keys_work():
    doc = load_text("base: &b {x: 1, y: 2}\nd: 2018-11-19\nc:\n  <<: *b\n  y: 3\n")
    assert doc.data["d"] == "2018-11-19"
    assert doc.data["c"] == {"x": 1, "y": 3}


def test_non_string_keys_and_tags_are_problems():
    doc = load_text("1: a\nb: !custom x\n")
    assert [f.code for f in doc.findings] == ["BG-012", "BG-012"]


def test_syntax_error_has_a_position():
    fatal = load_text("a: [1, 2\nb: 3\n").fatal
    assert fatal.code == "BG-001" and (fatal.span.line, fatal.span.column) == (1, 4)
    assert "flow sequence" in fatal.values["detail"]


def test_an_unclosed_bracket_or_quote_is_reported_where_it_was_opened():
    """Issue 14: the '{' left open on line 1, not where libyaml gave up (the next line)."""
    for text, opened, stop in (("a: [1, 2\nb: 3\n", "flow sequence", "line 2, column 2"),
                               ("a:\n  - {x: 1, y: 2\n  - z\n", "flow mapping", "line 4, column 1"),
                               ('a: "abc\nb: 1\n', "quoted string", "line 3, column 1")):
        fatal = load_text(text).fatal
        line, column = fatal.span.line, fatal.span.column
        assert text.splitlines()[line - 1][column - 1] in '[{"', (text, fatal.span)
        assert fatal.values["detail"].startswith(f"the {opened} opened here is not closed (")
        assert fatal.values["detail"].endswith(f" before {stop})"), fatal.values["detail"]


def test_control_character_is_located():
    fatal = load_text("a: 1\nb: x\x7fy\n").fatal
    assert _at(fatal.span) == (2, 5) and "#x007f" in fatal.values["detail"]


def test_standard_tags_are_read_as_data_and_a_wrong_one_is_a_problem():
    doc = load_text("a: !!str 0755\nb: !!float 0x10\nc: !!int '8'\nd: !!null ~\ne: !!bool yes\n")
    assert doc.data == {"a": "0755", "b": 16.0, "c": 8, "d": None, "e": "yes"}
    (f,) = doc.findings
    assert f.code == "BG-012" and _at(f.span) == (5, 4) and "not a YAML 1.2 bool" in f.values["detail"]


def test_yaml_1_2_core_schema():
    doc = load_text("a: yes\nb: off\nc: 1_000\nd: 1:30\ne: 0o17\nf: 0x1F\ng: 1e3\nh: .5\ni: TRUE\nj: Null\nk: 2024-01-15\n")
    assert doc.data == {"a": "yes", "b": "off", "c": "1_000", "d": "1:30", "e": 15, "f": 31, "g": 1000.0,
                        "h": 0.5, "i": True, "j": None, "k": "2024-01-15"}
    assert doc.source.text(Pointer(("e",))) == "0o17" and doc.source.text(Pointer(("a",))) is None


# --- load_data: batchgen diff's OLD, read without positions -----------------------------

def _yaml_files():
    from pathlib import Path
    root = Path(__file__).resolve().parent
    return sorted([*(root.parent / "specs").glob("*.yaml"), *(root / "rules" / "cases").rglob("*.yaml"),
                   *(root / "day_two").rglob("*.yaml"), *(root / "fixtures").glob("*.yaml")])


def test_load_data_reads_what_load_text_reads_or_declines():
    import json

    from compiler.load import NOT_PLAIN, load_data

    read = declined = 0
    for path in _yaml_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        data = load_data(text)
        if data is NOT_PLAIN:
            declined += 1
            continue
        doc = load_text(text)
        assert doc.fatal is None and not doc.findings, path
        assert json.dumps(data, sort_keys=True) == json.dumps(doc.data, sort_keys=True), path  # 1 is not True
        read += 1
    assert read > 500 and declined < read // 10


def test_load_data_declines_all_that_load_text_locates_or_reports():
    from compiler.load import NOT_PLAIN, load_data

    plain = ["a: 1\nb: [x, 'y', \"z\", 2.5, true, null, ~]\nc: {d: e}\n", "", "- 1\n- two\n", "yes: on\n",
             "k: !str 'x'\n".replace("!str", "!"), "a: '<<'\n"]
    for text in plain[:-1]:
        assert load_data(text) == load_text(text).data, text
    declined = ["a: &x 1\nb: *x\n", "base: &b {x: 1}\nc: {<<: *b}\n", "a: 1\na: 2\n", "1: a\n", "a: 0755\n",
                "a: !!int '8'\n", "a: !!python/name:os.system x\n", "a: .inf\n", "a: [\n", "a: 1\n---\nb: 2\n",
                "? [x]\n: 1\n", "a:\n\t- 1\n"]
    for text in declined:
        assert load_data(text) is NOT_PLAIN, text
    deep = "a: " + "[" * 200 + "]" * 200 + "\n"
    assert load_data(deep) is NOT_PLAIN and load_text(deep).fatal is not None
