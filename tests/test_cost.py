"""`batchgen cost` (compiler/cost.py): the seed's three pricing scenarios with the published
prices, the ceilings, a spec with no jobs, a queue that mixes Spot and On-Demand, and where
runs per month and durations come from. Figures are worked out here from the rates in
compiler/data/prices/ (quoted in each test), never copied from the command's output.
"""
from __future__ import annotations

import calendar
import json
import textwrap

import pytest

from compiler import instances, prices
from compiler.schedule_runs import _dom_days, runs_per_month

from .helpers import ROOT, run, write_spec

# us-east-1, read 2026-12-04 (compiler/data/prices/*.yaml)
FARGATE_VCPU_HOUR, FARGATE_GB_HOUR = 0.04048, 0.004445
M5_2XLARGE, R5_16XLARGE = 0.384, 4.032

HEAD = """\
batchgen: 1
project: pricing
region: {region}
account: "123456789012"
"""

FARGATE_ENV = """\
  - computeEnvironmentName: {name}
    type: MANAGED
    computeResources:
      type: {type}
      maxvCpus: {max}
      subnets: [subnet-0a1b2c3d]
      securityGroupIds: [sg-0a1b2c3d]
"""

EC2_ENV = """\
  - computeEnvironmentName: {name}
    type: MANAGED
    computeResources:
      type: {type}
      allocationStrategy: {strategy}
      minvCpus: 0
      maxvCpus: {max}
      instanceTypes: {types}
      subnets: [subnet-0a1b2c3d]
      securityGroupIds: [sg-0a1b2c3d]
"""


def queue(name: str, *envs: str) -> str:
    order = ", ".join(f"{{order: {i}, computeEnvironment: {e}}}" for i, e in enumerate(envs, 1))
    return f"  - jobQueueName: {name}\n    priority: 1\n    computeEnvironmentOrder: [{order}]\n"


def definition(name: str, vcpus: str, mib: str, fargate: bool, extra: str = "") -> str:
    text = (f"  - jobDefinitionName: {name}\n"
            f"    platformCapabilities: [{'FARGATE' if fargate else 'EC2'}]\n"
            "    containerProperties:\n"
            "      image: public.ecr.aws/docker/library/busybox:1.36\n"
            "      command: [process]\n"
            f"      resourceRequirements: [{{type: VCPU, value: \"{vcpus}\"}}, {{type: MEMORY, value: \"{mib}\"}}]\n")
    if fargate:
        text += "      networkConfiguration: {assignPublicIp: ENABLED}\n"
    return text + extra


def spec(tmp_path, envs: str, queues: str, jds: str, jobs: str, tail: str = "", region: str = "us-east-1"):
    text = (HEAD.format(region=region) + "computeEnvironments:\n" + envs + "jobQueues:\n" + queues
            + "jobDefinitions:\n" + jds + "jobs:\n" + jobs + tail)
    return write_spec(tmp_path, text)


def cost(path, *args: str) -> dict:
    r = run("cost", path, "--format", "json", *args)
    assert r.code == 0, r.stderr
    return json.loads(r.stdout)


def job(report: dict, name: str) -> dict:
    return next(j for j in report["jobs"] if j["job"] == name)


NIGHTLY = """\
schedules:
  - name: nightly
    scheduleExpression: cron(0 1 * * ? *)
    job: nightly
estimates:
  - job: nightly
    duration: 5h
"""
NIGHTLY_JOB = "  - jobName: nightly\n    jobQueue: q\n    jobDefinition: jd\n    arrayProperties: {size: 10}\n"


# --- the seed's pricing examples (shared/seeds/004, "Pricing Examples") ---------------------------

def test_scenario_1_nightly_job_on_fargate_is_about_592_a_month():
    """8 vCPU and 16 GB on 10 parallel nodes (an array of 10 on Fargate), 5 hours, nightly: the
    example's prod environment, in us-east-1."""
    report = cost(ROOT / "specs" / "nightly-processing.yaml", "--env", "prod")
    j = job(report, "nightly-processing")
    per_run = 10 * 8 * 5 * FARGATE_VCPU_HOUR + 10 * 16 * 5 * FARGATE_GB_HOUR  # 16.192 + 3.556
    assert j["platform"] == "FARGATE" and report["region"] == "us-east-1"
    assert j["runsPerMonth"] == 30 and j["runsFrom"] == "schedule"
    assert j["usdPerRun"] == pytest.approx(per_run, abs=1e-4)
    assert j["usdPerMonth"] == pytest.approx(30 * per_run, abs=1e-3) == pytest.approx(592.44, abs=0.01)
    assert j["vcpuHours"] == 30 * 400 and j["gbHours"] == 30 * 800
    assert report["totalUsdPerMonth"] == pytest.approx(592.44, abs=0.01)
    text = run("cost", ROOT / "specs" / "nightly-processing.yaml", "--env", "prod").stdout
    assert "$592.44" in text


