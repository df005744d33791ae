"""Each resource's tags with the top-level and Project tags merged in fit AWS's rules; not tags other tools add."""
from __future__ import annotations

import unicodedata
from typing import Iterator

from ...catalog import Constraint
from ...language import PROJECT_TAG, TAGGABLE_SECTIONS, default_tags
from ...problems import Pointer
from ..context import Context, rule
from ..shapes import describe_chars


ROOT_TAGS = Pointer(("tags",))


def _string_map(value: object) -> dict[str, str] | None:
    """A map of strings to strings (a tag map as the schema accepts it), else None."""
    if isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        return value
    return None


def _default_tags(ctx: Context) -> tuple[dict[str, str], Pointer | None]:
    """The tags batchgen puts on every resource (language.default_tags, as resolve writes them): the top-level
    `tags`, plus `Project: <project>` unless the top-level tags name a Project themselves.
    Returns them and the pointer of `project` when it added the Project tag."""
    tags = default_tags(_string_map(ctx.data.get("tags")), ctx.data.get("project"))
    added = PROJECT_TAG in tags and PROJECT_TAG not in (_string_map(ctx.data.get("tags")) or {})
    return tags, Pointer(("project",)) if added else None


def _resource_tag_maps(ctx: Context) -> Iterator[tuple[Pointer, dict[str, str]]]:
    """(pointer of the map, map) for the top-level tags and every valid entry's own tags."""
    top = _string_map(ctx.data.get("tags"))
    if top:
        yield ROOT_TAGS, top
    for section in TAGGABLE_SECTIONS:
        for ptr, entry in ctx.entries(section):
            own = _string_map(entry.get("tags"))
            if own:
                yield ptr / "tags", own


@rule("NT-007")
def tags_with_defaults_fit_the_limit(ctx: Context, c: Constraint):
    """A resource's own tags plus the top-level tags and the Project tag stay within 50."""
    limit = c.limits["max"]
    defaults, project_ptr = _default_tags(ctx)
    top = _string_map(ctx.data.get("tags")) or {}
    if len(defaults) > limit:
        # Only the Project tag can push a schema-valid top-level map past the limit.
        if len(top) <= limit and project_ptr is not None:
            yield c.at(project_ptr, variant="defaults", found=len(defaults), top=len(top))
        return
    for section in TAGGABLE_SECTIONS:
        for ptr, entry in ctx.entries(section):
            own = _string_map(entry.get("tags"))
            if not own:
                continue
            count, first_past = len(defaults), None
            for key in own:
                if key in defaults:
                    continue
                count += 1
                if count == limit + 1:
                    first_past = key
            if first_past is not None:
                inherited = len([k for k in defaults if k not in own])
                yield c.at(ptr / "tags" / first_past, at_key=True, variant="merged", where=ptr.dotted(),
                           found=count, own=len(own), inherited=inherited, excess=count - limit)


@rule("NT-009")
def tag_keys_differ_in_more_than_case(ctx: Context, c: Constraint):
    """Tag keys that differ only in letter case (after merging the top-level tags) become two tags."""
    defaults, project_ptr = _default_tags(ctx)
    top = _string_map(ctx.data.get("tags")) or {}

    def default_where(key: str) -> str:
        return "the Project tag from `project`" if key not in top else f"top-level tags.{key}"

    # Within the defaults themselves: the top-level map, and the Project tag added after it.
    seen: dict[str, str] = {}
    for key in top:
        other = seen.setdefault(key.casefold(), key)
        if other == key and project_ptr is not None and key.casefold() == "project":
            other = "Project"
        if other != key:
            yield c.at(ROOT_TAGS / key, at_key=True, variant="case", where=ROOT_TAGS.dotted(),
                       key=key, other=other, other_where=default_where(other))
    default_folded: dict[str, str] = {}
    for key in defaults:
        default_folded.setdefault(key.casefold(), key)
    for section in TAGGABLE_SECTIONS:
        for ptr, entry in ctx.entries(section):
            own = _string_map(entry.get("tags"))
            if not own:
                continue
            mine: dict[str, str] = {}
            for key in own:
                folded = key.casefold()
                other = mine.setdefault(folded, key)
                if other != key:
                    yield c.at(ptr / "tags" / key, at_key=True, variant="case", where=(ptr / "tags").dotted(),
                               key=key, other=other, other_where="the same map")
                    continue
                base = default_folded.get(folded)
                if base is not None and base != key and base not in own:
                    yield c.at(ptr / "tags" / key, at_key=True, variant="case", where=(ptr / "tags").dotted(),
                               key=key, other=base, other_where=default_where(base))


@rule("NT-010")
def tags_avoid_the_aws_prefix(ctx: Context, c: Constraint):
    """Tag keys (error) and values (warning) don't start with the reserved aws: prefix."""
    prefix = c.limits["prefix"]
    for map_ptr, tags in _resource_tag_maps(ctx):
        for key, value in tags.items():
            if key.casefold().startswith(prefix):
                yield c.at(map_ptr / key, at_key=True, where=map_ptr.dotted(), found=key,
                           found_prefix=key[:len(prefix)])
            if value.casefold().startswith(prefix):
                yield c.at(map_ptr / key, variant="values", where=(map_ptr / key).dotted(), found=value,
                           found_prefix=value[:len(prefix)])


def _unportable(text: str, allowed: str) -> list[str]:
    """Characters outside Unicode letters, numbers, separators (spaces) and `allowed`."""
    bad: list[str] = []
    for ch in text:
        if ch in allowed or unicodedata.category(ch)[0] in "LNZ":
            continue
        if ch not in bad:
            bad.append(ch)
    return bad


@rule("NT-011")
def tags_use_portable_characters(ctx: Context, c: Constraint):
    """Tag keys and values use the character set every AWS service accepts."""
    allowed = c.limits["allowed"].replace(" ", "")
    for map_ptr, tags in _resource_tag_maps(ctx):
        for key, value in tags.items():
            bad = _unportable(key, allowed)
            if bad:
                yield c.at(map_ptr / key, at_key=True, where=map_ptr.dotted(), part="key", found=key,
                           chars=describe_chars(bad))
            bad = _unportable(value, allowed)
            if bad:
                yield c.at(map_ptr / key, where=(map_ptr / key).dotted(), part="value", found=value,
                           chars=describe_chars(bad))
