"""`batchgen import cloudformation TEMPLATE`: a template's AWS Batch setup, as a spec.

JSON or YAML. Short-form intrinsics (`!Ref`, `!GetAtt`, `!Sub`, `!Join`, `!If`, ...) are read
as the data they stand for (`{"Ref": ...}`) by source.py: no tag constructs anything.
Intrinsics are then evaluated where the template alone says what they are: parameters
(their Default, or --parameter KEY=VALUE), AWS::Region / AWS::AccountId (--region,
--account), AWS::Partition, Mappings (Fn::FindInMap), Conditions (Fn::If), Fn::Sub,
Fn::Join, Fn::Select, Fn::Split. `Ref` and `Fn::GetAtt` of another resource become that
resource's name where the spec takes a name (a queue's compute environments, a job's queue,
a role), and its ARN elsewhere when --account and --region make it known. Anything else is
a warning at its place (`template.yaml:40:7: warning[BG-151]`) and a placeholder.

Read: AWS::Batch::ComputeEnvironment, ::JobQueue, ::SchedulingPolicy, ::JobDefinition
(CloudFormation's PascalCase properties become the API's camelCase by the schema),
AWS::IAM::Role, ::InstanceProfile, ::ManagedPolicy, ::Policy, AWS::Events::Rule (schedules and
notifications) and AWS::SNS::Topic. A resource without a name property is named after its
logical ID, with a warning: CloudFormation made its real name up when it created it.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..language import NOUNS, REFERENCES, partition_for
from .entries import Draft, camelize, root_node, shape
from .report import Place, placeholder
from .source import Document, SourceError, read

BATCH = {
    "AWS::Batch::ComputeEnvironment": ("computeEnvironments", "ComputeEnvironmentName", "compute-environment"),
    "AWS::Batch::JobQueue": ("jobQueues", "JobQueueName", "job-queue"),
    "AWS::Batch::SchedulingPolicy": ("schedulingPolicies", "Name", "scheduling-policy"),
    "AWS::Batch::JobDefinition": ("jobDefinitions", "JobDefinitionName", "job-definition"),
}
NAME_PROPERTY = {**{t: v[1] for t, v in BATCH.items()}, "AWS::IAM::Role": "RoleName",
                 "AWS::IAM::InstanceProfile": "InstanceProfileName", "AWS::IAM::ManagedPolicy": "ManagedPolicyName",
                 "AWS::Events::Rule": "Name", "AWS::SNS::Topic": "TopicName", "AWS::IAM::Policy": "PolicyName"}
# What `Ref` returns (CloudFormation's "Return values"): the name for these, the ARN for the rest.
REF_IS_NAME = {"AWS::IAM::Role", "AWS::IAM::InstanceProfile", "AWS::Events::Rule"}
# CloudFormation's own management properties: how CloudFormation updates, not what AWS is asked.
CFN_ONLY = {"ReplaceComputeEnvironment", "UpdateToLatestImageVersion", "ResourceRetentionPolicy"}
ROLE_KEYS = {"jobRoleArn", "executionRoleArn"}
SHORT_TAGS = ("Ref", "GetAtt", "Sub", "Join", "Select", "Split", "If", "Equals", "And", "Or", "Not", "FindInMap",
              "Base64", "Cidr", "GetAZs", "ImportValue", "Condition", "Transform", "Length", "ToJsonString")


def _tags() -> dict:
    def make(name: str):
        key = "Ref" if name == "Ref" else "Condition" if name == "Condition" else f"Fn::{name}"

        def handler(value: Any) -> Any:
            if name == "GetAtt" and isinstance(value, str):
                value = value.split(".", 1)
            return {key: value}
        return handler

    return {f"!{n}": make(n) for n in SHORT_TAGS}


@dataclass(frozen=True)
class Unknown:
    text: str
    why: str
    path: tuple


@dataclass(frozen=True)
class Reference:
    logical: str
    attr: str | None  # None: Ref
    path: tuple


class _Template:
    def __init__(self, doc: Document, file: str, draft: Draft, parameters: dict[str, str],
                 region: str | None, account: str | None):
        self.doc = doc
        self.file = file
        self.draft = draft
        data = doc.data if isinstance(doc.data, dict) else {}
        self.resources: dict[str, dict] = {k: v for k, v in (data.get("Resources") or {}).items() if isinstance(v, dict)}
        self.parameters = data.get("Parameters") or {}
        self.given = parameters
        self.mappings = data.get("Mappings") or {}
        self.conditions = data.get("Conditions") or {}
        self.region = region
        self.account = account
        self.names: dict[str, Any] = {}
        for logical, res in self.resources.items():
            props = res.get("Properties") if isinstance(res.get("Properties"), dict) else {}
            prop = NAME_PROPERTY.get(res.get("Type"))
            if prop and prop in props:
                self.names[logical] = self.value(props[prop], ("Resources", logical, "Properties", prop))
            else:
                self.names[logical] = logical

    def place(self, path: tuple) -> Place:
        line, col = self.doc.at(path)
        return Place(self.file, line, col)

    def type_of(self, logical: str) -> str | None:
        res = self.resources.get(logical)
        return res.get("Type") if res else None

    # -- intrinsics ---------------------------------------------------------------------
    def value(self, v: Any, path: tuple) -> Any:
        if isinstance(v, dict) and len(v) == 1:
            key, arg = next(iter(v.items()))
            if key == "Ref":
                return self.ref(arg, path)
            if key == "Fn::GetAtt":
                parts = arg.split(".", 1) if isinstance(arg, str) else arg
                if isinstance(parts, list) and len(parts) == 2 and parts[0] in self.resources:
                    return Reference(parts[0], str(parts[1]), path)
                return Unknown(f"!GetAtt {arg}", "it names no resource of this template", path)
            if key == "Fn::Sub":
                return self.sub(arg, path)
            if key == "Fn::Join":
                if isinstance(arg, list) and len(arg) == 2:
                    items = self.value(arg[1], (*path, key, 1))
                    if isinstance(items, list) and all(isinstance(x, (str, int, float)) for x in items):
                        return str(arg[0]).join(str(x) for x in items)
                    return self.first_unknown(items, path, "Fn::Join")
            if key == "Fn::Select":
                if isinstance(arg, list) and len(arg) == 2:
                    index, items = self.value(arg[0], path), self.value(arg[1], path)
                    if isinstance(items, list) and str(index).isdigit() and int(index) < len(items):
                        return items[int(index)]
            if key == "Fn::Split":
                if isinstance(arg, list) and len(arg) == 2:
                    text = self.value(arg[1], path)
                    if isinstance(text, str):
                        return text.split(str(arg[0]))
            if key == "Fn::If":
                if isinstance(arg, list) and len(arg) == 3:
                    cond = self.condition(arg[0], path)
                    if isinstance(cond, bool):
                        return self.value(arg[1] if cond else arg[2], (*path, key, 1 if cond else 2))
                    return Unknown(f"Fn::If {arg[0]}", "its condition is not known", path)
            if key == "Fn::FindInMap":
                if isinstance(arg, list) and len(arg) == 3:
                    keys = [self.value(a, path) for a in arg]
                    try:
                        return self.value(self.mappings[keys[0]][keys[1]][keys[2]], path)
                    except (KeyError, TypeError):
                        return Unknown("Fn::FindInMap", f"the mapping has no {keys}", path)
            if key.startswith("Fn::"):
                return Unknown(key, f"{key} can't be evaluated from the template alone", path)
        if isinstance(v, dict):
            out = {}
            for k, x in v.items():
                value = self.value(x, (*path, k))
                if isinstance(value, Unknown) and value.text == "AWS::NoValue":
                    continue
                out[k] = value
            return out
        if isinstance(v, list):
            return [self.value(x, (*path, i)) for i, x in enumerate(v)
                    if not (isinstance(x, dict) and x == {"Ref": "AWS::NoValue"})]
        return v

    def first_unknown(self, v: Any, path: tuple, what: str) -> Any:
        if isinstance(v, (Unknown, Reference)):
            return v if isinstance(v, Unknown) else Unknown(what, f"it holds {self.describe(v)}", path)
        if isinstance(v, list):
            for x in v:
                if isinstance(x, (Unknown, Reference)):
                    return self.first_unknown(x, path, what)
        return Unknown(what, "its parts are not known", path)

    def describe(self, ref: Reference) -> str:
        return f"!GetAtt {ref.logical}.{ref.attr}" if ref.attr else f"!Ref {ref.logical}"

    def ref(self, name: Any, path: tuple) -> Any:
        if name == "AWS::NoValue":
            return Unknown("AWS::NoValue", "", path)
        if name == "AWS::Region":
            return self.region or Unknown("AWS::Region", "the Region is known when the stack is created; give --region", path)
        if name == "AWS::AccountId":
            return self.account or Unknown("AWS::AccountId", "the account is known when the stack is created; give --account", path)
        if name == "AWS::Partition":
            return partition_for(self.region) if self.region else Unknown(
                "AWS::Partition", "the partition follows the Region; give --region", path)
        if name == "AWS::URLSuffix":
            return "amazonaws.com.cn" if (self.region or "").startswith("cn-") else "amazonaws.com" if self.region \
                else Unknown("AWS::URLSuffix", "it follows the Region; give --region", path)
        if isinstance(name, str) and name.startswith("AWS::"):
            return Unknown(name, f"{name} is known only when the stack is created", path)
        if name in self.given:
            return self.given[name]
        if name in self.parameters:
            p = self.parameters[name] if isinstance(self.parameters[name], dict) else {}
            if "Default" in p:
                value = p["Default"]
                if p.get("Type", "String").startswith("List<") or p.get("Type") == "CommaDelimitedList":
                    return [s.strip() for s in str(value).split(",")] if isinstance(value, str) else value
                return value
            return Unknown(f"!Ref {name}", f"parameter {name} has no Default and no --parameter value", path)
        if name in self.resources:
            return Reference(name, None, path)
        return Unknown(f"!Ref {name}", f"{name} is neither a parameter nor a resource of this template", path)

    def condition(self, name: Any, path: tuple) -> Any:
        expr = self.conditions.get(name) if isinstance(name, str) else name
        if isinstance(expr, dict) and len(expr) == 1:
            key, arg = next(iter(expr.items()))
            if key == "Fn::Equals" and isinstance(arg, list) and len(arg) == 2:
                a, b = self.value(arg[0], path), self.value(arg[1], path)
                if isinstance(a, (Unknown, Reference)) or isinstance(b, (Unknown, Reference)):
                    return None
                return str(a) == str(b)
            if key in ("Fn::And", "Fn::Or") and isinstance(arg, list):
                parts = [self.condition(x, path) for x in arg]
                if any(p is None for p in parts):
                    return None
                return all(parts) if key == "Fn::And" else any(parts)
            if key == "Fn::Not" and isinstance(arg, list) and len(arg) == 1:
                inner = self.condition(arg[0], path)
                return None if inner is None else not inner
            if key == "Condition":
                return self.condition(arg, path)
        return None

    def sub(self, arg: Any, path: tuple) -> Any:
        text, variables = (arg, {}) if isinstance(arg, str) else (arg[0], arg[1]) if isinstance(arg, list) else (None, {})
        if not isinstance(text, str):
            return Unknown("Fn::Sub", "its template is not a string", path)

        def one(m: re.Match) -> str:
            name = m.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            if name in variables:
                value = self.value(variables[name], path)
            elif "." in name and name.split(".", 1)[0] in self.resources:
                logical, attr = name.split(".", 1)
                value = self.plain(Reference(logical, attr, path), path)
            else:
                value = self.ref(name, path)
                if isinstance(value, Reference):
                    value = self.plain(value, path)
            if isinstance(value, (Unknown, Reference, dict, list)) or (isinstance(value, str) and "@@UNRESOLVED" in value):
                raise _Stop(value if isinstance(value, Unknown) else Unknown(f"${{{name}}}", "it is not known", path))
            return str(value)

        try:
            return re.sub(r"\$\{([^}]+)\}", one, text)
        except _Stop as stop:
            return Unknown(f"!Sub {text}", stop.value.why, path)

    # -- references to names or ARNs ---------------------------------------------------------
    def name_of(self, ref: Reference) -> Any:
        type_ = self.type_of(ref.logical)
        if type_ == "AWS::IAM::InstanceProfile":
            return self.profile_role(ref.logical, ref.path)
        return self.names.get(ref.logical)

    def profile_role(self, logical: str, path: tuple) -> Any:
        props = self.resources[logical].get("Properties") or {}
        roles = self.value(props.get("Roles") or [], ("Resources", logical, "Properties", "Roles"))
        if len(roles) == 1 and isinstance(roles[0], Reference):
            role = self.names.get(roles[0].logical)
            own = self.names.get(logical)
            if own != logical and own != role:  # named, and not after its role: the spec can't say so
                self.draft.report.add("BG-152", self.place(("Resources", logical)), where=f"instance profile {own}",
                                      field="InstanceProfileName", why=f"batchgen names a role's instance profile after "
                                                                       f"the role ({role}); the compute environment will use that one")
            return role
        return Unknown(f"!GetAtt {logical}", "the instance profile's role is not a role of this template", path)

    def arn_of(self, ref: Reference) -> Any:
        """The ARN `ref` stands for, where the account, Region and name are known."""
        type_ = self.type_of(ref.logical)
        name = self.names.get(ref.logical)
        what = self.describe(ref)
        if not (self.account and self.region and isinstance(name, str)):
            return Unknown(what, "an ARN known when the stack is created (give --account and --region, and name "
                                 "the resource)", ref.path)
        part = partition_for(self.region)
        if type_ in BATCH:
            return f"arn:{part}:batch:{self.region}:{self.account}:{BATCH[type_][2]}/{name}"
        if type_ == "AWS::IAM::Role":
            path = (self.resources[ref.logical].get("Properties") or {}).get("Path") or "/"
            return f"arn:{part}:iam::{self.account}:role{path}{name}"
        if type_ == "AWS::SNS::Topic":
            return f"arn:{part}:sns:{self.region}:{self.account}:{name}"
        if type_ == "AWS::Events::Rule":
            return f"arn:{part}:events:{self.region}:{self.account}:rule/{name}"
        return Unknown(what, "its ARN is not one batchgen works out", ref.path)

    def plain(self, v: Any, path: tuple, as_name: bool = False) -> Any:
        """Intrinsics' results as spec values; an unknown is reported and left as a placeholder."""
        if isinstance(v, Reference):
            type_ = self.type_of(v.logical)
            wants_name = as_name or (v.attr is None and type_ in REF_IS_NAME) or v.attr in ("Name", "TopicName")
            if wants_name or (type_ == "AWS::IAM::InstanceProfile" and as_name):
                value = self.name_of(v)
            else:
                value = self.arn_of(v)
            return self.plain(value, path)
        if isinstance(v, Unknown):
            stand_in = placeholder(v.text)
            self.draft.report.add("BG-151", self.place(v.path), what=v.text, why=v.why, placeholder=stand_in,
                                  hint="give --parameter, --region or --account, or write the value in its place")
            return stand_in
        if isinstance(v, dict):
            return {k: self.plain(x, (*path, k), as_name=k in ROLE_KEYS) for k, x in v.items()}
        if isinstance(v, list):
            return [self.plain(x, (*path, i), as_name) for i, x in enumerate(v)]
        return v


