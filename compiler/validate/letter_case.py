"""Enum values AWS accepts in any letter case, written in the model's case before anything reads them.

AWS Batch takes a few enums case-insensitively. batchgen accepts them too, but every later
stage (the schema, the rules, resolve, both emitters) sees only the canonical value, so
`managed` is compared, sized and written as `MANAGED` alike. Where what AWS stores differs
from what was written (a stack that keeps `managed` shows drift), the spec gets a warning.

How each entry was established (issue 14; tests/corpus/FINDINGS.md section 6):

- CEType (computeEnvironments[].type): AWS's own CDK v2 L2 constructs synthesize `managed`
  and `unmanaged`, and those stacks deploy (AWS runs them as integration tests); aws/aws-cdk
  issue 31621 and PRs 31691 / 38032 report that the lower-case value works and that
  CloudFormation then reads back `MANAGED` (drift). Warned about: CE-001 variant `case`.
- RetryAction (evaluateOnExit[].action): the API reference says so ("The values aren't case
  sensitive", BC EvaluateOnExit.action). Nothing shows AWS storing another case, so there
  is no drift to warn about; the output is written in upper case all the same.

Not here, on purpose: CRType, CRAllocationStrategy, CEState and JQState, which the
hashicorp/aws provider validates ignoring case. Its StateFunc upper-cases the planned value
and Create sends that, so the provider's leniency shows nothing about the API's; no AWS
source or observed request does either. They stay exact (an error with a did-you-mean).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..language import copy_data, section_items, section_path, walk_path
from ..problems import Finding, Pointer
from .schema import load_schema


@dataclass(frozen=True)
class CaseInsensitive:
    """An enum AWS accepts in any case: where the spec writes it, and what to report."""

    shape: str  # the botocore shape; its values are the schema's $defs entry
    places: tuple[tuple[str, tuple[str, ...]], ...]  # (section, path inside an entry; '*' = every item)
    code: str
    variant: str | None  # the finding's variant, None where nothing is reported


ENUMS: tuple[CaseInsensitive, ...] = (
    CaseInsensitive("CEType", (("computeEnvironments", ("type",)),), "CE-001", "case"),
    CaseInsensitive("RetryAction", tuple((section, ("retryStrategy", "evaluateOnExit", "*", "action"))
                                         for section in ("jobDefinitions", "jobs")), "JDY-003", None),
)


def _values(shape: str) -> tuple[str, ...]:
    node = load_schema()["$defs"][shape]
    return tuple(node.get("enum") or node.get("examples") or ())


def canonical_case(data: Any) -> tuple[Any, list[Finding]]:
    """`data` with every case-insensitive enum value in its canonical case (a copy, when one
    changes: the spec's data may be shared between environments), and the findings to report."""
    changes: list[tuple[Pointer, str, CaseInsensitive]] = []
    for enum in ENUMS:
        canonical = {v.upper(): v for v in _values(enum.shape)}
        for section, path in enum.places:
            for i, entry in enumerate(section_items(data, section) or []):
                for rel, value in walk_path(entry, path):
                    if isinstance(value, str) and value not in canonical.values() and value.upper() in canonical:
                        changes.append((Pointer((*section_path(section), i, *rel)), canonical[value.upper()], enum))
    if not changes:
        return data, []
    data = copy_data(data)
    findings = []
    for pointer, value, enum in changes:
        parent = data
        for part in pointer[:-1]:
            parent = parent[part]
        written, parent[pointer[-1]] = parent[pointer[-1]], value
        if enum.variant:
            findings.append(Finding(pointer, {"where": pointer.dotted(), "found": written, "canonical": value},
                                    code=enum.code, variant=enum.variant))
    return data, findings
