"""The examples in specs/, compiled into temporary directories, and what the
downstream tools should find in them according to the spec alone.

Every downstream test module is parametrized over ``SPECS`` (every
``specs/*.yaml``: a new example is picked up without any change here). A spec
with ``environments`` stands there once per environment, as the spec that
environment is (``<spec>.<env>.yaml``, written to a temporary folder as JSON,
which YAML reads as it is): tests/test_environments.py checks that it compiles
to exactly what ``batchgen compile SPEC --env ENV`` writes, so every downstream
check of it is a check of that environment. Output is compiled afresh into a
temporary directory, never read from or written to out/.

``Expected`` is the spec's side of each comparison: an entry of the spec with
SPEC.md's defaults filled in ("Defaults batchgen fills in") and its by-name
references written the way AWS reports them back (ARNs). It knows AWS's ARN
formats and SPEC.md, not the compiler's emitters.
"""

from __future__ import annotations

import atexit
import copy
import json
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml

from compiler.language import REFERENCES, is_arn, split_revision, walk_path
from compiler.pipeline import Result, compile_spec
from tests.helpers import EXAMPLES, Example


def environment_spec(example: Example, folder: Path) -> Path:
    """The spec of one environment as a file of its own: `folder/<spec>.<env>.yaml`."""
    path = folder / f"{example.id}.yaml"
    path.write_text(json.dumps(example.data(), indent=2) + "\n", encoding="utf-8")
    return path