def test_scenario_2_the_same_job_on_ec2_spot(tmp_path):
    """The seed: "m5.xlarge (4 vCPU, 16GB) Spot: 5.80/job x 30 = $174/month". An m5.xlarge can't
    hold an 8-vCPU job; the cheapest m5 that does is an m5.2xlarge ($0.384 On-Demand), one per
    child: 10 x 0.384 x 5 h x 30% = $5.76 a run, $172.80 a month (docs/cost.md)."""
    path = spec(tmp_path, EC2_ENV.format(name="spot", type="SPOT", strategy="SPOT_CAPACITY_OPTIMIZED", max=256,
                                         types="[m5]"),
                queue("q", "spot"), definition("jd", "8", "16384", fargate=False), NIGHTLY_JOB, NIGHTLY)
    j = job(cost(path), "nightly")
    assert j["platform"] == "SPOT" and j["instanceType"] == "m5.2xlarge" and j["instances"] == 10
    assert j["usdPerRun"] == pytest.approx(10 * M5_2XLARGE * 5 * 0.3, abs=1e-4) == pytest.approx(5.76)
    assert j["usdPerMonth"] == pytest.approx(172.80, abs=1e-3)
    # Fargate over EC2 Spot: the seed's "3.4x"
    assert 592.44 / j["usdPerMonth"] == pytest.approx(3.43, abs=0.01)
    # the Spot discount is an assumption the user sets
    assert job(cost(path, "--spot-discount", "0.9"), "nightly")["usdPerRun"] == pytest.approx(10 * M5_2XLARGE * 5 * 0.1)


def test_scenario_2_on_the_seeds_m5_xlarge_the_job_can_never_run(tmp_path):
    path = spec(tmp_path, EC2_ENV.format(name="spot", type="SPOT", strategy="SPOT_CAPACITY_OPTIMIZED", max=256,
                                         types="[m5.xlarge]"),
                queue("q", "spot"), definition("jd", "8", "16384", fargate=False), NIGHTLY_JOB, NIGHTLY)
    r = run("cost", path)
    assert r.code == 1 and "error[XR-006]" in r.stderr and r.stdout == ""


@pytest.mark.parametrize("capacity, factor", [("EC2", 1.0), ("SPOT", 0.3)])
def test_scenario_3_a_64_vcpu_training_job(tmp_path, capacity, factor):
    """64 vCPU and 256 GiB for 10 hours, once. The seed's c5.16xlarge doesn't exist and no c5 has
    256 GiB; an m5.16xlarge has exactly 256 GiB, less than ECS registers for jobs; the cheapest
    that fits is an r5.16xlarge ($4.032): $40.32 On-Demand, $12.10 on Spot."""
    strategy = "BEST_FIT_PROGRESSIVE" if capacity == "EC2" else "SPOT_CAPACITY_OPTIMIZED"
    path = spec(tmp_path, EC2_ENV.format(name="train", type=capacity, strategy=strategy, max=256, types="[c5, m5, r5]"),
                queue("q", "train"), definition("jd", "64", "262144", fargate=False),
                "  - jobName: train\n    jobQueue: q\n    jobDefinition: jd\n",
                "estimates:\n  - job: train\n    duration: 10h\n    runsPerMonth: 1\n")
    j = job(cost(path), "train")
    assert j["instanceType"] == "r5.16xlarge" and j["instances"] == 1
    assert j["usdPerRun"] == pytest.approx(R5_16XLARGE * 10 * factor, abs=1e-4)
    assert j["usdPerMonth"] == j["usdPerRun"] and j["runsFrom"] == "estimate"
    assert j["vcpuHours"] == 640 and j["gbHours"] == 2560


def test_the_m5_16xlarge_registers_less_than_256_gib():
    """Why scenario 3 can't run on an m5.16xlarge: XR-006's estimate of registered memory."""
    from compiler.cost import fits

    [(itype, vcpus, mib)] = instances.sizes("m5.16xlarge")
    assert (vcpus, mib) == (64, 262144)
    assert fits(vcpus, mib, itype, 64, 262144) == 0
    assert fits(*instances.sizes("r5.16xlarge")[0][1:], "r5.16xlarge", 64, 262144) == 1


