"""What a spec entry is, as the rules read it: a job definition's kind, platforms,
containers, node ranges and resource requirements; a compute environment's kind; a job's
array size, node count and placeholders; an IAM policy document's statements; and how a
few kinds of value are quoted in messages.

The one place the rules share helpers (job -> queue -> environment resolution is
targets.py). Everything reads entries defensively: a value of the wrong type is skipped,
never a crash. No wording beyond value lists, no positions beyond pointers, no catalog.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Iterator, NamedTuple

from ..problems import Pointer, ROOT
from .context import Context

# --- lists, maps and strings -------------------------------------------------------------------




def string_items(value: Any) -> list[tuple[int, str]]:
    """(index, item) of the strings of a list."""
    return [(i, v) for i, v in enumerate(value) if isinstance(v, str)] if isinstance(value, list) else []


def strings(node: Any, ptr: Pointer, skip: tuple[str, ...] = ()) -> Iterator[tuple[Pointer, str]]:
    """Every string value under `node` (mapping keys named in `skip` are left out at the top)."""
    if isinstance(node, str):
        yield ptr, node
    elif isinstance(node, dict):
        for k, v in node.items():
            if k not in skip:
                yield from strings(v, ptr / k)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from strings(v, ptr / i)


# --- values as messages quote them ----------------------------------------------------------------


def words(items: list) -> str:
    """'a', 'a or b', 'a, b or c'."""
    items = [str(i) for i in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def article(word: str) -> str:
    """'an' before a word read out letter by letter or as written from a vowel (EC2, EKS), else 'a'."""
    return "an" if word[:1].upper() in "AEIOU" else "a"


def describe_chars(chars: list[str]) -> str:
    """"the character '!'", "the characters '!', U+0007"."""
    shown = ", ".join(repr(c) if c.isprintable() else f"U+{ord(c):04X}" for c in chars)
    return ("the character " if len(chars) == 1 else "the characters ") + shown


_DECIMAL = re.compile(r"[0-9]+(\.[0-9]+)?")


def decimal(value: Any) -> Decimal | None:
    """A resourceRequirements value written as a plain decimal ('0.25', '2'), else None."""
    if isinstance(value, str) and _DECIMAL.fullmatch(value):
        return Decimal(value)
    return None


_WHOLE = re.compile(r"[0-9]+")


def whole(value: Any) -> int | None:
    """A resourceRequirements value written as a whole number ('2048'), else None."""
    return int(value) if isinstance(value, str) and _WHOLE.fullmatch(value) else None


def plain(d: Decimal) -> str:
    """Decimal('16.0') -> '16', Decimal('0.250') -> '0.25'."""
    return format(d.normalize(), "f")


def number_text(v: float) -> str:
    """2.0 -> '2', 0.5 -> '0.5'."""
    return str(int(v)) if v == int(v) else str(v)


REF = re.compile(r"^Ref::(.+)\Z")
REF_TEXT = re.compile(r"Ref::[A-Za-z0-9_.-]*")  # a placeholder anywhere in a string (JDP-003, JDP-005)


def placeholders(command: Any) -> list[str]:
    """Names of the whole-element `Ref::name` placeholders of a command (JDP-002)."""
    out = []
    for arg in command if isinstance(command, list) else []:
        m = REF.match(arg) if isinstance(arg, str) else None
        if m and m.group(1) not in out:
            out.append(m.group(1))
    return out


# --- compute environments -------------------------------------------------------------------------

FARGATE = ("FARGATE", "FARGATE_SPOT")
EC2_FAMILY = ("EC2", "SPOT")
MANAGED_INSTANCES = "ECS_MANAGED_INSTANCES"


def compute_environments(ctx: Context) -> Iterator[tuple[Pointer, dict, dict | None, str | None]]:
    """(pointer, entry, computeResources or None, computeResources.type or None) of each valid CE."""
    for ptr, ce in ctx.entries("computeEnvironments"):
        cr = ce.get("computeResources")
        if not isinstance(cr, dict):
            cr = None
        yield ptr, ce, cr, (cr.get("type") if cr else None)


def on_eks(ce: dict) -> bool:
    """The compute environment is an Amazon EKS one (it has eksConfiguration)."""
    return isinstance(ce.get("eksConfiguration"), dict)


def missing_or_empty(holder: dict, key: str) -> bool:
    value = holder.get(key)
    return value is None or (isinstance(value, list) and not value)


def missing_place(base: Pointer, holder: dict, key: str) -> tuple[Pointer, bool, str]:
    """Where to report a missing or empty list (the empty list, or the key of the mapping
    that lacks it) and how to say it."""
    if key in holder:
        return base / key, False, "is empty"
    return base, True, f"has no {key}"


# computeResources.type -> the family a job definition's platform must match (XR-003).
# UNMANAGED ECS environments run on EC2 (JQ-007, XR-003 review note).
@dataclass(frozen=True)
class EnvKind:
    """What a compute environment of the spec is, as far as the queue rules care."""

    orchestration: str  # "ECS" or "EKS"
    platform: str  # "EC2" (EC2, SPOT, UNMANAGED), "FARGATE" or "MANAGED_INSTANCES"
    label: str  # how it is called in messages: EC2, SPOT, FARGATE_SPOT, UNMANAGED, ...
    spot: bool | None  # None when unknown (UNMANAGED)

    @property
    def queue_type(self) -> str:
        if self.orchestration == "EKS":
            return "EKS"
        return {"EC2": "ECS", "FARGATE": "ECS_FARGATE", "MANAGED_INSTANCES": "ECS_MANAGED_INSTANCES"}[self.platform]

    def describe(self) -> str:
        """'a FARGATE_SPOT compute environment', 'an EKS (SPOT) compute environment'."""
        said = f"EKS ({self.label})" if self.orchestration == "EKS" else self.label
        return f"{article(said)} {said} compute environment"


def env_kind(ce: dict) -> EnvKind | None:
    """The kind of a schema-valid compute environment entry, or None when it can't be told."""
    orchestration = "EKS" if on_eks(ce) else "ECS"
    if ce.get("type") == "UNMANAGED":  # runs on EC2 instances the user manages (JQ-007)
        return EnvKind(orchestration, "EC2", "UNMANAGED", None)
    cr = ce.get("computeResources")
    if ce.get("type") != "MANAGED" or not isinstance(cr, dict):
        return None
    crtype = cr.get("type")
    if crtype in EC2_FAMILY:
        return EnvKind(orchestration, "EC2", crtype, crtype == "SPOT")
    if crtype in FARGATE:
        return EnvKind(orchestration, "FARGATE", crtype, crtype == "FARGATE_SPOT")
    if crtype == MANAGED_INSTANCES:
        provider = cr.get("managedInstancesProvider")
        template = provider.get("instanceLaunchTemplate") if isinstance(provider, dict) else None
        option = template.get("capacityOptionType", "ON_DEMAND") if isinstance(template, dict) else "ON_DEMAND"
        spot = option == "SPOT"
        return EnvKind(orchestration, "MANAGED_INSTANCES", MANAGED_INSTANCES + (" Spot" if spot else ""), spot)
    return None


# --- IAM policy documents ------------------------------------------------------------------------


def as_list(value: Any) -> list:
    return value if isinstance(value, list) else [value]


def items(value: Any, ptr: Pointer) -> Iterator[tuple[Pointer, Any]]:
    """(pointer, value) of a string-or-list policy element."""
    if isinstance(value, list):
        for i, v in enumerate(value):
            yield ptr / i, v
    else:
        yield ptr, value


def statements(doc_ptr: Pointer, doc: dict) -> Iterator[tuple[Pointer, dict]]:
    st = doc.get("Statement")
    if isinstance(st, dict):
        yield doc_ptr / "Statement", st
    elif isinstance(st, list):
        for i, s in enumerate(st):
            if isinstance(s, dict):
                yield doc_ptr / "Statement" / i, s


def actions(statement: dict) -> list[str]:
    return [a for a in as_list(statement.get("Action", [])) if isinstance(a, str)]
