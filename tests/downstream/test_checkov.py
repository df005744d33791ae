"""checkov finds nothing to report in any example's Terraform.

Every spec is compiled into one temporary tree (``<tree>/<spec>/terraform``),
beside a canary spec that asks for a privileged container, and checkov
(.venvs/checkov, run offline with its caches in a temporary home) scans the
tree once; its JSON results are split by spec.

- An example has zero failed checks, unless the finding is one the spec
  itself asks for (``SPEC_DRIVEN``): then batchgen must have warned about it
  when compiling, and the spec explains the warning (tests/test_examples.py
  checks the "deliberate <code>" comment).
- batchgen never silences checkov: no ``checkov:skip`` in the output, and
  checkov skipped nothing.
- The canary proves the scan reads the output (checkov decodes
  ``jsonencode()``): it fails CKV_AWS_210, and batchgen warned.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from .examples import SPEC_IDS, SPECS, compile_to
from .tools import tool_env, venv_bin

pytestmark = pytest.mark.downstream

# checkov checks that fail because of what a spec asks for, and the warning
# batchgen gives for it (the catalog's rule). A failed check is accepted when
# compiling that spec gave the warning (per spec, not per resource: checkov's
# resources are Terraform addresses, batchgen's warnings spec positions).
_WILDCARD_POLICY = "BG-106"  # a PolicyDocument statement allowing "*" actions or resources
SPEC_DRIVEN = {
    "CKV_AWS_210": "BG-107",  # jobDefinitions[].containerProperties.privileged: true
    "CKV_AWS_26": "BG-117",  # notifications[].topic created without kmsMasterKeyId
    "CKV_AWS_274": "BG-118",  # iam.roles[].ManagedPolicyArns: AdministratorAccess
    "CKV2_AWS_56": "BG-118",  # iam.roles[].ManagedPolicyArns: IAMFullAccess
    "CKV_AWS_60": "BG-119",  # iam.roles[].AssumeRolePolicyDocument trusting Principal "*"
    "CKV_AWS_158": "BG-162",  # logGroups[] without kmsKeyId
    "CKV_AWS_338": "BG-162",  # logGroups[].retentionInDays under 365
    **{check: _WILDCARD_POLICY for check in (
        "CKV_AWS_62", "CKV_AWS_63", "CKV_AWS_286", "CKV_AWS_287", "CKV_AWS_288", "CKV_AWS_289",
        "CKV_AWS_290", "CKV_AWS_355", "CKV2_AWS_40")},
}

CANARY = "canary-privileged"
CANARY_SPEC = """\
batchgen: 1
project: checkov-canary
region: us-east-1
jobDefinitions:
  - jobDefinitionName: needs-the-host
    platformCapabilities: [EC2]
    containerProperties:
      image: public.ecr.aws/docker/library/busybox:1.36
      privileged: true
      resourceRequirements:
        - {type: VCPU, value: "1"}
        - {type: MEMORY, value: "512"}
iam:
  roles:
    - RoleName: too-powerful
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - {Effect: Allow, Principal: {AWS: "*"}, Action: sts:AssumeRole}
      ManagedPolicyArns: [arn:aws:iam::aws:policy/AdministratorAccess]
logGroups:
  - {name: /canary/debug, retentionInDays: 30}
