"""Rules for submit-job templates (SJ-, SJA-, SJD-, SJO-, SJP-)."""
from __future__ import annotations

RULES = ()
