"""Model -> request bodies for `aws ... --cli-input-json file://...` and a deploy script.

Each body is the spec entry with references resolved: compute environments and
scheduling policies by ARN, queues and job definitions by name (the API takes either),
roles and instance profiles by ARN. Where the spec gives no `account` or `region`, ARNs
hold @@ACCOUNT_ID@@ / @@REGION@@ and deploy.sh fills them in at run time; a job's
dependency on another job holds @@JOB_ID:<jobName>@@, filled with the ID submit-job returned.
"""
from __future__ import annotations

import json
import re
import shlex
from typing import Any

from ..replacement import aws_names
from ..resolve import Model, Ref, Resource
from . import cli_iam_events, cli_scripts
from .templating import render

ACCOUNT_PLACEHOLDER = "@@ACCOUNT_ID@@"
REGION_PLACEHOLDER = "@@REGION@@"
# The AWS Batch service-linked role: the same path and name in every account.
SERVICE_LINKED_ROLE = "role/aws-service-role/batch.amazonaws.com/AWSServiceRoleForBatch"
TAGGABLE = ("computeEnvironments", "schedulingPolicies", "jobQueues", "jobDefinitions", "jobs")


def job_id_placeholder(job_name: str) -> str:
    return f"@@JOB_ID:{job_name}@@"


class _Refs:
    def __init__(self, model: Model):
        self.model = model
        self._ce_names: dict[str, str] | None = None
        self.partition = model.partition
        self.account = model.account or ACCOUNT_PLACEHOLDER
        self.region = model.region or REGION_PLACEHOLDER
        # IAM ARNs carry the path: arn:aws:iam::123456789012:role/batch/render-job
        self.iam_paths = {("role", r.name): r.path or "/" for r in model.roles}
        self.iam_paths.update({("policy", p.name): p.path or "/" for p in model.policies})

    def ce_name(self, name: str) -> str:
        """A compute environment's AWS name: its name and replacement key (compiler/replacement.py)."""
        if self._ce_names is None:
            self._ce_names = aws_names(self.model)
        return self._ce_names.get(name, name)

    def arn(self, service: str, resource: str, regional: bool = True) -> str:
        region = self.region if regional else ""
        return f"arn:{self.partition}:{service}:{region}:{self.account}:{resource}"

    def string(self, ref: Ref) -> str:
        if ref.kind == "computeEnvironments":
            return self.arn("batch", f"compute-environment/{self.ce_name(ref.name)}")
        if ref.kind == "schedulingPolicies":
            return self.arn("batch", f"scheduling-policy/{ref.name}")
        if ref.kind == "jobQueues":
            return self.arn("batch", f"job-queue/{ref.name}") if ref.arn else ref.name
        if ref.kind == "jobDefinitions" and ref.arn:  # in a policy: any revision unless one is named
            return self.arn("batch", f"job-definition/{ref.name}:{'*' if ref.revision is None else ref.revision}")
        if ref.kind == "jobDefinitions":
            return ref.name if ref.revision is None else f"{ref.name}:{ref.revision}"
        if ref.kind == "jobDefinitionPrefix":
            return self.arn("batch", f"job-definition/{ref.name}*")
        if ref.kind == "policy":
            return self.arn("iam", f"policy{self.iam_paths.get(('policy', ref.name), '/')}{ref.name}", regional=False)
        if ref.kind == "rule":
            return self.arn("events", f"rule/{ref.name}")
        if ref.kind == "topic":
            return self.arn("sns", ref.name)
        if ref.kind == "jobs":
            return job_id_placeholder(ref.name)
        if ref.kind == "role":
            return self.arn("iam", f"role{self.iam_paths.get(('role', ref.name), '/')}{ref.name}", regional=False)
        if ref.kind == "instance_profile":
            path = self.iam_paths.get(("role", ref.name), "/")  # batchgen gives a role's profile its path
            return self.arn("iam", f"instance-profile{path}{ref.name}", regional=False)
        raise ValueError(f"unknown reference kind {ref.kind}")

    def value(self, v: Any) -> Any:
        if isinstance(v, Ref):
            return self.string(v)
        if isinstance(v, dict):
            return {k: self.value(x) for k, x in v.items()}
        if isinstance(v, list):
            return [self.value(x) for x in v]
        return v


