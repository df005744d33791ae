"""The `batchgen` command: argv, formats, exit codes. The only module that prints.

Exit status: 0 valid (warnings allowed), 1 the spec has errors (or --check found a
difference), 2 usage or I/O problem.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from typing import TYPE_CHECKING

from . import __version__

if TYPE_CHECKING:
    from .pipeline import Result
    from .problems import Problem

# The pipeline (jsonschema, jinja2, the catalog) is imported only by the commands that
# compile: `batchgen --help` and argument errors start in a few tens of milliseconds.
FORMAT_NAMES = ("github", "json", "sarif", "text")

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2

DESCRIPTION = """\
Compile one YAML spec of an AWS Batch setup (compute environments, job queues,
scheduling policies, job definitions, jobs) into a Terraform root module and
AWS CLI --cli-input-json request bodies, after checking it against the JSON
Schema and the documented AWS Batch limits.
"""

EPILOG = """\
diagnostics: one per line, FILE:LINE:COL: SEVERITY[CODE]: MESSAGE [SOURCE]
exit status: 0 valid (warnings allowed), 1 errors in the spec, 2 usage or I/O problem
examples:
  batchgen compile specs/render.yaml -o out/render
  batchgen compile specs/render.yaml -o out/render --check   # in CI: is out/ fresh?
  batchgen validate specs/render.yaml --format sarif > batchgen.sarif
  batchgen diff --baseline-rev origin/main specs/render.yaml --format markdown
