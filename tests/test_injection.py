"""Injection-proof output, property-based: no string of a spec changes the shape of what
batchgen writes, and every one arrives unchanged in HCL, in JSON and through deploy.sh.

Hypothesis draws a small valid spec whose free text is hostile: tag keys and values (top
level, per resource, IAM `Tags`), role and policy `Description`, role and policy `Path`,
schedule and notification `description`, job definition `parameters`, command arguments,
environment names and values, `user`, log driver options, a job queue's time-limit `reason`,
IAM `Condition` keys and values, job `parameters`, `containerOverrides`, and the spec's own
file name (it is written into comments). Hostile means quotes, backslashes, newlines,
`${`/`%{` and their escapes `$${`/`%%{`, heredoc markers, text that closes a block and opens
a resource, shell syntax with canary commands, control, format, combining and astral
characters: any code point but a lone surrogate, which neither YAML nor AWS can carry.
Names are drawn from the patterns AWS allows for them (they are the output's structure).

Each example is compiled twice: as drawn, and as its *twin*, the same spec with every hostile
string replaced by a plain token (`/T7Z/`, one per distinct string). The twin cannot inject
anything, so it gives the expected shape of every file:

- every .tf file parses back with python-hcl2 into the twin's tree: the same blocks (none
  added, none ended), the same attributes, the same comments, and where the twin holds a
  token, exactly the string it stands for (`hcl_literal` undoes HCL's escapes). python-hcl2
  misreads a `${` or `%{` with no "}" after it (`python_hcl2_can_read`): this property
  leaves those strings out, the Terraform one does not;
- every CLI request body loads back (json.loads) into the twin's body with each token
  replaced by its string, JSON documents held in strings (policies, event patterns) included;
- deploy.sh passes `bash -n` and runs with `aws` replaced by a bash function that records
  its arguments and the body each call sends: exactly the expected calls and bodies, and no
  canary command ran (`test_deploy_script_quotes_every_name` does the same for names the
  validator should never let through, so the quoting does not rest on the name patterns).

Terraform's own reading of the same output (terraform fmt, plan and apply) is
tests/downstream/test_injection_plan.py, which imports the strategies from here. About 20 s:
30 + 10 + 10 examples of some 60 hostile strings each (HYPOTHESIS_PROFILE=explore: 10x).
"""
from __future__ import annotations

import json
import os
import re
import string
import subprocess
import unicodedata
from pathlib import Path
from typing import Any, Callable

import hcl2
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from compiler.emit import cli
from compiler.pipeline import compile_text
from compiler.resolve import resolve


