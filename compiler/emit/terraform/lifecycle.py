"""Terraform that survives its own updates: lifecycle blocks and the small helper resources
that let a changed spec apply cleanly over the last one (docs/day-two.md).

- A compute environment is named `<spec name>-<replacement key>` (compiler/replacement.py)
  and is `create_before_destroy`: a change that needs a new environment creates it beside the
  old one under a new name, the queues move to it, and only then is the old one deleted.
  `desired_vcpus` is ignored after creation: AWS Batch scales it (CE-013).
- A `time_sleep` (hashicorp/time) per environment waits RELEASE_WAIT between the queues'
  update and the old environment's delete: AWS Batch can still report the queue relationship
  right after UpdateJobQueue (hashicorp/terraform-provider-aws#46925, "Cannot delete, found
  existing JobQueue relationship"). It is replaced with its environment (`triggers`), the
  queues that use the environment depend on it, so Terraform destroys the old one (its
  `destroy_duration` wait) after their update and before the old environment's delete; a
  `local-exec` destroy provisioner would not do: Terraform runs none for an object replaced
  create-before-destroy.
- A queue is FIFO or fair-share for life (JQ-014): a `terraform_data` holds which, and the
  queue is `replace_triggered_by` it, so switching replaces the queue instead of failing.
- Job definitions keep their old revisions ACTIVE (`deregister_on_new_revision = false`).
- IAM roles and instance profiles are `create_before_destroy`: a renamed role exists before
  what uses it moves to it, and is deleted after.

Used by batch.py and iam.py; knows the model and HCL values, nothing about files. The
compute environments' AWS names are the model's (resolve gives each its replacement key).
"""
from __future__ import annotations

from ...model import Model, Ref, Resource
from ...replacement import FARGATE_TYPES, is_fair_share
from . import hcl

RELEASE_WAIT = "60s"
FAIR_SHARE, FIFO = "fair-share", "fifo"


def release_label(ce_label: str) -> str:
    return f"{ce_label}_release"


def scheduling_label(queue_label: str) -> str:
    return f"{queue_label}_scheduling"


def compute_environment_lifecycle(r: Resource, desired_vcpus: str) -> hcl.Block:
    """create_before_destroy, and `desired_vcpus` (the attribute's address in the resource)
    ignored."""
    body: list = [hcl.Attr("create_before_destroy", True)]
    cr = r.body.get("computeResources")
    if isinstance(cr, dict) and cr.get("type") not in FARGATE_TYPES:
        body.append(hcl.Attr("ignore_changes", [hcl.Expr(desired_vcpus)]))
    return hcl.Block("lifecycle", (), body)


def compute_environment_release(r: Resource, arn: hcl.Expr) -> list:
    """The time_sleep that waits before the old environment (whose ARN is `arn`) is deleted."""
    return [
        hcl.Comment(f"Waits {RELEASE_WAIT} after the queues move off compute environment {r.name} and before it "
                    "is deleted:\nAWS Batch can still report the queue relationship right after the queue update "
                    "\n(hashicorp/terraform-provider-aws#46925). Only when the environment is replaced or destroyed."),
        hcl.Block("resource", ("time_sleep", release_label(r.label)), [
            hcl.Attr("destroy_duration", RELEASE_WAIT),
            hcl.Blank(),
            hcl.Attr("triggers", {"compute_environment": arn}),
            hcl.Blank(),
            hcl.Block("lifecycle", (), [hcl.Attr("create_before_destroy", True)]),
        ]),
    ]


def queue_scheduling(q: Resource) -> list:
    """The terraform_data that records whether the queue is FIFO or fair-share (JQ-014)."""
    return [
        hcl.Comment(f"Job queue {q.name} is "
                    + ("fair-share (it has a scheduling policy)" if is_fair_share(q.body)
                       else "first-in, first-out (no scheduling policy)")
                    + ". AWS can't switch a queue\nbetween the two (JQ-014): a change here replaces the queue, "
                      "and the jobs waiting in it are lost."),
        hcl.Block("resource", ("terraform_data", scheduling_label(q.label)), [
            hcl.Attr("input", FAIR_SHARE if is_fair_share(q.body) else FIFO),
        ]),
    ]


def queue_release_dependencies(q: Resource, ce_labels: dict[str, str]) -> list[hcl.Expr]:
    """The release waits of the spec's environments this queue uses."""
    deps = []
    for entry in q.body.get("computeEnvironmentOrder") or []:
        ref = entry.get("computeEnvironment") if isinstance(entry, dict) else None
        if isinstance(ref, Ref) and ref.name in ce_labels:
            expr = hcl.Expr(f"time_sleep.{release_label(ce_labels[ref.name])}")
            if expr not in deps:
                deps.append(expr)
    return deps


def queue_lifecycle(q: Resource) -> hcl.Block:
    return hcl.Block("lifecycle", (), [
        hcl.Attr("replace_triggered_by", [hcl.Expr(f"terraform_data.{scheduling_label(q.label)}")]),
    ])


def create_before_destroy() -> hcl.Block:
    return hcl.Block("lifecycle", (), [hcl.Attr("create_before_destroy", True)])


def uses_lifecycle(model: Model) -> bool:
    return bool(model.compute_environments or model.job_queues)