_NOT_PLAIN_ASCII = re.compile(r"[^\n\x20-\x7e]")


def _escape_invisible(match: re.Match) -> str:
    c = match.group()
    return c if c.isprintable() else json.dumps(c)[1:-1]  # café stays café; U+202E becomes \u202e


def _dump(body: dict) -> str:
    """The request body as JSON, with every non-printable character (a bidi override, a
    zero-width space, U+2028) written as a \\u escape: what a reviewer reads is what the
    API gets. json.dumps already escapes the C0 controls; text inside a string is the only
    place such a character can be, so the escapes keep the JSON's meaning."""
    return _NOT_PLAIN_ASCII.sub(_escape_invisible, json.dumps(body, indent=2, ensure_ascii=False)) + "\n"


def _with_tags(model: Model, r: Resource, body: dict) -> dict:
    tags = {**model.default_tags, **(body.get("tags") or {})}
    out = {k: v for k, v in body.items() if k != "tags"}
    if tags:  # NT-007: no `tags` key rather than an empty map
        out["tags"] = tags
    return out


def request_body(model: Model, resource: Resource) -> dict:
    """The request body `emit` writes for one Batch resource (compute environment, scheduling
    policy, job queue, job definition or job): references resolved, default tags merged.
    Public so validation can measure what is written (XR-011, XR-012)."""
    refs = _Refs(model)
    body = refs.value(resource.body)
    if resource.section == "computeEnvironments":
        body["computeEnvironmentName"] = refs.ce_name(resource.name)
    if resource.section == "computeEnvironments" and needs_service_linked_role(resource):
        # Left out, AWS would fill in the service-linked role; the body names it explicitly
        # (the form AWS documents), as deploy.sh makes sure it exists.
        body["serviceRole"] = refs.arn("iam", SERVICE_LINKED_ROLE, regional=False)
    return _with_tags(model, resource, body)


def needs_service_linked_role(resource: Resource) -> bool:
    """A MANAGED compute environment without serviceRole runs under AWSServiceRoleForBatch."""
    return resource.body.get("type") == "MANAGED" and "serviceRole" not in resource.body


def _topological(jobs: list[Resource]) -> list[Resource]:
    """Jobs in spec order, each after the jobs it depends on (validation rejects cycles)."""
    by_name = {j.name: j for j in jobs}
    done: list[Resource] = []
    seen: set[str] = set()

    def visit(job: Resource) -> None:
        if job.name in seen:
            return
        seen.add(job.name)
        for dep in job.body.get("dependsOn") or []:
            target = dep.get("jobId")
            if isinstance(target, Ref) and target.name in by_name:
                visit(by_name[target.name])
        done.append(job)

    for job in jobs:
        visit(job)
    return done


def emit(model: Model, spec_name: str) -> dict[str, str]:
    files, steps, refs = deploy_plan(model)
    context = script_context(model, spec_name)
    files["deploy.sh"] = render("cli/deploy.sh.j2", steps=steps, has_jobs=bool(model.jobs), **context)
    if model.jobs:
        files["submit.sh"] = render("cli/submit.sh.j2", **cli_scripts.submit_context(
            model, _topological(model.jobs), _job_variables(model.jobs)), **context)
    files["teardown.sh"] = render("cli/teardown.sh.j2", **cli_scripts.teardown_context(model, refs.ce_name), **context)
    return files


def script_context(model: Model, spec_name: str) -> dict:
    """What every script template needs: the account, the Region and the quoting helpers."""
    return dict(spec_name=spec_name, account=model.account, region=model.region,
                needs_account=not model.account, sh=shlex.quote, dq=_double_quoted, comment=_comment)


