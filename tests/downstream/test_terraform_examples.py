"""Every example's Terraform passes real `terraform validate` and `plan`, and
plans exactly the values its spec asks for.

For each spec, compiled into a temporary directory: ``validate`` (Terraform
1.15.5 against the real hashicorp/aws 6.47.0 schema, tests/downstream/
terraform.py) reports nothing; ``plan -refresh=false`` succeeds; and the
planned values, read from ``show -json``, equal the spec's: compute
environments (``compute_resources`` and the rest), scheduling policies, job
queues (priority, state, environments in order) and job definitions
(``container_properties`` / ``node_properties`` decoded from JSON,
``parameters``, ``retry_strategy``, ``timeout``, ...).

The spec's side is written here with its own table of API field -> provider
argument (not compiler/tfmap.py), so a mapping mistake in the compiler shows
up as a difference. A field the table does not know fails the test: teach it.

References: the spec names another entry (or batchgen generates a role) where
the API wants an ARN. The plan cannot know an ARN before apply, so for those
the test checks that the planned value is "known after apply" and that the
configuration refers to ``<type>.<label>.arn`` of the resource with that name.
A JSON argument holding such a reference is unknown as a whole in the plan;
its content is read from ``apply`` (the stand-in plugin fills placeholders).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from .examples import SPEC_IDS, SPECS, compile_to, load_spec
from .terraform import planned_resources, state_resources

pytestmark = pytest.mark.downstream


@dataclass(frozen=True)
class Ref:
    """The ARN of the resource of ``type`` whose ``name`` argument is ``name``."""
    type: str
    name: str


# -- the spec side: API field -> provider argument --------------------------------------

@dataclass(frozen=True)
class Arg:
    name: str
    set: bool = False  # a set argument: order does not matter
    ref: str | None = None  # the resource type a by-name value refers to


@dataclass(frozen=True)
class Json:
    name: str


@dataclass(frozen=True)
class JsonValue:
    """The value a JSON argument should decode to (Refs where it names a role)."""
    value: Any


@dataclass(frozen=True)
class Block:
    name: str
    fields: dict
    repeated: bool = False
    set: bool = False  # a set of blocks (nesting mode "set"): order does not matter


ROLE, PROFILE = "aws_iam_role", "aws_iam_instance_profile"

COMPUTE_ENVIRONMENT = {
    "computeEnvironmentName": Arg("name"),
    "type": Arg("type"),
    "state": Arg("state"),
    "serviceRole": Arg("service_role", ref=ROLE),
    "computeResources": Block("compute_resources", {
        "type": Arg("type"),
        "allocationStrategy": Arg("allocation_strategy"),
        "minvCpus": Arg("min_vcpus"),
        "maxvCpus": Arg("max_vcpus"),
        "desiredvCpus": Arg("desired_vcpus"),
        "instanceTypes": Arg("instance_type", set=True),
        "imageId": Arg("image_id"),
        "subnets": Arg("subnets", set=True),
        "securityGroupIds": Arg("security_group_ids", set=True),
        "ec2KeyPair": Arg("ec2_key_pair"),
        "instanceRole": Arg("instance_role", ref=PROFILE),
        "placementGroup": Arg("placement_group"),
        "bidPercentage": Arg("bid_percentage"),
        "spotIamFleetRole": Arg("spot_iam_fleet_role", ref=ROLE),
        "tags": Arg("tags"),
        "launchTemplate": Block("launch_template", {
            "launchTemplateId": Arg("launch_template_id"),
            "launchTemplateName": Arg("launch_template_name"),
            "version": Arg("version"),
        }),
        "ec2Configuration": Block("ec2_configuration", {
            "imageType": Arg("image_type"),
            "imageIdOverride": Arg("image_id_override"),
            "imageKubernetesVersion": Arg("image_kubernetes_version"),
        }, repeated=True),
    }),
    "updatePolicy": Block("update_policy", {
        "terminateJobsOnUpdate": Arg("terminate_jobs_on_update"),
        "jobExecutionTimeoutMinutes": Arg("job_execution_timeout_minutes"),
    }),
    "eksConfiguration": Block("eks_configuration", {
        "eksClusterArn": Arg("eks_cluster_arn"),
        "kubernetesNamespace": Arg("kubernetes_namespace"),
    }),
    "tags": Arg("tags"),
}

SCHEDULING_POLICY = {
    "name": Arg("name"),
    "fairsharePolicy": Block("fair_share_policy", {
        "shareDecaySeconds": Arg("share_decay_seconds"),
        "computeReservation": Arg("compute_reservation"),
        "shareDistribution": Block("share_distribution", {
            "shareIdentifier": Arg("share_identifier"),
            "weightFactor": Arg("weight_factor"),
        }, repeated=True, set=True),
    }),
    "tags": Arg("tags"),
}

JOB_QUEUE = {
    "jobQueueName": Arg("name"),
    "state": Arg("state"),
    "priority": Arg("priority"),
    "schedulingPolicyArn": Arg("scheduling_policy_arn", ref="aws_batch_scheduling_policy"),
    "computeEnvironmentOrder": Block("compute_environment_order", {
        "order": Arg("order"),
        "computeEnvironment": Arg("compute_environment", ref="aws_batch_compute_environment"),
    }, repeated=True),
    "jobStateTimeLimitActions": Block("job_state_time_limit_action", {
        "reason": Arg("reason"),
        "state": Arg("state"),
        "maxTimeSeconds": Arg("max_time_seconds"),
        "action": Arg("action"),
    }, repeated=True),
    "tags": Arg("tags"),
}

JOB_DEFINITION = {
    "jobDefinitionName": Arg("name"),
    "type": Arg("type"),
    "platformCapabilities": Arg("platform_capabilities", set=True),
    "parameters": Arg("parameters"),
    "propagateTags": Arg("propagate_tags"),
    "schedulingPriority": Arg("scheduling_priority"),
    "containerProperties": Json("container_properties"),
    "nodeProperties": Json("node_properties"),
    "ecsProperties": Json("ecs_properties"),
    "retryStrategy": Block("retry_strategy", {
        "attempts": Arg("attempts"),
        "evaluateOnExit": Block("evaluate_on_exit", {
            "action": Arg("action"),
            "onExitCode": Arg("on_exit_code"),
            "onReason": Arg("on_reason"),
            "onStatusReason": Arg("on_status_reason"),
        }, repeated=True),
    }),
    "timeout": Block("timeout", {"attemptDurationSeconds": Arg("attempt_duration_seconds")}),
    "tags": Arg("tags"),
}

SECTIONS = {
    "computeEnvironments": ("aws_batch_compute_environment", "computeEnvironmentName", COMPUTE_ENVIRONMENT),
    "schedulingPolicies": ("aws_batch_scheduling_policy", "name", SCHEDULING_POLICY),
    "jobQueues": ("aws_batch_job_queue", "jobQueueName", JOB_QUEUE),
    "jobDefinitions": ("aws_batch_job_definition", "jobDefinitionName", JOB_DEFINITION),
}

# Role fields inside container JSON that name an `iam.roles` entry (SPEC.md "References by name").
JSON_ROLE_FIELDS = ("jobRoleArn", "executionRoleArn")


def _is_arn(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("arn:")


def _json_refs(value: Any) -> Any:
    """Role names inside container JSON as Refs (ARNs stay)."""
    if isinstance(value, dict):
        return {k: (Ref(ROLE, v) if k in JSON_ROLE_FIELDS and isinstance(v, str) and not _is_arn(v)
                    else _json_refs(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_refs(v) for v in value]
    return value


def to_terraform(table: dict, value: dict, where: str) -> dict:
    """A spec object as provider arguments, by ``table``."""
    out: dict[str, Any] = {}
    for key, v in value.items():
        field = table.get(key)
        if field is None:
            pytest.fail(f"{where}/{key}: this test has no provider argument for it; "
                        f"teach test_terraform_examples.py", pytrace=False)
        if isinstance(field, Arg):
            out[field.name] = Ref(field.ref, v) if field.ref and not _is_arn(v) else v
        elif isinstance(field, Json):
            out[field.name] = JsonValue(_json_refs(v))
        else:
            items = v if field.repeated else [v]
            out[field.name] = [to_terraform(field.fields, item, f"{where}/{key}") for item in items]
    return out


def expected_resources(spec: dict) -> dict[tuple[str, str], dict]:
    """{(resource type, name): provider arguments} the spec asks for, SPEC.md's defaults filled in."""
    project = spec.get("project") or "batchgen"
    expected = {}
    for section, (tf_type, name_field, table) in SECTIONS.items():
        for raw in spec.get(section) or []:
            entry = json.loads(json.dumps(raw))
            if section == "computeEnvironments":
                entry.setdefault("state", "ENABLED")
                cr = entry.get("computeResources") or {}
                # MANAGED without serviceRole: no service_role at all (AWS uses its service-linked role).
                if entry.get("type") == "UNMANAGED":
                    entry.setdefault("serviceRole", f"{project}-batch-service")
                if cr.get("type") in ("EC2", "SPOT"):
                    cr.setdefault("instanceRole", f"{project}-batch-instance")
                    if cr["type"] == "SPOT" and cr.get("allocationStrategy", "BEST_FIT") == "BEST_FIT":
                        cr.setdefault("spotIamFleetRole", f"{project}-batch-spot-fleet")
            elif section == "jobQueues":
                entry.setdefault("state", "ENABLED")
            elif section == "jobDefinitions":
                entry.setdefault("type", "container")
                cp = entry.get("containerProperties")
                if cp is not None and "FARGATE" in (entry.get("platformCapabilities") or []):
                    cp.setdefault("executionRoleArn", f"{project}-batch-execution")
            arguments = to_terraform(table, entry, f"{section}/{raw[name_field]}")
            if section == "computeEnvironments":
                arguments["name"] = KeyedName(raw[name_field])
            elif section == "jobDefinitions":  # old revisions stay ACTIVE (docs/day-two.md)
                arguments["deregister_on_new_revision"] = False
            expected[(tf_type, raw[name_field])] = arguments
    return expected


