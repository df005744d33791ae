"""The provider schema: load the JSON dump, convert it to tfplugin6 messages,
and walk values along it.

The dump (``terraform providers schema -json`` shape) describes each block as
``attributes`` (with a cty ``type`` such as ``"string"``, ``["list","string"]``
or ``["object",{...}]``, and flags required/optional/computed/...) and
``block_types`` (with ``nesting_mode`` and ``min_items``/``max_items``).
An attribute may instead hold a ``nested_type`` (``attributes`` and a
``nesting_mode``): hashicorp/awscc writes every nested value that way. Terraform
wants the same data as ``Schema`` messages whose attribute types are the cty
type's JSON encoding as bytes.

One dump describes one provider (its only key under ``provider_schemas``):
hashicorp/aws (tests/fixtures/aws-provider-schema.json) or hashicorp/awscc
(tests/fixtures/awscc-provider-schema.json).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

from .cty import Unknown

PROVIDER_SOURCE = "registry.terraform.io/hashicorp/aws"
AWSCC_SOURCE = "registry.terraform.io/hashicorp/awscc"

# Default location of the schema dumps, relative to this file: tests/fixtures/.
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
DEFAULT_SCHEMA_PATH = FIXTURES / "aws-provider-schema.json"
AWSCC_SCHEMA_PATH = FIXTURES / "awscc-provider-schema.json"
# hashicorp/time's time_sleep (the wait before a replaced compute environment is deleted).
TIME_SCHEMA_PATH = Path(__file__).resolve().parent / "time-provider-schema.json"


class ProviderSchema:
    """Resource and data source schemas of one provider, from a JSON dump."""

    def __init__(self, dump: dict, provider_block: dict, source: str = PROVIDER_SOURCE):
        self.source = source
        schemas = dump["provider_schemas"][source]
        self.resources: dict[str, dict] = schemas.get("resource_schemas", {})
        self.data_sources: dict[str, dict] = schemas.get("data_source_schemas", {})
        dumped_provider = schemas.get("provider") or {}
        # The dump's provider entry is an empty placeholder: use ours instead.
        self.provider = dumped_provider if dumped_provider.get("block") else provider_block

    @classmethod
    def load(cls, path: str | Path = DEFAULT_SCHEMA_PATH) -> "ProviderSchema":
        """The dump's one provider, with our provider block schema for it (provider_config)."""
        from .provider_config import PROVIDER_BLOCKS

        with open(path, encoding="utf-8") as f:
            dump = json.load(f)
        (source,) = dump["provider_schemas"]
        # a provider without settings (hashicorp/time) brings its own empty block in the dump
        return cls(dump, PROVIDER_BLOCKS.get(source, {"version": 0, "block": {}}), source)

    @property
    def name(self) -> str:
        """The provider's type name: aws, awscc, time."""
        return self.source.rsplit("/", 1)[1]

    def to_proto(self, pb) -> Any:
        """Build a ``GetProviderSchema.Response`` (``pb`` is tfplugin6_pb2)."""
        resp = pb.GetProviderSchema.Response()
        resp.provider.CopyFrom(_schema_msg(pb, self.provider))
        for name, schema in self.resources.items():
            resp.resource_schemas[name].CopyFrom(_schema_msg(pb, schema))
        for name, schema in self.data_sources.items():
            resp.data_source_schemas[name].CopyFrom(_schema_msg(pb, schema))
        return resp


_NESTING = {"single": 1, "list": 2, "set": 3, "map": 4, "group": 5}  # Object.NestingMode shares 1-4
_KIND = {"plain": 0, "markdown": 1}


def _schema_msg(pb, schema: dict):
    msg = pb.Schema(version=schema.get("version", 0))
    _fill_block(pb, msg.block, schema.get("block", {}))
    return msg


def _fill_block(pb, msg, block: dict) -> None:
    msg.description = block.get("description", "")
    msg.description_kind = _KIND[block.get("description_kind", "plain")]
    msg.deprecated = bool(block.get("deprecated"))
    _fill_attributes(pb, msg.attributes, block.get("attributes", {}))
    for name, nested in block.get("block_types", {}).items():
        nb = msg.block_types.add(
            type_name=name,
            nesting=_NESTING[nested["nesting_mode"]],
            min_items=nested.get("min_items", 0),
            max_items=nested.get("max_items", 0),
        )
        _fill_block(pb, nb.block, nested.get("block", {}))