def examples(n: int) -> int:
    """`n` examples under the "ci" profile, ten times as many under "explore" (tests/conftest.py)."""
    return max(1, n * settings().max_examples // 100)


MAX_EXAMPLES = examples(30)  # each compiles and parses two modules (about 0.5 s)
DEPLOY_EXAMPLES = examples(10)  # each runs deploy.sh (about 0.3 s)

# --- hostile strings ------------------------------------------------------------------------

FRAGMENTS = (
    '"', "'", "\\", "\\\\", '\\"', "\n", "\r\n", "\r", "\t", " ",
    "${", "%{", "$${", "%%{", "}", "{", "${var.x}", "%{ if true }y%{ endif }", "${~", "~}",
    "<<EOF", "<<-EOF", "\nEOF\n", "EOF", "#", "//", "/*", "*/", "=", ",", ":",
    '\n}\nresource "aws_s3_bucket" "x" {\n', '"\n}\n\nresource "aws_s3_bucket" "y" {\n  bucket = "',
    '"]\n  x = ["', "\\u0000", "\\n", "\\U0001F600",
    "\x00", "\x07", "\x1b[31m", "\x1f", "\x7f", "\x85", "\u00a0", "\u2028", "\u2029", "\u202e", "\u200b",
    "\u200d", "\ufeff", "\U000e0041", "e\u0301", "\u0301", "\u0e01\u0e33", "\u1100\u1161", "é", "日本語",
    "🚀", "🇺🇸", "👍🏽", "\U0010fffd",
    "for", "null", "true", "Ref::x", "arn:aws:iam::123456789012:role/x",
    "$(touch pwned)", "`touch pwned`", "; touch pwned #", "&& touch pwned", "| touch pwned",
    "\ntouch pwned\n", "'$(touch pwned)'", "$HOME", "${HOME}", "!!", "*", "?", "[a]", "~", "&", "%s",
)
# Whole keys at the edges of HCL's identifier syntax: keywords, an identifier and a newline.
KEY_EDGES = ("for", "in", "if", "null", "true", "x\n", "for\n", "EOF\n", "a-b", "_", "-", "1a", "e\u0301",
             "\u0301", "🇺🇸", "日本語", "Ref::x", "${x}", "a.b", "a b", "")
# Any code point but a surrogate (YAML, JSON and AWS carry none alone).
_CHARS = st.characters(exclude_categories=("Cs",))
TOKEN = re.compile(r"/T\d+Z/")  # the twin's stand-in for a hostile string


def _nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def terraform_can_hold(s: str) -> bool:
    """Whether Terraform keeps `s` as it is, in a string and in the JSON text jsonencode makes
    of it. cty normalizes every string to Unicode NFC, the text of a JSON document included:
    `s` must be in NFC, and so must its JSON encoding, where an escape (`\\n`, `\\u003c` for `<`)
    followed by a combining mark would compose (`\\n` + U+0301 becomes `\\ń`: invalid JSON).
    No way of writing the HCL avoids that; a spec string like it is out of Terraform's reach."""
    encoded = json.dumps(s, ensure_ascii=False)
    for ch, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                       ("\u2029", "\\u2029")):  # what Go's encoding/json escapes besides JSON's own
        encoded = encoded.replace(ch, escape)
    return _nfc(s) == s and _nfc(encoded) == encoded


def hostile(max_size: int = 60, min_size: int = 0, terraform: bool = False,
            python_hcl2: bool = False) -> st.SearchStrategy[str]:
    """A hostile string of `min_size` to `max_size` characters. `terraform`: one Terraform can
    hold (`terraform_can_hold`). `python_hcl2`: one python-hcl2 reads back faithfully
    (`python_hcl2_can_read`)."""
    s = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(_CHARS, max_size=6)), max_size=5)
    s = st.one_of(st.sampled_from(KEY_EDGES), s.map(lambda parts: "".join(parts)))
    s = s.map(lambda t: (_nfc(t) if terraform else t)[:max_size])
    # "@@": deploy.sh fills @@ACCOUNT_ID@@, @@REGION@@ and @@JOB_ID:...@@ into the bodies with
    # sed, which can't tell a placeholder from the same text in a spec string (a known
    # limitation of the placeholder scheme, not of the quoting tested here).
    return s.filter(lambda t: len(t) >= min_size and "@@" not in t and not TOKEN.search(t)
                    and (not terraform or terraform_can_hold(t)) and (not python_hcl2 or python_hcl2_can_read(t)))


def _pairs(keys, values, min_size=0, max_size=3):
    # Keys unique after NFC: Terraform would merge "é" and "e\u0301" into one key.
    return st.lists(st.tuples(keys, values), min_size=min_size, max_size=max_size,
                    unique_by=lambda kv: _nfc(kv[0]))


def _name(prefix: str, alphabet: str, max_size: int = 12) -> st.SearchStrategy[str]:
    return st.text(st.sampled_from(alphabet), max_size=max_size).map(lambda s: prefix + s)


_BATCH = string.ascii_letters + string.digits + "_-"  # NT-001..005
_IAM = string.ascii_letters + string.digits + "+=,.@_-"  # RoleName, ManagedPolicyName, PolicyName
_RULE = string.ascii_letters + string.digits + "._-"  # EventBridge rule names
_PATH_FRAGMENTS = ('"', "\\", "${", "%{", "$${", "%%{", "}", "{", "`", "'", "$(touch${IFS}pwned)", "#", "*")


