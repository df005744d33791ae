"""Every example in specs/ compiles, out/ is fresh, and the output is what the tools accept."""
from __future__ import annotations

import json
from pathlib import Path

import botocore.session
import hcl2
import pytest
from botocore.validate import ParamValidator
from hcl2.api import SerializationOptions

from compiler.pipeline import compile_spec

from .helpers import EXAMPLES, OUT, ROOT, SPECS, Example, run, tree

SPEC_IDS = [p.stem for p in SPECS]


def _compile(example: Example):
    return compile_spec(str(example.spec.relative_to(ROOT)), env=example.env)


@pytest.fixture(scope="module", params=EXAMPLES, ids=[e.id for e in EXAMPLES])
def compiled(request):
    return request.param, _compile(request.param)


def test_there_are_examples():
    assert {"monte-carlo", "render", "fetch-and-run", "ffmpeg-parameters", "cheat-sheet"} <= set(SPEC_IDS)
    # a spec with environments compiles once per environment (make out: out/<spec>/<env>/)
    assert {"nightly-processing.dev", "nightly-processing.prod"} <= {e.id for e in EXAMPLES}


def test_example_compiles_without_problems(compiled):
    example, result = compiled
    assert result.errors == [], "\n".join(map(str, result.errors))
    assert result.files, "nothing emitted"
    # The examples stay warning-free unless a comment in the spec explains the warning.
    text = example.spec.read_text()
    for w in result.warnings:
        assert f"deliberate {w.code}" in text, f"undocumented warning: {w}"


def test_out_is_fresh(compiled):
    """out/<spec>/ (out/<spec>/<env>/) is exactly what compiling the spec writes (run `make out`)."""
    example, result = compiled
    where = example.out.relative_to(ROOT)
    on_disk = tree(example.out)
    expected = {k: v.encode() for k, v in result.files.items()}
    assert sorted(on_disk) == sorted(expected), f"{where} is stale: batchgen compile {' '.join(example.argv)} -o {where}"
    for rel in expected:
        assert on_disk[rel] == expected[rel], f"{where}/{rel} is stale"


def test_out_holds_exactly_the_examples():
    """Nothing in out/ but what `make out` writes: a folder per spec, or per environment."""
    written = {e.out for e in EXAMPLES}
    folders = {p.parent for p in OUT.rglob("batchgen.manifest.json")}
    assert folders == written


def test_check_flag_agrees(compiled, tmp_path):
    example, _ = compiled
    assert run("compile", *example.argv, "-o", example.out, "--check").code == 0
    assert run("compile", *example.argv, "-o", tmp_path / "missing", "--check").code == 1
    assert not (tmp_path / "missing").exists()


def test_compile_is_deterministic(compiled):
    example, result = compiled
    assert _compile(example).files == result.files


def test_terraform_fmt_accepts_output(compiled, terraform, tmp_path):
    spec, result = compiled
    module = tmp_path / "terraform"
    for rel, text in result.files.items():
        if rel.startswith("terraform/"):
            (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / rel).write_text(text)
    ok, diff = terraform.fmt_check(module)
    assert ok, diff


def test_python_hcl2_parses_every_tf_file(compiled):
    _, result = compiled
    opts = SerializationOptions(strip_string_quotes=True, explicit_blocks=False, preserve_heredocs=False)
    tf_files = {k: v for k, v in result.files.items() if k.endswith(".tf")}
    assert "terraform/versions.tf" in tf_files and "terraform/providers.tf" in tf_files
    for rel, text in tf_files.items():
        parsed = hcl2.loads(text, serialization_options=opts)
        assert isinstance(parsed, dict) and parsed, rel
    versions = hcl2.loads(tf_files["terraform/versions.tf"], serialization_options=opts)
    aws = versions["terraform"][0]["required_providers"][0]["aws"]
    assert aws["source"] == "hashicorp/aws" and aws["version"] == ">= 6.0"


_SESSION = botocore.session.get_session()
_MODELS = {svc: _SESSION.get_service_model(svc) for svc in ("batch", "iam", "events", "sns", "s3", "scheduler")}
_MODELS["s3api"] = _MODELS["s3"]  # the AWS CLI's name for the S3 API


def _operation(service: str, command: str):
    model = _MODELS[service]
    name = "".join(part.capitalize() for part in command.split("-"))
    return model.operation_model(name)


def test_every_cli_body_passes_botocore_validation(compiled):
    _, result = compiled
    bodies = {k: v for k, v in result.files.items() if k.startswith("cli/") and k.endswith(".json")}
    assert any("/register-job-definition/" in k for k in bodies)
    for rel, text in bodies.items():
        _, service, command, _ = rel.split("/")
        op = _operation(service, command)
        report = ParamValidator().validate(json.loads(text), op.input_shape)
        assert not report.has_errors(), f"{rel}: {report.generate_report()}"


def _expected_body(section: str, entry: dict, spec: dict) -> dict:
    """A spec entry as the CLI body should read: references resolved, defaults and tags added."""
    import copy

    body = copy.deepcopy(entry)
    account = spec.get("account") or "@@ACCOUNT_ID@@"
    tags = dict(spec.get("tags") or {})
    if spec.get("project") and "Project" not in tags:
        tags["Project"] = spec["project"]
    tags.update(body.get("tags") or {})
    body.pop("tags", None)
    if section == "jobDefinitions":
        body.setdefault("type", "container")
        cp = body.get("containerProperties")
        if cp is not None and "FARGATE" in body.get("platformCapabilities", []) and "executionRoleArn" not in cp:
            cp["executionRoleArn"] = f"arn:aws:iam::{account}:role/{spec['project']}-batch-execution"
        roles = {r["RoleName"]: r.get("Path", "/") for r in (spec.get("iam") or {}).get("roles", [])}
        for key in ("jobRoleArn", "executionRoleArn"):  # a role of the spec, by name -> its ARN
            if cp is not None and cp.get(key) in roles:
                cp[key] = f"arn:aws:iam::{account}:role{roles[cp[key]]}{cp[key]}"
    if section == "jobs":
        for dep in body.get("dependsOn", []):
            if "jobId" in dep:
                dep["jobId"] = f"@@JOB_ID:{dep['jobId']}@@"
    if tags:
        body["tags"] = tags
    return body


def test_job_bodies_round_trip_the_spec(compiled):
    """register-job-definition and submit-job bodies equal their spec entries, references resolved."""
    example, result = compiled
    spec = example.data()
    for section, command, name_field in (("jobDefinitions", "register-job-definition", "jobDefinitionName"),
                                         ("jobs", "submit-job", "jobName")):
        # a job its schedule or trigger submits has its body too (to run it by hand), which
        # deploy.sh doesn't send (tests/downstream/test_emulator.py)
        for entry in spec.get(section, []):
            body = json.loads(result.files[f"cli/batch/{command}/{entry[name_field]}.json"])
            expected = _expected_body(section, entry, spec)
            assert body == expected, entry[name_field]
            if section == "jobDefinitions":
                # key order is the spec's, defaults after it: reviewers diff against what they pasted
                assert list(body)[: len(entry) - ("tags" in entry)] == [k for k in entry if k != "tags"]
