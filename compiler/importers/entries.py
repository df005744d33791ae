"""API-shaped data -> spec entries, and the finishing every importer shares.

Every front end (aws, terraform, cloudformation, cli) fills a Draft with entries shaped like
the API's request bodies (camelCase for Batch, CloudFormation's PascalCase for `iam`), each
with the place it came from. `finish` then makes the spec a person would have written:

- `shape`: only what the spec can carry. Fields AWS reports but takes no request for
  (ARNs, status, revision: OUTPUT_ONLY) go silently; any other field the spec's schema
  (botocore's request shapes) doesn't have, or no Terraform provider batchgen writes the
  entry with can carry (neither hashicorp/aws nor hashicorp/awscc: BG-011), is left out with
  a warning (BG-152) that names it.
- Values AWS filled in (`reported` entries only: what AWS says, not what a person wrote) are
  left out where batchgen would produce the same: `state: ENABLED`, `type: container`, the
  service-linked role of a MANAGED environment, empty lists, the Fargate platform version
  LATEST, ... (`_drop_defaults`), and roles batchgen generated itself.
- References: an ARN of a resource that is in the spec becomes its name; everything else
  stays an ARN (`_link`).
- Tags every Batch resource shares become the top-level `tags` (and `Project`, `project`),
  so that compiling gives every resource the same tags again (`_factor_tags`).
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from ..language import ALL_SECTIONS, NOUNS, REFERENCES, TAGGABLE_SECTIONS, split_revision, walk_path
from ..naming import generated_role_name
from .deployed_names import restore_spec_names
from .report import Place, Report, is_placeholder

BATCH_SECTIONS = ("computeEnvironments", "schedulingPolicies", "jobQueues", "jobDefinitions")

# The schema definition (the request shape) of one entry of each section.
ROOT_DEFS = {
    "computeEnvironments": "CreateComputeEnvironmentRequest",
    "schedulingPolicies": "CreateSchedulingPolicyRequest",
    "jobQueues": "CreateJobQueueRequest",
    "jobDefinitions": "RegisterJobDefinitionRequest",
    "jobs": "SubmitJobRequest",
    "iam.roles": "IamRole",
    "iam.policies": "IamManagedPolicy",
    "schedules": "EventSchedule",
    "notifications": "EventNotification",
}
COMMANDS = {
    "computeEnvironments": "create-compute-environment",
    "schedulingPolicies": "create-scheduling-policy",
    "jobQueues": "create-job-queue",
    "jobDefinitions": "register-job-definition",
    "jobs": "submit-job",
}

# Members of botocore's Describe* detail shapes that the Create*/Register* request lacks:
# what AWS reports about a resource rather than how it was asked for (tests/test_importers.py
# checks this table against botocore's batch model). updatePolicy is handled apart: it is a
# setting (of UpdateComputeEnvironment), kept only when it differs from AWS's default.
OUTPUT_ONLY: dict[str, frozenset[str]] = {
    "computeEnvironments": frozenset({"computeEnvironmentArn", "containerOrchestrationType", "ecsClusterArn",
                                      "status", "statusReason", "uuid"}),
    "jobQueues": frozenset({"jobQueueArn", "status", "statusReason"}),
    "jobDefinitions": frozenset({"containerOrchestrationType", "jobDefinitionArn", "revision", "status"}),
    "schedulingPolicies": frozenset({"arn"}),
}
# UpdatePolicy's documented defaults (botocore: terminateJobsOnUpdate "The default value is
# false", jobExecutionTimeoutMinutes "The default value is 30").
DEFAULT_UPDATE_POLICY = {"terminateJobsOnUpdate": False, "jobExecutionTimeoutMinutes": 30}

SERVICE_LINKED_ROLE = re.compile(r"^arn:aws[a-z-]*:iam::[0-9]{12}:role/aws-service-role/batch\.amazonaws\.com/"
                                 r"AWSServiceRoleForBatch$")
# (batchgen's own CLI bodies hold @@REGION@@ / @@ACCOUNT_ID@@ where the spec gave neither)
_ARN = re.compile(r"^arn:(?P<partition>aws[a-z-]*):(?P<service>[a-z0-9-]+):(?P<region>[a-z0-9-]*|@@REGION@@):"
                  r"(?P<account>[0-9]{12}|aws|@@ACCOUNT_ID@@)?:(?P<resource>.+)$")


@dataclass(frozen=True)
class Arn:
    partition: str
    service: str
    region: str
    account: str
    resource: str

    @classmethod
    def parse(cls, text: object) -> "Arn | None":
        m = _ARN.match(text) if isinstance(text, str) else None
        return cls(m["partition"], m["service"], m["region"], m["account"] or "", m["resource"]) if m else None

    def kind_and_name(self) -> tuple[str, str]:
        """('job-queue', 'render') for ...:job-queue/render; an IAM path stays in the name."""
        kind, _, name = self.resource.partition("/")
        return kind, name


def iam_path_and_name(path_and_name: str) -> tuple[str, str]:
    """'batch/etl-instance' -> ('/batch/', 'etl-instance'); 'x' -> ('/', 'x')."""
    path, _, name = path_and_name.rpartition("/")
    return (f"/{path}/" if path else "/"), name


@dataclass
class Entry:
    section: str
    body: dict
    origin: Place
    reported: bool = False  # what AWS reported (describe), rather than what a person wrote
    revision: int | None = None  # a job definition's revision, where known
    batchgen_role: bool = False  # an IAM role whose Description says batchgen generated it

    @property
    def name(self) -> str:
        return self.body.get(ALL_SECTIONS[self.section])


@dataclass
class Draft:
    """What an importer found, before `finish` turns it into a spec."""

    header: list[str]
    report: Report = field(default_factory=Report)
    region: str | None = None
    account: str | None = None
    project: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    entries: list[Entry] = field(default_factory=list)
    adopt_revisions: dict[str, int] = field(default_factory=dict)
    adopt_targets: dict[str, str] = field(default_factory=dict)
    usage_error: str | None = None  # the import could not run at all (no credentials, no Region, ...)

    def add(self, section: str, body: dict, origin: Place, **kw) -> Entry:
        entry = Entry(section, body, origin, **kw)
        self.entries.append(entry)
        return entry

    def of(self, section: str) -> list[Entry]:
        return [e for e in self.entries if e.section == section]

    def named(self, section: str, name: str) -> Entry | None:
        return next((e for e in self.entries if e.section == section and e.name == name), None)


def where(section: str, name: object) -> str:
    return f"{NOUNS[section]} {name}"


# -- what the spec can carry ----------------------------------------------------------------

def _schema() -> dict:
    from ..validate.schema import load_schema

    return load_schema()


def _resolve(node: Any) -> dict:
    """A schema node with `$ref`s followed and anyOf branches' properties merged."""
    defs = _schema()["$defs"]
    seen = 0
    while isinstance(node, dict) and "$ref" in node and seen < 20:
        node = defs[node["$ref"].rsplit("/", 1)[-1]]
        seen += 1
    if isinstance(node, dict) and "anyOf" in node:
        merged = {k: v for k, v in node.items() if k != "anyOf"}
        props: dict = {}
        for branch in node["anyOf"]:
            props.update(_resolve(branch).get("properties") or {})
        if props:
            merged["properties"] = {**props, **(merged.get("properties") or {})}
        return merged
    return node if isinstance(node, dict) else {}


