"""ECS volumes and mount points: unique names, mounts naming a volume, EFS settings, no host on Fargate; not EKS."""
from __future__ import annotations

import re
from typing import Iterator

from ...catalog import Constraint
from ...job_shapes import Container, containers, dicts, lists_fargate
from ...problems import Pointer
from ..context import Context, rule
from ..schema import did_you_mean


def _scopes(ptr: Pointer, jd: dict) -> Iterator[Container]:
    """The first container of each mapping that holds `volumes` (container properties or an ecsProperties task)."""
    seen = set()
    for c in containers(ptr, jd):
        if c.scope_ptr not in seen:
            seen.add(c.scope_ptr)
            yield c


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
    """Each mount point has sourceVolume and an absolute containerPath of its own, and sourceVolume names a volume of the same container properties."""
    for ptr, jd in ctx.entries("jobDefinitions"):
        for c in containers(ptr, jd):
            names = _volume_names(c.scope_ptr, c.scope)
            paths: dict[str, int] = {}
            for i, mp in dicts(c.body.get("mountPoints")):
                mptr = c.ptr / "mountPoints" / i
                for key in ("sourceVolume", "containerPath"):
                    if key not in mp:
                        yield mount.at(mptr, where=mptr.dotted(), key=key, variant="missing")
                path = mp.get("containerPath")
                if isinstance(path, str):
                    pptr, same = mptr / "containerPath", path.rstrip("/\\") or path  # /data/ is /data
                    if not _absolute(path):
                        yield mount.at(pptr, variant="path", where=pptr.dotted(), found=path)
                    elif same in paths:
                        yield mount.at(pptr, variant="duplicate_path", where=pptr.dotted(), found=path,
                                       first=f"mountPoints[{paths[same]}]")
                    else:
                        paths[same] = i
                source = mp.get("sourceVolume")
                if isinstance(source, str) and source not in names:
                    listed = "its volumes: " + ", ".join(names) if names else "it has no volumes"
                    yield mount.at(mptr / "sourceVolume", where=(mptr / "sourceVolume").dotted(), found=source,
                                   scope=c.scope_ptr.dotted(), volumes=listed,
                                   suggestion=did_you_mean(source, names))


_WINDOWS_PATH = re.compile(r"[A-Za-z]:[\\/]")


def _absolute(path: str) -> bool:
    """An absolute path in a Linux container (/data) or a Windows one (C:\\data)."""
    return path.startswith("/") or _WINDOWS_PATH.match(path) is not None


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
