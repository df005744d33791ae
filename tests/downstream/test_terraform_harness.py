"""The Terraform harness catches what Terraform catches, with its own words.

Each negative case is a module a compiler could plausibly emit by mistake;
the assertions quote Terraform core's messages, produced by checking the
module against the real hashicorp/aws 6.47.0 schema served by the stand-in
plugin. The positive case plans a small Batch setup and reads the planned
values back, as tests of batchgen's output will.
"""

from __future__ import annotations

import json
import textwrap
import time

import pytest

from .terraform import TerraformError, planned_resources

pytestmark = pytest.mark.downstream

PROVIDER = """
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.0"
    }
  }
}

provider "aws" {
  region = "eu-west-1"

  default_tags {
    tags = {
      Project = "batchgen"
    }
  }
}
"""

COMPUTE_ENVIRONMENT = """
resource "aws_batch_compute_environment" "cpu" {
  name = "batchgen-cpu"
  type = "MANAGED"

  compute_resources {
    type               = "FARGATE"
    max_vcpus          = 16
    subnets            = ["subnet-0123456789abcdef0"]
    security_group_ids = ["sg-0123456789abcdef0"]
  }
}
"""

JOB_QUEUE = """
resource "aws_batch_job_queue" "main" {
  name     = "batchgen-main"
  state    = "ENABLED"
  priority = 10

  compute_environment_order {
    order               = 1
    compute_environment = aws_batch_compute_environment.cpu.arn
  }
}
"""

CONTAINER = {
    "image": "public.ecr.aws/docker/library/busybox:1.36",
    "command": ["echo", "hello"],
    "resourceRequirements": [
        {"type": "VCPU", "value": "0.25"},
        {"type": "MEMORY", "value": "512"},
    ],
    "environment": [{"name": "STAGE", "value": "test"}],
    "fargatePlatformConfiguration": {"platformVersion": "LATEST"},
}

JOB_DEFINITION = """
resource "aws_batch_job_definition" "hello" {
  name                  = "batchgen-hello"
  type                  = "container"
  platform_capabilities = ["FARGATE"]

  container_properties = jsonencode({
    image   = "public.ecr.aws/docker/library/busybox:1.36"
    command = ["echo", "hello"]
    resourceRequirements = [
      { type = "VCPU", value = "0.25" },
      { type = "MEMORY", value = "512" },
    ]
    environment                  = [{ name = "STAGE", value = "test" }]
    fargatePlatformConfiguration = { platformVersion = "LATEST" }
  })

  retry_strategy {
    attempts = 3
  }

  timeout {
    attempt_duration_seconds = 600
  }

  tags = {
    Job = "hello"
  }
}
"""

VALID_MODULE = PROVIDER + COMPUTE_ENVIRONMENT + JOB_QUEUE + JOB_DEFINITION


def write_module(directory, text: str):
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "main.tf").write_text(textwrap.dedent(text).lstrip())
    return directory


def only_error(result):
    assert not result.valid, f"Terraform accepted the module:\n{result}"
    assert len(result.errors) == 1, str(result)
    return result.errors[0]


# -- fmt -----------------------------------------------------------------------

def test_fmt_check_passes_canonical_hcl(terraform, tmp_path):
    ok, diff = terraform.fmt_check(write_module(tmp_path / "m", VALID_MODULE))
    assert ok, diff
    assert diff == ""


def test_fmt_check_fails_badly_formatted_hcl_with_a_diff(terraform, tmp_path):
    module = write_module(tmp_path / "m", """
        resource "aws_batch_job_queue" "main" {
        name = "batchgen-main"
          state    =   "ENABLED"
        }
        """)
    ok, diff = terraform.fmt_check(module)
    assert not ok
    assert "main.tf" in diff
    assert '-  state    =   "ENABLED"' in diff
    assert '+  state = "ENABLED"' in diff


def test_fmt_check_reports_a_syntax_error(terraform, tmp_path):
    module = write_module(tmp_path / "m", 'resource "aws_batch_job_queue" "main" {\n  name = \n}\n')
    ok, text = terraform.fmt_check(module)
    assert not ok
    assert "Invalid expression" in text