def _iam_path(python_hcl2: bool = False) -> st.SearchStrategy[str]:
    """A role or policy Path: / or /.../ of printable ASCII but space (BG-104)."""
    inner = st.lists(st.one_of(st.sampled_from(_PATH_FRAGMENTS),
                               st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=5)),
                     min_size=1, max_size=4).map("".join)
    inner = inner.filter(lambda s: "@@" not in s and (not python_hcl2 or python_hcl2_can_read(s)))
    return st.one_of(st.just("/"), inner.map(lambda s: f"/{s}/"))


@st.composite
def drawn_specs(draw, terraform: bool = False, python_hcl2: bool = False) -> dict:
    """The raw material of one spec: names, and hostile strings for every free-text place
    (`terraform`, `python_hcl2`: as for `hostile`)."""
    def text(max_size: int = 60, min_size: int = 0) -> st.SearchStrategy[str]:
        return hostile(max_size, min_size, terraform, python_hcl2)

    tag_key = text(128, min_size=1).filter(lambda k: not k.casefold().startswith("aws:") and k != "Project")
    tags = _pairs(tag_key, text(256), max_size=2)
    d: dict[str, Any] = {
        "project": draw(_name("p", _BATCH, 10)),
        "where": draw(st.sampled_from([("us-east-1", "123456789012"), (None, None)])),
        "tags": draw(tags),
        "role": draw(_name("R", _IAM)), "role_path": draw(_iam_path(python_hcl2)),
        "role_description": draw(text(1000, min_size=1)), "role_tags": draw(tags),
        "trust_condition": draw(_pairs(text(min_size=1), text(), min_size=1)),
        "inline_policy": draw(_name("", _IAM).filter(bool)),
        "inline_condition": draw(_pairs(text(min_size=1), st.lists(text(), min_size=1, max_size=2), min_size=1)),
        "policy": draw(_name("P", _IAM)), "policy_path": draw(_iam_path(python_hcl2)),
        "policy_description": draw(text(1000, min_size=1)),
        "policy_condition": draw(_pairs(text(min_size=1), text(), min_size=1)),
        "ce": draw(_name("ce", _BATCH)), "ce_tags": draw(tags),
        "queue": draw(_name("q", _BATCH)), "queue_tags": draw(tags), "queue_reason": draw(text(min_size=1)),
        "jd": draw(_name("jd", _BATCH)), "jd_tags": draw(tags),
        "jd_parameters": draw(_pairs(text(min_size=1).filter(lambda k: k != "inj"), text(), min_size=1)),
        "jd_default": draw(text()),
        # A whole argument Ref::name is a placeholder (a job without a value for it is XR-010).
        "command": draw(st.lists(text().filter(lambda a: not a.startswith("Ref::")), min_size=1, max_size=4)),
        "environment": draw(_pairs(text(min_size=1).filter(lambda n: not n.startswith("AWS_BATCH")), text(),
                                   min_size=1)),
        "user": draw(text(min_size=1)),
        "log_options": draw(_pairs(text(min_size=1), text(), min_size=1)),
        "job": draw(_name("ja", _BATCH)), "job_tags": draw(tags),
        "job_parameters": draw(_pairs(text(min_size=1), text())),
        "override_command": draw(st.lists(text(min_size=1).filter(lambda a: not a.startswith("Ref::")),
                                          min_size=1, max_size=3)),  # SJO-003: no empty argument
        "override_environment": draw(_pairs(text(min_size=1).filter(lambda n: not n.startswith("AWS_BATCH")),
                                            text(), min_size=1)),
        "scheduled_job": draw(_name("jb", _BATCH)),
        "scheduled_parameters": draw(_pairs(text(min_size=1), text(), min_size=1)),
        "schedule": draw(_name("s", _RULE)), "schedule_description": draw(text(512, min_size=1)),
        "notification": draw(_name("n", _RULE)), "notification_description": draw(text(512, min_size=1)),
        "topic": draw(_name("t", _BATCH)),
        "spec_file": draw(text(40, min_size=1).filter(lambda s: "/" not in s and "\x00" not in s)) + ".yaml",
    }
    return d