def root_node(section: str) -> dict:
    return _resolve({"$ref": f"#/$defs/{ROOT_DEFS[section]}"})


def carry(value: Any, node: dict, path: tuple = ()) -> tuple[Any, list[tuple]]:
    """`value` with only what the schema `node` allows; and the paths of what was left out."""
    node = _resolve(node)
    dropped: list[tuple] = []
    if isinstance(value, dict):
        props = node.get("properties")
        extra = node.get("additionalProperties", True if props is None else False)
        out = {}
        for key, sub in value.items():
            if props is not None and key in props:
                out[key], more = carry(sub, props[key], (*path, key))
                dropped += more
            elif isinstance(extra, dict):
                out[key], more = carry(sub, extra, (*path, key))
                dropped += more
            elif extra is True or props is None:
                out[key] = sub
            else:
                dropped.append((*path, key))
        return out, dropped
    if isinstance(value, list) and isinstance(node.get("items"), dict):
        out_list = []
        for i, item in enumerate(value):
            new, more = carry(item, node["items"], (*path, i))
            out_list.append(new)
            dropped += more
        return out_list, dropped
    return value, dropped


def camelize(value: Any, node: dict) -> Any:
    """CloudFormation's PascalCase keys (`MinvCpus`) as the API's (`minvCpus`), by the schema:
    a key is renamed to the property it matches case-insensitively; map keys (tags,
    parameters, log options) are left alone."""
    node = _resolve(node)
    if isinstance(value, dict):
        props = node.get("properties")
        if props is None:
            extra = node.get("additionalProperties")
            return {k: camelize(v, extra) if isinstance(extra, dict) else v for k, v in value.items()}
        lower = {p.lower(): p for p in props}
        out = {}
        for key, sub in value.items():
            name = lower.get(key.lower(), key) if isinstance(key, str) else key
            out[name] = camelize(sub, props[name]) if name in props else sub
        return out
    if isinstance(value, list) and isinstance(node.get("items"), dict):
        return [camelize(item, node["items"]) for item in value]
    return value


