"""Jobs' dependsOn: the form of each dependency and no cycles among the spec's jobs; not jobs outside the spec."""
from __future__ import annotations

from ...catalog import Constraint
from ...job_shapes import array_size, is_array
from ...problems import Pointer
from ..context import Context, rule


def _dependencies(job: dict):
    deps = job.get("dependsOn")
    for i, dep in enumerate(deps if isinstance(deps, list) else []):
        if isinstance(dep, dict):
            yield i, dep


@rule("SJD-003")
def sequential_dependency_form(ctx: Context, c: Constraint):
    """A SEQUENTIAL dependency is only on an array job and names no jobId."""
    for ptr, job in ctx.entries("jobs"):
        for i, dep in _dependencies(job):
            if dep.get("type") != "SEQUENTIAL":
                continue
            if not is_array(job):
                yield c.at(ptr / "dependsOn" / i / "type", variant="array")
            if "jobId" in dep:
                yield c.at(ptr / "dependsOn" / i / "jobId", at_key=True, found=dep["jobId"])


@rule("SJD-004")
def n_to_n_between_arrays(ctx: Context, c: Constraint):
    """N_TO_N links two array jobs (child i waits for child i); unequal sizes get a warning."""
    for ptr, job in ctx.entries("jobs"):
        for i, dep in _dependencies(job):
            if dep.get("type") != "N_TO_N":
                continue
            if not is_array(job):
                yield c.at(ptr / "dependsOn" / i / "type", variant="array")
                continue
            other = ctx.named("jobs", dep.get("jobId")) if isinstance(dep.get("jobId"), str) else None
            if other is None:
                continue  # no jobId (SJD-005) or not a jobs entry (XR-001)
            if not is_array(other[1]):
                yield c.at(ptr / "dependsOn" / i / "jobId", found=dep["jobId"], variant="target")
            elif array_size(other[1]) != array_size(job):
                yield c.at(ptr / "dependsOn" / i / "jobId", found=dep["jobId"], size=array_size(job),
                           other_size=array_size(other[1]), variant="sizes")


@rule("SJD-005")
def dependency_names_a_job(ctx: Context, c: Constraint):
    """A plain or N_TO_N dependency has a jobId (in the spec: the jobName of another jobs entry)."""
    for ptr, job in ctx.entries("jobs"):
        for i, dep in _dependencies(job):
            if dep.get("type") != "SEQUENTIAL" and "jobId" not in dep:
                yield c.at(ptr / "dependsOn" / i, dtype=dep.get("type") or "plain")


@rule("XR-009")
def dependencies_are_acyclic(ctx: Context, c: Constraint):
    """Jobs never depend on themselves or on each other in a cycle (job IDs exist only after submission)."""
    names = {}
    edges: dict[str, list[tuple[str, Pointer]]] = {}
    for ptr, job in ctx.entries("jobs"):
        name = job.get("jobName")
        if not isinstance(name, str) or name in names:
            continue
        names[name] = ptr
    for name, ptr in names.items():
        job = ctx.data["jobs"][ptr[1]]
        deps = job.get("dependsOn")
        for i, dep in enumerate(deps if isinstance(deps, list) else []):
            target = dep.get("jobId") if isinstance(dep, dict) else None
            if target == name:
                yield c.at(ptr / "dependsOn" / i / "jobId", job=name, variant="self")
            elif isinstance(target, str) and target in names:
                edges.setdefault(name, []).append((target, ptr / "dependsOn" / i / "jobId"))
    order = {n: k for k, n in enumerate(names)}
    for component in _cycles(list(names), edges):
        start = min(component, key=order.__getitem__)
        path, at = _cycle_path(start, set(component), edges)
        yield c.at(at, cycle=" → ".join([*path, start]), job=start)


def _cycles(nodes: list[str], edges: dict[str, list[tuple[str, Pointer]]]) -> list[list[str]]:
    """Strongly connected components with more than one node (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            succ = edges.get(node, [])
            if i < len(succ):
                work.append((node, i + 1))
                nxt = succ[i][0]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == node:
                        break
                if len(comp) > 1:
                    out.append(comp)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return out


def _cycle_path(start: str, members: set[str], edges) -> tuple[list[str], Pointer]:
    """The shortest cycle through `start` inside its component, and the pointer of its first edge."""
    prev: dict[str, tuple[str, Pointer]] = {}
    frontier = [start]
    seen = {start}
    while frontier:
        nxt_frontier = []
        for node in frontier:
            for target, ptr in edges.get(node, []):
                if target not in members:
                    continue
                if target == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(prev[path[-1]][0])
                    path.reverse()
                    first_edge = next(p for t, p in edges[start] if t == (path[1] if len(path) > 1 else start))
                    return path, first_edge
                if target not in seen:
                    seen.add(target)
                    prev[target] = (node, ptr)
                    nxt_frontier.append(target)
        frontier = nxt_frontier
    return [start], Pointer()  # not reached: every member of a component lies on a cycle
