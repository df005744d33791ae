"""compile(path) -> Result: load, validate, resolve, emit. The only place the stages meet."""
from __future__ import annotations

import contextlib
import gc
from dataclasses import dataclass, field
from pathlib import Path

from .catalog import Catalog, load_catalog
from .load import Document, load_text
from .problems import Finding, Problem, Severity, Span
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
    span = f.span or doc.source.locate(f.pointer, at_key=f.at_key)
    return Problem(code=c.id, severity=c.severity, message=message, file=file, span=span, pointer=f.pointer)


def check_text(text: str, file: str) -> tuple[list[Problem], Document]:
    """Load and validate: every problem of the spec, sorted by position."""
    catalog = load_catalog()
    doc = load_text(text)
    if doc.syntax_error:
        detail, span = doc.syntax_error
        msg, _ = catalog["BG-001"].render({"detail": detail})
        return [Problem("BG-001", Severity.ERROR, msg, file, span)], doc
    findings = list(doc.findings)
    if doc.data is None or doc.data == {}:
        findings.extend(validate({}))
    else:
        findings.extend(validate(doc.data))
    problems = sorted({to_problem(f, doc, file, catalog) for f in findings}, key=Problem.sort_key)
    return problems, doc


def read_spec(path: str) -> tuple[str | None, Problem | None]:
    try:
        return Path(path).read_text(encoding="utf-8"), None
    except (OSError, UnicodeDecodeError) as exc:
        detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        msg, _ = load_catalog()["BG-008"].render({"detail": detail})
        return None, Problem("BG-008", Severity.ERROR, msg, path, Span(1, 1))


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
        return Result([problem], io_error=True)
    return compile_text(text, path, emit)


def compile_text(text: str, path: str, emit: bool = True) -> Result:
    """Compile the spec `text` as if read from `path` (which only names it in diagnostics
    and, by its base name, in the output's comments)."""
    problems, doc = check_text(text, path)
    if any(p.severity is Severity.ERROR for p in problems) or not emit:
        return Result(problems)
    from .emit import emit_all
    from .resolve import resolve

    model = resolve(doc.data)
    return Result(problems, emit_all(model, Path(path).name))
