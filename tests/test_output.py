"""The writer: all or nothing, Terraform's working files survive, foreign folders are refused.

tests/test_safe_writes.py has the manifest, the refusals, --force, symlinks and unsafe paths.
"""
from __future__ import annotations

from .helpers import run, tree, write_spec
from .test_diagnostics import BASE


GONE_JOB = """\
  - jobName: gone
    jobQueue: queue-one
    jobDefinition: jd-one
"""


def test_recompile_keeps_terraform_working_files_and_drops_stale_output(tmp_path):
    spec = write_spec(tmp_path, BASE + GONE_JOB)
    out = tmp_path / "out"
    assert run("compile", spec, "-o", out).code == 0
    assert (out / "cli" / "batch" / "submit-job" / "gone.json").is_file()
    (out / "terraform" / ".terraform.lock.hcl").write_text("# lock\n")
    (out / "terraform" / ".terraform").mkdir()
    (out / "terraform" / "terraform.tfstate").write_text("{}")

    spec = write_spec(tmp_path, BASE)  # the job is no longer in the spec
    assert run("compile", spec, "-o", out).code == 0

    files = tree(out)
    assert "terraform/.terraform.lock.hcl" in files and "terraform/terraform.tfstate" in files
    assert (out / "terraform" / ".terraform").is_dir()
    assert "cli/batch/submit-job/gone.json" not in files
    assert "gone.json" not in files["batchgen.manifest.json"].decode()
    assert run("compile", spec, "-o", out, "--check").code == 0  # working files don't count as stale


def test_check_reports_a_changed_file(tmp_path):
    spec = write_spec(tmp_path, BASE)
    out = tmp_path / "out"
    run("compile", spec, "-o", out)
    (out / "terraform" / "job_queues.tf").write_text("# edited by hand\n")
    result = run("compile", spec, "-o", out, "--check")
    assert result.code == 1
    assert "job_queues.tf: error[BG-022]: out of date" in result.stderr
    assert (out / "terraform" / "job_queues.tf").read_text() == "# edited by hand\n"


def test_foreign_output_directory_is_refused(tmp_path):
    spec = write_spec(tmp_path, BASE)
    out = tmp_path / "project"
    out.mkdir()
    (out / "main.py").write_text("print('mine')\n")
    result = run("compile", spec, "-o", out)
    assert result.code == 2
    assert "did not write" in result.stderr
    assert tree(out) == {"main.py": b"print('mine')\n"}


def test_deploy_script_is_executable(tmp_path):
    spec = write_spec(tmp_path, BASE)
    run("compile", spec, "-o", tmp_path / "out")
    assert (tmp_path / "out" / "cli" / "deploy.sh").stat().st_mode & 0o111


def test_invisible_characters_are_escaped_where_reviewers_read_them(tmp_path):
    """A bidi override or zero-width space from the spec reaches the API unchanged but shows
    in the review as an escape, in the HCL and in the CLI JSON alike ("Trojan source")."""
    import json

    tricky = "ok\u202eevil\u200b\u2028end\u00e9"
    text = BASE.replace("command: [echo, hi]", "command: [echo, " + json.dumps(tricky) + "]")
    spec = write_spec(tmp_path, text)
    out = tmp_path / "out"
    assert run("compile", spec, "-o", out).code == 0
    body_text = (out / "cli/batch/register-job-definition/jd-one.json").read_text(encoding="utf-8")
    hcl_text = (out / "terraform/job_definitions.tf").read_text(encoding="utf-8")
    for shown in (body_text, hcl_text):
        assert not any(c in shown for c in "\u202e\u200b\u2028"), "an invisible character reached the output raw"
        assert "\\u202e" in shown and "é" in shown
    assert json.loads(body_text)["containerProperties"]["command"] == ["echo", tricky]


def test_jobs_whose_names_differ_only_in_punctuation_keep_their_own_job_ids(tmp_path):
    """submit.sh has one bash function per job template, named after the job; 'job-one' and
    'job_one' must not share one, or a dependency would point at the wrong job."""
    import re

    text = BASE.replace(
        "  - jobName: job-two",
        "  - jobName: job_one\n    jobQueue: queue-one\n    jobDefinition: jd-one\n  - jobName: job-two",
    ).replace("      - {jobId: job-one}", "      - {jobId: job-one}\n      - {jobId: job_one}")
    out = tmp_path / "out"
    assert run("compile", write_spec(tmp_path, text), "-o", out).code == 0
    script = (out / "cli/submit.sh").read_text(encoding="utf-8")
    functions = re.findall(r'^(submit_\w+)\(\) \{\n(?:.*\n)*?\s+submit "([\w-]+)" batch/submit-job/([\w-]+)\.json$',
                           script, re.M)
    assert sorted(job for _, job, _ in functions) == ["job-one", "job-two", "job_one"]
    assert all(job == body for _, job, body in functions)  # each submits its own body, under its own name
    assert len({f for f, _, _ in functions}) == 3
    # the ID a job gets fills its own placeholder: submit() substitutes @@JOB_ID:<the job's name>@@
    assert 'SUBSTITUTIONS+=(-e "s/@@JOB_ID:${job}@@/${id}/g")' in script
    body = (out / "cli/batch/submit-job/job-two.json").read_text(encoding="utf-8")
    assert "@@JOB_ID:job-one@@" in body and "@@JOB_ID:job_one@@" in body