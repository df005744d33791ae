"""`batchgen import aws`: what runs in an account and Region, read with boto3, as a spec.

- Credentials and Region: boto3's standard chain (environment, shared files, `--profile`,
  SSO, instance roles); `AWS_ENDPOINT_URL` (and the per-service variants) point it at another
  endpoint, e.g. an emulator.
- Every list call is paginated (botocore's paginators); the Describe* calls of AWS Batch
  return at most 100 items a page.
- Throttling is retried with exponential backoff and jitter: botocore's "standard" retry
  mode, up to 10 attempts (AWS_MAX_ATTEMPTS / AWS_RETRY_MODE, where set, win).
- A denied call is a warning (BG-150) naming the IAM action; what it would have read is left
  out (a role that can't be read whole stays an ARN), and the import goes on. Any other
  error of a call stops the import (BG-155) and nothing is written.
- Progress goes to standard error: a bar on a terminal, one plain line per step otherwise.

What is read: compute environments, scheduling policies, job queues, the latest ACTIVE
revision of each job definition, EventBridge rules of the default bus that submit to a
queue on a schedule (`schedules`, with the `jobs` entry each submits) or send Batch job
state changes to SNS (`notifications`), and the IAM roles these name, where readable.
"""
from __future__ import annotations

import fnmatch
import json
import os
import time
from typing import Any
from urllib.parse import unquote

from ..model import NOTIFICATION_TARGET_ID, SCHEDULE_TARGET_ID
from .entries import Arn, Draft, iam_path_and_name, shape
from .report import Place

DENIED_CODES = frozenset({"AccessDenied", "AccessDeniedException", "UnauthorizedOperation",
                          "UnauthorizedException", "AuthorizationError", "Forbidden"})
CREDENTIAL_CODES = frozenset({"ExpiredToken", "ExpiredTokenException", "InvalidClientTokenId",
                              "SignatureDoesNotMatch", "UnrecognizedClientException", "InvalidSignatureException"})
# The IAM actions' service prefixes (for these services the action is the API operation's name).
IAM_PREFIX = {"batch": "batch", "iam": "iam", "events": "events", "sts": "sts", "sns": "sns"}
JOB_STATES = ["SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED", "FAILED"]
DEFAULT_SESSION_SECONDS = 3600


