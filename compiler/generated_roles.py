"""The IAM roles batchgen generates where the spec leaves a role out (SPEC.md "Defaults batchgen
fills in"): what each one is, when a spec needs it, and its name.

Resolve writes exactly the roles `needed` names; validation reads the same answer, so a name
is reserved (BG-113) and a missing `project` matters (BG-160) only for roles this spec writes.
Reads spec entries defensively (a value of the wrong type needs no role); knows no YAML
positions and no output format.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .language import section_items
from .naming import generated_role_name

EC2_TYPES = ("EC2", "SPOT")


@dataclass(frozen=True)
class GeneratedRole:
    key: str
    suffix: str  # the name is "<project>-<suffix>" (naming.generated_role_name)
    label: str  # its Terraform label
    purpose: str  # one line, written as a comment above the role
    service: str  # the service principal that assumes it
    policy: str  # the AWS managed policy it carries, under arn:<partition>:iam::aws:policy/
    instance_profile: bool = False

    def name(self, project: str | None) -> str:
        return generated_role_name(project, self.suffix)


GENERATED: dict[str, GeneratedRole] = {r.key: r for r in (
    GeneratedRole("instance", "batch-instance", "batch_instance",
                  "ECS container instance role for EC2/SPOT compute environments without instanceRole",
                  "ec2.amazonaws.com", "service-role/AmazonEC2ContainerServiceforEC2Role", True),
    GeneratedRole("service", "batch-service", "batch_service",
                  "AWS Batch service role for UNMANAGED compute environments without serviceRole (CE-005)",
                  "batch.amazonaws.com", "service-role/AWSBatchServiceRole"),
    GeneratedRole("spot_fleet", "batch-spot-fleet", "batch_spot_fleet",
                  "Spot Fleet role for SPOT BEST_FIT compute environments without spotIamFleetRole (CE-024)",
                  "spotfleet.amazonaws.com", "service-role/AmazonEC2SpotFleetTaggingRole"),
    GeneratedRole("execution", "batch-execution", "batch_execution",
                  "ECS task execution role for Fargate job definitions without executionRoleArn (JDF-005)",
                  "ecs-tasks.amazonaws.com", "service-role/AmazonECSTaskExecutionRolePolicy"),
)}


def compute_environment_needs(ce: Any) -> list[str]:
    """The generated roles (keys) a compute environment entry takes a default from."""
    if not isinstance(ce, dict):
        return []
    cr = ce.get("computeResources") if isinstance(ce.get("computeResources"), dict) else {}
    out = []
    if ce.get("type") == "UNMANAGED" and "serviceRole" not in ce:
        out.append("service")
    if cr.get("type") in EC2_TYPES and "instanceRole" not in cr:
        out.append("instance")
    if cr.get("type") == "SPOT" and cr.get("allocationStrategy", "BEST_FIT") == "BEST_FIT" \
            and "spotIamFleetRole" not in cr:
        out.append("spot_fleet")
    return out


def job_definition_needs(jd: Any) -> list[str]:
    """The generated roles (keys) a job definition entry takes a default from."""
    if not isinstance(jd, dict):
        return []
    caps = jd.get("platformCapabilities")
    cp = jd.get("containerProperties")
    fargate = isinstance(caps, list) and "FARGATE" in caps
    return ["execution"] if fargate and isinstance(cp, dict) and "executionRoleArn" not in cp else []


def needed(spec: Any) -> list[GeneratedRole]:
    """The roles batchgen generates for `spec`, in GENERATED's order."""
    keys: set[str] = set()
    for ce in section_items(spec, "computeEnvironments") or []:
        keys.update(compute_environment_needs(ce))
    for jd in section_items(spec, "jobDefinitions") or []:
        keys.update(job_definition_needs(jd))
    return [r for k, r in GENERATED.items() if k in keys]
