"""Safe writes: OUT's manifest, what batchgen refuses to replace (and --force), symlinks that
are never followed, and output paths that can't leave OUT.

Each hostile case checks the exit code, the message (naming OUT and the offending files),
that nothing was written or changed, and that nothing was executed.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from compiler.output import MANIFEST, OutputError, differences, with_manifest, write_tree
from compiler.pipeline import compile_spec

from .helpers import run, write_spec
from .test_diagnostics import BASE, locate


def snapshot(root: Path) -> dict[str, object]:
    """Everything under `root`, symlinks as links (never followed): path -> bytes, "dir",
    or ("link", target)."""
    found: dict[str, object] = {}
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                found[rel] = ("link", os.readlink(path))
            elif path.is_dir():
                found[rel] = "dir"
            else:
                found[rel] = path.read_bytes()
    return found


def compiled(tmp_path: Path, spec_text: str = BASE) -> tuple[Path, Path]:
    spec = write_spec(tmp_path, spec_text)
    out = tmp_path / "out"
    result = run("compile", spec, "-o", out)
    assert result.code == 0, result.stderr
    return spec, out


@pytest.fixture
def canary(tmp_path, monkeypatch):
    """Fails the test if batchgen starts a process: compiling never executes anything."""
    import subprocess

    calls = []

    def refuse(*args, **kwargs):
        calls.append(args)
        raise AssertionError(f"batchgen tried to execute {args!r}")

    for name in ("Popen", "run", "call", "check_call", "check_output"):
        monkeypatch.setattr(subprocess, name, refuse)
    for name in ("system", "popen", "execv", "execve", "execvp", "spawnv", "posix_spawn"):
        if hasattr(os, name):
            monkeypatch.setattr(os, name, refuse)
    yield calls
    assert calls == []


# -- the manifest --------------------------------------------------------------------------

def test_manifest_lists_every_written_file_with_its_sha256(tmp_path):
    import hashlib

    _, out = compiled(tmp_path)
    manifest = json.loads((out / MANIFEST).read_text())
    assert manifest["format"] == "batchgen-manifest" and manifest["version"] == 1
    assert manifest["hash"] == "sha256"
    on_disk = {rel: data for rel, data in snapshot(out).items() if isinstance(data, bytes) and rel != MANIFEST}
    assert manifest["files"] == {rel: hashlib.sha256(data).hexdigest() for rel, data in on_disk.items()}
    assert list(manifest["files"]) == sorted(manifest["files"])


def test_manifest_is_deterministic_and_names_no_path_or_time(tmp_path):
    spec = write_spec(tmp_path, BASE)
    a = compile_spec(str(spec)).files
    b = compile_spec(str(tmp_path / "." / "spec.yaml")).files
    assert a[MANIFEST] == b[MANIFEST]
    text = a[MANIFEST]
    assert str(tmp_path) not in text and "batchgen-manifest" in text
    assert text.endswith("}\n") and json.loads(text)
    # A manifest already in `files` is made afresh, so adding it twice changes nothing.
    assert with_manifest(a) == a


def test_check_reports_a_stale_manifest(tmp_path):
    spec, out = compiled(tmp_path)
    manifest = json.loads((out / MANIFEST).read_text())
    manifest["files"]["terraform/versions.tf"] = "0" * 64
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    result = run("compile", spec, "-o", out, "--check")
    assert result.code == 1
    assert f"{MANIFEST}: error[BG-022]: out of date" in result.stderr
    (out / MANIFEST).unlink()
    result = run("compile", spec, "-o", out, "--check")
    assert result.code == 1 and f"{MANIFEST}: error[BG-022]: missing; run: batchgen compile {spec} -o {out}" \
        in result.stderr


# -- refusals ------------------------------------------------------------------------------

def test_mistyped_out_with_someones_files_is_refused_and_untouched(tmp_path, canary):
    spec = write_spec(tmp_path, BASE)
    home = tmp_path / "home"
    (home / "docs").mkdir(parents=True)
    for i in range(8):
        (home / f"notes{i}.txt").write_text(f"note {i}\n")
    (home / "docs" / "thesis.tex").write_bytes(b"\\documentclass{article}\n")
    (home / "run.sh").write_text("#!/bin/sh\ntouch executed\n")
    (home / "run.sh").chmod(0o755)
    before = snapshot(home)
    siblings = sorted(p.name for p in tmp_path.iterdir())

    result = run("compile", spec, "-o", home)

    assert result.code == 2
    assert result.stderr.startswith(f"batchgen: error[BG-021]: {home} holds files batchgen did not write: ")
    assert "docs/thesis.tex" in result.stderr and ", ... (5 more);" in result.stderr
    assert "never deletes files it did not write, not even with --force" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(home) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == siblings  # no temp dir left behind
    assert not (home / "executed").exists()


def test_force_never_deletes_a_foreign_directory(tmp_path, canary):
    spec = write_spec(tmp_path, BASE)
    home = tmp_path / "home"
    home.mkdir()
    (home / "notes.txt").write_text("mine\n")
    before = snapshot(home)
    result = run("compile", spec, "-o", home, "--force")
    assert result.code == 2
    assert f"batchgen: error[BG-021]: {home} holds files batchgen did not write: notes.txt;" in result.stderr
    assert snapshot(home) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "spec.yaml"]  # no temp dir left


# -- what a mistyped -o would destroy: refused always ------------------------------------

def project_checkout(tmp_path: Path) -> tuple[Path, Path]:
    """A user's project: a git repository holding their spec (the issue's `cd project` case)."""
    project = tmp_path / "project"
    (project / ".git" / "objects").mkdir(parents=True)
    (project / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    spec = write_spec(project, BASE, name="etl.yaml")
    return project, spec


@pytest.mark.parametrize("force", [[], ["--force"]], ids=["plain", "force"])
def test_out_that_is_the_current_directory_is_refused(tmp_path, monkeypatch, canary, force):
    project, _ = project_checkout(tmp_path)
    monkeypatch.chdir(project)
    before = snapshot(project)
    result = run("compile", "etl.yaml", "-o", ".", *force)
    assert result.code == 2
    assert result.stderr == ("batchgen: error[BG-021]: . is the current directory; batchgen replaces OUT as a whole: "
                             "choose a folder of its own, e.g. -o out\n")
    assert snapshot(project) == before


@pytest.mark.parametrize("out", ["..", "../..", "/"])
def test_out_that_is_a_parent_of_the_current_directory_is_refused(tmp_path, monkeypatch, canary, out):
    project, _ = project_checkout(tmp_path)
    work = project / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    before = snapshot(tmp_path)
    result = run("compile", "../etl.yaml", "-o", out, "--force")
    assert result.code == 2 and "is a parent of the current directory" in result.stderr
    assert snapshot(tmp_path) == before


def test_out_that_holds_a_git_repository_is_refused(tmp_path, canary):
    project, spec = project_checkout(tmp_path)
    elsewhere = tmp_path / "specs"
    elsewhere.mkdir()
    other_spec = write_spec(elsewhere, BASE)
    before = snapshot(project)
    for force in ([], ["--force"]):
        result = run("compile", other_spec, "-o", project, *force)
        assert result.code == 2
        assert result.stderr == (f"batchgen: error[BG-021]: {project} is or holds a git repository (.git); "
                                 "choose a folder of its own, e.g. -o out\n")
    assert run("compile", other_spec, "-o", project / ".git" / "out").code == 2
    assert snapshot(project) == before


def test_out_that_holds_a_git_worktree_file_is_refused(tmp_path):
    """A linked worktree or submodule has a `.git` file, not a folder."""
    spec = write_spec(tmp_path, BASE)
    out = tmp_path / "checkout"
    out.mkdir()
    (out / ".git").write_text("gitdir: ../main/.git/worktrees/checkout\n")
    result = run("compile", spec, "-o", out, "--force")
    assert result.code == 2 and "git repository" in result.stderr
    assert (out / ".git").read_text().startswith("gitdir:")


def test_out_that_holds_the_spec_is_refused(tmp_path, canary):
    project = tmp_path / "project"
    (project / "specs").mkdir(parents=True)
    spec = write_spec(project / "specs", BASE, name="etl.yaml")
    before = snapshot(project)
    for out in (project, project / "specs"):
        result = run("compile", spec, "-o", out, "--force")
        assert result.code == 2
        assert result.stderr == f"batchgen: error[BG-021]: {out} holds the spec {spec}; choose a folder of its own, e.g. -o out\n"
    assert snapshot(project) == before


def test_out_given_as_a_symlink_to_a_dangerous_place_is_refused(tmp_path, monkeypatch, canary):
    project, _ = project_checkout(tmp_path)
    monkeypatch.chdir(project)
    (tmp_path / "innocent").symlink_to(project, target_is_directory=True)
    before = snapshot(project)
    result = run("compile", "etl.yaml", "-o", tmp_path / "innocent", "--force")
    assert result.code == 2 and "is the current directory" in result.stderr
    assert snapshot(project) == before


def test_a_spec_outside_a_fresh_out_in_the_project_compiles(tmp_path, monkeypatch):
    """The refusals above don't get in the way of the everyday layout: -o out beside the spec."""
    project, _ = project_checkout(tmp_path)
    monkeypatch.chdir(project)
    assert run("compile", "etl.yaml", "-o", "out").code == 0
    assert run("compile", "etl.yaml", "-o", "out").code == 0
    assert (project / "out" / MANIFEST).is_file() and (project / "etl.yaml").is_file()


