"""The spec's `terraform:` settings admit what the output needs (BG-024); knows no HCL.

Version constraints must admit what the output needs, and an allowed-accounts list must let
the provider act in the spec's account. The schema checks their shapes (backend types, patterns); these rules check what the
shapes can't. Knows no positions, no HCL.
"""
from __future__ import annotations

import re

from ...catalog import Constraint
from ...problems import Pointer
from ..context import Context, rule

SETTINGS = Pointer(("terraform",))
TERRAFORM_FLOOR = (1, 5, 0)  # import blocks (compile --adopt) and the output's required_version

_CONSTRAINT = re.compile(r"\s*(=|!=|>=|<=|>|<|~>)?\s*([0-9]+(?:\.[0-9]+){0,2})(-[0-9A-Za-z.-]+)?\s*")


def _version(text: str) -> tuple[int, int, int]:
    parts = [int(p) for p in text.split(".")]
    return tuple(parts + [0] * (3 - len(parts)))  # type: ignore[return-value]


def _clauses(constraint: str) -> list[tuple[str, tuple[int, int, int], int]] | None:
    """(operator, version, number of parts written) of each clause; None if it doesn't parse."""
    out = []
    for part in constraint.split(","):
        m = _CONSTRAINT.fullmatch(part)
        if not m:
            return None
        out.append((m.group(1) or "=", _version(m.group(2)), m.group(2).count(".") + 1))
    return out


def _satisfies(v: tuple[int, int, int], op: str, target: tuple[int, int, int], parts: int) -> bool:
    if op == "=":
        return v == target
    if op == "!=":
        return v != target
    if op == ">=":
        return v >= target
    if op == ">":
        return v > target
    if op == "<=":
        return v <= target
    if op == "<":
        return v < target
    # ~>: the rightmost written part may grow (~> 1.2 is >= 1.2, < 2.0; ~> 1.2.3 is >= 1.2.3, < 1.3.0)
    if parts <= 1:
        return v >= target
    upper = (target[0] + 1, 0, 0) if parts == 2 else (target[0], target[1] + 1, 0)
    return target <= v < upper


def admits_at_least(constraint: str, floor: tuple[int, int, int]) -> bool | None:
    """Does some release at or above `floor` satisfy `constraint`? None if it doesn't parse.

    Only the versions the constraint names (and their neighbours) and the floor can be the
    boundaries of the set it admits, so checking those candidates decides it."""
    clauses = _clauses(constraint)
    if clauses is None:
        return None
    candidates = {floor}
    for _, (a, b, c), _ in clauses:
        candidates |= {(a, b, c), (a, b, c + 1), (a, b + 1, 0), (a + 1, 0, 0)}
    return any(v >= floor and all(_satisfies(v, op, t, n) for op, t, n in clauses) for v in candidates)


def _text(version: tuple[int, int, int]) -> str:
    return ".".join(map(str, version))


@rule("BG-024")
def terraform_settings_admit_what_the_output_needs(ctx: Context, c: Constraint):
    """requiredVersion admits Terraform 1.5 or later, providerVersion hashicorp/aws 6.0 or later, and allowedAccountIds the spec's account."""
    settings = ctx.data.get("terraform")
    if SETTINGS in ctx.broken or not isinstance(settings, dict):
        return
    provider_floor = _version(c.limits["provider_floor"])
    for key, floor, what in (("requiredVersion", TERRAFORM_FLOOR, "Terraform"),
                             ("providerVersion", provider_floor, "hashicorp/aws")):
        constraint = settings.get(key)
        if isinstance(constraint, str) and admits_at_least(constraint, floor) is False:
            yield c.at(SETTINGS / key, where=(SETTINGS / key).dotted(),
                          detail=f"'{constraint}' admits no {what} release from {_text(floor)} on, "
                                 f"which batchgen's output needs; write e.g. '>= {_text(floor)}'")
    allowed = settings.get("allowedAccountIds")
    account = ctx.data.get("account")
    if isinstance(allowed, list) and allowed and isinstance(account, str) and account not in allowed:
        yield c.at(SETTINGS / "allowedAccountIds", where=(SETTINGS / "allowedAccountIds").dotted(),
                      detail=f"leaves out the spec's account {account}: the provider would refuse every "
                             f"plan in it; add it, or leave allowedAccountIds out (it defaults to [account])")