class _Stop(Exception):
    def __init__(self, value: Unknown):
        super().__init__(value.text)
        self.value = value


def import_template(path: str, parameters: list[str] | None = None, region: str | None = None,
                    account: str | None = None) -> Draft:
    draft = Draft(header=[
        f"Imported by `batchgen import cloudformation` from {path}.",
        "Each entry says which line of the template it came from. Review it, then: batchgen validate THIS-FILE",
    ])
    draft.region, draft.account = region, account
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        draft.report.add("BG-154", Place(path), what=path, detail=getattr(exc, "strerror", None) or str(exc))
        return draft
    try:
        doc = read(text, tags=_tags())
    except SourceError as exc:
        draft.report.add("BG-154", Place(path, exc.line, exc.column), what=path, detail=str(exc))
        return draft
    if not isinstance(doc.data, dict) or not isinstance(doc.data.get("Resources"), dict):
        draft.report.add("BG-154", Place(path, 1, 1), what=path, detail="not a CloudFormation template (no Resources)")
        return draft
    given = {}
    for item in parameters or []:
        key, sep, value = item.partition("=")
        if not sep:
            draft.report.add("BG-154", Place("--parameter"), what=f"--parameter {item}", detail="expected KEY=VALUE")
            continue
        given[key] = value
    t = _Template(doc, path, draft, given, region, account)
    _resources(t, draft)
    return draft