def test_empty_existing_directory_is_fine(tmp_path):
    spec = write_spec(tmp_path, BASE)
    out = tmp_path / "out"
    out.mkdir()
    assert run("compile", spec, "-o", out).code == 0
    assert (out / MANIFEST).is_file()


def test_a_user_file_inside_out_terraform_is_refused_and_named(tmp_path, canary):
    spec, out = compiled(tmp_path)
    (out / "terraform" / "backend.tf").write_text('terraform {\n  backend "s3" {}\n}\n')
    before = snapshot(out)
    result = run("compile", spec, "-o", out)
    assert result.code == 2
    assert f"batchgen: error[BG-021]: {out} holds files batchgen did not write: terraform/backend.tf;" in result.stderr
    assert snapshot(out) == before
    # --force doesn't delete it either.
    assert run("compile", spec, "-o", out, "--force").code == 2
    assert snapshot(out) == before


def test_a_hand_edited_generated_file_is_refused_and_named(tmp_path, canary):
    spec, out = compiled(tmp_path)
    (out / "terraform" / "job_queues.tf").write_text("# edited by hand\n")
    before = snapshot(out)
    result = run("compile", spec, "-o", out)
    assert result.code == 2
    assert (f"batchgen: error[BG-021]: {out} holds files edited since batchgen wrote them: terraform/job_queues.tf;"
            in result.stderr)
    assert snapshot(out) == before
    assert run("compile", spec, "-o", out, "--force").code == 0
    assert (out / "terraform" / "job_queues.tf").read_text() != "# edited by hand\n"


