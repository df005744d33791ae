"""`batchgen cost`: what the spec's work costs a month, and each compute environment's ceiling.

A stage over the resolved Model (jobs, job definitions, queues, compute environments,
schedules) and the spec's `estimates`; prices come from compiler/prices.py. Knows no YAML,
no HCL and no output format (compiler/cost_report.py renders a CostReport). The method is
docs/cost.md; in short, for each `jobs` entry:

- size: vCPUs and memory of its job definition after the job's overrides (containerOverrides
  resourceRequirements, nodeOverrides), times its array size, or per node of a multi-node job;
- platform: the capacity type of its queue's first compute environment (lowest `order`),
  where Batch places jobs first while it has room;
- runs per month: the estimate's runsPerMonth, else its ENABLED schedules' (schedule_runs.py:
  a 30-day month), else 1;
- duration: the estimate's, else the job's timeout (an upper bound, and the report says so),
  else the job is unpriced;
- Fargate: vCPU-hours and GB-hours at the Region's rates; EC2: instance-hours of the cheapest
  way to run all its children on one instance type of the environment's list that fits them;
- Spot (FARGATE_SPOT, SPOT): the On-Demand figure less the Spot discount, an assumption.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from . import instances, prices
from .job_shapes import ecs_task_needs, effective_resources, kind, node_count, node_ranges, parse_range, requirement
from .language import duration_hours
from .problems import ROOT
from .schedule_runs import MONTH_DAYS, ScheduleError, runs_per_month

DEFAULT_SPOT_DISCOUNT = 0.7  # the seed's "70% savings"; AWS: Fargate Spot "up to 70%", EC2 Spot "up to 90%"
FARGATE_MAX_GIB_PER_VCPU = 8  # the most memory Fargate gives a vCPU (0.25 vCPU with 2 GB; 1 vCPU with 8 GB)
FARGATE_MIN_GIB_PER_VCPU = 2  # the least (every size: 0.25 vCPU with 0.5 GB ... 16 vCPU with 32 GB)
SPOT_TYPES = ("SPOT", "FARGATE_SPOT")
PRICED = ("FARGATE", "FARGATE_SPOT", "EC2", "SPOT")


@dataclass
class JobCost:
    job: str
    platform: str | None  # FARGATE, FARGATE_SPOT, EC2, SPOT; None when the queue can't be followed
    compute_environment: str | None
    runs_per_month: float
    runs_from: str  # "estimate", "schedule" or "default"
    duration_hours: float | None = None
    duration_from: str | None = None  # "estimate" or "timeout"
    children: int = 1  # array children, or nodes of a multi-node job
    sizes: list[tuple[int, float, float]] = field(default_factory=list)  # (children or nodes, vCPUs, MiB) each
    vcpu_hours: float | None = None  # per month, the whole job
    gb_hours: float | None = None
    usd_per_run: float | None = None
    usd_per_month: float | None = None
    instance_type: str | None = None  # EC2: the type the children run on (several: joined by ", ")
    instances: int | None = None  # EC2: instances a run keeps busy for its duration
    unpriced: str | None = None  # why there is no figure
    notes: list[str] = field(default_factory=list)


@dataclass
class Ceiling:
    compute_environment: str
    platform: str | None
    max_vcpus: int | None
    usd_per_hour_at_max: float | None
    usd_per_hour_at_max_low: float | None = None  # the cheapest way to fill maxvCpus
    basis: str | None = None
    unpriced: str | None = None


@dataclass
class CostReport:
    region: str | None
    spot_discount: float
    jobs: list[JobCost]
    ceilings: list[Ceiling]
    notes: list[str] = field(default_factory=list)

    @property
    def total_usd_per_month(self) -> float:
        return sum(j.usd_per_month for j in self.jobs if j.usd_per_month is not None)

    @property
    def unpriced_jobs(self) -> list[JobCost]:
        return [j for j in self.jobs if j.usd_per_month is None]


def estimate(model: Any, estimates: Any = None, spot_discount: float = DEFAULT_SPOT_DISCOUNT,
             region: str | None = None) -> CostReport:
    """The CostReport of a resolved Model; `estimates` is the spec's `estimates` list; `region`
    overrides the model's."""
    region = region or model.region
    by_job = {}
    for e in estimates if isinstance(estimates, list) else []:
        if isinstance(e, dict) and isinstance(e.get("job"), str):
            by_job.setdefault(e["job"], e)  # BG-122: the first estimate of a job counts
    ctx = _Context(model, region, spot_discount)
    report = CostReport(region, spot_discount, [ctx.job(j, by_job.get(j.name)) for j in model.jobs],
                        [ctx.ceiling(ce) for ce in model.compute_environments])
    if region not in prices.regions():
        report.notes.append(f"batchgen carries no prices for {region or 'a spec without a region'} "
                            f"(it has {', '.join(prices.regions())}); give --region")
    return report


