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

from ...language import SECTION
from ...model import Model, Ref, Resource, needs_service_linked_role
from . import iam_events
from .templating import render


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
    refs = model.arns
    files: dict[str, str] = {}
    steps: list[dict] = []

    def add(service: str, command: str, name: str, body: dict, **step) -> str:
        path = f"{service}/{command}/{name}.json"
        files[path] = _dump(body)
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

    if any(needs_service_linked_role(ce) for ce in model.compute_environments):
        steps.append({"service_linked_role": "batch.amazonaws.com"})

    for section in ("computeEnvironments", "schedulingPolicies", "jobQueues", "jobDefinitions"):
        service, command = SECTION[section].cli
        items = model.resources(section)
        for r in items:
            add(service, command, r.name, model.request_body(r))
        if items and SECTION[section].wait:  # create them all, then wait for all: creation is asynchronous
            steps.append({"wait": SECTION[section].wait, "names": [r.name for r in items]})

    # Rules after the job definitions they submit (XR-016), before the jobs: a failure
    # notification then also reports the jobs deploy.sh submits.
    iam_events.events(model, refs, add)

    scheduled, triggered = model.scheduled_jobs, model.triggered_jobs
    service, command = SECTION["jobs"].cli
    for job in _topological(model.jobs):
        if job.name in scheduled or job.name in triggered:  # their targets submit them (BG-115, BG-136)
            # The body is still written (SPEC.md's example lists one), for running the job by hand.
            path = f"{service}/{command}/{job.name}.json"
            files[path] = _dump(model.request_body(job))
            by = [f"schedule {s.name}" for s in model.schedules if s.job == job.name]
            by += [f"trigger {t.name}" for t in model.triggers if t.job == job.name]
            steps.append({"note": f"job {job.name}: submitted by {', '.join(by)}, not here; "
                                  f"to run it by hand: aws {service} {command} --cli-input-json file://{path}"})
            continue
        add(service, command, job.name, model.request_body(job), job=job.name)

    files["deploy.sh"] = render(
        "cli/deploy.sh.j2",
        spec_name=spec_name,
        steps=steps,
        account=model.account,
        region=model.region,
        needs_account=not model.account,
        job_var=_job_variables(model.jobs).__getitem__,
        sh=shlex.quote,
        dq=_double_quoted,
        comment=_comment,
    )
    return files


# deploy.sh quotes every value it interpolates, whatever the validator lets through: a bare
# word with `sh` (shlex.quote), a word inside the template's own "..." with `dq`, and a
# comment with `comment` (one line). In deploy.sh.j2 no {{ }} stands outside these three
# but job_var(), an ASCII identifier by construction.


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
