"""tools/bench.py measures a valid spec: its generator's output compiles with no diagnostics.

A correctness test of the benchmark's input, not a timing test. An invalid spec compiles to
nothing (and fast), so a benchmark of one would time the error path and look good.
"""
from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from tests.helpers import ROOT, run


def _load_bench():
    spec = importlib.util.spec_from_file_location("batchgen_tools_bench", ROOT / "tools" / "bench.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench = _load_bench()


def _count(directory: Path) -> int:
    return sum(1 for f in directory.iterdir() if f.is_file()) if directory.is_dir() else 0


def _resources(tf: Path, kind: str) -> int:
    return len(re.findall(rf'^resource "{kind}" ', tf.read_text(encoding="utf-8"), re.M))


@pytest.mark.parametrize("jds", [10, 40])
def test_the_benchmark_spec_compiles_cleanly(tmp_path, jds):
    text = bench.build_spec(jds, jds, ces=40, queues=40)
    spec = tmp_path / "bench.yaml"
    spec.write_text(text, encoding="utf-8")
    out = tmp_path / "out"

    r = run("compile", spec, "-o", out, "--strict")
    assert (r.code, r.stderr) == (0, ""), r.stderr

    batch = out / "cli" / "batch"
    assert _count(batch / "register-job-definition") == jds
    assert _count(batch / "submit-job") == jds
    assert _count(batch / "create-compute-environment") == 40
    assert _count(batch / "create-job-queue") == 40
    tf = out / "terraform"
    assert _resources(tf / "job_definitions.tf", "aws_batch_job_definition") == jds
    assert _resources(tf / "compute_environments.tf", "aws_batch_compute_environment") == 40
    assert _resources(tf / "job_queues.tf", "aws_batch_job_queue") == 40


def test_the_default_shape_is_the_benchmarks(tmp_path):
    """build_spec(n) is n job definitions, n jobs, 40 environments and 40 queues."""
    assert bench.build_spec(10) == bench.build_spec(10, 10, ces=40, queues=40)
    assert (bench.CES, bench.QUEUES) == (40, 40)


@pytest.mark.parametrize("jds, jobs, ces, queues", [
    (1, 0, 1, 1),     # no Fargate at all: no Fargate environment to run it
    (3, 7, 2, 5),     # no Fargate environment, more queues than environments
    (5, 12, 3, 2),    # a Fargate environment but no Fargate queue
    (7, 30, 3, 3),    # one of each family; more jobs than job definitions
    (12, 12, 50, 50), # the account's default quotas
])
def test_odd_shapes_are_valid_too(tmp_path, jds, jobs, ces, queues):
    spec = tmp_path / "bench.yaml"
    spec.write_text(bench.build_spec(jds, jobs, ces=ces, queues=queues), encoding="utf-8")
    r = run("validate", spec, "--strict")
    assert (r.code, r.stderr) == (0, ""), r.stderr


def test_the_later_revision_is_a_clean_diff(tmp_path):
    """build_spec(revision=2), what `batchgen diff` is timed on: valid, and a diff of
    updates and new revisions only (no replacement, nothing refused)."""
    old, new = tmp_path / "v1.yaml", tmp_path / "v2.yaml"
    old.write_text(bench.build_spec(40), encoding="utf-8")
    new.write_text(bench.build_spec(40, revision=2), encoding="utf-8")
    assert run("validate", new, "--strict").code == 0
    r = run("diff", old, new, "--format", "json")
    assert r.code == 0, r.stderr
    import json
    actions = {}
    for change in json.loads(r.stdout)["changes"]:
        actions.setdefault(change["action"], []).append(change["name"])
    assert actions["create"] == ["jd-40"]
    assert sorted(actions["update"]) == ["ce-1", "queue-0"]
    assert actions["new-revision"] == ["jd-0", "jd-10", "jd-20", "jd-30"]
    assert not actions.get("replace") and not actions.get("delete")