def test_foreign_and_edited_files_are_named_together(tmp_path):
    spec, out = compiled(tmp_path)
    (out / "cli" / "deploy.sh").write_text("#!/bin/sh\n")
    (out / "cli" / "batch" / "extra.json").write_text("{}")
    result = run("compile", spec, "-o", out)
    assert result.code == 2
    assert "did not write: cli/batch/extra.json; batchgen never deletes" in result.stderr
    assert result.stderr.endswith("; it also holds files edited since batchgen wrote them: cli/deploy.sh\n")
    assert run("compile", spec, "-o", out, "--force").code == 2
    assert (out / "cli" / "batch" / "extra.json").read_text() == "{}"


def test_a_deleted_generated_file_is_fine(tmp_path):
    spec, out = compiled(tmp_path)
    (out / "terraform" / "job_queues.tf").unlink()
    assert run("compile", spec, "-o", out).code == 0
    assert (out / "terraform" / "job_queues.tf").is_file()


def test_a_manifest_batchgen_did_not_write_is_refused(tmp_path):
    spec = write_spec(tmp_path, BASE)
    out = tmp_path / "out"
    out.mkdir()
    (out / MANIFEST).write_text('{"format": "something else"}\n')
    result = run("compile", spec, "-o", out)
    assert result.code == 2
    assert f"batchgen: error[BG-021]: {out / MANIFEST} is not a manifest batchgen wrote" in result.stderr
    assert run("compile", spec, "-o", out, "--force").code == 2
    assert (out / MANIFEST).read_text() == '{"format": "something else"}\n'


