"""The root module's settings: versions.tf (Terraform and provider requirements) and
providers.tf (the aws provider: region, default tags).

Written with the typed HCL writer like every other file, so they are in `terraform fmt`
form and every value from the spec is quoted by construction.
"""
from __future__ import annotations

from ...model import Model
from . import hcl

TERRAFORM_VERSION = ">= 1.5.0"
AWS_PROVIDER = {"source": "hashicorp/aws", "version": ">= 6.0"}


def versions_blocks() -> list:
    return [hcl.Block("terraform", (), [
        hcl.Attr("required_version", TERRAFORM_VERSION),
        hcl.Blank(),
        hcl.Block("required_providers", (), [hcl.Attr("aws", dict(AWS_PROVIDER))]),
    ])]


def provider_blocks(model: Model) -> list:
    body: list = []
    if model.region:
        body.append(hcl.Attr("region", model.region))
    if model.default_tags:
        if body:
            body.append(hcl.Blank())
        body.append(hcl.Block("default_tags", (), [hcl.Attr("tags", dict(model.default_tags))]))
    return [hcl.Block("provider", ("aws",), body)]
