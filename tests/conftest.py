import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


# --- hypothesis: the same examples on every run, nothing written to the checkout ---
# CI runs the property tests (tests/test_injection.py, tests/test_fuzz.py) derandomized,
# so a failure reproduces; HYPOTHESIS_PROFILE=explore searches fresh examples, 10x as many.
from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile("ci", derandomize=True, database=None, deadline=None,
                          print_blob=True, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("explore", parent=settings.get_profile("ci"), derandomize=False,
                          max_examples=1000)
settings.load_profile(__import__("os").environ.get("HYPOTHESIS_PROFILE", "ci"))


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