def dotted(path: tuple) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else ("." if out else "") + str(p)
    return out


def shape(section: str, data: dict, origin: Place, report: Report, reported: bool = False,
          locate: Callable[[tuple], Place] | None = None) -> dict:
    """An entry of `section` from API-shaped `data`: only what the spec can carry (see the module
    doc). `locate(path)` gives the place of a field, where the front end knows it."""
    locate = locate or (lambda path: origin)
    from ..tfmap import BY_SECTION, awscc_maps

    name = data.get(ALL_SECTIONS[section])
    body = {k: v for k, v in data.items() if k not in OUTPUT_ONLY.get(section, ())}
    update_policy = body.pop("updatePolicy", None) if section == "computeEnvironments" else None
    if update_policy and {k: v for k, v in update_policy.items() if v is not None} != DEFAULT_UPDATE_POLICY:
        report.add("BG-152", origin, where=where(section, name), field="updatePolicy",
                   why="the spec can't carry a compute environment's update policy (an UpdateComputeEnvironment "
                       "setting); change it with `aws batch update-compute-environment`")
    body = _without_nulls(body)
    if reported:
        body = _drop_defaults(section, body)
    body, dropped = carry(body, root_node(section))
    command = COMMANDS.get(section)
    for path in dropped:
        report.add("BG-152", locate(path), where=where(section, name), field=dotted(path),
                   why=(f"the {command} request has no such field (botocore's batch model, as batchgen's "
                        f"schema holds it)" if command else "batchgen's spec language has no such field"))
    for rel in _not_carried(section, body):
        report.add("BG-152", locate(rel), where=where(section, name), field=dotted(rel),
                   why=f"neither {BY_SECTION[section].type} (hashicorp/aws) nor {awscc_maps()[section].type} "
                       "(hashicorp/awscc, which batchgen uses for what hashicorp/aws lacks) has an argument for it, "
                       "so batchgen's Terraform output could not carry it (BG-011); the running resource keeps it, "
                       "a batchgen-managed one would not")
        _delete(body, rel)
    return body


def _not_carried(section: str, body: dict) -> list[tuple]:
    """The fields of `body` no one provider can carry with the rest (compiler/tfmap.py): those
    neither has, and, when the entry needs hashicorp/awscc for another field, those awscc lacks."""
    from ..tfmap import awscc_maps, unsupported

    aws_missing = [rel for rel, _ in unsupported(section, body)]
    if not aws_missing:
        return []
    cc_missing = [rel for rel, _ in unsupported(section, body, awscc_maps()[section])]
    needs_cc = [rel for rel in aws_missing if rel not in cc_missing]
    return cc_missing if needs_cc else [rel for rel in aws_missing if rel in cc_missing]


def _without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value if v is not None]
    return value


def _delete(body: dict, rel: tuple) -> None:
    node: Any = body
    for key in rel[:-1]:
        node = node[key]
    del node[rel[-1]]
    # a block left empty by the deletion goes too
    if rel[:-1] and node == {}:
        _delete(body, rel[:-1])


