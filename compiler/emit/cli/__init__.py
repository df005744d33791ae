"""Model -> request bodies for `aws ... --cli-input-json file://...` and the scripts that send
them: deploy.sh (creates the setup), submit.sh (runs a job template) and teardown.sh
(scripts.py); update.sh, from a baseline, is update.py's.

Each body is the spec entry with references resolved: compute environments and
scheduling policies by ARN, queues and job definitions by name (the API takes either),
roles and instance profiles by ARN. Where the spec gives no `account` or `region`, ARNs
hold @@ACCOUNT_ID@@ / @@REGION@@ and deploy.sh fills them in at run time; a job's
dependency on another job holds @@JOB_ID:<jobName>@@, which submit.sh fills with the ID
submit-job returned. A compute environment is named by its AWS name (name and replacement
key), which the model holds.
"""
from __future__ import annotations

import json
import re
import shlex

from ...language import SECTION
from ...model import Model, Ref, Resource, needs_service_linked_role
from . import iam_events, scripts
from .templating import render


_NOT_PLAIN_ASCII = re.compile(r"[^\n\x20-\x7e]")


def _escape_invisible(match: re.Match) -> str:
    c = match.group()
    return c if c.isprintable() else json.dumps(c)[1:-1]  # café stays café; U+202E becomes \u202e


def dump(body: dict) -> str:
    """The request body as JSON, with every non-printable character (a bidi override, a
    zero-width space, U+2028) written as a \\u escape: what a reviewer reads is what the
    API gets. json.dumps already escapes the C0 controls; text inside a string is the only
    place such a character can be, so the escapes keep the JSON's meaning."""
    return _NOT_PLAIN_ASCII.sub(_escape_invisible, json.dumps(body, indent=2, ensure_ascii=False)) + "\n"


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
    """deploy.sh and its bodies, submit.sh (when the spec has jobs) and teardown.sh."""
    files, steps = deploy_plan(model)
    context = script_context(model, spec_name)
    files["deploy.sh"] = render("cli/deploy.sh.j2", steps=steps, has_jobs=bool(model.jobs), **context)
    if model.jobs:
        files["submit.sh"] = render("cli/submit.sh.j2", **scripts.submit_context(
            model, _topological(model.jobs), _job_variables(model.jobs)), **context)
    files["teardown.sh"] = render("cli/teardown.sh.j2", **scripts.teardown_context(model), **context)
    return files


def script_context(model: Model, spec_name: str) -> dict:
    """What every script template needs: the account, the Region and the quoting helpers."""
    return dict(spec_name=spec_name, account=model.account, region=model.region,
                needs_account=not model.account, sh=shlex.quote, dq=_double_quoted, comment=_comment)


def deploy_plan(model: Model) -> tuple[dict[str, str], list[dict]]:
    """Every request body of `model` ({path: JSON}) and deploy.sh's steps, in order. The
    submit-job bodies are written too, for submit.sh; deploy.sh submits no job."""
    refs = model.arns
    files: dict[str, str] = {}
    steps: list[dict] = []

    def add(service: str, command: str, name: str, body: dict, **step) -> str:
        path = f"{service}/{command}/{name}.json"
        files[path] = dump(body)
        steps.append({"service": service, "command": command, "path": path, "name": name, **step})
        return path

    iam_events.policies(model, refs, add)  # before the roles that attach them
    for role in model.roles:
        if role.spec:
            iam_events.spec_role(model, role, refs, add)
            continue
        add("iam", "create-role", role.name, {
            "RoleName": role.name,
            "Description": f"batchgen: {role.purpose}",
            "AssumeRolePolicyDocument": iam_events.compact(role.assume_role_policy()),
            **({"Tags": iam_events.tag_list(model.default_tags)} if model.default_tags else {}),
        })
        for policy in role.managed_policies:
            add("iam", "attach-role-policy", f"{role.name}--{policy.path.rsplit('/', 1)[-1]}",
                {"RoleName": role.name, "PolicyArn": policy.arn(model.partition)})
        if role.instance_profile:
            add("iam", "create-instance-profile", role.name, {"InstanceProfileName": role.name})
            add("iam", "add-role-to-instance-profile", role.name,
                {"InstanceProfileName": role.name, "RoleName": role.name}, wait_instance_profile=role.name)
        iam_events.inline_policies(role, refs, add)  # a schedule's role: submit its job only

    for g in model.log_groups:  # before anything that can start a container writing to it
        add("logs", "create-log-group", g.label, {"logGroupName": g.name, **({"kmsKeyId": g.kms_key_id}
                                                                              if g.kms_key_id else {}),
                                                  **({"tags": dict(model.default_tags)} if model.default_tags else {})})
        add("logs", "put-retention-policy", g.label, {"logGroupName": g.name, "retentionInDays": g.retention_in_days})

    if model.roles:  # IAM is eventually consistent: wait before AWS Batch is given the new roles
        steps.append({"iam_settle": [r.name for r in model.roles]})

    if any(needs_service_linked_role(ce) for ce in model.compute_environments):
        steps.append({"service_linked_role": "batch.amazonaws.com"})

    for section in ("computeEnvironments", "schedulingPolicies", "jobQueues", "jobDefinitions"):
        service, command = SECTION[section].cli
        items = model.resources(section)
        for r in items:
            add(service, command, r.name, model.request_body(r))
        if items and SECTION[section].wait:  # create them all, then wait for all: creation is asynchronous
            steps.append({"wait": SECTION[section].wait, "names": [aws_name(r) for r in items]})

    # Rules after the job definitions they submit (XR-016).
    iam_events.events(model, refs, add)

    # Jobs are not deployed: submit.sh submits them (scripts.py), from these bodies.
    for job in model.jobs:
        files[submit_body_path(job.name)] = dump(model.request_body(job))
    return files, steps


def submit_body_path(job: str) -> str:
    service, command = SECTION["jobs"].cli
    return f"{service}/{command}/{job}.json"


def aws_name(r: Resource) -> str:
    """The name AWS knows an entry by: a compute environment's carries its replacement key
    (the model's body holds it), the others' are their spec names."""
    if r.section == "computeEnvironments":
        return r.body.get("computeEnvironmentName", r.name)
    return r.name


# The scripts quote every value they interpolate, whatever the validator lets through: a bare
# word with `sh` (shlex.quote), a word inside the template's own "..." with `dq`, and a
# comment with `comment` (one line). In templates/cli/ no {{ }} stands outside these three
# but submit.sh's function names (ASCII identifiers by construction, _job_variables) and
# the `shell` steps, whole lines built by scripts.py and update.py with shlex.quote.


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
