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


@dataclass(frozen=True)
class Example:
    """One compiled example: a spec of specs/, or one environment of a spec that has
    `environments` (compiled with --env into out/<spec>/<env>/, like `make out`)."""

    spec: Path
    env: str | None = None

    @property
    def id(self) -> str:
        return f"{self.spec.stem}.{self.env}" if self.env else self.spec.stem

    @property
    def out(self) -> Path:
        return OUT / self.spec.stem / self.env if self.env else OUT / self.spec.stem

    @property
    def argv(self) -> list[str]:
        """`batchgen compile` arguments that pick this example's spec (and environment)."""
        return [str(self.spec), *(["--env", self.env] if self.env else [])]

    def data(self) -> dict:
        """The spec this example compiles: the file's data, or its environment's merged spec."""
        from compiler.environments import overlay
        from compiler.load import load_text

        doc = load_text(self.spec.read_text(encoding="utf-8"))
        return overlay(doc, self.env).document.data if self.env else doc.data


def examples() -> list[Example]:
    from compiler.environments import names
    from compiler.load import load_text

    out = []
    for spec in SPECS:
        envs = names(load_text(spec.read_text(encoding="utf-8")).data)
        out.extend([Example(spec, env) for env in envs] or [Example(spec)])
    return out


EXAMPLES = examples()


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    def diagnostics(self) -> list[dict]:
        """The --format json document (standard output; nothing else may be there)."""
        return json.loads(self.stdout)


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
    env: str | None = None  # a spec with `environments`: the environment diffed and compiled

    @property
    def env_args(self) -> list[str]:
        return ["--env", self.env] if self.env else []


def example_changes() -> dict[str, ExampleChange]:
    import yaml

    out = {}
    for name, entry in yaml.safe_load((ROOT / "tests" / "day_two" / "examples.yaml").read_text()).items():
        old = ROOT / "specs" / f"{name}.yaml"
        text = old.read_text(encoding="utf-8")
        for edit in entry["edits"]:
            assert text.count(edit["old"]) == 1, f"{name}: an edit's `old` must occur once in {old.name}"
            text = text.replace(edit["old"], edit["new"])
        out[name] = ExampleChange(name, entry["change"], old, text, entry["expect"], entry.get("env"))
    return out
