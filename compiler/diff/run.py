"""`batchgen diff OLD NEW`: read both specs, check them, resolve them, diff the models and
locate every reason in the spec it belongs to. The only place the diff's stages meet.

NEW is checked in full (it is the spec about to be applied: its problems stop the diff
like they stop a compile). OLD is what is deployed; it passed `batchgen compile` when it
was applied, so it is loaded and checked against the JSON Schema, which is all resolving
needs, and not by every rule again; and of OLD's entries only those that differ from NEW's
entry of the same name, because NEW's were just checked. OLD is read as plain data
(compiler/load.py's load_data), and with positions only when something in it has to be
located: a schema problem, or a reason about what NEW removes. That keeps a diff of two large
specs within the time of one compile (tools/bench.py). An OLD the schema rejects stops the
diff with its problems; a section-wide limit (such as a maximum count of entries) is
checked on NEW only.
"""
from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from typing import Callable

from ..catalog import load_catalog
from ..language import ALL_SECTIONS, section_items, section_path
from ..load import Document, load_text
from ..pipeline import _without_cyclic_gc, check_text, read_spec, to_problem
from ..problems import Finding, Pointer, Problem, Severity, Span
from . import Diff, diff_models


@dataclass
class DiffResult:
    problems: list[Problem]  # what stopped the diff (unreadable or invalid specs)
    diff: Diff | None = None
    reasons: list[Problem] = field(default_factory=list)  # every reason, located, in change order
    io_error: bool = False
    old_file: str = ""
    new_file: str = ""
    old_env: str | None = None  # the environments compared, when the spec has them
    new_env: str | None = None

    @property
    def old_label(self) -> str:
        return self.old_file + (f" (env {self.old_env})" if self.old_env else "")

    @property
    def new_label(self) -> str:
        return self.new_file + (f" (env {self.new_env})" if self.new_env else "")

    @property
    def errors(self) -> list[Problem]:
        return [p for p in [*self.problems, *self.reasons] if p.severity is Severity.ERROR]


