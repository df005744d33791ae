"""The Jinja2 environment of the CLI emitter's shell scripts (templates/cli beside the package).

Jinja2 writes deploy.sh only: a shell script is text with a few values in it, each quoted
by a filter of the emitter (shlex, or for "..." and comments its own). Terraform files are
written by the typed HCL writer instead (emit/terraform/hcl.py), which can't produce a file
`terraform fmt` would change or a value that escapes its string.
"""
from __future__ import annotations

import functools

import jinja2

from ...resources import templates_dir


@functools.lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    return env


def render(template: str, **context) -> str:
    return environment().get_template(template).render(**context)