# -- the Terraform side -----------------------------------------------------------------

@dataclass
class Planned:
    plan: dict
    values: dict[str, dict]  # address -> planned values
    unknown: dict[str, Any]  # address -> after_unknown
    config: dict[str, dict]  # address -> configuration expressions
    by_name: dict[tuple[str, str], str]  # (type, name argument) -> address
    applied: dict[str, dict] | None = None  # address -> values after apply, when needed

    @classmethod
    def of(cls, plan: dict) -> "Planned":
        values = planned_resources(plan)
        unknown = {c["address"]: c["change"].get("after_unknown") or {} for c in plan["resource_changes"]}
        config = {r["address"]: r.get("expressions", {})
                  for r in plan["configuration"]["root_module"].get("resources", [])}
        by_name = {(address.split(".")[0], _spec_name(address, v["name"])): address
                   for address, v in values.items() if isinstance(v.get("name"), str)}
        return cls(plan, values, unknown, config, by_name)


# A compute environment's AWS name is its spec name, "-" and an 8-digit replacement key
# (docs/day-two.md): the key changes exactly when a change needs a new environment.
_REPLACEMENT_KEY = re.compile(r"^(?P<name>.+)-[0-9a-f]{8}$")


def _spec_name(address: str, name: str) -> str:
    if address.startswith("aws_batch_compute_environment."):
        match = _REPLACEMENT_KEY.match(name)
        return match.group("name") if match else f"{name} (no replacement key)"
    return name


