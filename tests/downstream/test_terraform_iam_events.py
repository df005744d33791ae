"""Terraform and checkov on the examples with `iam`, `schedules` or `notifications`.

`terraform validate` and `plan` run against the real hashicorp/aws 6.47.0 schema. A policy
that names the spec's own queues, job definitions or roles is unknown at plan time (their ARNs
are), so it is checked twice:

- in the plan's configuration, its references are exactly the resources the spec named;
- in a copy of the module where each such reference is replaced by the ARN that resource
  will have, the planned document, decoded, equals the CLI body's document: Terraform and
  the CLI ask for the same permissions (and the CLI bodies are checked against the emulator
  in test_emulator_iam_events.py).

Documents without references (trust policies, `read`) are compared as planned.
(checkov runs on every example in test_checkov.py.)
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from compiler.pipeline import compile_spec

from .examples import SPECS, load_spec
from .terraform import planned_resources

pytestmark = pytest.mark.downstream

IAM_SPECS = [p for p in SPECS if {"iam", "schedules", "notifications"} & set(load_spec(p))]
DOCUMENT_ATTRIBUTES = ("policy", "assume_role_policy", "event_pattern")


@pytest.fixture(scope="module", params=IAM_SPECS, ids=[p.stem for p in IAM_SPECS])
def example(request, tmp_path_factory):
    spec_path: Path = request.param
    result = compile_spec(str(spec_path))
    assert result.files, "\n".join(map(str, result.errors))
    root = tmp_path_factory.mktemp(f"tf-{spec_path.stem}")
    for rel, text in result.files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return spec_path, load_spec(spec_path), root


def _arns(spec: dict) -> dict[str, str]:
    """Terraform reference -> the ARN (or ARN prefix) its resource gets, for the spec's account and Region."""
    from compiler.naming import tf_label

    region, account = spec["region"], spec["account"]
    out = {}
    for q in spec.get("jobQueues", []):
        out[f"aws_batch_job_queue.{tf_label(q['jobQueueName'])}.arn"] = \
            f"arn:aws:batch:{region}:{account}:job-queue/{q['jobQueueName']}"
    for d in spec.get("jobDefinitions", []):
        out[f"aws_batch_job_definition.{tf_label(d['jobDefinitionName'])}.arn_prefix"] = \
            f"arn:aws:batch:{region}:{account}:job-definition/{d['jobDefinitionName']}"
    for r in (spec.get("iam") or {}).get("roles", []):
        out[f"aws_iam_role.{tf_label(r['RoleName'])}.arn"] = \
            f"arn:aws:iam::{account}:role{r.get('Path', '/')}{r['RoleName']}"
    for p in (spec.get("iam") or {}).get("policies", []):
        out[f"aws_iam_policy.{tf_label(p['ManagedPolicyName'])}.arn"] = \
            f"arn:aws:iam::{account}:policy{p.get('Path', '/')}{p['ManagedPolicyName']}"
    for n in [*spec.get("schedules", []), *spec.get("notifications", [])]:
        out[f"aws_cloudwatch_event_rule.{tf_label(n['name'])}.arn"] = f"arn:aws:events:{region}:{account}:rule/{n['name']}"
    for n in spec.get("notifications", []):
        if not n["topic"].startswith("arn:"):
            out[f"aws_sns_topic.{tf_label(n['topic'])}.arn"] = f"arn:aws:sns:{region}:{account}:{n['topic']}"
    return out


def _with_known_arns(module: Path, arns: dict[str, str]) -> None:
    """Replace each reference by its ARN: inside "${...}" and as a bare expression."""
    for tf in module.glob("*.tf"):
        text = tf.read_text()
        for ref, arn in sorted(arns.items(), key=lambda kv: -len(kv[0])):
            text = text.replace("${" + ref + "}", arn)
            text = re.sub(rf"(?<![\w.\"]){re.escape(ref)}(?![\w.])", json.dumps(arn), text)
        tf.write_text(text)


