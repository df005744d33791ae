"""schemas/batchgen.schema.json against its generator, botocore's batch model and the catalog.

The walker here is written independently of tools/gen_schema.py: it reads only the
committed schema and botocore, so a generator bug can't hide behind itself.
"""
from __future__ import annotations

import copy
import importlib.util
import json
import re
import sys
from pathlib import Path
from typing import Any, Iterator

import botocore.session
import pytest
import yaml
from jsonschema import Draft202012Validator

from compiler.catalog import load_catalog

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_PATH = ROOT / "schemas" / "batchgen.schema.json"

# Each resource section and the request shape one of its entries is.
SECTIONS = {
    "computeEnvironments": "CreateComputeEnvironmentRequest",
    "jobQueues": "CreateJobQueueRequest",
    "schedulingPolicies": "CreateSchedulingPolicyRequest",
    "jobDefinitions": "RegisterJobDefinitionRequest",
    "jobs": "SubmitJobRequest",
}
# batchgen's own top-level keys (SPEC.md "Other top-level keys"), and its own sections
# outside AWS Batch (iam, schedules, notifications: tools/gen_schema.py own_sections).
OWN_KEYS = {"batchgen", "project", "region", "account", "tags", "quotas", "iam", "logGroups", "schedules",
            "notifications", "triggers", "terraform", "estimates", "environments", "adopt"}
# SPEC.md keys another issue adds; example specs may use them before the schema has them.
LATER_KEYS: set[str] = set()

# Where the schema's `required` knowingly differs from the model's.
# JDC-004 (issue 14) is a rule's warning now: the schema requires no more than the model.
EXTRA_REQUIRED: dict[str, set[str]] = {}
NOT_REQUIRED = {"RegisterJobDefinitionRequest": {"type"}}  # SPEC.md: batchgen defaults type to container
# Model limits the schema knowingly doesn't carry.
WAIVED_MODEL_LIMITS = {("TagrisTagsMap", "min")}  # NT-007 review: `tags: {}` is fine

TYPES = {
    "string": "string",
    "integer": "integer",
    "long": "integer",
    "float": "number",
    "double": "number",
    "boolean": "boolean",
    "structure": "object",
    "map": "object",
    "list": "array",
}
LIMIT_KEYWORDS = {
    "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
    "minLength", "maxLength", "pattern", "minItems", "maxItems", "minProperties", "maxProperties",
    "anyOf", "oneOf", "not", "const",
}


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def model():
    return botocore.session.get_session().get_service_model("batch")


@pytest.fixture(scope="module")
def validator(schema) -> Draft202012Validator:
    return Draft202012Validator(schema)


