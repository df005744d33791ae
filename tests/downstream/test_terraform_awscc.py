"""Output that uses hashicorp/awscc (BG-011) passes real Terraform, and its awscc resources plan
exactly what the CLI bodies send.

For each spec of tests/awscc/ (fair share on an UNMANAGED environment with unmanagedvCpus; a
quota-share policy on a SageMaker Training queue; an ECS Managed Instances environment with a job
definition that consumes a consumable resource): ``terraform fmt`` finds nothing to change,
``validate`` (Terraform 1.15.5, the stand-in plugin serving the real hashicorp/aws 6.47.0 schema
and the real awscc schema of tests/fixtures/) reports nothing, and ``plan`` creates every
resource. Then the two outputs must agree: each awscc resource's planned values, read from
``show -json``, equal its CLI request body (cli/batch/<command>/<name>.json) field for field,
with the API's names turned into awscc's by this test's own reading of the fixture (an
argument matches a field when their names agree without underscores and case; not
compiler/awscc_fields.py). A value the plan can't know (a reference) must be a reference, in the
configuration, to the resource the CLI body's ARN names.

checkov: it parses awscc resources but has no check for them (checkov 3.3.30 ships none for the
awscc provider); the last test pins that down, so a checkov that starts checking them shows up.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from .examples import compile_to
from .terraform import planned_resources
from .tools import tool_env, venv_bin

pytestmark = pytest.mark.downstream

ROOT = Path(__file__).resolve().parents[2]
SPECS = sorted((ROOT / "tests" / "awscc").glob("*.yaml"))
FIXTURE = ROOT / "tests" / "fixtures" / "awscc-provider-schema.json"

# awscc resource type -> (CLI command folder, the argument holding the entry's name)
RESOURCES = {
    "awscc_batch_compute_environment": ("create-compute-environment", "compute_environment_name"),
    "awscc_batch_scheduling_policy": ("create-scheduling-policy", "name"),
    "awscc_batch_job_queue": ("create-job-queue", "job_queue_name"),
    "awscc_batch_job_definition": ("register-job-definition", "job_definition_name"),
}
# Name arguments of the resources a reference may point at (the last part of an ARN is one).
NAME_ARGUMENTS = ("name", "compute_environment_name", "job_queue_name", "job_definition_name")
SERVICE_LINKED_ROLE = "role/aws-service-role/batch.amazonaws.com/AWSServiceRoleForBatch"


def _attributes() -> dict[str, dict]:
    schemas = json.loads(FIXTURE.read_text())["provider_schemas"]["registry.terraform.io/hashicorp/awscc"]
    return {name: s["block"]["attributes"] for name, s in schemas["resource_schemas"].items()}


def _key(name: str) -> str:
    return name.replace("_", "").lower()


def to_awscc(value: Any, attrs: dict, where: str) -> Any:
    """A CLI body (object) with awscc's argument names, by the fixture."""
    out = {}
    by_key = {_key(n): n for n in attrs}
    for field, v in value.items():
        name = by_key.get(_key(field))
        if name is None:
            pytest.fail(f"{where}.{field}: the awscc schema has no argument for it", pytrace=False)
        nested = attrs[name].get("nested_type")
        if nested is None:
            out[name] = v
        elif nested["nesting_mode"] == "list":
            out[name] = [to_awscc(item, nested["attributes"], f"{where}.{field}[{i}]") for i, item in enumerate(v)]
        else:
            out[name] = to_awscc(v, nested["attributes"], f"{where}.{field}")
    return out


class Module:
    """One spec compiled, validated and planned."""

    def __init__(self, spec: Path, out: Path, terraform):
        self.spec = spec
        self.out = out
        self.result = compile_to(spec, out)
        self.dir = out / "terraform"
        self.plan = terraform.plan(self.dir)
        self.values = planned_resources(self.plan)
        self.unknown = {c["address"]: c["change"].get("after_unknown") or {} for c in self.plan["resource_changes"]}
        self.config = {r["address"]: r.get("expressions", {})
                       for r in self.plan["configuration"]["root_module"].get("resources", [])}

    def cli_body(self, address: str) -> dict:
        """The CLI body of the same entry: the one whose name is the planned name (a compute
        environment's body file is named by its spec name, its name carries the replacement key)."""
        command, name_arg = RESOURCES[address.split(".")[0]]
        name = self.values[address][name_arg]
        bodies = [json.loads(p.read_text()) for p in sorted((self.out / "cli" / "batch" / command).glob("*.json"))]
        (body,) = [b for b in bodies if name in (b.get(k) for k in CLI_NAME_FIELDS)]
        return body

    def named(self, arn_tail: str) -> list[str]:
        """Addresses of planned resources whose name is `arn_tail`."""
        return [a for a, v in self.values.items() if any(v.get(n) == arn_tail for n in NAME_ARGUMENTS)]


CLI_NAME_FIELDS = ("computeEnvironmentName", "jobQueueName", "name", "jobDefinitionName")