def _example_specs() -> list[Path]:
    if all(e.env is None for e in EXAMPLES):
        return [e.spec for e in EXAMPLES]
    folder = Path(tempfile.mkdtemp(prefix="batchgen-environments-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return [environment_spec(e, folder) if e.env else e.spec for e in EXAMPLES]


SPECS = _example_specs()
SPEC_IDS = [p.stem for p in SPECS]
NAME_FIELDS = {
    "computeEnvironments": "computeEnvironmentName",
    "jobQueues": "jobQueueName",
    "schedulingPolicies": "name",
    "jobDefinitions": "jobDefinitionName",
    "jobs": "jobName",
}
SERVICE_LINKED_ROLE = "role/aws-service-role/batch.amazonaws.com/AWSServiceRoleForBatch"
FARGATE = ("FARGATE", "FARGATE_SPOT")


def compile_to(spec: Path, out: Path) -> Result:
    """Compile ``spec`` and write its files under ``out`` (deploy.sh executable);
    fail the test with the diagnostics if it does not compile."""
    result = compile_spec(str(spec))
    if result.errors or result.files is None:
        pytest.fail(f"{spec.name} does not compile:\n" + "\n".join(map(str, result.problems)), pytrace=False)
    for rel, text in result.files.items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if rel.endswith(".sh"):
            path.chmod(0o755)
    return result


def load_spec(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


class Expected:
    """The values a spec asks for, as AWS would report them back."""

    def __init__(self, spec: dict, account: str, region: str, partition: str = "aws",
                 ce_names: dict[str, str] | None = None):
        self.spec = spec
        # A compute environment's AWS name: its spec name, "-" and a replacement key (docs/day-two.md),
        # as found in the account (find_compute_environment_names); the spec name until then.
        self.ce_names = ce_names or {}
        self.account = account
        self.region = region
        self.partition = partition
        self.project = spec.get("project") or "batchgen"
        self.tags = {**(spec.get("tags") or {})}
        if spec.get("project") and "Project" not in self.tags:
            self.tags["Project"] = spec["project"]

    # -- ARNs --------------------------------------------------------------------

    def arn(self, service: str, resource: str, regional: bool = True) -> str:
        return f"arn:{self.partition}:{service}:{self.region if regional else ''}:{self.account}:{resource}"

    def _path(self, role_name: str) -> str:
        for role in (self.spec.get("iam") or {}).get("roles") or []:
            if role.get("RoleName") == role_name:
                return role.get("Path") or "/"
        return "/"

    def role_arn(self, name: str) -> str:
        return name if is_arn(name) else self.arn("iam", f"role{self._path(name)}{name}", regional=False)

    def instance_profile_arn(self, name: str) -> str:
        """The instance profile batchgen writes for a role: its name and path."""
        if is_arn(name):
            return name
        return self.arn("iam", f"instance-profile{self._path(name)}{name}", regional=False)

    def generated_role(self, purpose: str) -> str:
        """A role batchgen generates, named after the project (SPEC.md)."""
        return f"{self.project}-{purpose}"

    def reference(self, section: str, path: tuple, target: str, value: str) -> str:
        """A by-name reference as AWS reports it back (an ARN passes through)."""
        if is_arn(value):
            return value
        if target == "computeEnvironments":
            return self.arn("batch", f"compute-environment/{self.ce_names.get(value, value)}")
        if target == "schedulingPolicies":
            return self.arn("batch", f"scheduling-policy/{value}")
        if target == "jobQueues":
            return self.arn("batch", f"job-queue/{value}")
        if target == "jobDefinitions":
            name, revision = split_revision(value)
            return self.arn("batch", f"job-definition/{name}:{revision or 1}")
        if target == "iam.roles":
            if path[-1] == "instanceRole":
                return self.instance_profile_arn(value)
            return self.role_arn(value)
        return value  # jobs: the caller maps job names to IDs

    # -- entries -------------------------------------------------------------------

    def entries(self, section: str) -> list[dict]:
        return self.spec.get(section) or []

    def scheduled_jobs(self) -> set[str]:
        """Jobs a schedule or a trigger submits (SPEC.md `schedules`, `triggers`), which deploy.sh does not."""
        return {s.get("job") for s in self.entries("schedules") + self.entries("triggers")}

    def submitted_jobs(self) -> list[dict]:
        """The `jobs` entries deploy.sh submits."""
        return [j for j in self.entries("jobs") if j["jobName"] not in self.scheduled_jobs()]

    def entry(self, section: str, raw: dict) -> dict:
        """``raw`` (an entry of ``section``) with defaults, tags and references as AWS reports them."""
        body = copy.deepcopy(raw)
        for ref in REFERENCES:
            if ref.section != section or ref.target == "jobs":
                continue
            for rel, value in list(walk_path(body, ref.path)):
                if isinstance(value, str):
                    _set(body, rel, self.reference(section, rel, ref.target, value))
        tags = {**self.tags, **(body.pop("tags", None) or {})}
        if section == "computeEnvironments":
            body["computeEnvironmentName"] = self.ce_names.get(body["computeEnvironmentName"],
                                                               body["computeEnvironmentName"])
            body.setdefault("state", "ENABLED")
            cr = body.get("computeResources") or {}
            if "serviceRole" not in body:
                body["serviceRole"] = (self.arn("iam", SERVICE_LINKED_ROLE, regional=False)
                                       if body.get("type") == "MANAGED"
                                       else self.role_arn(self.generated_role("batch-service")))
            if cr.get("type") in ("EC2", "SPOT"):
                cr.setdefault("instanceRole", self.instance_profile_arn(self.generated_role("batch-instance")))
                if cr["type"] == "SPOT" and cr.get("allocationStrategy", "BEST_FIT") == "BEST_FIT":
                    cr.setdefault("spotIamFleetRole", self.role_arn(self.generated_role("batch-spot-fleet")))
        elif section == "jobQueues":
            body.setdefault("state", "ENABLED")
        elif section == "jobDefinitions":
            body.setdefault("type", "container")
            cp = body.get("containerProperties")
            if cp is not None and set(body.get("platformCapabilities") or []) & {"FARGATE"}:
                cp.setdefault("executionRoleArn", self.role_arn(self.generated_role("batch-execution")))
        if tags:
            body["tags"] = tags
        return body


REPLACEMENT_KEY = re.compile(r"^(?P<name>.+)-(?P<key>[0-9a-f]{8})$")


def find_compute_environment_names(spec: dict, actual_names: list[str]) -> dict[str, str]:
    """Spec name -> the AWS name found for it: the spec name, "-" and an 8-hex-digit key."""
    wanted = {ce["computeEnvironmentName"] for ce in spec.get("computeEnvironments") or []}
    found: dict[str, str] = {}
    for name in actual_names:
        m = REPLACEMENT_KEY.match(name)
        if m and m["name"] in wanted:
            assert m["name"] not in found, f"two compute environments for {m['name']}: {found[m['name']]}, {name}"
            found[m["name"]] = name
    return found


def _set(body: Any, rel: tuple, value: Any) -> None:
    for key in rel[:-1]:
        body = body[key]
    body[rel[-1]] = value


def mismatches(actual: Any, expected: Any, path: str = "", casefold: frozenset = frozenset()) -> list[str]:
    """Where ``actual`` does not hold ``expected``: every key of an expected
    object must be there with a matching value (extra keys are fine: the
    service adds its own), lists match item by item, scalars are equal.
    Paths in ``casefold`` compare case-insensitively (documented as such by AWS)."""
    generic = _generic(path)
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{path or '/'}: expected an object, found {actual!r}"]
        found = []
        for key, value in expected.items():
            if key not in actual:
                found.append(f"{path}/{key}: missing (expected {value!r})")
            else:
                found.extend(mismatches(actual[key], value, f"{path}/{key}", casefold))
        return found
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return [f"{path}: expected {expected!r}, found {actual!r}"]
        found = []
        for index, (a, e) in enumerate(zip(actual, expected)):
            found.extend(mismatches(a, e, f"{path}/{index}", casefold))
        return found
    if generic in casefold and isinstance(actual, str) and isinstance(expected, str):
        return [] if actual.lower() == expected.lower() else [f"{path}: expected {expected!r}, found {actual!r}"]
    if _number(actual) and _number(expected):
        return [] if actual == expected else [f"{path}: expected {expected!r}, found {actual!r}"]
    if actual != expected or type(actual) is not type(expected):
        return [f"{path}: expected {expected!r}, found {actual!r}"]
    return []


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _generic(path: str) -> str:
    """'/retryStrategy/evaluateOnExit/0/action' -> '/retryStrategy/evaluateOnExit/*/action'."""
    return "/".join("*" if part.isdigit() else part for part in path.split("/"))
