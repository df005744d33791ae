"""What the CLI path's scripts beside deploy.sh do: submit.sh (run a job template, with
parameter overrides), teardown.sh (delete everything in the order AWS needs). Builds the
templates' context from the model; __init__.py renders them. update.sh is update.py's.

Every shell line built here quotes what it interpolates with shlex.quote, or writes "$REGION"
and "$ACCOUNT_ID" (the scripts' own variables): a name can't break out of its argument.
"""
from __future__ import annotations

import shlex
from ...model import NOTIFICATION_TARGET_ID, SCHEDULE_TARGET_ID, Model, Ref, Resource


def _q(s: str) -> str:
    return shlex.quote(str(s))


def _closure(job: Resource, by_name: dict[str, Resource], position: dict[str, int]) -> list[str]:
    """The jobs `job` depends on, transitively, in the order they must be submitted
    (`position`: each job's place in that order)."""
    needed: set[str] = set()

    def visit(j: Resource) -> None:
        for dep in j.body.get("dependsOn") or []:
            target = dep.get("jobId") if isinstance(dep, dict) else None
            if isinstance(target, Ref) and target.name in by_name and target.name not in needed:
                needed.add(target.name)
                visit(by_name[target.name])

    visit(job)
    return sorted(needed, key=position.__getitem__)  # only what it needs: no walk of every job per job


def submit_context(model: Model, ordered: list[Resource], job_vars: dict[str, str]) -> dict:
    """submit.sh: one function per job template, in dependency order."""
    by_name = {j.name: j for j in model.jobs}
    order = [j.name for j in ordered]
    position = {name: i for i, name in enumerate(order)}
    function = {name: "submit_" + var.removeprefix("JOB_ID_") for name, var in job_vars.items()}
    scheduled: dict[str, list[str]] = {}  # job -> what submits it on its own: schedules, triggers
    for s in model.schedules:
        scheduled.setdefault(s.job, []).append(f"schedule {s.name}")
    for t in model.triggers:
        scheduled.setdefault(t.job, []).append(f"trigger {t.name}")
    jobs = []
    for job in ordered:
        parameters = job.body.get("parameters") or {}
        jobs.append({
            "name": job.name,
            "path": f"batch/submit-job/{job.name}.json",
            "function": function[job.name],
            "parameters": sorted((k, v) for k, v in parameters.items() if isinstance(v, str)),
            "before": [function[n] for n in _closure(job, by_name, position)],
            "schedules": ", ".join(scheduled.get(job.name, [])),
        })
    # --all: every template a schedule doesn't submit, and what those depend on, each once
    wanted: set[str] = set()
    for job in ordered:
        if job.name not in scheduled:
            wanted.add(job.name)
            wanted.update(_closure(job, by_name, position))
    return {"jobs": jobs, "scheduled": bool(scheduled), "all_functions": [function[n] for n in order if n in wanted]}


def _rule_removal(name: str, target_id: str) -> str:
    return (f"echo {_q(f'events delete-rule {name}')}\n"
            f"aws events remove-targets --region \"$REGION\" --rule {_q(name)} --ids {_q(target_id)} >/dev/null\n"
            f"aws events delete-rule --region \"$REGION\" --name {_q(name)} >/dev/null")


def _schedule_removal(name: str) -> str:
    """An EventBridge Scheduler schedule (the default group): one call."""
    return (f"echo {_q(f'scheduler delete-schedule {name}')}\n"
            f"aws scheduler delete-schedule --region \"$REGION\" --name {_q(name)} >/dev/null")


def rule_removal(model: Model, rule) -> str:
    """The shell lines that delete a schedule's, trigger's or notification's EventBridge rule
    (targets first) or Scheduler schedule."""
    if getattr(rule, "scheduler", False):
        return _schedule_removal(rule.name)
    target = NOTIFICATION_TARGET_ID if rule in model.notifications else SCHEDULE_TARGET_ID
    return _rule_removal(rule.name, target)