def make_spec(d: dict, t: Callable[[str], str]) -> dict:
    """The spec of `d`, each hostile string passed through `t` (identity, or the twin's token)."""
    def pairs(items) -> dict:
        return {t(k): t(v) for k, v in items}

    def condition(items, op="StringEquals") -> dict:
        return {op: {t(k): [t(x) for x in v] if isinstance(v, list) else t(v) for k, v in items}}

    region, account = d["where"]
    spec: dict[str, Any] = {"batchgen": 1, "project": d["project"]}
    if region:
        spec.update(region=region, account=account)
    spec["tags"] = pairs(d["tags"])
    spec["iam"] = {
        "roles": [{
            "RoleName": d["role"], "Path": t(d["role_path"]), "Description": t(d["role_description"]),
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                "Action": "sts:AssumeRole", "Condition": condition(d["trust_condition"])}]},
            "ManagedPolicyArns": [d["policy"]],
            "Policies": [{"PolicyName": d["inline_policy"], "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::inj-bucket/*",
                "Condition": condition(d["inline_condition"], "StringLike")}]}}],
            "Tags": [{"Key": t(k), "Value": t(v)} for k, v in d["role_tags"]],
        }],
        "policies": [{
            "ManagedPolicyName": d["policy"], "Path": t(d["policy_path"]), "Description": t(d["policy_description"]),
            "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::inj-bucket",
                "Condition": condition(d["policy_condition"])}]},
        }],
    }
    spec["computeEnvironments"] = [{
        "computeEnvironmentName": d["ce"], "type": "MANAGED",
        "computeResources": {"type": "FARGATE", "maxvCpus": 4, "subnets": ["subnet-0a1b2c3d"],
                             "securityGroupIds": ["sg-0a1b2c3d"]},
        "tags": pairs(d["ce_tags"]),
    }]
    spec["jobQueues"] = [{
        "jobQueueName": d["queue"], "priority": 1,
        "computeEnvironmentOrder": [{"order": 1, "computeEnvironment": d["ce"]}],
        "jobStateTimeLimitActions": [{"reason": t(d["queue_reason"]), "state": "RUNNABLE",
                                      "maxTimeSeconds": 600, "action": "CANCEL"}],
        "tags": pairs(d["queue_tags"]),
    }]
    spec["jobDefinitions"] = [{
        "jobDefinitionName": d["jd"], "type": "container",
        "parameters": {"inj": t(d["jd_default"]), **pairs(d["jd_parameters"])},
        "containerProperties": {
            "image": "public.ecr.aws/docker/library/busybox:1.36",
            "command": [t(a) for a in d["command"]] + ["Ref::inj"],
            "environment": [{"name": t(k), "value": t(v)} for k, v in d["environment"]],
            "user": t(d["user"]),
            "logConfiguration": {"logDriver": "awslogs", "options": pairs(d["log_options"])},
            "resourceRequirements": [{"type": "VCPU", "value": "1"}, {"type": "MEMORY", "value": "2048"}],
            "jobRoleArn": d["role"],
        },
        "platformCapabilities": ["FARGATE"],
        "tags": pairs(d["jd_tags"]),
    }]
    spec["jobs"] = [
        {"jobName": d["job"], "jobQueue": d["queue"], "jobDefinition": d["jd"],
         "parameters": pairs(d["job_parameters"]),
         "containerOverrides": {
             "command": [t(a) for a in d["override_command"]],
             "environment": [{"name": t(k), "value": t(v)} for k, v in d["override_environment"]]},
         "tags": pairs(d["job_tags"])},
        {"jobName": d["scheduled_job"], "jobQueue": d["queue"], "jobDefinition": d["jd"],
         "parameters": pairs(d["scheduled_parameters"])},
    ]
    spec["schedules"] = [{"name": d["schedule"], "description": t(d["schedule_description"]),
                          "scheduleExpression": "rate(5 minutes)", "job": d["scheduled_job"]}]
    spec["notifications"] = [{
        "name": d["notification"], "description": t(d["notification_description"]), "topic": d["topic"],
        "kmsMasterKeyId": "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "subscriptions": [{"protocol": "email", "endpoint": "ops@example.com"}],
    }]
    return spec


