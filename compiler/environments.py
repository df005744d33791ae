"""Environments: one spec, several deployments (SPEC.md `environments`).

A front-end stage between load and validate. The spec's top-level `environments` maps a
name (`dev`, `prod`) to an overlay written in the spec's own shape; `overlay(doc, name)`
returns the spec of that environment as a Document of its own, with positions:

- Top-level values (`account`, `region`, `project`, `tags`, `quotas`) and the fields of
  entries are merged the way RFC 7386 (JSON Merge Patch) merges: a mapping merges into the
  mapping it overlays, key by key; anything else (a string, a number, a list) replaces what
  was there whole; `null` removes the key.
- Lists of named entries (`computeEnvironments`, `jobs`, `iam.roles`, `estimates`, ... every
  section of language.ALL_SECTIONS) are matched by their name field instead: each overlay
  item names the entry it changes and is merged into it. An overlay changes entries; it
  can't add one, so an item naming no entry of the spec is BG-121.
- Every value the overlay wrote is located in the overlay, every other value in the base:
  the environment's SourceMap redirects the merged pointers the overlay set to the place the
  overlay wrote them, so a diagnostic about an overlaid value points into the overlay.

The merged spec shares the base's unchanged values (nothing downstream changes spec data;
resolve copies what it keeps). Knows no rules and no output format.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .language import ALL_SECTIONS, NOUNS
from .load import Document, SourceMap
from .problems import Finding, Pointer, ROOT

KEY = "environments"

# The named lists an overlay matches by name: path from the top -> (section, name field).
NAMED_LISTS: dict[tuple[str, ...], tuple[str, str]] = {
    tuple(section.split(".")): (section, name_field) for section, name_field in ALL_SECTIONS.items()
}

# An environment's name names an output folder (`make out`: out/<spec>/<env>/) and appears in
# every diagnostic; the alphabet and length of `project` (tools/gen_schema.py).
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,31}")


def names(data: Any) -> list[str]:
    """The spec's environment names in the order written; [] when it has none (no
    `environments`, an empty one, or one that isn't a mapping: the schema reports that)."""
    envs = data.get(KEY) if isinstance(data, dict) else None
    return [n for n in envs if isinstance(n, str)] if isinstance(envs, dict) else []


def name_findings(data: Any) -> list[Finding]:
    """BG-120 for each environment name that can't name an output folder."""
    return [Finding(Pointer((KEY, n)), {"env": n}, code="BG-120", at_key=True, variant="name")
            for n in names(data) if not NAME.fullmatch(n)]


class OverlaySourceMap(SourceMap):
    """The base document's positions, with the pointers an overlay set redirected to where the
    overlay wrote them (the longest redirected prefix wins)."""

    def __init__(self, base: SourceMap, redirects: dict[Pointer, Pointer]):
        super().__init__(base.values, base.keys, base.aliases, base.written)
        self.redirects = redirects

    def origin(self, pointer: Pointer) -> Pointer:
        """Where the value at `pointer` of the merged spec is written in the file."""
        for i in range(len(pointer), 0, -1):
            target = self.redirects.get(pointer[:i])
            if target is not None:
                return Pointer((*target, *pointer[i:]))
        return pointer

    def value_span(self, pointer: Pointer):
        return super().value_span(self.origin(pointer))

    def key_span(self, pointer: Pointer):
        return super().key_span(self.origin(pointer))

    def text(self, pointer: Pointer):
        return super().text(self.origin(pointer))


@dataclass
class Environment:
    name: str
    document: Document  # the merged spec (no `environments` key), positions into the file
    findings: list[Finding]  # BG-121: overlay items naming no entry (pointers into the base file)


def overlay(doc: Document, name: str) -> Environment:
    """The spec of environment `name` (one of names(doc.data))."""
    base = {k: v for k, v in doc.data.items() if k != KEY}
    patch = doc.data[KEY][name]
    redirects: dict[Pointer, Pointer] = {}
    findings: list[Finding] = []
    merger = _Merger(name, redirects, findings)
    merged = merger.mapping(base, patch, ROOT, Pointer((KEY, name))) if isinstance(patch, dict) else base
    source = OverlaySourceMap(doc.source, redirects)
    env_doc = Document(merged, source, [], end=doc.end)
    return Environment(name, env_doc, findings)


class _Merger:
    def __init__(self, env: str, redirects: dict[Pointer, Pointer], findings: list[Finding]):
        self.env = env
        self.redirects = redirects
        self.findings = findings

    def mapping(self, base: dict, patch: dict, at: Pointer, written: Pointer) -> dict:
        """`base` with `patch` merged in; `at` is where the result sits in the merged spec,
        `written` where `patch` is in the file."""
        out = dict(base)
        for key, value in patch.items():
            path = (*at, key)
            if value is None:
                out.pop(key, None)
                continue
            named = NAMED_LISTS.get(path)
            if named is not None and isinstance(value, list):
                merged = self.named_list(out.get(key), value, Pointer(path), written / key, *named)
                if merged is not None:
                    out[key] = merged
            elif isinstance(value, dict) and isinstance(out.get(key), dict):
                out[key] = self.mapping(out[key], value, Pointer(path), written / key)
            else:
                out[key] = value
                self.redirects[Pointer(path)] = written / key
        return out

    def named_list(self, base: Any, items: list, at: Pointer, written: Pointer, section: str,
                   name_field: str) -> list | None:
        """The entries of `base` with each overlay item merged into the entry it names (None
        when the spec has no such list: every item names an entry that doesn't exist)."""
        entries = list(base) if isinstance(base, list) else []
        index = {}
        for i, entry in enumerate(entries):
            if isinstance(entry, dict) and isinstance(entry.get(name_field), str):
                index.setdefault(entry[name_field], i)
        for j, item in enumerate(items):
            if not isinstance(item, dict) or not isinstance(item.get(name_field), str):
                continue  # the schema of `environments` reports it
            i = index.get(item[name_field])
            if i is None:
                from .validate.schema import did_you_mean

                self.findings.append(Finding(written / j / name_field, {
                    "env": self.env, "noun": NOUNS[section], "name": item[name_field], "section": section,
                    "suggestion": did_you_mean(item[name_field], index)}, code="BG-121"))
                continue
            entries[i] = self.mapping(entries[i], item, at / i, written / j)
        return entries if isinstance(base, list) else None


def _main(argv: list[str]) -> int:
    """`python -m compiler.environments SPEC`: the spec's environment names, one a line (for
    the Makefile's `out` target; nothing for a spec without environments)."""
    import sys

    from .load import decode, limits, load_text

    try:
        with open(argv[0], "rb") as fh:
            text, finding = decode(fh.read(limits().max_bytes + 1), limits().max_bytes)
    except OSError as exc:
        print(f"{argv[0]}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    if finding:
        print(f"{argv[0]}: not a spec batchgen can read (run batchgen validate {argv[0]})", file=sys.stderr)
        return 2
    for name in names(load_text(text).data):
        print(name)
    return 0


if __name__ == "__main__":
    import sys

    raise SystemExit(_main(sys.argv[1:]))
