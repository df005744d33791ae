"""Log drivers and awslogs options a container can start with, and the log groups batchgen creates (logGroups)."""
from __future__ import annotations

from typing import Iterator

from ...catalog import Constraint
from ...job_shapes import Container, containers, lists_fargate
from ...naming import tf_label
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


# AWS Batch's own default group: it exists once a job has logged with the default configuration.
BATCH_LOG_GROUP = "/aws/batch/job"


@rule("JDV-014")
def awslogs_options(ctx: Context, c: Constraint):
    """The awslogs log driver gets only options it knows (a typo stops the container from starting), and a group something creates."""
    known = c.limits["awslogs_options"]
    created = set(ctx.names("logGroups")) | {BATCH_LOG_GROUP}
    for ptr, jd in ctx.entries("jobDefinitions"):
        for lc_ptr, lc, _ in _log_configs(ptr, jd):
            options = lc.get("options")
            if lc.get("logDriver") != "awslogs" or not isinstance(options, dict):
                continue
            for key in options:
                kptr = lc_ptr / "options" / key
                if isinstance(key, str) and key not in known:
                    yield c.at(kptr, at_key=True, where=(lc_ptr / "options").dotted(), found=key,
                               suggestion=did_you_mean(key, known))
            group = options.get("awslogs-group")
            if isinstance(group, str) and group not in created and \
                    str(options.get("awslogs-create-group", "")).lower() != "true":
                gptr = lc_ptr / "options" / "awslogs-group"
                yield c.at(gptr, variant="group_not_created", where=gptr.dotted(), found=group)


@rule("BG-161", "BG-162")
def log_groups(ctx: Context, unique: Constraint, advice: Constraint):
    """logGroups entries have distinct names and Terraform labels; each is KMS-encrypted and kept a year (checkov)."""
    names: dict[str, Pointer] = {}
    labels: dict[str, str] = {}
    for ptr, g in ctx.entries("logGroups"):
        name = g["name"]
        if name in names:
            yield unique.at(ptr / "name", variant="duplicate", found=name, first=names[name].dotted())
            continue
        names[name] = ptr
        label = tf_label(name)
        if label in labels:
            yield unique.at(ptr / "name", variant="label", found=name, other=labels[label], label=label)
        labels.setdefault(label, name)
        if "kmsKeyId" not in g:
            yield advice.at(ptr / "name", at_key=True, where=ptr.dotted())
        days = g["retentionInDays"]
        if days < advice.limits["min_retention"]:
            yield advice.at(ptr / "retentionInDays", variant="retention", where=(ptr / "retentionInDays").dotted(),
                            found=days)