class Tokens:
    """The twin's tokens: one per distinct hostile string, shaped to pass wherever a hostile
    string may stand (a Path included)."""

    def __init__(self) -> None:
        self.token_of: dict[str, str] = {}

    def __call__(self, s: str) -> str:
        return self.token_of.setdefault(s, f"/T{len(self.token_of)}Z/")

    @property
    def strings(self) -> dict[str, str]:
        return {token: s for s, token in self.token_of.items()}


# --- compiling ------------------------------------------------------------------------------


class _QuotedDumper(yaml.SafeDumper):
    pass


# Every string double-quoted: a plain `1e3` or `0o17` would read back as a number under the
# YAML 1.2 core schema batchgen uses; escapes carry control characters, NEL, U+2028 and BOM.
_QuotedDumper.add_representer(
    str, lambda dumper, s: dumper.represent_scalar("tag:yaml.org,2002:str", s, style='"'))


def spec_text(spec: dict) -> str:
    return yaml.dump(spec, Dumper=_QuotedDumper, allow_unicode=True, sort_keys=False, width=1 << 30)


def compile_spec_dict(spec: dict, file_name: str = "spec.yaml") -> dict[str, str]:
    """Compile `spec` in memory: {relative path: text}; fails on any error."""
    result = compile_text(spec_text(spec), file_name)
    errors = [str(p) for p in result.errors]
    assert not errors and result.files is not None, "\n".join(errors)
    return result.files


def write_files(files: dict[str, str], directory: Path, prefix: str = "") -> Path:
    """Write the files under `prefix` (e.g. "terraform/") into `directory`; return it."""
    for rel, text in files.items():
        if rel.startswith(prefix):
            path = directory / rel[len(prefix):]
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    return directory


# --- reading HCL back with python-hcl2 ------------------------------------------------------

_HCL_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


def hcl_literal(source: str) -> str | None:
    """The value of a quoted HCL string as python-hcl2 8.x gives it: its source text, quotes
    and escapes included (`"a\\"b $${x}"` for `a"b ${x}`). Undoes HCL's escapes left to
    right (hclsyntax's scanner): `\\n \\r \\t \\" \\\\ \\uNNNN \\UNNNNNNNN`, and `$${` / `%%{`
    for a literal `${` / `%{`. None if the literal is a template: it holds an unescaped `${` or
    `%{` (an interpolation or directive), which a string batchgen writes for the spec never does."""
    assert len(source) >= 2 and source[0] == source[-1] == '"', source
    body, out, i = source[1:-1], [], 0
    while i < len(body):
        ch = body[i]
        if ch == "\\":
            sel = body[i + 1]
            if sel in _HCL_ESCAPES:
                out.append(_HCL_ESCAPES[sel])
                i += 2
            else:
                width = {"u": 4, "U": 8}[sel]
                out.append(chr(int(body[i + 2:i + 2 + width], 16)))
                i += 2 + width
        elif body.startswith(("$${", "%%{"), i):
            out.append(ch + "{")
            i += 3
        elif body.startswith(("${", "%{"), i):
            return None
        else:
            out.append(ch)
            i += 1
    return "".join(out)


class Expr(str):
    """An HCL expression python-hcl2 gives as text (a reference, a template)."""


_JSONENCODE = re.compile(r"\$\{jsonencode\((.*)\)\}", re.S)