def git_show(rev: str, path: str) -> tuple[str | None, str, Problem | None]:
    """The text of `path` at git revision `rev` (`git show REV:./NAME`, run in the file's
    folder so the path is the file's own), its label for diagnostics (`REV:path`), or the
    problem (BG-008, exit 2)."""
    file = Path(path)
    label = f"{rev}:{path}"
    try:
        done = subprocess.run(["git", "show", f"{rev}:./{file.name}"], cwd=file.parent if str(file.parent) else ".",
                              capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return None, label, _unreadable(label, f"git show failed: {exc}")
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        return None, label, _unreadable(label, f"git show {rev}:./{file.name}: {detail[-1] if detail else 'failed'}")
    from ..load import decode, limits

    text, finding = decode(done.stdout, limits().max_bytes)
    if finding:
        return None, label, to_problem(finding, Document(None, _empty_source(), []), label, load_catalog())
    return text, label, None


def _empty_source():
    from ..load import SourceMap
    return SourceMap()


def _unreadable(label: str, detail: str) -> Problem:
    msg, _ = load_catalog()["BG-008"].render({"detail": detail})
    return Problem("BG-008", Severity.ERROR, msg, label, Span(1, 1))


def _check_old(text: str, file: str, new_data: object, env: str | None,
               named: bool = False) -> tuple[list[Problem], Document | None, object]:
    """OLD's problems as far as resolving needs: loading and the JSON Schema. An entry equal
    to NEW's entry of the same name was just checked with NEW, so only the others are. With
    `env`, OLD is that environment's spec (its overlay merged, compiler/environments.py); `named`
    (--baseline-env) says OLD must have it.
    Returns the problems, OLD's document when it had to be loaded with positions (None when
    its plain data was enough: see diff_texts), and OLD's data."""
    from ..load import NOT_PLAIN, SourceMap, load_data
    from ..validate import schema

    data = load_data(text)
    if data is not NOT_PLAIN:
        if not isinstance(data, dict):
            return [], None, data
        picked = _environment(Document(data, SourceMap(), []), env, named)
        if picked is not None:
            reduced, _ = _unlike(picked.data, new_data)
            found, _ = schema.check(reduced, {})
            if not found:
                return [], None, picked.data
        # a problem to report: load again with positions, to say where
    catalog = load_catalog()
    doc = load_text(text)
    if doc.fatal:
        return [to_problem(doc.fatal, doc, file, catalog)], doc, doc.data
    findings = list(doc.findings)
    if not doc.empty and isinstance(doc.data, dict):
        picked = _environment(doc, env, named)
        if picked is None:
            return [_no_environment(doc, file, env, "--baseline-env" if named else "--env")], doc, None
        doc = picked
        reduced, back = _unlike(doc.data, new_data)

        def written(ptr: Pointer) -> str | None:
            return doc.source.text(back(ptr))

        found, _ = schema.check(reduced, {}, written=written)
        findings += [Finding(back(f.pointer), f.values, f.code, f.at_key, f.span) for f in found]
    problems = sorted({to_problem(f, doc, file, catalog) for f in findings}, key=Problem.sort_key)
    return [p for p in problems if p.severity is Severity.ERROR], doc, doc.data


def _environment(doc: Document, env: str | None, named: bool = False) -> Document | None:
    """The spec of environment `env` of OLD (OLD itself without `env`, or, unless `named`,
    when it has no environments: a setup that gains them keeps its resources); None when
    OLD doesn't have environment `env`."""
    from .. import environments

    names = environments.names(doc.data)
    if env is None or (not names and not named):
        return doc
    if env not in names:
        return None
    return environments.overlay(doc, env).document


def _no_environment(doc: Document, file: str, env: str | None, option: str) -> Problem:
    from .. import environments

    names = environments.names(doc.data)
    finding = Finding(Pointer((environments.KEY,)) if names else Pointer(()),
                      {"option": option, "env": env, "names": ", ".join(names), "suggestion": ""},
                      code="BG-120", at_key=bool(names), variant="unknown" if names else "none")
    return to_problem(finding, doc, file, load_catalog())


def _unlike(old: dict, new: object) -> tuple[dict, Callable[[Pointer], Pointer]]:
    """`old` with every section entry that equals NEW's entry of the same name left out,
    and the function that maps a pointer into it back to a pointer into `old`."""
    reduced = dict(old)
    index_maps: dict[tuple, list[int]] = {}
    for section, name_field in ALL_SECTIONS.items():
        path = section_path(section)
        items = section_items(old, section)
        if not isinstance(items, list):
            continue
        theirs = section_items(new, section) if isinstance(new, dict) else None
        same = {e.get(name_field): e for e in theirs or [] if isinstance(e, dict)}
        keep = [i for i, e in enumerate(items)
                if not (isinstance(e, dict) and same.get(e.get(name_field), _NOTHING) == e)]
        if len(keep) == len(items):
            continue
        index_maps[path] = keep
        parent = reduced
        for part in path[:-1]:
            parent[part] = dict(parent[part])
            parent = parent[part]
        parent[path[-1]] = [items[i] for i in keep]

    def back(ptr: Pointer) -> Pointer:
        for path, keep in index_maps.items():
            n = len(path)
            if tuple(ptr[:n]) == path and len(ptr) > n and isinstance(ptr[n], int) and ptr[n] < len(keep):
                return Pointer((*path, keep[ptr[n]], *ptr[n + 1:]))
        return ptr

    return reduced, back


_NOTHING = object()


def diff_specs(old_path: str | None, new_path: str, baseline_rev: str | None = None,
               env: str | None = None, baseline_env: str | None = None) -> DiffResult:
    """Diff the spec OLD (a file, or NEW's file at git revision `baseline_rev`, or NEW's file
    itself when only `baseline_env` tells them apart) and NEW; `env` picks one environment of
    each (SPEC.md `environments`), `baseline_env` another one of OLD."""
    with _without_cyclic_gc():
        return _diff_specs(old_path, new_path, baseline_rev, env, baseline_env)


def _diff_specs(old_path: str | None, new_path: str, baseline_rev: str | None, env: str | None,
                baseline_env: str | None) -> DiffResult:
    if baseline_rev is not None:
        old_text, old_file, problem = git_show(baseline_rev, new_path if old_path is None else old_path)
    else:
        old_file = old_path or new_path
        old_text, problem = read_spec(old_file)
    if problem:
        return DiffResult([problem], io_error=problem.code == "BG-008", old_file=old_file, new_file=new_path)
    new_text, problem = read_spec(new_path)
    if problem:
        return DiffResult([problem], io_error=problem.code == "BG-008", old_file=old_file, new_file=new_path)
    return diff_texts(old_text, old_file, new_text, new_path, env, baseline_env)


def diff_texts(old_text: str, old_file: str, new_text: str, new_file: str, env: str | None = None,
               baseline_env: str | None = None) -> DiffResult:
    """NEW is checked in full, as compile checks it (with `env`, that environment's spec; a
    spec with environments needs one: BG-120); OLD as _check_old says, as environment
    `baseline_env` when given, else `env`."""
    old_env = env if baseline_env is None else baseline_env
    from ..resolve import resolve

    checked = check_text(new_text, new_file, env, pick=True)
    new_doc = checked.doc
    old_problems, old_doc, old_data = _check_old(old_text, old_file, new_doc.data, old_env,
                                                 named=baseline_env is not None)
    blocking = old_problems + [p for p in checked.problems if p.severity is Severity.ERROR and p.suppressed is None]
    if blocking or checked.model is None or not isinstance(old_data, dict) or not isinstance(new_doc.data, dict):
        return DiffResult(blocking, old_file=old_file, new_file=new_file)
    diff = diff_models(resolve(old_data), checked.model, old_data, new_doc.data)
    if old_doc is None and any(r.side == "old" for change in diff.changes for r in change.reasons):
        # positions in OLD, only for the reasons located there (removals)
        old_doc = _environment(load_text(old_text), old_env, named=baseline_env is not None)
    located = []
    for change in diff.changes:
        for r in change.reasons:
            doc, file = (old_doc, old_file) if r.side == "old" else (new_doc, new_file)
            located.append(Problem(r.code, r.severity, r.message, file, doc.clamp(doc.source.locate(r.pointer)),
                                   r.pointer))
    return DiffResult([], diff, located, old_file=old_file, new_file=new_file, old_env=old_env, new_env=env)
