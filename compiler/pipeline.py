"""compile(path) -> Result: load, validate, resolve, emit. The only place the stages meet."""
from __future__ import annotations

import contextlib
import gc
from dataclasses import dataclass
from pathlib import Path

from .catalog import Catalog, load_catalog
from .load import Document, SourceMap, load_text
from .problems import ROOT, Finding, Problem, Severity, Span
from .validate import measure, validate


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
    c = catalog[f.code].variant(f.variant)
    message, fix = c.render(f.values)
    if fix:
        message = f"{message}; {fix}"
    span = doc.clamp(f.span or doc.source.locate(f.pointer, at_key=f.at_key))
    return Problem(code=c.id, severity=c.severity, message=message, file=file, span=span, pointer=f.pointer)


LOADER_CODES = frozenset(("BG-012", "BG-016"))


def check_text(text: str, file: str) -> tuple[list[Problem], Document]:
    """Load and validate: every problem of the spec, sorted by position."""
    catalog = load_catalog()
    doc = load_text(text)
    if doc.fatal:
        return [to_problem(doc.fatal, doc, file, catalog)], doc
    findings = list(doc.findings)
    if doc.empty:
        findings.append(Finding(ROOT, {"where": "the spec", "expected": "a mapping", "found": "empty",
                                       "hint": "; it starts with `batchgen: 1`"}, code="BG-004"))
    else:
        # A value the loader already rejected (a tag, `0755`) gets no second problem.
        rejected = {f.pointer for f in doc.findings if f.code in LOADER_CODES}
        findings.extend(f for f in validate(doc.data, written=doc.source.text) if f.at_key or f.pointer not in rejected)
    problems = sorted({to_problem(f, doc, file, catalog) for f in findings}, key=Problem.sort_key)
    return problems, doc


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


def compile_spec(path: str, emit: bool = True) -> Result:
    with _without_cyclic_gc():
        return _compile(path, emit)


def _compile(path: str, emit: bool) -> Result:
    text, problem = read_spec(path)
    if problem:
        return Result([problem], io_error=problem.code == "BG-008")
    return compile_text(text, path, emit)


def compile_text(text: str, path: str, emit: bool = True) -> Result:
    """Compile the spec `text` as if read from `path` (which only names it in diagnostics
    and, by its base name, in the output's comments)."""
    problems, doc = check_text(text, path)
    if any(p.severity is Severity.ERROR for p in problems):
        return Result(problems)
    from .resolve import resolve

    # What is written is measured on the model (sizes after resolution): only a spec that
    # resolves can be measured, so these come once the other errors are fixed.
    model = resolve(doc.data)
    catalog = load_catalog()
    measured = [to_problem(f, doc, path, catalog) for f in measure(model)]
    if measured:
        problems = sorted({*problems, *measured}, key=Problem.sort_key)
    if any(p.severity is Severity.ERROR for p in problems) or not emit:
        return Result(problems)
    from .emit import emit_all
    from .output import with_manifest

    return Result(problems, with_manifest(emit_all(model, Path(path).name)))  # + OUT's manifest