def scheduling_policy_arn(model: Model, name: str) -> str:
    """The ARN in shell words: the scripts' "$REGION" and "$ACCOUNT_ID" where the spec has none."""
    return f"\"arn:{model.partition}:batch:${{REGION}}:${{ACCOUNT_ID}}:scheduling-policy/\"{_q(name)}"


def removal_steps(model: Model, *, rules=None, queues=None, policies=None, environments=None, definitions=None,
                  topics=None, roles=None, customer_policies=None) -> list[dict]:
    """Shell steps that delete the given resources (every one of `model`'s by default), in the
    order AWS needs: rules and Scheduler schedules, queues (disabled first), scheduling
    policies, compute environments (disabled first; by their AWS names, as the model holds
    them, or names given as strings), job definitions, topics, roles, customer policies. A
    bucket's S3 -> EventBridge delivery stays: other rules of the account may read it."""
    def pick(given, default):
        return default if given is None else given

    steps: list[dict] = []
    for s in pick(rules, [*model.schedules, *model.triggers, *model.notifications]):
        steps.append({"shell": rule_removal(model, s)})
    queue_names = [q.name for q in pick(queues, model.job_queues)]
    steps += [{"shell": f"disable_queue {_q(n)}"} for n in queue_names]
    steps += [{"shell": f"delete_queue {_q(n)}"} for n in queue_names]
    for p in pick(policies, model.scheduling_policies):
        steps.append({"shell": f"echo {_q(f'batch delete-scheduling-policy {p.name}')}\n"
                               f"aws batch delete-scheduling-policy --region \"$REGION\" "
                               f"--arn {scheduling_policy_arn(model, p.name)} >/dev/null"})
    env_names = [c.body.get("computeEnvironmentName", c.name) if isinstance(c, Resource) else c
                 for c in pick(environments, model.compute_environments)]
    steps += [{"shell": f"disable_environment {_q(n)}"} for n in env_names]
    steps += [{"shell": f"delete_environment {_q(n)}"} for n in env_names]
    steps += [{"shell": f"deregister_definition {_q(d.name)}"} for d in pick(definitions, model.job_definitions)]
    for t in pick(topics, [t for t in model.topics if t.arn is None]):
        steps.append({"shell": f"echo {_q(f'sns delete-topic {t.name}')}\n"
                               f"aws sns delete-topic --region \"$REGION\" --topic-arn "
                               f"\"arn:{model.partition}:sns:${{REGION}}:${{ACCOUNT_ID}}:\"{_q(t.name)} >/dev/null"})
    steps += [{"shell": f"delete_role {_q(r.name)}"} for r in pick(roles, model.roles)]
    for p in pick(customer_policies, model.policies):
        path = p.path or "/"
        steps.append({"shell": f"delete_policy \"arn:{model.partition}:iam::${{ACCOUNT_ID}}:policy\"{_q(path + p.name)}"})
    return steps


def teardown_context(model: Model) -> dict:
    counts = [
        (len(model.compute_environments), "compute environment", "compute environments"),
        (len(model.job_queues), "job queue", "job queues"),
        (len(model.scheduling_policies), "scheduling policy", "scheduling policies"),
        (len(model.job_definitions), "job definition", "job definitions"),
        (len([s for s in model.schedules if not s.scheduler]) + len(model.triggers) + len(model.notifications),
         "EventBridge rule", "EventBridge rules"),
        (len([s for s in model.schedules if s.scheduler]), "EventBridge Scheduler schedule",
         "EventBridge Scheduler schedules"),
        (len([t for t in model.topics if t.arn is None]), "SNS topic", "SNS topics"),
        (len(model.roles), "IAM role", "IAM roles"),
        (len(model.policies), "IAM policy", "IAM policies"),
    ]
    summary = ", ".join(f"{n} {one if n == 1 else many}" for n, one, many in counts if n)
    return {"steps": removal_steps(model), "has_iam": bool(model.roles or model.policies),
            "summary": summary or "nothing"}