def test_out_that_is_a_regular_file_is_refused(tmp_path, canary):
    spec = write_spec(tmp_path, BASE)
    out = tmp_path / "notes.txt"
    out.write_text("precious\n")
    for extra in ([], ["--force"]):
        result = run("compile", spec, "-o", out, *extra)
        assert result.code == 2
        assert f"batchgen: error[BG-021]: {out} exists and is not a directory" in result.stderr
        assert out.read_text() == "precious\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt", "spec.yaml"]


# -- symlinks ------------------------------------------------------------------------------

def test_a_symlink_inside_out_is_refused_even_with_force(tmp_path, canary):
    spec, out = compiled(tmp_path)
    target = tmp_path / "data"
    (target / "deep").mkdir(parents=True)
    (target / "results.csv").write_text("a,b\n1,2\n")
    (target / "deep" / "model.bin").write_bytes(b"\x00\x01")
    target_before = snapshot(target)
    (out / "cli" / "data").symlink_to(target, target_is_directory=True)
    out_before = snapshot(out)

    result = run("compile", spec, "-o", out)
    assert result.code == 2
    assert f"batchgen: error[BG-021]: {out} holds files batchgen did not write: cli/data (symlink);" in result.stderr
    assert snapshot(out) == out_before and snapshot(target) == target_before

    # --check reports it, and reads nothing through it
    check = run("compile", spec, "-o", out, "--check")
    assert check.code == 1 and f"{out / 'cli' / 'data'}: error[BG-022]: not part of what the spec compiles to" in check.stderr

    result = run("compile", spec, "-o", out, "--force")
    assert result.code == 2
    assert snapshot(out) == out_before and snapshot(target) == target_before


def test_a_symlinked_generated_file_is_refused_not_read(tmp_path):
    """A link where a generated file was: refused as a link, its target neither read nor written."""
    spec, out = compiled(tmp_path)
    secret = tmp_path / "secret.txt"
    secret.write_text("do not touch\n")
    (out / "terraform" / "outputs.tf").unlink()
    (out / "terraform" / "outputs.tf").symlink_to(secret)
    result = run("compile", spec, "-o", out)
    assert result.code == 2 and "terraform/outputs.tf (symlink)" in result.stderr
    assert run("compile", spec, "-o", out, "--force").code == 2
    assert (out / "terraform" / "outputs.tf").is_symlink()
    assert secret.read_text() == "do not touch\n"


def test_terraform_directory_replaced_by_a_symlink_is_not_followed(tmp_path):
    spec, out = compiled(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "terraform.tfstate").write_text('{"serial": 7}')  # looks like a working file
    (elsewhere / "main.tf").write_text("# someone's\n")
    before = snapshot(elsewhere)
    import shutil

    shutil.rmtree(out / "terraform")
    (out / "terraform").symlink_to(elsewhere, target_is_directory=True)
    result = run("compile", spec, "-o", out)
    assert result.code == 2 and "terraform (symlink)" in result.stderr
    assert run("compile", spec, "-o", out, "--force").code == 2
    assert (out / "terraform").is_symlink()
    assert snapshot(elsewhere) == before


