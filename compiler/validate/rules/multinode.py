"""Multi-node job definitions: node counts, ranges covering every node, one instance type; not placement (capacity)."""
from __future__ import annotations

import re

from ...catalog import Constraint
from ...job_shapes import array_size, is_array, is_multinode, node_ranges, requirements, task_containers
from ...language import walk_path
from ...problems import Pointer
from ..context import Context, rule
from ..shapes import words
from ..targets import targets


def _num_nodes(jd: dict) -> int | None:
    nodes = jd.get("nodeProperties")
    num = nodes.get("numNodes") if isinstance(nodes, dict) else None
    return num if isinstance(num, int) and not isinstance(num, bool) else None


@rule("JDM-002", "JDM-003")
def node_counts(ctx: Context, main_node: Constraint, num_nodes: Constraint):
    """numNodes is at least 1 (a warning above 1000) and mainNode is one of the nodes."""
    lim2, lim3 = main_node.limits, num_nodes.limits
    for ptr, jd in ctx.entries("jobDefinitions"):
        num = _num_nodes(jd)
        if num is None:
            continue
        nptr = ptr / "nodeProperties"
        if num < lim3["min"]:
            yield num_nodes.at(nptr / "numNodes", where=(nptr / "numNodes").dotted(), found=num)
            continue
        if num > lim3["max"]:
            yield num_nodes.at(nptr / "numNodes", variant="above_default",
                               where=(nptr / "numNodes").dotted(), found=num)
        main = jd["nodeProperties"].get("mainNode")
        if isinstance(main, int) and not isinstance(main, bool) and not lim2["min"] <= main < num:
            yield main_node.at(nptr / "mainNode", where=(nptr / "mainNode").dotted(), found=main,
                               last=num - 1)


_TARGET = re.compile(r"(?:([0-9]*):([0-9]*)|([0-9]+))")


def _parse_target(text: str, num: int) -> tuple[int | None, int | None, int, int] | None:
    """targetNodes -> (explicit start, explicit end, start, end); None if it isn't the JDM-005 syntax."""
    m = _TARGET.fullmatch(text)
    if m is None:
        return None
    if m.group(3) is not None:
        n = int(m.group(3))
        return n, n, n, n
    a, b = m.group(1), m.group(2)
    start, end = (int(a) if a else None), (int(b) if b else None)
    return start, end, start if start is not None else 0, end if end is not None else num - 1


def _provides(r: dict) -> set[str]:
    """What a node range gives its nodes: image, vCPUs, memory."""
    if "eksProperties" in r:
        return {"image", "vCPUs", "memory"}
    out: set[str] = set()
    containers = [r["container"]] if isinstance(r.get("container"), dict) else []
    for c in [*containers, *task_containers(r.get("ecsProperties"))]:
        req = requirements(c)
        if isinstance(c.get("image"), str) and c["image"]:
            out.add("image")
        if "vcpus" in c or "VCPU" in req:
            out.add("vCPUs")
        if "memory" in c or "MEMORY" in req:
            out.add("memory")
    return out


def _nodes_text(segments: list[tuple[int, int]]) -> tuple[str, bool]:
    """'4–7, 9' and whether that is more than one node."""
    parts = [f"{a}" if a == b else f"{a}–{b}" for a, b in segments]
    many = len(segments) > 1 or segments[0][0] != segments[0][1]
    return ", ".join(parts), many


