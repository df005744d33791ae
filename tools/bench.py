"""Benchmark batchgen against a floor: how much slower than just parsing the YAML is it? Not a test.

    .venv/bin/python tools/bench.py                    # every size, the start-up times, PASS/FAIL
    .venv/bin/python tools/bench.py --markdown         # only the table, for the README
    .venv/bin/python tools/bench.py --sizes 100 1000 --repeat 5
    .venv/bin/python tools/bench.py --sizes 2000 --profile 2000   # plus cProfile of one compile
    .venv/bin/python tools/bench.py --sizes 2000 --per-rule 2000  # plus time per stage and per rule

For each size N it generates a valid spec (build_spec: N job definitions, N jobs, 40 compute
environments, 40 job queues) and measures, in this one process, the best of several rounds
(each round times all four below in turn, so load from elsewhere falls on them alike):

- the floor: read the spec, yaml.load(text, Loader=yaml.CSafeLoader), json.dumps, write one
  file. Once with Python's default cyclic GC and once with gc.disable(); batchgen's compile
  runs with the cyclic GC off (compiler/pipeline.py), so the ratio is taken against the
  GC-off floor, the faster and so the stricter of the two;
- `batchgen validate SPEC` and `batchgen compile SPEC -o OUT` through compiler.cli.main, the
  whole command (diagnostics, and for compile every output file written to a fresh OUT);
- `batchgen diff SPEC SPEC2`, SPEC2 being the same setup a release later
  (build_spec(revision=2): new image tags on a tenth of the job definitions, an environment
  and a queue updated, a job definition added), the whole command with its text printed.

In-process runs are warm: the imports and the catalog are loaded once before timing.
Start-up is measured separately, as wall-clock time of the venv's `batchgen` in subprocesses
(with a bytecode cache, as an installed batchgen has). Timings on a busy machine vary a lot:
the script warns when the load average is high; --clock cpu and --tmpdir /dev/shm help.

Targets (the issue's "Scale and speed"):
- 2,000 job definitions compile within 6x the floor (GC off);
- diffing two specs of 2,000 job definitions takes no longer than compiling one (issue 10);
- linear cost: 10x the input costs at most 12x the time, checked as compile(1000)/compile(100)
  and compile(5000)/compile(500);
- `batchgen --help`, `batchgen validate` and `batchgen compile` of specs/render.yaml each
  under 300 ms wall.
"""
from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Callable, Iterator

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `python tools/bench.py` puts tools/, not the repo, on the path
    sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from compiler.cli import main  # noqa: E402

DEFAULT_SIZES = (10, 100, 500, 1000, 2000, 5000)
CES = 40     # an account holds at most 50 compute environments and 50 job queues
QUEUES = 40
EXAMPLE = ROOT / "specs" / "render.yaml"

RATIO_SIZE, RATIO_TARGET = 2000, 6.0          # compile(2000) <= 6x floor (GC off)
DIFF_SIZE = 2000                              # diff(2000 -> 2000) <= compile(2000)
LINEAR_PAIRS, LINEAR_TARGET = ((100, 1000), (500, 5000)), 12.0  # 10x input <= 12x time
STARTUP_TARGET_MS = 300.0


# --- the spec ---------------------------------------------------------------------------