# --- ceilings ------------------------------------------------------------------------------------

def test_ceilings_are_maxvcpus_at_the_dearest_rate(tmp_path):
    path = spec(tmp_path,
                FARGATE_ENV.format(name="fargate", type="FARGATE", max=80)
                + FARGATE_ENV.format(name="fargate-spot", type="FARGATE_SPOT", max=80)
                + EC2_ENV.format(name="ec2", type="EC2", strategy="BEST_FIT_PROGRESSIVE", max=100, types="[c5, r5]"),
                queue("q", "fargate"), definition("jd", "1", "2048", fargate=True), "  - jobName: j\n    jobQueue: q\n"
                "    jobDefinition: jd\n")
    ceilings = {c["computeEnvironment"]: c for c in cost(path)["ceilings"]}
    fargate = 80 * (FARGATE_VCPU_HOUR + 8 * FARGATE_GB_HOUR)  # 8 GiB per vCPU: the most Fargate gives
    assert ceilings["fargate"]["usdPerHourAtMax"] == pytest.approx(fargate, abs=1e-4) == pytest.approx(6.0832)
    assert ceilings["fargate"]["usdPerHourAtMaxLow"] == pytest.approx(80 * (FARGATE_VCPU_HOUR + 2 * FARGATE_GB_HOUR))
    assert ceilings["fargate-spot"]["usdPerHourAtMax"] == pytest.approx(fargate * 0.3, abs=1e-4)
    # r5 costs $0.063 per vCPU-hour (r5.large $0.126), c5 $0.0425 (c5.large $0.085)
    assert ceilings["ec2"]["usdPerHourAtMax"] == pytest.approx(100 * 0.126 / 2)
    assert ceilings["ec2"]["usdPerHourAtMaxLow"] == pytest.approx(100 * 0.085 / 2)
    assert "r5" in ceilings["ec2"]["basis"] and "c5" in ceilings["ec2"]["basis"]


def test_a_spec_with_no_jobs_costs_nothing_but_has_ceilings(tmp_path):
    path = write_spec(tmp_path, HEAD.format(region="eu-west-1") + "computeEnvironments:\n"
                      + EC2_ENV.format(name="ec2", type="EC2", strategy="BEST_FIT_PROGRESSIVE", max=32, types="[m5]"))
    report = cost(path)
    assert report["jobs"] == [] and report["totalUsdPerMonth"] == 0
    # eu-west-1 m5: $0.107 per m5.large, so $0.0535 per vCPU-hour
    assert report["ceilings"][0]["usdPerHourAtMax"] == pytest.approx(32 * 0.107 / 2)
    text = run("cost", path).stdout
    assert "no jobs entries" in text and "total per month: $0.00" in text
    markdown = run("cost", path, "--format", "markdown").stdout
    assert "No `jobs` entries" in markdown and "| `ec2` | EC2 | 32 | $1.71 |" in markdown


# --- where the figures come from -----------------------------------------------------------------

def test_a_queue_mixing_spot_and_on_demand_is_priced_at_its_first_environment(tmp_path):
    envs = (EC2_ENV.format(name="spot", type="SPOT", strategy="SPOT_CAPACITY_OPTIMIZED", max=64, types="[m5]")
            + EC2_ENV.format(name="ondemand", type="EC2", strategy="BEST_FIT_PROGRESSIVE", max=64, types="[m5]"))
    jobs = "  - jobName: j\n    jobQueue: q\n    jobDefinition: jd\n"
    est = "estimates:\n  - job: j\n    duration: 2h\n"
    jd = definition("jd", "8", "16384", fargate=False)
    spot_first = job(cost(spec(tmp_path, envs, queue("q", "spot", "ondemand"), jd, jobs, est)), "j")
    assert spot_first["platform"] == "SPOT" and spot_first["computeEnvironment"] == "spot"
    assert spot_first["usdPerRun"] == pytest.approx(M5_2XLARGE * 2 * 0.3)
    [note] = [n for n in spot_first["notes"] if "mixes" in n]
    assert "priced spot (SPOT), the first in computeEnvironmentOrder" in note and "ondemand (EC2)" in note
    # the first is the lowest `order`, not the first written
    reordered = queue("q", "spot", "ondemand").replace("order: 1", "order: 9")
    on_demand_first = job(cost(spec(tmp_path, envs, reordered, jd, jobs, est)), "j")
    assert on_demand_first["platform"] == "EC2" and on_demand_first["usdPerRun"] == pytest.approx(M5_2XLARGE * 2)


