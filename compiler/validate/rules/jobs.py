"""A job names its queue and definition in a valid form, and the definition can run on the queue; not its resources.

Whether the job's vCPUs, memory and GPUs fit what the queue can launch is capacity's; its
overrides, dependencies and placeholders have topics of their own.
"""
from __future__ import annotations

import re

from ...catalog import Constraint
from ...job_shapes import platforms
from ...language import is_arn, split_revision
from ..context import Context, rule
from ..targets import env_labels, targets


_QUEUE_ARN = re.compile(r"^arn:aws[a-z-]*:batch:[a-z0-9-]+:[0-9]{12}:job-queue/[A-Za-z0-9_-]{1,128}\Z")
_JD_ARN = re.compile(r"^arn:aws[a-z-]*:batch:[a-z0-9-]+:[0-9]{12}:job-definition/[A-Za-z0-9_-]{1,128}(:([0-9]+))?\Z")


@rule("SJ-002")
def job_queue_arn_names_a_queue(ctx: Context, c: Constraint):
    """A jobQueue given by ARN is a job-queue ARN (arn:<partition>:batch:<region>:<account>:job-queue/<name>)."""
    for ptr, job in ctx.entries("jobs"):
        value = job.get("jobQueue")
        if is_arn(value) and not _QUEUE_ARN.match(value):
            yield c.at(ptr / "jobQueue", found=value)


@rule("SJ-003")
def job_definition_reference_form(ctx: Context, c: Constraint):
    """jobDefinition is a name, name:revision or a job-definition ARN; revisions start at 1."""
    for ptr, job in ctx.entries("jobs"):
        value = job.get("jobDefinition")
        if not isinstance(value, str):
            continue
        if is_arn(value):
            m = _JD_ARN.match(value)
            if not m:
                yield c.at(ptr / "jobDefinition", found=value, variant="arn")
            elif m.group(2) is not None and int(m.group(2)) < 1:
                yield c.at(ptr / "jobDefinition", found=value, revision=m.group(2))
        else:
            name, revision = split_revision(value)
            if revision is not None and revision < 1:
                yield c.at(ptr / "jobDefinition", found=value, revision=revision)


_FAMILY_WORDS = {"EC2": "EC2, SPOT or UNMANAGED (ECS)", "FARGATE": "FARGATE or FARGATE_SPOT",
                 "MANAGED_INSTANCES": "ECS_MANAGED_INSTANCES", "EKS": "EKS"}


@rule("XR-003")
def job_definition_platform_matches_queue(ctx: Context, c: Constraint):
    """A job's definition can run on its queue: FARGATE on Fargate, EC2 on EC2/SPOT/UNMANAGED, MANAGED_INSTANCES on ECS Managed Instances, EKS on EKS."""
    for t in targets(ctx):
        envs = t.known_envs
        if t.jd is None or not envs:
            continue
        wanted = set(platforms(t.jd))
        if wanted and not any(e.family in wanted for e in envs):
            caps = "/".join(sorted(wanted))
            yield c.at(t.pointer / "jobQueue", jd=t.jd_name, queue=t.queue_name, capability=caps,
                       needed=" or ".join(_FAMILY_WORDS[w] for w in sorted(wanted)), envs=env_labels(envs))


def _operating_system(jd: dict) -> str | None:
    """The job definition's runtimePlatform.operatingSystemFamily, if it sets one."""
    places = [jd.get("containerProperties")]
    ecs = jd.get("ecsProperties")
    if isinstance(ecs, dict) and isinstance(ecs.get("taskProperties"), list):
        places.extend(ecs["taskProperties"])
    for place in places:
        platform = place.get("runtimePlatform") if isinstance(place, dict) else None
        family = platform.get("operatingSystemFamily") if isinstance(platform, dict) else None
        if isinstance(family, str):
            return family
    return None


@rule("JQ-018")
def windows_jobs_avoid_fargate_spot_only_queues(ctx: Context, c: Constraint):
    """A Windows job is not sent to a queue whose only compute environments are FARGATE_SPOT."""
    for t in targets(ctx):
        envs = t.known_envs  # all of them: an environment outside the spec might run Windows
        if t.jd is None or not envs or not all(e.kind.label == "FARGATE_SPOT" for e in envs):
            continue
        family = _operating_system(t.jd)
        if family and family.upper().startswith("WINDOWS"):
            vptr = t.pointer / "jobQueue"
            yield c.at(vptr, where=vptr.dotted(), found=t.queue_name, jd=t.jd_name, os=family)
