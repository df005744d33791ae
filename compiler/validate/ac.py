"""Account-level counts (AC-*), with the quotas: block for raised quotas."""
from __future__ import annotations

RULES = ()