class _Context:
    def __init__(self, model: Any, region: str | None, spot_discount: float):
        self.model = model
        self.region = region
        self.factor = {True: 1 - spot_discount, False: 1.0}
        self.queues = {q.name: q for q in model.job_queues}
        self.envs = {ce.name: ce for ce in model.compute_environments}
        self.jds = {jd.name: jd for jd in model.job_definitions}

    # --- jobs ----------------------------------------------------------------------------

    def job(self, job: Any, est: dict | None) -> JobCost:
        body = job.body
        runs, runs_from, run_notes = self._runs(job.name, est)
        out = JobCost(job.name, None, None, runs, runs_from, notes=run_notes)
        ce = self._first_env(body.get("jobQueue"), out)
        jd = self._definition(body.get("jobDefinition"), out)
        if ce is None or jd is None:
            return out
        out.compute_environment = ce.name
        cr = ce.body.get("computeResources") if isinstance(ce.body.get("computeResources"), dict) else {}
        out.platform = cr.get("type") if ce.body.get("type") == "MANAGED" else "UNMANAGED"
        if out.platform not in PRICED:
            out.unpriced = (f"compute environment {ce.name} is {out.platform or 'of no stated type'}: "
                            "batchgen prices FARGATE, FARGATE_SPOT, EC2 and SPOT")
            return out
        hours = self._duration(body, jd.body, est, out)
        needs = _needs(jd.body, body, out)
        if hours is None or needs is None:
            return out
        spot = out.platform in SPOT_TYPES
        if out.platform.startswith("FARGATE"):
            self._fargate(jd.body, needs, hours, spot, out)
        else:
            self._ec2(cr, needs, hours, spot, out)
        if out.usd_per_run is not None:
            out.usd_per_month = out.usd_per_run * runs
            total_v = sum(n * v for n, v, _, _, _ in needs)
            total_m = sum(n * m for n, _, m, _, _ in needs)
            out.vcpu_hours = total_v * hours * runs
            out.gb_hours = total_m / 1024 * hours * runs
        return out

    def _runs(self, name: str, est: dict | None) -> tuple[float, str, list[str]]:
        if est is not None and isinstance(est.get("runsPerMonth"), (int, float)) \
                and not isinstance(est.get("runsPerMonth"), bool):
            return float(est["runsPerMonth"]), "estimate", []
        schedules = [s for s in self.model.schedules if s.job == name]
        if not schedules:
            return 1.0, "default", ["no schedule and no estimates[].runsPerMonth: one run a month"]
        total, notes = 0.0, []
        for s in schedules:
            if s.state != "ENABLED":
                notes.append(f"schedule {s.name} is {s.state}: it submits nothing")
                continue
            try:
                total += runs_per_month(s.expression)
            except ScheduleError:
                notes.append(f"schedule {s.name}: can't count {s.expression}")
        return total, "schedule", notes

    def _first_env(self, queue_ref: Any, out: JobCost) -> Any:
        queue = self.queues.get(getattr(queue_ref, "name", None))
        if queue is None:
            out.unpriced = f"its job queue is given by ARN ({queue_ref}): its compute environments are unknown"
            return None
        order = [o for o in queue.body.get("computeEnvironmentOrder") or [] if isinstance(o, dict)]
        order.sort(key=lambda o: o.get("order", 0))
        envs = [self.envs.get(getattr(o.get("computeEnvironment"), "name", None)) for o in order]
        if not envs or envs[0] is None:
            out.unpriced = f"the first compute environment of queue {queue.name} is given by ARN: its type is unknown"
            return None
        first = envs[0]
        kinds = {_capacity(e) for e in envs if e is not None}
        if len(kinds) > 1:
            others = ", ".join(f"{e.name} ({_capacity(e)})" for e in envs[1:] if e is not None)
            out.notes.append(f"queue {queue.name} mixes capacity types: priced {first.name} ({_capacity(first)}), the "
                             f"first in computeEnvironmentOrder, where Batch places jobs while it has room; "
                             f"the queue also has {others}")
        return first

    def _definition(self, jd_ref: Any, out: JobCost) -> Any:
        jd = self.jds.get(getattr(jd_ref, "name", None))
        if jd is None:
            out.unpriced = f"its job definition is given by ARN ({jd_ref}): its size is unknown"
        return jd

    def _duration(self, job: dict, jd: dict, est: dict | None, out: JobCost) -> float | None:
        hours = duration_hours(est.get("duration")) if est is not None else None
        if hours is not None:
            out.duration_hours, out.duration_from = hours, "estimate"
            return hours
        for owner, timeout in (("the job", job.get("timeout")), ("its job definition", jd.get("timeout"))):
            seconds = timeout.get("attemptDurationSeconds") if isinstance(timeout, dict) else None
            if isinstance(seconds, int) and not isinstance(seconds, bool) and seconds > 0:
                out.duration_hours, out.duration_from = seconds / 3600, "timeout"
                out.notes.append(f"no estimate: priced at the timeout of {owner} ({seconds} s), the longest an "
                                 "attempt runs; add estimates: [{job: " + out.job + ", duration: ...}]")
                return seconds / 3600
        out.unpriced = ("no estimate and no timeout: add estimates: [{job: " + out.job
                        + ", duration: 5h}] (or a timeout) to price it")
        return None

    def _fargate(self, jd: dict, needs: list, hours: float, spot: bool, out: JobCost) -> None:
        arch = _fargate_arch(jd)
        rate = prices.fargate(self.region, arch)
        if rate is None:
            out.unpriced = f"no Fargate {arch} price for {self.region} in batchgen's price data"
            return
        per_hour = sum(n * (v * rate.vcpu_hour + m / 1024 * rate.gb_hour) for n, v, m, _, _ in needs)
        out.usd_per_run = per_hour * hours * self.factor[spot]

    def _ec2(self, cr: dict, needs: list, hours: float, spot: bool, out: JobCost) -> None:
        candidates, unknown = candidate_types(cr.get("instanceTypes"))
        if unknown:
            out.notes.append(f"not priced as candidates (no size table): {', '.join(unknown)}")
        per_hour, types, count = 0.0, [], 0
        for n, v, m, gpus, pinned in needs:
            pick = self._cheapest(candidates, n, v, m, gpus, pinned)
            if isinstance(pick, str):
                out.unpriced = pick
                return
            itype, k, price = pick
            used = math.ceil(n / k)
            per_hour += used * price
            count += used
            if itype not in types:
                types.append(itype)
            if k > 1:
                out.notes.append(f"{k} children fit on one {itype}: {n} children take {used} instance(s)")
        out.instance_type, out.instances = ", ".join(types), count
        out.usd_per_run = per_hour * hours * self.factor[spot]

    def _cheapest(self, candidates: list, n: int, v: float, m: float, gpus: float, pinned: str | None):
        """(instance type, children per instance, USD per hour) of the cheapest way to run `n`
        children on one type, or the reason there is none."""
        rows = [c for c in candidates if c[0] == pinned] if pinned else candidates
        if pinned and not rows:
            rows = [(pinned, *size[1:]) for size in instances.sizes(pinned) or []]
        best, unpriced_fit = None, []
        for itype, vcpus, mib in rows:
            k = fits(vcpus, mib, itype, v, m, gpus)
            if k < 1:
                continue
            if k > 1 and pinned:
                k = 1  # a multi-node node has its instance to itself
            price = prices.ec2(self.region, itype)
            if price is None:
                unpriced_fit.append(itype)
                continue
            total = math.ceil(n / k) * price
            key = (total, price, itype)
            if best is None or key < best[0]:
                best = (key, (itype, k, price))
        if best is not None:
            return best[1]
        if unpriced_fit:
            return (f"no EC2 price for {self.region} in batchgen's price data for the types that fit "
                    f"({', '.join(unpriced_fit[:4])}{', ...' if len(unpriced_fit) > 4 else ''})")
        return f"no instance type of the compute environment fits {_num(v)} vCPU and {_num(m)} MiB"

    # --- ceilings ------------------------------------------------------------------------

    def ceiling(self, ce: Any) -> Ceiling:
        cr = ce.body.get("computeResources") if isinstance(ce.body.get("computeResources"), dict) else {}
        platform = cr.get("type") if ce.body.get("type") == "MANAGED" else "UNMANAGED"
        max_vcpus = cr.get("maxvCpus") if isinstance(cr.get("maxvCpus"), int) else None
        out = Ceiling(ce.name, platform, max_vcpus, None)
        if platform not in PRICED or max_vcpus is None:
            out.unpriced = f"{platform or 'no stated type'}: batchgen prices FARGATE, FARGATE_SPOT, EC2 and SPOT"
            return out
        factor = self.factor[platform in SPOT_TYPES]
        spot = f", less the Spot discount ({1 - factor:.0%})" if platform in SPOT_TYPES else ""
        if platform.startswith("FARGATE"):
            rate = prices.fargate(self.region, "x86_64")
            if rate is None:
                out.unpriced = f"no Fargate price for {self.region} in batchgen's price data"
                return out
            out.usd_per_hour_at_max = max_vcpus * (rate.vcpu_hour + FARGATE_MAX_GIB_PER_VCPU * rate.gb_hour) * factor
            out.usd_per_hour_at_max_low = max_vcpus * (rate.vcpu_hour + FARGATE_MIN_GIB_PER_VCPU * rate.gb_hour) * factor
            out.basis = (f"{max_vcpus} vCPU with {FARGATE_MAX_GIB_PER_VCPU} GiB each, the most memory Fargate gives "
                         f"a vCPU (with {FARGATE_MIN_GIB_PER_VCPU} GiB each, the least: "
                         f"${out.usd_per_hour_at_max_low:,.2f}){spot}")
            return out
        candidates, _ = candidate_types(cr.get("instanceTypes"))
        per_vcpu = sorted((round(price / vcpus, 6), itype) for itype, vcpus, _ in candidates
                          if (price := prices.ec2(self.region, itype)) is not None)
        if not per_vcpu:
            out.unpriced = f"no EC2 price for {self.region} in batchgen's price data for its instance types"
            return out
        low, high = per_vcpu[0], max(per_vcpu, key=lambda p: (p[0], [-ord(c) for c in p[1]]))
        out.usd_per_hour_at_max = max_vcpus * high[0] * factor
        out.usd_per_hour_at_max_low = max_vcpus * low[0] * factor
        if high[0] == low[0]:
            out.basis = (f"{max_vcpus} vCPU at ${high[0]:.4f} per vCPU-hour, what every priced size of its "
                         f"instance types costs{spot}")
        else:
            out.basis = (f"{max_vcpus} vCPU at ${high[0]:.4f} per vCPU-hour ({high[1]}, the dearest per vCPU of its "
                         f"instance types; at {low[1]}'s ${low[0]:.4f}, the cheapest: "
                         f"${out.usd_per_hour_at_max_low:,.2f}){spot}")
        return out