"""

DIFF_FORMATS = ("json", "markdown", "text")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="batchgen", description=DESCRIPTION, epilog=EPILOG,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--version", action="version", version=f"batchgen {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    def diag_options(sp):
        sp.add_argument("--format", choices=FORMAT_NAMES, default="text",
                        help="diagnostic format on standard error (default: text)")
        sp.add_argument("--strict", action="store_true", help="treat warnings as errors")

    c = sub.add_parser("compile", help="validate SPEC and write OUT/terraform and OUT/cli",
                       description="Validate SPEC; if it has no errors, write OUT/terraform/*.tf, "
                                   "OUT/cli/<service>/<command>/<name>.json, OUT/cli/deploy.sh and the "
                                   "list of them, OUT/batchgen.manifest.json. "
                                   "A spec with errors writes nothing and leaves OUT untouched. OUT is "
                                   "replaced as a whole, so batchgen refuses an OUT that is the current "
                                   "directory or a parent of it, or holds a .git, the spec, or any file "
                                   "batchgen did not write; files edited since it wrote them are "
                                   "replaced only with --force.")
    c.add_argument("spec", metavar="SPEC", help="the YAML spec")
    c.add_argument("-o", "--out", metavar="OUT", default="out", help="output directory (default: out)")
    c.add_argument("--check", action="store_true",
                   help="write nothing; exit 1 if OUT differs from what would be written (for CI)")
    c.add_argument("--force", action="store_true",
                   help="replace files batchgen wrote that were edited since (the edits are lost); "
                        "files batchgen did not write are never deleted")
    base = c.add_mutually_exclusive_group()
    base.add_argument("--baseline", metavar="OLD",
                      help="the spec deployed now: also write OUT/cli/update.sh, the CLI path from OLD to SPEC")
    base.add_argument("--baseline-rev", metavar="REV",
                      help="as --baseline, with OLD read from git: SPEC at revision REV")
    diag_options(c)

    v = sub.add_parser("validate", help="check SPEC and report every problem; write nothing")
    v.add_argument("spec", metavar="SPEC", help="the YAML spec")
    diag_options(v)

    d = sub.add_parser("diff", help="what applying NEW over OLD does to the deployed resources",
                       description="Compare two specs (OLD is what is deployed, NEW what is about to be applied) "
                                   "and print, for every resource, whether it is created, updated in place, given a "
                                   "new revision, replaced, deleted or unchanged, the fields that change, and why "
                                   "(catalog IDs). Exit 1 if AWS would refuse a change (or NEW has errors).")
    d.add_argument("specs", nargs="+", metavar="SPEC",
                   help="OLD NEW, or only NEW with --baseline-rev")
    d.add_argument("--baseline-rev", metavar="REV",
                   help="read OLD from git: the same file at revision REV (git show REV:./FILE)")
    d.add_argument("--format", choices=DIFF_FORMATS, default="text",
                   help="text (default), json (an array of changes) or markdown (a pull-request comment)")
    d.add_argument("--strict", action="store_true", help="treat warnings as errors")

    sub.add_parser("schema", help="print the spec's JSON Schema (draft 2020-12)")
    r = sub.add_parser("rules", help="print the rule reference (docs/rules.md) generated from the catalog")
    r.add_argument("-o", "--output", metavar="FILE", help="write it to FILE instead of standard output")
    return p


def _report(problems: list[Problem], fmt: str) -> None:
    from .catalog import load_catalog
    from .formatters import FORMATTERS

    if problems or fmt in ("json", "sarif"):
        sys.stderr.write(FORMATTERS[fmt](problems, load_catalog()))


def _strictly(result: Result, strict: bool) -> list[Problem]:
    from .problems import Problem, Severity

    if not strict:
        return result.problems
    return [Problem(p.code, Severity.ERROR, p.message, p.file, p.span, p.pointer) for p in result.problems]


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    if args.command == "schema":
        from .resources import schema_text
        sys.stdout.write(schema_text())
        return EXIT_OK
    if args.command == "rules":
        from .docs import rules_markdown
        text = rules_markdown()
        if args.output:
            Path(args.output).write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
        return EXIT_OK

    if args.command == "diff":
        return _diff(parser, args)

    from .output import OutputError, differences, write_tree
    from .pipeline import Result, compile_spec
    from .problems import Severity

    emit = args.command == "compile"
    try:
        result = compile_spec(args.spec, emit=emit)
    except Exception as exc:  # a bug in batchgen, not in the spec: say so, write nothing
        if os.environ.get("BATCHGEN_DEBUG"):
            raise
        sys.stderr.write(f"batchgen: internal error ({type(exc).__name__}: {exc}) while reading {args.spec}; "
                         "nothing was written. Please report it with the spec; BATCHGEN_DEBUG=1 shows the "
                         "traceback\n")
        return EXIT_USAGE
    problems = _strictly(result, args.strict)
    baseline = emit and (args.baseline is not None or args.baseline_rev is not None)
    if baseline and result.files is not None and not any(p.severity is Severity.ERROR for p in problems):
        from .baseline import add_update_path, dangers

        files, diffed = add_update_path(result.files, args.spec, args.baseline, args.baseline_rev)
        found = diffed.problems + dangers(diffed)
        problems = sorted(problems + _strictly(Result(found), args.strict), key=lambda p: p.sort_key())
        if diffed.io_error:
            _report(problems, args.format)
            return EXIT_USAGE
        result.files = files
    _report(problems, args.format)
    if result.io_error:
        return EXIT_USAGE
    if any(p.severity is Severity.ERROR for p in problems) or (baseline and result.files is None):
        return EXIT_ERRORS
    if not emit:
        return EXIT_OK
    out = Path(args.out)
    if args.check:
        try:
            changed = differences(out, result.files)
        except OutputError as exc:
            sys.stderr.write(f"batchgen: {exc}\n")
            return EXIT_USAGE
        for rel in changed:
            sys.stderr.write(f"{out / rel}: out of date\n")
        if changed:
            sys.stderr.write(f"batchgen: {out} is stale; run: batchgen compile {args.spec} -o {args.out}\n")
            return EXIT_ERRORS
        return EXIT_OK
    try:
        write_tree(out, result.files, force=args.force, spec=args.spec)
    except OutputError as exc:
        sys.stderr.write(f"batchgen: {exc}\n")
        return EXIT_USAGE
    return EXIT_OK


def _diff(parser: argparse.ArgumentParser, args) -> int:
    from .problems import Severity

    if args.baseline_rev is None and len(args.specs) != 2:
        parser.error("diff takes OLD and NEW, or NEW with --baseline-rev REV")
    if args.baseline_rev is not None and len(args.specs) > 2:
        parser.error("diff --baseline-rev takes NEW (or OLD and NEW, OLD read at REV)")
    from .diff_format import RENDERERS
    from .diff_run import diff_specs

    old, new = (args.specs[0], args.specs[-1]) if len(args.specs) == 2 else (None, args.specs[0])
    try:
        result = diff_specs(old, new, args.baseline_rev)
    except Exception as exc:  # a bug in batchgen, not in the specs
        if os.environ.get("BATCHGEN_DEBUG"):
            raise
        sys.stderr.write(f"batchgen: internal error ({type(exc).__name__}: {exc}) while comparing the specs; "
                         "please report it with both specs; BATCHGEN_DEBUG=1 shows the traceback\n")
        return EXIT_USAGE
    if result.problems:
        _report(result.problems, "text")
        return EXIT_USAGE if result.io_error else EXIT_ERRORS
    sys.stdout.write(RENDERERS[args.format](result))
    dangers = [p for p in result.reasons if p.severity is not Severity.INFO]
    if args.format == "text":
        _report(dangers, "text")
    if any(p.severity is Severity.ERROR or (args.strict and p.severity is Severity.WARNING) for p in dangers):
        return EXIT_ERRORS
    return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