class Progress:
    """How far the import is, on `stream`: a bar on a terminal, one line per step in CI logs."""

    WIDTH = 30

    def __init__(self, stream=None):
        self.stream = stream
        self.tty = bool(stream is not None and getattr(stream, "isatty", lambda: False)())
        self.label = ""
        self.count = 0
        self.total: int | None = None
        self._drawn = 0.0

    def step(self, label: str, total: int | None = None) -> None:
        self._end_bar()
        self.label, self.count, self.total = label, 0, total
        if self.stream is not None and not self.tty:
            self.stream.write(f"batchgen import aws: {label}...\n")
        self._draw(force=True)

    def advance(self, n: int = 1) -> None:
        self.count += n
        self._draw()

    def page(self, n: int) -> None:
        """A page of `n` items arrived."""
        self.count += n
        if self.stream is not None and not self.tty:
            self.stream.write(f"batchgen import aws: {self.label}: {self.count}\n")
        self._draw()

    def _draw(self, force: bool = False) -> None:
        if not self.tty or self.stream is None:
            return
        now = time.monotonic()
        if not force and now - self._drawn < 0.1:
            return
        self._drawn = now
        if self.total:
            done = min(self.WIDTH, self.WIDTH * self.count // max(self.total, 1))
            bar = "#" * done + "-" * (self.WIDTH - done)
            text = f"\r[{bar}] {self.label} {self.count}/{self.total}"
        else:
            text = f"\r{self.label}: {self.count}"
        self.stream.write(text + "\033[K")
        self.stream.flush()

    def _end_bar(self) -> None:
        if self.tty and self.stream is not None and self.label:
            self._draw(force=True)
            self.stream.write("\n")

    def done(self) -> None:
        self._end_bar()
        self.label = ""


class _Stop(Exception):
    """A call failed in a way that stops the import (BG-155 reported)."""


class _Reader:
    def __init__(self, session, region: str, draft: Draft, progress: Progress):
        from botocore.config import Config

        self.session = session
        self.region = region
        self.draft = draft
        self.progress = progress
        retries: dict[str, Any] = {}
        if "AWS_MAX_ATTEMPTS" not in os.environ:
            retries["max_attempts"] = 10
        if "AWS_RETRY_MODE" not in os.environ:
            retries["mode"] = "standard"
        self.config = Config(retries=retries or None, user_agent_extra="batchgen-import",
                             connect_timeout=10, read_timeout=60)
        self.clients: dict[str, Any] = {}
        self.place = Place(f"aws:{region}")

    def client(self, service: str):
        if service not in self.clients:
            self.clients[service] = self.session.client(service, region_name=self.region, config=self.config)
        return self.clients[service]

    def _denied(self, exc) -> bool:
        error = exc.response.get("Error", {})
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        code = str(error.get("Code", ""))
        return code in DENIED_CODES or (status == 403 and code not in CREDENTIAL_CODES)

    def _fail(self, exc, action: str) -> None:
        from botocore.exceptions import ClientError

        if isinstance(exc, ClientError):
            error = exc.response.get("Error", {})
            code = str(error.get("Code", ""))
            if code in CREDENTIAL_CODES:
                self.draft.usage_error = f"{action}: the credentials were refused ({code}: {error.get('Message', '')})"
            detail = f"{code}: {error.get('Message', '')}".strip(": ")
        else:
            detail = f"{type(exc).__name__}: {exc}"
        self.draft.report.add("BG-155", self.place, action=action, detail=detail)
        raise _Stop from exc

    def call(self, service: str, operation: str, what: str, place: Place | None = None, **kw) -> dict | None:
        """One call; None when it was denied (BG-150 says what is left out)."""
        from botocore.exceptions import BotoCoreError, ClientError

        action = f"{IAM_PREFIX[service]}:{operation}"
        client = self.client(service)
        method = getattr(client, _snake(operation))
        try:
            return method(**kw)
        except ClientError as exc:
            if self._denied(exc):
                self.draft.report.add("BG-150", place or self.place, action=action, what=what)
                return None
            if exc.response.get("Error", {}).get("Code") in ("NoSuchEntity", "NoSuchEntityException",
                                                             "ResourceNotFoundException", "NotFound"):
                raise  # the caller says what is missing
            self._fail(exc, action)
        except BotoCoreError as exc:
            self._fail(exc, action)
        return None

    def pages(self, service: str, operation: str, key: str, what: str, counted: bool = True, **kw) -> list | None:
        """Every item of a paginated list call; None when it was denied. `counted`: the items
        are what the current progress step counts."""
        from botocore.exceptions import BotoCoreError, ClientError

        action = f"{IAM_PREFIX[service]}:{operation}"
        client = self.client(service)
        items: list = []
        try:
            for page in client.get_paginator(_snake(operation)).paginate(**kw):
                got = page.get(key) or []
                items.extend(got)
                if counted:
                    self.progress.page(len(got))
        except ClientError as exc:
            if self._denied(exc):
                self.draft.report.add("BG-150", self.place, action=action, what=what)
                return None
            self._fail(exc, action)
        except BotoCoreError as exc:
            self._fail(exc, action)
        return items


def _snake(operation: str) -> str:
    import botocore

    return botocore.xform_name(operation)


def import_account(region: str | None = None, profile: str | None = None, name_filter: str | None = None,
                   progress: Progress | None = None, session=None) -> Draft:
    """The Draft of what runs in the account the credentials reach, in `region`."""
    import boto3
    from botocore.exceptions import BotoCoreError, NoCredentialsError, NoRegionError, ProfileNotFound

    progress = progress or Progress(None)
    draft = Draft(header=[])
    try:
        session = session or boto3.session.Session(profile_name=profile, region_name=region)
    except ProfileNotFound as exc:
        draft.usage_error = str(exc)
        return draft
    region = region or session.region_name
    if not region:
        draft.usage_error = "no Region: give --region, or set AWS_REGION or a region in the AWS configuration"
        return draft
    draft.region = region
    reader = _Reader(session, region, draft, progress)
    try:
        _read(reader, draft, name_filter)
    except _Stop:
        draft.entries.clear()
    except NoCredentialsError:
        draft.usage_error = ("no AWS credentials found (environment, shared credentials or config file, SSO, "
                             "instance role); configure some, or give --profile")
    except NoRegionError:
        draft.usage_error = "no Region: give --region, or set AWS_REGION"
    except BotoCoreError as exc:
        draft.usage_error = f"{type(exc).__name__}: {exc}"
    finally:
        progress.done()
    account = f"account {draft.account}" if draft.account else "the account (its ID could not be read)"
    draft.header = [
        f"Imported by `batchgen import aws` from {account}, Region {region}"
        + (f", names matching {name_filter!r}." if name_filter else "."),
    ]
    if not draft.entries:
        draft.header.append("Nothing to import: no compute environment, job queue, scheduling policy, job definition "
                            "or Batch rule was found" + (" (or none readable: see the warnings)." if draft.report.problems
                                                         else "."))
    else:
        draft.header += [
            "Each entry says which resource it came from. Review it, then: batchgen validate THIS-FILE",
            "`adopt` lists the job definition revisions (and event target IDs) running at import:",
            "`batchgen compile THIS-FILE --adopt` writes the Terraform import blocks that adopt them.",
        ]
    return draft


def _wanted(name: str | None, name_filter: str | None) -> bool:
    return name_filter is None or (isinstance(name, str) and fnmatch.fnmatchcase(name, name_filter))


def _read(r: _Reader, draft: Draft, name_filter: str | None) -> None:
    p = r.progress
    p.step("account")
    who = r.call("sts", "GetCallerIdentity", "the spec has no `account` (CLI bodies then fill it in at deploy time)")
    if who:
        draft.account = who.get("Account")

    p.step("compute environments")
    for ce in r.pages("batch", "DescribeComputeEnvironments", "computeEnvironments",
                      "no compute environment is imported") or []:
        if _wanted(ce.get("computeEnvironmentName"), name_filter):
            _add(draft, "computeEnvironments", ce, ce.get("computeEnvironmentArn"))

    p.step("scheduling policies")
    arns = [x["arn"] for x in r.pages("batch", "ListSchedulingPolicies", "schedulingPolicies",
                                      "no scheduling policy is imported (queues keep their policies' ARNs)") or []]
    for start in range(0, len(arns), 100):  # DescribeSchedulingPolicies takes up to 100 ARNs
        got = r.call("batch", "DescribeSchedulingPolicies", "no scheduling policy is imported",
                     arns=arns[start:start + 100])
        for sp in (got or {}).get("schedulingPolicies") or []:
            if _wanted(sp.get("name"), name_filter):
                _add(draft, "schedulingPolicies", sp, sp.get("arn"))

    p.step("job queues")
    for q in r.pages("batch", "DescribeJobQueues", "jobQueues", "no job queue is imported") or []:
        if _wanted(q.get("jobQueueName"), name_filter):
            _add(draft, "jobQueues", q, q.get("jobQueueArn"))

    p.step("job definitions (ACTIVE revisions)")
    latest: dict[str, dict] = {}
    for jd in r.pages("batch", "DescribeJobDefinitions", "jobDefinitions", "no job definition is imported",
                      status="ACTIVE") or []:
        name = jd.get("jobDefinitionName")
        if _wanted(name, name_filter) and (name not in latest or jd.get("revision", 0) > latest[name].get("revision", 0)):
            latest[name] = jd
    for name, jd in latest.items():
        entry = _add(draft, "jobDefinitions", jd, jd.get("jobDefinitionArn"), revision=jd.get("revision"))
        if entry.revision:
            draft.adopt_revisions[name] = entry.revision

    p.step("EventBridge rules")
    _rules(r, draft, name_filter)

    _roles(r, draft)


def _add(draft: Draft, section: str, data: dict, arn: str | None, revision: int | None = None):
    origin = Place(arn or f"aws:{draft.region}")
    body = shape(section, data, origin, draft.report, reported=True)
    return draft.add(section, body, origin, reported=True, revision=revision)


# -- EventBridge ------------------------------------------------------------------------------

def _rules(r: _Reader, draft: Draft, name_filter: str | None) -> None:
    rules = r.pages("events", "ListRules", "Rules",
                    "no schedule or notification is imported (EventBridge rules can't be listed)")
    for rule in sorted(rules or [], key=lambda x: x.get("Name", "")):
        name = rule.get("Name")
        if not _wanted(name, name_filter) or rule.get("ManagedBy"):
            continue  # a rule another AWS service manages for itself is not the account's to adopt
        place = Place(rule.get("Arn") or f"aws:{draft.region}")
        got = r.pages("events", "ListTargetsByRule", "Targets", f"rule {name} is not imported (its targets can't be "
                      "read)", counted=False, Rule=name)
        if got is None:
            continue
        targets = sorted(got, key=lambda t: t.get("Id", ""))
        batch = [t for t in targets if _arn_kind(t.get("Arn")) == ("batch", "job-queue")]
        sns = [t for t in targets if (Arn.parse(t.get("Arn")) or Arn("", "", "", "", "")).service == "sns"]
        if batch:
            _schedule(draft, rule, batch, place)
        elif sns and _batch_pattern(rule.get("EventPattern")) is not None:
            _notification(draft, rule, sns, place)


def _arn_kind(text: Any) -> tuple[str, str] | None:
    arn = Arn.parse(text)
    return (arn.service, arn.kind_and_name()[0]) if arn else None


def _schedule(draft: Draft, rule: dict, targets: list[dict], place: Place) -> None:
    name = rule["Name"]
    if not rule.get("ScheduleExpression"):
        draft.report.add("BG-153", place, what=f"rule {name}",
                         why="it submits jobs on an event pattern; the spec's schedules take a schedule expression")
        return
    if len(targets) > 1:
        draft.report.add("BG-152", place, where=f"rule {name}", field=f"targets {', '.join(t['Id'] for t in targets[1:])}",
                         why="a schedule submits one job; the first Batch target is kept")
    t = targets[0]
    params = t.get("BatchParameters") or {}
    job_name = params.get("JobName") or name
    job: dict[str, Any] = {"jobName": job_name, "jobQueue": t["Arn"], "jobDefinition": params.get("JobDefinition")}
    if (params.get("ArrayProperties") or {}).get("Size"):
        job["arrayProperties"] = {"size": params["ArrayProperties"]["Size"]}
    if (params.get("RetryStrategy") or {}).get("Attempts"):
        job["retryStrategy"] = {"attempts": params["RetryStrategy"]["Attempts"]}
    if t.get("Input"):
        try:
            payload = json.loads(t["Input"])
        except ValueError:
            payload = {}
        if isinstance(payload, dict) and isinstance(payload.get("Parameters"), dict):
            job["parameters"] = payload["Parameters"]
        extra = sorted(k for k in (payload if isinstance(payload, dict) else {}) if k != "Parameters")
        if extra:
            draft.report.add("BG-152", place, where=f"rule {name}", field=f"the target's Input {', '.join(extra)}",
                             why="a schedule's target carries only Parameters, array size and attempts (BG-110)")
    for key in ("InputPath", "InputTransformer"):
        if t.get(key):
            draft.report.add("BG-152", place, where=f"rule {name}", field=key,
                             why="a schedule's target carries only Parameters, array size and attempts (BG-110)")
    if draft.named("jobs", job_name) is not None:
        draft.report.add("BG-153", place, what=f"rule {name}",
                         why=f"another schedule submits a job named {job_name} too; the spec's jobs have unique names")
        return
    draft.add("jobs", shape("jobs", job, place, draft.report), place, reported=True)
    schedule: dict[str, Any] = {"name": name, "scheduleExpression": rule["ScheduleExpression"], "job": job_name}
    if rule.get("Description"):
        schedule["description"] = rule["Description"]
    if rule.get("State") and rule["State"] != "ENABLED":
        schedule["state"] = "DISABLED"
    if t.get("RoleArn"):
        schedule["roleArn"] = t["RoleArn"]
    draft.add("schedules", shape("schedules", schedule, place, draft.report), place, reported=True)
    if t.get("Id") != SCHEDULE_TARGET_ID:
        draft.adopt_targets[name] = t["Id"]


def _batch_pattern(text: Any) -> dict | None:
    """A Batch job state change pattern (source, detail-type, detail.status/jobQueue only), or None."""
    try:
        pattern = json.loads(text) if isinstance(text, str) else None
    except ValueError:
        return None
    if not isinstance(pattern, dict) or pattern.get("source") != ["aws.batch"] \
            or pattern.get("detail-type") != ["Batch Job State Change"] \
            or set(pattern) - {"source", "detail-type", "detail"}:
        return None
    detail = pattern.get("detail") or {}
    if not isinstance(detail, dict) or set(detail) - {"status", "jobQueue"}:
        return None
    return detail


def _notification(draft: Draft, rule: dict, targets: list[dict], place: Place) -> None:
    name = rule["Name"]
    detail = _batch_pattern(rule.get("EventPattern")) or {}
    if len(targets) > 1:
        draft.report.add("BG-152", place, where=f"rule {name}", field=f"targets {', '.join(t['Id'] for t in targets[1:])}",
                         why="a notification sends to one topic; the first SNS target is kept")
    t = targets[0]
    body: dict[str, Any] = {"name": name}
    if rule.get("Description"):
        body["description"] = rule["Description"]
    if rule.get("State") and rule["State"] != "ENABLED":
        body["state"] = "DISABLED"
    statuses = detail.get("status")
    body["statuses"] = list(statuses) if isinstance(statuses, list) and statuses else list(JOB_STATES)
    if isinstance(detail.get("jobQueue"), list):
        body["jobQueues"] = list(detail["jobQueue"])
    body["topic"] = t["Arn"]  # an existing topic: batchgen leaves it (and its policy) as it is
    draft.add("notifications", shape("notifications", body, place, draft.report), place, reported=True)
    if t.get("Id") != NOTIFICATION_TARGET_ID:
        draft.adopt_targets[name] = t["Id"]


# -- IAM ----------------------------------------------------------------------------------------

def _role_arns(draft: Draft) -> list[tuple[str, str]]:
    """(ARN, field) of every role or instance profile an imported entry names."""
    from ..language import REFERENCES, walk_path

    found: dict[str, str] = {}
    for e in draft.entries:
        for ref in REFERENCES:
            if ref.section == e.section and ref.target == "iam.roles":
                for _, value in walk_path(e.body, ref.path):
                    if isinstance(value, str) and value.startswith("arn:"):
                        found.setdefault(value, ref.path[-1])
    return sorted(found.items())


def _roles(r: _Reader, draft: Draft) -> None:
    from botocore.exceptions import ClientError

    done: set[str] = set()
    uses = _role_arns(draft)
    r.progress.step("IAM roles", total=len(uses))
    for arn_text, field_name in uses:
        r.progress.advance()
        arn = Arn.parse(arn_text)
        if arn is None or arn.service != "iam" or (draft.account and arn.account != draft.account):
            continue
        kind, rest = arn.kind_and_name()
        path, name = iam_path_and_name(rest)
        if path.startswith("/aws-service-role/"):
            continue  # a service-linked role belongs to its service
        place = Place(arn_text)
        if kind == "instance-profile":
            try:
                got = r.call("iam", "GetInstanceProfile",
                             f"the instance profile {name} stays an ARN", place=place, InstanceProfileName=name)
            except ClientError:
                continue
            roles = (got or {}).get("InstanceProfile", {}).get("Roles") or []
            # batchgen names a role's instance profile after the role: only then is the profile the role's
            if len(roles) != 1 or roles[0].get("RoleName") != name or roles[0].get("Path", "/") != path:
                continue
        elif kind != "role":
            continue
        if name in done:
            continue
        done.add(name)
        _role(r, draft, name, path, place)


def _document(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(unquote(value))
        except ValueError:
            return value
    return value


def _role(r: _Reader, draft: Draft, name: str, path: str, place: Place) -> None:
    from botocore.exceptions import ClientError

    keep = f"role {name} stays an ARN (a role read in part would change it)"
    try:
        got = r.call("iam", "GetRole", keep, place=place, RoleName=name)
    except ClientError:
        draft.report.add("BG-153", place, what=f"role {name}", why="no such role in this account")
        return
    if got is None:
        return
    role = got["Role"]
    attached = r.pages("iam", "ListAttachedRolePolicies", "AttachedPolicies", keep, counted=False, RoleName=name)
    inline_names = r.pages("iam", "ListRolePolicies", "PolicyNames", keep, counted=False, RoleName=name)
    if attached is None or inline_names is None:
        return
    policies = []
    for policy_name in sorted(inline_names):
        try:
            doc = r.call("iam", "GetRolePolicy", keep, place=place, RoleName=name, PolicyName=policy_name)
        except ClientError:
            continue
        if doc is None:
            return
        policies.append({"PolicyName": policy_name, "PolicyDocument": _document(doc.get("PolicyDocument"))})
    body: dict[str, Any] = {"RoleName": role["RoleName"]}
    if role.get("Path", "/") != "/":
        body["Path"] = role["Path"]
    if role.get("Description"):
        body["Description"] = role["Description"]
    if role.get("AssumeRolePolicyDocument") is not None:
        body["AssumeRolePolicyDocument"] = _document(role["AssumeRolePolicyDocument"])
    if attached:
        body["ManagedPolicyArns"] = sorted(p["PolicyArn"] for p in attached)
    boundary = (role.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")
    if boundary:
        body["PermissionsBoundary"] = boundary
    if role.get("MaxSessionDuration") and role["MaxSessionDuration"] != DEFAULT_SESSION_SECONDS:
        body["MaxSessionDuration"] = role["MaxSessionDuration"]
    if policies:
        body["Policies"] = policies
    if role.get("Tags"):
        body["Tags"] = sorted(role["Tags"], key=lambda t: t.get("Key", ""))
    draft.add("iam.roles", shape("iam.roles", body, place, draft.report), place, reported=True,
              batchgen_role=str(role.get("Description", "")).startswith("batchgen: "))


