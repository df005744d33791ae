"""`batchgen import aws` against the emulator: every example round-trips, adoption plans imports.

For each example in specs/: its CLI output is deployed to the emulator (test_emulator.py's
preparation, boto3 replay of deploy.sh), `batchgen import aws` reads the account back through
the real command line (credentials and AWS_ENDPOINT_URL from the environment only), and the
imported spec is compiled. Then

- the create-compute-environment, create-job-queue, create-scheduling-policy and
  register-job-definition bodies of the imported spec equal the original's. The one
  normalization: where a spec has no `account`/`region` its bodies hold @@ACCOUNT_ID@@ /
  @@REGION@@, filled here as deploy.sh fills them (an imported spec has both). The emulator's
  two gaps that would otherwise show (no pagination, no nodeProperties in
  DescribeJobDefinitions) are closed in moto_launcher.py, as AWS behaves;
- importing the same account again gives the same bytes;
- `compile --adopt` of the imported spec, planned by Terraform core against the stand-in
  provider, imports every resource it declares and creates none but Terraform's own (the
  release waits and the queues' scheduling records), and every import ID names what the
  emulator holds, read the way the provider reads it. The compute environments deploy.sh
  made carry batchgen's names (<name>-<replacement key>): the import gives them their spec
  names back, so the round trip is exact and adoption replaces nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from compiler.language import ALL_SECTIONS, section_items
from compiler.pipeline import compile_spec

from .examples import SPEC_IDS, SPECS
from .importing import Deployed, batch_bodies, deploy_example, import_aws, import_id_exists
from .terraform import planned_resources

pytestmark = pytest.mark.downstream


@dataclass
class RoundTrip:
    deployed: Deployed
    spec: Path
    text: str
    again: str
    stderr: str
    code: int
    files: dict[str, str] | None
    problems: list


@pytest.fixture(scope="module", params=SPECS, ids=SPEC_IDS)
def round_trip(request, moto_server, tmp_path_factory) -> RoundTrip:
    work = tmp_path_factory.mktemp(f"import-{request.param.stem}")
    deployed = deploy_example(moto_server, request.param, work)
    spec = work / "imported.yaml"
    first = import_aws(deployed.account, deployed.region, spec)
    again = import_aws(deployed.account, deployed.region, work / "again.yaml")
    result = compile_spec(str(spec))
    return RoundTrip(deployed, spec, spec.read_text(encoding="utf-8") if spec.exists() else "",
                     (work / "again.yaml").read_text(encoding="utf-8") if (work / "again.yaml").exists() else "",
                     first.stderr, first.code, result.files, result.problems)


def test_the_import_writes_a_spec_that_compiles(round_trip):
    assert round_trip.code == 0, round_trip.stderr
    errors = [p for p in round_trip.problems if str(p.severity) == "error"]
    assert not errors and round_trip.files is not None, "\n".join(map(str, round_trip.problems))


def test_importing_the_same_account_twice_gives_the_same_bytes(round_trip):
    assert round_trip.text and round_trip.text == round_trip.again


def test_the_batch_request_bodies_equal_the_originals(round_trip):
    d = round_trip.deployed
    account = d.account.account_id
    original = batch_bodies(d.files, account, d.region)
    imported = batch_bodies(round_trip.files or {}, account, d.region)
    assert sorted(imported) == sorted(original)
    different = [rel for rel in original if imported[rel] != original[rel]]
    assert not different, "\n".join(f"{rel}:\n  original {original[rel]}\n  imported {imported[rel]}"
                                     for rel in different)


def test_every_entry_says_which_resource_it_came_from(round_trip):
    """One `# from <ARN>` comment above each entry, and the ARN is the account's."""
    origins = re.findall(r"^ *# from (\S+)\n *- ", round_trip.text, re.M)
    spec = yaml.safe_load(round_trip.text)
    entries = sum(len(section_items(spec, s) or []) for s in ALL_SECTIONS)
    assert len(origins) == entries > 0
    assert all(o.startswith(f"arn:aws:") and f":{round_trip.deployed.account.account_id}:" in o for o in origins)


def test_adoption_imports_every_resource_and_creates_none(round_trip, terraform, tmp_path):
    result = compile_spec(str(round_trip.spec), adopt=True)
    assert result.files is not None, "\n".join(map(str, result.problems))
    module = tmp_path / "terraform"
    for rel, text in result.files.items():
        if rel.startswith("terraform/"):
            (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / rel).write_text(text, encoding="utf-8")
    ok, diff = terraform.fmt_check(module)
    assert ok, diff
    imports = re.findall(r'import \{\n  to = (\S+)\n  id = "([^"]+)"\n\}', result.files["terraform/imports.tf"])
    plan = terraform.plan(module)
    changes = {rc["address"]: rc for rc in plan["resource_changes"]}
    assert set(changes) == set(planned_resources(plan))
    # the release waits and the queues' scheduling records are Terraform's own (lifecycle.py):
    # nothing in AWS to import, Terraform creates them; everything else is imported, none created
    own = {a for a in changes if a.startswith(("time_sleep.", "terraform_data."))}
    assert {a for a in own if changes[a]["change"]["actions"] != ["create"]} == set()
    creates = [a for a, rc in changes.items() if "create" in rc["change"]["actions"] and a not in own]
    assert not creates, f"planned as new: {creates}"
    assert {a: (rc["change"].get("importing") or {}).get("id") for a, rc in changes.items() if a not in own} \
        == dict(imports)
    missing = [(a, i) for a, i in imports if not import_id_exists(round_trip.deployed.account, a.split(".")[0], i)]
    assert not missing, f"import IDs naming nothing in the emulator: {missing}"