def test_without_an_estimate_the_timeout_prices_it_and_says_so(tmp_path):
    jd = definition("jd", "1", "2048", fargate=True, extra="    timeout: {attemptDurationSeconds: 5400}\n")
    jobs = "  - jobName: timed\n    jobQueue: q\n    jobDefinition: jd\n  - jobName: untimed\n    jobQueue: q\n" \
           "    jobDefinition: jd2\n"
    path = spec(tmp_path, FARGATE_ENV.format(name="f", type="FARGATE", max=16), queue("q", "f"),
                jd + definition("jd2", "1", "2048", fargate=True), jobs)
    report = cost(path)
    timed, untimed = job(report, "timed"), job(report, "untimed")
    assert timed["durationFrom"] == "timeout" and timed["durationHours"] == 1.5
    assert timed["usdPerRun"] == pytest.approx(1.5 * (FARGATE_VCPU_HOUR + 2 * FARGATE_GB_HOUR))
    assert timed["runsPerMonth"] == 1 and timed["runsFrom"] == "default"
    assert any("priced at the timeout" in n for n in timed["notes"])
    assert untimed["usdPerMonth"] is None and "no estimate and no timeout" in untimed["unpriced"]
    assert report["unpricedJobs"] == ["untimed"]
    assert report["totalUsdPerMonth"] == pytest.approx(timed["usdPerMonth"])


def test_runs_per_month_come_from_the_estimate_before_the_schedule(tmp_path):
    jobs = "  - jobName: nightly\n    jobQueue: q\n    jobDefinition: jd\n"
    tail = NIGHTLY.replace("    duration: 5h\n", "    duration: 30m\n    runsPerMonth: 4\n")
    path = spec(tmp_path, FARGATE_ENV.format(name="f", type="FARGATE", max=16), queue("q", "f"),
                definition("jd", "1", "2048", fargate=True), jobs, tail)
    j = job(cost(path), "nightly")
    assert (j["runsPerMonth"], j["runsFrom"], j["durationHours"]) == (4, "estimate", 0.5)
    disabled = tail.replace("    job: nightly\nestimates", "    job: nightly\n    state: DISABLED\nestimates") \
        .replace("    runsPerMonth: 4\n", "")
    j = job(cost(spec(tmp_path, FARGATE_ENV.format(name="f", type="FARGATE", max=16), queue("q", "f"),
                      definition("jd", "1", "2048", fargate=True), jobs, disabled)), "nightly")
    assert j["runsPerMonth"] == 0 and j["usdPerMonth"] == 0 and any("DISABLED" in n for n in j["notes"])


def test_estimate_problems_are_located_errors(tmp_path):
    jobs = "  - jobName: nightly\n    jobQueue: q\n    jobDefinition: jd\n"
    path = spec(tmp_path, FARGATE_ENV.format(name="f", type="FARGATE", max=16), queue("q", "f"),
                definition("jd", "1", "2048", fargate=True), jobs,
                "estimates:\n  - job: nightley\n    duration: 5 hours\n")
    r = run("cost", path, "--format", "json")
    assert r.code == 1 and r.stderr == ""
    report = json.loads(r.stdout)  # one document: no figures, the problems in it
    assert "jobs" not in report
    found = {(d["code"], d["line"]) for d in report["problems"]}
    lines = path.read_text().splitlines()
    assert found == {("BG-122", lines.index("  - job: nightley") + 1), ("BG-123", lines.index("    duration: 5 hours") + 1)}
    assert any("(did you mean 'nightly'?)" in d["message"] for d in report["problems"])
    text = run("cost", path)
    assert text.code == 1 and text.stdout == "" and "error[BG-122]" in text.stderr


def test_a_region_without_prices_prices_nothing_and_says_so(tmp_path):
    path = spec(tmp_path, FARGATE_ENV.format(name="f", type="FARGATE", max=16), queue("q", "f"),
                definition("jd", "1", "2048", fargate=True),
                "  - jobName: j\n    jobQueue: q\n    jobDefinition: jd\n", "estimates:\n  - job: j\n    duration: 1h\n",
                region="ap-south-2")
    report = cost(path)
    assert report["jobs"][0]["usdPerMonth"] is None and "no Fargate x86_64 price for ap-south-2" in report["jobs"][0]["unpriced"]
    assert any("carries no prices for ap-south-2" in n for n in report["notes"])
    assert job(cost(path, "--region", "us-east-1"), "j")["usdPerRun"] == pytest.approx(FARGATE_VCPU_HOUR + 2 * FARGATE_GB_HOUR)


