"""Environments (compiler/environments.py): one spec, several deployments.

dev and prod of one spec compile to different, correct output; every diagnostic of an
overlaid value is located in the overlay and says which environment it applies to; a
problem of the base that every environment shares is reported once.
"""
from __future__ import annotations

import json
import re
import textwrap

import pytest

from compiler.pipeline import compile_spec

from .helpers import ROOT, Example, run, write_spec

EXAMPLE = ROOT / "specs" / "nightly-processing.yaml"

BASE = """\
batchgen: 1
project: envs
region: us-west-2
account: "111111111111"
tags:
  team: data
computeEnvironments:
  - computeEnvironmentName: ce
    type: MANAGED
    computeResources:
      type: FARGATE
      maxvCpus: 16
      subnets: [subnet-0a1b2c3d]
      securityGroupIds: [sg-0a1b2c3d]
jobQueues:
  - jobQueueName: queue
    priority: 1
    computeEnvironmentOrder: [{order: 1, computeEnvironment: ce}]
jobDefinitions:
  - jobDefinitionName: jd
    platformCapabilities: [FARGATE]
    containerProperties:
      image: public.ecr.aws/docker/library/busybox:1.36
      command: [echo, hi]
      resourceRequirements: [{type: VCPU, value: "1"}, {type: MEMORY, value: "2048"}]
      networkConfiguration: {assignPublicIp: ENABLED}
jobs:
  - jobName: job
    jobQueue: queue
    jobDefinition: jd
"""


def spec_with(tmp_path, environments: str, base: str = BASE):
    return write_spec(tmp_path, base + "environments:\n" + textwrap.indent(textwrap.dedent(environments), "  "))


def line_of(path, text: str, nth: int = 1) -> int:
    """The 1-based line of the `nth` line of the file that contains `text`."""
    return where(path, text, nth)[0]


def where(path, text: str, nth: int = 1) -> tuple[int, int]:
    """1-based line and column where `text` starts, its `nth` occurrence in the file."""
    hits = [(i, line.index(text) + 1) for i, line in enumerate(path.read_text().splitlines(), 1) if text in line]
    return hits[nth - 1]


# --- the example: dev and prod ---------------------------------------------------------------

@pytest.fixture(scope="module")
def dev_prod():
    dev = compile_spec(str(EXAMPLE), env="dev")
    prod = compile_spec(str(EXAMPLE), env="prod")
    assert dev.errors == [] and prod.errors == [], [*dev.errors, *prod.errors]
    return dev.files, prod.files


def test_dev_and_prod_compile_to_different_output(dev_prod):
    dev, prod = dev_prod
    assert dev != prod
    assert 'region              = "us-west-2"' in dev["terraform/providers.tf"]
    assert 'region              = "us-east-1"' in prod["terraform/providers.tf"]
    # each environment's provider may act in its own account only
    assert 'allowed_account_ids = ["111111111111"]' in dev["terraform/providers.tf"]
    assert 'allowed_account_ids = ["222222222222"]' in prod["terraform/providers.tf"]
    dev_ce = json.loads(dev["cli/batch/create-compute-environment/processing.json"])
    prod_ce = json.loads(prod["cli/batch/create-compute-environment/processing.json"])
    # the overlay's values, and the base's where the overlay says nothing
    assert dev_ce["computeResources"] == {"type": "FARGATE_SPOT", "maxvCpus": 16, "subnets": ["subnet-0d1e2f3a4b5c6d7e8"],
                                          "securityGroupIds": ["sg-0d1e2f3a4b5c6d7e8"]}
    assert prod_ce["computeResources"] == {"type": "FARGATE", "maxvCpus": 80,
                                           "subnets": ["subnet-0a1b2c3d4e5f67890", "subnet-0f9e8d7c6b5a43210"],
                                           "securityGroupIds": ["sg-0123456789abcdef0"]}
    # tags merge key by key: the base's team, each environment's env
    assert dev_ce["tags"] == {"team": "data", "env": "dev", "Project": "nightly-processing"}
    assert prod_ce["tags"] == {"team": "data", "env": "prod", "Project": "nightly-processing"}
    assert dev_ce["serviceRole"].startswith("arn:aws:iam::111111111111:")
    assert prod_ce["serviceRole"].startswith("arn:aws:iam::222222222222:")
    dev_jd = json.loads(dev["cli/batch/register-job-definition/process-day.json"])
    prod_jd = json.loads(prod["cli/batch/register-job-definition/process-day.json"])
    assert dev_jd["containerProperties"]["image"] == "111111111111.dkr.ecr.us-west-2.amazonaws.com/processing:latest"
    assert prod_jd["containerProperties"]["image"] == "222222222222.dkr.ecr.us-east-1.amazonaws.com/processing:2026-11"
    # the rest of containerProperties is the base's (a mapping merges, it isn't replaced)
    assert prod_jd["containerProperties"]["command"] == dev_jd["containerProperties"]["command"]
    assert prod_jd["containerProperties"]["resourceRequirements"] == [{"type": "VCPU", "value": "8"},
                                                                      {"type": "MEMORY", "value": "16384"}]
    assert "array_size     = 2" in dev["terraform/events.tf"]
    assert "array_size     = 10" in prod["terraform/events.tf"]
    assert 'expected_account=\'222222222222\'' in prod["cli/deploy.sh"] or "222222222222" in prod["cli/deploy.sh"]


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_an_environment_compiles_as_the_spec_its_overlay_makes(env, tmp_path):
    """`--env E` is exactly the compile of E's merged spec written out as a spec of its own
    (what tests/downstream/examples.py hands every downstream test)."""
    from tests.downstream.examples import environment_spec

    folder = tmp_path / env
    folder.mkdir()
    standalone = environment_spec(Example(EXAMPLE, env), folder).rename(folder / EXAMPLE.name)
    assert compile_spec(str(standalone)).files == compile_spec(str(EXAMPLE), env=env).files