def load_generator():
    spec = importlib.util.spec_from_file_location("gen_schema", ROOT / "tools" / "gen_schema.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("gen_schema", module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


# --- (1) and (2): fresh and valid ------------------------------------------------------


def test_schema_records_the_locked_botocore(schema):
    """The schema says which botocore model it came from, and the lock installs exactly that
    one: a fresh machine regenerates the same schema, and a botocore release changes nothing
    until someone moves the lock (make lock-upgrade) and the schema (make schema) on purpose."""
    gen = load_generator()
    assert schema["x-botocore-version"] == gen.locked_botocore(), (
        "requirements/test.txt locks another botocore than the schema was generated from: run make schema")
    assert botocore.__version__ == gen.locked_botocore(), (
        f"this environment has botocore {botocore.__version__}, the lock {gen.locked_botocore()}: "
        "install the lock (make test does)")


def test_schema_generator_refuses_a_botocore_other_than_the_locked_one(monkeypatch, capsys):
    gen = load_generator()
    monkeypatch.setattr(gen.botocore, "__version__", "0.0.1")
    before = SCHEMA_PATH.read_bytes()
    assert gen.main([]) == 2
    assert "botocore 0.0.1" in capsys.readouterr().err
    assert SCHEMA_PATH.read_bytes() == before


def test_schema_is_what_the_generator_writes():
    gen = load_generator()
    expected = gen.render(gen.build_schema())
    actual = SCHEMA_PATH.read_text(encoding="utf-8")
    assert actual == expected, "schemas/batchgen.schema.json is stale: run python tools/gen_schema.py"


def test_schema_is_valid_draft_2020_12(schema):
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


# --- (3) the schema agrees with botocore's request shapes ---------------------------------


def applicable(schema: dict[str, Any], nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every schema that applies to a value: the nodes and, transitively, their $ref targets."""
    out: list[dict[str, Any]] = []
    stack = list(nodes)
    while stack:
        node = stack.pop(0)
        if any(node is seen for seen in out):
            continue
        out.append(node)
        ref = node.get("$ref")
        if ref:
            assert ref.startswith("#/$defs/"), ref
            stack.append(schema["$defs"][ref[len("#/$defs/"):]])
    return out


ENTRY_OPTIONS = "x-batchgen"


def walk_against_model(schema, nodes: list, shape, where: str, problems: list[str], seen: set) -> None:
    """Check that the schemas in `nodes` (which all apply to one value) describe `shape`."""
    nodes = applicable(schema, nodes)
    key = (shape.name, tuple(sorted(json.dumps(n, sort_keys=True) for n in nodes)))
    if key in seen:
        return
    seen.add(key)

    kind = shape.type_name
    want = TYPES.get(kind)
    if want is None:
        problems.append(f"{where}: botocore type {kind} has no JSON Schema counterpart")
        return
    types = {n["type"] for n in nodes if "type" in n}
    if types != {want}:
        problems.append(f"{where}: schema type {sorted(types)}, botocore {shape.name} is {kind} ({want})")
        return

    def gather(keyword):
        return [n[keyword] for n in nodes if keyword in n]

    if kind == "structure":
        if False not in gather("additionalProperties"):
            problems.append(f"{where}: a structure must have additionalProperties: false")
        props: dict[str, list] = {}
        for p in gather("properties"):
            for name, sub in p.items():
                props.setdefault(name, []).append(sub)
        # A section entry carries batchgen's own `x-batchgen` (never sent to AWS) beside the API's members.
        own = {ENTRY_OPTIONS} if where.endswith("[]") and where.count(".") == 0 else set()
        for name in sorted(set(props) - set(shape.members) - own):
            problems.append(f"{where}.{name}: the schema allows it, botocore {shape.name} has no such member")
        for name in sorted(set(shape.members) - set(props)):
            problems.append(f"{where}.{name}: botocore {shape.name} has it, the schema doesn't")
        required = {r for req in gather("required") for r in req}
        expected = (set(shape.required_members) | EXTRA_REQUIRED.get(shape.name, set())) - NOT_REQUIRED.get(
            shape.name, set()
        )
        if required != expected:
            problems.append(f"{where}: required {sorted(required)}, expected {sorted(expected)}")
        for name in sorted(set(props) & set(shape.members)):
            walk_against_model(schema, props[name], shape.members[name], f"{where}.{name}", problems, seen)
    elif kind == "list":
        items = gather("items")
        if not items or not all(isinstance(i, dict) for i in items):
            problems.append(f"{where}: a list needs an items schema")
            return
        walk_against_model(schema, items, shape.member, f"{where}[]", problems, seen)
    elif kind == "map":
        values = gather("additionalProperties")
        if not values or not all(isinstance(v, dict) for v in values):
            problems.append(f"{where}: a map needs an additionalProperties schema for its values")
            return
        if gather("properties"):
            problems.append(f"{where}: a map has no fixed properties")
        walk_against_model(schema, values, shape.value, f"{where}{{}}", problems, seen)
        keys = gather("propertyNames")
        if keys:
            walk_against_model(schema, keys, shape.key, f"{where}{{key}}", problems, seen)
    elif kind == "string" and shape.enum:
        enums = gather("enum")
        patterns = gather("pattern")
        if enums:
            if any(sorted(e) != sorted(shape.enum) for e in enums):
                problems.append(f"{where}: enum {enums} != botocore {shape.enum}")
        elif patterns:  # a case-insensitive enum: every value in any case
            for value in shape.enum:
                for variant in (value, value.lower(), value.upper()):
                    if not all(re.search(p, variant) for p in patterns):
                        problems.append(f"{where}: pattern rejects the API value {variant!r}")
        else:
            problems.append(f"{where}: botocore {shape.name} is an enum, the schema has no enum")


@pytest.mark.parametrize("section", sorted(SECTIONS))
def test_section_matches_request_shape(schema, model, section):
    node = schema["properties"][section]
    assert node["type"] == "array"
    problems: list[str] = []
    walk_against_model(schema, [node["items"]], model.shape_for(SECTIONS[section]), section + "[]", problems, set())
    assert not problems, "\n".join(problems)


def test_top_level_keys(schema):
    assert schema["additionalProperties"] is False
    assert set(schema["properties"]) == OWN_KEYS | set(SECTIONS)
    assert schema["required"] == ["batchgen"]
    assert schema["properties"]["batchgen"]["const"] == 1
    quotas = schema["properties"]["quotas"]
    assert quotas["additionalProperties"] is False
    assert set(quotas["properties"]) == {
        "computeEnvironmentsPerAccount",
        "jobQueuesPerAccount",
        "computeEnvironmentsPerJobQueue",
    }


def test_every_definition_is_closed(schema):
    """additionalProperties: false on every object with fixed properties, so typos are errors.
    An environment's overlay item is the exception: it holds any field of the entry it names,
    and the merged spec of each environment is checked with the entry's own closed schema."""
    for name, node in nodes(schema):
        if name.startswith("#/$defs/EnvironmentOverlay/properties/") and name.endswith("/items"):
            assert node.get("additionalProperties") is None and len(node["properties"]) == 1, name
            continue
        if "properties" in node:
            assert node.get("additionalProperties") is False, name


def reachable(model) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    stack = [model.shape_for(s) for s in SECTIONS.values()]
    while stack:
        s = stack.pop()
        if s.name not in seen:
            seen[s.name] = s
            if s.type_name == "structure":
                stack.extend(s.members.values())
            elif s.type_name == "list":
                stack.append(s.member)
            elif s.type_name == "map":
                stack.extend((s.key, s.value))
    return seen


def test_model_limits_are_in_the_schema(schema, model):
    """Every min/max botocore states is carried with the same number (or knowingly waived)."""
    keywords = {"string": ("minLength", "maxLength"), "list": ("minItems", "maxItems"), "map": ("minProperties", "maxProperties")}
    problems = []
    for name, shape in sorted(reachable(model).items()):
        for bound, keyword in zip(("min", "max"), keywords.get(shape.type_name, ())):
            if bound not in shape.metadata or (name, bound) in WAIVED_MODEL_LIMITS:
                continue
            got = schema["$defs"].get(name, {}).get(keyword, 0 if bound == "min" else None)
            if got != shape.metadata[bound]:
                problems.append(f"{name}: botocore {bound} {shape.metadata[bound]}, schema {keyword} {got}")
    assert not problems, "\n".join(problems)


# --- (4) x-constraint IDs and numbers are the catalog's ----------------------------------


def nodes(schema) -> Iterator[tuple[str, dict[str, Any]]]:
    def walk(obj, where):
        if isinstance(obj, dict):
            yield where, obj
            for key, value in obj.items():
                if key in ("x-constraint", "x-quota", "enum", "examples", "const", "required"):
                    continue
                yield from walk(value, f"{where}/{key}")
        elif isinstance(obj, list):
            for i, value in enumerate(obj):
                yield from walk(value, f"{where}/{i}")

    yield from walk(schema, "#")


def numbers(obj) -> Iterator[float]:
    if isinstance(obj, bool):
        return
    if isinstance(obj, (int, float)):
        yield obj
    elif isinstance(obj, dict):
        for value in obj.values():
            yield from numbers(value)
    elif isinstance(obj, list):
        for value in obj:
            yield from numbers(value)


def test_constraint_tags_name_catalog_entries_and_their_numbers(schema):
    catalog = load_catalog()
    problems = []
    tagged = 0
    for where, node in nodes(schema):
        tags = node.get("x-constraint")
        if tags is None:
            continue
        if not isinstance(tags, dict) or not tags:
            problems.append(f"{where}: x-constraint must be a non-empty keyword -> ID object")
            continue
        for keyword, cid in tags.items():
            tagged += 1
            if keyword not in node:
                problems.append(f"{where}: x-constraint tags `{keyword}`, which the node doesn't have")
                continue
            if cid not in catalog:
                problems.append(f"{where}: {cid} is not in the catalog")
                continue
            limits = catalog[cid].limits
            allowed_numbers = set(numbers(dict(limits)))
            for n in numbers(node[keyword]) if keyword != "const" else ():  # a const is a value, not a limit
                if n not in allowed_numbers:
                    problems.append(f"{where}: {keyword} has {n}, which is none of {cid}'s limits {dict(limits)}")
            value = node[keyword]
            if keyword == "pattern" and isinstance(value, str):
                strings = [v for v in limits.values() if isinstance(v, str)]
                if strings and not any(s == value or s in value for s in strings):
                    problems.append(f"{where}: pattern {value!r} is none of {cid}'s limits {strings}")
            if keyword == "enum":
                lists = [v for v in limits.values() if isinstance(v, list)]
                if lists and value not in lists:
                    problems.append(f"{where}: enum {value} is none of {cid}'s lists")
        quota = node.get("x-quota")
        if quota is not None:  # names the `quotas:` key that replaces this node's maxItems
            cid = tags.get("maxItems")
            if cid is None or catalog[cid].quota != quota:
                problems.append(f"{where}: x-quota {quota!r} is not the quota of the maxItems' catalog entry {cid}")
            if quota not in schema["properties"]["quotas"]["properties"]:
                problems.append(f"{where}: x-quota {quota} is not a key of `quotas`")
    assert tagged > 0
    assert not problems, "\n".join(problems)


def test_limits_inside_resources_are_all_tagged(schema):
    """No number in the API sections is typed outside the catalog: every limit keyword is tagged."""
    problems = []
    for where, node in nodes({"$defs": schema["$defs"]}):
        tags = node.get("x-constraint", {})
        for keyword in sorted(LIMIT_KEYWORDS & set(node)):
            if keyword not in tags:
                problems.append(f"{where}: `{keyword}` carries no x-constraint")
    assert not problems, "\n".join(problems)


def test_catalog_quotas_are_quota_keys(schema):
    quota_keys = set(schema["properties"]["quotas"]["properties"])
    for entry in load_catalog().values():
        if entry.quota:
            assert entry.quota in quota_keys, entry.id


def test_x_constraint_documented(schema):
    assert "x-constraint" in schema["$comment"] and "x-quota" in schema["$comment"]


def test_jq_004_is_a_quota(schema):
    node = schema["$defs"]["CreateJobQueueRequest"]["properties"]["computeEnvironmentOrder"]
    assert node["x-quota"] == "computeEnvironmentsPerJobQueue"
    assert node["x-constraint"] == {"maxItems": "JQ-004", "minItems": "JQ-004"}


# --- (5) sanity cases ---------------------------------------------------------------------

MINIMAL = {
    "batchgen": 1,
    "project": "render-farm",
    "region": "us-east-1",
    "account": "123456789012",
    "tags": {"team": "vfx"},
    "computeEnvironments": [
        {
            "computeEnvironmentName": "render-spot",
            "type": "MANAGED",
            "computeResources": {
                "type": "SPOT",
                "allocationStrategy": "SPOT_CAPACITY_OPTIMIZED",
                "minvCpus": 0,
                "maxvCpus": 256,
                "instanceTypes": ["c5", "m5"],
                "subnets": ["subnet-0a1b2c3d"],
                "securityGroupIds": ["sg-0c1d2e3f"],
            },
        }
    ],
    "jobQueues": [
        {
            "jobQueueName": "render-queue",
            "priority": 10,
            "computeEnvironmentOrder": [{"order": 1, "computeEnvironment": "render-spot"}],
        }
    ],
    "schedulingPolicies": [{"name": "fair", "fairsharePolicy": {"shareDecaySeconds": 3600}}],
    "jobDefinitions": [
        {
            "jobDefinitionName": "RenderingJobDefinition",
            "type": "container",
            "parameters": {"framesPerJob": "1"},
            "containerProperties": {
                "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/render:latest",
                "resourceRequirements": [{"type": "VCPU", "value": "1"}, {"type": "MEMORY", "value": "8000"}],
                "command": ["Ref::action", "-f", "Ref::framesPerJob"],
                "jobRoleArn": "render-job",
            },
            "retryStrategy": {"attempts": 3, "evaluateOnExit": [{"onStatusReason": "Host EC2*", "action": "RETRY"}]},
            "timeout": {"attemptDurationSeconds": 3600},
            "platformCapabilities": ["EC2"],
        }
    ],
    "jobs": [
        {
            "jobName": "render-shot-010",
            "jobQueue": "render-queue",
            "jobDefinition": "RenderingJobDefinition",
            "arrayProperties": {"size": 100},
            "parameters": {"action": "render"},
        },
        {
            "jobName": "stitch",
            "jobQueue": "render-queue",
            "jobDefinition": "RenderingJobDefinition",
            "dependsOn": [{"jobId": "render-shot-010"}],
        },
    ],
}


def findings(validator, spec) -> set[tuple[tuple, str, Any]]:
    """(JSON path, failing keyword, its x-constraint ID or None) for every error."""
    out = set()
    for error in validator.iter_errors(spec):
        tags = error.schema.get("x-constraint", {}) if isinstance(error.schema, dict) else {}
        out.add((tuple(error.absolute_path), error.validator, tags.get(error.validator)))
    return out


def edit(path: tuple, value) -> dict:
    """MINIMAL with the value at `path` replaced (a callable gets the old value)."""
    spec = copy.deepcopy(MINIMAL)
    parent = spec
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value(parent[path[-1]]) if callable(value) else value
    return spec


def test_minimal_spec_is_valid(validator):
    assert findings(validator, MINIMAL) == set()


def test_example_specs_are_valid(validator):
    for path in sorted((ROOT / "specs").glob("*.yaml")):
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        undeclared = LATER_KEYS - set(validator.schema["properties"])
        spec = {k: v for k, v in spec.items() if k not in undeclared}
        assert findings(validator, spec) == set(), path.name


CE = ("computeEnvironments", 0)
JQ = ("jobQueues", 0)
JD = ("jobDefinitions", 0)
JOB = ("jobs", 0)
ORDER = [{"order": i, "computeEnvironment": f"ce{i}"} for i in range(1, 5)]
TAGS_51 = {f"k{i}": "v" for i in range(51)}

FAILING = [
    # (case, path edited, new value, expected (path, keyword, ID))
    ("4 CEs in a queue", JQ + ("computeEnvironmentOrder",), ORDER, (JQ + ("computeEnvironmentOrder",), "maxItems", "JQ-004")),
    ("no CE in a queue", JQ + ("computeEnvironmentOrder",), [], (JQ + ("computeEnvironmentOrder",), "minItems", "JQ-004")),
    ("array size 1", JOB + ("arrayProperties", "size"), 1, (JOB + ("arrayProperties", "size"), "minimum", "SJA-001")),
    ("array size 10001", JOB + ("arrayProperties", "size"), 10001, (JOB + ("arrayProperties", "size"), "maximum", "SJA-001")),
    ("priority 1001", JQ + ("priority",), 1001, (JQ + ("priority",), "maximum", "JQ-001")),
    ("priority -1", JQ + ("priority",), -1, (JQ + ("priority",), "minimum", "JQ-001")),
    ("JD timeout 59", JD + ("timeout", "attemptDurationSeconds"), 59,
     (JD + ("timeout", "attemptDurationSeconds"), "minimum", "JDT-001")),
    ("job timeout 59", JOB + ("timeout",), {"attemptDurationSeconds": 59},
     (JOB + ("timeout", "attemptDurationSeconds"), "minimum", "JDT-001")),
    ("JD attempts 11", JD + ("retryStrategy", "attempts"), 11, (JD + ("retryStrategy", "attempts"), "maximum", "JDY-001")),
    ("job attempts 0", JOB + ("retryStrategy",), {"attempts": 0}, (JOB + ("retryStrategy", "attempts"), "minimum", "JDY-001")),
    ("6 evaluateOnExit", JD + ("retryStrategy", "evaluateOnExit"), [{"onReason": "*", "action": "EXIT"}] * 6,
     (JD + ("retryStrategy", "evaluateOnExit"), "maxItems", "JDY-002")),
    ("retry action not RETRY/EXIT", JD + ("retryStrategy", "evaluateOnExit"), [{"onReason": "*", "action": "RETRIES"}],
     (JD + ("retryStrategy", "evaluateOnExit", 0, "action"), "pattern", "JDY-003")),
    ("onExitCode with a letter", JD + ("retryStrategy", "evaluateOnExit"), [{"onExitCode": "1a", "action": "EXIT"}],
     (JD + ("retryStrategy", "evaluateOnExit", 0, "onExitCode"), "pattern", "JDY-005")),
    ("21 dependsOn", ("jobs", 1, "dependsOn"), [{"jobId": "render-shot-010"}] * 21,
     (("jobs", 1, "dependsOn"), "maxItems", "SJD-001")),
    ("dependsOn type", ("jobs", 1, "dependsOn"), [{"jobId": "render-shot-010", "type": "ONE_TO_ONE"}],
     (("jobs", 1, "dependsOn", 0, "type"), "enum", "SJD-002")),
    ("51 CE tags", CE + ("tags",), TAGS_51, (CE + ("tags",), "maxProperties", "NT-007")),
    ("51 top-level tags", ("tags",), TAGS_51, (("tags",), "maxProperties", "NT-007")),
    ("129-character tag key", ("tags",), {"k" * 129: "v"}, (("tags",), "maxLength", "NT-008")),
    ("257-character tag value", JOB + ("tags",), {"k": "v" * 257}, (JOB + ("tags", "k"), "maxLength", "NT-008")),
    ("bad CE name", CE + ("computeEnvironmentName",), "render spot!",
     (CE + ("computeEnvironmentName",), "pattern", "NT-001")),
    ("129-character queue name", JQ + ("jobQueueName",), "q" * 129, (JQ + ("jobQueueName",), "maxLength", "NT-002")),
    ("bad JD name", JD + ("jobDefinitionName",), "render.def", (JD + ("jobDefinitionName",), "pattern", "NT-003")),
    ("bad policy name", ("schedulingPolicies", 0, "name"), "fair share", (("schedulingPolicies", 0, "name"), "pattern", "NT-004")),
    ("jobName starting with '-'", JOB + ("jobName",), "-render", (JOB + ("jobName",), "pattern", "NT-005")),
    ("empty jobName", JOB + ("jobName",), "", {(JOB + ("jobName",), "minLength", "NT-005"),
                                               (JOB + ("jobName",), "pattern", "NT-005")}),
    ("bidPercentage 101", CE + ("computeResources", "bidPercentage"), 101,
     (CE + ("computeResources", "bidPercentage"), "maximum", "CE-026")),
    ("minScaleDownDelayMinutes 10", CE + ("computeResources", "scalingPolicy"), {"minScaleDownDelayMinutes": 10},
     (CE + ("computeResources", "scalingPolicy", "minScaleDownDelayMinutes"), "anyOf", "CE-030")),
    ("CE type", CE + ("type",), "managed", (CE + ("type",), "enum", "CE-001")),
    ("computeResources type", CE + ("computeResources", "type"), "SPOTS", (CE + ("computeResources", "type"), "enum", "CE-011")),
    ("negative minvCpus", CE + ("computeResources", "minvCpus"), -1, (CE + ("computeResources", "minvCpus"), "minimum", "CE-012")),
    ("launch template version", CE + ("computeResources", "launchTemplate"), {"launchTemplateName": "lt", "version": "latest"},
     (CE + ("computeResources", "launchTemplate", "version"), "pattern", "CE-040")),
    ("queue state", JQ + ("state",), "ON", (JQ + ("state",), "enum", "JQ-002")),
    ("maxTimeSeconds 599", JQ + ("jobStateTimeLimitActions",),
     [{"reason": "r", "state": "RUNNABLE", "maxTimeSeconds": 599, "action": "CANCEL"}],
     (JQ + ("jobStateTimeLimitActions", 0, "maxTimeSeconds"), "minimum", "JQ-016")),
    ("computeReservation 100", ("schedulingPolicies", 0, "fairsharePolicy", "computeReservation"), 100,
     (("schedulingPolicies", 0, "fairsharePolicy", "computeReservation"), "maximum", "SP-004")),
    ("shareDecaySeconds 604801", ("schedulingPolicies", 0, "fairsharePolicy", "shareDecaySeconds"), 604801,
     (("schedulingPolicies", 0, "fairsharePolicy", "shareDecaySeconds"), "maximum", "SP-003")),
    ("JD type", JD + ("type",), "Container", (JD + ("type",), "enum", "JD-001")),
    ("platform capability", JD + ("platformCapabilities",), ["EC2", "LAMBDA"], (JD + ("platformCapabilities", 1), "enum", "JD-003")),
    ("schedulingPriority 10000", JD + ("schedulingPriority",), 10000, (JD + ("schedulingPriority",), "maximum", "JD-006")),
    ("resource type", JD + ("containerProperties", "resourceRequirements"), [{"type": "CPU", "value": "1"}],
     (JD + ("containerProperties", "resourceRequirements", 0, "type"), "enum", "JDR-001")),
    ("reserved env name", JD + ("containerProperties", "environment"), [{"name": "AWS_BATCH_X", "value": "1"}],
     (JD + ("containerProperties", "environment", 0, "name"), "pattern", "JDC-003")),
    ("empty command override", JOB + ("containerOverrides",), {"command": ["run", ""]},
     (JOB + ("containerOverrides", "command", 1), "minLength", "SJO-003")),
    ("schedulingPriorityOverride 10000", JOB + ("schedulingPriorityOverride",), 10000,
     (JOB + ("schedulingPriorityOverride",), "maximum", "SJ-005")),
]


@pytest.mark.parametrize("case, path, value, expected", FAILING, ids=[c[0] for c in FAILING])
def test_invalid_spec_fails_at_the_path_with_the_tagged_id(validator, case, path, value, expected):
    got = findings(validator, edit(path, value))
    assert got == (expected if isinstance(expected, set) else {expected}), case


UNTAGGED = [
    # batchgen's own checks: no catalog ID on the keyword (the validator uses BG- codes).
    ("typo in a key", JQ, lambda q: {**q, "computeEnviromentOrder": q["computeEnvironmentOrder"]},
     (JQ, "additionalProperties", None)),
    ("wrong type", JQ + ("priority",), "10", (JQ + ("priority",), "type", None)),
    ("missing required", CE, lambda c: {k: v for k, v in c.items() if k != "type"}, (CE, "required", None)),
    ("unknown quota", ("quotas",), {"computeEnvironmentsPerQueue": 6}, (("quotas",), "additionalProperties", None)),
    ("account as a number", ("account",), 123456789012, (("account",), "type", None)),
    ("project too long", ("project",), "p" * 33, (("project",), "maxLength", None)),
    ("region", ("region",), "US-EAST-1", (("region",), "pattern", None)),
]


@pytest.mark.parametrize("case, path, value, expected", UNTAGGED, ids=[c[0] for c in UNTAGGED])
def test_batchgen_own_checks_carry_no_catalog_id(validator, case, path, value, expected):
    assert findings(validator, edit(path, value)) == {expected}, case


def test_format_version(validator):
    assert findings(validator, edit(("batchgen",), 2)) == {(("batchgen",), "const", "BG-009")}


VALID = [
    ("empty tags map (NT-007 review)", CE + ("tags",), {}),
    ("50 tags", CE + ("tags",), {f"k{i}": "v" for i in range(50)}),
    ("empty tag value", CE + ("tags",), {"k": ""}),
    ("3 CEs in a queue", JQ + ("computeEnvironmentOrder",), ORDER[:3]),
    ("array size 2", JOB + ("arrayProperties", "size"), 2),
    ("array size 10000", JOB + ("arrayProperties", "size"), 10000),
    ("priority 0", JQ + ("priority",), 0),
    ("priority 1000", JQ + ("priority",), 1000),
    ("timeout 60", JD + ("timeout", "attemptDurationSeconds"), 60),
    ("attempts 10", JD + ("retryStrategy", "attempts"), 10),
    ("5 evaluateOnExit", JD + ("retryStrategy", "evaluateOnExit"), [{"onReason": "*", "action": "EXIT"}] * 5),
    ("lower-case retry action", JD + ("retryStrategy", "evaluateOnExit"), [{"onExitCode": "137", "action": "retry"}]),
    ("mixed-case exit action", JD + ("retryStrategy", "evaluateOnExit"), [{"onReason": "CannotPull*", "action": "Exit"}]),
    ("20 dependsOn", ("jobs", 1, "dependsOn"), [{"jobId": "render-shot-010"}] * 20),
    ("SEQUENTIAL without jobId", ("jobs", 1, "dependsOn"), [{"type": "SEQUENTIAL"}]),
    ("128-character name", CE + ("computeEnvironmentName",), "c" * 128),
    ("jobName starting with a digit", JOB + ("jobName",), "0render_shot-1"),
    ("JD without type (batchgen fills in container)", JD, lambda d: {k: v for k, v in d.items() if k != "type"}),
    ("bidPercentage 0", CE + ("computeResources", "bidPercentage"), 0),
    ("bidPercentage 100", CE + ("computeResources", "bidPercentage"), 100),
    ("minScaleDownDelayMinutes 0", CE + ("computeResources", "scalingPolicy"), {"minScaleDownDelayMinutes": 0}),
    ("minScaleDownDelayMinutes 20", CE + ("computeResources", "scalingPolicy"), {"minScaleDownDelayMinutes": 20}),
    ("launch template $Latest", CE + ("computeResources", "launchTemplate"), {"launchTemplateId": "lt-1", "version": "$Latest"}),
    ("launch template version 3", CE + ("computeResources", "launchTemplate"), {"launchTemplateId": "lt-1", "version": "3"}),
    ("weightFactor 0.5", ("schedulingPolicies", 0, "fairsharePolicy", "shareDistribution"),
     [{"shareIdentifier": "A*", "weightFactor": 0.5}]),
    ("quotas", ("quotas",), {"computeEnvironmentsPerJobQueue": 6}),
    ("region us-gov-west-1", ("region",), "us-gov-west-1"),
    ("targetNodes forms", JD, lambda d: {
        **d,
        "type": "multinode",
        "nodeProperties": {
            "numNodes": 4,
            "mainNode": 0,
            "nodeRangeProperties": [{"targetNodes": t} for t in ("0", "1:", ":3", ":", "0:3")],
        },
    }),
]


@pytest.mark.parametrize("case, path, value", VALID, ids=[c[0] for c in VALID])
def test_valid_variants_pass(validator, case, path, value):
    assert findings(validator, edit(path, value)) == set(), case


def test_inlining_the_references_changes_no_error():
    """validate/schema.py validates against the schema with its $refs inlined (for speed):
    on every rule case and example it finds exactly the errors the schema as written does."""
    from compiler.load import load_text
    from compiler.validate import schema as vschema

    as_written = vschema._Validator(vschema.load_schema())
    inlined = vschema._validator(())
    root = Path(__file__).resolve().parent
    specs = sorted((root / "rules" / "cases").glob("*/*.yaml")) + sorted((root.parent / "specs").glob("*.yaml"))
    compared = 0
    for spec in specs:
        data = load_text(spec.read_text(encoding="utf-8")).data
        if data is None:
            continue

        def errors(validator):
            return sorted((tuple(map(str, e.absolute_path)), e.validator, e.message) for e in validator.iter_errors(data))

        assert errors(inlined) == errors(as_written), spec
        compared += 1
    assert compared > 500
