"""What the stand-in hashicorp/aws provider answers, free of any RPC detail.

- plan: the proposed new state, with every computed attribute left null
  turned unknown ("known after apply"), except ``region`` (the provider's
  region) and ``tags_all`` (``default_tags`` merged with ``tags``), which
  the real provider also plans as known values. Planned over a prior state
  (day two), it also says which changed attributes force a new resource
  (``requires_replace``), from requires_replace.json: the real provider's
  ForceNew attributes and CustomizeDiff rules, with their sources; Terraform
  core then plans the replacement itself (create_before_destroy included);
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

import json
import re
import zlib
from pathlib import Path
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


REQUIRES_REPLACE_PATH = Path(__file__).resolve().parent / "requires_replace.json"
# What AWS fills in where the configuration leaves a computed attribute out, when a value of
# the right shape matters to a later plan (the service-linked role decides whether a compute
# environment takes updates in place, requires_replace.json).
_APPLIED = {
    ("aws_batch_compute_environment", "service_role"):
        f"arn:aws:iam::{ACCOUNT_ID}:role/aws-service-role/batch.amazonaws.com/AWSServiceRoleForBatch",
}

Path_ = tuple  # attribute names and list indexes; "#" last: the number of blocks


def value_at(value: Any, path: Path_) -> Any:
    """The value at `path` inside an object (None where anything on the way is missing)."""
    for step in path:
        if step == "#":
            return len(value) if isinstance(value, list) else 0
        if isinstance(step, int):
            value = value[step] if isinstance(value, list) and len(value) > step else None
        else:
            value = value.get(step) if isinstance(value, dict) else None
    return value


class ReplaceRules:
    """requires_replace.json: which attributes force a new resource, per resource type."""

    def __init__(self, path: Path = REQUIRES_REPLACE_PATH):
        self.rules = {k: v for k, v in json.loads(path.read_text()).items() if not k.startswith("_")}

    def paths(self, type_name: str, prior: dict, proposed: dict) -> list[Path_]:
        """The paths whose change, from `prior` to `proposed`, forces a new resource."""
        rule = self.rules.get(type_name)
        if rule is None:
            return []
        out = [tuple(p) for p in rule.get("always", []) if value_at(prior, p) != value_at(proposed, p)]
        cond = rule.get("unless_updatable")
        if cond and not (self._updatable(cond, prior) and self._updatable(cond, proposed)):
            fargate = value_at(proposed, ("compute_resources", 0, "type")) in cond["fargate_types"]
            candidates = list(cond["paths"]) + ([] if fargate else list(cond["not_for_fargate"]))
            out += [tuple(p) for p in candidates if value_at(prior, p) != value_at(proposed, p)]
        return out

    @staticmethod
    def _updatable(cond: dict, state: dict) -> bool:
        role = state.get("service_role")
        if role not in (None, "") and not (isinstance(role, str)
                                           and re.match(cond["service_linked_role_pattern"], role)):
            return False
        resources = state.get("compute_resources")
        if not isinstance(resources, list) or not resources:
            return False
        return (resources[0] or {}).get("allocation_strategy") in cond["updatable_strategies"]


class StandInProvider:
    """State of one plugin process: the schema and the provider config."""

    def __init__(self, schema: ProviderSchema, replace_rules: ReplaceRules | None = None):
        self.schema = schema
        self.region: str | None = None
        self.default_tags: dict[str, Any] | None = None
        self.replace_rules = replace_rules or ReplaceRules()

    # -- provider ------------------------------------------------------------

    def configure(self, config: dict | None) -> None:
        config = config or {}
        region = config.get("region")
        self.region = region if isinstance(region, str) else None
        blocks = config.get("default_tags")
        tags = blocks[0].get("tags") if isinstance(blocks, list) and blocks else None
        self.default_tags = tags

    # -- managed resources ---------------------------------------------------

    def plan(self, type_name: str, proposed: Any, prior: Any = None, config: Any = None) -> Any:
        return self.plan_change(type_name, proposed, prior, config)[0]

    def plan_change(self, type_name: str, proposed: Any, prior: Any = None,
                    config: Any = None) -> tuple[Any, list[Path_]]:
        """The planned state and the paths that force a new resource (empty but on day two)."""
        if proposed is None:  # destroy
            return None, []
        replace = self.replace_rules.paths(type_name, prior, proposed) if isinstance(prior, dict) else []
        if replace and isinstance(config, dict):
            # A new resource: what the configuration doesn't set is known only after apply again.
            proposed = _unset_computed(self.schema.resources[type_name]["block"], proposed, config)
        return self._plan(type_name, proposed), replace

    def _plan(self, type_name: str, proposed: Any) -> Any:
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

    def apply(self, type_name: str, planned: Any, prior: Any = None) -> Any:
        if type_name == "time_sleep":  # hashicorp/time: sleeps on create and on destroy, as the real one
            if prior is None and planned is not None:
                _sleep(planned, "create_duration")
            elif planned is None and prior is not None:
                _sleep(prior, "destroy_duration")
        if planned is None:
            return None
        block = self.schema.resources[type_name]["block"]
        own_name = planned.get("name") if isinstance(planned, dict) else None

        def resolve(name, attr, value):
            if name == "id" and isinstance(value, Unknown):
                return f"{type_name}-placeholder"
            if name == "arn" and isinstance(value, Unknown) and isinstance(own_name, str):
                # distinct objects get distinct ARNs, as in AWS: a replacement changes the ARN
                return f"placeholder-arn-{own_name}"
            if isinstance(value, Unknown) and (type_name, name) in _APPLIED:
                return _APPLIED[(type_name, name)]
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


def _unset_computed(block: dict, proposed: dict, config: dict) -> dict:
    """`proposed` with every computed top-level attribute the configuration leaves null set
    to null again, so that planning a replacement makes them unknown, as for a create."""
    out = dict(proposed)
    for name, attr in block.get("attributes", {}).items():
        if attr.get("computed") and config.get(name) is None:
            out[name] = None
    return out


_DURATION = re.compile(r"^([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)$")


def _sleep(state: dict, attribute: str | None) -> None:
    """time_sleep's Create and Delete: wait for the duration the state holds, if any."""
    import time

    text = state.get(attribute) if attribute and isinstance(state, dict) else None
    match = _DURATION.match(text) if isinstance(text, str) else None
    if match:
        number, unit = float(match.group(1)), match.group(2)
        time.sleep(number * {"ms": 0.001, "s": 1, "m": 60, "h": 3600}[unit])
