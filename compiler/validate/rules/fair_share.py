"""Scheduling policies and the share identifiers jobs use on fair-share queues; not the shares of running jobs."""
from __future__ import annotations

import re
from typing import Iterator

from ...catalog import Constraint
from ...problems import Pointer
from ..context import Context, rule
from ..shapes import describe_chars
from ..targets import targets


@rule("SP-002")
def policy_has_one_policy_type(ctx: Context, c: Constraint):
    """A scheduling policy sets fairsharePolicy or quotaSharePolicy, not both."""
    for ptr, policy in ctx.entries("schedulingPolicies"):
        keys = [k for k in policy if k in ("fairsharePolicy", "quotaSharePolicy")]
        if len(keys) == 2:
            yield c.at(ptr / keys[1], at_key=True, where=ptr.dotted())


def _share_identifiers(ctx: Context) -> Iterator[tuple[Pointer, list[tuple[int, str]]]]:
    """(pointer of shareDistribution, [(index, shareIdentifier)]) for every valid policy."""
    for ptr, policy in ctx.entries("schedulingPolicies"):
        fair = policy.get("fairsharePolicy")
        dist = fair.get("shareDistribution") if isinstance(fair, dict) else None
        if not isinstance(dist, list):
            continue
        ids = [(i, d["shareIdentifier"]) for i, d in enumerate(dist)
               if isinstance(d, dict) and isinstance(d.get("shareIdentifier"), str)]
        yield ptr / "fairsharePolicy" / "shareDistribution", ids


def _split_share(identifier: str) -> tuple[str, bool]:
    """'UserA*' -> ('UserA', True); 'UserA1' -> ('UserA1', False)."""
    return (identifier[:-1], True) if identifier.endswith("*") else (identifier, False)


@rule("SP-005")
def share_identifier_has_a_valid_shape(ctx: Context, shape: Constraint):
    """A shareIdentifier is 1–255 characters with '*' only at the end; letters and digits advised."""
    limits = shape.limits
    for dptr, ids in _share_identifiers(ctx):
        for i, identifier in ids:
            vptr = dptr / i / "shareIdentifier"
            body, _ = _split_share(identifier)
            if "*" in body:
                yield shape.at(vptr, variant="star", where=vptr.dotted(), found=identifier)
            elif not limits["min"] <= len(body) <= limits["max"]:
                yield shape.at(vptr, where=vptr.dotted(), found=identifier, length=len(body))
            else:
                bad = [c for c in dict.fromkeys(body) if not (c.isascii() and c.isalnum())]
                if bad:
                    yield shape.at(vptr, variant="chars", where=vptr.dotted(), found=identifier,
                                    chars=describe_chars(bad))


@rule("SP-006", reads=("SP-005",))
def share_identifiers_do_not_overlap(ctx: Context, c: Constraint, shape: Constraint):
    """No share identifier of a policy is repeated or covered by another entry's prefix."""
    limits = shape.limits
    for dptr, ids in _share_identifiers(ctx):
        earlier: list[tuple[int, str, str, bool]] = []
        for i, identifier in ids:
            body, prefix = _split_share(identifier)
            if "*" in body or not limits["min"] <= len(body) <= limits["max"]:
                continue  # SP-005's error
            for j, other, obody, oprefix in earlier:
                detail = None
                if identifier == other:
                    detail = "the same identifier twice"
                elif oprefix and body.startswith(obody):
                    detail = f"'{other}' already covers every identifier that starts with '{obody}'"
                elif prefix and obody.startswith(body):
                    detail = (f"'{identifier}' also covers every identifier '{other}' covers" if oprefix
                              else f"'{identifier}' also covers '{other}'")
                if detail:
                    vptr = dptr / i / "shareIdentifier"
                    yield c.at(vptr, where=vptr.dotted(), found=identifier, other=other, other_index=j,
                               detail=detail)
                    break
            earlier.append((i, identifier, body, prefix))


@rule("SJ-004")
def share_identifier_form(ctx: Context, c: Constraint):
    """shareIdentifier is 1–255 characters with `*` only at the end; other than letters and digits is a warning."""
    lim = c.limits
    for ptr, job in ctx.entries("jobs"):
        value = job.get("shareIdentifier")
        if not isinstance(value, str):
            continue
        body = value[:-1] if value.endswith("*") else value
        if not lim["min"] <= len(value) <= lim["max"]:
            yield c.at(ptr / "shareIdentifier", found=value, length=len(value))
        elif "*" in body:
            yield c.at(ptr / "shareIdentifier", found=value, variant="star")
        elif not re.fullmatch(lim["characters"], body):
            yield c.at(ptr / "shareIdentifier", found=value, variant="characters")


@rule("XR-008")
def fair_share_identifiers(ctx: Context, c: Constraint):
    """shareIdentifier is set exactly when the queue has a fair-share policy; priority overrides and unlisted identifiers on such queues get warnings."""
    for t in targets(ctx):
        if t.queue is None:
            continue
        policy_ref = t.queue.get("schedulingPolicyArn")
        share = t.job.get("shareIdentifier")
        if policy_ref is None:
            if "shareIdentifier" in t.job:
                yield c.at(t.pointer / "shareIdentifier", at_key=True, queue=t.queue_name, variant="forbidden")
            if "schedulingPriorityOverride" in t.job:
                yield c.at(t.pointer / "schedulingPriorityOverride", at_key=True, queue=t.queue_name,
                           variant="priority")
            continue
        policy = ctx.named("schedulingPolicies", policy_ref) if isinstance(policy_ref, str) else None
        if policy is not None and "quotaSharePolicy" in policy[1]:
            continue  # a SageMaker quota-share queue: no fair-share identifiers
        if "shareIdentifier" not in t.job:
            yield c.at(t.pointer / "jobQueue", queue=t.queue_name, policy=policy_ref, variant="required")
            continue
        fsp = policy[1].get("fairsharePolicy") if policy else None
        dist = fsp.get("shareDistribution") if isinstance(fsp, dict) else None
        ids = [d.get("shareIdentifier") for d in dist if isinstance(d, dict)] if isinstance(dist, list) else []
        ids = [i for i in ids if isinstance(i, str)]
        if ids and isinstance(share, str) and not any(_share_covers(i, share) for i in ids):
            yield c.at(t.pointer / "shareIdentifier", found=share, policy=policy_ref,
                       listed=", ".join(ids), variant="distribution")


def _share_covers(listed: str, share: str) -> bool:
    return listed == share or (listed.endswith("*") and share.startswith(listed[:-1]))