@rule("JDM-005", "JDM-006", "JDM-007", reads=("JDM-003",))
def node_ranges_cover_the_nodes(ctx: Context, target_nodes: Constraint, coverage: Constraint, provided: Constraint,
                                num_nodes: Constraint):
    """Node ranges name existing nodes, cover every node, and give each node an image, vCPUs and memory."""
    needs = ("image", "vCPUs", "memory")
    for ptr, jd in ctx.entries("jobDefinitions"):
        num = _num_nodes(jd)
        if num is None or num < num_nodes.limits["min"]:
            continue
        spans: list[tuple[int, int, Pointer, dict]] = []
        broken = False
        for rptr, r in node_ranges(ptr, jd):
            text = r.get("targetNodes")
            parsed = _parse_target(text, num) if isinstance(text, str) else None
            if parsed is None:  # the schema reports the syntax (JDM-005)
                broken = True
                continue
            a, b, start, end = parsed
            tptr = rptr / "targetNodes"
            past = [n for n in (a, b) if n is not None and n >= num]
            if past:
                yield target_nodes.at(tptr, variant="index", where=tptr.dotted(), found=text,
                                      index=past[0], last=num - 1, num_nodes=num)
                broken = True
            elif start > end:
                yield target_nodes.at(tptr, variant="order", where=tptr.dotted(), found=text,
                                      suggestion=f"{end}:{start}")
                broken = True
            else:
                spans.append((start, end, rptr, r))
        if broken or not spans:
            continue

        covered = sorted((s, e) for s, e, _, _ in spans)
        gaps, nxt = [], 0
        for s, e in covered:
            if s > nxt:
                gaps.append((nxt, s - 1))
            nxt = max(nxt, e + 1)
        if nxt <= num - 1:
            gaps.append((nxt, num - 1))
        if gaps:
            nodes, many = _nodes_text(gaps)
            g = gaps[0]
            lptr = ptr / "nodeProperties" / "nodeRangeProperties"
            yield coverage.at(lptr, where=lptr.dotted(), s="s" if many else "", nodes=nodes,
                              last=num - 1, suggestion=f"{g[0]}:{g[1]}" if g[0] != g[1] else f"{g[0]}")

        cuts = sorted({0, num, *(s for s, _, _, _ in spans), *(e + 1 for _, e, _, _ in spans)})
        missing_by_range: dict[tuple[Pointer, tuple[str, ...]], list[tuple[int, int]]] = {}
        ranges_by_ptr = {}
        for lo, hi in zip(cuts, cuts[1:]):
            if lo >= num:
                break
            covering = [(e - s, rptr, r) for s, e, rptr, r in spans if s <= lo and e >= hi - 1]
            if not covering:
                continue
            given = set().union(*(_provides(r) for _, _, r in covering))
            missing = tuple(n for n in needs if n not in given)
            if missing:
                _, rptr, r = min(covering, key=lambda t: (t[0], t[1]))
                ranges_by_ptr[rptr] = r
                missing_by_range.setdefault((rptr, missing), []).append((lo, hi - 1))
        for (rptr, missing), segments in missing_by_range.items():
            nodes, many = _nodes_text(segments)
            r = ranges_by_ptr[rptr]
            at = rptr / "container" if "container" in r else rptr
            yield provided.at(at, at_key="container" in r, where=rptr.dotted(),
                              s="s" if many else "", them="them" if many else "it", nodes=nodes,
                              missing=words(list(missing)),
                              add=" and ".join(missing))


@rule("JDM-008")
def one_instance_type_for_all_nodes(ctx: Context, one_type: Constraint):
    """All node ranges of a multi-node job definition use one instance type."""
    for ptr, jd in ctx.entries("jobDefinitions"):
        seen: list[tuple[Pointer, str]] = []
        for rptr, r in node_ranges(ptr, jd):
            c = r.get("container")
            if isinstance(c, dict) and isinstance(c.get("instanceType"), str):
                seen.append((rptr / "container" / "instanceType", c["instanceType"]))
            types = r.get("instanceTypes")
            if isinstance(types, list):
                seen.extend((rptr / "instanceTypes" / i, t) for i, t in enumerate(types) if isinstance(t, str))
        if not seen:
            continue
        first_ptr, first = seen[0]
        for p, t in seen[1:]:
            if t != first:
                yield one_type.at(p, variant="differs", where=p.dotted(), found=t, first=first,
                                  first_where=first_ptr.dotted())


@rule("JDM-009")
def one_namespace_for_eks_node_ranges(ctx: Context, c: Constraint):
    """All EKS node ranges of a multi-node job definition that name a namespace name the same one."""
    for ptr, jd in ctx.entries("jobDefinitions"):
        seen: list[tuple[Pointer, str]] = []
        for rptr, r in node_ranges(ptr, jd):
            path = ("eksProperties", "podProperties", "metadata", "namespace")
            for rel, value in walk_path(r, path):
                if isinstance(value, str):
                    seen.append((Pointer((*rptr, *rel)), value))
        if not seen:
            continue
        first_ptr, first = seen[0]
        for p, ns in seen[1:]:
            if ns != first:
                yield c.at(p, where=p.dotted(), found=ns, first=first, first_where=first_ptr.dotted())


@rule("SJA-002")
def multinode_is_never_an_array(ctx: Context, c: Constraint):
    """A multi-node job definition is never submitted as an array job."""
    for t in targets(ctx):
        if t.jd is not None and is_multinode(t.jd) and is_array(t.job):
            yield c.at(t.pointer / "arrayProperties", at_key=True, jd=t.jd_name, size=array_size(t.job))
