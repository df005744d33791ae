"""The real-configuration corpus (tests/corpus, issue 14) through the real downstream tools.

Every corpus spec batchgen compiles (no errors: the valid configurations, and the mistakes
that are only warnings) is written out, and:

- its Terraform passes `terraform fmt -check` and `terraform validate` (Terraform 1.15.5
  against the real hashicorp/aws 6.47.0 schema, tests/downstream/terraform.py) without a
  diagnostic: what issue 14 changed in the output (canonical enum case, name:revision
  definitions outside the spec, log groups, the bodies of scheduled jobs) is Terraform that
  Terraform accepts;
- checkov fails no check on it that batchgen didn't warn about (test_checkov.SPEC_DRIVEN):
  "never looks away" on configurations batchgen wasn't written for.

A spec that compiles with errors is left out (the corpus test checks its diagnostics); the
number compiled is asserted, so the corpus can't quietly stop reaching the tools.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from compiler.pipeline import compile_spec

from .test_checkov import SPEC_DRIVEN
from .tools import tool_env, venv_bin

pytestmark = pytest.mark.downstream

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
SPECS = sorted(CORPUS.glob("*.yaml")) + sorted((CORPUS / "newuser").glob("*.yaml"))


def _id(spec: Path) -> str:
    return spec.relative_to(CORPUS).with_suffix("").as_posix().replace("/", "--")


@pytest.fixture(scope="module")
def compiled(tmp_path_factory) -> dict[str, tuple[Path, set[str]]]:
    """corpus spec id -> (its output directory, the codes of the warnings compiling it gave)."""
    tree = tmp_path_factory.mktemp("corpus")
    out = {}
    for spec in SPECS:
        result = compile_spec(str(spec))
        if result.errors or result.files is None:
            continue
        for rel, text in result.files.items():
            path = tree / _id(spec) / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        out[_id(spec)] = (tree / _id(spec), {w.code for w in result.warnings})
    return out


def test_most_of_the_corpus_compiles(compiled):
    # 29 real-style specs (6 with deliberate mistakes, several only warnings) and 13 new-user specs
    assert len(compiled) >= 25, sorted(compiled)
    assert "cdk-synth-fargate" in compiled and "cli-revision-references" in compiled


def test_terraform_validates_the_corpus_output(compiled, terraform):
    problems = []
    for spec, (out, _) in sorted(compiled.items()):
        module = out / "terraform"
        ok, diff = terraform.fmt_check(module)
        result = terraform.validate(module)
        if not ok:
            problems.append(f"{spec}: not in terraform fmt form:\n{diff}")
        if not result.valid or result.diagnostics:
            problems.append(f"{spec}: {result}")
    assert not problems, "\n".join(problems)


@pytest.fixture(scope="module")
def checkov_failures(compiled, tmp_path_factory) -> dict[str, list[dict]]:
    work = tmp_path_factory.mktemp("corpus-checkov")
    tree = work / "tree"
    for spec, (out, _) in compiled.items():
        shutil.copytree(out / "terraform", tree / spec / "terraform")
    home = work / "home"
    env = tool_env(home, BC_SKIP_MAPPING="TRUE", CKV_CACHE_DIR=str(home / "ckv-cache"), TMPDIR=str(home / "tmp"),
                   PYTHONDONTWRITEBYTECODE="1")
    (home / "tmp").mkdir(parents=True)
    done = subprocess.run([str(venv_bin("checkov", "checkov")), "-d", str(tree), "--framework", "terraform",
                           "-o", "json", "--skip-download"],
                          env=env, cwd=work, capture_output=True, text=True, timeout=900, stdin=subprocess.DEVNULL)
    if done.returncode not in (0, 1):
        pytest.fail(f"checkov exited {done.returncode}:\n{done.stderr[-4000:]}", pytrace=False)
    report = json.loads(done.stdout)
    assert report["summary"]["parsing_errors"] == 0
    out: dict[str, list[dict]] = {spec: [] for spec in compiled}
    for check in report["results"]["failed_checks"]:
        out[check["file_path"].split("/")[1]].append(check)
    return out


def test_checkov_fails_nothing_batchgen_did_not_warn_about(compiled, checkov_failures):
    unexplained = []
    for spec, failures in sorted(checkov_failures.items()):
        for check in failures:
            code = SPEC_DRIVEN.get(check["check_id"])
            if code is None or code not in compiled[spec][1]:
                unexplained.append(f"{spec}: {check['check_id']} {check['resource']}: {check['check_name']}"
                                   + (f" (no {code} warning)" if code else ""))
    assert not unexplained, "\n".join(unexplained)
