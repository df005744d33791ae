"""Terraform blocks for `logGroups` (logs.tf): one aws_cloudwatch_log_group per entry.

The spec's top-level tags reach them through the provider's default_tags, like every other
taggable resource.
"""
from __future__ import annotations

from ...model import Model
from . import hcl


def log_group_blocks(model: Model) -> list:
    blocks: list = []
    for g in model.log_groups:
        body = [hcl.Attr("name", g.name), hcl.Attr("retention_in_days", g.retention_in_days)]
        if g.kms_key_id:
            body.append(hcl.Attr("kms_key_id", g.kms_key_id))
        blocks.append(hcl.Block("resource", ("aws_cloudwatch_log_group", g.label), body))
    return blocks
