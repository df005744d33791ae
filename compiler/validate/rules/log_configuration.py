"""Log drivers and awslogs options a container can start with; not whether the log group exists."""
from __future__ import annotations

from typing import Iterator

from ...catalog import Constraint
from ...job_shapes import Container, containers, lists_fargate
from ...problems import Pointer
from ..context import Context, rule
from ..schema import did_you_mean


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
