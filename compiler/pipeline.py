"""compile(path) -> Result: load, validate, resolve, emit. The only place the stages meet."""
from __future__ import annotations

import contextlib
import gc
from dataclasses import dataclass, field
from pathlib import Path

from .catalog import Catalog, load_catalog
from .load import Document, SourceMap, load_text
from .problems import ROOT, Finding, Problem, Severity, Span
from .validate import rule_codes, validate
from .validate.suppressions import Suppressions


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


def to_problem(f: Finding, doc: Document, file: str, catalog: Catalog, suppressed: str | None = None) -> Problem:
    c = catalog[f.code].variant(f.values.get("variant"))
    message, fix = c.render(f.values)
    if fix:
        message = f"{message}; {fix}"
    span = doc.clamp(f.span or doc.source.locate(f.pointer, at_key=f.at_key))
    return Problem(code=c.id, severity=c.severity, message=message, file=file, span=span, pointer=f.pointer,
                   suppressed=suppressed)


LOADER_CODES = frozenset(("BG-012", "BG-016"))


@dataclass
class Checked:
    """What loading and validating a spec found: its problems (sorted by position), the
    document, and the spec's suppressions (None when the spec isn't a mapping)."""

    problems: list[Problem]
    doc: Document
    suppressions: Suppressions | None = None

    def add(self, findings: list[Finding], file: str, catalog: Catalog) -> None:
        """Add `findings` as problems, each marked with its suppression's reason, if any."""
        reason = self.suppressions.reason if self.suppressions else (lambda f: None)
        new = {to_problem(f, self.doc, file, catalog, reason(f)) for f in findings}
        self.problems = sorted({*self.problems, *new}, key=Problem.sort_key)

    @property
    def has_errors(self) -> bool:
        return any(p.severity is Severity.ERROR and p.suppressed is None for p in self.problems)


def check_text(text: str, file: str) -> Checked:
    """Load and validate: every problem of the spec, sorted by position."""
    catalog = load_catalog()
    doc = load_text(text)
    if doc.fatal:
        return Checked([to_problem(doc.fatal, doc, file, catalog)], doc)
    findings = list(doc.findings)
    checked = Checked([], doc)
    if doc.empty:
        findings.append(Finding(ROOT, {"where": "the spec", "expected": "a mapping", "found": "empty",
                                       "hint": "; it starts with `batchgen: 1`"}, code="BG-004"))
    else:
        # A value the loader already rejected (a tag, `0755`) gets no second problem.
        rejected = {f.pointer for f in doc.findings if f.code in LOADER_CODES}
        findings.extend(f for f in validate(doc.data, written=doc.source.text) if f.at_key or f.pointer not in rejected)
        checked.suppressions = Suppressions.of(doc.data, rule_codes(), set(catalog))
        findings.extend(checked.suppressions.problems)
    checked.add(findings, file, catalog)
    return checked


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
    checked = check_text(text, path)
    if checked.has_errors:
        return Result(checked.problems)
    from .resolve import resolve
    from .validate.measure import measure

    # What is written is measured on the model (sizes after resolution): only a spec that
    # resolves can be measured, so these come once the other errors are fixed.
    catalog = load_catalog()
    model = resolve(checked.doc.data)
    checked.add(measure(model), path, catalog)
    if not checked.has_errors and checked.suppressions:  # every rule has run: a silent suppression is stale
        checked.add(checked.suppressions.stale(), path, catalog)
    if checked.has_errors or not emit:
        return Result(checked.problems)
    from .emit import emit_all
    from .output import with_manifest

    return Result(checked.problems, with_manifest(emit_all(model, Path(path).name)))  # + OUT's manifest
