"""The root module's settings: versions.tf (Terraform and provider requirements), backend.tf
(where state lives) and providers.tf (the aws provider: region, the accounts it may act in,
the role it assumes, default tags; and the awscc provider when an entry needs it, BG-011).

Written with the typed HCL writer like every other file, so they are in `terraform fmt`
form and every value from the spec is quoted by construction.
"""
from __future__ import annotations

from ...model import Model
from ...tfmap import AWS, AWSCC
from . import hcl
from .references import Addresses

# The provider's assume_role arguments, by the spec's names.
ASSUME_ROLE = (("roleArn", "role_arn"), ("sessionName", "session_name"), ("externalId", "external_id"),
               ("duration", "duration"))

# The hashicorp/awscc versions batchgen writes for: the provider's published documentation
# (registry.terraform.io/providers/hashicorp/awscc/<version>/docs/resources/batch_*) lists
# quota_share_policy, managed_instances_provider, capacity_tags and scaling_policy from 1.97.0,
# s3_files_volume_configuration from 1.98.0 and the compute environment's ecs_settings from
# 1.100.0: every argument of the schema batchgen maps (tests/fixtures/README.md). docs/awscc.md.
AWSCC_VERSION = ">= 1.100.0"

# hashicorp/time, for the time_sleep that waits before a replaced compute environment is
# deleted (lifecycle.py, docs/day-two.md); 0.9 has time_sleep's destroy_duration and triggers.
TIME_PROVIDER = {"source": "hashicorp/time", "version": ">= 0.9"}

_AWSCC_NOTE = ("hashicorp/awscc writes the AWS Batch entries hashicorp/aws can't carry (BG-011, docs/awscc.md).\n"
               "It has no default_tags: each awscc resource carries the spec's tags in its own `tags`.\n"
               "It has no allowed_account_ids: when set, the aws provider's check fails the plan before anything is applied.")


def versions_blocks(model: Model, refs: Addresses) -> list:
    settings = model.terraform
    providers: list = [hcl.Attr(AWS.name, {"source": AWS.source, "version": settings.provider_version})]
    if refs.uses_awscc:
        providers.append(hcl.Attr(AWSCC.name, {"source": AWSCC.source, "version": AWSCC_VERSION}))
    if model.compute_environments:
        providers += [hcl.Comment("time_sleep: the wait before a replaced compute environment is deleted "
                                  "(docs/day-two.md)"), hcl.Attr("time", dict(TIME_PROVIDER))]
    return [hcl.Block("terraform", (), [
        hcl.Attr("required_version", settings.required_version),
        hcl.Blank(),
        hcl.Block("required_providers", (), providers),
    ])]


def backend_blocks(model: Model) -> list:
    """backend.tf, when the spec says where state lives: `terraform init` reads it."""
    if model.terraform.backend is None:
        return []
    kind, config = model.terraform.backend
    return [hcl.Block("terraform", (), [hcl.Block("backend", (kind,), [hcl.Attr(k, v) for k, v in config.items()])])]


def provider_blocks(model: Model, refs: Addresses) -> list:
    settings = model.terraform
    body: list = []
    if model.region:
        body.append(hcl.Attr("region", model.region))
    if settings.allowed_account_ids:  # a plan against another account fails before it changes anything
        body.append(hcl.Attr("allowed_account_ids", list(settings.allowed_account_ids)))
    if settings.assume_role:
        if body:
            body.append(hcl.Blank())
        body.append(hcl.Block("assume_role", (), [hcl.Attr(tf, settings.assume_role[key])
                                                  for key, tf in ASSUME_ROLE if key in settings.assume_role]))
    if model.default_tags:
        if body:
            body.append(hcl.Blank())
        body.append(hcl.Block("default_tags", (), [hcl.Attr("tags", dict(model.default_tags))]))
    blocks: list = [hcl.Block("provider", (AWS.name,), body)]
    if refs.uses_awscc:
        blocks += [hcl.Comment(_AWSCC_NOTE), hcl.Block("provider", (AWSCC.name,), _awscc_body(model))]
    return blocks


def _awscc_body(model: Model) -> list:
    """The awscc provider acts where the aws one does: the same region and assumed role. Its
    assume_role is an attribute holding an object, not a block."""
    settings = model.terraform
    body: list = []
    if model.region:
        body.append(hcl.Attr("region", model.region))
    if settings.assume_role:
        if body:
            body.append(hcl.Blank())
        body.append(hcl.Attr("assume_role", {tf: settings.assume_role[key] for key, tf in ASSUME_ROLE
                                             if key in settings.assume_role}))
    return body
