"""Time `batchgen validate` and `compile` on a large generated spec. Not a test.

    .venv/bin/python tools/bench.py                      # 2,000 job definitions and 2,000 jobs
    .venv/bin/python tools/bench.py --jds 500 --profile  # plus the 25 slowest functions of validate

Writes the spec (and the compile output) to a temporary directory, runs each command a few
times in-process and prints the best wall-clock time of each, plus the time per rule.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import tempfile
import time
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `python tools/bench.py` puts tools/, not the repo, on the path
    sys.path.insert(0, str(ROOT))

from compiler.cli import main  # noqa: E402


def build_spec(jds: int, jobs: int, ces: int = 21, queues: int = 21) -> str:
    """A valid spec: EC2, Spot and Fargate environments, queues over them, job definitions
    with Ref:: placeholders, retry strategies and environments, and jobs (arrays and
    dependencies among them)."""
    out = ["batchgen: 1", "project: bench", "region: us-east-1", 'account: "123456789012"',
           "tags: {team: bench}", "computeEnvironments:"]
    for i in range(ces):
        kind = ("EC2", "SPOT", "FARGATE")[i % 3]
        out.append(f"  - computeEnvironmentName: ce-{i}")
        out.append("    type: MANAGED")
        out.append("    computeResources:")
        out.append(f"      type: {kind}")
        if kind == "SPOT":
            out.append("      allocationStrategy: SPOT_CAPACITY_OPTIMIZED")
        out.append("      maxvCpus: 256")
        if kind != "FARGATE":
            out.append("      minvCpus: 0")
            out.append("      instanceTypes: [c5, m5, r5]")
        out.append("      subnets: [subnet-0a1b2c3d, subnet-4e5f6a7b]")
        out.append("      securityGroupIds: [sg-0c1d2e3f]")
    out.append("jobQueues:")
    fargate_ces = [i for i in range(ces) if i % 3 == 2]
    ec2_ces = [i for i in range(ces) if i % 3 != 2]
    fargate_queues, ec2_queues = [], []
    for q in range(queues):
        fargate = q % 3 == 2  # a queue never mixes Fargate with EC2/Spot (JQ-007)
        family = fargate_ces if fargate else ec2_ces
        (fargate_queues if fargate else ec2_queues).append(q)
        picked = dict.fromkeys(family[(q + k) % len(family)] for k in range(2))
        order = ", ".join(f"{{order: {n + 1}, computeEnvironment: ce-{c}}}" for n, c in enumerate(picked))
        out.append(f"  - {{jobQueueName: queue-{q}, priority: {q}, computeEnvironmentOrder: [{order}]}}")
    out.append("jobDefinitions:")
    for j in range(jds):
        fargate = j % 3 == 2
        out.append(f"  - jobDefinitionName: jd-{j}")
        out.append("    type: container")
        out.append(f"    parameters: {{mode: fast, level: \"{j % 7}\"}}")
        out.append("    containerProperties:")
        out.append(f"      image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/app-{j % 50}:latest")
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
    out.append("jobs:")
    for k in range(jobs):
        j = k % jds
        fargate = j % 3 == 2
        q = fargate_queues[k % len(fargate_queues)] if fargate else ec2_queues[k % len(ec2_queues)]
        line = f"  - {{jobName: job-{k}, jobQueue: queue-{q}, jobDefinition: jd-{j}, parameters: {{input: s3://in/{k}}}"
        if k % 10 == 0:
            line += ", arrayProperties: {size: 100}"
        if k % 5 == 1:
            line += f", dependsOn: [{{jobId: job-{k - 1}}}]"
        out.append(line + "}")
    return "\n".join(out) + "\n"


def _time(argv: list[str], repeat: int) -> tuple[float, int, str]:
    best, code, err = float("inf"), 0, ""
    for _ in range(repeat):
        o, e = io.StringIO(), io.StringIO()
        start = time.perf_counter()
        with redirect_stdout(o), redirect_stderr(e):
            code = main(argv)
        best = min(best, time.perf_counter() - start)
        err = e.getvalue()
    return best, code, err


def _per_rule(spec_text: str) -> list[tuple[float, str]]:
    from compiler.load import load_text
    from compiler.validate import ALL_RULES, schema
    from compiler.validate.context import Context

    data = load_text(spec_text).data
    _, broken = schema.check(data, {})
    ctx = Context(data, broken, {})
    out = []
    for rule in ALL_RULES:
        start = time.perf_counter()
        rule.run(ctx)
        out.append((time.perf_counter() - start, f"{rule.ids[0]} {rule.name}"))
    return sorted(out, reverse=True)


def main_(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--jds", type=int, default=2000, help="job definitions (default 2000)")
    p.add_argument("--jobs", type=int, default=None, help="jobs (default: as many as job definitions)")
    p.add_argument("--repeat", type=int, default=3, help="runs per command; the best is reported")
    p.add_argument("--profile", action="store_true", help="profile one validate run")
    args = p.parse_args(argv)
    jobs = args.jobs if args.jobs is not None else args.jds
    with tempfile.TemporaryDirectory(prefix="batchgen-bench-") as tmp:
        spec = Path(tmp) / "bench.yaml"
        text = build_spec(args.jds, jobs)
        spec.write_text(text, encoding="utf-8")
        print(f"spec: {args.jds} job definitions, {jobs} jobs, {len(text.splitlines())} lines, "
              f"{len(text.encode()) / 1024:.0f} KiB")
        t, code, err = _time(["validate", str(spec)], args.repeat)
        problems = len(err.splitlines())
        print(f"validate: {t:.2f} s (exit {code}, {problems} diagnostics)")
        if problems:
            print("  first diagnostics:\n    " + "\n    ".join(err.splitlines()[:5]))
        t, code, _ = _time(["compile", str(spec), "-o", str(Path(tmp) / "out")], args.repeat)
        files = sum(1 for f in (Path(tmp) / "out").rglob("*") if f.is_file())
        print(f"compile:  {t:.2f} s (exit {code}, {files} files written)")
        print("slowest rules:")
        for seconds, name in _per_rule(text)[:8]:
            print(f"  {seconds * 1000:8.1f} ms  {name}")
        if args.profile:
            prof = cProfile.Profile()
            prof.enable()
            _time(["validate", str(spec)], 1)
            prof.disable()
            s = io.StringIO()
            pstats.Stats(prof, stream=s).sort_stats("cumulative").print_stats(25)
            print(s.getvalue())
    return 0


if __name__ == "__main__":
    raise SystemExit(main_())
