"""A spec as YAML text: deterministic, block style, every entry under a comment saying where it came from.

The same spec always gives the same bytes: sections in the order of the examples in specs/,
entries sorted by name, an entry's keys in the order of ENTRY_ORDER (then alphabetical),
nested keys alphabetical. Lists keep their order (it means something to AWS).

A string is written plain only when every YAML reader, 1.1 or 1.2, reads it back as that
string (`Ref::action`, `s3://bucket/key`, `arn:aws:iam::123456789012:role/x`); anything that
could be read as a number, a boolean, a null, a date, an alias, a tag or a comment is
written double-quoted with JSON's escapes, which YAML shares.
"""
from __future__ import annotations

import json
import re
from typing import Any

from ..language import ALL_SECTIONS

# Top-level keys, in the order the examples in specs/ use.
TOP_ORDER = ("batchgen", "project", "region", "account", "tags", "quotas", "iam", "computeEnvironments",
             "schedulingPolicies", "jobQueues", "jobDefinitions", "jobs", "schedules", "notifications", "adopt")
SECTION_ORDER = ("iam.roles", "iam.policies", "computeEnvironments", "schedulingPolicies", "jobQueues",
                 "jobDefinitions", "jobs", "schedules", "notifications")

# The keys of an entry (and of a few objects in it) a reader looks for first; the rest follow
# alphabetically. Name fields come first everywhere.
ENTRY_ORDER: dict[str, tuple[str, ...]] = {
    "computeEnvironments": ("computeEnvironmentName", "type", "state", "unmanagedvCpus", "computeResources",
                            "serviceRole", "eksConfiguration", "tags"),
    "computeResources": ("type", "allocationStrategy", "minvCpus", "desiredvCpus", "maxvCpus", "instanceTypes",
                         "imageId", "subnets", "securityGroupIds", "instanceRole", "spotIamFleetRole",
                         "bidPercentage"),
    "schedulingPolicies": ("name", "fairsharePolicy", "tags"),
    "jobQueues": ("jobQueueName", "state", "priority", "schedulingPolicyArn", "computeEnvironmentOrder", "tags"),
    "jobDefinitions": ("jobDefinitionName", "type", "parameters", "containerProperties", "nodeProperties",
                       "ecsProperties", "eksProperties", "retryStrategy", "timeout", "platformCapabilities",
                       "propagateTags", "schedulingPriority", "tags"),
    "containerProperties": ("image", "command", "resourceRequirements", "jobRoleArn", "executionRoleArn",
                            "environment"),
    "jobs": ("jobName", "jobQueue", "jobDefinition", "arrayProperties", "dependsOn", "parameters"),
    "iam.roles": ("RoleName", "Path", "Description", "AssumeRolePolicyDocument", "ManagedPolicyArns",
                  "PermissionsBoundary", "MaxSessionDuration", "Policies", "Tags"),
    "iam.policies": ("ManagedPolicyName", "Path", "Description", "PolicyDocument"),
    "schedules": ("name", "description", "scheduleExpression", "state", "job", "roleArn"),
    "notifications": ("name", "description", "state", "statuses", "jobQueues", "topic", "kmsMasterKeyId",
                      "subscriptions"),
    "PolicyDocument": ("Version", "Statement"),
    "AssumeRolePolicyDocument": ("Version", "Statement"),
    "Statement": ("Sid", "Effect", "Principal", "Action", "NotAction", "Resource", "NotResource", "Condition"),
    "Policies": ("PolicyName", "PolicyDocument"),
    "Tags": ("Key", "Value"),
}

_PLAIN = re.compile(r"[A-Za-z_/$(~][A-Za-z0-9 _./@=+,:()*?$~^\-]*")
_TYPED = re.compile(r"[-+.]?[0-9]")  # anything that might be a number, a date or a time in some YAML
_WORDS = frozenset(("y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"))
_NOT_PRINTABLE = re.compile(r"[^\x20-\x7e]")


