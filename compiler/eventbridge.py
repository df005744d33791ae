"""EventBridge's own little languages, as batchgen writes them for `triggers` and `schedules`.

An S3 "Object Created" event pattern for a bucket and key filter; a trigger's parameter
templates (`"s3://{bucket}/{key}"`) and the input transformer they become; the form a
schedule compiles to (an EventBridge rule, or EventBridge Scheduler) and the Scheduler's
universal target for Batch SubmitJob. Pure functions of spec values, shared by validation,
resolve and the emitters. Knows no YAML positions, no HCL and no files.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Mapping

# --- S3 "Object Created" events (Amazon S3 User Guide, "EventBridge event message structure") --

S3_SOURCE = "aws.s3"
OBJECT_CREATED = "Object Created"

# {placeholder} of a trigger parameter -> the JSON path of the event value it stands for.
# Every path is present in every Object Created event (version-id is not: unversioned buckets
# leave it out, and EventBridge then drops the variable, so it isn't offered).
PLACEHOLDERS: dict[str, str] = {
    "bucket": "$.detail.bucket.name",
    "key": "$.detail.object.key",
    "size": "$.detail.object.size",
    "etag": "$.detail.object.etag",
    "time": "$.time",
    "eventId": "$.id",
}

# S3 object keys are at most 1,024 bytes of UTF-8 (Amazon S3 User Guide, "Naming objects").
KEY_MAX_BYTES = 1024


def wildcard_literal(text: str) -> str:
    """`text` as a literal inside an EventBridge `wildcard` value: `*` and `\\` escaped."""
    return text.replace("\\", "\\\\").replace("*", "\\*")


def key_filter(prefix: str | None, suffix: str | None) -> list[Any]:
    """The value list of `detail.object.key` matching keys that start with `prefix` and end
    with `suffix` (either may be None or empty): exactly the keys S3's own prefix/suffix
    filter would pass.

    Values in one list are OR'ed, so a prefix AND a suffix on the one field needs the
    `wildcard` operator: `<prefix>*<suffix>`, `*` matching zero or more characters. A key
    shorter than prefix + suffix can still have both when they overlap ("in/a" and "a.csv"
    both fit "in/a.csv"); those keys are listed exactly beside the wildcard."""
    prefix, suffix = prefix or "", suffix or ""
    if prefix and suffix:
        out: list[Any] = [{"wildcard": wildcard_literal(prefix) + "*" + wildcard_literal(suffix)}]
        for overlap in range(min(len(prefix), len(suffix)), 0, -1):
            if prefix[-overlap:] == suffix[:overlap]:
                out.append(prefix + suffix[overlap:])
        return out
    if prefix:
        return [{"prefix": prefix}]
    if suffix:
        return [{"suffix": suffix}]
    return []


def s3_object_created_pattern(bucket: str, prefix: str | None = None, suffix: str | None = None) -> dict[str, Any]:
    """The event pattern of a trigger: Object Created events of `bucket`, keys filtered."""
    detail: dict[str, Any] = {"bucket": {"name": [bucket]}}
    keys = key_filter(prefix, suffix)
    if keys:
        detail["object"] = {"key": keys}
    return {"source": [S3_SOURCE], "detail-type": [OBJECT_CREATED], "detail": detail}


# --- parameter templates and the input transformer -------------------------------------------


@dataclass(frozen=True)
class Placeholder:
    name: str


@dataclass(frozen=True)
class TemplateProblem:
    kind: str  # "unknown" (a {name} not in PLACEHOLDERS) or "brace" (a lone { or })
    text: str  # the placeholder or brace as written
    offset: int


_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


def parse_template(text: str) -> tuple[list[str | Placeholder], list[TemplateProblem]]:
    """A parameter value as literal text and {placeholders}; `{{` and `}}` are literal braces."""
    parts: list[str | Placeholder] = []
    problems: list[TemplateProblem] = []
    literal = ""
    pos = 0
    for m in _TOKEN.finditer(text):
        literal += text[pos:m.start()]
        pos = m.end()
        token = m.group(0)
        if token in ("{{", "}}"):
            literal += token[0]
        elif m.group(1) is not None:
            if m.group(1) in PLACEHOLDERS:
                if literal:
                    parts.append(literal)
                literal = ""
                parts.append(Placeholder(m.group(1)))
            else:
                problems.append(TemplateProblem("unknown", token, m.start()))
                literal += token
        else:
            problems.append(TemplateProblem("brace", token, m.start()))
            literal += token
    literal += text[pos:]
    if literal:
        parts.append(literal)
    return parts, problems


def placeholders_in(text: str) -> list[str]:
    """The known placeholders a template uses, in order of first use."""
    out: list[str] = []
    for part in parse_template(text)[0]:
        if isinstance(part, Placeholder) and part.name not in out:
            out.append(part.name)
    return out


def _json_text(s: str) -> str:
    """`s` as the inside of a JSON string, with `<` and `>` as \\u escapes: the input
    template's substitution works on its raw text, so a literal `<key>` of the spec must not
    read as a variable there; the JSON EventBridge then parses holds `<` and `>` again."""
    return json.dumps(s, ensure_ascii=False)[1:-1].replace("<", "\\u003c").replace(">", "\\u003e")


@dataclass(frozen=True)
class InputTransformer:
    paths: dict[str, str]  # InputPathsMap: variable -> JSON path (only those the template uses)
    template: str  # InputTemplate: {"Parameters": {...}} with <variable> inside the strings


def input_transformer(parameters: Mapping[str, str]) -> InputTransformer:
    """The input transformer that turns an Object Created event into SubmitJob's
    `{"Parameters": {...}}` (the Batch target takes `Parameters` from its input).

    Every variable stands inside a JSON string, where EventBridge puts the value's text as it
    is ("JSON with strings and variables" in the EventBridge User Guide, "Input
    transformation"): a number (size) becomes its digits, so every parameter stays a string
    as SubmitJob wants."""
    used: list[str] = []
    items = []
    for name, value in parameters.items():
        text = ""
        for part in parse_template(value)[0]:
            if isinstance(part, Placeholder):
                text += f"<{part.name}>"
                if part.name not in used:
                    used.append(part.name)
            else:
                text += _json_text(part)
        items.append(f'"{_json_text(name)}":"{text}"')
    template = '{"Parameters":{' + ",".join(items) + "}}"
    paths = {name: PLACEHOLDERS[name] for name in PLACEHOLDERS if name in used}
    return InputTransformer(paths, template)


# --- schedules: an EventBridge rule, or EventBridge Scheduler ---------------------------------

# Fields only EventBridge Scheduler has: a schedule with one of them compiles to Scheduler.
SCHEDULER_ONLY_FIELDS = ("scheduleExpressionTimezone", "flexibleTimeWindow", "kmsKeyArn")


def uses_scheduler(schedule: Mapping[str, Any]) -> bool:
    """Does a `schedules` entry compile to EventBridge Scheduler (aws_scheduler_schedule)?
    Yes when it says `scheduler: true`, or asks for what only Scheduler has (a time zone, a
    flexible window, a key for its payload) without saying `scheduler: false`."""
    flag = schedule.get("scheduler")
    if isinstance(flag, bool):
        return flag
    return any(schedule.get(f) is not None for f in SCHEDULER_ONLY_FIELDS)


def submit_job_target(partition: str) -> str:
    """EventBridge Scheduler's universal target for Batch SubmitJob. Scheduler has no
    templated Batch target (its Target shape has no BatchParameters): the universal target
    calls the API with the Input as the request (EventBridge Scheduler User Guide, "Using
    universal targets")."""
    return f"arn:{partition}:scheduler:::aws-sdk:batch:submitJob"


def submit_job_input(job: str, job_queue: Any, job_definition: Any, array_size: int | None = None,
                     attempts: int | None = None, parameters: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The SubmitJob request of the universal target's Input, in the member names Scheduler's
    universal targets take: PascalCase, as in AWS's own EventBridge Scheduler -> AWS Batch
    sample (aws-samples/serverless-patterns, eventbridge-schedule-to-batch-terraform)."""
    body: dict[str, Any] = {"JobName": job, "JobQueue": job_queue, "JobDefinition": job_definition}
    if array_size is not None:
        body["ArrayProperties"] = {"Size": array_size}
    if attempts is not None:
        body["RetryStrategy"] = {"Attempts": attempts}
    if parameters:
        body["Parameters"] = dict(parameters)
    return body