def hcl_value(value: Any) -> Any:
    """python-hcl2's tree with string literals decoded (`hcl_literal`), quoted keys and block
    labels too, a `jsonencode(...)` argument parsed again into a tree ({"jsonencode": ...})
    and any other expression an Expr."""
    if isinstance(value, dict):
        return {hcl_value(k) if k.startswith('"') else k: hcl_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [hcl_value(v) for v in value]
    if isinstance(value, str):
        if m := _JSONENCODE.fullmatch(value):
            return {"jsonencode": hcl_value(hcl2.loads(f"v = {m.group(1)}\n")["v"])}
        if len(value) >= 2 and value[0] == value[-1] == '"':
            literal = hcl_literal(value)
            if literal is not None:
                return literal
        return Expr(value)
    return value


def python_hcl2_can_read(s: str) -> bool:
    """Whether python-hcl2 reads `s` back as written. Not when a `${` or `%{` has no "}" after
    it: its lexer takes the escape `$${` / `%%{` up to the next "}" (ESCAPED_INTERPOLATION =
    /\\$\\$\\{[^}]*\\}/), across the closing quote into the next string if need be, where
    Terraform needs no "}" (`"$${x"` is `${x`). The fast test leaves such strings out;
    Terraform reads them in tests/downstream/test_injection_plan.py."""
    opened = max(s.rfind("${"), s.rfind("%{"))
    return opened < 0 or "}" in s[opened:]


# --- comparing with the twin ------------------------------------------------------------------


def _restore(s: str, strings: dict[str, str]) -> str:
    return TOKEN.sub(lambda m: strings[m.group()], s)


def _json_or_none(s: Any) -> Any:
    if isinstance(s, str) and s[:1] in "{[":
        try:
            return json.loads(s)
        except json.JSONDecodeError:
            return None
    return None


def assert_twin(actual: Any, twin: Any, strings: dict[str, str], where: str = "") -> None:
    """`actual` is `twin` with every token replaced by the string it stands for: same keys,
    same list lengths, same types; a JSON document held in a string compares parsed."""
    if isinstance(twin, dict):
        assert isinstance(actual, dict), f"{where}: {actual!r} instead of an object"
        keys = {_restore(k, strings): k for k in twin}
        assert set(actual) == set(keys), (f"{where}: keys {sorted(map(repr, actual))} "
                                          f"instead of {sorted(map(repr, keys))}")
        for k, twin_key in keys.items():
            assert_twin(actual[k], twin[twin_key], strings, f"{where}/{k!r}")
    elif isinstance(twin, list):
        assert isinstance(actual, list) and len(actual) == len(twin), f"{where}: {actual!r} instead of {twin!r}"
        for i, (a, t) in enumerate(zip(actual, twin)):
            assert_twin(a, t, strings, f"{where}/{i}")
    elif isinstance(twin, str) and TOKEN.search(twin):
        expected = _restore(twin, strings)
        if actual == expected and type(actual) is type(twin):
            return
        parsed, parsed_twin = _json_or_none(actual), _json_or_none(twin)
        assert parsed_twin is not None and parsed is not None, f"{where}: {actual!r} instead of {expected!r}"
        assert_twin(parsed, parsed_twin, strings, f"{where}(json)")
    else:
        assert actual == twin and type(actual) is type(twin), f"{where}: {actual!r} instead of {twin!r}"


def resources(tree: dict) -> set[tuple[str, str]]:
    return {(kind, label) for block in tree.get("resource", []) for kind, named in block.items() for label in named}


# --- deploy.sh with a recording `aws` ---------------------------------------------------------

FAKE_ACCOUNT, FAKE_REGION, FAKE_JOB_ID = "210987654321", "eu-west-3", "fake-job-id"

# A bash function stands in for the AWS CLI (exported, so deploy.sh's bash has it): it
# records its arguments, and the body a --cli-input-json file:// names, as NUL-separated
# fields, and answers what deploy.sh reads back.
_FAKE_AWS = r"""
aws() {
  printf 'CALL\0%s\0' "$#" >>"$FAKE_AWS_LOG"
  printf '%s\0' "$@" >>"$FAKE_AWS_LOG"
  local arg
  for arg in "$@"; do
    case "$arg" in
      file://*)
        printf 'BODY\0' >>"$FAKE_AWS_LOG"
        cat -- "${arg#file://}" >>"$FAKE_AWS_LOG"
        printf '\0' >>"$FAKE_AWS_LOG" ;;
    esac
  done
  case "$1 $2" in
    "sts get-caller-identity") echo "$FAKE_ACCOUNT" ;;
    "configure get") echo "$FAKE_REGION" ;;
    "batch describe-compute-environments" | "batch describe-job-queues") echo VALID ;;
    "batch submit-job") echo "$FAKE_JOB_ID" ;;
  esac
}
export -f aws
exec bash "$1"
"""


def run_deploy_script(files: dict[str, str], directory: Path,
                      spec: dict) -> tuple[subprocess.CompletedProcess, list[dict]]:
    """Write the cli/ files into `directory`, check deploy.sh with `bash -n`, run it with the
    recording `aws`; return the run and the calls ({"argv": [...], "body": text or None})."""
    cli = write_files(files, directory / "cli", "cli/")
    script = cli / "deploy.sh"
    syntax = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
    assert syntax.returncode == 0, syntax.stderr
    log = directory / "aws.log"
    account = spec.get("account") or FAKE_ACCOUNT
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(directory), "TMPDIR": str(directory),
           "LC_ALL": "C.UTF-8", "AWS_REGION": FAKE_REGION, "FAKE_AWS_LOG": str(log),
           "FAKE_ACCOUNT": account, "FAKE_REGION": FAKE_REGION, "FAKE_JOB_ID": FAKE_JOB_ID}
    run = subprocess.run(["bash", "-c", _FAKE_AWS, "fake-aws", str(script)], env=env, cwd=directory,
                         capture_output=True, timeout=60, stdin=subprocess.DEVNULL)
    fields = log.read_bytes().split(b"\0") if log.exists() else [b""]
    calls: list[dict] = []
    i = 0
    while fields[i:] != [b""]:
        assert fields[i] == b"CALL", fields[i:i + 3]
        argc = int(fields[i + 1])
        call = {"argv": [f.decode() for f in fields[i + 2:i + 2 + argc]], "body": None}
        i += 2 + argc
        if fields[i] == b"BODY":
            call["body"] = fields[i + 1].decode()
            i += 2
        calls.append(call)
    return run, calls