# --- sizes and instance types -------------------------------------------------------------------

def _capacity(ce: Any) -> str:
    cr = ce.body.get("computeResources") if isinstance(ce.body.get("computeResources"), dict) else {}
    return str(cr.get("type")) if ce.body.get("type") == "MANAGED" else "UNMANAGED"


def _num(v: float) -> str:
    return str(int(v)) if v == int(v) else str(v)


def _fargate_arch(jd: dict) -> str:
    cp = jd.get("containerProperties") if isinstance(jd.get("containerProperties"), dict) else {}
    rp = cp.get("runtimePlatform") if isinstance(cp.get("runtimePlatform"), dict) else {}
    return "arm64" if rp.get("cpuArchitecture") == "ARM64" else "x86_64"


def _needs(jd: dict, job: dict, out: JobCost) -> list[tuple[int, float, float, float, str | None]] | None:
    """[(count, vCPUs, memory MiB, GPUs, pinned instance type)] of a run: the array's children
    (one tuple), or a multi-node job's nodes (a tuple per node range); None when unpriced."""

    k = kind(jd)
    if k == "eks":
        out.unpriced = "an EKS job: pods on EKS nodes are not priced by batchgen"
        return None
    if k == "multinode":
        nodes = node_count(jd, job)
        no = job.get("nodeOverrides") if isinstance(job.get("nodeOverrides"), dict) else {}
        overrides = {o.get("targetNodes"): o.get("containerOverrides")
                     for o in no.get("nodePropertyOverrides") or [] if isinstance(o, dict)}
        groups: dict[tuple, int] = {}
        for node in range(nodes or 0):
            covering = []
            for _, r in node_ranges(ROOT, jd):
                span = parse_range(r.get("targetNodes"))
                if span and span[0] <= node <= (nodes - 1 if span[1] is None else span[1]):
                    covering.append((span, r))
            if not covering or not isinstance(covering[0][1].get("container"), dict):
                out.unpriced = f"node {node} of the multi-node job has no container range batchgen can size"
                return None
            span, r = min(covering, key=lambda c: (c[0][1] if c[0][1] is not None else nodes) - c[0][0])
            c = r["container"]
            v, m = effective_resources(c, overrides.get(r.get("targetNodes")))
            if v is None or m is None:
                out.unpriced = "a node's vCPUs or memory are not given"
                return None
            its = r.get("instanceTypes")
            pinned = c.get("instanceType") or (its[0] if isinstance(its, list) and its else None)
            key = (v, m, requirement(c, "GPU") or 0, pinned if isinstance(pinned, str) else None)
            groups[key] = groups.get(key, 0) + 1
        out.children = nodes or 0
        out.sizes = [(n, key[0], key[1]) for key, n in groups.items()]
        return [(n, *key) for key, n in groups.items()]
    if k == "ecs":
        total = ecs_task_needs(jd.get("ecsProperties"), job.get("ecsPropertiesOverride"))
        v, m, gpus = (total[0], total[1], 0) if total else (None, None, 0)
    else:
        v, m = effective_resources(jd.get("containerProperties"), job.get("containerOverrides"))
        gpus = requirement(job.get("containerOverrides"), "GPU") or requirement(jd.get("containerProperties"), "GPU") or 0
    if v is None or m is None:
        out.unpriced = "its vCPUs or memory are not given (job definition and overrides)"
        return None
    ap = job.get("arrayProperties")
    n = ap["size"] if isinstance(ap, dict) and isinstance(ap.get("size"), int) else 1
    out.children, out.sizes = n, [(n, v, m)]
    return [(n, v, m, gpus, None)]