# -- validate: what Terraform core rejects --------------------------------------

def test_misspelled_argument(terraform, tmp_path):
    module = write_module(tmp_path / "m", PROVIDER + COMPUTE_ENVIRONMENT
                          + JOB_QUEUE.replace("priority = 10", "priorty = 10"))
    result = terraform.validate(module)
    # The misspelling also leaves the required "priority" undefined.
    summaries = sorted(d.summary for d in result.errors)
    assert summaries == ["Missing required argument", "Unsupported argument"], str(result)
    unsupported = next(d for d in result.errors if d.summary == "Unsupported argument")
    assert unsupported.detail == 'An argument named "priorty" is not expected here. Did you mean "priority"?'
    assert unsupported.filename == "main.tf"
    lines = (module / "main.tf").read_text().splitlines()
    assert "priorty" in lines[unsupported.line - 1]


def test_missing_required_argument(terraform, tmp_path):
    module = write_module(tmp_path / "m", PROVIDER + COMPUTE_ENVIRONMENT
                          + JOB_QUEUE.replace("  priority = 10\n", ""))
    error = only_error(terraform.validate(module))
    assert error.summary == "Missing required argument"
    assert error.detail == 'The argument "priority" is required, but no definition was found.'


def test_block_written_as_an_attribute(terraform, tmp_path):
    module = write_module(tmp_path / "m", PROVIDER
                          + COMPUTE_ENVIRONMENT.replace("compute_resources {", "compute_resources = {"))
    error = only_error(terraform.validate(module))
    assert error.summary == "Unsupported argument"
    assert error.detail == ('An argument named "compute_resources" is not expected here. '
                            'Did you mean to define a block of type "compute_resources"?')


def test_too_many_blocks(terraform, tmp_path):
    module = write_module(tmp_path / "m", PROVIDER + JOB_DEFINITION.replace(
        "retry_strategy {\n    attempts = 3\n  }",
        "retry_strategy {\n    attempts = 3\n  }\n\n  retry_strategy {\n    attempts = 2\n  }"))
    error = only_error(terraform.validate(module))
    assert error.summary == "Too many retry_strategy blocks"
    assert error.detail == 'No more than 1 "retry_strategy" blocks are allowed'


def test_wrong_attribute_type(terraform, tmp_path):
    module = write_module(tmp_path / "m", PROVIDER + COMPUTE_ENVIRONMENT
                          + JOB_QUEUE.replace("priority = 10", 'priority = "high"'))
    error = only_error(terraform.validate(module))
    assert error.summary == "Incorrect attribute value type"
    assert 'Inappropriate value for attribute "priority": a number is required.' in error.detail


def test_unknown_provider_argument(terraform, tmp_path):
    module = write_module(tmp_path / "m", PROVIDER.replace('region = "eu-west-1"', 'regoin = "eu-west-1"')
                          + COMPUTE_ENVIRONMENT)
    error = only_error(terraform.validate(module))
    assert error.detail == 'An argument named "regoin" is not expected here. Did you mean "region"?'


def test_unknown_resource_type(terraform, tmp_path):
    module = write_module(tmp_path / "m", PROVIDER
                          + COMPUTE_ENVIRONMENT.replace("aws_batch_compute_environment", "aws_batch_compute_env"))
    error = only_error(terraform.validate(module))
    assert error.summary == "Invalid resource type"
    assert 'The provider hashicorp/aws does not support resource type "aws_batch_compute_env".' in error.detail


# -- validate + plan: a small valid module -----------------------------------------

def test_valid_module_validates_without_diagnostics(terraform, tmp_path):
    result = terraform.validate(write_module(tmp_path / "m", VALID_MODULE))
    assert result.valid, str(result)
    assert result.diagnostics == []


