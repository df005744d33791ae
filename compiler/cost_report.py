"""A CostReport (compiler/cost.py) as text for a terminal, JSON for tools, or Markdown for a
pull-request comment. Pure functions of the report: deterministic, no I/O.

JSON: {"jobs": [{job, platform, runsPerMonth, vcpuHours, gbHours, usdPerRun, usdPerMonth,
...}], "ceilings": [{computeEnvironment, usdPerHourAtMax, ...}], "totalUsdPerMonth": N, ...};
every job figure is per month for the whole job (all array children or nodes) except
usdPerRun; a figure batchgen can't give is null, with `unpriced` saying why.
"""
from __future__ import annotations

import json
from typing import Any

from .cost import MONTH, CostReport, JobCost


def _r(value: float | None, digits: int = 6) -> float | None:
    return None if value is None else round(value, digits)


def to_json(report: CostReport) -> str:
    jobs = []
    for j in report.jobs:
        jobs.append({
            "job": j.job,
            "platform": j.platform,
            "runsPerMonth": _r(j.runs_per_month),
            "vcpuHours": _r(j.vcpu_hours),
            "gbHours": _r(j.gb_hours),
            "usdPerRun": _r(j.usd_per_run),
            "usdPerMonth": _r(j.usd_per_month),
            "computeEnvironment": j.compute_environment,
            "runsFrom": j.runs_from,
            "durationHours": _r(j.duration_hours),
            "durationFrom": j.duration_from,
            "children": j.children,
            "sizes": [{"count": n, "vcpus": v, "memoryMiB": m} for n, v, m in j.sizes],
            "instanceType": j.instance_type,
            "instances": j.instances,
            "unpriced": j.unpriced,
            "notes": list(j.notes),
        })
    ceilings = [{
        "computeEnvironment": c.compute_environment,
        "usdPerHourAtMax": _r(c.usd_per_hour_at_max),
        "usdPerHourAtMaxLow": _r(c.usd_per_hour_at_max_low),
        "platform": c.platform,
        "maxvCpus": c.max_vcpus,
        "basis": c.basis,
        "unpriced": c.unpriced,
    } for c in report.ceilings]
    return json.dumps({
        "jobs": jobs,
        "ceilings": ceilings,
        "totalUsdPerMonth": _r(report.total_usd_per_month),
        "unpricedJobs": [j.job for j in report.unpriced_jobs],
        "region": report.region,
        "spotDiscount": report.spot_discount,
        "monthDays": MONTH,
        "notes": list(report.notes),
    }, indent=2) + "\n"


def _usd(value: float | None) -> str:
    return "-" if value is None else f"${value:,.2f}"


def _runs(j: JobCost) -> str:
    return f"{j.runs_per_month:,.2f}".rstrip("0").rstrip(".")


def _gib(mib: float) -> str:
    return f"{mib / 1024:.2f}".rstrip("0").rstrip(".")


def _size(j: JobCost) -> str:
    if not j.sizes:
        return "-"
    parts = []
    for n, v, m in j.sizes:
        each = f"{v:g} vCPU, {_gib(m)} GiB"
        parts.append(f"{n} x {each}" if n != 1 or len(j.sizes) > 1 else each)
    return " + ".join(parts)


def _duration(j: JobCost) -> str:
    if j.duration_hours is None:
        return "-"
    text = f"{j.duration_hours:g} h"
    return text + (" (timeout)" if j.duration_from == "timeout" else "")


def _where(j: JobCost) -> str:
    if j.platform is None:
        return "-"
    text = j.platform
    if j.instance_type:
        text += f" {j.instances} x {j.instance_type}"
    return text


def _assumptions(report: CostReport) -> list[str]:
    return [f"Region {report.region or '(none)'}; a month is {MONTH} days; Spot (SPOT, FARGATE_SPOT) is "
            f"On-Demand less {report.spot_discount:.0%} (--spot-discount); On-Demand Linux prices from "
            "compiler/data/prices/ (docs/cost.md)"]


def to_text(report: CostReport) -> str:
    headers = ("job", "platform", "size per run", "duration", "runs/month", "per run", "per month")
    rows = [(j.job, _where(j), _size(j), _duration(j), _runs(j), _usd(j.usd_per_run), _usd(j.usd_per_month))
            for j in report.jobs]
    lines = []
    if rows:
        widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
        right = {4, 5, 6}

        def fmt(cells) -> str:
            return "  ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

        lines += [fmt(headers), *(fmt(r) for r in rows)]
    else:
        lines.append("no jobs entries: nothing to price (the ceilings below are what the environments can cost)")
    lines.append(f"total per month: {_usd(report.total_usd_per_month)}"
                 + (f" ({len(report.unpriced_jobs)} job(s) unpriced)" if report.unpriced_jobs else ""))
    for j in report.jobs:
        for text in ([f"unpriced: {j.unpriced}"] if j.unpriced else []) + j.notes:
            lines.append(f"  {j.job}: {text}")
    if report.ceilings:
        lines.append("")
        lines.append("ceilings (per hour at maxvCpus):")
        for c in report.ceilings:
            lines.append(f"  {c.compute_environment} ({c.platform}): {_usd(c.usd_per_hour_at_max)}"
                         + (f" - {c.basis}" if c.basis else f" - unpriced: {c.unpriced}"))
    lines += ["", *_assumptions(report), *report.notes]
    return "\n".join(lines) + "\n"


def to_markdown(report: CostReport, title: str = "batchgen cost") -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    out = [f"### {title}", ""]
    if report.jobs:
        out += ["| job | platform | size per run | duration | runs/month | per run | per month |",
                "|---|---|---|---|--:|--:|--:|"]
        for j in report.jobs:
            out.append("| " + " | ".join(cell(x) for x in (f"`{j.job}`", _where(j), _size(j), _duration(j), _runs(j),
                                                             _usd(j.usd_per_run), _usd(j.usd_per_month))) + " |")
        out.append(f"| **total** | | | | | | **{_usd(report.total_usd_per_month)}** |")
    else:
        out.append("No `jobs` entries: nothing to price.")
    notes = [f"- `{j.job}`: unpriced: {j.unpriced}" for j in report.jobs if j.unpriced]
    notes += [f"- `{j.job}`: {n}" for j in report.jobs for n in j.notes]
    if notes:
        out += ["", *notes]
    if report.ceilings:
        out += ["", "| compute environment | platform | maxvCpus | per hour at maxvCpus |", "|---|---|--:|--:|"]
        for c in report.ceilings:
            out.append(f"| `{c.compute_environment}` | {c.platform} | {c.max_vcpus if c.max_vcpus is not None else '-'} "
                       f"| {_usd(c.usd_per_hour_at_max)} |")
    out += ["", *(f"_{a}_" for a in _assumptions(report)), *(f"_{n}_" for n in report.notes)]
    return "\n".join(out) + "\n"


RENDERERS: dict[str, Any] = {"text": to_text, "json": to_json, "markdown": to_markdown}