@pytest.fixture(scope="module", params=SPECS, ids=[p.stem for p in SPECS])
def module(request, terraform, tmp_path_factory):
    return Module(request.param, tmp_path_factory.mktemp(request.param.stem), terraform)


def test_fmt_and_validate_pass(module, terraform):
    ok, diff = terraform.fmt_check(module.dir)
    assert ok, diff
    result = terraform.validate(module.dir)
    assert result.valid and result.diagnostics == [], str(result)


def test_plan_creates_every_resource_with_awscc_only_where_bg011_said(module):
    changes = {c["address"]: c["change"]["actions"] for c in module.plan["resource_changes"]}
    assert changes and all(actions == ["create"] for actions in changes.values()), changes
    awscc = sorted(a for a in changes if a.startswith("awscc_"))
    assert awscc, "no awscc resource in the plan"
    warned = [w for w in module.result.warnings if w.code == "BG-011"]
    assert len(warned) == len(awscc)
    for address in awscc:
        assert any(f"is written as {address.split('.')[0]} " in w.message for w in warned), address
    providers = {c["address"]: c["provider_name"] for c in module.plan["resource_changes"]}
    assert {providers[a] for a in awscc} == {"registry.terraform.io/hashicorp/awscc"}
    # the rest is hashicorp/aws's, but for the day-two helpers (lifecycle.py): time_sleep and terraform_data
    assert {p for a, p in providers.items() if a not in awscc} <= {
        "registry.terraform.io/hashicorp/aws", "registry.terraform.io/hashicorp/time", "terraform.io/builtin/terraform"}
    assert {p for a, p in providers.items() if a.startswith("aws_")} <= {"registry.terraform.io/hashicorp/aws"}


def _compare(module: Module, address: str, path: str, planned: Any, unknown: Any, expression: Any,
             expected: Any, problems: list[str]) -> None:
    if unknown is True:  # a reference: it must name the resource the CLI body's ARN names
        refs = (expression or {}).get("references", []) if isinstance(expression, dict) else []
        if not (isinstance(expected, str) and expected.startswith("arn:")):
            problems.append(f"{path}: unknown in the plan, but the CLI body has {expected!r}")
            return
        targets = module.named(expected.rsplit("/", 1)[-1])
        if not any(f"{t}.arn" in refs or f"{t}.compute_environment_arn" in refs or f"{t}.job_queue_arn" in refs
                   or f"{t}.job_definition_arn" in refs for t in targets):
            problems.append(f"{path}: expected a reference to the resource named in {expected}, found {refs}")
        return
    if isinstance(expected, dict) and isinstance(planned, dict) and not _is_map(path):
        for key in sorted(set(expected) | set(planned)):
            want = expected.get(key)
            got = planned.get(key)
            if want is None and got in (None, [], {}):
                if _at(unknown, key) is True and isinstance(expression, dict) and key in expression:
                    problems.append(f"{path}.{key}: set (known after apply), but the CLI body has no such field")
                continue  # an argument the entry doesn't set: null in the plan, or computed
            _compare(module, address, f"{path}.{key}", got, _at(unknown, key), _expression_at(expression, key), want,
                     problems)
    elif isinstance(expected, list) and isinstance(planned, list) and expected and isinstance(expected[0], dict):
        if len(planned) != len(expected):
            problems.append(f"{path}: {len(planned)} items planned, the CLI body has {len(expected)}")
            return
        for i, (got, want) in enumerate(zip(planned, expected)):
            _compare(module, address, f"{path}[{i}]", got, _at(unknown, i), _expression_at(expression, i), want,
                     problems)
    elif planned != expected:
        problems.append(f"{path}: planned {planned!r}, the CLI body has {expected!r}")


_MAPS = ("tags", "capacity_tags", "parameters", "options", "labels", "annotations", "limits", "requests")


def _is_map(path: str) -> bool:
    return path.rsplit(".", 1)[-1] in _MAPS


def _expression_at(expression: Any, key: Any) -> Any:
    """The configuration expression of a part of a value. An awscc object or list is one
    expression (its `references` list every reference inside it): its parts share it."""
    if isinstance(expression, dict) and ("references" in expression or "constant_value" in expression):
        return expression
    return _at(expression, key)


def _at(value: Any, key: Any) -> Any:
    if isinstance(value, dict):
        return value.get(key)
    if isinstance(value, list) and isinstance(key, int) and key < len(value):
        return value[key]
    return None


def _problems(module: Module, address: str) -> list[str]:
    """How the planned values of an awscc resource differ from its CLI body."""
    rtype = address.split(".")[0]
    attributes = _attributes()[rtype]
    body = module.cli_body(address)
    service_role = body.get("serviceRole", "")
    if body.get("type") == "MANAGED" and service_role.endswith(SERVICE_LINKED_ROLE):
        # the CLI body names the service-linked role AWS uses when serviceRole is left out;
        # the module leaves it out (README "The service-linked role"): computed by the provider
        assert "service_role" not in module.config[address], address
        del body["serviceRole"]
    expected = to_awscc(body, attributes, rtype)
    computed_only = {n for n, a in attributes.items() if a.get("computed") and not a.get("optional")}
    planned = {k: v for k, v in module.values[address].items() if k not in computed_only}
    problems: list[str] = []
    _compare(module, address, address, planned, module.unknown.get(address), module.config.get(address),
             expected, problems)
    return problems