def build_spec(jds: int, jobs: int | None = None, ces: int = CES, queues: int = QUEUES,
               revision: int = 1) -> str:
    """A valid spec of `jds` job definitions, `jobs` jobs (default: as many), `ces` compute
    environments and `queues` job queues.

    Environments cycle EC2, SPOT, FARGATE; a queue takes two environments of one family
    (never Fargate with EC2/Spot, JQ-007; at most 3, JQ-004); job definitions carry Ref::
    placeholders, retry strategies, timeouts and tags, every third one for Fargate; jobs
    submit them to a queue of their family, every tenth as an array job, every fifth
    depending on the job before it. Fargate appears only when there are at least 3
    environments and 3 queues, so every size of every part gives a valid spec (keep
    ces and queues <= 50, the account's default quotas).

    revision=2 is the same setup a release later, what `batchgen diff` is timed on: every
    tenth job definition's image bumped (a new revision), the second environment's (Spot)
    maxvCpus doubled and its instance types widened (updates in place), the first queue's priority
    changed, and one job definition added."""
    if jds < 1 or ces < 1 or queues < 1:
        raise ValueError("build_spec needs at least one job definition, environment and queue")
    jobs = jds if jobs is None else jobs
    fargate_ces = [i for i in range(ces) if i % 3 == 2]
    ec2_ces = [i for i in range(ces) if i % 3 != 2]
    fargate_queues = [q for q in range(queues) if q % 3 == 2] if fargate_ces else []
    ec2_queues = [q for q in range(queues) if q not in fargate_queues]

    def is_fargate_jd(j: int) -> bool:
        return bool(fargate_queues) and j % 3 == 2

    out = ["batchgen: 1", "project: bench", "region: us-east-1", 'account: "123456789012"',
           "tags: {team: bench}", "computeEnvironments:"]
    for i in range(ces):
        kind = "FARGATE" if i in fargate_ces else ("EC2", "SPOT")[i % 3]
        out.append(f"  - computeEnvironmentName: ce-{i}")
        out.append("    type: MANAGED")
        out.append("    computeResources:")
        out.append(f"      type: {kind}")
        later = revision > 1 and i == 1  # a Spot environment: SPOT_CAPACITY_OPTIMIZED takes these in place
        if kind == "SPOT":
            out.append("      allocationStrategy: SPOT_CAPACITY_OPTIMIZED")
        out.append(f"      maxvCpus: {512 if later else 256}")
        if kind != "FARGATE":
            out.append("      minvCpus: 0")
            out.append(f"      instanceTypes: [c5, m5, r5{', c6i' if later else ''}]")
        out.append("      subnets: [subnet-0a1b2c3d, subnet-4e5f6a7b]")
        out.append("      securityGroupIds: [sg-0c1d2e3f]")
    out.append("jobQueues:")
    for q in range(queues):
        family, members = (fargate_ces, fargate_queues) if q in fargate_queues else (ec2_ces, ec2_queues)
        n = members.index(q)  # the queue's place in its family: consecutive queues, consecutive environments
        picked = dict.fromkeys(family[(n + k) % len(family)] for k in range(2))
        order = ", ".join(f"{{order: {o + 1}, computeEnvironment: ce-{c}}}" for o, c in enumerate(picked))
        priority = 100 if revision > 1 and q == 0 else q
        out.append(f"  - {{jobQueueName: queue-{q}, priority: {priority}, computeEnvironmentOrder: [{order}]}}")
    out.append("jobDefinitions:")
    for j in range(jds + (1 if revision > 1 else 0)):
        fargate = is_fargate_jd(j)
        out.append(f"  - jobDefinitionName: jd-{j}")
        out.append("    type: container")
        out.append(f"    parameters: {{mode: fast, level: \"{j % 7}\"}}")
        out.append("    containerProperties:")
        tag = "v2" if revision > 1 and j % 10 == 0 else "latest"
        out.append(f"      image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/app-{j % 50}:{tag}")
        out.append("      command: [run, --input, Ref::input, --mode, Ref::mode, --level, Ref::level]")
        out.append(f"      resourceRequirements: [{{type: VCPU, value: \"{1 if fargate else 1 + j % 4}\"}}, "
                   f"{{type: MEMORY, value: \"{2048 if fargate else 1024 * (1 + j % 8)}\"}}]")
        out.append("      environment: [{name: STAGE, value: prod}, {name: SHARD, value: \"%d\"}]" % j)
        if fargate:
            out.append("      networkConfiguration: {assignPublicIp: ENABLED}")
        out.append("    retryStrategy:")
        out.append("      attempts: 3")
        out.append("      evaluateOnExit: [{action: RETRY, onStatusReason: \"Host EC2*\"}, {action: EXIT, onReason: \"*\"}]")
        out.append("    timeout: {attemptDurationSeconds: 3600}")
        out.append(f"    platformCapabilities: [{'FARGATE' if fargate else 'EC2'}]")
        out.append(f"    tags: {{app: app-{j % 50}}}")
    if jobs:
        out.append("jobs:")
    for k in range(jobs):
        j = k % jds
        family = fargate_queues if is_fargate_jd(j) else ec2_queues
        q = family[k % len(family)]
        line = f"  - {{jobName: job-{k}, jobQueue: queue-{q}, jobDefinition: jd-{j}, parameters: {{input: s3://in/{k}}}"
        if k % 10 == 0:
            line += ", arrayProperties: {size: 100}"
        if k % 5 == 1:
            line += f", dependsOn: [{{jobId: job-{k - 1}}}]"
        out.append(line + "}")
    return "\n".join(out) + "\n"


