"""Version constraints in the spec's `terraform:` settings, read as Terraform reads them."""
from __future__ import annotations

import pytest

from compiler.validate.rules.terraform_settings import admits_at_least

FLOOR = (6, 0, 0)


@pytest.mark.parametrize("constraint, admits", [
    (">= 6.0", True),
    (">= 5.0", True),          # 6.x and later are in it
    ("~> 6.47", True),         # >= 6.47, < 7.0
    ("~> 5.0", False),         # >= 5.0, < 6.0
    ("~> 5.99.1", False),      # >= 5.99.1, < 5.100.0
    ("< 6.0", False),
    ("<= 6.0.0", True),        # exactly 6.0.0
    ("= 6.47.0", True),
    ("6.47.0", True),          # no operator means =
    ("!= 6.0.0, < 6.0.1", False),
    (">= 5.0, < 7.0", True),
    (">= 7.0, < 6.0", False),  # nothing satisfies both
    ("> 6.0.0", True),
])
def test_a_constraint_admits_a_release_at_the_floor_or_later(constraint, admits):
    assert admits_at_least(constraint, FLOOR) is admits


@pytest.mark.parametrize("constraint", ["latest", ">= six", "=> 6.0", "~> 6.0,"])
def test_a_constraint_terraform_cannot_parse_is_not_judged(constraint):
    assert admits_at_least(constraint, FLOOR) is None
