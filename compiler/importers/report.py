"""What an import reports: the project's Problem and Severity, worded by the catalog (BG-150..BG-156).

A problem of an import has a place in a file (`main.tf:12:3`, `template.yaml:40:7`) or, for
`batchgen import aws`, no place in a file at all: then `file` names the AWS resource (its
ARN) or the account and Region, and the span is line 0, which the formatters print as
`arn:aws:batch:...: warning[BG-152]: ...`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..catalog import load_catalog
from ..problems import Problem, Severity, Span

PLACEHOLDER_START = "@@UNRESOLVED "
PLACEHOLDER_END = "@@"


def placeholder(what: str) -> str:
    """The visible stand-in for a value an import couldn't work out: `@@UNRESOLVED var.subnets@@`.
    `batchgen validate` reports every one left in a spec (BG-157), so none is ever deployed."""
    text = " ".join(str(what).split())  # one line, whatever the source expression looked like
    return f"{PLACEHOLDER_START}{text}{PLACEHOLDER_END}"


def is_placeholder(value: object) -> bool:
    return isinstance(value, str) and PLACEHOLDER_START in value


@dataclass(frozen=True)
class Place:
    """Where something came from: a file and a 1-based line and column, or an AWS origin (line 0)."""

    file: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        """The form the spec writer puts in its comments: `main.tf:12` or the ARN."""
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)

    def add(self, code: str, place: Place, **values) -> Problem:
        c = load_catalog()[code]
        message, fix = c.render(values)
        if fix:
            message = f"{message}; {fix}"
        # an AWS origin has no place in a file: no span (the formatters print the ARN alone)
        problem = Problem(c.id, c.severity, message, place.file, Span(place.line, place.column) if place.line else None)
        if problem not in self.problems:
            self.problems.append(problem)
        return problem

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    def sorted(self) -> list[Problem]:
        return sorted(self.problems, key=Problem.sort_key)
