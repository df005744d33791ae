"""Ref:: placeholders: only in an ECS command, and each has a value from its definition or job; not EKS (eks_pods)."""
from __future__ import annotations

import re

from ...catalog import Constraint
from ...job_shapes import containers, ecs_tasks, kind, node_ranges, task_containers
from ...problems import ROOT
from ..context import Context, rule
from ..shapes import REF_TEXT, placeholders, strings
from ..targets import targets


@rule("JDP-003")
def placeholder_outside_command(ctx: Context, outside: Constraint):
    """Ref:: placeholders appear only in an ECS container's command, the one place AWS Batch substitutes them."""
    for ptr, jd in ctx.entries("jobDefinitions"):
        found = [s for c in containers(ptr, jd) for s in strings(c.body, c.ptr, skip=("command",))]
        for task_ptr, task in ecs_tasks(ptr, jd):  # the task's own keys: volumes, roles, ...
            found += strings(task, task_ptr, skip=("containers",))
        for sptr, text in found:
            m = REF_TEXT.search(text)
            if m:
                yield outside.at(sptr, where=sptr.dotted(), found=m.group(0))


@rule("XR-010")
def placeholders_have_values(ctx: Context, c: Constraint):
    """Every Ref:: placeholder of the command a job runs has a default in its definition's parameters or a value in the job's; unused job parameters get a warning."""
    # A job only triggers submit gets the rest of its parameters from them: BG-134 checks each trigger.
    triggered = {t.get("job") for _, t in ctx.entries("triggers")} - {s.get("job") for _, s in ctx.entries("schedules")}
    for t in targets(ctx):
        if t.jd is None:
            continue
        defaults = t.jd.get("parameters") if isinstance(t.jd.get("parameters"), dict) else {}
        given = t.job.get("parameters") if isinstance(t.job.get("parameters"), dict) else {}
        used: list[str] = []
        run = commands(t.jd, t.job)
        for command in run:
            for name in placeholders(command):
                if name not in used:
                    used.append(name)
        for name in used:
            if name not in defaults and name not in given and t.job.get("jobName") not in triggered:
                at = t.pointer / "parameters" if "parameters" in t.job else t.pointer / "jobDefinition"
                yield c.at(at, at_key="parameters" in t.job, name=name, jd=t.jd_name)
        for key in given:
            if key in used:
                continue
            inside = _embedded(run, key)
            yield c.at(t.pointer / "parameters" / key, at_key=True, name=key, jd=t.jd_name,
                       used=", ".join(f"Ref::{u}" for u in used) or "none",
                       variant="embedded" if inside else "unused", **(inside or {}))


def _embedded(run: list, key: str) -> dict | None:
    """Where `Ref::key` sits inside a longer command element (`--epochs=Ref::epochs`, an `sh -c`
    script), which AWS Batch leaves as written (JDP-002: placeholders are whole elements)."""
    pattern = re.compile(r"Ref::" + re.escape(key) + r"(?![A-Za-z0-9_-])")  # "Ref::date.csv" holds Ref::date
    for command in run:
        for i, arg in enumerate(command if isinstance(command, list) else []):
            if isinstance(arg, str) and pattern.search(arg):
                return {"index": i, "element": arg}
    return None


def commands(jd: dict, job: dict) -> list[list]:
    """The commands the job's containers run, after command overrides (EKS has no Ref::, JDP-005)."""
    k = kind(jd)
    if k == "container":
        co = job.get("containerOverrides")
        if isinstance(co, dict) and "command" in co:
            return [co["command"]]
        cp = jd.get("containerProperties")
        return [cp.get("command")] if isinstance(cp, dict) else []
    if k == "ecs":
        return _ecs_commands(jd.get("ecsProperties"), job.get("ecsPropertiesOverride"))
    if k == "multinode":
        overrides = {}
        no = job.get("nodeOverrides")
        npo = no.get("nodePropertyOverrides") if isinstance(no, dict) else None
        extra = []
        for o in npo if isinstance(npo, list) else []:
            co = o.get("containerOverrides") if isinstance(o, dict) else None
            if isinstance(co, dict) and "command" in co:
                overrides[o.get("targetNodes")] = co["command"]
                extra.append(co["command"])
        out = []
        for _, r in node_ranges(ROOT, jd):
            if r.get("targetNodes") in overrides:
                continue
            c = r.get("container")
            if isinstance(c, dict):
                out.append(c.get("command"))
            out.extend(_ecs_commands(r.get("ecsProperties"), None))
        return out + extra
    return []


def _ecs_commands(ecs, override) -> list:
    """The commands of an ecsProperties' containers, after an ecsPropertiesOverride's (by container name)."""
    replaced = {c["name"]: c["command"] for c in task_containers(override)
                if "command" in c and isinstance(c.get("name"), str)}
    return [replaced.get(c.get("name"), c.get("command")) for c in task_containers(ecs)]