def deploy_plan(model: Model) -> tuple[dict[str, str], list[dict], "_Refs"]:
    """Every request body of `model` ({path: JSON}) and deploy.sh's steps, in order."""
    refs = _Refs(model)
    files: dict[str, str] = {}
    steps: list[dict] = []

    def add(service: str, command: str, name: str, body: dict, **step) -> str:
        path = f"{service}/{command}/{name}.json"
        files[path] = _dump(body)
        steps.append({"service": service, "command": command, "path": path, "name": name, **step})
        return path

    cli_iam_events.policies(model, refs, add)  # before the roles that attach them
    for role in model.roles:
        if role.spec:
            cli_iam_events.spec_role(model, role, refs, add)
            continue
        add("iam", "create-role", role.name, {
            "RoleName": role.name,
            "Description": f"batchgen: {role.purpose}",
            "AssumeRolePolicyDocument": cli_iam_events.compact(role.assume_role_policy()),
            **({"Tags": cli_iam_events.tag_list(model.default_tags)} if model.default_tags else {}),
        })
        for policy in role.managed_policies:
            add("iam", "attach-role-policy", f"{role.name}--{policy.path.rsplit('/', 1)[-1]}",
                {"RoleName": role.name, "PolicyArn": policy.arn(model.partition)})
        if role.instance_profile:
            add("iam", "create-instance-profile", role.name, {"InstanceProfileName": role.name})
            add("iam", "add-role-to-instance-profile", role.name,
                {"InstanceProfileName": role.name, "RoleName": role.name}, wait_instance_profile=role.name)
        cli_iam_events.inline_policies(role, refs, add)  # a schedule's role: submit its job only

    if model.roles:  # IAM is eventually consistent: wait before AWS Batch is given the new roles
        steps.append({"iam_settle": [r.name for r in model.roles]})

    if any(needs_service_linked_role(ce) for ce in model.compute_environments):
        steps.append({"service_linked_role": "batch.amazonaws.com"})

    for section, command, items, extra in (
        ("computeEnvironments", "create-compute-environment", model.compute_environments, {"wait": "compute-environment"}),
        ("schedulingPolicies", "create-scheduling-policy", model.scheduling_policies, {}),
        ("jobQueues", "create-job-queue", model.job_queues, {"wait": "job-queue"}),
        ("jobDefinitions", "register-job-definition", model.job_definitions, {}),
    ):
        for r in items:
            add("batch", command, r.name, request_body(model, r))
        if items and extra:  # create them all, then wait for all: creation is asynchronous
            steps.append({"wait": extra["wait"], "names": [refs.ce_name(r.name) if section == "computeEnvironments"
                                                           else r.name for r in items]})

    # Rules after the job definitions they submit (XR-016).
    cli_iam_events.events(model, refs, add)

    # Jobs are not deployed: submit.sh submits them (cli_scripts.py), from these bodies.
    for job in model.jobs:
        path = f"batch/submit-job/{job.name}.json"
        files[path] = _dump(request_body(model, job))

    return files, steps, refs


# The scripts quote every value they interpolate, whatever the validator lets through: a bare
# word with `sh` (shlex.quote), a word inside the template's own "..." with `dq`, and a
# comment with `comment` (one line). In templates/cli/ no {{ }} stands outside these three
# but submit.sh's function names (ASCII identifiers by construction, _job_variables) and
# the `shell` steps, whole lines built by cli_scripts.py and cli_update.py with shlex.quote.


def _job_variables(jobs) -> dict[str, str]:
    """jobName -> the bash variable holding its job ID: JOB_ID_ and the name's ASCII letters
    and digits (others become _). Names that differ only in the others ('render-a',
    'render_a') get _2, _3, ... in spec order, so each dependency finds its own job's ID."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for job in jobs:
        base = "JOB_ID_" + "".join(c if c.isascii() and c.isalnum() else "_" for c in job.name)
        var, n = base, 1
        while var in taken:
            n += 1
            var = f"{base}_{n}"
        taken.add(var)
        out[job.name] = var
    return out


def _double_quoted(s: str) -> str:
    """`s` for use between double quotes in bash: only \\ " $ and ` are special there."""
    return "".join("\\" + c if c in '\\"$`' else c for c in str(s))


def _comment(s: str) -> str:
    """`s` on one line, for the text of a # comment (a newline would end the comment)."""
    return " ".join(str(s).splitlines())
