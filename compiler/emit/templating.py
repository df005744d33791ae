"""The Jinja2 environment both emitters share (templates/ beside the package)."""
from __future__ import annotations

import functools

import jinja2

from ..resources import templates_dir
from . import hcl


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
    env.filters["hcl_string"] = hcl.string
    env.filters["hcl_block"] = lambda block: "\n".join(hcl.render_block(block))
    env.filters["hcl_attr"] = lambda value, key, depth=0: "\n".join(hcl.render_body([hcl.Attr(key, value)], depth))
    return env


def render(template: str, **context) -> str:
    return environment().get_template(template).render(**context)
