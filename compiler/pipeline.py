"""compile(path) -> Result: load, validate, resolve, emit. The only place the stages meet."""
from __future__ import annotations

import contextlib
import gc
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from .catalog import Catalog, load_catalog
from .load import Document, SourceMap, load_text
from .problems import ROOT, Finding, Pointer, Problem, Severity, Span
from .validate import measure, rule_codes, validate
from .validate.letter_case import canonical_case
from .validate.suppressions import Suppressions

if TYPE_CHECKING:
    from .model import Model


@dataclass
class Result:
    problems: list[Problem]
    files: dict[str, str] | None = None  # relative path -> text; None when there were errors
    io_error: bool = False  # the spec could not be read (exit 2)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR and p.suppressed is None]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]


def to_problem(f: Finding, doc: Document, file: str, catalog: Catalog, suppressed: str | None = None) -> Problem:
    c = catalog[f.code].variant(f.variant)
    message, fix = c.render(f.values)
    if fix:
        message = f"{message}; {fix}"
    span = doc.clamp(f.span or doc.source.locate(f.pointer, at_key=f.at_key))
    return Problem(code=c.id, severity=c.severity, message=message, file=file, span=span, pointer=f.pointer,
                   suppressed=suppressed)


LOADER_CODES = frozenset(("BG-012", "BG-016"))


@dataclass
class Checked:
    """What checking a spec found: its problems (sorted by position), the document to
    compile (the chosen environment's, or the spec's) and, when that document has no
    errors, its resolved model."""

    problems: list[Problem]
    doc: Document
    model: Model | None = None

    @property
    def has_errors(self) -> bool:
        return _has_errors(self.problems)


def _has_errors(problems) -> bool:
    return any(p.severity is Severity.ERROR and p.suppressed is None for p in problems)


def check_text(text: str, file: str, env: str | None = None, pick: bool = False) -> Checked:
    """Load, validate, resolve and measure: every problem of the spec, and the model to emit.

    A spec with `environments` is checked environment by environment (compiler/
    environments.py): `env` names one, else every one is; `pick` (compile, cost) asks for one
    spec to emit, so a spec with environments then needs `env` (BG-120)."""
    catalog = load_catalog()
    doc = load_text(text)
    if doc.fatal:
        return Checked([to_problem(doc.fatal, doc, file, catalog)], doc)
    problems = {to_problem(f, doc, file, catalog) for f in doc.findings}
    if doc.empty:
        problems.add(to_problem(Finding(ROOT, {"where": "the spec", "expected": "a mapping", "found": "empty",
                                               "hint": "; it starts with `batchgen: 1`"}, code="BG-004"),
                                doc, file, catalog))
        return Checked(sorted(problems, key=Problem.sort_key), doc)
    # A value the loader already rejected (a tag, `0755`) gets no second problem.
    rejected = {f.pointer for f in doc.findings if f.code in LOADER_CODES}
    from . import environments

    names = environments.names(doc.data)
    if env is not None and env not in names:
        values = {"option": "--env", "env": env, "names": ", ".join(names), "suggestion": _did_you_mean(env, names)}
        problems.add(to_problem(Finding(Pointer((environments.KEY,)) if names else ROOT, values, code="BG-120",
                                        at_key=bool(names), variant="unknown" if names else "none"),
                                doc, file, catalog))
        return Checked(sorted(problems, key=Problem.sort_key), doc)
    # The loader's own errors (a tag, `0755`) are reported with the rest, but nothing is resolved.
    resolvable = not _has_errors(problems)
    if not names:
        found, model = _checked(doc.data, doc, file, catalog, rejected, resolvable)
        return Checked(sorted(problems | found, key=Problem.sort_key), doc, model)
    if env is None and pick:
        problems.add(to_problem(Finding(Pointer((environments.KEY,)), {"names": ", ".join(names)},
                                        code="BG-120", at_key=True, variant="required"), doc, file, catalog))
        return Checked(sorted(problems, key=Problem.sort_key), doc)
    applies: dict[Problem, list[str]] = {}
    picked, model = doc, None
    for name in [env] if env is not None else names:
        found, document, env_model = _environment_problems(doc, name, file, catalog, rejected, resolvable)
        for p in found:
            applies.setdefault(p, []).append(name)
        if name == env:
            picked, model = document, env_model
    # A problem several environments share (one in the base, most often) is reported once,
    # naming them all.
    problems.update(replace(p, environments=tuple(envs)) for p, envs in applies.items())
    return Checked(sorted(problems, key=Problem.sort_key), picked, model)


def _checked(data: Any, doc: Document, file: str, catalog: Catalog, rejected: set, resolvable: bool,
             origin: Callable[[Pointer], Pointer] = lambda p: p) -> tuple[set[Problem], Model | None]:
    """The problems of one spec's data (`doc` locates them) and, if it has no errors, its
    model: the schema and the rules; then resolve, and the rules that measure what is
    written (sizes after resolution: only a spec that resolves can be measured, so these
    come once the other errors are fixed); suppressions applied throughout."""
    data, case_findings = canonical_case(data)  # every later stage sees `MANAGED`, never `managed`
    findings = [f for f in case_findings + validate(data, written=doc.source.text)
                if f.at_key or origin(f.pointer) not in rejected]
    suppressions = Suppressions.of(data, rule_codes(), set(catalog))
    findings += suppressions.problems

    def problems_of(fs) -> set[Problem]:
        return {to_problem(f, doc, file, catalog, suppressions.reason(f)) for f in fs}

    problems = problems_of(findings)
    if _has_errors(problems) or not resolvable:
        return problems, None
    from .resolve import resolve

    model = resolve(data)
    problems |= problems_of(measure(model))
    if _has_errors(problems):
        return problems, None
    return problems | problems_of(suppressions.stale()), model  # every rule has run: a silent one is stale


