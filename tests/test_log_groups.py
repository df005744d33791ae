"""`logGroups` (issue 14): the log groups a container's awslogs-group names, created by batchgen
with a retention, in both outputs; JDV-014 warns about a group nothing creates and says so."""
from __future__ import annotations

import json

from .helpers import run, tree, write_spec

KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
SPEC = f"""\
batchgen: 1
project: billing
region: us-east-1
tags: {{team: finance}}
logGroups:
  - {{name: /billing/batch, retentionInDays: 365, kmsKeyId: "{KEY}"}}
jobDefinitions:
  - jobDefinitionName: invoice
    platformCapabilities: [FARGATE]
    containerProperties:
      image: public.ecr.aws/amazonlinux/amazonlinux:2023
      command: [echo, hi]
      resourceRequirements: [{{type: VCPU, value: "0.25"}}, {{type: MEMORY, value: "512"}}]
      logConfiguration:
        logDriver: awslogs
        options: {{awslogs-group: /billing/batch, awslogs-region: us-east-1, awslogs-stream-prefix: invoice}}
"""


def test_a_created_group_gets_no_warning_and_is_written_in_both_outputs(tmp_path):
    out = tmp_path / "out"
    result = run("compile", write_spec(tmp_path, SPEC), "-o", out)
    assert result.code == 0 and result.stderr == "", result.stderr
    files = {k: v.decode() for k, v in tree(out).items()}
    tf = files["terraform/logs.tf"]
    assert 'resource "aws_cloudwatch_log_group" "billing_batch" {' in tf
    assert 'name              = "/billing/batch"' in tf and "retention_in_days = 365" in tf
    assert f'kms_key_id        = "{KEY}"' in tf
    create = json.loads(files["cli/logs/create-log-group/billing_batch.json"])
    assert create == {"logGroupName": "/billing/batch", "kmsKeyId": KEY,
                      "tags": {"team": "finance", "Project": "billing"}}
    retention = json.loads(files["cli/logs/put-retention-policy/billing_batch.json"])
    assert retention == {"logGroupName": "/billing/batch", "retentionInDays": 365}
    deploy = files["cli/deploy.sh"]
    # after the roles, before the job definitions whose containers write to it
    assert deploy.index("create-role/billing-batch-execution") < deploy.index("logs/create-log-group/billing_batch") \
        < deploy.index("logs/put-retention-policy/billing_batch") < deploy.index("register-job-definition/invoice")


def test_a_group_nothing_creates_is_a_warning_that_offers_logGroups(tmp_path):
    spec = SPEC.split("logGroups:")[0] + "jobDefinitions:" + SPEC.split("jobDefinitions:")[1]
    result = run("validate", write_spec(tmp_path, spec))
    assert result.code == 0
    assert "warning[JDV-014]: jobDefinitions[0].containerProperties.logConfiguration.options.awslogs-group is " \
           "'/billing/batch', a log group nothing in this spec creates" in result.stderr
    assert "add it to logGroups" in result.stderr
    created = spec.replace("awslogs-stream-prefix: invoice}", "awslogs-stream-prefix: invoice, "
                                                               "awslogs-create-group: \"true\"}")
    assert "[JDV-014]" not in run("validate", write_spec(tmp_path, created)).stderr
    default = spec.replace("awslogs-group: /billing/batch", "awslogs-group: /aws/batch/job")
    assert "[JDV-014]" not in run("validate", write_spec(tmp_path, default)).stderr


def test_an_environment_changes_a_group_by_name(tmp_path):
    spec = SPEC + "environments:\n  dev:\n    logGroups:\n      - {name: /billing/batch, retentionInDays: 7}\n  prod: {}\n"
    result = run("compile", write_spec(tmp_path, spec), "--env", "dev", "-o", tmp_path / "dev")
    assert result.code == 0
    assert "warning[BG-162]: logGroups[0].retentionInDays is 7 days" in result.stderr
    assert "retention_in_days = 7" in (tmp_path / "dev" / "terraform" / "logs.tf").read_text()