def _empty_dropped(value: Any) -> Any:
    """Empty lists and maps AWS reports for fields a request left out: the same as leaving them out."""
    if isinstance(value, dict):
        out = {k: _empty_dropped(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if v not in ({}, [])}
    if isinstance(value, list):
        return [_empty_dropped(v) for v in value]
    return value


def _drop_defaults(section: str, body: dict) -> dict:
    """What AWS filled in that batchgen would produce anyway, left out (module doc)."""
    body = _empty_dropped(body)
    if body.get("state") == "ENABLED" and section in ("computeEnvironments", "jobQueues"):
        del body["state"]  # SPEC.md: state omitted is ENABLED
    if section == "computeEnvironments":
        if body.get("type") == "MANAGED" and SERVICE_LINKED_ROLE.match(str(body.get("serviceRole", ""))):
            del body["serviceRole"]  # SPEC.md: a MANAGED environment without serviceRole uses this role
    if section == "jobDefinitions":
        if body.get("type") == "container":
            del body["type"]  # SPEC.md: type omitted is container
        if body.get("propagateTags") is False:
            del body["propagateTags"]  # botocore: "If no value is specified, the tags aren't propagated"
        for container in _containers(body):
            if container.get("fargatePlatformConfiguration") == {"platformVersion": "LATEST"}:
                del container["fargatePlatformConfiguration"]  # botocore: "By default, the LATEST platform version is used"
            if container.get("runtimePlatform") == {"operatingSystemFamily": "LINUX", "cpuArchitecture": "X86_64"}:
                del container["runtimePlatform"]  # botocore: LINUX and X86_64 are the defaults
        for rule in (body.get("retryStrategy") or {}).get("evaluateOnExit") or []:
            if isinstance(rule.get("action"), str):
                rule["action"] = rule["action"].upper()  # botocore: case-insensitive; the enum is RETRY | EXIT
    return body


def _containers(body: dict) -> Iterator[dict]:
    cp = body.get("containerProperties")
    if isinstance(cp, dict):
        yield cp
    for rng in ((body.get("nodeProperties") or {}).get("nodeRangeProperties") or []):
        if isinstance(rng, dict) and isinstance(rng.get("container"), dict):
            yield rng["container"]


def without_aws_tags(tags: Any) -> Any:
    """Tags whose key starts with `aws:` are AWS's own (CloudFormation's stack tags): no request may set them."""
    if isinstance(tags, dict):
        return {k: v for k, v in tags.items() if not str(k).startswith("aws:")}
    if isinstance(tags, list):
        return [t for t in tags if not (isinstance(t, dict) and str(t.get("Key", "")).startswith("aws:"))]
    return tags


# -- finishing: names for ARNs, generated roles, shared tags -----------------------------------------

def finish(draft: Draft, factor_tags: bool = False) -> tuple[dict, dict[tuple[str, str], str]]:
    """The spec (a dict in writing order) and where each entry came from."""
    entries = _deduplicated(draft)
    for e in entries:
        if "tags" in e.body:
            e.body["tags"] = without_aws_tags(e.body["tags"])
            if not e.body["tags"]:
                del e.body["tags"]
        if "Tags" in e.body:
            e.body["Tags"] = without_aws_tags(e.body["Tags"])
            if not e.body["Tags"]:
                del e.body["Tags"]
    if factor_tags:
        _factor_tags(draft, entries)
    _link(draft, entries)
    _drop_generated_roles(draft, entries)
    spec, origins = _assemble(draft, entries)
    restore_spec_names(spec, origins)  # an environment batchgen deployed: its spec name back
    return spec, origins


def _deduplicated(draft: Draft) -> list[Entry]:
    out: dict[tuple[str, str], Entry] = {}
    for e in draft.entries:
        key = (e.section, e.name)
        if key in out:
            draft.report.add("BG-156", e.origin, noun=NOUNS[e.section], name=e.name, first=str(out[key].origin))
            del out[key]
        out[key] = e
    return list(out.values())


def _arn_index(draft: Draft, entries: list[Entry]) -> dict[tuple[str, str], Entry]:
    index: dict[tuple[str, str], Entry] = {}
    kinds = {"computeEnvironments": "compute-environment", "jobQueues": "job-queue",
             "schedulingPolicies": "scheduling-policy", "jobDefinitions": "job-definition"}
    for e in entries:
        if e.section in kinds:
            index[(kinds[e.section], e.name)] = e
        elif e.section == "iam.roles":
            path = e.body.get("Path") or "/"
            index[("role", f"{path[1:]}{e.name}")] = e
            index[("instance-profile", f"{path[1:]}{e.name}")] = e
        elif e.section == "iam.policies":
            path = e.body.get("Path") or "/"
            index[("policy", f"{path[1:]}{e.name}")] = e
    return index


def _link(draft: Draft, entries: list[Entry]) -> None:
    index = _arn_index(draft, entries)
    revisions = {e.name: e.revision for e in entries if e.section == "jobDefinitions"}

    def name_for(value: str, target: str, field_name: str) -> str:
        if target == "jobDefinitions" and not value.startswith("arn:"):
            name, rev = split_revision(value)  # name:3 -> name when 3 is the revision imported
            return name if rev is not None and revisions.get(name) == rev else value
        arn = Arn.parse(value)
        if arn is None:
            return value
        if draft.account and arn.account and arn.account not in (draft.account, "@@ACCOUNT_ID@@"):
            return value
        if draft.region and arn.region and arn.region not in (draft.region, "@@REGION@@"):
            return value
        kind, rest = arn.kind_and_name()
        if kind == "instance-profile" and field_name != "instanceRole":
            return value
        if kind == "job-definition":
            name, rev = split_revision(rest)
            if ("job-definition", name) not in index:
                return value
            if rev is None or revisions.get(name) in (None, rev):
                return name
            return f"{name}:{rev}"
        entry = index.get((kind, rest))
        return value if entry is None or entry.section != target else entry.name

    for e in entries:
        for ref in REFERENCES:
            if ref.section != e.section or ref.target == "jobs":
                continue
            for rel, value in list(walk_path(e.body, ref.path)):
                if isinstance(value, str) and not is_placeholder(value):
                    new = name_for(value, ref.target, ref.path[-1])
                    if new != value:
                        _set(e.body, rel, new)


def _set(body: Any, rel: tuple, value: Any) -> None:
    for key in rel[:-1]:
        body = body[key]
    body[rel[-1]] = value


# The roles batchgen generates (compiler/resolve/__init__.py `_GENERATED`, resolve/events.py): the field
# that uses one, the name suffix, and when batchgen would generate it for that entry.
def _generated_uses(entries: list[Entry], project: str | None):
    for e in entries:
        b = e.body
        if e.section == "computeEnvironments":
            cr = b.get("computeResources") if isinstance(b.get("computeResources"), dict) else {}
            if b.get("type") == "UNMANAGED":
                yield e, ("serviceRole",), generated_role_name(project, "batch-service")
            if cr.get("type") in ("EC2", "SPOT"):
                yield e, ("computeResources", "instanceRole"), generated_role_name(project, "batch-instance")
            if cr.get("type") == "SPOT" and cr.get("allocationStrategy", "BEST_FIT") == "BEST_FIT":
                yield e, ("computeResources", "spotIamFleetRole"), generated_role_name(project, "batch-spot-fleet")
        elif e.section == "jobDefinitions" and "FARGATE" in (b.get("platformCapabilities") or []):
            yield e, ("containerProperties", "executionRoleArn"), generated_role_name(project, "batch-execution")
        elif e.section == "schedules":
            yield e, ("roleArn",), generated_role_name(project, f"schedule-{b.get('name')}")


def _drop_generated_roles(draft: Draft, entries: list[Entry]) -> None:
    """A role batchgen generated (its Description says so, and its name is the one batchgen
    gives it for that use) is left out together with the field naming it: compiling the spec
    generates the same role again, as it did when it was deployed."""
    generated = {e.name: e for e in entries if e.section == "iam.roles" and e.batchgen_role}
    if not generated:
        return
    dropped: set[str] = set()
    for e, path, name in _generated_uses(entries, draft.project):
        node: Any = e.body
        for key in path[:-1]:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, dict) and node.get(path[-1]) == name and name in generated:
            del node[path[-1]]
            dropped.add(name)
    still_used = set()
    for e in entries:
        for ref in REFERENCES:
            if ref.section == e.section and ref.target == "iam.roles":
                still_used.update(v for _, v in walk_path(e.body, ref.path) if isinstance(v, str))
    for name in dropped - still_used:
        entries.remove(generated[name])


