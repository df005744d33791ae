"""The spec's `terraform:` settings and the user's own files, through real Terraform core.

A GitOps team applies a root module with remote state, pinned versions and a provider
that may only touch the spec's account: `terraform validate` (against the real provider
schema, served by the stand-in plugin) and `terraform fmt` accept what batchgen writes,
and Terraform reads a user's `*.local.tf` beside the generated files.
"""
from __future__ import annotations

import textwrap
from pathlib import Path

import hcl2
import pytest

from compiler.cli import main as batchgen

pytestmark = pytest.mark.downstream

SPEC = """\
batchgen: 1
project: etl
region: eu-west-1
account: "123456789012"
terraform:
  requiredVersion: ">= 1.5.0, < 2.0.0"
  providerVersion: "~> 6.47"
  backend:
    s3:
      bucket: acme-terraform-state
      key: batch/etl/prod.tfstate
      region: eu-west-1
      use_lockfile: true
      encrypt: true
  assumeRole: {roleArn: "arn:aws:iam::123456789012:role/terraform-deploy", sessionName: batchgen, duration: 1h}
computeEnvironments:
  - computeEnvironmentName: etl-ec2
    type: MANAGED
    computeResources: {type: EC2, maxvCpus: 64, instanceTypes: [m5], subnets: [subnet-0a1b2c3d], securityGroupIds: [sg-0a1b2c3d]}
jobQueues:
  - {jobQueueName: etl, priority: 1, computeEnvironmentOrder: [{order: 1, computeEnvironment: etl-ec2}]}
"""


@pytest.fixture(scope="module")
def module(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("settings")
    (root / "etl.yaml").write_text(SPEC)
    assert batchgen(["compile", str(root / "etl.yaml"), "-o", str(root / "out")]) == 0
    return root / "out" / "terraform"


def _hcl(path: Path) -> dict:
    from hcl2 import SerializationOptions

    return hcl2.loads(path.read_text(), serialization_options=SerializationOptions(
        strip_string_quotes=True, explicit_blocks=False, preserve_heredocs=False))


def test_backend_versions_and_provider_say_what_the_spec_says(module):
    backend = _hcl(module / "backend.tf")["terraform"][0]["backend"][0]["s3"]
    assert backend == {"bucket": "acme-terraform-state", "key": "batch/etl/prod.tfstate", "region": "eu-west-1",
                       "use_lockfile": True, "encrypt": True}
    versions = _hcl(module / "versions.tf")["terraform"][0]
    assert versions["required_version"] == ">= 1.5.0, < 2.0.0"
    assert versions["required_providers"][0]["aws"]["version"] == "~> 6.47"
    provider = _hcl(module / "providers.tf")["provider"][0]["aws"]
    assert provider["allowed_account_ids"] == ["123456789012"]  # from `account`, by default
    assert provider["assume_role"][0] == {"role_arn": "arn:aws:iam::123456789012:role/terraform-deploy",
                                          "session_name": "batchgen", "duration": "1h"}


def test_a_module_with_a_backend_validates_and_is_fmt_canonical(terraform, module):
    result = terraform.validate(module)
    assert result.valid, str(result)
    ok, diff = terraform.fmt_check(module)
    assert ok, diff


def test_terraform_reads_the_users_local_file_beside_the_generated_ones(terraform, module, tmp_path):
    """A `*.local.tf` is part of the module: here an output naming a generated queue validates,
    and one naming a resource that doesn't exist fails, so Terraform did read it."""
    import shutil

    work = tmp_path / "terraform"
    shutil.copytree(module, work)
    (work / "team.local.tf").write_text(textwrap.dedent("""\
        output "etl_queue" {
          value = aws_batch_job_queue.etl.arn
        }
        """))
    assert terraform.validate(work).valid
    (work / "team.local.tf").write_text('output "x" {\n  value = aws_batch_job_queue.nope.arn\n}\n')
    result = terraform.validate(work)
    assert not result.valid and '"aws_batch_job_queue" "nope"' in str(result)
