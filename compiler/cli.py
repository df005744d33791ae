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
  batchgen import aws --region us-east-1 -o spec.yaml          # what runs in an account, as a spec
  batchgen compile spec.yaml -o out --adopt                    # + terraform/imports.tf to adopt it
"""


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
    c.add_argument("--adopt", action="store_true",
                   help="also write OUT/terraform/imports.tf: Terraform import blocks (Terraform >= 1.5) that "
                        "adopt the spec's resources where they already run, instead of creating them")
    diag_options(c)

    v = sub.add_parser("validate", help="check SPEC and report every problem; write nothing")
    v.add_argument("spec", metavar="SPEC", help="the YAML spec")
    diag_options(v)

    _import_parser(sub, diag_options)

    sub.add_parser("schema", help="print the spec's JSON Schema (draft 2020-12)")
    r = sub.add_parser("rules", help="print the rule reference (docs/rules.md) generated from the catalog")
    r.add_argument("-o", "--output", metavar="FILE", help="write it to FILE instead of standard output")
    return p


def _import_parser(sub, diag_options) -> None:
    i = sub.add_parser(
        "import", help="write a spec from what already runs: an AWS account, Terraform, CloudFormation or CLI JSON",
        description="Write a spec from what already runs. Every entry says where it came from (ARN or file:line); "
                    "what can't be worked out statically is a located warning and a visible @@UNRESOLVED ...@@ "
                    "placeholder, never a guess. The spec is then validated and its problems reported. "
                    "Importing the same input twice gives the same bytes. aws and terraform need the "
                    "`import` extra: pip install 'batchgen[import]'.")
    sources = i.add_subparsers(dest="source", metavar="SOURCE", required=True)

    def common(sp):
        sp.add_argument("-o", "--output", metavar="SPEC",
                        help="write the spec to SPEC (default: standard output); an existing SPEC is replaced "
                             "only with --force")
        sp.add_argument("--force", action="store_true", help="replace an existing SPEC")
        diag_options(sp)

    a = sources.add_parser("aws", help="read an account with boto3 (standard credential chain, AWS_ENDPOINT_URL)",
                           description="Read compute environments, job queues, scheduling policies, the latest "
                                       "ACTIVE revision of each job definition, EventBridge rules that submit "
                                       "to a queue (schedules) or send job state changes to SNS (notifications), "
                                       "and the IAM roles these use. A denied call is a warning naming the IAM "
                                       "action; throttling is retried with backoff.")
    a.add_argument("--region", help="the Region (default: from the AWS configuration)")
    a.add_argument("--profile", help="a named profile of the AWS configuration")
    a.add_argument("--name-filter", metavar="GLOB", help="only resources whose name matches GLOB (fnmatch: *, ?, [ab])")
    common(a)
    t = sources.add_parser("terraform", help="aws_batch_*, IAM, EventBridge and SNS resources of a Terraform module",
                           description="Parse DIR/*.tf with python-hcl2 and evaluate what is static: literals, "
                                       "jsonencode(), heredocs, file(), variables (defaults, -var, -var-file), "
                                       "locals, references between resources (they become names).")
    t.add_argument("dir", metavar="DIR", help="the Terraform module directory")
    t.add_argument("-var", "--var", action="append", metavar="NAME=VALUE", help="set a variable (repeatable)")
    t.add_argument("-var-file", "--var-file", action="append", metavar="FILE",
                   help="variables from a .tfvars or .tfvars.json file (repeatable)")
    common(t)
    f = sources.add_parser("cloudformation", help="AWS::Batch::*, IAM, Events and SNS resources of a template",
                           description="Read a CloudFormation template, JSON or YAML with short-form intrinsics "
                                       "(!Ref, !GetAtt, !Sub, ...) read as data. Ref and GetAtt between resources "
                                       "become names; parameters take their Default or --parameter.")
    f.add_argument("template", metavar="TEMPLATE", help="the template file")
    f.add_argument("--parameter", action="append", metavar="KEY=VALUE", help="a template parameter (repeatable)")
    f.add_argument("--region", help="AWS::Region, where the template uses it")
    f.add_argument("--account", help="AWS::AccountId, where the template uses it")
    common(f)
    c = sources.add_parser("cli", help="AWS CLI --cli-input-json request bodies and describe-* outputs",
                           description="Merge create-compute-environment, create-job-queue, "
                                       "create-scheduling-policy, register-job-definition and submit-job request "
                                       "bodies, and describe-* outputs, into one spec (later files win).")
    c.add_argument("files", nargs="+", metavar="FILE", help="JSON or YAML files")
    common(c)


def _run_import(args) -> int:
    from .importers import run, write_spec
    from .importers.aws import Progress
    from .pipeline import check_text
    from .problems import Severity

    out = args.output if args.output and args.output != "-" else None
    if out and Path(out).exists() and not args.force:
        sys.stderr.write(f"batchgen: {out} exists; import writes a new spec (use --force to replace it)\n")
        return EXIT_USAGE
    result = run(args.source, args, Progress(sys.stderr))
    if result.usage_error:
        _report(result.problems, args.format)
        sys.stderr.write(f"batchgen: {result.usage_error}\n")
        return EXIT_USAGE
    problems = list(result.problems)
    if result.text is not None:
        if out:
            try:
                write_spec(out, result.text)
            except OSError as exc:
                sys.stderr.write(f"batchgen: cannot write {out}: {exc.strerror or exc}\n")
                return EXIT_USAGE
        else:
            sys.stdout.write(result.text)
        problems += check_text(result.text, out or "<stdout>")[0]  # what validate would say of the new spec
    _report(_strictly_all(problems, args.strict), args.format)
    if result.text is not None and out:
        sys.stderr.write(f"batchgen: wrote {out}\n")
    return EXIT_ERRORS if any(p.severity is Severity.ERROR for p in _strictly_all(problems, args.strict)) \
        or result.text is None else EXIT_OK


def _strictly_all(problems, strict: bool):
    from .problems import Problem, Severity

    return [Problem(p.code, Severity.ERROR, p.message, p.file, p.span, p.pointer) for p in problems] \
        if strict else problems


def _report(problems: list[Problem], fmt: str) -> None:
    from .catalog import load_catalog
    from .formatters import FORMATTERS

    if problems or fmt in ("json", "sarif"):
        sys.stderr.write(FORMATTERS[fmt](problems, load_catalog()))


def _strictly(result: Result, strict: bool) -> list[Problem]:
    return _strictly_all(result.problems, strict)


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
    if args.command == "import":
        return _run_import(args)
    if args.command == "rules":
        from .docs import rules_markdown
        text = rules_markdown()
        if args.output:
            Path(args.output).write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
        return EXIT_OK

    from .output import OutputError, differences, write_tree
    from .pipeline import compile_spec
    from .problems import Severity

    emit = args.command == "compile"
    try:
        result = compile_spec(args.spec, emit=emit, adopt=emit and args.adopt)
    except Exception as exc:  # a bug in batchgen, not in the spec: say so, write nothing
        if os.environ.get("BATCHGEN_DEBUG"):
            raise
        sys.stderr.write(f"batchgen: internal error ({type(exc).__name__}: {exc}) while reading {args.spec}; "
                         "nothing was written. Please report it with the spec; BATCHGEN_DEBUG=1 shows the "
                         "traceback\n")
        return EXIT_USAGE
    problems = _strictly(result, args.strict)
    _report(problems, args.format)
    if result.io_error:
        return EXIT_USAGE
    if any(p.severity is Severity.ERROR for p in problems):
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


if __name__ == "__main__":
    raise SystemExit(main())