# --- timing -----------------------------------------------------------------------------

@contextmanager
def _gc(enabled: bool) -> Iterator[None]:
    was = gc.isenabled()
    gc.collect()  # every run starts with the same (empty) young generations
    if enabled:
        gc.enable()
    else:
        gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
        else:
            gc.disable()


CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}
clock = CLOCKS["wall"]  # --clock cpu: this process's CPU time, steadier on a busy machine


def _timed(fn: Callable[[], object], gc_enabled: bool = True) -> float:
    """Seconds (by `clock`) of one call of fn()."""
    with _gc(gc_enabled):
        start = clock()
        fn()
        return clock() - start


def floor_once(spec: Path, out: Path) -> None:
    """The floor: what reading the spec and writing it out again costs with no checking at all."""
    text = spec.read_text(encoding="utf-8")
    data = yaml.load(text, Loader=yaml.CSafeLoader)
    with open(out, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(data))


def run_cli(argv: list[str]) -> tuple[int, str]:
    """compiler.cli.main(argv), its output captured: (exit status, standard error)."""
    o, e = io.StringIO(), io.StringIO()
    with redirect_stdout(o), redirect_stderr(e):
        code = main(argv)
    return code, e.getvalue()


class Size:
    def __init__(self, jds: int, tmp: Path):
        self.jds = jds
        self.jobs = jds
        self.dir = tmp / f"n{jds}"
        self.dir.mkdir(parents=True)
        self.spec = self.dir / "bench.yaml"
        text = build_spec(jds)
        self.spec.write_text(text, encoding="utf-8")
        self.spec2 = self.dir / "bench-v2.yaml"
        self.spec2.write_text(build_spec(jds, revision=2), encoding="utf-8")
        self.kib = len(text.encode()) / 1024
        self.lines = text.count("\n")
        self.floor_gc_on = self.floor_gc_off = self.validate = self.compile = self.diff = float("nan")
        self.diagnostics: list[str] = []
        self.files = 0

    def measure(self, runs: int) -> None:
        """Best of `runs` rounds; each round times the floor (GC on, GC off), validate,
        compile and diff once, so that other load on the machine falls on all five alike."""
        code, err = run_cli(["validate", str(self.spec)])
        self.diagnostics = err.splitlines()
        if code != 0 or self.diagnostics:
            return  # an invalid spec compiles to nothing: its timings would mean nothing
        js, out = self.dir / "floor.json", self.dir / "out"

        def compile_() -> None:
            code, err = run_cli(["compile", str(self.spec), "-o", str(out)])
            if code != 0:
                raise SystemExit(f"compile of {self.jds} job definitions failed ({code}):\n{err}")

        def diff() -> None:
            code, err = run_cli(["diff", str(self.spec), str(self.spec2)])
            if code != 0:
                raise SystemExit(f"diff of {self.jds} job definitions failed ({code}):\n{err}")

        best = [float("inf")] * 5
        for _ in range(runs):
            times = (
                _timed(lambda: floor_once(self.spec, js), gc_enabled=True),
                _timed(lambda: floor_once(self.spec, js), gc_enabled=False),
                # batchgen sets the GC itself: the process default (on) is what a shell gives it
                _timed(lambda: run_cli(["validate", str(self.spec)])),
                _timed(compile_),  # into a fresh OUT: every run writes every file
                _timed(diff),  # batchgen sets the GC itself, as for validate
            )
            best = [min(b, t) for b, t in zip(best, times)]
            self.files = sum(1 for f in out.rglob("*") if f.is_file())
            shutil.rmtree(out)
        self.floor_gc_on, self.floor_gc_off, self.validate, self.compile, self.diff = best

    @property
    def ratio(self) -> float:
        return self.compile / self.floor_gc_off


def _ms(seconds: float) -> str:
    return "—" if seconds != seconds else f"{seconds * 1000:,.0f} ms"


