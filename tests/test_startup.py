"""Start-up stays cheap: what each command imports, checked in a fresh interpreter. Not timed.

`batchgen --help` and argument errors import no third-party module at all; `compile` and
`validate` import only the runtime dependencies (PyYAML, Jinja2, jsonschema and what those
pull in) — never boto3, botocore or hcl2, which only `batchgen import` (the `import` extra),
the tests and tools/ use. The times themselves are in tools/bench.py.
"""
from __future__ import annotations

import importlib.metadata as md
import json
import re
import subprocess
import sys
import tomllib

import pytest
from packaging.requirements import Requirement

from tests.helpers import ROOT

HEAVY = {"jsonschema", "jinja2", "yaml", "boto3", "botocore", "hcl2"}
NEVER = {"boto3", "botocore", "hcl2"}  # the `import` extra's, and the tests' and tools' dependencies
EXAMPLE = "specs/render.yaml"

# Runs compiler.cli.main(argv) in a fresh interpreter and prints, as JSON, its exit status
# and the modules it imported (those already there when the interpreter started — site,
# .pth files — and the driver's own are left out).
DRIVER = """\
import io, json, sys
from contextlib import redirect_stderr, redirect_stdout
before = set(sys.modules)
from compiler.cli import main
out, err = io.StringIO(), io.StringIO()
try:
    with redirect_stdout(out), redirect_stderr(err):
        code = main(json.loads(sys.argv[1]))
except SystemExit as exc:
    code = exc.code
print(json.dumps({"code": code, "stderr": err.getvalue(),
                  "modules": sorted(set(sys.modules) - before)}))
"""


# Entries a compiled (Cython) extension such as PyYAML's _yaml puts in sys.modules for itself.
CYTHON_RUNTIME = re.compile(r"cython_runtime$|_cython_[0-9_]+$")


def imported_by(*argv: str) -> tuple[int, set[str]]:
    """(exit status, top-level names of the modules imported) of `batchgen ARGV`."""
    proc = subprocess.run([sys.executable, "-c", DRIVER, json.dumps(list(argv))], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    return result["code"], {m.split(".")[0] for m in result["modules"] if not CYTHON_RUNTIME.match(m)}


@pytest.mark.parametrize("argv, code", [
    (["--help"], 0),
    (["compile", "--help"], 0),
    (["cost", "--help"], 0),
    (["cost", EXAMPLE, "--spot-discount", "2"], 2),  # a bad option value
    (["import", "--help"], 0),
    (["import", "aws", "--help"], 0),
    (["import", "terraform", "--help"], 0),
    (["--version"], 0),
    ([], 2),                                 # no command: the help, exit 2
    (["frobnicate"], 2),                     # an unknown command
    (["compile"], 2),                        # no SPEC
    (["diff", "--help"], 0),
    (["diff", EXAMPLE], 2),                  # OLD NEW, or NEW with --baseline-rev
    (["validate", EXAMPLE, "--format", "xml"], 2),  # a bad option value
])
def test_help_and_argument_errors_import_nothing_heavy(argv, code):
    status, modules = imported_by(*argv)
    assert status == code
    assert not modules & HEAVY, f"batchgen {' '.join(argv)} imports {sorted(modules & HEAVY)}"
    third_party = {m for m in modules if m not in sys.stdlib_module_names and m != "compiler"}
    assert not third_party, f"batchgen {' '.join(argv)} imports {sorted(third_party)}"


def test_python_m_compiler_help_imports_nothing_heavy():
    """The same through `python -m compiler` (compiler/__main__.py), as -X importtime sees it:
    every import attempted, from interpreter start to exit."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "compiler", "--help"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "usage: batchgen" in proc.stdout
    names = {m.group(1).split(".")[0]
             for m in re.finditer(r"^import time:\s*\d+ \|\s*\d+ \|\s*(\S+)", proc.stderr, re.M)}
    assert "compiler" in names  # the log is what we think it is
    assert not names & HEAVY, f"python -m compiler --help imports {sorted(names & HEAVY)}"


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def runtime_closure() -> set[str]:
    """Canonical names of the distributions the runtime dependencies (pyproject.toml's
    [project].dependencies) may bring in: each, its requirements, and — because jsonschema,
    for one, imports its optional format checkers whenever they are installed — the
    requirements of its extras, recursively. Distributions not installed are left out."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    todo = [(Requirement(r), True) for r in pyproject["project"]["dependencies"]]
    seen: set[str] = set()
    while todo:
        req, with_extras = todo.pop()
        name = _canonical(req.name)
        if name in seen:
            continue
        try:
            dist = md.distribution(req.name)
        except md.PackageNotFoundError:
            continue
        seen.add(name)
        extras = (dist.metadata.get_all("Provides-Extra") or []) if with_extras else []
        for line in dist.requires or []:
            sub = Requirement(line)
            if sub.marker is None or any(sub.marker.evaluate({"extra": e}) for e in ["", *extras]):
                todo.append((sub, False))
    return seen


@pytest.mark.parametrize("command", ["validate", "compile", "compile --adopt", "diff", "compile --baseline"])
def test_compile_and_validate_import_only_the_runtime_dependencies(tmp_path, command):
    out = ["-o", str(tmp_path / "out")]
    argv = {"validate": ["validate", EXAMPLE], "compile": ["compile", EXAMPLE, *out],
            "compile --adopt": ["compile", "--adopt", EXAMPLE, *out],
            "diff": ["diff", "specs/fetch-and-run.yaml", EXAMPLE],
            "compile --baseline": ["compile", EXAMPLE, *out, "--baseline", EXAMPLE]}[command]
    status, modules = imported_by(*argv)
    assert status == 0
    assert not modules & NEVER, f"batchgen {command} imports {sorted(modules & NEVER)}"
    allowed = runtime_closure()
    owners = md.packages_distributions()
    foreign = sorted(
        m for m in modules
        if m not in sys.stdlib_module_names and m != "compiler"
        and not any(_canonical(d) in allowed for d in owners.get(m, []))
    )
    assert not foreign, (f"batchgen {command} imports {foreign}, from no runtime dependency "
                         f"(allowed: the distributions {sorted(allowed)})")