@dataclass(frozen=True)
class KeyedName:
    """A compute environment's name argument: the spec name and a replacement key."""
    name: str


def _references(expression: Any) -> list[str]:
    return (expression or {}).get("references", []) if isinstance(expression, dict) else []


class Comparison:
    def __init__(self, planned: Planned, address: str):
        self.planned = planned
        self.address = address
        self.problems: list[str] = []

    def ref_address(self, ref: Ref) -> str | None:
        return self.planned.by_name.get((ref.type, ref.name))

    def check_ref(self, path: str, ref: Ref, unknown: Any, expression: Any) -> None:
        target = self.ref_address(ref)
        if target is None:
            self.problems.append(f"{path}: refers to {ref.type} {ref.name!r}, which the plan does not have")
            return
        if unknown is not True:
            self.problems.append(f"{path}: expected the ARN of {target} (known after apply), found a known value")
        if f"{target}.arn" not in _references(expression):
            self.problems.append(f"{path}: expected a reference to {target}.arn, found {_references(expression)}")

    def compare(self, path: str, actual: Any, unknown: Any, expression: Any, expected: Any,
                top: bool = False) -> None:
        if isinstance(expected, Ref):
            self.check_ref(path, expected, unknown, expression)
        elif isinstance(expected, KeyedName):
            match = _REPLACEMENT_KEY.match(actual) if isinstance(actual, str) else None
            if match is None or match.group("name") != expected.name:
                self.problems.append(f"{path}: expected {expected.name}-<8 hex digits>, found {actual!r}")
        elif isinstance(expected, dict):  # a resource or a block: arguments
            actual = actual or {}
            unknown = unknown if isinstance(unknown, dict) else {}
            expression = expression if isinstance(expression, dict) else {}
            for key, value in expected.items():
                sub = f"{path}.{key}"
                if isinstance(value, list) and value and isinstance(value[0], dict):  # blocks
                    blocks = actual.get(key) or []
                    if len(blocks) != len(value):
                        self.problems.append(f"{sub}: {len(blocks)} blocks, expected {len(value)}")
                        continue
                    if key in SET_BLOCKS:
                        self.compare_set(sub, blocks, unknown.get(key), expression.get(key), value)
                        continue
                    for i, (a, e) in enumerate(zip(blocks, value)):
                        self.compare(f"{sub}[{i}]", a, _at(unknown.get(key), i), _at(expression.get(key), i), e)
                elif isinstance(value, JsonValue):
                    self.compare_json(sub, key, actual.get(key), unknown.get(key), expression.get(key), value.value)
                else:
                    self.compare(sub, actual.get(key), unknown.get(key), expression.get(key), value)
            allowed = set(expected) | ({"region", "tags_all"} if top else set())
            for key, value in actual.items():
                if key not in allowed and value not in (None, [], {}):
                    self.problems.append(f"{path}.{key}: {value!r} set, but the spec does not ask for it")
            for key, value in unknown.items():
                if key not in allowed and value is True and key in expression:
                    self.problems.append(f"{path}.{key}: set (known after apply), but the spec does not ask for it")
        elif isinstance(expected, list) and path.rsplit(".", 1)[-1] in SET_ARGS:
            if sorted(map(json.dumps, actual or [])) != sorted(map(json.dumps, expected)):
                self.problems.append(f"{path}: expected {sorted(expected)}, found {actual!r}")
        elif actual != expected:
            self.problems.append(f"{path}: expected {expected!r}, found {actual!r}")

    def compare_set(self, path: str, blocks: list, unknown: Any, expression: Any, expected: list) -> None:
        """Each expected block matches a planned block of its own (Terraform orders a set its way)."""
        free = list(range(len(blocks)))
        for i, e in enumerate(expected):
            for j in free:
                trial = Comparison(self.planned, self.address)
                trial.compare(f"{path}[{j}]", blocks[j], _at(unknown, j), _at(expression, i), e)
                if not trial.problems:
                    free.remove(j)
                    break
            else:
                self.problems.append(f"{path}: no planned block matches {e!r}; planned: {blocks!r}")

    def compare_json(self, path: str, key: str, actual: Any, unknown: Any, expression: Any, want: Any) -> None:
        refs = _collect_refs(want)
        if unknown is True:
            if not refs:
                self.problems.append(f"{path}: unknown in the plan, but the spec gives every value")
                return
            applied = self.planned.applied or {}
            actual = applied.get(self.address, {}).get(key)
            arns = {ref: applied.get(self.ref_address(ref) or "", {}).get("arn") for ref in refs}
            for ref in refs:
                target = self.ref_address(ref)
                if target is None:
                    self.problems.append(f"{path}: refers to {ref.type} {ref.name!r}, which the plan does not have")
                elif f"{target}.arn" not in _references(expression):
                    self.problems.append(f"{path}: expected a reference to {target}.arn, "
                                         f"found {_references(expression)}")
            want = _replace_refs(want, arns)
        elif refs:
            self.problems.append(f"{path}: known in the plan, but it should hold {sorted(map(str, refs))}")
            return
        if actual is None:
            self.problems.append(f"{path}: missing")
            return
        got = json.loads(actual)
        if got != want:
            self.problems.append(f"{path}: decoded\n  {got}\nexpected\n  {want}")


