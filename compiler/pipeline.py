"""compile(path) -> Result: load, validate, resolve, emit. The only place the stages meet."""
from __future__ import annotations

import contextlib
import gc
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

from .catalog import Catalog, load_catalog
from .load import Document, SourceMap, load_text
from .problems import ROOT, Finding, Pointer, Problem, Severity, Span
from .validate import validate


@dataclass
class Result:
    problems: list[Problem]
    files: dict[str, str] | None = None  # relative path -> text; None when there were errors
    io_error: bool = False  # the spec could not be read (exit 2)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]


def to_problem(f: Finding, doc: Document, file: str, catalog: Catalog) -> Problem:
    c = catalog[f.code].variant(f.values.get("variant"))
    message, fix = c.render(f.values)
    if fix:
        message = f"{message}; {fix}"
    span = doc.clamp(f.span or doc.source.locate(f.pointer, at_key=f.at_key))
    return Problem(code=c.id, severity=c.severity, message=message, file=file, span=span, pointer=f.pointer)


LOADER_CODES = frozenset(("BG-012", "BG-016"))


def check_text(text: str, file: str, env: str | None = None, pick: bool = False) -> tuple[list[Problem], Document]:
    """Load and validate: every problem of the spec, sorted by position, and the document to
    compile. A spec with `environments` is checked environment by environment (compiler/
    environments.py): `env` names one, else every one is; `pick` (compile) asks for one
    spec to emit, so a spec with environments then needs `env` (BG-120)."""
    catalog = load_catalog()
    doc = load_text(text)
    if doc.fatal:
        return [to_problem(doc.fatal, doc, file, catalog)], doc
    problems = {to_problem(f, doc, file, catalog) for f in doc.findings}
    if doc.empty:
        problems.add(to_problem(Finding(ROOT, {"where": "the spec", "expected": "a mapping", "found": "empty",
                                               "hint": "; it starts with `batchgen: 1`"}, code="BG-004"),
                                doc, file, catalog))
        return sorted(problems, key=Problem.sort_key), doc
    # A value the loader already rejected (a tag, `0755`) gets no second problem.
    rejected = {f.pointer for f in doc.findings if f.code in LOADER_CODES}
    from . import environments

    names = environments.names(doc.data)
    if env is not None and env not in names:
        values = {"env": env, "variant": "unknown" if names else "none", "names": ", ".join(names),
                  "suggestion": _did_you_mean(env, names)}
        problems.add(to_problem(Finding(Pointer((environments.KEY,)) if names else ROOT, values, code="BG-120",
                                        at_key=bool(names)), doc, file, catalog))
        return sorted(problems, key=Problem.sort_key), doc
    if not names:
        problems.update(_checked(doc.data, doc, file, catalog, rejected))
        return sorted(problems, key=Problem.sort_key), doc
    if env is None and pick:
        problems.add(to_problem(Finding(Pointer((environments.KEY,)), {"variant": "required", "names": ", ".join(names)},
                                        code="BG-120", at_key=True), doc, file, catalog))
        return sorted(problems, key=Problem.sort_key), doc
    chosen = [env] if env is not None else names
    applies: dict[Problem, list[str]] = {}
    picked = doc
    for name in chosen:
        for p in _environment_problems(doc, name, file, catalog, rejected):
            applies.setdefault(p, []).append(name)
        if name == env:
            picked = environments.overlay(doc, name).document
    # A problem several environments share (one in the base, most often) is reported once,
    # naming them all.
    problems.update(replace(p, environments=tuple(envs)) for p, envs in applies.items())
    return sorted(problems, key=Problem.sort_key), picked


def _checked(data: Any, doc: Document, file: str, catalog: Catalog, rejected: set,
             origin: Callable[[Pointer], Pointer] = lambda p: p) -> set[Problem]:
    findings = [f for f in validate(data, written=doc.source.text) if f.at_key or origin(f.pointer) not in rejected]
    return {to_problem(f, doc, file, catalog) for f in findings}


