"""The `batchgen` command: argv, formats, exit codes. The only module that prints.

Exit status: 0 valid (warnings allowed), 1 the spec has errors (or --check found a
difference), 2 usage or I/O problem.

Where output goes: `--format text` (the default) writes diagnostics to standard error, as
compilers do; a machine format (json, sarif, github) writes exactly one document to
standard output, also when the problem is a bad argument or an OUT that can't be written,
and nothing else goes to standard output.
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
MACHINE_FORMATS = ("github", "json", "sarif")

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2
STDIN = "-"
NAME_FIELD = "{name}"  # in -o: the spec file's name without its extension

DESCRIPTION = """\
Compile one YAML spec of an AWS Batch setup (compute environments, job queues,
scheduling policies, job definitions, jobs) into a Terraform root module and
AWS CLI --cli-input-json request bodies, after checking it against the JSON
Schema and the documented AWS Batch limits.
"""

EPILOG = """\
diagnostics: --format text (default): FILE:LINE:COL: SEVERITY[CODE]: MESSAGE [SOURCE] on
  standard error; --format json|sarif|github: one document on standard output
exit status: 0 valid (warnings allowed), 1 errors in the spec (or stale output), 2 usage or I/O problem
examples:
  batchgen compile specs/render.yaml -o out/render
  batchgen compile specs/*.yaml -o 'out/{name}' --check      # in CI: is out/ fresh?
  batchgen compile specs/nightly-processing.yaml --env prod -o out/nightly-processing/prod
  batchgen cost specs/render.yaml --format markdown         # the monthly bill, for a PR comment
  batchgen validate specs/render.yaml --format sarif > batchgen.sarif
  cat spec.yaml | batchgen validate - --stdin-filename spec.yaml
  batchgen import aws --region us-east-1 -o spec.yaml          # what runs in an account, as a spec
  batchgen compile spec.yaml -o out --adopt                    # + terraform/imports.tf to adopt it
  batchgen diff --baseline-rev origin/main specs/render.yaml --format markdown   # a PR comment
  batchgen compile specs/render.yaml -o out/render --baseline-rev origin/main  # + cli/update.sh
"""

DIFF_FORMATS = ("json", "markdown", "text")


class UsageError(Exception):
    """A bad command line: reported like any problem, in the format asked for."""

    def __init__(self, parser: argparse.ArgumentParser, message: str):
        super().__init__(f"{parser.prog}: {message}")
        self.parser = parser


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse would print usage and exit; we report it
        raise UsageError(self, message)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="batchgen", description=DESCRIPTION, epilog=EPILOG,
                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--version", action="version", version=f"batchgen {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def diag_options(sp):
        sp.add_argument("--format", choices=FORMAT_NAMES, default="text",
                        help="text: diagnostics on standard error (default); json, sarif, github: "
                             "one document on standard output")
        sp.add_argument("--strict", action="store_true", help="treat warnings as errors")
        sp.add_argument("--stdin-filename", metavar="NAME",
                        help="the name a spec read from standard input (-) has in diagnostics")

    c = sub.add_parser("compile", help="validate SPEC and write OUT/terraform and OUT/cli",
                       description="Validate SPEC; if it has no errors, write OUT/terraform/*.tf, "
                                   "OUT/cli/<service>/<command>/<name>.json, OUT/cli/deploy.sh and the "
                                   "list of them, OUT/batchgen.manifest.json. "
                                   "A spec with errors writes nothing and leaves OUT untouched. OUT is "
                                   "replaced as a whole, so batchgen refuses an OUT that is the current "
                                   "directory or a parent of it, or holds a .git, the spec, or any file "
                                   "batchgen did not write; files edited since it wrote them are "
                                   "replaced only with --force. In OUT/terraform, files named *.local.tf, "
                                   "override.tf, *_override.tf and *.tfvars are yours: kept, never "
                                   "written or checked. With several SPECs, OUT must contain {name}.")
    c.add_argument("specs", nargs="+", metavar="SPEC", help="the YAML spec (- reads standard input)")
    c.add_argument("-o", "--out", metavar="OUT", default="out",
                   help="output directory (default: out); {name} stands for the spec's file name "
                        "without extension, e.g. -o 'out/{name}'")
    c.add_argument("--check", action="store_true",
                   help="write nothing; exit 1 if OUT differs from what would be written (for CI)")
    c.add_argument("--force", action="store_true",
                   help="replace files batchgen wrote that were edited since (the edits are lost); "
                        "files batchgen did not write are never deleted")
    c.add_argument("--env", metavar="NAME",
                   help="compile environment NAME of the spec's `environments` (required when it has any)")
    c.add_argument("--adopt", action="store_true",
                   help="also write OUT/terraform/imports.tf: Terraform import blocks (Terraform >= 1.5) that "
                        "adopt the spec's resources where they already run, instead of creating them")
    base = c.add_mutually_exclusive_group()
    base.add_argument("--baseline", metavar="OLD",
                      help="the spec deployed now: also write OUT/cli/update.sh, the CLI path from OLD to SPEC")
    base.add_argument("--baseline-rev", metavar="REV",
                      help="as --baseline, with OLD read from git: SPEC at revision REV")
    diag_options(c)

    v = sub.add_parser("validate", help="check SPEC and report every problem; write nothing")
    v.add_argument("specs", nargs="+", metavar="SPEC", help="the YAML spec (- reads standard input)")
    v.add_argument("--env", metavar="NAME", help="check environment NAME only (default: every environment)")
    diag_options(v)

    k = sub.add_parser("cost", help="estimate what SPEC's jobs cost a month, and each compute environment per hour",
                       description="Check SPEC; if it has no errors, print the monthly cost of its jobs entries "
                                   "(size x array children or nodes x runs per month x duration, at the Region's "
                                   "prices) and what each compute environment costs per hour at maxvCpus. "
                                   "Durations come from the spec's `estimates`; the method is docs/cost.md. "
                                   "The report goes to standard output, the spec's diagnostics to standard error "
                                   "(with --format json, into the report's `problems`).")
    k.add_argument("spec", metavar="SPEC", help="the YAML spec (- reads standard input)")
    k.add_argument("--env", metavar="NAME", help="price environment NAME of the spec's `environments`")
    k.add_argument("--format", choices=("text", "json", "markdown"), default="text",
                   help="text (default), json, or markdown for a pull-request comment")
    k.add_argument("--spot-discount", type=_fraction, default=None, metavar="FRACTION",
                   help="what Spot costs less than On-Demand, 0 to 1 (default 0.7: 70%% off)")
    k.add_argument("--region", metavar="REGION", help="price in REGION instead of the spec's region")
    k.add_argument("--stdin-filename", metavar="NAME",
                   help="the name a spec read from standard input (-) has in diagnostics")

    d = sub.add_parser("diff", help="what applying NEW over OLD does to the deployed resources",
                       description="Compare two specs (OLD is what is deployed, NEW what is about to be applied) "
                                   "and print, for every resource, whether it is created, updated in place, given a "
                                   "new revision, replaced, deleted or unchanged, the fields that change, and why "
                                   "(catalog IDs). The diff goes to standard output; exit 1 if AWS would refuse a "
                                   "change (or a spec has errors), 2 on a usage or I/O problem.")
    d.add_argument("specs", nargs="+", metavar="SPEC",
                   help="OLD NEW, or only NEW with --baseline-rev or --baseline-env")
    d.add_argument("--baseline-rev", metavar="REV",
                   help="read OLD from git: the same file at revision REV (git show REV:./FILE)")
    d.add_argument("--env", metavar="NAME", help="diff environment NAME of the specs' `environments`")
    d.add_argument("--baseline-env", metavar="NAME",
                   help="OLD is environment NAME (of OLD, or of the one SPEC given): e.g. `--baseline-env dev "
                        "--env prod` shows how prod differs from dev")
    d.add_argument("--format", choices=DIFF_FORMATS, default="text",
                   help="text (default) or markdown (a pull-request comment) on standard output, diagnostics on "
                        "standard error; json: one document on standard output, its `changes` and `problems`")
    d.add_argument("--strict", action="store_true", help="treat warnings as errors")
    d.set_defaults(command_parser=d)

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
    sources = i.add_subparsers(dest="source", metavar="SOURCE", required=True, parser_class=_Parser)

    def common(sp):
        sp.add_argument("-o", "--output", metavar="SPEC",
                        help="write the spec to SPEC (default: standard output, which a machine --format needs "
                             "for its document: give -o with it); an existing SPEC is replaced only with --force")
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
    """`batchgen import SOURCE`: the spec to -o (or stdout), its problems in the format asked for."""
    from .importers import run, write_spec
    from .importers.aws import Progress
    from .pipeline import check_text

    out = args.output if args.output and args.output != STDIN else None
    if out is None and args.format in MACHINE_FORMATS:  # stdout can't hold the spec and the document
        _report([_invocation_problem("BG-020", detail=f"--format {args.format} writes its document to standard "
                                     "output: write the spec with -o SPEC", prog=f"batchgen import {args.source}")],
                args.format)
        return EXIT_USAGE
    if out and Path(out).exists() and not args.force:
        _report([_invocation_problem("BG-021", detail=f"{out} exists; import writes a new spec: choose another "
                                     "-o, or pass --force to replace it")], args.format)
        return EXIT_USAGE
    result = run(args.source, args, Progress(sys.stderr))
    if result.usage_error:
        _report([*result.problems, _invocation_problem("BG-020", detail=result.usage_error,
                                                       prog=f"batchgen import {args.source}")], args.format)
        return EXIT_USAGE
    problems = list(result.problems)
    if result.text is not None:
        if out:
            try:
                write_spec(out, result.text)
            except OSError as exc:
                _report([_invocation_problem("BG-021", detail=f"cannot write {out}: {exc.strerror or exc}")],
                        args.format)
                return EXIT_USAGE
        else:
            sys.stdout.write(result.text)
        problems += check_text(result.text, out or "<stdout>").problems  # what validate says of the new spec
    problems = _strictly(problems, args.strict)
    _report(problems, args.format)
    if result.text is not None and out and args.format == "text":
        sys.stderr.write(f"batchgen: wrote {out}\n")
    return EXIT_ERRORS if _has_errors(problems) or result.text is None else EXIT_OK


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not a fraction from 0 up to (not including) 1")
    return value


def _requested_format(argv: list[str]) -> str:
    """The --format of a command line argparse refused: a machine format still gets its document."""
    for i, arg in enumerate(argv):
        value = arg.split("=", 1)[1] if arg.startswith("--format=") else (
            argv[i + 1] if arg == "--format" and i + 1 < len(argv) else None)
        if value in FORMAT_NAMES:
            return value
    return "text"


def _invocation_problem(code: str, file: str | None = None, **values) -> Problem:
    from .catalog import load_catalog
    from .problems import Problem, Severity

    c = load_catalog()[code]
    message, fix = c.render(values)
    return Problem(code, Severity.ERROR, f"{message}; {fix}" if fix else message, file, None)


def _report(problems: list[Problem], fmt: str) -> None:
    from .catalog import load_catalog
    from .formatters import FORMATTERS

    text = FORMATTERS[fmt](problems, load_catalog())
    if fmt in MACHINE_FORMATS:
        sys.stdout.write(text)  # one document, also when it is empty
    elif text:
        sys.stderr.write(text)


def _strictly(problems: list[Problem], strict: bool) -> list[Problem]:
    from dataclasses import replace

    from .problems import Severity

    if not strict:
        return problems
    return [replace(p, severity=Severity.ERROR) for p in problems]


def _has_errors(problems: list[Problem]) -> bool:
    from .problems import Severity

    return any(p.severity is Severity.ERROR and p.suppressed is None for p in problems)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except UsageError as exc:
        fmt = _requested_format(argv)
        if fmt == "text":  # argparse's own form, and no import beyond the standard library
            exc.parser.print_usage(sys.stderr)
            sys.stderr.write(f"{exc}\n")
        else:
            _report([_invocation_problem("BG-020", detail=str(exc), prog=exc.parser.prog)], fmt)
        return EXIT_USAGE
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

    if args.command == "cost":
        return _cost(args)
    if args.command == "diff":
        return _diff(args)
    problems: list[Problem] = []
    status = _check_specs(args, problems)
    _report(problems, args.format)
    return status


def _read(args, spec: str) -> tuple[str | None, Problem | None]:
    from .pipeline import read_spec, read_stream

    if spec == STDIN:
        return read_stream(sys.stdin.buffer, _spec_name(args, spec))
    return read_spec(spec)


def _cost(args) -> int:
    """`batchgen cost`: the report on stdout; diagnostics on stderr, or in a JSON report."""
    import json

    from .catalog import load_catalog
    from .cost_report import RENDERERS
    from .formatters.json import item
    from .pipeline import cost_text

    name = _spec_name(args, args.spec)
    text, problem = _read(args, args.spec)
    report = None
    if problem is not None:
        problems = [problem]
    else:
        try:
            result, report = cost_text(text, name, args.env, args.spot_discount, args.region)
        except Exception as exc:  # a bug in batchgen, not in the spec
            if os.environ.get("BATCHGEN_DEBUG"):
                raise
            result, report = None, None
            problems = [_invocation_problem("BG-023", detail=f"{type(exc).__name__}: {exc}", spec=name)]
        else:
            problems = result.problems
    if args.format == "json":  # one document, with the diagnostics in it
        document = json.loads(RENDERERS["json"](report)) if report is not None else {}
        document["problems"] = [item(p, load_catalog()) for p in problems]
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
    else:
        _report(problems, "text")
        if report is not None:
            sys.stdout.write(RENDERERS[args.format](report))
    if problem is not None and problem.code == "BG-008" or any(p.code == "BG-023" for p in problems):
        return EXIT_USAGE
    return EXIT_OK if report is not None else EXIT_ERRORS


def _check_specs(args, problems: list[Problem]) -> int:
    """validate or compile each SPEC; the problems go to `problems`; the exit status."""
    compiling = args.command == "compile"
    if args.specs.count(STDIN) > 1:
        problems.append(_invocation_problem("BG-020", detail="standard input (-) can be read once",
                                            prog=f"batchgen {args.command}"))
        return EXIT_USAGE
    if compiling and len(args.specs) > 1 and NAME_FIELD not in args.out:
        problems.append(_invocation_problem(
            "BG-020", detail=f"{len(args.specs)} specs would share one OUT ({args.out}): "
                             f"give -o with {NAME_FIELD}, e.g. -o 'out/{NAME_FIELD}'", prog="batchgen compile"))
        return EXIT_USAGE
    if compiling and (args.baseline is not None or args.baseline_rev is not None) and len(args.specs) > 1:
        problems.append(_invocation_problem("BG-020", detail="--baseline and --baseline-rev go with one SPEC",
                                            prog="batchgen compile"))
        return EXIT_USAGE
    status = EXIT_OK
    for spec in args.specs:
        status = max(status, _check_spec(args, spec, problems))
    return status


def _spec_name(args, spec: str) -> str:
    """The spec's name in diagnostics and in the output's comments."""
    if spec == STDIN:
        return args.stdin_filename or "<stdin>"
    return spec


def _check_spec(args, spec: str, problems: list[Problem]) -> int:
    from .pipeline import compile_spec, compile_text

    compiling = args.command == "compile"
    name = _spec_name(args, spec)
    try:
        if spec == STDIN:
            text, problem = _read(args, spec)
            result = compile_text(text, name, compiling, args.env, compiling and args.adopt) \
                if problem is None else _failed(problem)
        else:
            result = compile_spec(spec, emit=compiling, env=args.env, adopt=compiling and args.adopt)
    except Exception as exc:  # a bug in batchgen, not in the spec: say so, write nothing
        if os.environ.get("BATCHGEN_DEBUG"):
            raise
        problems.append(_invocation_problem("BG-023", detail=f"{type(exc).__name__}: {exc}", spec=name))
        return EXIT_USAGE
    found = _strictly(result.problems, args.strict)
    problems.extend(found)
    if result.io_error:
        return EXIT_USAGE
    if _has_errors(found):
        return EXIT_ERRORS
    if not compiling:
        return EXIT_OK
    if args.baseline is not None or args.baseline_rev is not None:
        status = _with_baseline(args, spec, result, problems)
        if status != EXIT_OK:
            return status
    return _write(args, spec, result, problems)


def _with_baseline(args, spec: str, result: Result, problems: list[Problem]) -> int:
    """compile --baseline OLD / --baseline-rev REV: the diff's warnings and errors join the
    problems, and result.files gains cli/update.sh and its bodies (compiler/baseline.py). A
    diff that can't be made, or holds a change AWS refuses, writes nothing (exit 1; 2 when OLD
    can't be read)."""
    from .baseline import add_update_path, dangers

    if spec == STDIN:
        problems.append(_invocation_problem("BG-020", detail="--baseline and --baseline-rev compile a spec file, "
                                            "not standard input", prog="batchgen compile"))
        return EXIT_USAGE
    files, diffed = add_update_path(result.files, spec, args.baseline, args.baseline_rev, args.env)
    found = _strictly(diffed.problems + dangers(diffed), args.strict)
    problems.extend(found)
    if diffed.io_error:
        return EXIT_USAGE
    if files is None or _has_errors(found):
        return EXIT_ERRORS
    result.files = files
    return EXIT_OK


def _failed(problem: Problem) -> Result:
    from .pipeline import Result

    return Result([problem], io_error=problem.code == "BG-008")


def _write(args, spec: str, result: Result, problems: list[Problem]) -> int:
    from .output import OutputError, differences, write_tree

    stem = Path(_spec_name(args, spec)).stem
    out_arg = args.out.replace(NAME_FIELD, stem)
    out = Path(out_arg)
    if args.check:
        try:
            changed = differences(out, result.files)
        except OutputError as exc:
            problems.append(_invocation_problem("BG-021", detail=str(exc)))
            return EXIT_USAGE
        env = f" --env {args.env}" if args.env else ""
        again = f"batchgen compile {spec}{env} -o {out_arg}"
        problems.extend(_invocation_problem("BG-022", str(out / rel), what=_staleness(out, rel, result.files),
                                            command=again) for rel in changed)
        return EXIT_ERRORS if changed else EXIT_OK
    try:
        write_tree(out, result.files, force=args.force, spec=None if spec == STDIN else spec)
    except OutputError as exc:
        problems.append(_invocation_problem("BG-021", detail=str(exc)))
        return EXIT_USAGE
    return EXIT_OK


def _staleness(out: Path, rel: str, files: dict[str, str]) -> str:
    if rel not in files:
        return "not part of what the spec compiles to"
    if not os.path.lexists(out / rel):
        return "missing"
    return "out of date"


def _diff(args) -> int:
    """`batchgen diff`: the diff on standard output in its format; diagnostics on standard
    error (text, markdown) or in the JSON document's `problems` (json)."""
    usage = None
    one_spec = args.baseline_rev is not None or args.baseline_env is not None
    if not one_spec and len(args.specs) != 2:
        usage = "diff takes OLD and NEW, or NEW with --baseline-rev REV or --baseline-env NAME"
    elif one_spec and len(args.specs) > 2:
        usage = "diff takes at most two specs, OLD and NEW"
    elif STDIN in args.specs:
        usage = "diff reads its specs from files (git show reads OLD at a revision), not standard input"
    if usage is not None:  # as main() reports argparse's own errors
        if args.format == "json":
            _diff_report(args.format, None, [_invocation_problem("BG-020", detail=usage, prog="batchgen diff")])
        else:
            args.command_parser.print_usage(sys.stderr)
            sys.stderr.write(f"batchgen diff: {usage}\n")
        return EXIT_USAGE
    from .diff.run import diff_specs

    old, new = (args.specs[0], args.specs[-1]) if len(args.specs) == 2 else (None, args.specs[0])
    try:
        result = diff_specs(old, new, args.baseline_rev, args.env, args.baseline_env)
    except Exception as exc:  # a bug in batchgen, not in the specs
        if os.environ.get("BATCHGEN_DEBUG"):
            raise
        _diff_report(args.format, None, [_invocation_problem("BG-023", detail=f"{type(exc).__name__}: {exc}",
                                                             spec=f"{old or args.baseline_rev} -> {new}")])
        return EXIT_USAGE
    if result.problems:
        _diff_report(args.format, None, _strictly(result.problems, args.strict))
        return EXIT_USAGE if result.io_error else EXIT_ERRORS
    from .problems import Severity

    dangers = _strictly([p for p in result.reasons if p.severity is not Severity.INFO], args.strict)
    _diff_report(args.format, result, dangers)
    return EXIT_ERRORS if _has_errors(dangers) else EXIT_OK


def _diff_report(fmt: str, result, problems: list[Problem]) -> None:
    """The diff (if it could be made) in `fmt` on standard output; `problems` on standard
    error as text, or, for json, inside the one document (its `problems`)."""
    import json

    from .catalog import load_catalog
    from .diff.formats import RENDERERS, document
    from .formatters.json import item

    if fmt == "json":
        out = document(result) if result is not None else {"changes": []}
        out["problems"] = [item(p, load_catalog()) for p in problems]
        sys.stdout.write(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
        return
    if result is not None:
        sys.stdout.write(RENDERERS[fmt](result))
    _report(problems, "text")


if __name__ == "__main__":
    raise SystemExit(main())
