"""A job definition given as `name:revision` of a definition the spec doesn't define (the CLI's
`--job-definition my-def:28`) is a reference outside the spec, like an ARN (issue 14): no
XR-001, the form written where the API takes a name, and its ARN where a policy needs one,
in both outputs alike."""
from __future__ import annotations

import json

from .helpers import run, tree, write_spec

SPEC = """\
batchgen: 1
project: shared
region: us-east-1
jobDefinitions:
  - jobDefinitionName: local-cleanup
    containerProperties:
      image: public.ecr.aws/amazonlinux/amazonlinux:2023
      command: [/usr/bin/true]
      resourceRequirements:
        - {type: VCPU, value: "1"}
        - {type: MEMORY, value: "512"}
jobs:
  - jobName: nightly-import
    jobQueue: arn:aws:batch:us-east-1:111122223333:job-queue/shared
    jobDefinition: data-import:28
  - jobName: nightly-cleanup
    jobQueue: arn:aws:batch:us-east-1:111122223333:job-queue/shared
    jobDefinition: local-cleanup:2
schedules:
  - name: nightly
    job: nightly-import
    scheduleExpression: "cron(0 2 * * ? *)"
iam:
  policies:
    - ManagedPolicyName: submitters
      Access:
        - submit: {jobQueues: [arn:aws:batch:us-east-1:111122223333:job-queue/shared],
                   jobDefinitions: [other-def:3]}
"""

PREFIX = ("arn:${data.aws_partition.current.partition}:batch:${data.aws_region.current.region}:"
          "${data.aws_caller_identity.current.account_id}:job-definition/")


def test_name_revision_outside_the_spec_is_no_error(tmp_path):
    result = run("validate", write_spec(tmp_path, SPEC))
    assert result.code == 0 and result.stderr == ""


def test_a_misspelt_name_of_the_spec_is_still_an_error(tmp_path):
    result = run("validate", write_spec(tmp_path, SPEC.replace("jobDefinition: local-cleanup:2",
                                                               "jobDefinition: local-clenup")))
    assert result.code == 1
    assert "error[XR-001]: jobDefinition 'local-clenup' names no job definition of this spec " \
           "(did you mean 'local-cleanup'?)" in result.stderr


def test_outside_definition_is_written_as_given_and_as_an_arn_in_policies(tmp_path):
    out = tmp_path / "out"
    assert run("compile", write_spec(tmp_path, SPEC), "-o", out).code == 0
    files = {k: v.decode() for k, v in tree(out).items()}
    # where the API takes a name: as written, in both outputs
    assert json.loads(files["cli/batch/submit-job/nightly-import.json"])["jobDefinition"] == "data-import:28"
    assert json.loads(files["cli/events/put-targets/nightly.json"])["Targets"][0]["BatchParameters"][
        "JobDefinition"] == "data-import:28"
    assert 'job_definition = "data-import:28"' in files["terraform/events.tf"]
    # a pinned revision of the spec's own definition stays a reference to it
    assert json.loads(files["cli/batch/submit-job/nightly-cleanup.json"])["jobDefinition"] == "local-cleanup:2"
    # in a policy: the ARN, from the provider's partition, Region and account / deploy.sh's
    for name in ("data-import:28", "other-def:3"):
        assert f'"{PREFIX}{name}"' in files["terraform/iam.tf"]
        assert f"arn:aws:batch:us-east-1:@@ACCOUNT_ID@@:job-definition/{name}" in "".join(
            files[f] for f in files if f.startswith("cli/iam/"))
    assert 'data "aws_caller_identity" "current"' in files["terraform/iam.tf"]
    assert "aws_batch_job_definition.data_import" not in "".join(files.values())
