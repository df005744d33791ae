"""Compute environments batchgen deployed, recognized by their names: batchgen names each one
`<spec name>-<replacement key>` (compiler/replacement.py, docs/day-two.md). An imported
environment whose name ends in the key batchgen would give that entry gets its spec name
back, so compiling the imported spec names it as it runs (nothing to replace), and
`adopt.computeEnvironments` keeps the name it runs under (compile --adopt imports it by that).

Works on the assembled spec (entries.py): the key is the one of the resolved entry, as a
compile resolves it (generated roles, references by name), so a spec that doesn't resolve
keeps the names as they are.
"""
from __future__ import annotations

import re
from typing import Any

from ..language import section_items
from ..replacement import KEY_DIGITS

_KEYED = re.compile(rf"^(?P<name>.+)-(?P<key>[0-9a-f]{{{KEY_DIGITS}}})$")


def restore_spec_names(spec: dict[str, Any], origins: dict[tuple[str, str], str]) -> None:
    """Rename, in place, each compute environment named with its own replacement key to its
    spec name, and every reference to it (queues, `adopt`, the origins of the comments)."""
    ces = [ce for ce in section_items(spec, "computeEnvironments") or [] if isinstance(ce, dict)]
    names = {ce.get("computeEnvironmentName") for ce in ces}
    keyed = {}
    for ce in ces:
        m = _KEYED.match(str(ce.get("computeEnvironmentName")))
        if m and m["name"] not in names:
            keyed[ce["computeEnvironmentName"]] = (m["name"], m["key"])
    if not keyed:
        return
    keys = _keys(spec)
    renames = {running: name for running, (name, key) in keyed.items() if keys.get(running) == key}
    if not renames:
        return
    for ce in ces:
        running = ce["computeEnvironmentName"]
        if running in renames:
            ce["computeEnvironmentName"] = renames[running]
            if ("computeEnvironments", running) in origins:
                origins[("computeEnvironments", renames[running])] = origins.pop(("computeEnvironments", running))
    for q in section_items(spec, "jobQueues") or []:
        for entry in q.get("computeEnvironmentOrder") or [] if isinstance(q, dict) else []:
            if isinstance(entry, dict) and entry.get("computeEnvironment") in renames:
                entry["computeEnvironment"] = renames[entry["computeEnvironment"]]
    adopt = spec.get("adopt")
    running_names = adopt.get("computeEnvironments") if isinstance(adopt, dict) else None
    if isinstance(running_names, dict):
        adopt["computeEnvironments"] = dict(sorted(
            (renames.get(spec_name, spec_name), running) for spec_name, running in running_names.items()))


def _keys(spec: dict[str, Any]) -> dict[str, str]:
    """Name -> the replacement key batchgen gives each compute environment of `spec` (none
    when the spec doesn't resolve: an import may leave placeholders)."""
    from ..replacement import replacement_key
    from ..resolve import resolve

    try:
        model = resolve(spec)
    except Exception:  # an imported spec that isn't valid yet: keep the names as read
        return {}
    return {ce.name: replacement_key(ce, model) for ce in model.compute_environments}
