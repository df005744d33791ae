"""Check the spec's shape against schemas/batchgen.schema.json; turn each schema error into a Finding.

Knows JSON Schema and the schema's `x-constraint` / `x-quota` annotations; no YAML, no HCL.
A schema node may carry `"x-constraint": {"<keyword>": "<catalog ID>"}`: a failure of that
keyword is reported under the catalog ID with the catalog's wording; any other failure
gets a batchgen code (BG-003 unknown key, BG-004 type, BG-005 required, BG-006 enum,
BG-009 version, BG-010 other limits). `"x-quota": "<name>"` marks a `maxItems` that an
account's `quotas:` entry of that name may raise.
"""
from __future__ import annotations

import copy
import difflib
import functools
import json
from typing import Any, Callable, Iterator, Mapping

import jsonschema

from ..catalog import load_catalog
from ..patterns import ecma
from ..problems import ROOT, Finding, Pointer
from ..resources import schema_text

_JSON_TYPE_NAMES = {
    "object": "a mapping", "array": "a list", "string": "a string", "integer": "an integer",
    "number": "a number", "boolean": "true or false", "null": "null",
}


_YAML11_BOOLEANS = frozenset(("y", "yes", "n", "no", "on", "off"))


def _type_of(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null"


def _is_integer(checker, instance: Any) -> bool:
    # JSON Schema counts 1000.0 as an integer; an AWS API field typed Integer does not,
    # and the value would reach the output as "1000.0".
    return isinstance(instance, int) and not isinstance(instance, bool)


def _pattern(validator, pattern: str, instance: Any, schema: dict):
    # ECMA-262's `$`, as JSON Schema means it: "queue\n" does not match ^[a-z]+$
    if validator.is_type(instance, "string") and not ecma(pattern).search(instance):
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


_Validator = jsonschema.validators.extend(
    jsonschema.Draft202012Validator,
    validators={"pattern": _pattern},
    type_checker=jsonschema.Draft202012Validator.TYPE_CHECKER.redefine("integer", _is_integer),
)


@functools.lru_cache(maxsize=1)
def load_schema() -> dict:
    return json.loads(schema_text())


@functools.lru_cache(maxsize=8)
def _validator(quota_items: tuple[tuple[str, int], ...]) -> jsonschema.protocols.Validator:
    schema = load_schema()
    if quota_items:
        schema = copy.deepcopy(schema)
        quotas = dict(quota_items)
        for node in schema_nodes(schema):
            name = node.get("x-quota")
            if name in quotas and "maxItems" in node:
                node["maxItems"] = quotas[name]
    return _Validator(_inline_refs(schema))


_ANNOTATIONS = frozenset(("description", "title", "examples", "$comment"))


def _inline_refs(schema: dict) -> dict:
    """The schema with every `$ref` to `#/$defs/X` replaced by X itself (the schema has no
    recursive definitions). The same errors, found 40% faster: jsonschema no longer looks
    each reference up while it walks thousands of entries."""
    defs = schema.get("$defs", {})
    done: dict[str, dict] = {}

    def inline(node: Any) -> Any:
        if isinstance(node, list):
            return [inline(x) for x in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if not isinstance(ref, str) or not ref.startswith("#/$defs/"):
            return {k: inline(v) for k, v in node.items()}
        name = ref[len("#/$defs/"):]
        if name not in done:
            done[name] = inline(defs[name])
        target = done[name]
        rest = {k: inline(v) for k, v in node.items() if k != "$ref"}
        if set(rest) & set(target) - _ANNOTATIONS:  # both constrain the same keyword: keep both
            return {**rest, "allOf": [target]}
        return {**target, **rest}

    return {k: (v if k == "$defs" else inline(v)) for k, v in schema.items()}


def schema_nodes(node: Any) -> Iterator[dict]:
    """Every mapping in a JSON Schema document, outermost first (a node may be changed when
    it is yielded; its children are read after)."""
    if isinstance(node, dict):
        yield node
        for v in node.values():
            yield from schema_nodes(v)
    elif isinstance(node, list):
        for v in node:
            yield from schema_nodes(v)


def closest(word: str, choices) -> str | None:
    """The choice closest to `word`, case-insensitively; None if none is close."""
    lowered = {c.lower(): c for c in choices}
    if word.lower() in lowered:
        return lowered[word.lower()]
    close = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
    return lowered[close[0]] if close else None


def did_you_mean(word: str, choices) -> str:
    """' (did you mean 'x'?)' for the closest choice, case-insensitively; '' if none is close."""
    match = closest(word, choices)
    return f" (did you mean '{match}'?)" if match is not None else ""


def _entry_of(path: Pointer) -> Pointer | None:
    """The section entry an error sits in: the path up to its first list index
    (('jobQueues', 2), ('iam', 'roles', 0)), if any. Sections are the spec's only lists
    above entry level."""
    for i, part in enumerate(path):
        if isinstance(part, int):
            return Pointer(path[: i + 1])
    return None


def check(data: Any, quotas: Mapping[str, int] | None = None,
          written: Callable[[Pointer], str | None] | None = None) -> tuple[list[Finding], set[Pointer]]:
    """All schema findings, and the set of entries (('jobs', 3), ...) that failed the schema.

    After BG-014's `max_problems` the check stops (a list of a million wrong values would
    otherwise take minutes and gigabytes to report); `broken` then holds the root: no
    entry can be trusted to have the schema's shape."""
    validator = _validator(tuple(sorted((quotas or {}).items())))
    cap = load_catalog()["BG-014"].limits["max_problems"]
    findings: list[Finding] = []
    broken: set[Pointer] = set()
    for error in validator.iter_errors(data):
        for f in _findings(error, quotas or {}, written or _not_written):
            if len(findings) == cap:
                findings.append(Finding(f.pointer, {"detail": f"more than {cap:,} problems; batchgen stopped "
                                                              "checking here: fix these and run it again"},
                                        code="BG-014", at_key=f.at_key))
                broken.add(ROOT)
                return findings, broken
            findings.append(f)
            entry = _entry_of(f.pointer)
            if entry is not None:
                broken.add(entry)
    return _misspelt_required(findings), broken


def _misspelt_required(findings: list[Finding]) -> list[Finding]:
    """A required key missing beside an unknown key that is its misspelling (`schedule:` for
    `scheduleExpression`) is one mistake: the unknown key's finding only, suggesting the missing
    key (issue 14: one diagnostic per mistake)."""
    missing = {(f.pointer, f.values["key"]): f for f in findings if f.values.get("required")}
    if not missing:
        return findings
    dropped: set[int] = set()
    out = []
    for f in findings:
        if f.code == "BG-003" and f.at_key:
            parent, key = f.pointer.parent, f.pointer[-1]
            keys = [k for p, k in missing if p == parent and id(missing[(p, k)]) not in dropped]
            meant = closest(str(key), keys)
            if meant is not None:
                dropped.add(id(missing[(parent, meant)]))
                f = Finding(f.pointer, {**f.values, "suggestion": f" (did you mean '{meant}'?)"}, f.code, f.at_key,
                            f.span, f.variant)
        out.append(f)
    return [f for f in out if id(f) not in dropped]


def _constraint_id(error: jsonschema.ValidationError) -> str | None:
    tags = error.schema.get("x-constraint") if isinstance(error.schema, dict) else None
    if isinstance(tags, dict):
        return tags.get(error.validator)
    return None


def _not_written(pointer: Pointer) -> None:
    return None


def _findings(error: jsonschema.ValidationError, quotas: Mapping[str, int],
              written: Callable[[Pointer], str | None]) -> Iterator[Finding]:
    path = Pointer(error.absolute_path)
    where = path.dotted() or "the spec"
    kw, value, instance, schema = error.validator, error.validator_value, error.instance, error.schema
    cid = _constraint_id(error)

    if kw in ("anyOf", "oneOf") and error.context:
        best = jsonschema.exceptions.best_match(error.context)
        yield from _findings(best, quotas, written)
        return

    if kw == "additionalProperties" and isinstance(instance, dict):
        known = set(schema.get("properties", {}))
        patterns = schema.get("patternProperties", {})
        for key in instance:
            if key in known or any(_re_search(p, key) for p in patterns):
                continue
            yield Finding(path / key, {"key": key, "where": where, "suggestion": did_you_mean(key, known)},
                          code="BG-003", at_key=True)
        return

    if kw == "required":
        for key in value:
            if isinstance(instance, dict) and key not in instance:
                yield Finding(path, {"key": key, "where": where, "required": True}, code=cid or "BG-005", at_key=True)
        return

    if kw == "type":
        expected = value if isinstance(value, list) else [value]
        found = _type_of(instance)
        hint = ""
        if "string" in expected and found in ("integer", "number", "boolean", "null"):
            text = written(path)
            if text is not None or found != "null":
                hint = f"; quote it: \"{text if text is not None else _yaml_scalar(instance)}\""
        elif "integer" in expected and found == "number" and float(instance).is_integer():
            hint = f"; write {int(instance)}"
        elif "boolean" in expected and isinstance(instance, str) and instance.lower() in _YAML11_BOOLEANS:
            hint = (f"; batchgen reads YAML 1.2, where '{instance}' is text and only true and false are "
                    f"booleans: write {'true' if instance.lower() in ('y', 'yes', 'on') else 'false'}")
        elif "array" in expected and found != "array":
            hint = "; write it as a list, e.g. [" + (json.dumps(instance) if found != "object" else "...") + "]"
        yield Finding(path, {"where": where, "expected": " or ".join(_JSON_TYPE_NAMES[t] for t in expected),
                             "found": _JSON_TYPE_NAMES.get(found, found), "hint": hint}, code="BG-004")
        return

    if kw == "enum":
        allowed = ", ".join(str(v) for v in value)
        suggestion = did_you_mean(str(instance), [str(v) for v in value]) if isinstance(instance, str) else ""
        values = {"where": where, "found": instance, "allowed": allowed, "suggestion": suggestion,
                  "detail": f"'{instance}' is not one of {allowed}{suggestion}"}
        if "propertyNames" in error.relative_schema_path:  # a key outside the allowed names: at the key
            yield Finding(path / instance, values, code=cid or "BG-006", at_key=True)
        else:
            yield Finding(path, values, code=cid or "BG-006")
        return

    if kw == "const" and path == Pointer(("batchgen",)):
        yield Finding(path, {"found": instance}, code="BG-009")
        return

    if kw == "propertyNames":
        # `instance` is the offending key; report it at the key.
        key = instance
        sub = list(error.context) or [error]
        inner = sub[0]
        inner_cid = _constraint_id(inner) or cid
        detail = f"key '{key}' {_describe(inner.validator, inner.validator_value, key)}"
        parent = Pointer(path)
        yield Finding(parent / key, {"where": where, "found": key, "detail": detail, **_limit_values(inner)},
                      code=inner_cid or "BG-010", at_key=True)
        return

    if kw == "maxItems" and isinstance(instance, list):
        limit = value
        yield Finding(path / limit, {"where": where, "found": len(instance), "max": limit,
                                     "detail": f"has {len(instance)} entries; at most {limit} allowed"},
                      code=cid or "BG-010")
        return

    if kw == "maxProperties" and isinstance(instance, dict):
        key = list(instance)[value]
        yield Finding(path / key, {"where": where, "found": len(instance), "max": value,
                                   "detail": f"has {len(instance)} entries; at most {value} allowed"},
                      code=cid or "BG-010", at_key=True)
        return

    values = {"where": where, "found": _found(kw, instance), "detail": _describe(kw, value, instance)}
    values.update(_limit_values(error))
    yield Finding(path, values, code=cid or "BG-010")


def _limit_values(error: jsonschema.ValidationError) -> dict[str, Any]:
    names = {"minimum": "min", "maximum": "max", "minLength": "min", "maxLength": "max",
             "minItems": "min", "maxItems": "max", "minProperties": "min", "maxProperties": "max",
             "exclusiveMinimum": "min", "exclusiveMaximum": "max", "pattern": "pattern"}
    name = names.get(error.validator)
    return {name: error.validator_value} if name else {}


def _found(kw: str, instance: Any) -> Any:
    if kw in ("minItems", "maxItems", "minProperties", "maxProperties"):
        return len(instance)
    if kw in ("minLength", "maxLength"):
        return len(instance)
    return instance


def _describe(kw: str, value: Any, instance: Any) -> str:
    if kw == "minimum":
        return f"is {instance}; the minimum is {value}"
    if kw == "maximum":
        return f"is {instance}; the maximum is {value}"
    if kw == "exclusiveMinimum":
        return f"is {instance}; it must be greater than {value}"
    if kw == "exclusiveMaximum":
        return f"is {instance}; it must be less than {value}"
    if kw == "minLength":
        return f"is {len(instance)} characters long; the minimum is {value}"
    if kw == "maxLength":
        return f"is {len(instance)} characters long; the maximum is {value}"
    if kw == "pattern" and value == "\\S":
        return "is blank; write why (it is required)"
    if kw == "pattern":
        return f"'{instance}' does not match {value}"
    if kw == "minItems":
        return f"has {len(instance)} entries; at least {value} needed"
    if kw == "minProperties":
        return f"has {len(instance)} entries; at least {value} needed"
    if kw == "maxProperties":
        return f"has {len(instance)} entries; at most {value} allowed"
    if kw == "const":
        return f"must be {value!r}"
    if kw == "uniqueItems":
        return "has repeated entries"
    return f"fails the schema keyword {kw}"


def _re_search(pattern: str, text: str) -> bool:
    import re
    return re.search(pattern, text) is not None


def _yaml_scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
