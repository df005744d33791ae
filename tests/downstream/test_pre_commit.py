"""The hooks of .pre-commit-hooks.yaml, run by pre-commit itself on a temporary repository.

`pre-commit try-repo` installs batchgen from this checkout into a hook environment of its
own (as `repo: <url>` in a team's .pre-commit-config.yaml would) and runs each hook on the
files it selects: a valid, freshly compiled spec passes both hooks; a broken spec fails
validation with the located diagnostic; an edited spec whose out/ wasn't recompiled fails
the compile check, naming the stale files.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from compiler.cli import main as batchgen

from ..helpers import ROOT
from ..test_diagnostics import BASE

pytestmark = pytest.mark.downstream


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


@pytest.fixture(scope="module")
def env(tmp_path_factory) -> dict[str, str]:
    home = tmp_path_factory.mktemp("pre-commit-home")
    return {**os.environ, "HOME": str(home), "PRE_COMMIT_HOME": str(home / "cache"),
            "XDG_CACHE_HOME": str(home / "xdg"), "PIP_NO_CACHE_DIR": "1",
            "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
            "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}


@pytest.fixture
def project(tmp_path) -> Path:
    """A team's repository: specs/etl.yaml and its compiled out/etl/, committed."""
    repo = tmp_path / "project"
    (repo / "specs").mkdir(parents=True)
    (repo / "specs" / "etl.yaml").write_text(BASE.lstrip("\n"))
    (repo / "README.md").write_text("not a spec\n")
    assert batchgen(["compile", str(repo / "specs" / "etl.yaml"), "-o", str(repo / "out" / "etl")]) == 0
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "init")
    return repo


def try_repo(repo: Path, hook: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), hook, "--all-files",
                           "--color", "never"], cwd=repo, env=env, capture_output=True, text=True, timeout=600)


def test_the_hook_definitions_name_the_command_and_select_specs():
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert set(hooks) == {"batchgen-validate", "batchgen-compile-check"}
    assert all(h["language"] == "python" and h["files"] == "^specs/" for h in hooks.values())


def test_both_hooks_pass_on_a_valid_fresh_spec(project, env):
    for hook in ("batchgen-validate", "batchgen-compile-check"):
        proc = try_repo(project, hook, env)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "Passed" in proc.stdout


def test_validate_fails_on_a_broken_spec_with_the_located_diagnostic(project, env):
    spec = project / "specs" / "etl.yaml"
    spec.write_text(spec.read_text().replace("priority: 1", "priority: -5"))
    _git(project, "add", "-A")
    proc = try_repo(project, "batchgen-validate", env)
    assert proc.returncode == 1 and "Failed" in proc.stdout
    assert "specs/etl.yaml:" in proc.stdout and "priority" in proc.stdout


def test_compile_check_fails_when_out_is_stale(project, env):
    spec = project / "specs" / "etl.yaml"
    spec.write_text(spec.read_text().replace("project: demo", "project: demo2"))
    _git(project, "add", "-A")
    proc = try_repo(project, "batchgen-compile-check", env)
    assert proc.returncode == 1 and "Failed" in proc.stdout
    assert "error[BG-022]" in proc.stdout and "out/etl/" in proc.stdout
