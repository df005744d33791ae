"""What the stand-in hashicorp/aws provider answers, free of any RPC detail.

- plan: the proposed new state, with every computed attribute left null
  turned unknown ("known after apply"), except ``region`` (the provider's
  region) and ``tags_all`` (``default_tags`` merged with ``tags``), which
  the real provider also plans as known values;
- apply: the planned state with unknowns replaced by placeholders;
- import (an `import` block): the resource's schema object with every attribute null but
  `id` (the import ID, as the real provider's importers set it) and `region`; ReadResource
  then passes it through, since there is no AWS to read the rest from, so the plan shows
  each imported resource as an in-place update to the configuration, never as a create;
- data sources: the config with computed attributes filled with plausible
  placeholder values (account 123456789012, partition aws, the provider's
  region or us-east-1) and, for ``aws_iam_policy_document``, a real ``json``.

No provider-side validation is done: Terraform core checks the config
against the schema; the real provider's Go validators are not reproduced.
"""

from __future__ import annotations

import zlib
from typing import Any

from . import policy_document
from .cty import UNKNOWN, Unknown
from .schema import ProviderSchema, attribute_type, is_known, map_attributes, placeholder_for_type, resolve_unknowns

ACCOUNT_ID = "123456789012"
DEFAULT_REGION = "us-east-1"

# Data source attribute values that are not "placeholder-<name>".
_DATA_VALUES = {
    "aws_caller_identity": {
        "account_id": ACCOUNT_ID,
        "id": ACCOUNT_ID,
        "arn": f"arn:aws:iam::{ACCOUNT_ID}:user/batchgen-test",
        "user_id": "AIDACKCEVSQ6C2EXAMPLE",
    },
    "aws_partition": {
        "partition": "aws",
        "id": "aws",
        "dns_suffix": "amazonaws.com",
        "reverse_dns_prefix": "com.amazonaws",
    },
    "aws_vpc": {
        "id": "vpc-0123456789abcdef0",
        "cidr_block": "10.0.0.0/16",
        "owner_id": ACCOUNT_ID,
        "state": "available",
        "instance_tenancy": "default",
    },
    "aws_subnets": {"ids": ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]},
}


class StandInProvider:
    """State of one plugin process: the schema and the provider config."""

    def __init__(self, schema: ProviderSchema):
        self.schema = schema
        self.region: str | None = None
        self.default_tags: dict[str, Any] | None = None

    # -- provider ------------------------------------------------------------

    def configure(self, config: dict | None) -> None:
        config = config or {}
        region = config.get("region")
        self.region = region if isinstance(region, str) else None
        blocks = config.get("default_tags")
        tags = blocks[0].get("tags") if isinstance(blocks, list) and blocks else None
        self.default_tags = tags

    # -- managed resources ---------------------------------------------------

    def plan(self, type_name: str, proposed: Any) -> Any:
        if proposed is None:  # destroy
            return None
        block = self.schema.resources[type_name]["block"]

        def computed_unknown(name, attr, value):
            return UNKNOWN if value is None and attr.get("computed") else value

        planned = map_attributes(block, proposed, computed_unknown)
        attrs = block.get("attributes", {})
        if attrs.get("region", {}).get("computed") and proposed.get("region") is None and self.region:
            planned["region"] = self.region
        if "tags_all" in attrs and proposed.get("tags_all") is None:
            planned["tags_all"] = self._tags_all(proposed.get("tags"))
        return planned

    def _tags_all(self, tags: Any) -> Any:
        if isinstance(tags, Unknown) or isinstance(self.default_tags, Unknown):
            return UNKNOWN
        merged = dict(self.default_tags or {})
        merged.update(tags or {})
        return {k: v for k, v in merged.items() if v is not None}

    def apply(self, type_name: str, planned: Any) -> Any:
        if planned is None:
            return None
        block = self.schema.resources[type_name]["block"]

        def resolve(name, attr, value):
            if name == "id" and isinstance(value, Unknown):
                return f"{type_name}-placeholder"
            return resolve_unknowns(attribute_type(attr), value, f"placeholder-{name}")

        return map_attributes(block, planned, resolve)

    def import_state(self, type_name: str, import_id: str) -> dict:
        block = self.schema.resources[type_name]["block"]
        state = _null_object(block)
        state["id"] = import_id
        if block.get("attributes", {}).get("region", {}).get("computed") and self.region:
            state["region"] = self.region
        return state

    # -- data sources --------------------------------------------------------

    def read_data_source(self, type_name: str, config: dict) -> dict:
        block = self.schema.data_sources[type_name]["block"]
        region = config.get("region") or self.region or DEFAULT_REGION
        values = {
            "region": region,
            "name": region,
            "endpoint": f"ec2.{region}.amazonaws.com",
            "description": f"{region} (placeholder description)",
            "arn": f"arn:aws:ec2:{region}:{ACCOUNT_ID}:vpc/vpc-0123456789abcdef0",
            **_DATA_VALUES.get(type_name, {}),
        }
        if type_name == "aws_region":
            values["id"] = region
        if type_name == "aws_iam_policy_document" and is_known(config):
            values["json"], values["minified_json"] = policy_document.render(config)
            values["id"] = str(zlib.crc32(values["minified_json"].encode()))

        def fill(name, attr, value):
            if value is not None or not attr.get("computed"):
                return value
            if name in values:
                return values[name]
            return placeholder_for_type(attribute_type(attr), f"placeholder-{name}")

        # Only top-level attributes are data source results; nested blocks
        # hold arguments (filters, statements) and are returned as given.
        filled = dict(config)
        for name, attr in block.get("attributes", {}).items():
            filled[name] = fill(name, attr, config.get(name))
        return filled


def _null_object(block: dict) -> dict:
    """An object of ``block`` with nothing set: null attributes, no nested blocks."""
    out: dict = {name: None for name in block.get("attributes", {})}
    for name, nested in block.get("block_types", {}).items():
        mode = nested["nesting_mode"]
        out[name] = [] if mode in ("list", "set") else {} if mode == "map" else None
    return out
