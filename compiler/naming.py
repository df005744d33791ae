"""Names batchgen derives: Terraform labels from entry names, and generated role names.
Deterministic and pure; knows no YAML and no templates.
"""
from __future__ import annotations

import re

_CAMEL_1 = re.compile(r"([A-Z]+)([A-Z][a-z])")
_CAMEL_2 = re.compile(r"([a-z0-9])([A-Z])")
_NON_WORD = re.compile(r"[^A-Za-z0-9]+")


def tf_label(name: str) -> str:
    """'render-spot' -> 'render_spot', 'RenderingJobDefinition' -> 'rendering_job_definition'.

    Labels must start with a letter or underscore; a leading digit gets a '_' in front.
    """
    s = _CAMEL_1.sub(r"\1_\2", name)
    s = _CAMEL_2.sub(r"\1_\2", s)
    s = _NON_WORD.sub("_", s).strip("_").lower()
    s = re.sub(r"_+", "_", s) or "_"
    return "_" + s if s[0].isdigit() else s


def generated_role_name(project: str | None, purpose: str) -> str:
    """The name of a role batchgen generates, e.g. 'render-farm-batch-instance'."""
    return f"{project or 'batchgen'}-{purpose}"
