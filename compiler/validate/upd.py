"""Rules a single spec can check for the sake of its next change (day two): names that
leave room for the replacement key, and launch template versions that a later change can
see. The rules of two specs are the diff's (compiler/diff_rules.py).

Knows no YAML positions and no wording (compiler/data/catalog/upd.yaml and ce.yaml).
"""
from __future__ import annotations

from ..catalog import load_catalog
from ..replacement import NAME_SUFFIX_LENGTH
from .context import Context, finding, rule


@rule("BG-201")
def name_leaves_room_for_the_replacement_key(ctx: Context):
    """A compute environment's AWS name is its name plus 9 characters (compiler/replacement.py)."""
    limit = load_catalog()["BG-201"].limits["max"] - NAME_SUFFIX_LENGTH
    for ptr, ce in ctx.entries("computeEnvironments"):
        name = ce.get("computeEnvironmentName")
        if isinstance(name, str) and len(name) > limit:
            yield finding(ptr / "computeEnvironmentName", where=(ptr / "computeEnvironmentName").dotted(),
                          found=len(name), limit=limit)


_FLOATING = ("$Default", "$Latest")


@rule("CE-046")
def launch_template_version_is_pinned(ctx: Context):
    """A launch template named without a version number: the environment keeps whatever
    $Default or $Latest was when it was created, and no later change of the template shows."""
    for ptr, ce in ctx.entries("computeEnvironments"):
        cr = ce.get("computeResources")
        lt = cr.get("launchTemplate") if isinstance(cr, dict) else None
        if not isinstance(lt, dict) or not (lt.get("launchTemplateName") or lt.get("launchTemplateId")):
            continue  # naming no template is CE-039's error
        version = lt.get("version", "$Default")
        if version in _FLOATING:
            where = ptr / "computeResources" / "launchTemplate"
            yield finding(where / "version" if "version" in lt else where, variant="version",
                          name=ce.get("computeEnvironmentName"),
                          template=lt.get("launchTemplateName") or lt.get("launchTemplateId"),
                          version=version if "version" in lt else "$Default (the default)")


RULES = (name_leaves_room_for_the_replacement_key, launch_template_version_is_pinned)