def _environment_problems(doc: Document, name: str, file: str, catalog: Catalog, rejected: set) -> set[Problem]:
    """The problems of environment `name`: its overlay's shape (the schema of `environments`)
    and names (BG-120, BG-121), then, if its shape is sound, the merged spec's."""
    from . import environments
    from .validate import schema

    overlay_only = {"batchgen": 1, environments.KEY: {name: doc.data[environments.KEY][name]}}
    shape, _ = schema.check(overlay_only, {}, doc.source.text)
    shape += [f for f in environments.name_findings(doc.data) if f.pointer[1] == name]
    out = {to_problem(f, doc, file, catalog) for f in shape if f.at_key or f.pointer not in rejected}
    if any(p.severity is Severity.ERROR for p in out):
        return out  # the merged spec would repeat these problems in other words
    env = environments.overlay(doc, name)
    out.update(to_problem(f, doc, file, catalog) for f in env.findings)
    out.update(_checked(env.document.data, env.document, file, catalog, rejected, env.document.source.origin))
    return out


def _did_you_mean(word: str, choices: list[str]) -> str:
    from .validate.schema import did_you_mean

    return did_you_mean(word, choices)


def read_spec(path: str) -> tuple[str | None, Problem | None]:
    """The spec's text, or the problem: BG-008 when it can't be read (exit 2), BG-014/015
    when its bytes are too many or not UTF-8 (exit 1)."""
    from .load import decode, limits

    cap = limits().max_bytes
    try:
        with open(path, "rb") as fh:
            raw = fh.read(cap + 1)  # never more: a spec path may name a device or a huge file
    except OSError as exc:
        msg, _ = load_catalog()["BG-008"].render({"detail": exc.strerror or str(exc)})
        return None, Problem("BG-008", Severity.ERROR, msg, path, Span(1, 1))
    text, finding = decode(raw, cap)
    if finding:
        catalog = load_catalog()
        return None, to_problem(finding, Document(None, SourceMap(), []), path, catalog)
    return text, None


@contextlib.contextmanager
def _without_cyclic_gc():
    """A compile allocates hundreds of thousands of small objects for a large spec and makes
    no garbage cycles worth collecting; the collector's repeated passes over them cost more
    than the work itself (tools/bench.py, 2,000 job definitions: validate 4.6 s -> 2.5 s)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def compile_spec(path: str, emit: bool = True, env: str | None = None) -> Result:
    with _without_cyclic_gc():
        return _compile(path, emit, env)


def _compile(path: str, emit: bool, env: str | None) -> Result:
    text, problem = read_spec(path)
    if problem:
        return Result([problem], io_error=problem.code == "BG-008")
    return compile_text(text, path, emit, env)


def compile_text(text: str, path: str, emit: bool = True, env: str | None = None) -> Result:
    """Compile the spec `text` as if read from `path` (which only names it in diagnostics
    and, by its base name, in the output's comments); `env` picks one of its environments."""
    problems, doc = check_text(text, path, env, pick=emit)
    if any(p.severity is Severity.ERROR for p in problems) or not emit:
        return Result(problems)
    from .emit import emit_all
    from .output import with_manifest
    from .resolve import resolve

    model = resolve(doc.data)
    return Result(problems, with_manifest(emit_all(model, Path(path).name)))  # + OUT's manifest


def cost_spec(path: str, env: str | None = None, spot_discount: float | None = None,
              region: str | None = None) -> tuple[Result, Any]:
    """Check the spec (one environment of it) and, if it has no errors, its CostReport
    (compiler/cost.py) over the resolved model; the report is None when it has errors."""
    from .cost import DEFAULT_SPOT_DISCOUNT, estimate

    with _without_cyclic_gc():
        text, problem = read_spec(path)
        if problem:
            return Result([problem], io_error=problem.code == "BG-008"), None
        problems, doc = check_text(text, path, env, pick=True)
        if any(p.severity is Severity.ERROR for p in problems):
            return Result(problems), None
        from .resolve import resolve

        report = estimate(resolve(doc.data), doc.data.get("estimates"),
                          DEFAULT_SPOT_DISCOUNT if spot_discount is None else spot_discount, region)
        return Result(problems), report
