"""Shared test helpers: compile a spec, run the command in-process, find the examples."""
from __future__ import annotations

import io
import json
import textwrap
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

from compiler.cli import main

ROOT = Path(__file__).resolve().parent.parent
SPECS = sorted((ROOT / "specs").glob("*.yaml"))
OUT = ROOT / "out"


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    def diagnostics(self) -> list[dict]:
        return json.loads(self.stderr)


def run(*argv: str) -> Run:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main([str(a) for a in argv])
    return Run(code, out.getvalue(), err.getvalue())


def write_spec(tmp_path: Path, text: str, name: str = "spec.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def tree(directory: Path) -> dict[str, bytes]:
    return {p.relative_to(directory).as_posix(): p.read_bytes()
            for p in sorted(directory.rglob("*")) if p.is_file()}


@dataclass
class ExampleChange:
    """One realistic change to an example of specs/ (tests/day_two/examples.yaml)."""
    name: str
    change: str
    old: Path
    new_text: str
    expect: dict


def example_changes() -> dict[str, ExampleChange]:
    import yaml

    out = {}
    for name, entry in yaml.safe_load((ROOT / "tests" / "day_two" / "examples.yaml").read_text()).items():
        old = ROOT / "specs" / f"{name}.yaml"
        text = old.read_text(encoding="utf-8")
        for edit in entry["edits"]:
            assert text.count(edit["old"]) == 1, f"{name}: an edit's `old` must occur once in {old.name}"
            text = text.replace(edit["old"], edit["new"])
        out[name] = ExampleChange(name, entry["change"], old, text, entry["expect"])
    return out