def _factor_tags(draft: Draft, entries: list[Entry]) -> None:
    """Tags every Batch resource carries with the same value -> top-level `tags` (a `Project`
    tag -> `project`); compiling puts them back on every resource (SPEC.md `tags`)."""
    # (a job `import aws` made from a schedule's target has no tags of its own to compare)
    tagged = [e for e in entries if e.section in BATCH_SECTIONS or (e.section == "jobs" and not e.reported)]
    if not tagged:
        return
    common: dict[str, str] | None = None
    for e in tagged:
        tags = e.body.get("tags") or {}
        common = dict(tags) if common is None else {k: v for k, v in common.items() if tags.get(k) == v}
    common = common or {}
    if _valid_project(common.get("Project")):
        draft.project = common.pop("Project")
    draft.tags = common  # a Project tag that can't be a `project` stays a tag
    shared = dict(common)
    if draft.project:
        shared["Project"] = draft.project
    for e in entries:
        if e.section in TAGGABLE_SECTIONS and e.body.get("tags"):  # what compiling gives the top-level tags
            rest = {k: v for k, v in e.body["tags"].items() if shared.get(k) != v}
            if rest:
                e.body["tags"] = rest
            else:
                del e.body["tags"]
        elif e.section == "iam.roles" and e.body.get("Tags"):
            rest = [t for t in e.body["Tags"] if shared.get(t.get("Key")) != t.get("Value")]
            if rest:
                e.body["Tags"] = rest
            else:
                del e.body["Tags"]


