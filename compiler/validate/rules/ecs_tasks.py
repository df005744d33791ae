"""ecsProperties tasks: an essential container, unique names, dependencies, timeouts, namespaces; not images."""
from __future__ import annotations

import re

from ...catalog import Constraint
from ...job_shapes import capabilities, containers, dicts, ecs_tasks, lists_fargate
from ...problems import Pointer
from ..context import Context, rule
from ..schema import did_you_mean


@rule("JDE-002")
def task_has_an_essential_container(ctx: Context, essential: Constraint):
    """At least one container of each ecsProperties task is essential."""
    for ptr, jd in ctx.entries("jobDefinitions"):
        for task_ptr, task in ecs_tasks(ptr, jd):
            containers = list(dicts(task.get("containers")))
            if containers and all(c.get("essential") is False for _, c in containers):
                eptr = task_ptr / "containers" / containers[0][0] / "essential"
                yield essential.at(eptr, where=eptr.dotted())


def _task_names(task_ptr: Pointer, task: dict) -> dict[str, tuple[Pointer, dict]]:
    names: dict[str, tuple[Pointer, dict]] = {}
    for j, c in dicts(task.get("containers")):
        if isinstance(c.get("name"), str):
            names.setdefault(c["name"], (task_ptr / "containers" / j, c))
    return names


@rule("JDE-003")
def task_container_names_are_unique(ctx: Context, unique: Constraint):
    """Container names within an ecsProperties task are unique."""
    for ptr, jd in ctx.entries("jobDefinitions"):
        for task_ptr, task in ecs_tasks(ptr, jd):
            seen: dict[str, Pointer] = {}
            for j, c in dicts(task.get("containers")):
                name = c.get("name")
                if not isinstance(name, str):
                    continue
                nptr = task_ptr / "containers" / j / "name"
                if name in seen:
                    yield unique.at(nptr, where=nptr.dotted(), found=name, first=seen[name].parent.dotted())
                else:
                    seen[name] = nptr


@rule("JDE-004")
def task_dependencies(ctx: Context, depends: Constraint):
    """dependsOn entries name a container of the task with condition START, COMPLETE or SUCCESS, and COMPLETE/SUCCESS wait only on non-essential containers."""
    conditions = depends.limits["conditions"]
    for ptr, jd in ctx.entries("jobDefinitions"):
        for task_ptr, task in ecs_tasks(ptr, jd):
            names = _task_names(task_ptr, task)
            for j, c in dicts(task.get("containers")):
                for k, dep in dicts(c.get("dependsOn")):
                    dptr = task_ptr / "containers" / j / "dependsOn" / k
                    for key in ("containerName", "condition"):
                        if key not in dep:
                            yield depends.at(dptr, where=dptr.dotted(), key=key, variant="missing")
                    target, condition = dep.get("containerName"), dep.get("condition")
                    if isinstance(target, str) and target not in names:
                        yield depends.at(dptr / "containerName", where=(dptr / "containerName").dotted(), found=target,
                                         suggestion=did_you_mean(target, names))
                    if isinstance(condition, str) and condition not in conditions:
                        yield depends.at(dptr / "condition", where=(dptr / "condition").dotted(), found=condition,
                                         allowed=", ".join(conditions), suggestion=did_you_mean(condition, conditions),
                                         variant="condition")
                    elif condition in ("COMPLETE", "SUCCESS") and isinstance(target, str) and target in names \
                            and names[target][1].get("essential", True) is not False:
                        yield depends.at(dptr / "condition", where=(dptr / "condition").dotted(), found=condition,
                                         target=target, variant="essential")


@rule("JDE-005")
def task_timeouts_on_fargate(ctx: Context, timeouts: Constraint):
    """On Fargate a container's startTimeout and stopTimeout are at most 120 seconds."""
    top = timeouts.limits["fargate_max"]
    for ptr, jd in ctx.entries("jobDefinitions"):
        if not lists_fargate(jd):
            continue
        for c in containers(ptr, jd):
            if not c.in_task:
                continue
            for key in ("startTimeout", "stopTimeout"):
                value = c.body.get(key)
                if isinstance(value, int) and value > top:
                    yield timeouts.at(c.ptr / key, where=(c.ptr / key).dotted(), found=value, variant="fargate")


@rule("JDE-006")
def task_namespaces_and_network(ctx: Context, c: Constraint):
    """ipcMode is host, task or none and not on Fargate; pidMode is host or task; networkMode is host, only with MANAGED_INSTANCES."""
    lim = c.limits
    for ptr, jd in ctx.entries("jobDefinitions"):
        fargate, managed = lists_fargate(jd), "MANAGED_INSTANCES" in capabilities(jd)
        for task_ptr, task in ecs_tasks(ptr, jd):
            for key, allowed in (("ipcMode", lim["ipc_modes"]), ("pidMode", lim["pid_modes"]),
                                 ("networkMode", lim["network_modes"])):
                if key not in task:
                    continue
                kptr, value = task_ptr / key, task[key]
                if key == "ipcMode" and fargate:
                    yield c.at(kptr, at_key=True, where=kptr.dotted(), variant="ipc_fargate")
                elif key == "networkMode" and not managed:
                    yield c.at(kptr, at_key=True, where=kptr.dotted(), variant="network_platform")
                elif isinstance(value, str) and value not in allowed:
                    yield c.at(kptr, where=kptr.dotted(), found=value, field=key, allowed=", ".join(allowed),
                               suggestion=did_you_mean(value, allowed))


def _windows(task: dict) -> bool:
    rp = task.get("runtimePlatform")
    family = rp.get("operatingSystemFamily") if isinstance(rp, dict) else None
    return isinstance(family, str) and family.upper().startswith("WINDOWS")


_USER_PART = r"(?:[0-9]+|[A-Za-z_][A-Za-z0-9_.-]*\$?)"
_USER = re.compile(rf"^{_USER_PART}(?::{_USER_PART})?\Z")


@rule("JDE-008")
def task_container_privileges_and_user(ctx: Context, privileges: Constraint):
    """Task containers aren't privileged on Fargate or Windows, and user is a name or non-negative id, optionally with a group."""
    for ptr, jd in ctx.entries("jobDefinitions"):
        fargate = lists_fargate(jd)
        for task_ptr, task in ecs_tasks(ptr, jd):
            platform = "Fargate" if fargate else "Windows" if _windows(task) else None
            for j, c in dicts(task.get("containers")):
                cptr = task_ptr / "containers" / j
                if platform and c.get("privileged") is True:
                    yield privileges.at(cptr / "privileged", where=(cptr / "privileged").dotted(), platform=platform)
                user = c.get("user")
                if isinstance(user, str) and not _USER.match(user):
                    yield privileges.at(cptr / "user", where=(cptr / "user").dotted(), found=user, variant="user")
