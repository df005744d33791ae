"""Fargate definitions and jobs: vCPU/memory pairs, platform version, runtime, timeouts, storage; not EC2 capacity.

What Fargate forbids in volumes, linuxParameters, logging and ecsProperties tasks is checked
by those topics, beside what they allow elsewhere.
"""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, Iterator, Mapping

from ...catalog import Constraint
from ...job_shapes import (LEGACY_FIELDS, capabilities, container_properties, ecs_tasks, effective_resources,
                           is_fargate, jd_type, kind, lists_fargate, requirement, requirements, single_container)
from ...language import walk_path
from ...patterns import ecma
from ...problems import Pointer
from ..context import Context, rule
from ..schema import did_you_mean
from ..shapes import decimal, number_text, plain, whole, words
from ..targets import targets


@rule("JDF-001")
def fargate_is_not_multinode(ctx: Context, c: Constraint):
    """Fargate job definitions are not multi-node parallel."""
    for ptr, jd in ctx.entries("jobDefinitions"):
        if lists_fargate(jd) and jd_type(jd) == "multinode":
            i = jd["platformCapabilities"].index("FARGATE")
            p = ptr / "platformCapabilities" / i
            yield c.at(p, where=p.dotted())


def _fargate_memory(spec: Any) -> list[int]:
    """The MEMORY values (MiB) of one row of JDF-004's Fargate table: a list, or min..max in steps."""
    if isinstance(spec, list):
        return [int(m) for m in spec]
    return list(range(int(spec["min"]), int(spec["max"]) + 1, int(spec["step"])))


def _memory_text(spec: Any) -> str:
    if isinstance(spec, list):
        return words(spec)
    return f"{spec['min']}–{spec['max']} in steps of {spec['step']}"


def _nearest(values, target):
    """The value closest to target; a tie goes to the larger."""
    return min(values, key=lambda v: (abs(v - target), -v))


@rule("JDF-002", "JDF-003", "JDF-004")
def fargate_vcpu_memory_pair(ctx: Context, given: Constraint, offered_vcpu: Constraint, fitting_memory: Constraint):
    """Fargate job definitions give VCPU and MEMORY, and the pair is one Fargate offers."""
    vcpus = [Decimal(str(v)) for v in offered_vcpu.limits["vcpus"]]
    documented_max = Decimal(str(offered_vcpu.limits["documented_max"]))
    pairs = {plain(Decimal(str(k))): v for k, v in fitting_memory.limits["pairs"].items()}
    for ptr, jd in ctx.entries("jobDefinitions"):
        single = single_container(ptr, jd) if lists_fargate(jd) else None
        if not single:
            continue
        cptr, cp = single
        req = requirements(cp)
        vcpu = decimal(req["VCPU"][1]) if "VCPU" in req else None
        memory = whole(req["MEMORY"][1]) if "MEMORY" in req else None

        # A value the deprecated vcpus/memory give is JDR-002's error (one diagnostic per mistake).
        missing = [kind for key, kind in LEGACY_FIELDS if kind not in req and key not in cp]
        if missing:
            if missing == ["MEMORY"] and vcpu is not None and plain(vcpu) in pairs:
                example = f'{{type: MEMORY, value: "{_fargate_memory(pairs[plain(vcpu)])[0]}"}}'
            elif missing == ["VCPU"] and memory is not None:
                fits = [k for k, spec in pairs.items() if memory in _fargate_memory(spec)]
                example = f'{{type: VCPU, value: "{fits[0] if fits else "1"}"}}'
            else:
                example = '{type: VCPU, value: "1"} and {type: MEMORY, value: "2048"}'
            at = cptr / "resourceRequirements" if "resourceRequirements" in cp else cptr
            yield given.at(at, at_key=True, where=cptr.dotted(),
                           missing=" or ".join(missing), example=example)

        if vcpu is not None:
            vptr = cptr / "resourceRequirements" / req["VCPU"][0] / "value"
            if vcpu not in vcpus:
                yield offered_vcpu.at(vptr, where=vptr.dotted(), found=req["VCPU"][1],
                                      valid=words([plain(v) for v in vcpus]), nearest=plain(_nearest(vcpus, vcpu)))
                continue
            if vcpu > documented_max:
                yield offered_vcpu.at(vptr, variant="above_documented", where=vptr.dotted(),
                                      found=req["VCPU"][1])
        if vcpu is None or memory is None or plain(vcpu) not in pairs:
            continue
        spec = pairs[plain(vcpu)]
        valid = _fargate_memory(spec)
        if memory in valid:
            continue
        fits = [k for k, s in pairs.items() if memory in _fargate_memory(s)]
        alternative = f', or keep {memory} MiB with VCPU "{fits[0]}"' if fits else ""
        mptr = cptr / "resourceRequirements" / req["MEMORY"][0] / "value"
        yield fitting_memory.at(mptr, where=mptr.dotted(), found=memory, vcpu=plain(vcpu),
                                valid=_memory_text(spec), nearest=_nearest(valid, memory), alternative=alternative)