# -- Terraform's working files -------------------------------------------------------------

def test_terraform_working_files_survive_a_recompile(tmp_path):
    spec, out = compiled(tmp_path)
    tf = out / "terraform"
    (tf / ".terraform" / "providers").mkdir(parents=True)
    (tf / ".terraform" / "providers" / "plugin").write_bytes(b"\x7fELF")
    (tf / ".terraform" / "providers" / "cached").symlink_to(tmp_path)  # a plugin cache link
    (tf / ".terraform.lock.hcl").write_text("# lock\n")
    (tf / "terraform.tfstate").write_text('{"version": 4}')
    (tf / "terraform.tfstate.backup").write_text('{"version": 4}')
    working = {rel: v for rel, v in snapshot(out).items() if "terraform/.terraform" in rel or "tfstate" in rel}

    assert run("compile", spec, "-o", out).code == 0
    assert run("compile", spec, "-o", out, "--force").code == 0
    after = snapshot(out)
    assert {rel: after.get(rel) for rel in working} == working
    assert run("compile", spec, "-o", out, "--check").code == 0  # working files are not stale


# -- a failed compile ------------------------------------------------------------------------

def test_a_spec_with_errors_leaves_an_existing_out_byte_identical(tmp_path, canary):
    spec, out = compiled(tmp_path)
    (out / "terraform" / "terraform.tfstate").write_text("{}")
    before = snapshot(out)
    spec.write_text(BASE.replace("priority: 1", "priority: 9999"))
    for extra in ([], ["--force"]):
        result = run("compile", spec, "-o", out, *extra)
        assert result.code == 1
        assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "spec.yaml"]


@pytest.mark.parametrize("section, field, name", [
    ("jobQueues", "jobQueueName", "../../etc/x"),
    ("jobQueues", "jobQueueName", "a/b"),
    ("jobs", "jobName", "../escape"),
    ("jobDefinitions", "jobDefinitionName", "/abs"),
    ("computeEnvironments", "computeEnvironmentName", "..\\\\x"),
])
def test_spec_names_that_would_escape_out_get_a_located_diagnostic(tmp_path, canary, section, field, name):
    old = {"jobQueues": "queue-one", "jobs": "job-two", "jobDefinitions": "jd-one",
           "computeEnvironments": "ce-one"}[section]
    text = BASE.replace(f"{field}: {old}", f'{field}: "{name}"')
    assert text != BASE
    spec = write_spec(tmp_path, text)
    out = tmp_path / "out"
    result = run("compile", spec, "-o", out, "--format", "json")
    assert result.code == 1
    line, col = locate(text, f'{field}: «"{name}"»')
    located = [d for d in result.diagnostics()
               if d["severity"] == "error" and (d["line"], d["column"]) == (line, col)]
    assert located, result.stderr
    assert any(f"/{field}" in (d.get("pointer") or "") for d in located)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["spec.yaml"]


# -- the safety net: paths that would leave OUT ---------------------------------------------

