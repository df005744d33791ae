"""`batchgen compile NEW --baseline OLD` (or `--baseline-rev REV`): the compile of NEW plus
the CLI path from OLD to NEW, OUT/cli/update.sh and its bodies (compiler/emit/cli/update.py),
from the diff of the two specs (compiler/diff/run.py). Without a baseline nothing changes.
"""
from __future__ import annotations

from pathlib import Path

from .diff.run import DiffResult, diff_specs
from .output import with_manifest
from .problems import Problem, Severity


def add_update_path(files: dict[str, str], spec: str, baseline: str | None, baseline_rev: str | None,
                    env: str | None = None) -> tuple[dict[str, str] | None, DiffResult]:
    """NEW's files with cli/update.sh and its bodies added (manifest made afresh), or None
    when the diff can't be made or holds a change AWS refuses; and the diff, whose reasons the
    caller reports."""
    from .emit.cli import update

    result = diff_specs(baseline, spec, baseline_rev, env)
    if result.problems or result.diff is None or result.errors:
        return None, result
    label = result.old_file if baseline_rev else Path(result.old_file).name
    written = update.emit(result.diff, Path(spec).name, label)
    return with_manifest({**files, **{f"cli/{rel}": text for rel, text in written.items()}}), result


def dangers(result: DiffResult) -> list[Problem]:
    """The diff's warnings and errors (its notes stay in `batchgen diff`)."""
    return [p for p in result.reasons if p.severity is not Severity.INFO]