def test_valid_module_plans_and_returns_planned_values(terraform, tmp_path):
    module = write_module(tmp_path / "m", VALID_MODULE)
    plan = terraform.plan(module)
    values = planned_resources(plan)
    assert set(values) == {
        "aws_batch_compute_environment.cpu",
        "aws_batch_job_queue.main",
        "aws_batch_job_definition.hello",
    }

    job = values["aws_batch_job_definition.hello"]
    assert json.loads(job["container_properties"]) == CONTAINER
    assert job["retry_strategy"] == [{"attempts": 3, "evaluate_on_exit": []}]
    assert job["timeout"] == [{"attempt_duration_seconds": 600}]
    assert job["platform_capabilities"] == ["FARGATE"]
    # Like the real provider: default_tags merged into tags_all, region from the provider.
    assert job["tags_all"] == {"Project": "batchgen", "Job": "hello"}
    assert job["region"] == "eu-west-1"

    ce = values["aws_batch_compute_environment.cpu"]
    assert ce["compute_resources"][0]["max_vcpus"] == 16
    assert ce["compute_resources"][0]["subnets"] == ["subnet-0123456789abcdef0"]

    queue = values["aws_batch_job_queue.main"]
    assert queue["priority"] == 10
    assert queue["compute_environment_order"] == [{"order": 1}]  # the ARN is not known yet

    changes = {c["address"]: c["change"] for c in plan["resource_changes"]}
    assert all(c["actions"] == ["create"] for c in changes.values())
    queue_unknown = changes["aws_batch_job_queue.main"]["after_unknown"]
    assert queue_unknown["compute_environment_order"] == [{"compute_environment": True}]
    assert queue_unknown["arn"] is True
    # The reference itself is kept in the plan's configuration section.
    queue_config = next(r for r in plan["configuration"]["root_module"]["resources"]
                        if r["address"] == "aws_batch_job_queue.main")
    order = queue_config["expressions"]["compute_environment_order"][0]
    assert order["compute_environment"]["references"][0] == "aws_batch_compute_environment.cpu.arn"


def test_plan_leaves_module_directory_untouched(terraform, tmp_path):
    module = write_module(tmp_path / "m", VALID_MODULE)
    before = sorted(p.name for p in module.iterdir())
    terraform.validate(module)
    terraform.plan(module)
    assert sorted(p.name for p in module.iterdir()) == before == ["main.tf"]


def test_plan_reads_data_sources(terraform, tmp_path):
    module = write_module(tmp_path / "m", PROVIDER + """
        data "aws_caller_identity" "current" {}
        data "aws_partition" "current" {}
        data "aws_region" "current" {}

        data "aws_iam_policy_document" "assume" {
          statement {
            actions = ["sts:AssumeRole"]
            principals {
              type        = "Service"
              identifiers = ["batch.amazonaws.com"]
            }
          }
        }

        resource "aws_iam_role" "service" {
          name               = "batchgen-service"
          assume_role_policy = data.aws_iam_policy_document.assume.json
        }

        output "where" {
          value = "arn:${data.aws_partition.current.partition}:batch:${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}"
        }
        """)
    plan = terraform.plan(module)
    assert plan["planned_values"]["outputs"]["where"]["value"] == "arn:aws:batch:eu-west-1:123456789012"
    role = planned_resources(plan)["aws_iam_role.service"]
    assert json.loads(role["assume_role_policy"]) == {
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Action": "sts:AssumeRole",
            "Principal": {"Service": "batch.amazonaws.com"},
        }],
    }


def test_plan_failure_raises_with_terraforms_message(terraform, tmp_path):
    module = write_module(tmp_path / "m", PROVIDER + JOB_QUEUE)  # no compute environment
    with pytest.raises(TerraformError) as excinfo:
        terraform.plan(module)
    message = str(excinfo.value)
    assert "Reference to undeclared resource" in message
    assert ('A managed resource "aws_batch_compute_environment" "cpu" has not been declared '
            'in the root module.') in message
    assert excinfo.value.returncode == 1
    assert [d.summary for d in excinfo.value.diagnostics] == ["Reference to undeclared resource"]


def test_plan_takes_variables(terraform, tmp_path):
    module = write_module(tmp_path / "m", PROVIDER + """
        variable "queue_priority" {
          type = number
        }

        resource "aws_batch_job_queue" "main" {
          name     = "batchgen-main"
          state    = "ENABLED"
          priority = var.queue_priority
        }
        """)
    plan = terraform.plan(module, variables={"queue_priority": 7})
    assert planned_resources(plan)["aws_batch_job_queue.main"]["priority"] == 7