@pytest.mark.parametrize("rel", [
    "../x", "/abs", "a/../../b", "a/./b", "a//b", "", "a\\..\\b", "a\0b", "C:/x", "terraform/..",
])
def test_write_tree_refuses_paths_that_leave_out(tmp_path, rel):
    work = tmp_path / "work"
    work.mkdir()
    out = work / "out"
    with pytest.raises(OutputError, match="refusing to write"):
        write_tree(out, {"terraform/versions.tf": "# ok\n", rel: "escaped\n"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["work"]
    assert list(work.iterdir()) == []
    assert not Path("/abs").exists()


def test_write_tree_refuses_before_touching_an_existing_out(tmp_path):
    spec, out = compiled(tmp_path)
    before = snapshot(tmp_path)
    with pytest.raises(OutputError):
        write_tree(out, {"../spec.yaml": "overwritten\n"}, force=True)
    assert snapshot(tmp_path) == before


def test_differences_never_reads_outside_out(tmp_path):
    spec, out = compiled(tmp_path)
    changed = differences(out, {"../spec.yaml": (tmp_path / "spec.yaml").read_text()})
    assert "../spec.yaml" in changed  # reported, never read or matched against a file outside OUT


def test_a_failed_rename_puts_out_back_as_it_was(tmp_path, monkeypatch):
    """The last step, renaming the new tree into place, fails: OUT and Terraform's working
    files are back where they were and no temporary directory is left."""
    import compiler.output as output

    spec, out = compiled(tmp_path)
    (out / "terraform" / ".terraform").mkdir()
    (out / "terraform" / ".terraform" / "modules.json").write_text("{}")
    (out / "terraform" / "terraform.tfstate").write_text('{"serial": 3}')
    before = snapshot(tmp_path)
    real_replace = os.replace

    def replace(src, dst):
        if Path(dst) == out and not str(src).endswith(".old"):
            raise PermissionError(13, "Permission denied")
        return real_replace(src, dst)

    monkeypatch.setattr(output.os, "replace", replace)
    spec.write_text(BASE.replace("priority: 1", "priority: 2"))
    before[spec.name] = spec.read_bytes()
    result = run("compile", spec, "-o", out)
    assert result.code == 2
    assert f"batchgen: error[BG-021]: cannot write {out}: Permission denied" in result.stderr
    assert snapshot(tmp_path) == before


def test_check_that_cannot_read_out_is_exit_2_not_a_traceback(tmp_path, monkeypatch):
    # As root every directory is readable, so the unreadable OUT is simulated at the scan.
    spec, out = compiled(tmp_path)

    def unreadable(root):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("compiler.output._scan", unreadable)
    result = run("compile", spec, "-o", out, "--check")
    assert result.code == 2
    assert result.stderr == f"batchgen: error[BG-021]: cannot read {out}: Permission denied\n"


# -- the user's own files in OUT/terraform -------------------------------------------------

USER_FILES = {
    "backend.local.tf": 'terraform {\n  backend "s3" {}\n}\n',
    "monitoring.local.tf.json": '{"output": {}}\n',
    "override.tf": "# adjust a generated resource\n",
    "job_queues_override.tf": "# another override\n",
    "prod.tfvars": 'x = "y"\n',
}


def test_the_users_own_terraform_files_are_kept_and_never_stale(tmp_path, canary):
    spec, out = compiled(tmp_path)
    tf = out / "terraform"
    for name, text in USER_FILES.items():
        (tf / name).write_text(text)
    assert run("compile", spec, "-o", out, "--check").code == 0  # not batchgen's: not checked
    changed = write_spec(tmp_path, BASE.replace("project: demo", "project: demo2"))
    for extra in ([], ["--force"]):
        assert run("compile", changed, "-o", out, *extra).code == 0
        assert {name: (tf / name).read_text() for name in USER_FILES} == USER_FILES
    manifest = json.loads((out / MANIFEST).read_text())
    assert not any(rel.startswith("terraform/") and rel[10:] in USER_FILES for rel in manifest["files"])


def test_only_the_documented_names_are_the_users(tmp_path):
    """A file of the user's kept anywhere else, or under another name, is refused as before."""
    spec, out = compiled(tmp_path)
    (out / "cli" / "notes.local.tf").write_text("# not in terraform/\n")
    (out / "terraform" / "backend.tf").write_text("# not a kept name\n")
    result = run("compile", spec, "-o", out)
    assert result.code == 2 and "cli/notes.local.tf" in result.stderr and "terraform/backend.tf" in result.stderr
    assert "named *.local.tf" in result.stderr


@pytest.mark.parametrize("name", ["main.local.tf", "override.tf", "x.tfvars"])
def test_batchgen_never_writes_a_name_kept_for_the_user(tmp_path, name):
    with pytest.raises(OutputError, match="kept for Terraform's or the user's own files"):
        write_tree(tmp_path / "out", {f"terraform/{name}": "x\n"})
    assert not (tmp_path / "out").exists()