def _keyword_families() -> dict[str, list[str]]:
    from .catalog import load_catalog

    return dict(load_catalog()["XR-006"].limits["keyword_families"])


def candidate_types(items: Any) -> tuple[list[tuple[str, int, int]], list[str]]:
    """[(instance type, vCPUs, nominal MiB)] an EC2 environment's instanceTypes stand for (a family
    is all its sizes; optimal, default_x86_64 and default_arm64 are the families XR-006 lists for
    them), and the items batchgen has no size table for. No instanceTypes: optimal."""
    items = items if isinstance(items, list) and items else ["optimal"]
    out: dict[str, tuple[str, int, int]] = {}
    unknown = []
    for item in items:
        if not isinstance(item, str):
            continue
        families = _keyword_families().get(item, [item]) if instances.is_keyword(item) else [item]
        for fam in families:
            rows = instances.sizes(fam)
            if rows is None:
                unknown.append(fam)
            for row in rows or []:
                out.setdefault(row[0], row)
    return list(out.values()), unknown


def fits(vcpus: int, mib: int, itype: str, v: float, m: float, gpus: float = 0) -> int:
    """How many containers of `v` vCPUs, `m` MiB and `gpus` GPUs an instance holds (0: none),
    memory as ECS registers it (XR-006: nominal x registered_fraction - reserved_mib)."""
    from .catalog import load_catalog

    lim = load_catalog()["XR-006"].limits
    registered = mib * lim["registered_fraction"] - lim["reserved_mib"]
    if v <= 0 or m <= 0:
        return 0
    k = min(int(vcpus // v), int(registered // m))
    if gpus:
        have = instances.gpus(itype) or 0
        k = min(k, int(have // gpus))
    return max(k, 0)


MONTH = MONTH_DAYS  # re-exported for the report: a month is 30 days