JSON_ARGS = {f.name for _, _, table in SECTIONS.values() for f in table.values() if isinstance(f, Json)}


def _set_names(table: dict, kind: type) -> set[str]:
    found = set()
    for field in table.values():
        if isinstance(field, kind) and field.set:
            found.add(field.name)
        if isinstance(field, Block):
            found |= _set_names(field.fields, kind)
    return found


SET_ARGS = set().union(*(_set_names(table, Arg) for _, _, table in SECTIONS.values()))
SET_BLOCKS = set().union(*(_set_names(table, Block) for _, _, table in SECTIONS.values()))


def _at(value: Any, index: int) -> Any:
    return value[index] if isinstance(value, list) and index < len(value) else None


def _collect_refs(value: Any) -> list[Ref]:
    found: list[Ref] = []
    if isinstance(value, Ref):
        found.append(value)
    elif isinstance(value, dict):
        for v in value.values():
            found += _collect_refs(v)
    elif isinstance(value, list):
        for v in value:
            found += _collect_refs(v)
    return found


def _replace_refs(value: Any, arns: dict) -> Any:
    if isinstance(value, Ref):
        return arns.get(value)
    if isinstance(value, dict):
        return {k: _replace_refs(v, arns) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace_refs(v, arns) for v in value]
    return value