def table(rows: list[Size]) -> str:
    lines = ["| job definitions | jobs | spec KiB | floor (GC on) | floor (GC off) | validate | compile "
             "| compile ÷ floor (GC off) | diff (two specs) | diff ÷ compile |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        ratio = "invalid spec" if r.diagnostics else f"{r.ratio:.1f}×"
        per = "—" if r.diagnostics else f"{r.diff / r.compile:.2f}"
        lines.append(f"| {r.jds:,} | {r.jobs:,} | {r.kib:,.0f} | {_ms(r.floor_gc_on)} | {_ms(r.floor_gc_off)} "
                     f"| {_ms(r.validate)} | {_ms(r.compile)} | {ratio} | {_ms(r.diff)} | {per} |")
    return "\n".join(lines)


# --- start-up ---------------------------------------------------------------------------

def _batchgen() -> list[str]:
    exe = Path(sys.executable).parent / "batchgen"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "compiler"]


def startup(runs: int, tmp: Path) -> list[tuple[str, float, bool]]:
    """Wall-clock milliseconds (best of `runs`) of each command in a fresh process:
    (command line, ms, whether it has the 300 ms target).

    With a bytecode cache, as an installed batchgen has (pip compiles it): the cache goes to
    a temporary PYTHONPYCACHEPREFIX, filled by one untimed run of each command, even when
    the environment sets PYTHONDONTWRITEBYTECODE (compiling every module's source again on
    each start would add some 100-200 ms no user pays)."""
    bg = _batchgen()
    name = Path(bg[0]).name if len(bg) == 1 else "python -m compiler"
    example = os.path.relpath(EXAMPLE, ROOT)
    cases = [
        ([sys.executable, "-c", "pass"], "python -c pass  (the interpreter alone)", False),
        (bg + ["--help"], f"{name} --help", True),
        (bg + ["validate", example], f"{name} validate {example}", True),
        (bg + ["compile", example, "-o", "{out}"], f"{name} compile {example} -o OUT", True),
    ]
    # this checkout's compiler, also when the venv's entry point was installed from another one
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
           "PYTHONPYCACHEPREFIX": str(tmp / "pycache")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    results = []
    for argv, label, target in cases:
        best = float("inf")
        for i in range(-1, runs):  # run -1 fills the bytecode cache
            out = tmp / f"startup-{i}"
            args = [a.replace("{out}", str(out)) for a in argv]
            start = time.perf_counter()
            proc = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True)
            elapsed = time.perf_counter() - start
            if proc.returncode != 0:
                raise SystemExit(f"{' '.join(args)} exited {proc.returncode}:\n{proc.stderr}")
            if i >= 0:
                best = min(best, elapsed)
            shutil.rmtree(out, ignore_errors=True)
        results.append((label, best * 1000, target))
    return results


# --- profiling --------------------------------------------------------------------------

def profile_compile(size: Size, top: int = 30) -> str:
    prof = cProfile.Profile()
    out = size.dir / "out-profile"
    with _gc(True):
        prof.enable()
        code, err = run_cli(["compile", str(size.spec), "-o", str(out)])
        prof.disable()
    shutil.rmtree(out, ignore_errors=True)
    s = io.StringIO()
    s.write(f"cProfile of one `batchgen compile` of {size.jds:,} job definitions (exit {code}); "
            "times are inflated by the profiler\n")
    stats = pstats.Stats(prof, stream=s)
    stats.strip_dirs()
    for key in ("cumulative", "tottime"):
        s.write(f"\n--- top {top} by {key} ---\n")
        stats.sort_stats(key).print_stats(top)
    return s.getvalue()


def per_rule(spec_text: str) -> list[tuple[float, str]]:
    """Seconds of each validation rule alone on the spec, slowest first."""
    from compiler.load import load_text
    from compiler.validate import SPEC_RULES, Context, schema

    data = load_text(spec_text).data
    _, broken = schema.check(data, {})
    ctx = Context(data, broken, {})
    out = []
    with _gc(False):
        for rule in SPEC_RULES:
            start = clock()
            rule.run(ctx)
            out.append((clock() - start, f"{rule.ids[0]} {rule.name}"))
    return sorted(out, reverse=True)


