import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


# --- downstream tools (tests/downstream): real Terraform, stand-in aws plugin ---
import pytest  # noqa: E402


def pytest_addoption(parser):
    parser.addoption("--update-expected", action="store_true",
                     help="rewrite tests/rules/cases/*/bad*.expected from the current output")


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "downstream: runs real Terraform against the stand-in hashicorp/aws plugin "
        "(tests/downstream); deselect with -m 'not downstream'",
    )


@pytest.fixture(scope="session")
def terraform():
    """Session-wide TerraformHarness (tests/downstream/terraform.py): fmt_check,
    validate and plan of a module directory with real Terraform core against
    the real hashicorp/aws 6.47.0 schema, offline."""
    from tests.downstream.terraform import TerraformHarness

    harness = TerraformHarness()
    try:
        yield harness
    finally:
        harness.close()