"""


class Scan:
    def __init__(self, tree: Path, report: dict, warnings: dict[str, set[str]]):
        self.tree = tree
        self.report = report
        self.warnings = warnings  # spec -> codes of the warnings compiling it gave

    def results(self, kind: str, spec: str) -> list[dict]:
        prefix = f"/{spec}/terraform/"
        return [c for c in self.report["results"][kind] if c["file_path"].startswith(prefix)]


@pytest.fixture(scope="module")
def scan(tmp_path_factory) -> Scan:
    checkov = venv_bin("checkov", "checkov")
    work = tmp_path_factory.mktemp("checkov")
    tree = work / "tree"
    warnings = {}
    for spec in SPECS:
        result = compile_to(spec, tree / spec.stem)
        warnings[spec.stem] = {w.code for w in result.warnings}
    canary = work / f"{CANARY}.yaml"
    canary.write_text(CANARY_SPEC)
    warnings[CANARY] = {w.code for w in compile_to(canary, tree / CANARY).warnings}
    for spec_dir in tree.iterdir():  # only the Terraform: cli/ holds JSON checkov would read as CloudFormation
        for other in spec_dir.iterdir():
            if other.is_dir() and other.name != "terraform":
                shutil.rmtree(other)
            elif other.is_file():  # batchgen.manifest.json
                other.unlink()
    home = work / "home"
    env = tool_env(home, BC_SKIP_MAPPING="TRUE", CKV_CACHE_DIR=str(home / "ckv-cache"),
                   TMPDIR=str(home / "tmp"), PYTHONDONTWRITEBYTECODE="1")
    (home / "tmp").mkdir(parents=True)
    done = subprocess.run(
        [str(checkov), "-d", str(tree), "--framework", "terraform", "-o", "json", "--skip-download"],
        env=env, cwd=work, capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)
    # checkov exits 1 when a check fails (the canary's); 2+ is an error of its own.
    if done.returncode not in (0, 1):
        pytest.fail(f"checkov exited {done.returncode}:\n{done.stderr[-4000:]}", pytrace=False)
    report = json.loads(done.stdout)
    if isinstance(report, list):
        pytest.fail(f"checkov ran more than the terraform framework: {[r.get('check_type') for r in report]}")
    return Scan(tree, report, warnings)


def test_checkov_parsed_every_file(scan):
    assert scan.report["summary"]["parsing_errors"] == 0
    for spec in [*SPEC_IDS, CANARY]:
        assert scan.results("passed_checks", spec) or scan.results("failed_checks", spec), \
            f"checkov reported nothing for {spec}"


@pytest.mark.parametrize("spec", SPEC_IDS)
def test_example_has_no_failed_checks(scan, spec):
    unexplained = []
    for check in scan.results("failed_checks", spec):
        code = SPEC_DRIVEN.get(check["check_id"])
        if code is None or code not in scan.warnings[spec]:
            unexplained.append(f"{check['check_id']} {check['resource']} ({check['file_path']}:"
                               f"{check['file_line_range'][0]}): {check['check_name']}"
                               + (f" (batchgen gave no {code} warning)" if code else ""))
    assert not unexplained, "checkov failed checks:\n" + "\n".join(unexplained)


@pytest.mark.parametrize("spec", SPEC_IDS)
def test_batchgen_never_silences_checkov(scan, spec):
    skipped = [f"{c['check_id']} {c['resource']}" for c in scan.results("skipped_checks", spec)]
    assert skipped == [], f"checks skipped in the output: {skipped}"
    for path in sorted((scan.tree / spec / "terraform").rglob("*.tf")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            assert "checkov:skip" not in line, f"{path.name}:{number}: {line.strip()}"


def test_canary_fails_the_checks_it_asks_for_and_batchgen_warned(scan):
    failed = {(c["check_id"], c["resource"]) for c in scan.results("failed_checks", CANARY)}
    assert ("CKV_AWS_210", "aws_batch_job_definition.needs_the_host") in failed
    assert {check for check, _ in failed} <= set(SPEC_DRIVEN)
    assert {"CKV_AWS_210", "CKV_AWS_60", "CKV_AWS_274", "CKV_AWS_158", "CKV_AWS_338"} <= {check for check, _ in failed}
    # a log group with a retention passes CKV_AWS_66 (specifies retention days)
    assert ("CKV_AWS_66", "aws_cloudwatch_log_group.canary_debug") in {
        (c["check_id"], c["resource"]) for c in scan.results("passed_checks", CANARY)}
    for check, _ in failed:
        assert SPEC_DRIVEN[check] in scan.warnings[CANARY], check
