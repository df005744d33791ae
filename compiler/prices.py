"""Prices `batchgen cost` uses: Fargate per vCPU-hour and GB-hour, EC2 On-Demand per instance
type, by Region. The figures and their sources live in compiler/data/prices/*.yaml; this module
reads them and answers lookups. Knows no spec and no model.

    fargate(region, arch)     -> FargateRate | None   (arch "x86_64" or "arm64")
    ec2(region, instance)     -> float | None         (USD per instance-hour, On-Demand Linux)
    regions()                 -> the Regions any price is carried for
    source(kind, region)      -> PriceSource | None   (where and when the figures were read)
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

from . import instances

DATA_DIR = Path(__file__).parent / "data" / "prices"
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class FargateRate:
    vcpu_hour: float
    gb_hour: float


@dataclass(frozen=True)
class PriceSource:
    read: str
    sources: tuple[str, ...]
    note: str | None = None


@dataclass(frozen=True)
class _Tables:
    fargate: dict[str, dict[str, FargateRate]]
    ec2: dict[str, dict[str, float]]
    derived: dict[str, frozenset[str]]  # region -> instance types derived from a .large price
    sources: dict[tuple[str, str], PriceSource]


def _load(name: str) -> list[dict]:
    return yaml.load((DATA_DIR / name).read_text(encoding="utf-8"), Loader=_LOADER)


def _source(entry: dict) -> PriceSource:
    return PriceSource(str(entry["read"]), tuple(entry["sources"]), entry.get("note"))


@functools.lru_cache(maxsize=1)
def _tables() -> _Tables:
    fargate: dict[str, dict[str, FargateRate]] = {}
    ec2: dict[str, dict[str, float]] = {}
    derived: dict[str, frozenset[str]] = {}
    sources: dict[tuple[str, str], PriceSource] = {}
    for entry in _load("fargate.yaml"):
        region = entry["region"]
        fargate[region] = {arch: FargateRate(entry[arch]["vcpuHour"], entry[arch]["gbHour"])
                           for arch in ("x86_64", "arm64") if arch in entry}
        sources[("fargate", region)] = _source(entry)
    for entry in _load("ec2.yaml"):
        region = entry["region"]
        table: dict[str, float] = {}
        for family, by_size in (entry.get("types") or {}).items():
            table.update({f"{family}.{size}": float(price) for size, price in by_size.items()})
        made = set()
        for family, large in (entry.get("families") or {}).items():
            for itype, vcpus, _ in instances.sizes(family) or []:
                if "metal" not in itype and itype not in table:
                    table[itype] = round(float(large) * vcpus / 2, 6)
                    made.add(itype)
        ec2[region] = table
        derived[region] = frozenset(made)
        sources[("ec2", region)] = _source(entry)
    return _Tables(fargate, ec2, derived, sources)


def fargate(region: str | None, arch: str = "x86_64") -> FargateRate | None:
    return _tables().fargate.get(region or "", {}).get(arch)


def ec2(region: str | None, instance_type: str) -> float | None:
    return _tables().ec2.get(region or "", {}).get(instance_type)


def ec2_table(region: str | None) -> dict[str, float]:
    return dict(_tables().ec2.get(region or "", {}))


def derived(region: str | None) -> frozenset[str]:
    """The instance types of `region` whose price is derived from their family's .large price."""
    return _tables().derived.get(region or "", frozenset())


def regions() -> list[str]:
    t = _tables()
    return sorted(set(t.fargate) | set(t.ec2))


def source(kind: str, region: str | None) -> PriceSource | None:
    """Where the `kind` ("fargate" or "ec2") figures of `region` come from."""
    return _tables().sources.get((kind, region or ""))
