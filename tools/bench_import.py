"""How long `batchgen import aws` takes for an account of N job definitions, on the emulator. Not a test.

    .venv/bin/python tools/bench_import.py                  # 100 and 1,000 job definitions, best of 3
    .venv/bin/python tools/bench_import.py --sizes 1000 --repeat 5

Starts the tests' moto server (tests/downstream/emulator.py: paginating 100 a page, as AWS
does), registers N job definitions (each a container with a command and resource
requirements) plus one compute environment and queue, and times the whole command
`batchgen import aws --region us-east-1 -o SPEC` in this process: the calls (N/100 pages of
DescribeJobDefinitions and the rest), shaping, writing the spec and validating it. It also
times the reading alone (compiler.importers.aws.import_account) and the compile of the
imported spec. Needs the test dependencies (`make .venv/.test`).
"""
from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from compiler.cli import main  # noqa: E402
from compiler.importers.aws import import_account  # noqa: E402
from compiler.pipeline import compile_spec  # noqa: E402
from tests.downstream.emulator import (  # noqa: E402
    DEFAULT_REGION, MotoServer, create_batch_service_linked_role, create_network,
)

REGION = DEFAULT_REGION


def populate(server: MotoServer, n: int):
    server.reset()
    account = server.session(None, REGION)
    create_batch_service_linked_role(account)
    network = create_network(account, "subnet-0a1b2c3d4e5f67890 sg-0123456789abcdef0")
    batch = account.client("batch")
    batch.create_compute_environment(
        computeEnvironmentName="bench-fargate", type="MANAGED",
        serviceRole=f"arn:aws:iam::{account.account_id}:role/aws-service-role/batch.amazonaws.com/"
                    "AWSServiceRoleForBatch",
        computeResources={"type": "FARGATE", "maxvCpus": 256, "subnets": [network["subnet-0a1b2c3d4e5f67890"]],
                          "securityGroupIds": [network["sg-0123456789abcdef0"]]})
    batch.create_job_queue(jobQueueName="bench-queue", state="ENABLED", priority=1,
                           computeEnvironmentOrder=[{"order": 1, "computeEnvironment": "bench-fargate"}])
    for i in range(n):
        batch.register_job_definition(
            jobDefinitionName=f"bench-{i:05d}", type="container", platformCapabilities=["FARGATE"],
            containerProperties={
                "image": "public.ecr.aws/docker/library/busybox:1.36", "command": ["echo", "Ref::what"],
                "executionRoleArn": f"arn:aws:iam::{account.account_id}:role/ecsTaskExecutionRole",
                "resourceRequirements": [{"type": "VCPU", "value": "0.25"}, {"type": "MEMORY", "value": "512"}]},
            parameters={"what": str(i)}, tags={"team": "bench"})
    return account


def point_at(account) -> None:
    for key in [k for k in os.environ if k.startswith("AWS_")]:
        del os.environ[key]
    os.environ.update({k: v for k, v in account.cli_environment().items() if k != "AWS_MAX_ATTEMPTS"})
    os.environ["AWS_CONFIG_FILE"] = os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main_(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="batchgen-bench-import-"))
    server = MotoServer(work / "moto.log")
    rows = []
    try:
        for n in args.sizes:
            account = populate(server, n)
            point_at(account)
            spec = work / f"spec-{n}.yaml"
            command, reading, compiling = [], [], []
            for _ in range(args.repeat):
                spec.unlink(missing_ok=True)
                out, err = io.StringIO(), io.StringIO()
                with redirect_stdout(out), redirect_stderr(err):
                    command.append(timed(lambda: main(["import", "aws", "--region", REGION, "-o", str(spec)])))
                reading.append(timed(lambda: import_account(region=REGION)))
                compiling.append(timed(lambda: compile_spec(str(spec))))
            entries = spec.read_text().count("\n  - jobDefinitionName: ")
            rows.append((n, entries, spec.stat().st_size // 1024, min(reading), min(command), min(compiling)))
    finally:
        server.stop()
    print("| job definitions | imported | spec KiB | read (import_account) | `batchgen import aws` | compile of it |")
    print("|---:|---:|---:|---:|---:|---:|")
    for n, entries, kib, read, cmd, comp in rows:
        print(f"| {n:,} | {entries:,} | {kib:,} | {read * 1000:,.0f} ms | {cmd * 1000:,.0f} ms | {comp * 1000:,.0f} ms |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main_())
