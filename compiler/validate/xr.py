"""Cross-resource rules (XR-*) other than reference integrity and unique names (refs.py).

Each rule follows a `jobs` entry to its job definition and queue (validate/targets.py), or
measures what batchgen writes (XR-011, XR-012). Knows no YAML positions and no wording
(compiler/data/catalog/xr.yaml has it).
"""
from __future__ import annotations

from ..catalog import Constraint
from .context import Context, rule
from .shapes import is_fargate, node_ranges


@rule("XR-015")
def roles_for_definition_features(ctx: Context, roles: Constraint):
    """Private-registry credentials need an executionRoleArn; Fargate secrets and awslogs-create-group need more than the generated execution role grants."""
    for ptr, jd in ctx.entries("jobDefinitions"):
        fargate = is_fargate(jd)
        containers = [(ptr / "containerProperties", jd.get("containerProperties"))]
        containers += [(rptr / "container", r.get("container")) for rptr, r in node_ranges(ptr, jd)]
        for at, c in containers:
            if not isinstance(c, dict) or "executionRoleArn" in c:
                continue  # an explicit role: its policies are the IAM rules' business
            name = jd.get("jobDefinitionName")
            if "repositoryCredentials" in c and not fargate:
                yield roles.at(at / "repositoryCredentials", at_key=True, jd=name)
            if not fargate:
                continue  # on EC2 without an execution role the agent uses the instance role
            needs = [k for k in ("secrets", "repositoryCredentials") if c.get(k)]
            log = c.get("logConfiguration") if isinstance(c.get("logConfiguration"), dict) else {}
            if log.get("secretOptions"):
                needs.append("logConfiguration.secretOptions")
            if needs:
                yield roles.at(at / needs[0].split(".")[0], at_key=True, jd=name, features=", ".join(needs),
                              variant="generated")
            options = log.get("options") if isinstance(log.get("options"), dict) else {}
            if log.get("logDriver") == "awslogs" and str(options.get("awslogs-create-group")).lower() == "true":
                yield roles.at(at / "logConfiguration" / "options" / "awslogs-create-group", jd=name,
                              variant="create_group")
