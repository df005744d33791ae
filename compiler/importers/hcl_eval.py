"""Static evaluation of Terraform expressions, over python-hcl2's parse tree (with positions).

What can be known without running Terraform is worked out: literals, strings with
interpolation, heredocs, objects and tuples, `var.*` (defaults, -var, -var-file), `local.*`,
`each.*` and `count.index` where the instances are known, `path.module`, arithmetic,
comparisons, conditionals, `for` expressions over known collections, and the functions
FUNCTIONS lists (jsonencode, jsondecode, file, merge, concat, format, ...). A reference to a
resource of the module is a ResourceRef (the importer turns it into a name). Everything
else — a variable without a value, a data source, a function not listed, a splat — is an
Unresolved, which carries the expression's text and place, so the importer can say
exactly what it couldn't work out and where. Nothing is guessed.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable


@dataclass(frozen=True)
class Pos:
    file: str
    line: int
    column: int


@dataclass(frozen=True)
class Unresolved:
    text: str  # the expression, as written (or what part of it could not be known)
    why: str
    pos: Pos | None = None


@dataclass(frozen=True)
class ResourceRef:
    """`aws_batch_job_queue.q.arn` (key: the instance, for count/for_each)."""

    type: str
    name: str
    attr: str | None
    key: Any = None
    pos: Pos | None = None

    @property
    def address(self) -> str:
        key = "" if self.key is None else f"[{json.dumps(self.key)}]"
        return f"{self.type}.{self.name}{key}"


@dataclass(frozen=True)
class DataRef:
    type: str
    name: str
    attr: str | None
    pos: Pos | None = None


def unresolved_in(value: Any) -> list[Unresolved]:
    out: list[Unresolved] = []

    def walk(v: Any) -> None:
        if isinstance(v, Unresolved):
            out.append(v)
        elif isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)

    walk(value)
    return out


def is_known(value: Any) -> bool:
    if isinstance(value, (Unresolved, ResourceRef, DataRef)):
        return False
    if isinstance(value, dict):
        return all(is_known(v) for v in value.values())
    if isinstance(value, list):
        return all(is_known(v) for v in value)
    return True


@dataclass
class Scope:
    """What names mean while evaluating one expression."""

    variables: Callable[[str, Pos], Any]
    local: Callable[[str, Pos], Any]
    resource: Callable[[str, str, Pos], bool]  # is TYPE.NAME a resource of the module?
    data: Callable[[str, str, str | None, Pos], Any]
    module_dir: Path
    file: str
    each: tuple[Any, Any] | None = None  # (key, value) of a for_each instance
    count: int | None = None
    names: dict[str, Any] = field(default_factory=dict)  # for-expression variables


def _pos(node, scope: Scope) -> Pos:
    meta = getattr(node, "meta", None)
    line = getattr(meta, "line", None) if meta is not None and not getattr(meta, "empty", True) else None
    if line is None and hasattr(node, "line"):
        line, column = node.line, node.column
    else:
        column = getattr(meta, "column", 1) if meta is not None else 1
    return Pos(scope.file, line or 1, column or 1)


def source_text(node, text: str) -> str:
    """The expression as written (for messages and placeholders)."""
    meta = getattr(node, "meta", None)
    if meta is not None and not meta.empty and getattr(meta, "start_pos", None) is not None:
        return text[meta.start_pos:meta.end_pos]
    return str(node)


def _is_tree(node) -> bool:
    return hasattr(node, "data") and hasattr(node, "children")


def _trees(node) -> list:
    return [c for c in node.children if _is_tree(c) and c.data != "new_line_or_comment"]


class Evaluator:
    def __init__(self, text: str):
        self.text = text  # the file's text, for `source_text`

    def unresolved(self, node, scope: Scope, why: str) -> Unresolved:
        return Unresolved(" ".join(source_text(node, self.text).split()), why, _pos(node, scope))

    # -- dispatch ---------------------------------------------------------------------
    def eval(self, node, scope: Scope) -> Any:
        if not _is_tree(node):
            return self.token(node, scope)
        method = getattr(self, f"e_{node.data}", None)
        if method is None:
            return self.unresolved(node, scope, f"Terraform's {node.data.replace('_', ' ')} can't be evaluated statically")
        return method(node, scope)

    def token(self, tok, scope: Scope) -> Any:
        kind = getattr(tok, "type", "")
        if kind == "NAME":
            return self.name(str(tok), tok, scope)
        return str(tok)

    def e_expr_term(self, node, scope: Scope) -> Any:
        kids = _trees(node)
        if len(kids) == 1:
            return self.eval(kids[0], scope)
        toks = [c for c in node.children if not _is_tree(c)]
        if toks and len(kids) == 0:
            return self.eval(toks[0], scope)
        return self.eval(kids[0], scope) if kids else None

    def e_int_lit(self, node, scope: Scope) -> Any:
        return int(str(node.children[0]))

    def e_float_lit(self, node, scope: Scope) -> Any:
        value = float(str(node.children[0]))
        return int(value) if value.is_integer() and "e" not in str(node.children[0]).lower() \
            and "." not in str(node.children[0]) else value

    def e_literal_value(self, node, scope: Scope) -> Any:
        return {"true": True, "false": False, "null": None}[str(node.children[0])]

    def e_identifier(self, node, scope: Scope) -> Any:
        return self.name(str(node.children[0]), node, scope)

    def name(self, name: str, node, scope: Scope) -> Any:
        if name in scope.names:
            return scope.names[name]
        return self.unresolved(node, scope, f"`{name}` alone names nothing Terraform evaluates here")

    # -- strings ---------------------------------------------------------------------
    def e_string(self, node, scope: Scope) -> Any:
        parts: list = []
        for child in node.children:
            if _is_tree(child) and child.data == "string_part":
                parts.extend(child.children)
        return self.template(parts, node, scope)

    def template(self, parts: list, node, scope: Scope) -> Any:
        out: list[str] = []
        for part in parts:
            if _is_tree(part):
                if part.data != "interpolation":
                    return self.unresolved(node, scope, "template directives (%{if}, %{for}) are not evaluated")
                value = self.eval(_trees(part)[0], scope)
                if isinstance(value, (Unresolved, ResourceRef, DataRef)):
                    if len(parts) == 1:
                        return value  # "${aws_iam_role.x.arn}" is the reference itself
                    return self.unresolved(node, scope, _why(value))
                if isinstance(value, (dict, list)):
                    return self.unresolved(node, scope, "an object or list can't be interpolated into a string")
                out.append(_to_string(value))
            elif getattr(part, "type", "") in ("ESCAPED_INTERPOLATION", "ESCAPED_DIRECTIVE"):
                out.append(str(part)[1:])  # $${ and %%{ are the literal ${ and %{
            else:
                out.append(_unescape(str(part)))
        return "".join(out)

    def e_heredoc_template(self, node, scope: Scope) -> Any:
        return self.heredoc(str(node.children[0]), False, node, scope)

    def e_heredoc_template_trim(self, node, scope: Scope) -> Any:
        return self.heredoc(str(node.children[0]), True, node, scope)

    def heredoc(self, raw: str, trim: bool, node, scope: Scope) -> Any:
        m = re.match(r"<<-?([A-Za-z][A-Za-z0-9._-]*)\r?\n", raw)
        body = raw[m.end():] if m else raw
        body = re.sub(r"[ \t]*" + re.escape(m.group(1) if m else "") + r"\r?\n?$", "", body)
        lines = body.split("\n")
        if trim:
            indents = [len(line) - len(line.lstrip(" \t")) for line in lines if line.strip()]
            cut = min(indents) if indents else 0
            lines = [line[cut:] for line in lines]
        body = "\n".join(lines)
        return self.interpolate(body, node, scope)

    def interpolate(self, body: str, node, scope: Scope) -> Any:
        """`${...}` inside heredoc text: each expression is parsed and evaluated on its own."""
        if "${" not in body and "%{" not in body:
            return body.replace("$${", "${")
        if "%{" in body.replace("%%{", ""):
            return self.unresolved(node, scope, "template directives (%{if}, %{for}) are not evaluated")
        from hcl2.api import parses_to_tree

        out: list[str] = []
        i = 0
        while i < len(body):
            if body.startswith("$${", i):
                out.append("${")
                i += 3
                continue
            if body.startswith("${", i):
                depth, j = 1, i + 2
                while j < len(body) and depth:
                    depth += {"{": 1, "}": -1}.get(body[j], 0)
                    j += 1
                expr = body[i + 2:j - 1]
                try:
                    tree = parses_to_tree(f"x = {expr}\n")
                    attr = next(t for t in tree.iter_subtrees_topdown() if t.data == "attribute")
                    value = self.eval(_trees(attr)[-1], scope)
                except Exception:  # not an expression python-hcl2 reads
                    return self.unresolved(node, scope, f"the heredoc's ${{{expr}}} can't be read")
                if not is_known(value) or isinstance(value, (dict, list)):
                    return self.unresolved(node, scope, _why(value) if not is_known(value)
                                           else "an object or list can't be interpolated")
                out.append(_to_string(value))
                i = j
                continue
            out.append(body[i])
            i += 1
        return "".join(out)

    def e_template_string(self, node, scope: Scope) -> Any:
        return self.unresolved(node, scope, "template strings inside directives are not evaluated")

    # -- collections -------------------------------------------------------------------
    def e_tuple(self, node, scope: Scope) -> Any:
        return [self.eval(k, scope) for k in _trees(node)]

    def e_object(self, node, scope: Scope) -> Any:
        out: dict = {}
        for elem in _trees(node):
            key_node, value_node = _trees(elem)[0], _trees(elem)[-1]
            key = self.object_key(key_node, scope)
            if not isinstance(key, str):
                if isinstance(key, (int, float, bool)):
                    key = _to_string(key)
                else:
                    return self.unresolved(node, scope, "an object key can't be evaluated statically")
            out[key] = self.eval(value_node, scope)
        return out

    def object_key(self, node, scope: Scope) -> Any:
        inner = _trees(node)
        target = inner[0] if inner else node
        # a bare identifier as a key is the key itself (`{ image = ... }`)
        if _is_tree(target) and target.data == "expr_term":
            sub = _trees(target)
            if len(sub) == 1 and sub[0].data == "identifier":
                return str(sub[0].children[0])
            if len(sub) == 1 and sub[0].data == "keyword":
                return str(sub[0].children[0])
        if _is_tree(target) and target.data in ("identifier", "keyword"):
            return str(target.children[0])
        if not _is_tree(target):
            return str(target)
        return self.eval(target, scope)

    # -- operators ----------------------------------------------------------------------
    def e_conditional(self, node, scope: Scope) -> Any:
        cond, yes, no = _trees(node)
        c = self.eval(cond, scope)
        if isinstance(c, bool):
            return self.eval(yes if c else no, scope)
        return self.unresolved(node, scope, _why(c) if not is_known(c) else "the condition is not a boolean")

    def e_unary_op(self, node, scope: Scope) -> Any:
        op = str(node.children[0])
        value = self.eval(_trees(node)[0], scope)
        if not is_known(value):
            return self.unresolved(node, scope, _why(value))
        if op == "-" and isinstance(value, (int, float)) and not isinstance(value, bool):
            return -value
        if op == "!" and isinstance(value, bool):
            return not value
        return self.unresolved(node, scope, f"`{op}` does not apply to this value")

    def e_binary_op(self, node, scope: Scope) -> Any:
        left_node, term = _trees(node)[0], _trees(node)[1]
        op = str(_trees(term)[0].children[0])
        left = self.eval(left_node, scope)
        right = self.eval(_trees(term)[1], scope)
        if not (is_known(left) and is_known(right)):
            return self.unresolved(node, scope, _why(left if not is_known(left) else right))
        try:
            return _BINARY[op](left, right)
        except (TypeError, ZeroDivisionError, KeyError):
            return self.unresolved(node, scope, f"`{op}` does not apply to these values")

    # -- references -------------------------------------------------------------------------
    def e_get_attr_expr_term(self, node, scope: Scope) -> Any:
        return self.traversal(node, scope)

    def e_index_expr_term(self, node, scope: Scope) -> Any:
        return self.traversal(node, scope)

    def e_attr_splat_expr_term(self, node, scope: Scope) -> Any:
        return self.unresolved(node, scope, "splat expressions (.*, [*]) are not evaluated")

    e_full_splat_expr_term = e_attr_splat_expr_term

    def traversal(self, node, scope: Scope) -> Any:
        steps: list = []
        cur = node
        while _is_tree(cur) and cur.data in ("get_attr_expr_term", "index_expr_term"):
            head, step = _trees(cur)[0], _trees(cur)[1]
            if step.data == "get_attr":
                steps.append(("attr", str(_trees(step)[0].children[0]) if _trees(step) else str(step.children[-1])))
            elif step.data == "braces_index":
                steps.append(("index", self.eval(_trees(step)[0], scope)))
            elif step.data == "short_index":
                steps.append(("index", int(str(step.children[-1]))))
            else:
                return self.unresolved(node, scope, "this index can't be evaluated statically")
            cur = head
            if _is_tree(cur) and cur.data == "expr_term" and len(_trees(cur)) == 1:
                cur = _trees(cur)[0]
        steps.reverse()
        pos = _pos(node, scope)
        if _is_tree(cur) and cur.data == "identifier":
            root = str(cur.children[0])
        else:
            base = self.eval(cur, scope)
            return self.apply_steps(base, steps, node, scope)
        attrs = [s[1] for s in steps if s[0] == "attr"]
        if root in scope.names:
            return self.apply_steps(scope.names[root], steps, node, scope)
        if root == "var" and steps and steps[0][0] == "attr":
            return self.apply_steps(scope.variables(steps[0][1], pos), steps[1:], node, scope)
        if root == "local" and steps and steps[0][0] == "attr":
            return self.apply_steps(scope.local(steps[0][1], pos), steps[1:], node, scope)
        if root == "each" and attrs[:1] in (["key"], ["value"]):
            if scope.each is None:
                return self.unresolved(node, scope, "each.* outside a for_each")
            base = scope.each[0] if attrs[0] == "key" else scope.each[1]
            return self.apply_steps(base, steps[1:], node, scope)
        if root == "count" and attrs[:1] == ["index"]:
            if scope.count is None:
                return self.unresolved(node, scope, "count.index outside a count")
            return scope.count
        if root == "path" and attrs[:1] in (["module"], ["root"], ["cwd"]):
            return "."  # Terraform runs in the module's directory; file() reads relative to it
        if root == "data" and len(steps) >= 2 and steps[0][0] == "attr" and steps[1][0] == "attr":
            attr = steps[2][1] if len(steps) > 2 and steps[2][0] == "attr" else None
            value = scope.data(steps[0][1], steps[1][1], attr, pos)
            if isinstance(value, Unresolved):
                return Unresolved(" ".join(source_text(node, self.text).split()), value.why, pos)
            return self.apply_steps(value, steps[3:], node, scope)
        if steps and steps[0][0] == "attr" and scope.resource(root, steps[0][1], pos):
            rest = steps[1:]
            key = None
            if rest and rest[0][0] == "index":
                key = rest[0][1]
                if not is_known(key):
                    return self.unresolved(node, scope, _why(key))
                rest = rest[1:]
            attr = rest[0][1] if rest and rest[0][0] == "attr" else None
            return ResourceRef(root, steps[0][1], attr, key, pos)
        if root in ("module",):
            return self.unresolved(node, scope, "a module's outputs are known only when Terraform runs it")
        return self.unresolved(node, scope, f"`{root}` is not a variable, local, resource or data source of this module")

    def apply_steps(self, base: Any, steps: list, node, scope: Scope) -> Any:
        for kind, key in steps:
            if isinstance(base, Unresolved):
                return base
            if not is_known(base):
                return self.unresolved(node, scope, _why(base))
            if isinstance(base, dict) and isinstance(key, str) and key in base:
                base = base[key]
            elif isinstance(base, list) and isinstance(key, int) and 0 <= key < len(base):
                base = base[key]
            else:
                return self.unresolved(node, scope, f"{key!r} is not in this value")
        return base

    # -- functions -----------------------------------------------------------------------------
    def e_function_call(self, node, scope: Scope) -> Any:
        kids = _trees(node)
        name = str(kids[0].children[0])
        args_node = next((k for k in kids[1:] if k.data == "arguments"), None)
        args = [self.eval(a, scope) for a in _trees(args_node)] if args_node is not None else []
        if args_node is not None and any(str(c) == "..." for c in args_node.children if not _is_tree(c)):
            return self.unresolved(node, scope, "expanding arguments (...) is not evaluated")
        fn = FUNCTIONS.get(name)
        if fn is None:
            return self.unresolved(node, scope, f"the function {name}() is not one batchgen evaluates")
        if name == "jsonencode":
            return args[0] if args else None  # kept as the value: the argument takes JSON (emit writes it)
        if name == "file":
            return self.read_file(args, node, scope)
        if not all(is_known(a) for a in args):
            bad = next(a for a in args if not is_known(a))
            return self.unresolved(node, scope, _why(bad))
        try:
            return fn(*args)
        except Exception as exc:  # the function rejects these arguments, as Terraform would
            return self.unresolved(node, scope, f"{name}() fails on these arguments ({exc})")

    def read_file(self, args: list, node, scope: Scope) -> Any:
        if len(args) != 1 or not isinstance(args[0], str):
            return self.unresolved(node, scope, _why(args[0]) if args and not is_known(args[0]) else "file() takes a path")
        path = Path(args[0])
        if not path.is_absolute():
            path = scope.module_dir / path
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            return self.unresolved(node, scope, f"file() can't read {args[0]}: {getattr(exc, 'strerror', None) or exc}")

    # -- for expressions -----------------------------------------------------------------------
    def e_for_tuple_expr(self, node, scope: Scope) -> Any:
        return self.for_expr(node, scope, tuple_=True)

    def e_for_object_expr(self, node, scope: Scope) -> Any:
        return self.for_expr(node, scope, tuple_=False)

    def for_expr(self, node, scope: Scope, tuple_: bool) -> Any:
        kids = _trees(node)
        intro = kids[0]
        intro_kids = _trees(intro)
        names = [str(k.children[0]) for k in intro_kids if k.data == "identifier"]
        collection = self.eval(intro_kids[-1], scope)
        if not is_known(collection):
            return self.unresolved(node, scope, _why(collection))
        rest = kids[1:]
        cond = next((k for k in rest if k.data == "for_cond"), None)
        exprs = [k for k in rest if k.data != "for_cond"]
        # Terraform iterates a map (object) in the lexical order of its keys
        items = sorted(collection.items()) if isinstance(collection, dict) else list(enumerate(collection or []))
        out_list: list = []
        out_map: dict = {}
        for k, v in items:
            bound = dict(scope.names)
            if len(names) == 2:
                bound[names[0]], bound[names[1]] = k, v
            else:
                bound[names[0]] = v
            sub = Scope(scope.variables, scope.local, scope.resource, scope.data, scope.module_dir, scope.file,
                        scope.each, scope.count, bound)
            if cond is not None:
                keep = self.eval(_trees(cond)[0], sub)
                if not isinstance(keep, bool):
                    return self.unresolved(node, scope, "the for expression's condition is not known")
                if not keep:
                    continue
            if tuple_:
                out_list.append(self.eval(exprs[0], sub))
            else:
                key = self.eval(exprs[0], sub)
                if not isinstance(key, str):
                    return self.unresolved(node, scope, "a for expression's key is not a known string")
                out_map[key] = self.eval(exprs[1], sub)
        return out_list if tuple_ else out_map


def _why(value: Any) -> str:
    if isinstance(value, Unresolved):
        return value.why
    if isinstance(value, ResourceRef):
        return f"{value.address}.{value.attr} is known only after apply"
    if isinstance(value, DataRef):
        return f"data.{value.type}.{value.name} is read only when Terraform runs"
    refs = unresolved_in(value)
    return refs[0].why if refs else "it is known only when Terraform runs"


def _to_string(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _unescape(raw: str) -> str:
    from hcl2.utils import process_escape_sequences

    return process_escape_sequences(raw)


def _number(value: Any) -> float | int:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        if isinstance(value, str):
            return float(value) if "." in value or "e" in value.lower() else int(value)
        raise TypeError("not a number")
    return value


_BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "+": lambda a, b: _number(a) + _number(b),
    "-": lambda a, b: _number(a) - _number(b),
    "*": lambda a, b: _number(a) * _number(b),
    "/": lambda a, b: _number(a) / _number(b),
    "%": lambda a, b: _number(a) % _number(b),
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: _number(a) < _number(b),
    ">": lambda a, b: _number(a) > _number(b),
    "<=": lambda a, b: _number(a) <= _number(b),
    ">=": lambda a, b: _number(a) >= _number(b),
    "&&": lambda a, b: bool(a) and bool(b) if isinstance(a, bool) and isinstance(b, bool) else _fail(),
    "||": lambda a, b: bool(a) or bool(b) if isinstance(a, bool) and isinstance(b, bool) else _fail(),
}


def _fail():
    raise TypeError("not booleans")


def _format(fmt: str, *args: Any) -> str:
    values = iter(args)

    def one(m: re.Match) -> str:
        verb = m.group(2)
        if verb == "%":
            return "%"
        v = next(values)
        if verb == "d":
            return str(int(v))
        if verb == "q":
            return json.dumps(v)
        return _to_string(v) if verb in ("s", "v") else m.group(0)

    return re.sub(r"%([-+ #0-9.]*)([sdvq%])", one, fmt)


def _tomap(value: Any) -> dict:
    if not isinstance(value, dict):
        raise TypeError("not an object")
    return dict(value)


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "jsonencode": lambda v: v,  # handled in e_function_call
    "file": lambda p: p,  # handled in e_function_call
    "jsondecode": lambda s: json.loads(s),
    "merge": lambda *maps: {k: v for m in maps for k, v in (m or {}).items()},
    "concat": lambda *lists: [x for lst in lists for x in (lst or [])],
    "tolist": lambda v: list(v),
    "toset": lambda v: sorted(set(v), key=str),
    "tomap": _tomap,
    "tostring": lambda v: _to_string(v),
    "tonumber": lambda v: _number(v),
    "lower": lambda s: s.lower(),
    "upper": lambda s: s.upper(),
    "trimspace": lambda s: s.strip(),
    "join": lambda sep, lst: sep.join(_to_string(x) for x in lst),
    "split": lambda sep, s: s.split(sep),
    "replace": lambda s, old, new: s.replace(old, new),
    "format": _format,
    "length": lambda v: len(v),
    "lookup": lambda m, k, *default: m[k] if k in m else (default[0] if default else m[k]),
    "element": lambda lst, i: lst[int(i) % len(lst)],
    "coalesce": lambda *vs: next(v for v in vs if v not in (None, "")),
    "keys": lambda m: sorted(m),
    "values": lambda m: [m[k] for k in sorted(m)],
    "max": lambda *ns: max(_number(n) for n in ns),
    "min": lambda *ns: min(_number(n) for n in ns),
    "ceil": lambda n: math.ceil(_number(n)),
    "floor": lambda n: math.floor(_number(n)),
}