def stages(spec_text: str, tmp: Path) -> list[tuple[str, float]]:
    """Seconds of each stage of one compile (cyclic GC off, as in the pipeline)."""
    from compiler.emit import cli, terraform
    from compiler.load import load_text
    from compiler.output import write_tree
    from compiler.resolve import resolve
    from compiler.validate import SPEC_RULES, Context, measure, schema

    timings = []

    def step(name: str, fn: Callable[[], object]) -> object:
        start = clock()
        value = fn()
        timings.append((name, clock() - start))
        return value

    with _gc(False):
        doc = step("load (YAML + spans)", lambda: load_text(spec_text))
        _, broken = step("schema", lambda: schema.check(doc.data, {}))
        ctx = Context(doc.data, broken, {})
        step(f"rules ({len(SPEC_RULES)})", lambda: [rule.run(ctx) for rule in SPEC_RULES])
        model = step("resolve", lambda: resolve(doc.data))
        step("measure (model checks)", lambda: measure(model))
        tf = step("emit terraform", lambda: terraform.emit(model, "bench.yaml"))
        bodies = step("emit cli", lambda: cli.emit(model, "bench.yaml"))
        files = {**{f"terraform/{k}": v for k, v in tf.items()}, **{f"cli/{k}": v for k, v in bodies.items()}}
        out = tmp / "out-stages"
        step(f"write ({len(files):,} files)", lambda: write_tree(out, files))
    shutil.rmtree(out, ignore_errors=True)
    return timings


def diff_stages(old: Path, new: Path) -> list[tuple[str, float]]:
    """Seconds of each stage of one `batchgen diff OLD NEW` (compiler/diff/run.py's order)."""
    from compiler.diff import diff_models, formats, run
    from compiler.pipeline import check_text
    from compiler.resolve import resolve

    timings = []

    def step(name: str, fn: Callable[[], object]) -> object:
        start = clock()
        value = fn()
        timings.append((name, clock() - start))
        return value

    old_text, new_text = old.read_text(encoding="utf-8"), new.read_text(encoding="utf-8")
    with _gc(False):
        checked = step("NEW: load, schema, rules, resolve", lambda: check_text(new_text, str(new), pick=True))
        _, _, old_data = step("OLD: load (data only), schema of the entries NEW doesn't hold",
                              lambda: run._check_old(old_text, str(old), checked.doc.data, None))
        old_model = step("resolve OLD", lambda: resolve(old_data))
        step("diff the models", lambda: diff_models(old_model, checked.model, old_data, checked.doc.data))
        result = run.diff_texts(old_text, str(old), new_text, str(new))
        step("format (text)", lambda: formats.text(result))
    return timings


# --- the report -------------------------------------------------------------------------

def _verdict(ok: bool | None) -> str:
    return "n/a " if ok is None else ("PASS" if ok else "FAIL")