def test_json_has_the_documented_shape():
    report = cost(ROOT / "specs" / "nightly-processing.yaml", "--env", "dev")
    assert set(report) >= {"jobs", "ceilings", "totalUsdPerMonth"}
    for j in report["jobs"]:
        assert {"job", "platform", "runsPerMonth", "vcpuHours", "gbHours", "usdPerRun", "usdPerMonth"} <= set(j)
    for c in report["ceilings"]:
        assert {"computeEnvironment", "usdPerHourAtMax"} <= set(c)


def test_bad_arguments_are_usage_errors():
    example = ROOT / "specs" / "render.yaml"
    for args in (["--spot-discount", "1.5"], ["--spot-discount", "x"], ["--format", "csv"]):
        r = run("cost", example, *args)
        assert r.code == 2 and r.stdout == "" and r.stderr.startswith("usage: batchgen cost")


# --- runs per month of a schedule ----------------------------------------------------------------

DAYS_IN_CYCLE = 146097  # 400 Gregorian years


@pytest.mark.parametrize("expression, runs", [
    ("cron(0 2 * * ? *)", 30),
    ("rate(1 day)", 30),
    ("rate(6 hours)", 120),
    ("rate(5 minutes)", 8640),
    ("cron(0/15 * * * ? *)", 30 * 96),
    ("cron(0 9 ? * MON-FRI *)", 30 * 5 / 7),
    ("cron(0 9 1 * ? *)", 4800 / DAYS_IN_CYCLE * 30),   # twelve a year: 0.986 in a 30-day month
    ("cron(0 9 L * ? *)", 4800 / DAYS_IN_CYCLE * 30),
    ("cron(0 9 ? * 2#1 *)", 4800 / DAYS_IN_CYCLE * 30),  # the first Monday
    ("cron(0 9 ? * 6L *)", 4800 / DAYS_IN_CYCLE * 30),   # the last Friday
    ("cron(0 9 29 2 ? *)", 97 / DAYS_IN_CYCLE * 30),     # 97 leap days in 400 years
    ("cron(0 2 * * ? 2027)", 30),
    # 2027 starts on a Friday: 104 weekend days; 2028, a leap year, on a Saturday: 106
    ("cron(0 2 ? * SAT,SUN 2027-2028)", 30 * (104 + 106) / (365 + 366)),
])
def test_runs_per_month_of_a_schedule(expression, runs):
    assert runs_per_month(expression) == pytest.approx(runs)


def test_w_is_the_nearest_weekday_in_the_month():
    first, length = calendar.monthrange(2025, 2)  # 1 February 2025 is a Saturday
    assert _dom_days("1W", 2025, 2, first, length) == {3}  # not Friday 31 January
    assert _dom_days("15W", 2025, 2, first, length) == {14}  # Saturday 15th -> Friday
    assert _dom_days("LW", 2025, 2, first, length) == {28}


# --- the price data --------------------------------------------------------------------------------

def test_prices_carry_sources_and_regions():
    for region in ("us-east-1", "us-west-2", "eu-west-1"):
        assert prices.fargate(region) is not None and prices.ec2(region, "m5.large") is not None
        for kind in ("fargate", "ec2"):
            src = prices.source(kind, region)
            assert src.read == "2026-12-04" and src.sources


def test_derived_sizes_follow_the_vcpu_proportion_the_us_east_1_list_shows():
    """A Region whose families give only the .large price derives the other sizes by vCPUs:
    check that proportion on the us-east-1 list of every family derived anywhere (it also
    catches a mistyped us-east-1 figure)."""
    table = prices.ec2_table("us-east-1")
    families = {t.split(".")[0] for region in ("us-west-2", "eu-west-1") for t in prices.derived(region)}
    assert families >= {"m5", "c5", "r5", "m6i"}
    for family in sorted(families):
        large = table[f"{family}.large"]
        for itype, vcpus, _ in instances.sizes(family):
            if "metal" in itype or itype not in table:
                continue
            assert table[itype] == pytest.approx(large * vcpus / 2, rel=0.005), itype
    assert prices.ec2("eu-west-1", "m5.24xlarge") == pytest.approx(0.107 * 48)
    assert prices.ec2("eu-west-1", "m5.metal") is None  # metal sizes aren't derived
