"""Rules for compute environments (CE-*)."""
from __future__ import annotations

RULES = ()