def test_planned_awscc_values_equal_the_cli_bodies(module):
    addresses = [a for a in sorted(module.values) if a.split(".")[0] in RESOURCES]
    assert addresses, "no awscc resource compared"
    problems = [p for address in addresses for p in _problems(module, address)]
    assert not problems, "\n".join(problems)


def _mutated(terraform, spec: Path, out: Path, file: str, old: str, new: str) -> Module:
    compile_to(spec, out)
    path = out / "terraform" / file
    text = path.read_text()
    assert old in text, (file, old)
    path.write_text(text.replace(old, new))
    broken = Module.__new__(Module)
    broken.spec, broken.out, broken.dir = spec, out, out / "terraform"
    broken.plan = terraform.plan(broken.dir)
    broken.values = planned_resources(broken.plan)
    broken.unknown = {c["address"]: c["change"].get("after_unknown") or {} for c in broken.plan["resource_changes"]}
    broken.config = {r["address"]: r.get("expressions", {})
                     for r in broken.plan["configuration"]["root_module"].get("resources", [])}
    return broken


def test_the_comparison_catches_a_changed_value(terraform, tmp_path):
    """A hand-made difference between the module and the CLI bodies is reported."""
    broken = _mutated(terraform, ROOT / "tests" / "awscc" / "unmanaged-fairshare.yaml", tmp_path / "out",
                      "compute_environments.tf", "unmanagedv_cpus          = 256", "unmanagedv_cpus          = 128")
    address = "awscc_batch_compute_environment.onprem_cluster"
    assert _problems(broken, address) == [f"{address}.unmanagedv_cpus: planned 128, the CLI body has 256"]


def test_the_comparison_catches_a_misspelled_nested_argument(terraform, tmp_path):
    """terraform validate lets a misspelled argument inside an awscc object through (Terraform
    drops it, test_terraform_harness.py); the comparison with the CLI body does not."""
    broken = _mutated(terraform, ROOT / "tests" / "awscc" / "managed-instances.yaml", tmp_path / "out",
                      "compute_environments.tf", "storage_size_gi_b = 100", "storage_size_gib = 100")
    address = "awscc_batch_compute_environment.ecs_managed"
    assert _problems(broken, address) == [
        f"{address}.compute_resources.managed_instances_provider.instance_launch_template.storage_configuration"
        ".storage_size_gi_b: planned None, the CLI body has 100"]


def test_checkov_parses_awscc_resources_but_checks_none_of_them(tmp_path):
    """checkov reads the awscc output without a parsing error and checks its aws_* resources,
    but has no check for awscc_batch_*: a privileged container in an awscc job definition fails
    CKV_AWS_210 only as aws_batch_job_definition. batchgen's own BG-107 still warns."""
    checkov = venv_bin("checkov", "checkov")
    tree = tmp_path / "tree"
    for spec in SPECS:
        compile_to(spec, tree / spec.stem)
    canary = tmp_path / "privileged-consumer.yaml"
    canary.write_text((ROOT / "tests" / "awscc" / "managed-instances.yaml").read_text().replace(
        "              essential: true\n", "              essential: true\n              privileged: true\n"))
    warned = {w.code for w in compile_to(canary, tree / canary.stem).warnings}
    assert "BG-107" in warned
    for spec_dir in tree.iterdir():  # only the Terraform (cli/ holds JSON checkov would read as CloudFormation)
        for other in spec_dir.iterdir():
            if other.name != "terraform":
                shutil.rmtree(other) if other.is_dir() else other.unlink()
    home = tmp_path / "home"
    env = tool_env(home, BC_SKIP_MAPPING="TRUE", CKV_CACHE_DIR=str(home / "ckv-cache"), TMPDIR=str(home / "tmp"),
                   PYTHONDONTWRITEBYTECODE="1")
    (home / "tmp").mkdir(parents=True)
    done = subprocess.run([str(checkov), "-d", str(tree), "--framework", "terraform", "-o", "json", "--skip-download"],
                          env=env, cwd=tmp_path, capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)
    assert done.returncode in (0, 1), done.stderr[-4000:]
    report = json.loads(done.stdout)
    assert report["summary"]["parsing_errors"] == 0
    results = [c for kind in ("passed_checks", "failed_checks", "skipped_checks") for c in report["results"][kind]]
    assert results, "checkov reported nothing"
    assert [c["resource"] for c in results if c["resource"].startswith("awscc_")] == []
    assert [c for c in report["results"]["failed_checks"]] == []  # the privileged awscc container goes unseen