def _valid_project(value: object) -> bool:
    node = _schema()["properties"]["project"]
    return (isinstance(value, str) and len(value) <= node.get("maxLength", 1 << 30)
            and re.fullmatch(node["pattern"].rstrip("$").lstrip("^"), value) is not None)


def _assemble(draft: Draft, entries: list[Entry]) -> tuple[dict, dict[tuple[str, str], str]]:
    spec: dict[str, Any] = {"batchgen": 1}
    if draft.project:
        spec["project"] = draft.project
    if draft.region:
        spec["region"] = draft.region
    if draft.account:
        spec["account"] = draft.account
    if draft.tags:
        spec["tags"] = dict(sorted(draft.tags.items()))
    origins: dict[tuple[str, str], str] = {}
    by_section: dict[str, list[Entry]] = {}
    for e in entries:
        by_section.setdefault(e.section, []).append(e)
        origins[(e.section, e.name)] = str(e.origin)
    iam: dict[str, list] = {}
    from .writer import SECTION_ORDER

    for section in SECTION_ORDER:
        items = sorted(by_section.get(section, []), key=lambda e: str(e.name))
        if not items:
            continue
        bodies = [copy.deepcopy(e.body) for e in items]
        if section.startswith("iam."):
            iam[section.split(".")[1]] = bodies
        else:
            spec[section] = bodies
    if iam:
        spec["iam"] = iam
    names = {e.name for e in entries if e.section == "jobDefinitions"}
    adopt: dict[str, Any] = {}
    # The name each compute environment runs under: batchgen names the ones it deploys
    # <name>-<replacement key>, so compile --adopt imports these by the name read here.
    running = sorted(e.name for e in entries if e.section == "computeEnvironments")
    if running:
        adopt["computeEnvironments"] = {n: n for n in running}
    revisions = {k: v for k, v in sorted(draft.adopt_revisions.items()) if k in names}
    if revisions:
        adopt["jobDefinitions"] = revisions
    rules = {e.name for e in entries if e.section in ("schedules", "notifications")}
    targets = {k: v for k, v in sorted(draft.adopt_targets.items()) if k in rules}
    if targets:
        adopt["eventTargets"] = targets
    if adopt:
        spec["adopt"] = adopt
    return spec, origins
