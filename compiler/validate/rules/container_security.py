"""Security advisories for containers: privileged mode, root with host volumes, credentials in plain text; not images."""
from __future__ import annotations

import re

from ...catalog import Constraint
from ...job_shapes import containers, lists_fargate, single_container
from ...language import is_arn
from ..context import Context, rule


@rule("BG-107")
def container_is_not_privileged(ctx: Context, c: Constraint):
    """Containers don't run privileged (checkov CKV_AWS_210)."""
    for ptr, jd in ctx.entries("jobDefinitions"):
        for k in containers(ptr, jd):
            # The containers of ecsProperties tasks inside node ranges are not looked at (yet).
            if k.body.get("privileged") is True and not (k.in_task and k.in_node):
                p = k.ptr / "privileged"
                yield c.at(p, where=p.dotted())


@rule("JDC-008")
def not_privileged_on_fargate(ctx: Context, c: Constraint):
    """Fargate containers are not privileged."""
    for ptr, jd in ctx.entries("jobDefinitions"):
        single = single_container(ptr, jd) if lists_fargate(jd) else None
        if single and single[1].get("privileged") is True:
            yield c.at(single[0] / "privileged", where=(single[0] / "privileged").dotted())


@rule("BG-108")
def host_volume_user_is_set(ctx: Context, user_set: Constraint):
    """A container that mounts a host volume sets user."""
    for ptr, jd in ctx.entries("jobDefinitions"):
        for k in containers(ptr, jd):
            c = k.body
            if c.get("user") not in (None, "") or (k.in_task and k.in_node):  # as BG-107
                continue
            volumes = k.scope.get("volumes") or []
            host = {v.get("name"): v for v in volumes if isinstance(v, dict) and isinstance(v.get("host"), dict)}
            for m, mount in enumerate(c.get("mountPoints") or []):
                if isinstance(mount, dict) and mount.get("sourceVolume") in host:
                    p = k.ptr / "mountPoints" / m
                    yield user_set.at(p, where=p.dotted(), volume=mount["sourceVolume"],
                                      path=mount.get("containerPath", "?"))
                    break


@rule("JDC-005")
def no_plaintext_credentials(ctx: Context, plaintext: Constraint):
    """Environment variables whose names look like credentials hold no plaintext value."""
    lim = plaintext.limits
    words = [re.compile(r"(^|_)" + re.escape(w) + r"(_|$)") for w in lim["words"]]
    for ptr, jd in ctx.entries("jobDefinitions"):
        for cptr, c, *_ in containers(ptr, jd):
            env = c.get("environment")
            if not isinstance(env, list):
                continue
            for i, kv in enumerate(env):
                if not isinstance(kv, dict):
                    continue
                name, value = kv.get("name"), kv.get("value")
                if not isinstance(name, str) or not isinstance(value, str) or not value or is_arn(value):
                    continue
                normal = re.sub(r"[^A-Z0-9]+", "_", name.upper())
                if any(normal.endswith(s) for s in lim["ignore_suffixes"]):
                    continue
                if any(w.search(normal) for w in words):
                    yield plaintext.at(cptr / "environment" / i / "value", where=(cptr / "environment" / i).dotted(),
                                       name=name)