def _environment_problems(doc: Document, name: str, file: str, catalog: Catalog, rejected: set,
                          resolvable: bool) -> tuple[set[Problem], Document, Model | None]:
    """The problems of environment `name`: its overlay's shape (the schema of `environments`)
    and names (BG-120, BG-121), then, if its shape is sound, the merged spec's; with the
    merged document and its model."""
    from . import environments
    from .validate import schema

    overlay_only = {"batchgen": 1, environments.KEY: {name: doc.data[environments.KEY][name]}}
    shape, _ = schema.check(overlay_only, {}, doc.source.text)
    shape += [f for f in environments.name_findings(doc.data) if f.pointer[1] == name]
    out = {to_problem(f, doc, file, catalog) for f in shape if f.at_key or f.pointer not in rejected}
    if any(p.severity is Severity.ERROR for p in out):
        return out, doc, None  # the merged spec would repeat these problems in other words
    env = environments.overlay(doc, name)
    out.update(to_problem(f, doc, file, catalog) for f in env.findings)
    found, model = _checked(env.document.data, env.document, file, catalog, rejected, resolvable,
                            env.document.source.origin)
    return out | found, env.document, model if not _has_errors(out) else None


def _did_you_mean(word: str, choices: list[str]) -> str:
    from .validate.schema import did_you_mean

    return did_you_mean(word, choices)


def read_spec(path: str) -> tuple[str | None, Problem | None]:
    """The spec's text, or the problem: BG-008 when it can't be read (exit 2), BG-014/015
    when its bytes are too many or not UTF-8 (exit 1)."""
    try:
        with open(path, "rb") as fh:
            return read_stream(fh, path)
    except OSError as exc:
        msg, _ = load_catalog()["BG-008"].render({"detail": exc.strerror or str(exc)})
        return None, Problem("BG-008", Severity.ERROR, msg, path, Span(1, 1))


def read_stream(fh, name: str) -> tuple[str | None, Problem | None]:
    """read_spec for an open binary stream (a file, or standard input) named `name`."""
    from .load import decode, limits

    cap = limits().max_bytes
    try:
        raw = fh.read(cap + 1)  # never more: a spec path may name a device or a huge file
    except OSError as exc:
        msg, _ = load_catalog()["BG-008"].render({"detail": exc.strerror or str(exc)})
        return None, Problem("BG-008", Severity.ERROR, msg, name, Span(1, 1))
    text, finding = decode(raw, cap)
    if finding:
        return None, to_problem(finding, Document(None, SourceMap(), []), name, load_catalog())
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


def compile_spec(path: str, emit: bool = True, env: str | None = None, adopt: bool = False) -> Result:
    with _without_cyclic_gc():
        return _compile(path, emit, env, adopt)


def _compile(path: str, emit: bool, env: str | None, adopt: bool) -> Result:
    text, problem = read_spec(path)
    if problem:
        return Result([problem], io_error=problem.code == "BG-008")
    return compile_text(text, path, emit, env, adopt)


def compile_text(text: str, path: str, emit: bool = True, env: str | None = None, adopt: bool = False) -> Result:
    """Compile the spec `text` as if read from `path` (which only names it in diagnostics
    and, by its base name, in the output's comments); `env` picks one of its environments,
    `adopt` adds terraform/imports.tf."""
    checked = check_text(text, path, env, pick=emit)
    if checked.has_errors or not emit:
        return Result(checked.problems)
    from .emit import emit_all
    from .output import with_manifest

    model = checked.model
    if adopt and (not model.account or not model.region):  # import IDs are ARNs (emit/terraform/imports.py)
        key = "account" if not model.account else "region"
        msg, fix = load_catalog()["BG-159"].render({"key": key, "why": "the import IDs of job queues, job definitions, "
                                                    "scheduling policies, IAM policies and SNS topics are ARNs"})
        return Result(checked.problems + [Problem("BG-159", Severity.ERROR, f"{msg}; {fix}", path, Span(1, 1))])
    return Result(checked.problems, with_manifest(emit_all(model, Path(path).name, adopt)))  # + OUT's manifest


def cost_text(text: str, path: str, env: str | None = None, spot_discount: float | None = None,
              region: str | None = None) -> tuple[Result, Any]:
    """Check the spec (one environment of it) and, if it has no errors, its CostReport
    (compiler/cost.py) over the resolved model; the report is None when it has errors."""
    from .cost import DEFAULT_SPOT_DISCOUNT, estimate

    with _without_cyclic_gc():
        checked = check_text(text, path, env, pick=True)
        if checked.has_errors:
            return Result(checked.problems), None
        report = estimate(checked.model, checked.doc.data.get("estimates"),
                          DEFAULT_SPOT_DISCOUNT if spot_discount is None else spot_discount, region)
        return Result(checked.problems), report