# -- fixtures and tests -------------------------------------------------------------------

@pytest.fixture(scope="module", params=SPECS, ids=SPEC_IDS)
def example(request, tmp_path_factory):
    spec: Path = request.param
    out = tmp_path_factory.mktemp(f"terraform-{spec.stem}")
    compile_to(spec, out)
    return spec, out / "terraform"


@pytest.fixture(scope="module")
def planned(example, terraform) -> Planned:
    _, module = example
    return Planned.of(terraform.plan(module))


def test_validate_passes_without_diagnostics(example, terraform):
    _, module = example
    result = terraform.validate(module)
    assert result.valid, str(result)
    assert result.diagnostics == [], str(result)


def test_plan_creates_every_resource(example, planned):
    changes = {c["address"]: c["change"]["actions"] for c in planned.plan["resource_changes"]}
    assert changes and all(actions == ["create"] for actions in changes.values()), changes
    spec = load_spec(example[0])
    for (tf_type, name) in expected_resources(spec):
        assert (tf_type, name) in planned.by_name, f"{tf_type} {name!r} is not in the plan"


@pytest.mark.parametrize("section", list(SECTIONS))
def test_planned_values_equal_the_spec(example, planned, terraform, section):
    spec = load_spec(example[0])
    tf_type = SECTIONS[section][0]
    expected = {key: value for key, value in expected_resources(spec).items() if key[0] == tf_type}
    if not expected:  # then the plan has no such resource either
        assert not [key for key in planned.by_name if key[0] == tf_type]
        return
    needs_apply = any(planned.unknown.get(planned.by_name.get(key, ""), {}).get(arg) is True
                      for key in expected for arg in JSON_ARGS)
    if needs_apply and planned.applied is None:
        planned.applied = state_resources(terraform.apply(example[1]))
    problems = []
    default_tags = _default_tags(spec)
    for (tf_type, name), arguments in expected.items():
        address = planned.by_name.get((tf_type, name))
        if address is None:
            problems.append(f"{tf_type} {name!r} is not in the plan")
            continue
        comparison = Comparison(planned, address)
        comparison.compare(address, planned.values[address], planned.unknown.get(address),
                           planned.config.get(address), arguments, top=True)
        tags_all = planned.values[address].get("tags_all")
        want = {**default_tags, **(arguments.get("tags") or {})}
        if (tags_all or {}) != want:
            comparison.problems.append(f"{address}.tags_all: expected {want}, found {tags_all}")
        problems += comparison.problems
    assert not problems, "\n".join(problems)


def _default_tags(spec: dict) -> dict:
    tags = dict(spec.get("tags") or {})
    if spec.get("project") and "Project" not in tags:
        tags["Project"] = spec["project"]
    return tags


def test_managed_compute_environments_leave_service_role_to_aws(example, planned):
    """No service_role where the spec gives none: AWS then uses its service-linked role
    (the CLI bodies name it and deploy.sh creates it; README "The service-linked role")."""
    spec = load_spec(example[0])
    for raw in spec.get("computeEnvironments") or []:
        if raw.get("type") == "MANAGED" and "serviceRole" not in raw:
            address = planned.by_name[("aws_batch_compute_environment", raw["computeEnvironmentName"])]
            assert "service_role" not in planned.config[address], address
            assert planned.unknown[address].get("service_role") is True  # computed by the provider


