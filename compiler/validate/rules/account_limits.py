"""Account-level counts across the spec, with `quotas:`; not what the account already holds (counts are lower bounds)."""
from __future__ import annotations

from ...catalog import Constraint
from ...problems import Pointer
from ..context import Context, rule


def _too_many(ctx: Context, section: str, c: Constraint):
    items = ctx.data.get(section)
    limit = c.limit("max", ctx.quotas)
    if isinstance(items, list) and len(items) > limit:
        yield c.at(Pointer((section, limit)), found=len(items))


@rule("AC-001")
def job_queues_per_account(ctx: Context, c: Constraint):
    """The spec defines no more job queues than an account may hold (50, or quotas.jobQueuesPerAccount)."""
    yield from _too_many(ctx, "jobQueues", c)


@rule("AC-002")
def compute_environments_per_account(ctx: Context, c: Constraint):
    """The spec defines no more compute environments than an account may hold (50, or quotas.computeEnvironmentsPerAccount)."""
    yield from _too_many(ctx, "computeEnvironments", c)


@rule("AC-010")
def compute_environments_per_eks_cluster(ctx: Context, c: Constraint):
    """At most 5 compute environments of the spec use one EKS cluster."""
    limit = c.limit("max")
    seen: dict[str, int] = {}
    for ptr, ce in ctx.entries("computeEnvironments"):
        eks = ce.get("eksConfiguration")
        cluster = eks.get("eksClusterArn") if isinstance(eks, dict) else None
        if not isinstance(cluster, str):
            continue
        seen[cluster] = seen.get(cluster, 0) + 1
        if seen[cluster] > limit:
            where = ptr / "eksConfiguration" / "eksClusterArn"
            yield c.at(where, where=where.dotted(), found=seen[cluster], cluster=cluster)


@rule("AC-013")
def share_identifiers_per_fair_share_queue(ctx: Context, c: Constraint):
    """The spec's jobs use at most 500 distinct share identifiers per fair-share job queue (advice)."""
    limit = c.limit("max")
    fair_share = {q.get("jobQueueName") for _, q in ctx.entries("jobQueues")
                  if "schedulingPolicyArn" in q and isinstance(q.get("jobQueueName"), str)}
    identifiers: dict[str, set[str]] = {}
    for ptr, job in ctx.entries("jobs"):
        queue, share = job.get("jobQueue"), job.get("shareIdentifier")
        if not isinstance(queue, str) or queue not in fair_share or not isinstance(share, str):
            continue
        ids = identifiers.setdefault(queue, set())
        if share in ids or len(ids) > limit:
            continue
        ids.add(share)
        if len(ids) > limit:
            where = ptr / "shareIdentifier"
            yield c.at(where, where=where.dotted(), found=share, count=len(ids), queue=queue)