def _props(t: _Template, logical: str) -> tuple[dict, tuple]:
    at = ("Resources", logical, "Properties")
    raw = t.resources[logical].get("Properties") or {}
    return (t.value(raw, at) if isinstance(raw, dict) else {}), at


def _resources(t: _Template, draft: Draft) -> None:
    roles: dict[str, dict] = {}
    for logical in sorted(t.resources):
        type_ = t.type_of(logical)
        place = t.place(("Resources", logical))
        if type_ in BATCH:
            _batch(t, draft, logical, type_, place)
        elif type_ == "AWS::IAM::Role":
            props, at = _props(t, logical)
            body = {key: t.plain(value, (*at, key), as_name=key in ("ManagedPolicyArns", "PermissionsBoundary"))
                    for key, value in props.items()}
            body["RoleName"] = _name(t, draft, logical, "RoleName", "IAM role")
            roles[logical] = body
            draft.add("iam.roles", body, place)
        elif type_ == "AWS::Batch::ConsumableResource" or (type_ or "").startswith("AWS::Batch::"):
            draft.report.add("BG-153", place, what=f"{logical} ({type_})", why="the spec language has no section for it")
    for logical in sorted(t.resources):
        type_ = t.type_of(logical)
        props, at = _props(t, logical)
        if type_ == "AWS::IAM::ManagedPolicy":
            body = {"ManagedPolicyName": _name(t, draft, logical, "ManagedPolicyName", "IAM managed policy")}
            for key in ("Path", "Description", "PolicyDocument"):
                if key in props:
                    body[key] = t.plain(props[key], (*at, key))
            draft.add("iam.policies", body, t.place(("Resources", logical)))
            for i, role in enumerate(props.get("Roles") or []):
                _attach(t, roles, role, "ManagedPolicyArns", body["ManagedPolicyName"], (*at, "Roles", i))
        elif type_ == "AWS::IAM::Policy":
            policy = {"PolicyName": t.plain(props.get("PolicyName"), (*at, "PolicyName")),
                      "PolicyDocument": t.plain(props.get("PolicyDocument"), (*at, "PolicyDocument"))}
            for i, role in enumerate(props.get("Roles") or []):
                _attach(t, roles, role, "Policies", policy, (*at, "Roles", i))
        elif type_ == "AWS::Events::Rule":
            _rule(t, draft, logical, props, at)
    for e in draft.entries:
        if e.section == "iam.roles":
            e.body = shape("iam.roles", e.body, e.origin, draft.report)


