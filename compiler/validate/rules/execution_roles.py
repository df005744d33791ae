"""Secrets, private registries and Fargate tasks have an execution role, and secrets are named right; not its policies.

The policies of a role the spec defines are the IAM topics' (iam_roles, iam_policies); an
explicit executionRoleArn given by ARN is outside the spec.
"""
from __future__ import annotations

import re

from ...catalog import Constraint
from ...job_shapes import container_properties, containers, dicts, ecs_tasks, is_fargate, lists_fargate
from ...language import is_arn
from ..context import Context, rule


@rule("JDF-005")
def fargate_ecs_tasks_have_an_execution_role(ctx: Context, c: Constraint):
    """Fargate ecsProperties task properties name an execution role (batchgen generates one only for containerProperties)."""
    for ptr, jd in ctx.entries("jobDefinitions"):
        if not lists_fargate(jd):
            continue
        for tptr, task in ecs_tasks(ptr, jd):
            if "executionRoleArn" not in task:
                yield c.at(tptr, where=tptr.dotted())


@rule("JDV-017")
def secrets_need_an_execution_role(ctx: Context, needs_role: Constraint):
    """Containers with secrets or log secretOptions have an executionRoleArn (on Fargate batchgen generates one)."""
    for ptr, jd in ctx.entries("jobDefinitions"):
        if lists_fargate(jd):
            continue
        for c in containers(ptr, jd):
            if c.scope.get("executionRoleArn"):
                continue
            lc = c.body.get("logConfiguration")
            for at, present in ((c.ptr / "secrets", c.body.get("secrets")),
                                (c.ptr / "logConfiguration" / "secretOptions",
                                 lc.get("secretOptions") if isinstance(lc, dict) else None)):
                if present:
                    yield needs_role.at(at, at_key=True, where=at.dotted(), scope=c.scope_ptr.dotted())


@rule("XR-015")
def roles_for_definition_features(ctx: Context, roles: Constraint):
    """Private-registry credentials need an executionRoleArn; Fargate secrets and awslogs-create-group need more than the generated execution role grants."""
    for ptr, jd in ctx.entries("jobDefinitions"):
        fargate = is_fargate(jd)
        for at, c, *_ in container_properties(ptr, jd):
            if "executionRoleArn" in c:
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


@rule("JDC-013")
def repository_credentials_are_a_secret(ctx: Context, secret_arn: Constraint):
    """repositoryCredentials.credentialsParameter given as an ARN is a Secrets Manager ARN."""
    service = secret_arn.limits["service"]
    for ptr, jd in ctx.entries("jobDefinitions"):
        for cptr, c, *_ in containers(ptr, jd):
            creds = c.get("repositoryCredentials")
            value = creds.get("credentialsParameter") if isinstance(creds, dict) else None
            if isinstance(value, str) and is_arn(value) and value.split(":")[2:3] != [service]:
                vptr = cptr / "repositoryCredentials" / "credentialsParameter"
                yield secret_arn.at(vptr, where=vptr.dotted(), found=value)


_SSM_NAME = re.compile(r"^[A-Za-z0-9_.\-/]+\Z")
_ARN_HEAD = re.compile(r"^arn:aws[a-z-]*:([a-z0-9-]+):")


def _value_from_problem(value: str) -> str | None:
    """Why `value` is no Secrets Manager ARN, SSM parameter ARN or SSM parameter name; None when it is one."""
    if value.startswith("arn:"):
        m = _ARN_HEAD.match(value)
        service = m.group(1) if m else None
        parts = value.split(":")
        if service == "secretsmanager":
            if len(parts) < 7 or parts[5] != "secret" or not parts[6] or not parts[3] or not parts[4]:
                return "a Secrets Manager valueFrom is arn:aws:secretsmanager:region:account:secret:name"
            if len(parts) not in (7, 10):
                return ("after the secret name, a Secrets Manager valueFrom takes all three of "
                        ":json-key:version-stage:version-id (leave a field empty but keep its colon)")
            if len(parts) == 10 and parts[8] and parts[9]:
                return "version-stage and version-id can't both be given; keep one and leave the other empty"
            return None
        if service == "ssm":
            if len(parts) != 6 or not parts[3] or not parts[4] or not parts[5].startswith("parameter/") \
                    or parts[5] == "parameter/":
                return "an SSM parameter valueFrom ARN is arn:aws:ssm:region:account:parameter/name"
            return None
        return ("valueFrom is the ARN of a Secrets Manager secret or of an SSM Parameter Store parameter, "
                f"not of {service or 'another service'}")
    if not _SSM_NAME.match(value):
        return ("valueFrom is a Secrets Manager secret ARN, an SSM parameter ARN, or the name of an SSM parameter "
                "in the job's Region (letters, digits, '_', '.', '-' and '/')")
    return None


@rule("JDV-016")
def secret_value_from(ctx: Context, value_from: Constraint):
    """Each secret's valueFrom is a Secrets Manager secret ARN (with colons kept for json-key, stage, id), an SSM parameter ARN, or an SSM parameter name."""
    for ptr, jd in ctx.entries("jobDefinitions"):
        for c in containers(ptr, jd):
            lists = [(c.ptr / "secrets", c.body.get("secrets"))]
            lc = c.body.get("logConfiguration")
            if isinstance(lc, dict):
                lists.append((c.ptr / "logConfiguration" / "secretOptions", lc.get("secretOptions")))
            for lptr, secrets in lists:
                for i, s in dicts(secrets):
                    value = s.get("valueFrom")
                    if isinstance(value, str):
                        detail = _value_from_problem(value)
                        if detail:
                            vptr = lptr / i / "valueFrom"
                            yield value_from.at(vptr, where=vptr.dotted(), found=value, detail=detail)