def test_no_plugin_process_outlives_a_command(terraform, tmp_path):
    terraform.plan(write_module(tmp_path / "m", VALID_MODULE))
    deadline = time.monotonic() + 5
    while terraform.plugin_processes() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert terraform.plugin_processes() == []


# -- hashicorp/awscc: the same checks on nested attributes ------------------------------

AWSCC_MODULE = """\
terraform {
  required_providers {
    awscc = {
      source = "hashicorp/awscc"
    }
  }
}

provider "awscc" {
  region = "eu-west-1"
}

resource "awscc_batch_compute_environment" "own" {
  compute_environment_name = "own"
  type                     = "MANAGED"

  compute_resources = {
    type      = "EC2"
    maxv_cpus = 16
    subnets   = ["subnet-0a1b2c3d"]
    ec_2_configuration = [
      {
        image_type = "ECS_AL2023"
      },
    ]
  }
}

resource "awscc_batch_job_queue" "q" {
  priority = 1

  compute_environment_order = [
    {
      order               = 1
      compute_environment = awscc_batch_compute_environment.own.compute_environment_arn
    },
  ]
}
"""


def test_awscc_module_validates_and_plans(terraform, tmp_path):
    module = write_module(tmp_path / "m", AWSCC_MODULE)
    result = terraform.validate(module)
    assert result.valid and result.diagnostics == [], str(result)
    plan = terraform.plan(module)
    planned = {r["address"]: r["values"] for r in plan["planned_values"]["root_module"]["resources"]}
    ce = planned["awscc_batch_compute_environment.own"]
    assert ce["compute_resources"]["maxv_cpus"] == 16
    assert ce["compute_resources"]["ec_2_configuration"] == [
        {"image_type": "ECS_AL2023", "image_id_override": None, "image_kubernetes_version": None,
         "batch_image_status": None}]
    changes = {c["address"]: c for c in plan["resource_changes"]}
    assert changes["awscc_batch_job_queue.q"]["provider_name"] == "registry.terraform.io/hashicorp/awscc"
    assert changes["awscc_batch_job_queue.q"]["change"]["after_unknown"]["compute_environment_order"] == [
        {"compute_environment": True}]


def test_awscc_misspelled_nested_argument_is_dropped_not_reported(terraform, tmp_path):
    """What validate can't see: Terraform converts a nested attribute's object to the schema's
    object type and drops attributes the type lacks, without a diagnostic. A misspelled argument
    inside an awscc object is lost silently; the plan shows it (test_terraform_awscc.py compares
    every planned awscc value with the CLI body, which catches exactly this)."""
    module = write_module(tmp_path / "m", AWSCC_MODULE.replace("maxv_cpus = 16", "max_vcpus = 16"))
    result = terraform.validate(module)
    assert result.valid and result.diagnostics == [], str(result)
    plan = terraform.plan(module)
    planned = {r["address"]: r["values"] for r in plan["planned_values"]["root_module"]["resources"]}
    resources = planned["awscc_batch_compute_environment.own"]["compute_resources"]
    assert resources["maxv_cpus"] is None and "max_vcpus" not in resources


def test_awscc_nested_attribute_written_as_a_block(terraform, tmp_path):
    module = write_module(tmp_path / "m", AWSCC_MODULE.replace("compute_resources = {", "compute_resources {"))
    error = only_error(terraform.validate(module))
    assert error.summary == "Unsupported block type"
    assert error.detail == ('Blocks of type "compute_resources" are not expected here. '
                            'Did you mean to define argument "compute_resources"? If so, use the equals sign to '
                            'assign it a value.')


def test_awscc_provider_has_no_default_tags(terraform, tmp_path):
    module = write_module(tmp_path / "m", AWSCC_MODULE.replace(
        'region = "eu-west-1"\n}', 'region = "eu-west-1"\n\n  default_tags {\n    tags = {}\n  }\n}'))
    error = only_error(terraform.validate(module))
    assert error.summary == "Unsupported block type"
    assert 'Blocks of type "default_tags" are not expected here.' in error.detail
