"""Rules for one job definition's parameters, volumes and logging, ecsProperties and eksProperties (JDP-, JDV-, JDE-, JDK-).

Knows where containers live in a job definition (containerProperties, node ranges,
ecsProperties tasks, eksProperties pods); no YAML, no HCL. Whether a jobs entry or a
schedule gives every Ref:: placeholder a value needs other entries: that is XR-010 (xr.py).
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any, Iterator

from ..catalog import Constraint
from ..problems import Pointer
from .context import Context, rule
from .schema import did_you_mean
from .shapes import REF_TEXT, Container, capabilities, containers, dicts, ecs_tasks, lists_fargate, strings


def _scopes(ptr: Pointer, jd: dict) -> Iterator[Container]:
    """The first container of each mapping that holds `volumes` (container properties or an ecsProperties task)."""
    seen = set()
    for c in containers(ptr, jd):
        if c.scope_ptr not in seen:
            seen.add(c.scope_ptr)
            yield c


def _pods(ptr: Pointer, jd: dict) -> Iterator[tuple[Pointer, dict]]:
    """(pointer, podProperties) for eksProperties at the top and in node ranges."""
    homes = [(ptr / "eksProperties", jd.get("eksProperties"))]
    node_props = jd.get("nodeProperties")
    if isinstance(node_props, dict):
        for i, nr in dicts(node_props.get("nodeRangeProperties")):
            homes.append((ptr / "nodeProperties" / "nodeRangeProperties" / i / "eksProperties", nr.get("eksProperties")))
    for home_ptr, eks in homes:
        if isinstance(eks, dict) and isinstance(eks.get("podProperties"), dict):
            yield home_ptr / "podProperties", eks["podProperties"]


def _pod_containers(pod_ptr: Pointer, pod: dict) -> Iterator[tuple[Pointer, dict]]:
    for key in ("containers", "initContainers"):
        for i, c in dicts(pod.get(key)):
            yield pod_ptr / key / i, c


# --- 5.8 parameters and Ref:: ---------------------------------------------------------


@rule("JDP-005")
def placeholder_in_eks_job(ctx: Context, c: Constraint):
    """EKS job definitions don't substitute Ref:: placeholders anywhere in their pods."""
    for ptr, jd in ctx.entries("jobDefinitions"):
        for pod_ptr, pod in _pods(ptr, jd):
            for sptr, text in strings(pod, pod_ptr):
                m = REF_TEXT.search(text)
                if m:
                    yield c.at(sptr, where=sptr.dotted(), found=m.group(0))


# --- 5.9 volumes and mount points -----------------------------------------------------


def _volume_names(scope_ptr: Pointer, scope: dict) -> dict[str, Pointer]:
    names: dict[str, Pointer] = {}
    for i, v in dicts(scope.get("volumes")):
        if isinstance(v.get("name"), str):
            names.setdefault(v["name"], scope_ptr / "volumes" / i / "name")
    return names


@rule("JDV-001")
def volume_names_are_unique(ctx: Context, unique: Constraint):
    """Two volumes of one container properties (or ecsProperties task) don't share a name."""
    for ptr, jd in ctx.entries("jobDefinitions"):
        for c in _scopes(ptr, jd):
            seen: dict[str, Pointer] = {}
            for i, v in dicts(c.scope.get("volumes")):
                name = v.get("name")
                if not isinstance(name, str):
                    continue
                vptr = c.scope_ptr / "volumes" / i / "name"
                if name in seen:
                    yield unique.at(vptr, where=vptr.dotted(), found=name, first=seen[name].parent.dotted(),
                                  variant="duplicate")
                else:
                    seen[name] = vptr


@rule("JDV-002")
def mount_points_name_a_volume(ctx: Context, mount: Constraint):
    """Each mount point has sourceVolume and containerPath, and sourceVolume names a volume of the same container properties."""
    for ptr, jd in ctx.entries("jobDefinitions"):
        for c in containers(ptr, jd):
            names = _volume_names(c.scope_ptr, c.scope)
            for i, mp in dicts(c.body.get("mountPoints")):
                mptr = c.ptr / "mountPoints" / i
                for key in ("sourceVolume", "containerPath"):
                    if key not in mp:
                        yield mount.at(mptr, where=mptr.dotted(), key=key, variant="missing")
                source = mp.get("sourceVolume")
                if isinstance(source, str) and source not in names:
                    listed = "its volumes: " + ", ".join(names) if names else "it has no volumes"
                    yield mount.at(mptr / "sourceVolume", where=(mptr / "sourceVolume").dotted(), found=source,
                                  scope=c.scope_ptr.dotted(), volumes=listed,
                                  suggestion=did_you_mean(source, names))