@rule("SJO-006", reads=("JDF-004",))
def fargate_override_pair(ctx: Context, c: Constraint, fargate_pairs: Constraint):
    """On Fargate, VCPU/MEMORY overrides with the job definition's other value form a valid Fargate pair."""
    pairs = _fargate_pairs(fargate_pairs.limits["pairs"])
    for t in targets(ctx):
        if t.jd is None or not is_fargate(t.jd) or kind(t.jd) != "container":
            continue
        co = t.job.get("containerOverrides")
        if requirement(co, "VCPU") is None and requirement(co, "MEMORY") is None:
            continue
        vcpu, memory = effective_resources(t.jd.get("containerProperties"), co)
        if vcpu is None or memory is None:
            continue
        allowed = pairs.get(number_text(vcpu))
        if allowed is None or int(memory) != memory or int(memory) not in allowed:
            yield c.at(t.pointer / "containerOverrides" / "resourceRequirements", vcpu=number_text(vcpu),
                       memory=number_text(memory), jd=t.jd_name, allowed=_allowed_text(allowed, pairs))


def _fargate_pairs(pairs: Mapping[str, Any]) -> dict[str, set[int]]:
    """VCPU value -> allowed MEMORY values (MiB): JDF-004's table (a list, or min..max in steps)."""
    return {str(vcpu): set(_fargate_memory(spec)) for vcpu, spec in pairs.items()}


def _allowed_text(allowed: set[int] | None, pairs: dict) -> str:
    if allowed is None:
        return "VCPU is one of " + ", ".join(pairs)
    values = sorted(allowed)
    return "MEMORY is one of " + ", ".join(str(v) for v in values) if len(values) <= 4 else \
        f"MEMORY is {values[0]}–{values[-1]} in steps of {values[1] - values[0]}"


_VERSION = re.compile(r"([0-9]+)\.([0-9]+)\.([0-9]+)")


@rule("JDF-008", "JDF-009")
def fargate_platform_version(ctx: Context, version_form: Constraint, efs_version: Constraint):
    """fargatePlatformConfiguration.platformVersion is LATEST or x.y.z, and 1.4.0 or later with EFS volumes (LATEST: a warning)."""
    lim8, lim9 = version_form.limits, efs_version.limits
    pattern = ecma(lim8["pattern"])
    minimum = tuple(int(p) for p in str(lim9["min"]).split("."))
    for ptr, jd in ctx.entries("jobDefinitions"):
        for cptr, c, *_, single in container_properties(ptr, jd):
            config = c.get("fargatePlatformConfiguration")
            version = config.get("platformVersion") if isinstance(config, dict) else None
            vptr = cptr / "fargatePlatformConfiguration" / "platformVersion"
            if isinstance(version, str):
                if not pattern.fullmatch(version):
                    yield version_form.at(vptr, where=vptr.dotted(), found=version)
                    continue
                if version not in lim8["known"]:
                    yield version_form.at(vptr, variant="unknown", where=vptr.dotted(), found=version,
                                          known=", ".join(lim8["known"]))
            if not (single and lists_fargate(jd)):
                continue
            volumes = c.get("volumes")
            efs = [(i, v) for i, v in enumerate(volumes) if isinstance(v, dict) and "efsVolumeConfiguration" in v] \
                if isinstance(volumes, list) else []
            if not efs:
                continue
            m = _VERSION.fullmatch(version) if isinstance(version, str) else None
            if m and tuple(int(g) for g in m.groups()) >= minimum:
                continue
            i, volume = efs[0]
            at = vptr if isinstance(version, str) else cptr / "volumes" / i / "efsVolumeConfiguration"
            yield efs_version.at(at, at_key=not isinstance(version, str), where=cptr.dotted(),
                                 variant=None if m else "latest",  # LATEST is 1.4.0 today (the catalog's notes)
                                 volume=volume.get("name", i), found=version if version else "LATEST (the default)")


def _fields(container: dict, fields: list[str]) -> Iterator[tuple[tuple, str]]:
    """(path inside the container, field as written in messages) for each listed field present."""
    for field in fields:
        for rel, _ in walk_path(container, tuple(field.split("."))):
            yield rel, field.replace(".*", "[]")


