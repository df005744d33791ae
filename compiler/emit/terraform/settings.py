"""The root module's settings: versions.tf (Terraform and provider requirements), backend.tf
(where state lives) and providers.tf (the aws provider: region, the accounts it may act in,
the role it assumes, default tags).

Written with the typed HCL writer like every other file, so they are in `terraform fmt`
form and every value from the spec is quoted by construction.
"""
from __future__ import annotations

from ...model import Model
from . import hcl

# The provider's assume_role arguments, by the spec's names.
ASSUME_ROLE = (("roleArn", "role_arn"), ("sessionName", "session_name"), ("externalId", "external_id"),
               ("duration", "duration"))


# hashicorp/time, for the time_sleep that waits before a replaced compute environment is
# deleted (lifecycle.py, docs/day-two.md); 0.9 has time_sleep's destroy_duration and triggers.
TIME_PROVIDER = {"source": "hashicorp/time", "version": ">= 0.9"}


def versions_blocks(model: Model) -> list:
    settings = model.terraform
    providers: list = [hcl.Attr("aws", {"source": "hashicorp/aws", "version": settings.provider_version})]
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


def provider_blocks(model: Model) -> list:
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
    return [hcl.Block("provider", ("aws",), body)]
