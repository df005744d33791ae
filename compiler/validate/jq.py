"""Rules for job queues, scheduling policies, names and tags (JQ-*, SP-*, NT-*)."""
from __future__ import annotations

RULES = ()