@rule("JDF-010", "JDF-011")
def fargate_runtime_platform(ctx: Context, runtime: Constraint, linux_only: Constraint):
    """runtimePlatform names a known OS family and architecture; Windows containers are X86_64 and set no Linux-only fields."""
    lim10, fields = runtime.limits, linux_only.limits["fields"]
    for ptr, jd in ctx.entries("jobDefinitions"):
        fargate = lists_fargate(jd)
        for cptr, c, *_, single in container_properties(ptr, jd):
            rp = c.get("runtimePlatform")
            if not isinstance(rp, dict):
                continue
            os_family, arch = rp.get("operatingSystemFamily"), rp.get("cpuArchitecture")
            rptr = cptr / "runtimePlatform"
            if isinstance(os_family, str) and os_family not in lim10["os_families"]:
                yield runtime.at(rptr / "operatingSystemFamily", 
                                 where=(rptr / "operatingSystemFamily").dotted(), found=os_family,
                                 allowed=", ".join(lim10["os_families"]),
                                 suggestion=did_you_mean(os_family, lim10["os_families"]))
                continue
            if isinstance(arch, str) and arch not in lim10["cpu_architectures"]:
                yield runtime.at(rptr / "cpuArchitecture", variant="architecture",
                                 where=(rptr / "cpuArchitecture").dotted(), found=arch,
                                 allowed=", ".join(lim10["cpu_architectures"]),
                                 suggestion=did_you_mean(arch, lim10["cpu_architectures"]))
            windows = isinstance(os_family, str) and os_family.startswith("WINDOWS")
            if not windows:
                continue
            if isinstance(arch, str) and arch in lim10["cpu_architectures"] and arch != lim10["windows_architecture"]:
                yield runtime.at(rptr / "cpuArchitecture", variant="windows_arm",
                                 where=(rptr / "cpuArchitecture").dotted(), found=arch, os=os_family)
            for rel, field in _fields(c, fields):
                if field == "privileged" and c.get("privileged") is True and fargate and single:
                    continue  # JDC-008 reports it
                p = Pointer((*cptr, *rel))
                yield linux_only.at(p, at_key=True, where=p.dotted(), os=os_family, field=field)


@rule("JDF-012")
def fargate_timeout_within_14_days(ctx: Context, c: Constraint):
    """A Fargate job definition's timeout is at most 14 days."""
    limit = c.limits["max"]
    for ptr, jd in ctx.entries("jobDefinitions"):
        timeout = jd.get("timeout")
        seconds = timeout.get("attemptDurationSeconds") if isinstance(timeout, dict) else None
        if lists_fargate(jd) and isinstance(seconds, int) and seconds > limit:
            p = ptr / "timeout" / "attemptDurationSeconds"
            yield c.at(p, where=p.dotted(), found=seconds)


@rule("SJ-008")
def fargate_job_timeout_within_14_days(ctx: Context, c: Constraint):
    """A Fargate job's submit-time timeout above 14 days is pointless: Fargate jobs aren't kept running that long."""
    limit = c.limits["max"]
    for t in targets(ctx):
        timeout = t.job.get("timeout")
        seconds = timeout.get("attemptDurationSeconds") if isinstance(timeout, dict) else None
        if t.jd is not None and is_fargate(t.jd) and isinstance(seconds, int) and seconds > limit:
            yield c.at(t.pointer / "timeout" / "attemptDurationSeconds", found=seconds, jd=t.jd_name)


@rule("JDC-012")
def fargate_settings_only_on_fargate(ctx: Context, fargate_only: Constraint):
    """networkConfiguration and fargatePlatformConfiguration appear only on Fargate job definitions."""
    for ptr, jd in ctx.entries("jobDefinitions"):
        if lists_fargate(jd):
            continue
        platform = words(capabilities(jd))
        for cptr, c, *_ in container_properties(ptr, jd):
            for key in ("networkConfiguration", "fargatePlatformConfiguration"):
                if key in c:
                    yield fargate_only.at(cptr / key, at_key=True, where=(cptr / key).dotted(), platform=platform)


@rule("JDC-014")
def ephemeral_storage_size(ctx: Context, size_range: Constraint):
    """ephemeralStorage.sizeInGiB is 21–200, on Fargate platform version 1.4.0 or later."""
    lim = size_range.limits
    minimum = tuple(int(p) for p in str(lim["platform_min"]).split("."))
    for ptr, jd in ctx.entries("jobDefinitions"):
        for cptr, c, *_, single in container_properties(ptr, jd):
            config = c.get("fargatePlatformConfiguration")
            version = config.get("platformVersion") if isinstance(config, dict) else None
            m = _VERSION.fullmatch(version) if isinstance(version, str) else None
            if single and lists_fargate(jd) and "ephemeralStorage" in c and m \
                    and tuple(int(g) for g in m.groups()) < minimum:
                vptr = cptr / "fargatePlatformConfiguration" / "platformVersion"
                yield size_range.at(vptr, variant="platform_version", where=(cptr / "ephemeralStorage").dotted(),
                                    version_where=vptr.dotted(), found=version)
        holders = [(cptr, c) for cptr, c, *_ in container_properties(ptr, jd)] + list(ecs_tasks(ptr, jd))
        for hptr, holder in holders:
            storage = holder.get("ephemeralStorage")
            size = storage.get("sizeInGiB") if isinstance(storage, dict) else None
            if isinstance(size, int) and not isinstance(size, bool) and not lim["min"] <= size <= lim["max"]:
                sptr = hptr / "ephemeralStorage" / "sizeInGiB"
                yield size_range.at(sptr, where=sptr.dotted(), found=size)
