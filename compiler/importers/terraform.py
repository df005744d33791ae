"""`batchgen import terraform DIR`: a Terraform module's AWS Batch setup, as a spec.

DIR/*.tf are parsed with python-hcl2 (its parse tree keeps every expression's line and
column) and evaluated statically by hcl_eval.py. Variables take -var, then -var-file, then
terraform.tfvars(.json) and *.auto.tfvars(.json) as Terraform loads them, then their
`default`. What the spec language covers is read:

    aws_batch_compute_environment, aws_batch_job_queue, aws_batch_scheduling_policy,
    aws_batch_job_definition          -> the Batch sections, argument by argument
                                         (compiler/tfmap.py read backwards); container_properties,
                                         node_properties and ecs_properties as jsonencode(...),
                                         a heredoc or file() of JSON
    aws_iam_role (+ _policy, _policy_attachment, aws_iam_instance_profile),
    aws_iam_policy, data aws_iam_policy_document
                                      -> iam.roles, iam.policies
    aws_cloudwatch_event_rule + _target (a Batch queue target on a schedule, or an SNS target
    of a Batch job state change pattern), aws_sns_topic (+ _subscription)
                                      -> schedules (with the jobs entry each submits), notifications
    provider "aws" region and default_tags -> region, tags

A reference between resources becomes the other entry's name. What can't be worked out
(a variable without a value, a data source, a count or for_each over unknown values) is a
warning at its place (`main.tf:12:3: warning[BG-151]`) and a placeholder in the spec, which
`batchgen validate` then reports until someone fills it in (BG-157).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..language import REFERENCES
from ..tfmap import A, B, BY_SECTION, J, Obj
from .entries import Draft, shape
from .hcl_eval import DataRef, Evaluator, Pos, ResourceRef, Scope, Unresolved, _trees, is_known, source_text
from .report import Place, placeholder

BATCH_TYPES = {rmap.type: section for section, rmap in BY_SECTION.items()}
KNOWN_TYPES = {*BATCH_TYPES, "aws_iam_role", "aws_iam_role_policy", "aws_iam_role_policy_attachment",
               "aws_iam_instance_profile", "aws_iam_policy", "aws_cloudwatch_event_rule",
               "aws_cloudwatch_event_target", "aws_sns_topic", "aws_sns_topic_subscription", "aws_sns_topic_policy"}
ROLE_KEYS = {"jobRoleArn", "executionRoleArn"}  # references inside a job definition's JSON (SPEC.md)
META_ARGUMENTS = {"count", "for_each", "depends_on", "lifecycle", "provider", "provisioner", "connection", "timeouts"}
# Arguments of the provider's resources that are Terraform's own business, not the API's.
PROVIDER_ONLY = {"region", "tags_all", "deregister_on_new_revision", "force_detach_policies",
                 "name_prefix", "compute_environment_name_prefix", "skip_destroy"}
# hashicorp/aws 5.x spellings people still write, and their 6.x names
LEGACY = {"aws_batch_compute_environment": {"compute_environment_name": "name"}}


@dataclass
class Block:
    type: str
    labels: list[str]
    attrs: dict[str, Any]  # name -> expression node
    blocks: list["Block"]
    file: str
    pos: Pos
    evaluator: Evaluator

    def sub(self, name: str) -> list["Block"]:
        return [b for b in self.blocks if b.type == name]


@dataclass
class Instance:
    """One instance of a resource (count/for_each expanded): its evaluated arguments."""

    type: str
    name: str
    key: Any
    block: Block
    scope: Scope
    values: dict[str, Any] = field(default_factory=dict)
    spec_name: Any = None

    @property
    def address(self) -> str:
        return ResourceRef(self.type, self.name, None, self.key).address


def _parse(path: Path, rel: str, draft: Draft) -> list[Block]:
    from hcl2.api import parses_to_tree

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        draft.report.add("BG-154", Place(rel), what=rel, detail=getattr(exc, "strerror", None) or str(exc))
        return []
    try:
        tree = parses_to_tree(text)
    except Exception as exc:  # lark's UnexpectedInput carries line and column
        line, col = getattr(exc, "line", 1) or 1, getattr(exc, "column", 1) or 1
        draft.report.add("BG-154", Place(rel, line, col), what=rel,
                         detail=f"HCL syntax error: {str(exc).splitlines()[0]}")
        return []
    ev = Evaluator(text)
    body = next(t for t in tree.iter_subtrees_topdown() if t.data == "body")
    return [_block(b, rel, ev) for b in _trees(body) if b.data == "block"]


def _label(node) -> str:
    if node.data == "identifier":
        return str(node.children[0])
    return "".join(str(p.children[0]) for p in node.children if hasattr(p, "data") and p.data == "string_part")


def _block(node, rel: str, ev: Evaluator) -> Block:
    kids = _trees(node)
    body = next(k for k in kids if k.data == "body")
    head = [k for k in kids if k is not body]
    attrs: dict[str, Any] = {}
    blocks: list[Block] = []
    for item in _trees(body):
        if item.data == "attribute":
            name = _label(_trees(item)[0]) if _trees(item)[0].data != "keyword" else str(_trees(item)[0].children[0])
            attrs[name] = _trees(item)[-1]
        elif item.data == "block":
            blocks.append(_block(item, rel, ev))
    meta = node.meta
    return Block(_label(head[0]), [_label(h) for h in head[1:]], attrs, blocks, rel,
                 Pos(rel, meta.line, meta.column), ev)


class Module:
    def __init__(self, directory: Path, shown: str, draft: Draft, variables: list[str], var_files: list[str]):
        self.dir = directory
        self.shown = shown
        self.draft = draft
        self.blocks: list[Block] = []
        for path in sorted(directory.glob("*.tf")):
            self.blocks += _parse(path, _shown(shown, path.name), draft)
        self.variables = {b.labels[0]: b for b in self.blocks if b.type == "variable" and b.labels}
        self.locals = {name: (b, expr) for b in self.blocks if b.type == "locals" for name, expr in b.attrs.items()}
        self.resources = {(b.labels[0], b.labels[1]): b for b in self.blocks if b.type == "resource" and len(b.labels) == 2}
        self.data_blocks = {(b.labels[0], b.labels[1]): b for b in self.blocks if b.type == "data" and len(b.labels) == 2}
        self.values: dict[str, Any] = {}
        self._local_values: dict[str, Any] = {}
        self._busy: set[str] = set()
        self._set_variables(variables, var_files)

    # -- variables ------------------------------------------------------------------------
    def _set_variables(self, variables: list[str], var_files: list[str]) -> None:
        given: dict[str, Any] = {}
        auto = [self.dir / "terraform.tfvars", self.dir / "terraform.tfvars.json",
                *sorted(self.dir.glob("*.auto.tfvars")), *sorted(self.dir.glob("*.auto.tfvars.json"))]
        for path in [p for p in auto if p.exists()] + [Path(f) for f in var_files]:
            given.update(self._var_file(path))
        for item in variables:  # -var wins, as in Terraform
            name, sep, raw = item.partition("=")
            if not sep:
                self.draft.report.add("BG-154", Place("-var"), what=f"-var {item}", detail="expected NAME=VALUE")
                continue
            given[name.strip()] = self._var_text(name.strip(), raw)
        self.values = given

    def _var_file(self, path: Path) -> dict[str, Any]:
        shown = str(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self.draft.report.add("BG-154", Place(shown), what=shown, detail=getattr(exc, "strerror", None) or str(exc))
            return {}
        if path.name.endswith(".json"):
            try:
                data = json.loads(text)
            except ValueError as exc:
                self.draft.report.add("BG-154", Place(shown), what=shown, detail=f"JSON: {exc}")
                return {}
            return data if isinstance(data, dict) else {}
        from hcl2.api import parses_to_tree

        try:
            tree = parses_to_tree(text)
        except Exception as exc:
            self.draft.report.add("BG-154", Place(shown, getattr(exc, "line", 1) or 1), what=shown,
                                  detail=f"HCL syntax error: {str(exc).splitlines()[0]}")
            return {}
        ev = Evaluator(text)
        scope = self.scope(shown)
        out = {}
        body = next(t for t in tree.iter_subtrees_topdown() if t.data == "body")
        for item in _trees(body):
            if item.data == "attribute":
                out[_label(_trees(item)[0])] = ev.eval(_trees(item)[-1], scope)
        return out

    def _var_text(self, name: str, raw: str) -> Any:
        """-var NAME=VALUE: a string variable takes VALUE as it is; any other, as an HCL expression."""
        block = self.variables.get(name)
        declared = source_text(block.attrs["type"], block.evaluator.text).strip() if block and "type" in block.attrs else ""
        if declared == "string" or (not declared and not re.match(r"^\s*[\[{0-9\"-]|^\s*(true|false|null)\s*$", raw)):
            return raw
        from hcl2.api import parses_to_tree

        try:
            tree = parses_to_tree(f"x = {raw}\n")
            attr = next(t for t in tree.iter_subtrees_topdown() if t.data == "attribute")
            return Evaluator(f"x = {raw}\n").eval(_trees(attr)[-1], self.scope("-var"))
        except Exception:
            return raw

    def variable(self, name: str, pos: Pos) -> Any:
        if name in self.values:
            return self.values[name]
        block = self.variables.get(name)
        if block is None:
            return Unresolved(f"var.{name}", f"no variable {name} is declared", pos)
        if "default" in block.attrs:
            return block.evaluator.eval(block.attrs["default"], self.scope(block.file))
        return Unresolved(f"var.{name}", f"variable {name} has no default and no -var/-var-file value", pos)

    def local(self, name: str, pos: Pos) -> Any:
        if name in self._local_values:
            return self._local_values[name]
        if name not in self.locals or name in self._busy:
            return Unresolved(f"local.{name}", f"no local value {name}" if name not in self.locals
                              else f"local.{name} refers to itself", pos)
        self._busy.add(name)
        block, expr = self.locals[name]
        value = block.evaluator.eval(expr, self.scope(block.file))
        self._busy.discard(name)
        self._local_values[name] = value
        return value

    def is_resource(self, type_: str, name: str, pos: Pos) -> bool:
        return (type_, name) in self.resources

    def data(self, type_: str, name: str, attr: str | None, pos: Pos) -> Any:
        block = self.data_blocks.get((type_, name))
        if type_ == "aws_iam_policy_document" and block is not None and attr in ("json", "minified_json"):
            return _policy_document(block, self.scope(block.file))
        return Unresolved(f"data.{type_}.{name}", f"data.{type_}.{name} is read only when Terraform runs", pos)

    def scope(self, file: str, each=None, count=None) -> Scope:
        return Scope(self.variable, self.local, self.is_resource, self.data, self.dir, file, each, count)


def _shown(shown_dir: str, name: str) -> str:
    return name if shown_dir in ("", ".") else f"{shown_dir.rstrip('/')}/{name}"


def _policy_document(block: Block, scope: Scope) -> Any:
    """data "aws_iam_policy_document": its statements as the JSON document the data source makes."""
    doc: dict[str, Any] = {"Version": "2012-10-17", "Statement": []}
    ev = block.evaluator
    for st in block.sub("statement"):
        s: dict[str, Any] = {}
        for arg, key in (("sid", "Sid"), ("effect", "Effect"), ("actions", "Action"), ("not_actions", "NotAction"),
                         ("resources", "Resource"), ("not_resources", "NotResource")):
            if arg in st.attrs:
                value = ev.eval(st.attrs[arg], scope)
                s[key] = _strings(value) if isinstance(value, list) else value
        s.setdefault("Effect", "Allow")
        for arg, key in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
            for p in st.sub(arg):
                kind = ev.eval(p.attrs.get("type"), scope) if "type" in p.attrs else None
                ids = ev.eval(p.attrs["identifiers"], scope) if "identifiers" in p.attrs else []
                if kind == "*" and ids == ["*"]:
                    s[key] = "*"
                else:
                    s.setdefault(key, {})[kind] = _strings(ids) if isinstance(ids, list) else ids
        for c in st.sub("condition"):
            test = ev.eval(c.attrs.get("test"), scope)
            variable = ev.eval(c.attrs.get("variable"), scope)
            values = ev.eval(c.attrs.get("values"), scope)
            if not (is_known(test) and is_known(variable)):
                return Unresolved(f"data.aws_iam_policy_document.{block.labels[1]}", "a condition is not known", block.pos)
            s.setdefault("Condition", {}).setdefault(test, {})[variable] = \
                _strings(values) if isinstance(values, list) else values
        doc["Statement"].append(s)
    if "version" in block.attrs:
        doc["Version"] = ev.eval(block.attrs["version"], scope)
    return doc


def _strings(values: list) -> Any:
    """As the provider writes a list of the document: one item as a string, more sorted in reverse."""
    if not all(isinstance(v, str) for v in values):
        return values
    return values[0] if len(values) == 1 else sorted(values, reverse=True)


# -- instances and their values ------------------------------------------------------------------

def _instances(module: Module, block: Block, draft: Draft) -> list[Instance]:
    type_, name = block.labels
    ev = block.evaluator
    scope = module.scope(block.file)
    if "count" in block.attrs:
        n = ev.eval(block.attrs["count"], scope)
        if isinstance(n, bool) or not isinstance(n, int):
            _unresolved(draft, n, f"count of {type_}.{name}", block)
            return [Instance(type_, name, 0, block, module.scope(block.file, count=Unresolved(
                "count.index", "count is not known", block.pos)))]
        return [Instance(type_, name, i, block, module.scope(block.file, count=i)) for i in range(n)]
    if "for_each" in block.attrs:
        items = ev.eval(block.attrs["for_each"], scope)
        if not is_known(items):
            bad = items if isinstance(items, Unresolved) else Unresolved(
                source_text(block.attrs["for_each"], ev.text), "its value is not known", block.pos)
            _unresolved(draft, bad, f"for_each of {type_}.{name}", block)
            unknown = Unresolved(f"each.key of {type_}.{name}", "the for_each is not known", block.pos)
            return [Instance(type_, name, None, block, module.scope(block.file, each=(
                unknown, Unresolved(f"each.value of {type_}.{name}", "the for_each is not known", block.pos))))]
        pairs = list(items.items()) if isinstance(items, dict) else [(v, v) for v in (items or [])]
        return [Instance(type_, name, k, block, module.scope(block.file, each=(k, v))) for k, v in pairs]
    return [Instance(type_, name, None, block, scope)]


def _unresolved(draft: Draft, value: Any, what: str, block: Block) -> str:
    u = value if isinstance(value, Unresolved) else Unresolved(what, "it is not known", block.pos)
    pos = u.pos or block.pos
    stand_in = placeholder(u.text)
    draft.report.add("BG-151", Place(pos.file, pos.line, pos.column), what=what, why=u.why, placeholder=stand_in,
                     hint=_hint(u))
    return stand_in


def _hint(u: Unresolved) -> str:
    if u.text.startswith("var."):
        return f"give it a value with -var {u.text[4:]}=VALUE or -var-file FILE, then import again"
    if u.text.startswith("data."):
        return "write the value it reads (an ARN, a name) in its place"
    return "write the value in its place"


def _eval_body(block: Block, scope: Scope) -> dict[str, Any]:
    """Every argument and nested block of a resource, evaluated: blocks become lists of dicts."""
    out: dict[str, Any] = {}
    for name, expr in block.attrs.items():
        if name not in META_ARGUMENTS:
            out[name] = block.evaluator.eval(expr, scope)
    for sub in block.blocks:
        if sub.type in META_ARGUMENTS or sub.type == "dynamic":
            continue
        out.setdefault(sub.type, []).append(_eval_body(sub, scope))
    return out


# -- the import ----------------------------------------------------------------------------------

class _Importer:
    def __init__(self, module: Module, draft: Draft):
        self.module = module
        self.draft = draft
        self.instances: dict[tuple[str, str], list[Instance]] = {}
        for (type_, name), block in module.resources.items():
            if type_ not in KNOWN_TYPES:
                if type_.startswith("aws_batch_"):
                    draft.report.add("BG-153", Place(block.pos.file, block.pos.line, block.pos.column),
                                     what=f"{type_}.{name}", why="the spec language has no section for it")
                continue
            insts = _instances(module, block, draft)
            for inst in insts:
                inst.values = _eval_body(block, inst.scope)
                for old, new in LEGACY.get(type_, {}).items():
                    if old in inst.values and new not in inst.values:
                        inst.values[new] = inst.values.pop(old)
                inst.spec_name = inst.values.get("name")
            self.instances[(type_, name)] = insts

    def place(self, inst: Instance, arg: str | None = None) -> Place:
        expr = inst.block.attrs.get(arg) if arg else None
        meta = getattr(expr, "meta", None)
        if meta is not None and not meta.empty:
            return Place(inst.block.file, meta.line, meta.column)
        return Place(inst.block.file, inst.block.pos.line, inst.block.pos.column)

    def target(self, ref: ResourceRef) -> Instance | None:
        insts = self.instances.get((ref.type, ref.name)) or []
        if ref.key is None:
            return insts[0] if len(insts) == 1 else None
        return next((i for i in insts if i.key == ref.key), None)

    def name_of(self, ref: ResourceRef) -> Any:
        inst = self.target(ref)
        return inst.spec_name if inst is not None else None

    # -- values to spec values ---------------------------------------------------------------
    def plain(self, value: Any, inst: Instance, what: str, as_name: bool = False) -> Any:
        """A value for the spec: references as names (in reference fields) or their known
        attributes, everything unknown as a reported placeholder. Inside a container's JSON,
        jobRoleArn and executionRoleArn are reference fields too."""
        if isinstance(value, ResourceRef):
            target = self.target(value)
            name = target.spec_name if target is not None else None
            if target is not None and isinstance(name, str) and (as_name or value.attr in ("name", "id", None)):
                if target.type == "aws_iam_instance_profile":
                    return self.profile_role(target, inst, what)
                return name
            if target is not None and value.attr == "name" and isinstance(name, Unresolved):
                return self.plain(name, inst, what)
            return self.report(Unresolved(f"{value.address}.{value.attr}",
                                          f"{value.address}.{value.attr} is known only after apply", value.pos), inst, what)
        if isinstance(value, (Unresolved, DataRef)):
            return self.report(value, inst, what)
        if isinstance(value, dict):
            return {k: self.plain(v, inst, f"{what}.{k}", as_name=k in ROLE_KEYS) for k, v in value.items()}
        if isinstance(value, list):
            return [self.plain(v, inst, f"{what}[{i}]") for i, v in enumerate(value)]
        return value

    def report(self, value: Any, inst: Instance, what: str) -> str:
        u = value if isinstance(value, Unresolved) else Unresolved(what, "it is read only when Terraform runs", None)
        pos = u.pos or inst.block.pos
        stand_in = placeholder(u.text)
        self.draft.report.add("BG-151", Place(pos.file, pos.line, pos.column), what=f"{inst.address}: {what}",
                              why=u.why, placeholder=stand_in, hint=_hint(u))
        return stand_in

    def profile_role(self, profile: Instance, inst: Instance, what: str) -> Any:
        role = profile.values.get("role")
        role_name = self.plain(role, inst, what, as_name=True)
        if isinstance(role_name, str) and isinstance(profile.spec_name, str) and profile.spec_name != role_name:
            self.draft.report.add("BG-152", self.place(profile), where=f"instance profile {profile.spec_name}",
                                  field="its name", why=f"batchgen names a role's instance profile after the role "
                                                       f"({role_name}); the compute environment will use that one")
        return role_name

    def json_value(self, value: Any, inst: Instance, arg: str) -> Any:
        """An argument that holds JSON: jsonencode(...) gives the value, a heredoc or file() the text."""
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError as exc:
                place = self.place(inst, arg)
                self.draft.report.add("BG-154", place, what=f"{inst.address}.{arg}", detail=f"not JSON: {exc}")
                return None
        return value

    # -- Batch resources (tfmap read backwards) ----------------------------------------------------
    def from_provider(self, obj: Obj, values: dict, inst: Instance, path: str, section: str) -> dict:
        out: dict[str, Any] = {}
        by_arg = {spec.name: (key, spec) for key, spec in obj.fields.items()}
        for arg, value in values.items():
            if arg in PROVIDER_ONLY or value is None:
                if arg == "name_prefix" and value is not None and not path:
                    self.draft.report.add("BG-151", self.place(inst, arg), what=f"{inst.address}: name",
                                          why="name_prefix: Terraform makes the name up at apply",
                                          placeholder=placeholder(f"{inst.address} name_prefix"),
                                          hint="write the name the resource has (the console shows it)")
                continue
            if arg not in by_arg:
                if section == "jobQueues" and arg == "compute_environments" and not path and isinstance(value, list):
                    out["computeEnvironmentOrder"] = [  # provider 5.x: order by position
                        {"order": i + 1, "computeEnvironment": self.plain(v, inst, f"compute_environments[{i}]", True)}
                        for i, v in enumerate(value)]
                    continue
                self.draft.report.add("BG-152", self.place(inst, arg if not path else None), where=inst.address,
                                      field=f"{path}{arg}", why="batchgen doesn't map this argument to the API")
                continue
            key, spec = by_arg[arg]
            if isinstance(spec, A):
                out[key] = self.plain(value, inst, f"{path}{arg}", as_name=_is_reference(section, key))
            elif isinstance(spec, J):
                out[key] = self.plain(self.json_value(value, inst, arg), inst, f"{path}{arg}")
            elif isinstance(spec, B):
                items = value if isinstance(value, list) else [value]
                converted = [self.from_provider(spec.fields, item, inst, f"{path}{arg}.", section)
                             for item in items if isinstance(item, dict)]
                if converted:
                    out[key] = converted if spec.repeated else converted[0]
        return out

    def batch(self, inst: Instance, section: str) -> None:
        body = self.from_provider(BY_SECTION[section].fields, inst.values, inst, "", section)
        name_field = {"computeEnvironments": "computeEnvironmentName", "jobQueues": "jobQueueName",
                      "schedulingPolicies": "name", "jobDefinitions": "jobDefinitionName"}[section]
        if name_field not in body:
            body[name_field] = placeholder(f"{inst.address} name")
            self.draft.report.add("BG-151", self.place(inst), what=f"{inst.address}: name",
                                  why="it has no name argument", placeholder=body[name_field],
                                  hint="write the name the resource has")
        place = self.place(inst)
        self.draft.add(section, shape(section, body, place, self.draft.report), place)

    # -- IAM ------------------------------------------------------------------------------
    def roles(self) -> None:
        for inst in self._of("aws_iam_role"):
            v = inst.values
            body: dict[str, Any] = {"RoleName": self.plain(inst.spec_name, inst, "name")}
            for arg, key in (("path", "Path"), ("description", "Description"),
                             ("max_session_duration", "MaxSessionDuration"),
                             ("permissions_boundary", "PermissionsBoundary")):
                if v.get(arg) is not None:
                    body[key] = self.plain(v[arg], inst, arg, as_name=arg == "permissions_boundary")
            if v.get("assume_role_policy") is not None:
                body["AssumeRolePolicyDocument"] = self.plain(
                    self.json_value(v["assume_role_policy"], inst, "assume_role_policy"), inst, "assume_role_policy")
            arns = [self.plain(a, inst, "managed_policy_arns", as_name=True) for a in v.get("managed_policy_arns") or []]
            policies = [{"PolicyName": self.plain(p.get("name"), inst, "inline_policy.name"),
                         "PolicyDocument": self.plain(self.json_value(p.get("policy"), inst, "inline_policy"),
                                                      inst, "inline_policy.policy")}
                        for p in v.get("inline_policy") or [] if p.get("name")]
            for other in self._of("aws_iam_role_policy_attachment"):
                if self._role_is(other.values.get("role"), inst):
                    arns.append(self.plain(other.values.get("policy_arn"), other, "policy_arn", as_name=True))
            for other in self._of("aws_iam_role_policy"):
                if self._role_is(other.values.get("role"), inst):
                    policies.append({"PolicyName": self.plain(other.spec_name, other, "name"),
                                     "PolicyDocument": self.plain(self.json_value(other.values.get("policy"), other,
                                                                                  "policy"), other, "policy")})
            if arns:
                body["ManagedPolicyArns"] = arns
            if policies:
                body["Policies"] = policies
            if isinstance(v.get("tags"), dict) and v["tags"]:
                body["Tags"] = [{"Key": k, "Value": self.plain(t, inst, f"tags.{k}")} for k, t in sorted(v["tags"].items())]
            place = self.place(inst)
            self.draft.add("iam.roles", shape("iam.roles", body, place, self.draft.report), place)
        for inst in self._of("aws_iam_policy"):
            v = inst.values
            body = {"ManagedPolicyName": self.plain(inst.spec_name, inst, "name")}
            if v.get("path") is not None:
                body["Path"] = self.plain(v["path"], inst, "path")
            if v.get("description") is not None:
                body["Description"] = self.plain(v["description"], inst, "description")
            body["PolicyDocument"] = self.plain(self.json_value(v.get("policy"), inst, "policy"), inst, "policy")
            place = self.place(inst)
            self.draft.add("iam.policies", shape("iam.policies", body, place, self.draft.report), place)

    def _role_is(self, value: Any, role: Instance) -> bool:
        if isinstance(value, ResourceRef):
            return self.target(value) is role
        return isinstance(value, str) and value == role.spec_name

    def _of(self, type_: str) -> list[Instance]:
        return [i for (t, _), insts in sorted(self.instances.items()) if t == type_ for i in insts]

    # -- EventBridge and SNS -------------------------------------------------------------------
    def events(self) -> None:
        for rule in self._of("aws_cloudwatch_event_rule"):
            targets = [t for t in self._of("aws_cloudwatch_event_target") if self._rule_is(t.values.get("rule"), rule)]
            batch = [t for t in targets if self._is_queue(t.values.get("arn"))]
            sns = [t for t in targets if self._is_topic(t.values.get("arn"))]
            name = self.plain(rule.spec_name, rule, "name")
            if (rule.values.get("event_bus_name") or "default") != "default":
                self.draft.report.add("BG-153", self.place(rule), what=rule.address,
                                      why="it is on another event bus; the spec's rules are on the default bus")
            elif batch:
                self.schedule(rule, name, batch[0])
            elif sns and self._batch_pattern(rule) is not None:
                self.notification(rule, name, sns[0])

    def _rule_is(self, value: Any, rule: Instance) -> bool:
        if isinstance(value, ResourceRef):
            return self.target(value) is rule
        return isinstance(value, str) and value == rule.spec_name

    def _is_queue(self, value: Any) -> bool:
        if isinstance(value, ResourceRef):
            return value.type == "aws_batch_job_queue"
        return isinstance(value, str) and ":job-queue/" in value

    def _is_topic(self, value: Any) -> bool:
        if isinstance(value, ResourceRef):
            return value.type == "aws_sns_topic"
        return isinstance(value, str) and value.startswith("arn:") and ":sns:" in value

    def _batch_pattern(self, rule: Instance) -> dict | None:
        pattern = self.json_value(rule.values.get("event_pattern"), rule, "event_pattern")
        if not isinstance(pattern, dict) or pattern.get("source") != ["aws.batch"] \
                or pattern.get("detail-type") != ["Batch Job State Change"]:
            return None
        return pattern.get("detail") if isinstance(pattern.get("detail"), dict) else {}

    def _state(self, rule: Instance) -> str | None:
        state = rule.values.get("state")
        if state is None and rule.values.get("is_enabled") is False:
            state = "DISABLED"
        return state if state == "DISABLED" else None

    def schedule(self, rule: Instance, name: Any, target: Instance) -> None:
        v = target.values
        bt = (v.get("batch_target") or [{}])[0]
        job_name = self.plain(bt.get("job_name"), target, "batch_target.job_name") or name
        job: dict[str, Any] = {"jobName": job_name,
                               "jobQueue": self.plain(v.get("arn"), target, "arn", as_name=True),
                               "jobDefinition": self.plain(bt.get("job_definition"), target,
                                                           "batch_target.job_definition", as_name=True)}
        if bt.get("array_size") is not None:
            job["arrayProperties"] = {"size": self.plain(bt["array_size"], target, "batch_target.array_size")}
        if bt.get("job_attempts") is not None:
            job["retryStrategy"] = {"attempts": self.plain(bt["job_attempts"], target, "batch_target.job_attempts")}
        payload = self.json_value(v.get("input"), target, "input") if v.get("input") is not None else None
        if isinstance(payload, dict) and isinstance(payload.get("Parameters"), dict):
            job["parameters"] = self.plain(payload["Parameters"], target, "input.Parameters")
        place = self.place(rule)
        self.draft.add("jobs", shape("jobs", job, self.place(target), self.draft.report), self.place(target))
        body: dict[str, Any] = {"name": name, "scheduleExpression": self.plain(
            rule.values.get("schedule_expression"), rule, "schedule_expression"), "job": job_name}
        if rule.values.get("description"):
            body["description"] = self.plain(rule.values["description"], rule, "description")
        if self._state(rule):
            body["state"] = "DISABLED"
        if v.get("role_arn") is not None:
            body["roleArn"] = self.plain(v["role_arn"], target, "role_arn", as_name=True)
        self.draft.add("schedules", shape("schedules", body, place, self.draft.report), place)
        tid = v.get("target_id")
        if isinstance(tid, str) and tid != "batch-job" and isinstance(name, str):
            self.draft.adopt_targets[name] = tid

    def notification(self, rule: Instance, name: Any, target: Instance) -> None:
        detail = self._batch_pattern(rule) or {}
        body: dict[str, Any] = {"name": name}
        if rule.values.get("description"):
            body["description"] = self.plain(rule.values["description"], rule, "description")
        if self._state(rule):
            body["state"] = "DISABLED"
        body["statuses"] = list(detail.get("status") or ["SUBMITTED", "PENDING", "RUNNABLE", "STARTING",
                                                         "RUNNING", "SUCCEEDED", "FAILED"])
        if isinstance(detail.get("jobQueue"), list):
            body["jobQueues"] = [self.plain(q, rule, "event_pattern.detail.jobQueue", as_name=True)
                                 for q in detail["jobQueue"]]
        arn = target.values.get("arn")
        if isinstance(arn, ResourceRef) and self.target(arn) is not None:
            topic = self.target(arn)
            body["topic"] = self.plain(topic.spec_name, topic, "name")
            if topic.values.get("kms_master_key_id") is not None:
                body["kmsMasterKeyId"] = self.plain(topic.values["kms_master_key_id"], topic, "kms_master_key_id")
            subs = [{"protocol": self.plain(s.values.get("protocol"), s, "protocol"),
                     "endpoint": self.plain(s.values.get("endpoint"), s, "endpoint")}
                    for s in self._of("aws_sns_topic_subscription")
                    if isinstance(s.values.get("topic_arn"), ResourceRef) and self.target(s.values["topic_arn"]) is topic]
            if subs:
                body["subscriptions"] = subs
        else:
            body["topic"] = self.plain(arn, target, "arn")
        place = self.place(rule)
        self.draft.add("notifications", shape("notifications", body, place, self.draft.report), place)
        tid = target.values.get("target_id")
        if isinstance(tid, str) and tid != "sns-topic" and isinstance(name, str):
            self.draft.adopt_targets[name] = tid

    def provider(self) -> None:
        for block in self.module.blocks:
            if block.type != "provider" or block.labels[:1] != ["aws"] or "alias" in block.attrs:
                continue
            scope = self.module.scope(block.file)
            if "region" in block.attrs:
                region = block.evaluator.eval(block.attrs["region"], scope)
                if isinstance(region, str):
                    self.draft.region = region
            for dt in block.sub("default_tags"):
                if "tags" in dt.attrs:
                    tags = block.evaluator.eval(dt.attrs["tags"], scope)
                    if isinstance(tags, dict) and is_known(tags):
                        self.draft.tags = {k: str(v) for k, v in tags.items()}

    def run(self) -> None:
        self.provider()
        for type_, section in BATCH_TYPES.items():
            for inst in self._of(type_):
                self.batch(inst, section)
        self.roles()
        self.events()
        for block in self.module.blocks:
            if block.type == "module":
                self.draft.report.add("BG-153", Place(block.pos.file, block.pos.line, block.pos.column),
                                      what=f"module {block.labels[0] if block.labels else ''}",
                                      why="batchgen reads the resources of one module; import that module's "
                                          "directory on its own")


def _is_reference(section: str, key: str) -> bool:
    return any(ref.section == section and ref.path[-1] == key for ref in REFERENCES)


def import_module(directory: str, variables: list[str] | None = None, var_files: list[str] | None = None) -> Draft:
    draft = Draft(header=[
        f"Imported by `batchgen import terraform` from {directory}.",
        "Each entry says which file and line it came from. Review it, then: batchgen validate THIS-FILE",
    ])
    path = Path(directory)
    if not path.is_dir():
        draft.report.add("BG-154", Place(directory), what=directory, detail="not a directory")
        return draft
    if not list(path.glob("*.tf")):
        draft.report.add("BG-154", Place(directory), what=directory, detail="no .tf files in it")
        return draft
    module = Module(path, directory, draft, variables or [], var_files or [])
    _Importer(module, draft).run()
    return draft