def main_(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog="\n".join(__doc__.splitlines()[1:]))
    p.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES), metavar="N",
                   help="job definitions (and as many jobs) per spec (default: %(default)s)")
    p.add_argument("--repeat", type=int, default=3, metavar="R",
                   help="runs per measurement, the best is reported; sizes under 1,000 job "
                        "definitions run 3R times (default: 3)")
    p.add_argument("--startup-repeat", type=int, default=5, metavar="R",
                   help="runs per start-up command (default: 5)")
    p.add_argument("--profile", type=int, metavar="SIZE",
                   help="cProfile one compile of SIZE job definitions: top 30 cumulative and tottime")
    p.add_argument("--per-rule", type=int, metavar="SIZE",
                   help="time each stage of one compile, and each validation rule, at SIZE")
    p.add_argument("--clock", choices=sorted(CLOCKS), default="wall",
                   help="in-process timings by wall clock (default) or by this process's CPU time, "
                        "which other load on the machine disturbs less")
    p.add_argument("--tmpdir", metavar="DIR",
                   help="where the specs and outputs go (default: the system's temporary directory; "
                        "a tmpfs such as /dev/shm takes the disk out of the compile times)")
    p.add_argument("--markdown", action="store_true", help="print only the Markdown table")
    p.add_argument("--no-startup", action="store_true", help="skip the start-up measurements")
    args = p.parse_args(argv)
    say = (lambda *a, **k: None) if args.markdown else print
    global clock
    clock = CLOCKS[args.clock]
    cpus = os.cpu_count() or 1
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    say(f"Python {sys.version.split()[0]}, {cpus} CPUs, load average {load:.1f}; "
        f"in-process times by {args.clock} clock")
    if load > cpus / 2:
        print(f"warning: load average {load:.1f} on {cpus} CPUs: the timings will be noisy "
              "(--clock cpu is steadier)", file=sys.stderr)

    with tempfile.TemporaryDirectory(prefix="batchgen-bench-", dir=args.tmpdir) as tmp_name:
        tmp = Path(tmp_name)
        # warm up: imports, the catalog, the templates are loaded before anything is timed
        code, err = run_cli(["compile", str(EXAMPLE), "-o", str(tmp / "warm-up")])
        if code != 0:
            raise SystemExit(f"compile of {EXAMPLE} failed ({code}):\n{err}")
        rows = []
        for n in sorted(set(args.sizes)):
            size = Size(n, tmp)
            runs = args.repeat if n >= 1000 else 3 * args.repeat
            say(f"{n:,} job definitions, {size.jobs:,} jobs, {CES} environments, {QUEUES} queues: "
                f"{size.lines:,} lines, {size.kib:,.0f} KiB ... ", end="", flush=True)
            size.measure(runs)
            if size.diagnostics:
                say(f"INVALID SPEC, {len(size.diagnostics)} diagnostics:\n    "
                    + "\n    ".join(size.diagnostics[:10]))
            else:
                say(f"compile {_ms(size.compile)}, {size.files:,} files (best of {runs})")
            rows.append(size)
        by_size = {r.jds: r for r in rows if not r.diagnostics}

        if args.markdown:
            print(table(rows))
        else:
            print("\n" + table(rows) + "\n")

        ok = all(not r.diagnostics for r in rows)
        checks: list[tuple[str, bool | None]] = []
        r = by_size.get(RATIO_SIZE)
        checks.append((f"compile({RATIO_SIZE:,}) <= {RATIO_TARGET:g}x floor (GC off): "
                       + (f"{r.ratio:.2f}x" if r else "size not run"),
                       None if r is None else r.ratio <= RATIO_TARGET))
        r = by_size.get(DIFF_SIZE)
        checks.append((f"diff({DIFF_SIZE:,}, two specs) <= compile({DIFF_SIZE:,}): "
                       + (f"{_ms(r.diff)} vs {_ms(r.compile)}" if r else "size not run"),
                       None if r is None else r.diff <= r.compile))
        for a, b in LINEAR_PAIRS:
            ra, rb = by_size.get(a), by_size.get(b)
            if ra and rb:
                growth = rb.compile / ra.compile
                checks.append((f"linear: compile({b:,}) / compile({a:,}) = {growth:.2f} "
                               f"(input x{b / a:g}, target <= {LINEAR_TARGET:g})", growth <= LINEAR_TARGET))
            else:
                checks.append((f"linear: compile({b:,}) / compile({a:,}): size not run", None))
        if not args.no_startup and not args.markdown:
            say(f"start-up, wall clock in a fresh process, bytecode cached (best of {args.startup_repeat}):")
            for label, ms, target in startup(args.startup_repeat, tmp):
                say(f"  {ms:7.0f} ms  {label}")
                if target:
                    checks.append((f"{label}: {ms:.0f} ms (target < {STARTUP_TARGET_MS:g} ms)",
                                   ms < STARTUP_TARGET_MS))
            say()
        if not args.markdown:
            for label, passed in checks:
                print(f"{_verdict(passed)}  {label}")
            if not ok:
                print("FAIL  some generated specs are invalid (see above): build_spec must be fixed")
        ok = ok and all(passed is not False for _, passed in checks)

        if args.per_rule:
            size = by_size.get(args.per_rule) or Size(args.per_rule, tmp / "per-rule")
            text = size.spec.read_text(encoding="utf-8")
            print(f"\nstages of one compile of {args.per_rule:,} job definitions (cyclic GC off):")
            for name, seconds in stages(text, size.dir):
                print(f"  {seconds * 1000:9.1f} ms  {name}")
            print(f"stages of one diff of two specs of {args.per_rule:,} job definitions (cyclic GC off):")
            for name, seconds in diff_stages(size.spec, size.spec2):
                print(f"  {seconds * 1000:9.1f} ms  {name}")
            print("slowest rules:")
            for seconds, name in per_rule(text)[:15]:
                print(f"  {seconds * 1000:9.1f} ms  {name}")
        if args.profile:
            size = by_size.get(args.profile) or Size(args.profile, tmp / "profile")
            print()
            print(profile_compile(size))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main_())