def _attach(t: _Template, roles: dict, role: Any, key: str, value: Any, path: tuple) -> None:
    if isinstance(role, Reference) and role.logical in roles:
        roles[role.logical].setdefault(key, []).append(value)
    else:
        t.draft.report.add("BG-153", t.place(path), what=f"the attachment to {role!r}",
                           why="it names a role that is not a resource of this template")


def _name(t: _Template, draft: Draft, logical: str, prop: str, noun: str) -> Any:
    name = t.names.get(logical)
    if name == logical and prop not in (t.resources[logical].get("Properties") or {}):
        draft.report.add("BG-151", t.place(("Resources", logical)), what=f"the name of {noun} {logical}",
                         why=f"{prop} is not set, so CloudFormation made one up when it created the stack",
                         placeholder=f"its logical ID '{logical}'",
                         hint="before adopting it, write the name the stack gave it (the stack's resources list it)")
    return t.plain(name, ("Resources", logical, "Properties", prop))


def _batch(t: _Template, draft: Draft, logical: str, type_: str, place: Place) -> None:
    section, prop, _ = BATCH[type_]
    props, at = _props(t, logical)
    for key in sorted(set(props) & CFN_ONLY):
        del props[key]
    cr = props.get("ComputeResources")
    if isinstance(cr, dict):
        for key in sorted(set(cr) & CFN_ONLY):
            del cr[key]
    api = camelize(props, root_node(section))
    for ref in REFERENCES:  # reference fields take the other resource's name
        if ref.section == section:
            _names_in(t, api, ref.path, at)
    body = t.plain(api, at)
    name_field = {"computeEnvironments": "computeEnvironmentName", "jobQueues": "jobQueueName",
                  "schedulingPolicies": "name", "jobDefinitions": "jobDefinitionName"}[section]
    body[name_field] = _name(t, draft, logical, prop, NOUNS[section])
    draft.add(section, shape(section, body, place, draft.report, locate=lambda rel: t.place((*at, *rel))), place)


