"""`batchgen import terraform`: the imported spec's Terraform carries the values of the original.

Each module of the corpus (tests/fixtures/import/terraform/, the styles people write:
jsonencode, a heredoc of JSON with interpolation, file(), variables with defaults, a
terraform.tfvars, locals, for_each and count over known values, an aws_iam_policy_document)
is applied by real Terraform core against the stand-in provider, and so is the module
batchgen compiles from the imported spec. Terraform itself evaluates both, so the values
compared are what Terraform would send. Resources are matched by what names them (a name, a
role and policy, a rule), since batchgen labels them its own way; every argument the
original sets must have the same value in batchgen's module (JSON arguments compared as
data, references as the values Terraform gives them).

The differences allowed are batchgen's on purpose: an EventBridge target's target_id, which
batchgen writes as its own (batch-job) and the spec's `adopt.eventTargets` records for
adoption; a compute environment's name, which batchgen gives a replacement key
(<name>-<8 hex digits>, docs/day-two.md: matched here by the name without it, and its ARN
likewise); and the job definition an EventBridge target submits, which batchgen names by
name (each run takes the latest ACTIVE revision) where a module may pin the revision's ARN.
"""

from __future__ import annotations

import json
import re
import shutil

import pytest

from compiler.pipeline import compile_spec
from tests.helpers import ROOT, run

from .terraform import state_resources

pytestmark = pytest.mark.downstream

CORPUS = ROOT / "tests" / "fixtures" / "import" / "terraform"
PLANNABLE = ("classic", "heredoc", "files")  # "unresolved" needs values only a person can give
JSON_ARGS = {"container_properties", "node_properties", "ecs_properties", "assume_role_policy", "policy",
             "input", "event_pattern"}
IGNORED = {"id", "arn", "arn_prefix", "region", "revision", "tags", "tags_all", "unique_id", "create_date",
           "ecs_cluster_arn", "status", "status_reason", "owner", "tags_all"}
ALLOWED_DIFFERENCES = {"aws_cloudwatch_event_target": {"target_id"}}


def _key(type_: str, values: dict) -> tuple:
    if type_ == "aws_iam_role_policy_attachment":
        return type_, values.get("role"), values.get("policy_arn")
    if type_ == "aws_iam_role_policy":
        return type_, values.get("role"), values.get("name")
    if type_ == "aws_cloudwatch_event_target":
        return type_, values.get("rule")
    if type_ == "aws_sns_topic_subscription":
        return type_, values.get("protocol"), values.get("endpoint")
    return type_, values.get("name")


def _by_key(state: dict) -> dict[tuple, dict]:
    resources = {a: v for a, v in state_resources(state).items() if not a.startswith("data.")}
    # An aws_iam_role's id is its name in the provider (the stand-in makes ids up): `role =
    # aws_iam_role.job.id` means the name, as Terraform would have it.
    role_ids = {v["id"]: v["name"] for a, v in resources.items() if a.startswith("aws_iam_role.") and "id" in v}
    out = {}
    for address, values in resources.items():
        if isinstance(values.get("role"), str):
            values = {**values, "role": role_ids.get(values["role"], values["role"])}
        out[_key(address.split(".")[0].split("[")[0], values)] = values
    return out


def _decoded(name: str, value):
    if name in JSON_ARGS and isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _set(original, imported, path: str) -> list[str]:
    """Where `imported` lacks or differs from a value `original` has (nulls and empty blocks of
    the original are what it left unset)."""
    if original is None or original == [] or original == {}:
        return []
    if isinstance(original, dict):
        if not isinstance(imported, dict):
            return [f"{path}: {original!r} became {imported!r}"]
        return [m for k, v in original.items() for m in _set(v, imported.get(k), f"{path}.{k}")]
    if isinstance(original, list) and original and isinstance(original[0], dict):
        if not isinstance(imported, list) or len(imported) != len(original):
            return [f"{path}: {original!r} became {imported!r}"]
        return [m for i, (a, b) in enumerate(zip(original, imported)) for m in _set(a, b, f"{path}[{i}]")]
    return [] if original == imported else [f"{path}: {original!r} became {imported!r}"]


def _without_replacement_keys(resources: dict[tuple, dict]) -> dict[tuple, dict]:
    """batchgen's compute environments under the names without their replacement keys (and
    every value naming one, such as a queue's placeholder ARN of it); an EventBridge
    target's job definition by name, as the original's ARN placeholder of that name reads."""
    renames = {}
    for key in resources:
        m = re.fullmatch(r"(.+)-[0-9a-f]{8}", key[1] or "") if key[0] == "aws_batch_compute_environment" else None
        if m:
            renames[key[1]] = m[1]
    text = json.dumps({json.dumps(k): v for k, v in resources.items()})
    for keyed, name in renames.items():
        text = text.replace(json.dumps(keyed)[1:-1], json.dumps(name)[1:-1])
    out = {tuple(json.loads(k)): v for k, v in json.loads(text).items()}
    for key, values in out.items():
        if key[0] == "aws_cloudwatch_event_target":
            for target in values.get("batch_target") or []:
                if isinstance(target.get("job_definition"), str) and ":" not in target["job_definition"]:
                    target["job_definition"] = f"placeholder-arn-{target['job_definition']}"
    return out


@pytest.mark.parametrize("name", PLANNABLE)
def test_batchgen_module_sets_what_the_original_sets(name, terraform, tmp_path):
    original_dir = tmp_path / "original"
    shutil.copytree(CORPUS / name, original_dir)
    spec = tmp_path / "imported.yaml"
    done = run("import", "terraform", original_dir, "-o", spec)
    assert done.code == 0, done.stderr
    result = compile_spec(str(spec))
    assert result.files is not None, "\n".join(map(str, result.problems))
    for rel, text in result.files.items():
        if rel.startswith("terraform/"):
            (tmp_path / "batchgen" / rel).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / "batchgen" / rel).write_text(text, encoding="utf-8")
    original = _by_key(terraform.apply(original_dir))
    imported = _without_replacement_keys(_by_key(terraform.apply(tmp_path / "batchgen" / "terraform")))
    problems = []
    for key, values in sorted(original.items(), key=str):
        theirs = imported.get(key)
        if theirs is None:
            problems.append(f"{key}: not in batchgen's module (it has {sorted(imported, key=str)})")
            continue
        skip = IGNORED | ALLOWED_DIFFERENCES.get(key[0], set())
        for arg, value in sorted(values.items()):
            if arg not in skip:
                problems += [f"{key} {m}" for m in _set(_decoded(arg, value), _decoded(arg, theirs.get(arg)), arg)]
        if "tags_all" in values:  # default_tags and the resource's own, merged
            problems += [f"{key} {m}" for m in _set(values["tags_all"], theirs.get("tags_all"), "tags_all")]
    assert not problems, "\n".join(problems)