def test_validate_checks_every_environment_and_compile_needs_one(tmp_path):
    assert run("validate", EXAMPLE).code == 0
    out = tmp_path / "out"
    r = run("compile", EXAMPLE, "-o", out)
    assert r.code == 1 and not out.exists()
    line = line_of(EXAMPLE, "environments:", nth=2)  # the first is in the header comment
    assert re.fullmatch(rf"{re.escape(str(EXAMPLE))}:{line}:1: error\[BG-120\]: the spec has environments \(dev, prod\);.*\n",
                        r.stderr)


# --- located in the overlay ----------------------------------------------------------------------

def test_an_overlay_error_is_located_in_the_overlay(tmp_path):
    spec = spec_with(tmp_path, """\
        dev: {}
        prod:
          computeEnvironments:
            - computeEnvironmentName: ce
              computeResources:
                maxvCpus: lots
        """)
    out = tmp_path / "out"
    r = run("compile", spec, "--env", "prod", "-o", out, "--format", "json")
    assert r.code == 1 and not out.exists()
    [d] = r.diagnostics()
    assert (d["line"], d["column"]) == where(spec, "lots")
    assert d["code"] == "BG-004" and d["environments"] == ["prod"]
    assert d["pointer"] == "/computeEnvironments/0/computeResources/maxvCpus"
    # dev leaves the value alone: no problem there
    assert run("compile", spec, "--env", "dev", "-o", out).code == 0
    # the text format names the environment after the message
    text = run("validate", spec).stderr
    assert re.fullmatch(rf"{re.escape(str(spec))}:{d['line']}:{d['column']}: error\[BG-004\]: computeEnvironments\[0\]"
                        r"\.computeResources\.maxvCpus must be an integer, not a string \[env: prod\]\n", text)


def test_a_value_the_overlay_adds_is_located_at_its_key_in_the_overlay(tmp_path):
    spec = spec_with(tmp_path, """\
        prod:
          jobs:
            - jobName: job
              retryStrateggy: {attempts: 2}
        """)
    r = run("validate", spec, "--format", "json")
    [d] = r.diagnostics()
    assert d["code"] == "BG-003" and "did you mean 'retryStrategy'" in d["message"]
    assert (d["line"], d["column"]) == where(spec, "retryStrateggy")
    assert d["environments"] == ["prod"]


def test_a_base_problem_every_environment_shares_is_reported_once(tmp_path):
    spec = spec_with(tmp_path, """\
        dev: {}
        prod:
          region: us-east-1
        """, base=BASE.replace('value: "1"}', 'value: "3"}'))  # 3 vCPU is no Fargate size
    r = run("validate", spec, "--format", "json")
    [d] = r.diagnostics()
    assert d["code"].startswith("JDF-") and d["environments"] == ["dev", "prod"]
    assert d["line"] == line_of(spec, 'value: "3"')
    assert run("validate", spec, "--env", "dev", "--format", "json").diagnostics()[0]["environments"] == ["dev"]


def test_an_overlay_naming_no_entry_is_located_at_the_name(tmp_path):
    spec = spec_with(tmp_path, """\
        prod:
          jobQueues:
            - jobQueueName: queeu
              priority: 5
        """)
    r = run("validate", spec, "--format", "json")
    [d] = r.diagnostics()
    assert d["code"] == "BG-121" and d["environments"] == ["prod"]
    assert (d["line"], d["column"]) == where(spec, "queeu")
    assert "job queue 'queeu'" in d["message"] and "(did you mean 'queue'?)" in d["message"]


