"""`batchgen import`: front ends that end in a spec.

    aws             a live account, read with boto3 (aws.py)
    terraform       .tf files, parsed with python-hcl2 (terraform.py)
    cloudformation  a template, JSON or YAML with short-form intrinsics (cloudformation.py)
    cli             AWS CLI request bodies and describe-* outputs (cli_json.py)

Each fills a Draft (entries.py: API-shaped entries, each with where it came from); `finish`
turns that into the spec a person would write, and writer.py into deterministic YAML. The
import then validates what it wrote, so its problems are reported at once, located in the
new spec. boto3 and python-hcl2 are imported only here, only by the import that needs them:
`batchgen compile`, `validate` and `--help` never load them (tests/test_startup.py).
"""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..problems import Problem, Severity
from .report import Report

KINDS = ("aws", "terraform", "cloudformation", "cli")
# The distribution each import needs beyond the runtime dependencies (pyproject's `import` extra).
NEEDS = {"aws": ("boto3", "boto3"), "terraform": ("hcl2", "python-hcl2")}
INSTALL_HINT = "pip install 'batchgen[import]'"


@dataclass
class ImportResult:
    text: str | None  # the spec, None when the import could not produce one
    problems: list[Problem] = field(default_factory=list)
    usage_error: str | None = None  # a message for exit status 2 (missing dependency, no credentials, ...)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]


def missing_dependency(kind: str) -> str | None:
    """The message to give when the import of `kind` can't run for lack of a package."""
    need = NEEDS.get(kind)
    if need is None:
        return None
    import importlib.util

    module, dist = need
    if importlib.util.find_spec(module) is None:
        return f"`batchgen import {kind}` needs {dist}, which is not installed: {INSTALL_HINT}"
    return None


def run(kind: str, args, progress=None) -> ImportResult:
    """Run the import `kind` with the parsed command-line `args`; nothing is written here.
    `progress` (aws.Progress) shows how far `import aws` is, on the stream the caller gave it."""
    from .entries import finish
    from .writer import dump

    missing = missing_dependency(kind)
    if missing:
        return ImportResult(None, usage_error=missing)
    factor_tags = False
    if kind == "aws":
        from . import aws

        draft = aws.import_account(region=args.region, profile=args.profile, name_filter=args.name_filter,
                                   progress=progress)
        if draft.usage_error:
            return ImportResult(None, draft.report.sorted(), usage_error=draft.usage_error)
        factor_tags = True
    elif kind == "terraform":
        from . import terraform

        draft = terraform.import_module(args.dir, variables=args.var or [], var_files=args.var_file or [])
    elif kind == "cloudformation":
        from . import cloudformation

        draft = cloudformation.import_template(args.template, parameters=args.parameter or [],
                                               region=args.region, account=args.account)
    else:
        from . import cli_json

        draft = cli_json.import_files(args.files)
        factor_tags = True
    report: Report = draft.report
    if report.errors and not draft.entries:
        return ImportResult(None, report.sorted())
    spec, origins = finish(draft, factor_tags=factor_tags)
    return ImportResult(dump(spec, origins, draft.header), report.sorted())


def write_spec(path: str, text: str) -> None:
    """Write the spec at `path` whole or not at all (a temporary file renamed into place)."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=str(target.parent or Path(".")))
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
