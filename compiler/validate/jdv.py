"""Rules for job definitions: parameters, volumes and logging, ecsProperties, eksProperties (JDP-, JDV-, JDE-, JDK-)."""
from __future__ import annotations

RULES = ()