def _volumes(ptr: Pointer, jd: dict) -> Iterator[tuple[Pointer, dict, Container]]:
    """(volume pointer, volume, a container of its scope) for every ECS volume."""
    for c in _scopes(ptr, jd):
        for i, v in dicts(c.scope.get("volumes")):
            yield c.scope_ptr / "volumes" / i, v, c


@rule("JDV-003")
def host_volume_on_fargate(ctx: Context, c: Constraint):
    """Fargate job definitions don't use host volumes."""
    for ptr, jd in ctx.entries("jobDefinitions"):
        if not lists_fargate(jd):
            continue
        for vptr, v, _ in _volumes(ptr, jd):
            if "host" in v:
                yield c.at(vptr / "host", at_key=True, where=(vptr / "host").dotted())


def _efs(ptr: Pointer, jd: dict) -> Iterator[tuple[Pointer, dict, dict, Container]]:
    """(pointer, efsVolumeConfiguration, its authorizationConfig or {}, a container of its scope)."""
    for vptr, v, c in _volumes(ptr, jd):
        efs = v.get("efsVolumeConfiguration")
        if isinstance(efs, dict):
            auth = efs.get("authorizationConfig")
            yield vptr / "efsVolumeConfiguration", efs, auth if isinstance(auth, dict) else {}, c


def _transit(efs_ptr: Pointer, efs: dict, anchor: Pointer) -> tuple[bool, Pointer, str]:
    """(transit encryption on?, where to report, how to describe it)."""
    value = efs.get("transitEncryption")
    if value == "ENABLED":
        return True, anchor, "ENABLED"
    if value is None:
        return False, anchor, "not set (default DISABLED)"
    return False, efs_ptr / "transitEncryption", str(value)


@rule("JDV-005")
def efs_access_point_settings(ctx: Context, c: Constraint):
    """An EFS access point comes with rootDirectory omitted or '/' and transitEncryption ENABLED."""
    for ptr, jd in ctx.entries("jobDefinitions"):
        for efs_ptr, efs, auth, _ in _efs(ptr, jd):
            ap = auth.get("accessPointId")
            if not isinstance(ap, str):
                continue
            root = efs.get("rootDirectory")
            if isinstance(root, str) and root != "/":
                rptr = efs_ptr / "rootDirectory"
                yield c.at(rptr, where=rptr.dotted(), found=root, access_point=ap)
            ap_ptr = efs_ptr / "authorizationConfig" / "accessPointId"
            on, at, described = _transit(efs_ptr, efs, ap_ptr)
            if not on:
                yield c.at(at, where=efs_ptr.dotted(), found=ap, transit=described, variant="transit")


@rule("JDV-006")
def efs_iam_needs_encryption_and_role(ctx: Context, efs_iam: Constraint):
    """EFS IAM authorization comes with transitEncryption ENABLED and a job role in the same definition."""
    for ptr, jd in ctx.entries("jobDefinitions"):
        for efs_ptr, efs, auth, c in _efs(ptr, jd):
            if auth.get("iam") != "ENABLED":
                continue
            iam_ptr = efs_ptr / "authorizationConfig" / "iam"
            on, at, described = _transit(efs_ptr, efs, iam_ptr)
            if not on:
                yield efs_iam.at(at, where=iam_ptr.dotted(), transit=described)
            if not c.scope.get(c.role_key):
                yield efs_iam.at(iam_ptr, where=iam_ptr.dotted(), scope=c.scope_ptr.dotted(), role_key=c.role_key,
                              variant="role")


# --- 5.9 ulimits and linuxParameters --------------------------------------------------


@rule("JDV-008")
def ulimits_on_fargate(ctx: Context, ulimits: Constraint):
    """containerProperties on Fargate set no ulimits."""
    for ptr, jd in ctx.entries("jobDefinitions"):
        if not lists_fargate(jd):
            continue
        for c in containers(ptr, jd):
            if not c.in_task and "ulimits" in c.body:
                yield ulimits.at(c.ptr / "ulimits", at_key=True, where=(c.ptr / "ulimits").dotted(), variant="fargate")


