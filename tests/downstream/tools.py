"""Where the downstream tools that live in virtual environments of their own are.

The AWS CLI (v1, PyPI ``awscli``) and checkov pin botocore/boto3 versions and
an ``hcl2`` module of their own that clash with the test environment, so
``make test`` installs each into ``.venvs/<name>`` inside the clone (see the
Makefile) and the tests run them as subprocesses only. A missing one is a
failure that says how to set it up, never a skip.

Each tool also gets a private home for its caches (``tool_env``): nothing is
written to the user's home directory.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VENVS = ROOT / ".venvs"


def venv_bin(venv: str, executable: str) -> Path:
    """``.venvs/<venv>/bin/<executable>``, or fail the test saying how to get it."""
    path = VENVS / venv / "bin" / executable
    if not (path.is_file() and os.access(path, os.X_OK)):
        pytest.fail(
            f"{path.relative_to(ROOT)} is missing: `make test` (or `make venvs`) "
            f"creates the {venv} virtual environment the downstream tests run it from",
            pytrace=False,
        )
    return path


def tool_env(home: Path, **extra: str) -> dict[str, str]:
    """The test process's environment with HOME and the XDG directories moved
    into ``home`` (a temporary directory), plus ``extra``."""
    home.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.update(
        HOME=str(home),
        XDG_CACHE_HOME=str(home / "cache"),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
    )
    env.update(extra)
    return env