# -- the comparison itself catches mistakes ------------------------------------------------

MUTATION_SPEC = """\
batchgen: 1
project: tf-compare
region: eu-west-1
computeEnvironments:
  - computeEnvironmentName: ec2-a
    type: MANAGED
    computeResources:
      type: EC2
      minvCpus: 0
      maxvCpus: 8
      instanceTypes: [m5]
      subnets: [subnet-0a1b2c3d4e5f67890]
      securityGroupIds: [sg-0123456789abcdef0]
  - computeEnvironmentName: ec2-b
    type: MANAGED
    computeResources:
      type: EC2
      minvCpus: 0
      maxvCpus: 8
      instanceTypes: [c5]
      subnets: [subnet-0a1b2c3d4e5f67890]
      securityGroupIds: [sg-0123456789abcdef0]
jobQueues:
  - jobQueueName: main
    priority: 10
    computeEnvironmentOrder:
      - {order: 1, computeEnvironment: ec2-a}
      - {order: 2, computeEnvironment: ec2-b}
jobDefinitions:
  - jobDefinitionName: hello
    platformCapabilities: [FARGATE]
    containerProperties:
      image: public.ecr.aws/docker/library/busybox:1.36
      resourceRequirements:
        - {type: VCPU, value: "0.25"}
        - {type: MEMORY, value: "512"}
    retryStrategy:
      attempts: 2
      evaluateOnExit:
        - {action: RETRY, onStatusReason: "Host EC2*"}
"""


def test_comparison_reports_what_differs_from_the_spec(terraform, tmp_path):
    """Hand-made mistakes in otherwise generated Terraform, each reported."""
    spec_path = tmp_path / "compare.yaml"
    spec_path.write_text(MUTATION_SPEC)
    compile_to(spec_path, tmp_path / "out")
    module = tmp_path / "out" / "terraform"
    edits = {
        "job_queues.tf": [("priority = 10", "priority = 11"),
                          ("aws_batch_compute_environment.ec2_a.arn", "aws_batch_compute_environment.@@.arn"),
                          ("aws_batch_compute_environment.ec2_b.arn", "aws_batch_compute_environment.ec2_a.arn"),
                          ("aws_batch_compute_environment.@@.arn", "aws_batch_compute_environment.ec2_b.arn")],
        "job_definitions.tf": [("busybox:1.36", "busybox:1.37"), ("on_status_reason", "on_reason")],
        "compute_environments.tf": [('instance_type      = ["c5"]', 'instance_type      = ["c5", "m5"]')],
    }
    for name, replacements in edits.items():
        text = (module / name).read_text()
        for old, new in replacements:
            assert old in text, (name, old)
            text = text.replace(old, new)
        (module / name).write_text(text)
    planned = Planned.of(terraform.plan(module))
    planned.applied = state_resources(terraform.apply(module))
    problems = []
    for (tf_type, name), arguments in expected_resources(load_spec(spec_path)).items():
        address = planned.by_name[(tf_type, name)]
        comparison = Comparison(planned, address)
        comparison.compare(address, planned.values[address], planned.unknown.get(address),
                           planned.config.get(address), arguments, top=True)
        problems += comparison.problems
    text = "\n".join(problems)
    assert "aws_batch_job_queue.main.priority: expected 10, found 11" in text
    assert ("aws_batch_job_queue.main.compute_environment_order[0].compute_environment: "
            "expected a reference to aws_batch_compute_environment.ec2_a.arn") in text
    assert ("aws_batch_job_queue.main.compute_environment_order[1].compute_environment: "
            "expected a reference to aws_batch_compute_environment.ec2_b.arn") in text
    assert "busybox:1.37" in text and "aws_batch_job_definition.hello.container_properties: decoded" in text
    assert ("aws_batch_job_definition.hello.retry_strategy[0].evaluate_on_exit[0].on_status_reason: "
            "expected 'Host EC2*', found None") in text
    assert ("aws_batch_job_definition.hello.retry_strategy[0].evaluate_on_exit[0].on_reason: "
            "'Host EC2*' set, but the spec does not ask for it") in text
    assert "aws_batch_compute_environment.ec2_b.compute_resources[0].instance_type: expected ['c5']" in text
    assert len(problems) == 7, text