def scalar(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    text = str(value)
    if (_PLAIN.fullmatch(text) and not _TYPED.match(text) and text.lower() not in _WORDS
            and ": " not in text and " #" not in text and not text.endswith((" ", ":"))):
        return text
    return _quoted(text)


def _escape(c: str) -> str:
    """A YAML double-quoted escape: \\uXXXX, or \\UXXXXXXXX beyond the BMP (no surrogate pairs)."""
    return c if c.isprintable() else (f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}")


def _quoted(text: str) -> str:
    out = json.dumps(text, ensure_ascii=False)
    # what a reviewer reads is what the value is: no invisible or bidi characters unescaped
    return _NOT_PRINTABLE.sub(lambda m: _escape(m.group()), out)


def comment(text: str) -> str:
    """`text` as one comment line: no line break, nothing invisible."""
    one = " ".join(str(text).splitlines())
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in one)


def _ordered(value: dict, order: tuple[str, ...]) -> list[str]:
    first = [k for k in order if k in value]
    return first + sorted(k for k in value if k not in order)


def _lines(value: Any, indent: int, key_hint: str, out: list[str], prefix: str) -> None:
    """Write `value` (a mapping or a list) as block lines at `indent`; `prefix` is what the first
    line starts with ("- " for a list item's first key)."""
    pad = " " * indent
    if isinstance(value, dict):
        first = True
        for key in _ordered(value, ENTRY_ORDER.get(key_hint, ())):
            lead = (pad[:-2] + prefix) if (first and prefix) else pad
            first = False
            _pair(key, value[key], indent, lead, out)
        return
    for item in value:
        if isinstance(item, dict) and item:
            _lines(item, indent + 2, key_hint, out, "- ")
        elif isinstance(item, list) and item:
            out.append(f"{pad}-")
            _lines(item, indent + 2, key_hint, out, "")
        else:
            out.append(f"{pad}- {_flow_or_scalar(item)}")


def _flow_or_scalar(value: Any) -> str:
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    return scalar(value)


def _pair(key: str, value: Any, indent: int, lead: str, out: list[str]) -> None:
    k = scalar(key)
    if isinstance(value, (dict, list)) and value:
        out.append(f"{lead}{k}:")
        _lines(value, indent + 2 if isinstance(value, dict) else indent + 2, key, out, "")
    else:
        out.append(f"{lead}{k}: {_flow_or_scalar(value)}")


def dump(spec: dict, origins: dict[tuple[str, str], str], header: list[str]) -> str:
    """The spec as YAML text. `origins` maps (section, name) to where the entry came from."""
    out: list[str] = [f"# {comment(line)}" if line else "#" for line in header]
    if out:
        out.append("")
    for key in _ordered(spec, TOP_ORDER):
        value = spec[key]
        if key == "iam":
            out.append("")
            out.append("iam:")
            for sub in ("roles", "policies"):
                if value.get(sub):
                    out.append(f"  {sub}:")
                    _section(f"iam.{sub}", value[sub], 4, origins, out)
        elif key in ALL_SECTIONS:
            out.append("")
            out.append(f"{key}:")
            _section(key, value, 2, origins, out)
        elif isinstance(value, (dict, list)) and value:
            if key in ("adopt",):
                out.append("")
            _pair(key, value, 0, "", out)
        else:
            _pair(key, value, 0, "", out)
    return "\n".join(out) + "\n"


def _section(section: str, entries: list[dict], indent: int, origins: dict, out: list[str]) -> None:
    name_field = ALL_SECTIONS[section]
    pad = " " * indent
    for i, entry in enumerate(entries):
        if i:
            out.append("")
        origin = origins.get((section, entry.get(name_field)))
        if origin:
            out.append(f"{pad}# from {comment(origin)}")
        _lines(entry, indent + 2, section, out, "- ")
