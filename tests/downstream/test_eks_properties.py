"""An EKS job definition becomes the provider's eks_properties block tree, and Terraform accepts it."""
from __future__ import annotations

import pytest

from compiler.pipeline import compile_spec

from ..helpers import write_spec
from .terraform import planned_resources

pytestmark = pytest.mark.downstream

SPEC = """\
batchgen: 1
project: eks-demo
region: us-east-1
jobDefinitions:
  - jobDefinitionName: eks-job
    type: container
    eksProperties:
      podProperties:
        serviceAccountName: batch-runner
        hostNetwork: false
        metadata:
          labels: {app: report}
        containers:
          - name: main
            image: public.ecr.aws/docker/library/busybox:latest
            command: [sh, -c]
            args: ["echo hello"]
            env:
              - {name: MODE, value: fast}
            resources:
              limits: {cpu: "1", memory: 2048Mi}
              requests: {cpu: "1", memory: 2048Mi}
            securityContext:
              runAsUser: 1000
              readOnlyRootFilesystem: true
            volumeMounts:
              - {name: scratch, mountPath: /scratch}
        volumes:
          - name: scratch
            emptyDir: {sizeLimit: 1Gi}
"""


def test_eks_job_definition_validates_and_plans(tmp_path, terraform):
    result = compile_spec(str(write_spec(tmp_path, SPEC)))
    assert not result.errors, result.errors
    module = tmp_path / "module"
    for rel, text in result.files.items():
        if rel.startswith("terraform/"):
            (module / rel.split("/", 1)[1]).parent.mkdir(parents=True, exist_ok=True)
            (module / rel.split("/", 1)[1]).write_text(text)
    validation = terraform.validate(module)
    assert validation.valid, validation.diagnostics
    values = planned_resources(terraform.plan(module))["aws_batch_job_definition.eks_job"]
    pod = values["eks_properties"][0]["pod_properties"][0]
    assert pod["service_account_name"] == "batch-runner"
    assert pod["metadata"][0]["labels"] == {"app": "report"}
    container = pod["containers"][0]
    assert container["args"] == ["echo hello"] and container["command"] == ["sh", "-c"]
    assert container["env"] == [{"name": "MODE", "value": "fast"}]
    assert container["resources"][0]["limits"] == {"cpu": "1", "memory": "2048Mi"}
    assert container["security_context"][0]["run_as_user"] == 1000
    assert container["volume_mounts"][0]["mount_path"] == "/scratch"
    assert pod["volumes"][0]["empty_dir"][0]["size_limit"] == "1Gi"
