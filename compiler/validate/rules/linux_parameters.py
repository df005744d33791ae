"""ulimits and linuxParameters (devices, tmpfs, swap, shared memory) where the platform takes them; not the kernel."""
from __future__ import annotations

from typing import Iterator

from ...catalog import Constraint
from ...job_shapes import containers, dicts, lists_fargate
from ...problems import Pointer
from ..context import Context, rule
from ..schema import did_you_mean


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