def _linux(ptr: Pointer, jd: dict) -> Iterator[tuple[Pointer, dict]]:
    for c in containers(ptr, jd):
        lp = c.body.get("linuxParameters")
        if isinstance(lp, dict):
            yield c.ptr / "linuxParameters", lp


@rule("JDV-009")
def devices_on_fargate(ctx: Context, c: Constraint):
    """Fargate job definitions expose no host devices."""
    for ptr, jd in ctx.entries("jobDefinitions"):
        if not lists_fargate(jd):
            continue
        for lptr, lp in _linux(ptr, jd):
            if "devices" in lp:
                yield c.at(lptr / "devices", at_key=True, where=(lptr / "devices").dotted(), variant="fargate")


@rule("JDV-010")
def tmpfs_mounts(ctx: Context, c: Constraint):
    """tmpfs mounts have an absolute containerPath and documented mountOptions, and are not used on Fargate."""
    options = c.limits["mount_options"]
    for ptr, jd in ctx.entries("jobDefinitions"):
        fargate = lists_fargate(jd)
        for lptr, lp in _linux(ptr, jd):
            if "tmpfs" not in lp:
                continue
            if fargate:
                yield c.at(lptr / "tmpfs", at_key=True, where=(lptr / "tmpfs").dotted(), variant="fargate")
                continue
            for i, t in dicts(lp.get("tmpfs")):
                tptr = lptr / "tmpfs" / i
                path = t.get("containerPath")
                if isinstance(path, str) and not path.startswith("/"):
                    yield c.at(tptr / "containerPath", where=(tptr / "containerPath").dotted(), found=path,
                                  variant="path")
                mount_options = t.get("mountOptions")
                for j, opt in enumerate(mount_options if isinstance(mount_options, list) else []):
                    if not isinstance(opt, str):
                        continue
                    name = opt.split("=", 1)[0]
                    if name not in options:
                        optr = tptr / "mountOptions" / j
                        yield c.at(optr, where=optr.dotted(), found=opt, allowed=", ".join(options),
                                      suggestion=did_you_mean(name, options))


@rule("JDV-011")
def swap_and_shared_memory(ctx: Context, c: Constraint):
    """maxSwap is 0 or more and swappiness 0–100, swappiness comes with maxSwap, swap needs instance swap space, and none of these (nor sharedMemorySize) is used on Fargate."""
    lim = c.limits
    for ptr, jd in ctx.entries("jobDefinitions"):
        fargate = lists_fargate(jd)
        for lptr, lp in _linux(ptr, jd):
            if fargate:
                for key in ("maxSwap", "swappiness", "sharedMemorySize"):
                    if key in lp:
                        yield c.at(lptr / key, at_key=True, where=(lptr / key).dotted(), variant="fargate")
                continue
            max_swap, swappiness = lp.get("maxSwap"), lp.get("swappiness")
            if isinstance(max_swap, int):
                if max_swap < lim["max_swap_min"]:
                    yield c.at(lptr / "maxSwap", where=(lptr / "maxSwap").dotted(), found=max_swap)
                elif max_swap > 0:
                    yield c.at(lptr / "maxSwap", where=(lptr / "maxSwap").dotted(), found=max_swap, variant="no_swap")
            if isinstance(swappiness, int):
                if not lim["swappiness_min"] <= swappiness <= lim["swappiness_max"]:
                    yield c.at(lptr / "swappiness", where=(lptr / "swappiness").dotted(), found=swappiness,
                                  variant="swappiness")
                elif max_swap is None:
                    yield c.at(lptr / "swappiness", at_key=True, where=(lptr / "swappiness").dotted(),
                                  variant="ignored")


# --- 5.9 logging and secrets ----------------------------------------------------------


def _log_configs(ptr: Pointer, jd: dict) -> Iterator[tuple[Pointer, dict, Container]]:
    for c in containers(ptr, jd):
        lc = c.body.get("logConfiguration")
        if isinstance(lc, dict):
            yield c.ptr / "logConfiguration", lc, c