def _fill_attributes(pb, attributes, schemas: dict) -> None:
    for name, attr in schemas.items():
        msg = attributes.add(
            name=name,
            description=attr.get("description", ""),
            description_kind=_KIND[attr.get("description_kind", "plain")],
            required=bool(attr.get("required")),
            optional=bool(attr.get("optional")),
            computed=bool(attr.get("computed")),
            sensitive=bool(attr.get("sensitive")),
            deprecated=bool(attr.get("deprecated")),
            write_only=bool(attr.get("write_only")),
        )
        nested = attr.get("nested_type")
        if nested is not None:
            msg.nested_type.nesting = _NESTING[nested["nesting_mode"]]
            _fill_attributes(pb, msg.nested_type.attributes, nested.get("attributes", {}))
        else:
            msg.type = json.dumps(attr["type"], separators=(",", ":")).encode()


def attribute_type(attr: dict) -> Any:
    """An attribute's cty type: its ``type``, or the type a ``nested_type`` implies (an
    object of its attributes; a list, set or map of them by its nesting mode)."""
    nested = attr.get("nested_type")
    if nested is None:
        return attr["type"]
    obj = ["object", {name: attribute_type(a) for name, a in nested.get("attributes", {}).items()}]
    mode = nested["nesting_mode"]
    return obj if mode == "single" else [mode, obj]


AttrFn = Callable[[str, dict, Any], Any]


def map_attributes(block: dict, value: Any, fn: AttrFn) -> Any:
    """Return ``value`` (an object of ``block``) with every attribute, at
    every nesting depth, replaced by ``fn(name, attribute_schema, old)``.
    Null or unknown objects and collections are returned unchanged."""
    if not isinstance(value, dict):
        return value
    out = dict(value)
    for name, attr in block.get("attributes", {}).items():
        out[name] = fn(name, attr, value.get(name))
    for name, nested in block.get("block_types", {}).items():
        inner = nested.get("block", {})
        current = value.get(name)
        if isinstance(current, list):
            out[name] = [map_attributes(inner, item, fn) for item in current]
        elif isinstance(current, dict) and nested["nesting_mode"] == "map":
            out[name] = {k: map_attributes(inner, v, fn) for k, v in current.items()}
        else:
            out[name] = map_attributes(inner, current, fn)
    return out


def is_known(value: Any) -> bool:
    """True when ``value`` holds no unknown anywhere."""
    if isinstance(value, Unknown):
        return False
    if isinstance(value, dict):
        return all(is_known(v) for v in value.values())
    if isinstance(value, list):
        return all(is_known(v) for v in value)
    return True


def placeholder_for_type(type_: Any, string: str = "placeholder") -> Any:
    """A known value of cty type ``type_`` (empty collections, zero, false)."""
    if type_ == "string":
        return string
    if type_ == "number":
        return 0
    if type_ == "bool":
        return False
    kind = type_[0]
    if kind in ("list", "set", "tuple"):
        return []
    if kind == "map":
        return {}
    if kind == "object":
        return {k: None for k in type_[1]}
    return None  # "dynamic"


def resolve_unknowns(type_: Any, value: Any, string: str = "placeholder") -> Any:
    """Replace every unknown inside ``value`` (of cty type ``type_``)."""
    if isinstance(value, Unknown):
        return placeholder_for_type(type_, string)
    if value is None or isinstance(type_, str):
        return value
    kind, inner = type_[0], type_[1]
    if kind in ("list", "set"):
        return [resolve_unknowns(inner, v, string) for v in value]
    if kind == "map":
        return {k: resolve_unknowns(inner, v, string) for k, v in value.items()}
    if kind == "object":
        return {k: resolve_unknowns(t, value.get(k), string) for k, t in inner.items()}
    if kind == "tuple":
        return [resolve_unknowns(t, v, string) for t, v in zip(inner, value)]
    return value
