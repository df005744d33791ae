"""`batchgen import cli FILE...`: AWS CLI request bodies and describe-* outputs -> one spec.

A file holds one of:

- a request body for `--cli-input-json` (or `--cli-input-yaml`): create-compute-environment,
  create-job-queue, create-scheduling-policy, register-job-definition or submit-job,
  recognised by its name field (computeEnvironmentName, jobQueueName, name + fairsharePolicy,
  jobDefinitionName, jobName), or a list of them;
- the output of describe-compute-environments, describe-job-queues,
  describe-scheduling-policies or describe-job-definitions (`{"jobDefinitions": [...]}`):
  what AWS reports, so the defaults AWS filled in are left out as for `import aws`, and of a
  job definition's revisions the highest ACTIVE one is kept.

Files are merged in the order given: a name defined twice keeps the later definition
(BG-156). ARNs of resources that are in the files become names. A value that still holds a
shell variable (`"${IMAGE}"`, from a heredoc that was never expanded) is reported (BG-151)
and written as a placeholder.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .entries import Arn, Draft, shape
from .report import Place, placeholder
from .source import Document, SourceError, read

# name field -> section, for request bodies
REQUESTS = (
    ("computeEnvironmentName", "computeEnvironments"),
    ("jobQueueName", "jobQueues"),
    ("jobDefinitionName", "jobDefinitions"),
    ("jobName", "jobs"),
)
# describe-* output key -> section
DESCRIBE = {
    "computeEnvironments": "computeEnvironments",
    "jobQueues": "jobQueues",
    "schedulingPolicies": "schedulingPolicies",
    "jobDefinitions": "jobDefinitions",
}
_JOB_ID = re.compile(r"^@@JOB_ID:(?P<job>[^@]+)@@$")  # batchgen's own submit-job bodies name jobs so
_SHELL_VARIABLE = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*\}|\$[A-Z_][A-Z0-9_]*\b")


def import_files(paths: list[str]) -> Draft:
    draft = Draft(header=[
        f"Imported by `batchgen import cli` from {', '.join(paths)}.",
        "Each entry says which file and line it came from. Review it, then: batchgen validate THIS-FILE",
    ])
    regions: set[str] = set()
    accounts: set[str] = set()
    for path in paths:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            draft.report.add("BG-154", Place(path), what=path, detail=getattr(exc, "strerror", None) or str(exc))
            continue
        try:
            doc = read(text)
        except SourceError as exc:
            draft.report.add("BG-154", Place(path, exc.line, exc.column), what=path, detail=str(exc))
            continue
        _file(draft, path, doc, regions, accounts)
    if len(regions) == 1:
        draft.region = regions.pop()
    if len(accounts) == 1:
        draft.account = accounts.pop()
    return draft


def _place(path: str, doc: Document, at: tuple) -> Place:
    line, col = doc.at(at)
    return Place(path, line, col)


def _file(draft: Draft, path: str, doc: Document, regions: set, accounts: set) -> None:
    data = doc.data
    items: list[tuple[tuple, Any]] = []
    if isinstance(data, list):
        items = [((i,), item) for i, item in enumerate(data)]
    elif isinstance(data, dict):
        items = [((), data)]
    found = False
    for at, item in items:
        if not isinstance(item, dict):
            continue
        described = [k for k in DESCRIBE if isinstance(item.get(k), list)]
        if described and not any(name in item for name, _ in REQUESTS):
            for key in described:
                _described(draft, path, doc, DESCRIBE[key], item[key], (*at, key), regions, accounts)
                found = True
            continue
        section = _request_section(item)
        if section is None:
            continue
        found = True
        body = _expand_shell_variables(draft, path, doc, at, item)
        origin = _place(path, doc, at)
        draft.add(section, shape(section, body, origin, draft.report,
                                 locate=lambda rel, at=at: _place(path, doc, (*at, *rel))), origin)
    if not found:
        draft.report.add("BG-153", Place(path, 1, 1), what=path,
                         why="it is neither a create-compute-environment, create-job-queue, create-scheduling-policy, "
                             "register-job-definition or submit-job request body nor a describe-* output of those")


def _request_section(item: dict) -> str | None:
    for name, section in REQUESTS:
        if name in item:
            return section
    if "name" in item and ("fairsharePolicy" in item or "quotaSharePolicy" in item or set(item) <= {"name", "tags"}):
        return "schedulingPolicies"
    return None


def _described(draft: Draft, path: str, doc: Document, section: str, items: list, at: tuple,
               regions: set, accounts: set) -> None:
    arn_key = {"computeEnvironments": "computeEnvironmentArn", "jobQueues": "jobQueueArn",
               "schedulingPolicies": "arn", "jobDefinitions": "jobDefinitionArn"}[section]
    latest: dict[str, tuple[int, int, dict]] = {}
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        arn = Arn.parse(item.get(arn_key))
        if arn:
            regions.add(arn.region)
            accounts.add(arn.account)
        if section == "jobDefinitions":
            if item.get("status", "ACTIVE") != "ACTIVE":
                continue  # an INACTIVE (deregistered) revision is history, not something running
            name, rev = item.get("jobDefinitionName"), item.get("revision") or 0
            if name in latest and latest[name][0] >= rev:
                continue
            latest[name] = (rev, i, item)
            continue
        origin = _place(path, doc, (*at, i))
        draft.add(section, shape(section, item, origin, draft.report, reported=True,
                                 locate=lambda rel, i=i: _place(path, doc, (*at, i, *rel))), origin, reported=True)
    for name, (rev, i, item) in latest.items():
        origin = _place(path, doc, (*at, i))
        draft.add(section, shape(section, item, origin, draft.report, reported=True,
                                 locate=lambda rel, i=i: _place(path, doc, (*at, i, *rel))), origin, reported=True,
                  revision=rev or None)
        if rev:
            draft.adopt_revisions[name] = rev


def _expand_shell_variables(draft: Draft, path: str, doc: Document, at: tuple, item: Any) -> Any:
    """A shell variable left in a body (the seeds' `cat <<EoF > job-definition-config.json` with
    `${IMAGE}` never expanded) becomes a visible placeholder, reported where it is."""

    def walk(value: Any, rel: tuple) -> Any:
        if isinstance(value, dict):
            return {k: walk(v, (*rel, k)) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v, (*rel, i)) for i, v in enumerate(value)]
        if isinstance(value, str) and _JOB_ID.match(value) and rel[-1:] == ("jobId",):
            return _JOB_ID.match(value)["job"]
        if isinstance(value, str) and _SHELL_VARIABLE.search(value):
            variables = ", ".join(sorted(set(_SHELL_VARIABLE.findall(value))))
            stand_in = placeholder(value)
            draft.report.add("BG-151", _place(path, doc, (*at, *rel)), what=f"the value {value!r}",
                             why=f"the shell variable {variables} was never expanded", placeholder=stand_in,
                             hint="write the value the variable holds (the shell expands it when the heredoc "
                                  "that writes the file is not quoted)")
            return stand_in
        return value

    return walk(item, ())