@rule("JDV-013")
def log_driver_on_fargate(ctx: Context, log_driver: Constraint):
    """On Fargate the log driver is awslogs or splunk (or awsfirelens in an ecsProperties container)."""
    lim = log_driver.limits
    for ptr, jd in ctx.entries("jobDefinitions"):
        if not lists_fargate(jd):
            continue
        for lc_ptr, lc, c in _log_configs(ptr, jd):
            allowed = lim["fargate_task_drivers"] if c.in_task else lim["fargate_drivers"]
            driver = lc.get("logDriver")
            if isinstance(driver, str) and driver not in allowed:
                yield log_driver.at(lc_ptr / "logDriver", where=(lc_ptr / "logDriver").dotted(), found=driver,
                              allowed=", ".join(allowed), variant="fargate")


@rule("JDV-014")
def awslogs_options(ctx: Context, c: Constraint):
    """The awslogs log driver gets only options it knows (a typo stops the container from starting)."""
    known = c.limits["awslogs_options"]
    for ptr, jd in ctx.entries("jobDefinitions"):
        for lc_ptr, lc, _ in _log_configs(ptr, jd):
            if lc.get("logDriver") != "awslogs" or not isinstance(lc.get("options"), dict):
                continue
            for key in lc["options"]:
                kptr = lc_ptr / "options" / key
                if isinstance(key, str) and key not in known:
                    yield c.at(kptr, at_key=True, where=(lc_ptr / "options").dotted(), found=key,
                                  suggestion=did_you_mean(key, known))


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


# --- 5.10 ecsProperties ---------------------------------------------------------------


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


# --- 5.11 eksProperties ---------------------------------------------------------------

_NOT_WITH_EKS = ("containerProperties", "ecsProperties", "platformCapabilities", "propagateTags", "nodeProperties")


@rule("JDK-001")
def eks_excludes_other_kinds(ctx: Context, c: Constraint):
    """A top-level eksProperties comes without containerProperties, ecsProperties, platformCapabilities, propagateTags and nodeProperties."""
    for ptr, jd in ctx.entries("jobDefinitions"):
        if "eksProperties" not in jd:
            continue
        # On type multinode, JD-002 already reports every top-level properties object (eksProperties included).
        keys = _NOT_WITH_EKS if jd.get("type") != "multinode" else ("platformCapabilities", "propagateTags")
        for key in keys:
            if key in jd:
                yield c.at(ptr / key, at_key=True, where=(ptr / key).dotted())


@rule("JDK-002")
def pod_container_names_are_unique(ctx: Context, unique: Constraint):
    """Container names (containers and initContainers, 'Default' when omitted) are unique in a pod."""
    default = unique.limits["default_name"]
    for ptr, jd in ctx.entries("jobDefinitions"):
        for pod_ptr, pod in _pods(ptr, jd):
            seen: dict[str, Pointer] = {}
            for cptr, c in _pod_containers(pod_ptr, pod):
                name = c.get("name", default)
                if not isinstance(name, str):
                    continue
                if name in seen:
                    if "name" in c:
                        at, where = cptr / "name", (cptr / "name").dotted()
                    else:
                        at, where = cptr, f"{cptr.dotted()} has no name, so its name"
                    yield unique.at(at, where=where, found=name, first=seen[name].dotted(), variant="duplicate")
                else:
                    seen[name] = cptr


_MEMORY = re.compile(r"^([0-9]+)Mi\Z")
_CPU = re.compile(r"^(?:([0-9]+(?:\.[0-9]+)?|\.[0-9]+)|([0-9]+)m)\Z")


def _cpu(value: str) -> Decimal | None:
    """vCPUs of a cpu quantity ('1', '0.5', '250m'); None when it isn't one."""
    m = _CPU.match(value)
    if not m:
        return None
    try:
        return Decimal(m.group(1)) if m.group(1) is not None else Decimal(m.group(2)) / 1000
    except InvalidOperation:
        return None


