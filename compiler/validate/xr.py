"""Cross-resource rules (XR-*) other than reference integrity and unique names (refs.py)."""
from __future__ import annotations

RULES = ()