def test_an_overlay_with_a_wrong_shape_reports_only_that(tmp_path):
    """A misspelt top-level key in an overlay: one problem at the key, not a second one from
    a merged spec that lacks the value."""
    spec = spec_with(tmp_path, """\
        prod:
          regoin: us-east-1
        """)
    [d] = run("validate", spec, "--format", "json").diagnostics()
    assert d["code"] == "BG-003" and "(did you mean 'region'?)" in d["message"]
    assert d["line"] == line_of(spec, "regoin") and d["environments"] == ["prod"]


def test_null_removes_a_key_and_a_list_is_replaced_whole(tmp_path):
    spec = spec_with(tmp_path, """\
        prod:
          account: null
          computeEnvironments:
            - computeEnvironmentName: ce
              computeResources:
                subnets: [subnet-0f0f0f0f, subnet-0e0e0e0e]
        """)
    data = Example(spec, "prod").data()
    assert "account" not in data and "environments" not in data
    assert data["computeEnvironments"][0]["computeResources"] == {
        "type": "FARGATE", "maxvCpus": 16, "subnets": ["subnet-0f0f0f0f", "subnet-0e0e0e0e"],
        "securityGroupIds": ["sg-0a1b2c3d"]}
    files = compile_spec(str(spec), env="prod").files
    assert "@@ACCOUNT_ID@@" in files["cli/batch/create-compute-environment/ce.json"]


# --- --env and environment names -----------------------------------------------------------------

def test_env_on_a_spec_without_environments_is_an_error(tmp_path):
    spec = write_spec(tmp_path, BASE)
    r = run("compile", spec, "--env", "prod", "-o", tmp_path / "out", "--format", "json")
    [d] = r.diagnostics()
    assert r.code == 1 and d["code"] == "BG-120" and "the spec has no environments" in d["message"]
    assert not (tmp_path / "out").exists()


def test_an_unknown_env_is_located_at_environments_with_a_suggestion(tmp_path):
    spec = spec_with(tmp_path, "dev: {}\nprod: {}\n")
    r = run("validate", spec, "--env", "prd", "--format", "json")
    [d] = r.diagnostics()
    assert r.code == 1 and d["code"] == "BG-120"
    assert (d["line"], d["column"]) == (line_of(spec, "environments:"), 1)
    assert "no environment 'prd' (it has dev, prod) (did you mean 'prod'?)" in d["message"]


def test_an_environment_name_must_name_a_folder(tmp_path):
    spec = spec_with(tmp_path, '"prod/eu": {}\n')
    [d] = run("validate", spec, "--format", "json").diagnostics()
    assert d["code"] == "BG-120" and "environment name 'prod/eu'" in d["message"]


def test_strict_keeps_the_environment(tmp_path):
    spec = spec_with(tmp_path, """\
        prod:
          jobDefinitions:
            - jobDefinitionName: jd
              containerProperties:
                vcpus: 1
        """)
    plain = run("validate", spec, "--format", "json").diagnostics()
    strict = run("validate", spec, "--strict", "--format", "json").diagnostics()
    assert plain and all(d["environments"] == ["prod"] for d in plain + strict)
    assert {d["severity"] for d in strict} == {"error"}


@pytest.mark.parametrize("fmt", ["github", "sarif"])
def test_every_format_names_the_environment(tmp_path, fmt):
    spec = spec_with(tmp_path, """\
        prod:
          computeEnvironments:
            - computeEnvironmentName: ce
              computeResources:
                maxvCpus: lots
        """)
    r = run("validate", spec, "--format", fmt)
    assert r.code == 1 and "[env: prod]" in r.stdout and r.stderr == ""


def test_the_makefile_lists_environments_with_python_m():
    import subprocess
    import sys

    listed = subprocess.run([sys.executable, "-m", "compiler.environments", str(EXAMPLE)], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert (listed.returncode, listed.stdout) == (0, "dev\nprod\n")
    none = subprocess.run([sys.executable, "-m", "compiler.environments", "specs/render.yaml"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert (none.returncode, none.stdout) == (0, "")


def test_each_environment_keeps_its_state_in_its_own_backend(dev_prod):
    """The overlay merges into the base's backend: prod changes bucket and region, keeps key."""
    dev, prod = dev_prod
    assert 'bucket       = "acme-dev-terraform-state"' in dev["terraform/backend.tf"]
    assert 'bucket       = "acme-prod-terraform-state"' in prod["terraform/backend.tf"]
    for files in (dev, prod):
        assert 'key          = "batch/nightly-processing.tfstate"' in files["terraform/backend.tf"]
    assert 'region       = "us-east-1"' in prod["terraform/backend.tf"]