def check_deploy_run(files: dict[str, str], directory: Path, spec: dict) -> None:
    """deploy.sh sends every body exactly once (but a scheduled job's), unchanged but for its
    placeholders, with the arguments batchgen wrote; nothing else runs."""
    run, calls = run_deploy_script(files, directory, spec)
    assert run.returncode == 0, run.stderr.decode(errors="replace")
    assert run.stdout.decode().endswith("\ndeploy.sh: done\n")
    region = spec.get("region") or FAKE_REGION
    account = spec.get("account") or FAKE_ACCOUNT
    bodies = {rel[len("cli/"):]: text for rel, text in files.items() if rel.startswith("cli/") and rel.endswith(".json")}
    by_work_name = {rel.replace("/", "_"): rel for rel in bodies}
    sent: list[str] = []
    for call in calls:
        argv = call["argv"]
        if call["body"] is None:
            ce, queue = spec["computeEnvironments"][0]["computeEnvironmentName"], spec["jobQueues"][0]["jobQueueName"]
            assert argv in (
                ["sts", "get-caller-identity", "--region", region, "--query", "Account", "--output", "text"],
                ["iam", "get-role", "--region", region, "--role-name", "AWSServiceRoleForBatch"],
                ["batch", "describe-compute-environments", "--region", region, "--compute-environments", ce,
                 "--query", "computeEnvironments[0].status", "--output", "text"],
                ["batch", "describe-job-queues", "--region", region, "--job-queues", queue,
                 "--query", "jobQueues[0].status", "--output", "text"],
            ), argv
            continue
        rel = by_work_name.get(Path(argv[5].removeprefix("file://")).name)
        assert rel is not None, argv
        service, command = rel.split("/")[:2]
        tail = ["--query", "jobId", "--output", "text"] if command == "submit-job" else []
        assert argv == [service, command, "--region", region, "--cli-input-json", argv[5], *tail], argv
        expected = (bodies[rel].replace("@@ACCOUNT_ID@@", account).replace("@@REGION@@", region)
                    .replace(f"@@JOB_ID:{spec['jobs'][0]['jobName']}@@", FAKE_JOB_ID))
        assert call["body"] == expected, rel
        sent.append(rel)
    # a job a schedule or trigger submits has its body written, to run by hand, and not sent
    by_hand = {f"batch/submit-job/{x['job']}.json" for x in [*spec.get("schedules", []), *spec.get("triggers", [])]}
    assert by_hand <= set(bodies) and sorted(sent) == sorted(set(bodies) - by_hand)
    stdout = run.stdout.decode()
    for rel in sent:  # each call is announced with its name, as written: echo "service command name"
        assert " ".join(rel.removesuffix(".json").split("/", 2)) + "\n" in stdout, rel
    assert not [p for p in directory.rglob("*") if p.name == "pwned"], "a canary command ran"