def _cli_documents(root: Path) -> dict[str, dict]:
    """Terraform address -> the document the CLI body sends for the same thing."""
    from compiler.naming import tf_label

    cli = root / "cli"
    docs = {}
    for f in (cli / "iam" / "create-policy").glob("*.json"):
        body = json.loads(f.read_text())
        docs[f"aws_iam_policy.{tf_label(body['PolicyName'])}"] = json.loads(body["PolicyDocument"])
    for f in (cli / "iam" / "put-role-policy").glob("*.json"):
        body = json.loads(f.read_text())
        docs[(body["RoleName"], body["PolicyName"])] = json.loads(body["PolicyDocument"])
    for f in (cli / "sns" / "set-topic-attributes").glob("*.json"):
        body = json.loads(f.read_text())
        docs[f"aws_sns_topic_policy.{tf_label(body['TopicArn'].rsplit(':', 1)[-1])}"] = json.loads(body["AttributeValue"])
    for f in (cli / "events" / "put-rule").glob("*.json"):
        body = json.loads(f.read_text())
        if "EventPattern" in body:
            docs[f"aws_cloudwatch_event_rule.{tf_label(body['Name'])}"] = json.loads(body["EventPattern"])
    return docs


def test_terraform_validates(example, terraform):
    _, _, root = example
    result = terraform.validate(root / "terraform")
    assert result.valid, str(result)
    assert not result.warnings, str(result)


def test_references_are_exactly_the_named_resources(example, terraform):
    """The submit policies reference the spec's queue and job definition resources, nothing pasted."""
    _, spec, root = example
    plan = terraform.plan(root / "terraform")
    config = {r["address"]: r for r in plan["configuration"]["root_module"]["resources"]}
    from compiler.naming import tf_label

    jobs = {j["jobName"]: j for j in spec.get("jobs", [])}
    for policy in (spec.get("iam") or {}).get("policies", []):
        submits = [i["submit"] for i in policy.get("Access", []) if isinstance(i, dict) and "submit" in i]
        if not submits:
            continue
        refs = set(config[f"aws_iam_policy.{tf_label(policy['ManagedPolicyName'])}"]["expressions"]["policy"]["references"])
        want = set()
        for s in submits:
            queues = s.get("jobQueues", []) + [jobs[j]["jobQueue"] for j in s.get("jobs", [])]
            defs = s.get("jobDefinitions", []) + [jobs[j]["jobDefinition"] for j in s.get("jobs", [])]
            want |= {f"aws_batch_job_queue.{tf_label(q)}.arn" for q in queues}
            want |= {f"aws_batch_job_definition.{tf_label(d)}.arn_prefix" for d in defs}
        assert {r for r in refs if r.count(".") == 2 and not r.startswith("data.")} == want, policy["ManagedPolicyName"]


def test_planned_documents_decode_to_what_the_cli_sends(example, terraform, tmp_path):
    spec_path, spec, root = example
    module = tmp_path / "terraform"
    module.mkdir()
    for tf in (root / "terraform").glob("*.tf"):
        (module / tf.name).write_text(tf.read_text())
    _with_known_arns(module, _arns(spec))
    planned = planned_resources(terraform.plan(module))
    cli = _cli_documents(root)
    compared = 0
    for address, values in planned.items():
        for attribute in DOCUMENT_ATTRIBUTES:
            if not isinstance(values.get(attribute), str):
                continue
            doc = json.loads(values[attribute])
            key = address
            if address.startswith("aws_iam_role_policy."):
                key = (values["role"], values["name"])
            if key in cli:
                assert doc == cli[key], address
                compared += 1
            elif attribute == "assume_role_policy":
                body = json.loads((root / "cli" / "iam" / "create-role" / f"{values['name']}.json").read_text())
                assert doc == json.loads(body["AssumeRolePolicyDocument"]), address
                compared += 1
    assert compared >= len(cli), f"compared {compared} documents, the CLI has {len(cli)}"


def test_roles_of_the_spec_plan_with_their_trust_policies(example, terraform):
    """Trust policies have no references: the plan has them, decoded equal to the spec's (or batchgen's)."""
    _, spec, root = example
    planned = planned_resources(terraform.plan(root / "terraform"))
    from compiler.naming import tf_label

    for role in (spec.get("iam") or {}).get("roles", []):
        values = planned[f"aws_iam_role.{tf_label(role['RoleName'])}"]
        doc = json.loads(values["assume_role_policy"])
        if "AssumeRolePolicyDocument" in role:
            assert doc == role["AssumeRolePolicyDocument"]
        else:
            (statement,) = doc["Statement"]
            assert statement["Action"] == "sts:AssumeRole" and statement["Effect"] == "Allow"
        assert values["name"] == role["RoleName"]
        assert values.get("path") == role.get("Path")
