"""What batchgen writes fits AWS's size limits, measured on the resolved model; not the spec's own entries.

These measure the request bodies and policy documents as the emitters write them (the
model's one renderer, model.arns: partition, Region, account, IAM paths and revisions), so
what is measured is what is sent. They run after resolve, once the spec has no errors:
a spec with errors can't be resolved, so these diagnostics come on the run after the
others are fixed. Knows no positions: a finding points at the model entry's spec pointer.
"""
from __future__ import annotations

import json
import re
from typing import Any, Iterator

from ...catalog import Constraint
from ...language import RefKind
from ...model import Model, Ref
from ...problems import Finding
from ..context import model_rule


def _compact_size(value: Any) -> int:
    """UTF-8 bytes of the compact JSON of a request body (XR-011, XR-012)."""
    return len(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


_SPACE = re.compile(r"\s")


def _policy_size(doc: Any) -> int:
    """IAM's measure of a policy: its characters without whitespace (BG-105)."""
    return len(_SPACE.sub("", json.dumps(doc, separators=(",", ":"), ensure_ascii=False)))


@model_rule("XR-011", "XR-012")
def request_bodies_fit(model: Model, definition_limit: Constraint, submit_limit: Constraint) -> Iterator[Finding]:
    """The register-job-definition body batchgen writes is at most 24 KiB, and each submit-job body at most 30 KiB (compact JSON, after resolution)."""
    for c, resources in ((definition_limit, model.job_definitions), (submit_limit, model.jobs)):
        limit = c.limits["max"]
        for r in resources:
            size = _compact_size(model.request_body(r))
            if size > limit:
                yield c.at(r.pointer, name=r.name, found=size)


@model_rule("SJ-006")
def propagated_tags_fit(model: Model, c: Constraint) -> Iterator[Finding]:
    """With propagateTags, the job's and its definition's tags together (default tags included) are at most 50."""
    limit = c.limits["max"]
    definitions = {d.name: d for d in model.job_definitions}
    for job in model.jobs:
        ref = job.body.get("jobDefinition")
        jd = definitions.get(ref.name) if isinstance(ref, Ref) and ref.kind is RefKind.JOB_DEFINITION else None
        if jd is None:
            continue  # an ARN of a definition outside the spec: its tags are unknown
        if job.body.get("propagateTags", jd.body.get("propagateTags")) is not True:
            continue
        keys = {*(model.request_body(job).get("tags") or {}), *(model.request_body(jd).get("tags") or {})}
        if len(keys) > limit:
            own = "propagateTags" in job.body
            at = job.pointer / ("propagateTags" if own else "jobDefinition")
            yield c.at(at, at_key=own, found=len(keys), jd=jd.name)


@model_rule("BG-105")
def policies_fit_iam_size_limits(model: Model, c: Constraint) -> Iterator[Finding]:
    """Managed policies, a role's inline policies together, and trust policies fit IAM's size limits."""
    lim = c.limits
    arns = model.arns
    for p in model.policies:
        size = _policy_size(arns.value(p.document))
        if size > lim["managed_max"]:
            yield c.at(p.pointer / p.document_key, what=f"managed policy '{p.name}'", size=size, max=lim["managed_max"])
    for role in model.roles:
        if not role.spec:
            continue  # generated roles: a few hundred characters by construction
        total = sum(_policy_size(arns.value(ip.document)) for ip in role.inline_policies)
        if total > lim["inline_total_max"]:
            yield c.at(role.pointer / "Policies", what=f"the inline policies of role '{role.name}' together",
                       size=total, max=lim["inline_total_max"])
        size = _policy_size(arns.value(role.assume_role_policy()))
        if size > lim["trust_max"]:
            yield c.at(role.pointer / "AssumeRolePolicyDocument", what=f"the trust policy of role '{role.name}'",
                       size=size, max=lim["trust_max"])