@rule("JDK-003")
def eks_resources(ctx: Context, quantities: Constraint):
    """EKS memory is whole MiB with Mi (at least 4Mi), cpu a multiple of 0.25, GPUs whole; limits equal requests for memory and GPUs, and are at least the requests for cpu."""
    lim = quantities.limits
    step = Decimal(str(lim["cpu_step"]))
    for ptr, jd in ctx.entries("jobDefinitions"):
        for pod_ptr, pod in _pods(ptr, jd):
            for cptr, c in _pod_containers(pod_ptr, pod):
                res = c.get("resources")
                if not isinstance(res, dict):
                    continue
                parsed: dict[str, dict[str, Any]] = {}
                for part in ("limits", "requests"):
                    values = res.get(part)
                    if not isinstance(values, dict):
                        continue
                    for name, value in values.items():
                        if not isinstance(value, str) or not isinstance(name, str):
                            continue
                        vptr = cptr / "resources" / part / name
                        if name == "memory":
                            m = _MEMORY.match(value)
                            if not m or int(m.group(1)) < lim["memory_min_mib"]:
                                yield quantities.at(vptr, where=vptr.dotted(), found=value, variant="memory")
                            else:
                                parsed.setdefault(part, {})[name] = int(m.group(1))
                        elif name == "cpu":
                            cpu = _cpu(value)
                            if cpu is None or cpu <= 0 or cpu % step != 0:
                                yield quantities.at(vptr, where=vptr.dotted(), found=value, variant="cpu")
                            else:
                                parsed.setdefault(part, {})[name] = cpu
                        elif name == "nvidia.com/gpu":
                            if not value.isdigit():
                                yield quantities.at(vptr, where=vptr.dotted(), found=value, variant="gpu")
                            else:
                                parsed.setdefault(part, {})[name] = int(value)
                limits, requests = parsed.get("limits", {}), parsed.get("requests", {})
                for name in ("memory", "nvidia.com/gpu", "cpu"):
                    if name not in limits or name not in requests:
                        continue
                    vptr = cptr / "resources" / "limits" / name
                    found, other = res["limits"][name], res["requests"][name]
                    if name == "cpu":
                        if limits[name] < requests[name]:
                            yield quantities.at(vptr, where=vptr.dotted(), found=found, other=other, variant="cpu_order")
                    elif limits[name] != requests[name]:
                        yield quantities.at(vptr, where=vptr.dotted(), found=found, other=other, resource=name,
                                      variant="equal")


_DNS_LABEL = r"[a-z0-9](?:[-a-z0-9]*[a-z0-9])?"
_DNS_SUBDOMAIN = re.compile(rf"^{_DNS_LABEL}(?:\.{_DNS_LABEL})*\Z")
_LABEL_CHARS = re.compile(r"^[A-Za-z0-9_-]*\Z")
_ANNOTATION_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9])?\Z")


def _annotation_key_problem(key: str, lim: dict) -> str | None:
    prefix, sep, name = key.rpartition("/")
    if sep:
        if len(prefix) > lim["annotation_prefix_max"] or not _DNS_SUBDOMAIN.match(prefix):
            return (f"its prefix '{prefix}' is not a DNS subdomain of at most {lim['annotation_prefix_max']} "
                    "lower-case letters, digits, '-' and '.'")
    if not name:
        return "an annotation key needs a name after the prefix"
    if len(name) > lim["annotation_name_max"]:
        return f"its name part is {len(name)} characters long; the maximum is {lim['annotation_name_max']}"
    if not _ANNOTATION_NAME.match(name):
        return ("its name part takes letters, digits, '-', '_' and '.', and starts and ends with a letter or digit")
    return None


@rule("JDK-006")
def pod_labels_and_annotations(ctx: Context, c: Constraint):
    """Pod labels are at most 63 characters (warning outside letters, digits, '-', '_'); annotation keys and values follow the Kubernetes syntax."""
    lim = c.limits
    for ptr, jd in ctx.entries("jobDefinitions"):
        for pod_ptr, pod in _pods(ptr, jd):
            meta = pod.get("metadata")
            if not isinstance(meta, dict):
                continue
            mptr = pod_ptr / "metadata"
            labels = meta.get("labels")
            lptr = mptr / "labels"
            for key, value in (labels.items() if isinstance(labels, dict) else ()):
                if not isinstance(key, str):
                    continue
                kptr = lptr / key
                name = key.rpartition("/")[2]
                if len(name) > lim["label_max"]:
                    yield c.at(kptr, at_key=True, where=lptr.dotted(), what="key", found=key, length=len(name))
                elif not _LABEL_CHARS.match(key):
                    yield c.at(kptr, at_key=True, where=lptr.dotted(), what="key", found=key,
                                  variant="label_chars")
                if isinstance(value, str):
                    if len(value) > lim["label_max"]:
                        yield c.at(kptr, where=lptr.dotted(), what="value", found=value, length=len(value))
                    elif not _LABEL_CHARS.match(value):
                        yield c.at(kptr, where=lptr.dotted(), what="value", found=value, variant="label_chars")
            annotations = meta.get("annotations")
            aptr = mptr / "annotations"
            for key, value in (annotations.items() if isinstance(annotations, dict) else ()):
                if not isinstance(key, str):
                    continue
                kptr = aptr / key
                detail = _annotation_key_problem(key, lim)
                if detail:
                    yield c.at(kptr, at_key=True, where=aptr.dotted(), found=key, detail=detail,
                                  variant="annotation_key")
                if isinstance(value, str) and len(value) > lim["annotation_value_max"]:
                    yield c.at(kptr, where=kptr.dotted(), found=len(value), variant="annotation_value")