# --- the properties ---------------------------------------------------------------------------


@settings(max_examples=MAX_EXAMPLES)
@given(drawn=drawn_specs(python_hcl2=True))
def test_spec_strings_reach_hcl_and_json_unchanged(drawn):
    spec = make_spec(drawn, lambda s: s)
    tokens = Tokens()
    twin = make_spec(drawn, tokens)
    strings = tokens.strings
    files = compile_spec_dict(spec, drawn["spec_file"])
    twin_files = compile_spec_dict(twin, drawn["spec_file"])
    assert sorted(files) == sorted(twin_files)

    found = set()
    for rel in files:
        if rel.startswith("terraform/"):
            tree, twin_tree = hcl_value(hcl2.loads(files[rel])), hcl_value(hcl2.loads(twin_files[rel]))
            assert resources(tree) == resources(twin_tree), rel
            assert_twin(tree, twin_tree, strings, rel)
            header = files[rel].splitlines()[0]
            assert header == f"# Generated by batchgen from {' '.join(drawn['spec_file'].splitlines())}. " \
                             "Edit the spec, not this file.", rel
        elif rel.startswith("cli/") and rel.endswith(".json"):
            assert_twin(json.loads(files[rel]), json.loads(twin_files[rel]), strings, rel)
        else:
            continue
        found.update(TOKEN.findall(twin_files[rel]))
    # Every string of the spec is somewhere in the output that was checked.
    assert found == set(strings), sorted(strings[t] for t in set(strings) - found)


@settings(max_examples=DEPLOY_EXAMPLES)
@given(drawn=drawn_specs())
def test_deploy_script_sends_every_body_unchanged(drawn, tmp_path_factory):
    spec = make_spec(drawn, lambda s: s)
    check_deploy_run(compile_spec_dict(spec, drawn["spec_file"]), tmp_path_factory.mktemp("deploy"), spec)


def _hostile_name(prefix: str) -> st.SearchStrategy[str]:
    # Anything a file name can hold: each name is also the name of its body file.
    return hostile(20, 1).filter(lambda s: "/" not in s and "\x00" not in s).map(lambda s: prefix + s)


@settings(max_examples=DEPLOY_EXAMPLES)
@given(drawn=drawn_specs(), names=st.fixed_dictionaries({
    "project": _hostile_name("p"), "role": _hostile_name("R"), "policy": _hostile_name("P"),
    "inline_policy": _hostile_name("I"), "ce": _hostile_name("ce"), "queue": _hostile_name("q"),
    "jd": _hostile_name("jd"), "schedule": _hostile_name("s"), "notification": _hostile_name("n"),
    "topic": _hostile_name("t")}))
def test_deploy_script_quotes_every_name(drawn, names, tmp_path_factory):
    """deploy.sh quotes every name it writes, whatever the validator lets through: names no
    pattern allows (quotes, `$(...)`, newlines) go straight to the emitter, bypassing
    validation. Job names stay valid: their @@JOB_ID:name@@ placeholder is matched by sed
    (in the JSON text, where a quote or a control character would be escaped)."""
    spec = make_spec({**drawn, **names}, lambda s: s)
    files = {f"cli/{k}": v for k, v in cli.emit(resolve(spec), drawn["spec_file"]).items()}
    check_deploy_run(files, tmp_path_factory.mktemp("deploy"), spec)