def _names_in(t: _Template, api: Any, path: tuple, at: tuple, walked: tuple = ()) -> None:
    """Replace the Ref/GetAtt at `path` in `api` (in place) with the name of the resource it names."""
    if not path:
        return
    head, rest = path[0], path[1:]
    if head == "*":
        if isinstance(api, list) and rest:
            for i, item in enumerate(api):
                _names_in(t, item, rest, at, (*walked, i))
        return
    if not isinstance(api, dict) or head not in api:
        return
    if not rest:
        if isinstance(api[head], Reference):
            api[head] = t.plain(api[head], (*at, *walked, head), as_name=True)
        return
    _names_in(t, api[head], rest, at, (*walked, head))


def _rule(t: _Template, draft: Draft, logical: str, props: dict, at: tuple) -> None:
    place = t.place(("Resources", logical))
    name = _name(t, draft, logical, "Name", "EventBridge rule")
    targets = [x for x in props.get("Targets") or [] if isinstance(x, dict)]
    batch = [x for x in targets if _kind(t, x.get("Arn")) == "queue"]
    sns = [x for x in targets if _kind(t, x.get("Arn")) == "topic"]
    pattern = props.get("EventPattern")
    if isinstance(pattern, str):
        try:
            pattern = json.loads(pattern)
        except ValueError:
            pattern = None
    state = "DISABLED" if props.get("State") == "DISABLED" else None
    if batch and props.get("ScheduleExpression"):
        target = batch[0]
        params = target.get("BatchParameters") or {}
        job_name = t.plain(params.get("JobName"), (*at, "Targets"))
        job: dict[str, Any] = {"jobName": job_name, "jobQueue": t.plain(target.get("Arn"), (*at, "Targets"), as_name=True),
                               "jobDefinition": t.plain(params.get("JobDefinition"), (*at, "Targets"), as_name=True)}
        if (params.get("ArrayProperties") or {}).get("Size"):
            job["arrayProperties"] = {"size": params["ArrayProperties"]["Size"]}
        if (params.get("RetryStrategy") or {}).get("Attempts"):
            job["retryStrategy"] = {"attempts": params["RetryStrategy"]["Attempts"]}
        payload = target.get("Input")
        if isinstance(payload, str):
            try:
                payload = json.loads(payload)
            except ValueError:
                payload = None
        if isinstance(payload, dict) and isinstance(payload.get("Parameters"), dict):
            job["parameters"] = t.plain(payload["Parameters"], (*at, "Targets"))
        draft.add("jobs", shape("jobs", job, place, draft.report), place)
        body: dict[str, Any] = {"name": name, "scheduleExpression": t.plain(props["ScheduleExpression"],
                                                                            (*at, "ScheduleExpression")),
                                "job": job_name}
        if props.get("Description"):
            body["description"] = t.plain(props["Description"], (*at, "Description"))
        if state:
            body["state"] = state
        if target.get("RoleArn") is not None:
            body["roleArn"] = t.plain(target["RoleArn"], (*at, "Targets"), as_name=True)
        draft.add("schedules", shape("schedules", body, place, draft.report), place)
        if isinstance(target.get("Id"), str) and target["Id"] != "batch-job" and isinstance(name, str):
            draft.adopt_targets[name] = target["Id"]
    elif sns and isinstance(pattern, dict) and pattern.get("source") == ["aws.batch"] \
            and pattern.get("detail-type") == ["Batch Job State Change"]:
        detail = pattern.get("detail") or {}
        body = {"name": name}
        if props.get("Description"):
            body["description"] = t.plain(props["Description"], (*at, "Description"))
        if state:
            body["state"] = state
        body["statuses"] = list(detail.get("status") or ["SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING",
                                                         "SUCCEEDED", "FAILED"])
        if isinstance(detail.get("jobQueue"), list):
            body["jobQueues"] = [t.plain(q, (*at, "EventPattern"), as_name=True) for q in detail["jobQueue"]]
        target = sns[0]
        arn = target.get("Arn")
        if isinstance(arn, Reference):
            topic_props, topic_at = _props(t, arn.logical)
            body["topic"] = t.plain(t.names.get(arn.logical), topic_at)
            if topic_props.get("KmsMasterKeyId"):
                body["kmsMasterKeyId"] = t.plain(topic_props["KmsMasterKeyId"], (*topic_at, "KmsMasterKeyId"))
            subs = [{"protocol": s.get("Protocol"), "endpoint": t.plain(s.get("Endpoint"), (*topic_at, "Subscription"))}
                    for s in topic_props.get("Subscription") or [] if isinstance(s, dict)]
            if subs:
                body["subscriptions"] = subs
        else:
            body["topic"] = t.plain(arn, (*at, "Targets"))
        draft.add("notifications", shape("notifications", body, place, draft.report), place)
        if isinstance(target.get("Id"), str) and target["Id"] != "sns-topic" and isinstance(name, str):
            draft.adopt_targets[name] = target["Id"]


def _kind(t: _Template, arn: Any) -> str | None:
    if isinstance(arn, Reference):
        return {"AWS::Batch::JobQueue": "queue", "AWS::SNS::Topic": "topic"}.get(t.type_of(arn.logical))
    if isinstance(arn, str) and ":job-queue/" in arn:
        return "queue"
    if isinstance(arn, str) and arn.startswith("arn:") and ":sns:" in arn:
        return "topic"
    return None