@rule("JDK-007")
def pod_volumes(ctx: Context, pod_volume: Constraint):
    """Pod volume and secret names are DNS subdomain names, emptyDir.medium is '' or Memory, and every volume mount names a volume of the pod."""
    lim = pod_volume.limits
    for ptr, jd in ctx.entries("jobDefinitions"):
        for pod_ptr, pod in _pods(ptr, jd):
            names: list[str] = []
            for i, v in dicts(pod.get("volumes")):
                vptr = pod_ptr / "volumes" / i
                name = v.get("name")
                if isinstance(name, str):
                    names.append(name)
                    if len(name) > lim["dns_max"] or not _DNS_SUBDOMAIN.match(name):
                        yield pod_volume.at(vptr / "name", where=(vptr / "name").dotted(), found=name, what="a volume name")
                secret = v.get("secret")
                if isinstance(secret, dict) and isinstance(secret.get("secretName"), str):
                    sname = secret["secretName"]
                    if len(sname) > lim["dns_max"] or not _DNS_SUBDOMAIN.match(sname):
                        sptr = vptr / "secret" / "secretName"
                        yield pod_volume.at(sptr, where=sptr.dotted(), found=sname, what="a secret name")
                empty = v.get("emptyDir")
                if isinstance(empty, dict) and isinstance(empty.get("medium"), str) \
                        and empty["medium"] not in lim["media"]:
                    eptr = vptr / "emptyDir" / "medium"
                    yield pod_volume.at(eptr, where=eptr.dotted(), found=empty["medium"], variant="medium")
            for cptr, c in _pod_containers(pod_ptr, pod):
                for k, mount in dicts(c.get("volumeMounts")):
                    mptr = cptr / "volumeMounts" / k
                    name = mount.get("name")
                    if name is None:
                        yield pod_volume.at(mptr, where=mptr.dotted(), variant="missing")
                    elif isinstance(name, str) and name not in names:
                        listed = "its volumes: " + ", ".join(names) if names else "it has no volumes"
                        yield pod_volume.at(mptr / "name", where=(mptr / "name").dotted(), found=name, volumes=listed,
                                      suggestion=did_you_mean(name, names), variant="mount")


def _seccomp_profiles(pod_ptr: Pointer, pod: dict) -> Iterator[tuple[Pointer, dict]]:
    sc = pod.get("securityContext")
    if isinstance(sc, dict) and isinstance(sc.get("seccompProfile"), dict):
        yield pod_ptr / "securityContext" / "seccompProfile", sc["seccompProfile"]
    for cptr, c in _pod_containers(pod_ptr, pod):
        sc = c.get("securityContext")
        if isinstance(sc, dict) and isinstance(sc.get("seccompProfile"), dict):
            yield cptr / "securityContext" / "seccompProfile", sc["seccompProfile"]


@rule("JDK-009")
def seccomp_localhost_profile(ctx: Context, c: Constraint):
    """seccompProfile.localhostProfile is given exactly when the type is Localhost."""
    for ptr, jd in ctx.entries("jobDefinitions"):
        for pod_ptr, pod in _pods(ptr, jd):
            for sptr, profile in _seccomp_profiles(pod_ptr, pod):
                kind = profile.get("type")
                if kind == "Localhost" and "localhostProfile" not in profile:
                    yield c.at(sptr / "type", where=(sptr / "type").dotted(), variant="localhost_missing")
                elif kind != "Localhost" and "localhostProfile" in profile:
                    yield c.at(sptr / "localhostProfile", at_key=True, where=(sptr / "localhostProfile").dotted(),
                                  found=kind, variant="localhost_extra")
