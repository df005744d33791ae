"""Rules for job definitions: general, container, resources, Fargate, multi-node, retry, timeout (JD-, JDC-, JDR-, JDF-, JDM-, JDY-, JDT-)."""
from __future__ import annotations

RULES = ()
