"""Rules for job definitions: general, container, resources, Fargate, multi-node, retry, timeout (JD-, JDC-, JDR-, JDF-, JDM-, JDY-, JDT-).

Each rule looks at one job definition entry alone (retry rules also at one `jobs` entry's
retryStrategy, SJ-007); the one exception is JDR-003/JDR-004, whose error is on a `jobs`
entry that submits a job definition without vCPUs or memory and doesn't override them.
Every number, word list and table comes from the catalog (compiler/data/catalog/jd.yaml).
"""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, Iterator

from ..catalog import Constraint
from ..language import is_arn, split_revision, walk_path
from ..patterns import ecma
from ..problems import Pointer
from .context import Context, rule
from .schema import did_you_mean
from .shapes import (capabilities, containers, decimal, ecs_tasks, eks_node_ranges, fargate_memory, jd_type,
                     lists_fargate, node_ranges, plain, requirements, single_container, whole, words)

_CONTAINER_KINDS = ("containerProperties", "ecsProperties", "eksProperties")
_CONDITIONS = ("onStatusReason", "onReason", "onExitCode")
_NUMERIC_USER = re.compile(r"[0-9]+(:[0-9]+)?")
_VERSION = re.compile(r"([0-9]+)\.([0-9]+)\.([0-9]+)")


# --- helpers ------------------------------------------------------------------------------


def _nodes_text(segments: list[tuple[int, int]]) -> tuple[str, bool]:
    """'4–7, 9' and whether that is more than one node."""
    parts = [f"{a}" if a == b else f"{a}–{b}" for a, b in segments]
    many = len(segments) > 1 or segments[0][0] != segments[0][1]
    return ", ".join(parts), many


def _fields(container: dict, fields: list[str]) -> Iterator[tuple[tuple, str]]:
    """(path inside the container, field as written in messages) for each listed field present."""
    for field in fields:
        for rel, _ in walk_path(container, tuple(field.split("."))):
            yield rel, field.replace(".*", "[]")


def _mentions(node: Any, needle: str) -> bool:
    if isinstance(node, str):
        return needle in node.lower()
    if isinstance(node, dict):
        return any(_mentions(k, needle) or _mentions(v, needle) for k, v in node.items())
    if isinstance(node, list):
        return any(_mentions(v, needle) for v in node)
    return False


# --- 5.1 General --------------------------------------------------------------------------


@rule("JD-002")
def job_definition_kind_matches_its_properties(ctx: Context, c: Constraint):
    """A container job definition has exactly one of containerProperties/ecsProperties/eksProperties; a multinode one has nodeProperties only."""
    for ptr, jd in ctx.entries("jobDefinitions"):
        t = jd_type(jd)
        present = [k for k in _CONTAINER_KINDS if k in jd]
        if t == "multinode":
            if "nodeProperties" not in jd:
                yield c.at(ptr / "type", variant="no_nodes", where=ptr.dotted())
            for k in present:
                yield c.at(ptr / k, at_key=True, variant="top_level_on_multinode", where=(ptr / k).dotted())
            continue
        if "eksProperties" in jd:
            continue  # JDK-001 reports every key a top-level eksProperties excludes
        if "nodeProperties" in jd:
            yield c.at(ptr / "nodeProperties", at_key=True, variant="nodes_on_container",
                          where=(ptr / "nodeProperties").dotted(), type=t)
        elif not present:
            yield c.at(ptr / "type" if "type" in jd else ptr, variant="none", where=ptr.dotted(), type=t)
        for k in present[1:]:
            yield c.at(ptr / k, at_key=True, where=ptr.dotted(), first=present[0], found=k)


@rule("JD-003")
def platform_capabilities_fit(ctx: Context, c: Constraint):
    """platformCapabilities is left out on EKS multi-node job definitions and lists one platform."""
    for ptr, jd in ctx.entries("jobDefinitions"):
        if "platformCapabilities" not in jd:
            continue
        pc = jd["platformCapabilities"]
        where = (ptr / "platformCapabilities").dotted()
        if eks_node_ranges(jd):
            yield c.at(ptr / "platformCapabilities", at_key=True, variant="eks", where=where)
        elif isinstance(pc, list) and len(pc) > 1:
            yield c.at(ptr / "platformCapabilities" / 1, variant="several", where=f"{where}[1]",
                          found=pc[1], first=pc[0])


@rule("JD-005")
def no_propagate_tags_on_eks(ctx: Context, c: Constraint):
    """propagateTags is left out on EKS multi-node job definitions."""
    for ptr, jd in ctx.entries("jobDefinitions"):
        if "propagateTags" in jd and eks_node_ranges(jd):
            yield c.at(ptr / "propagateTags", at_key=True, where=(ptr / "propagateTags").dotted())


@rule("JD-008")
def consumable_resources_are_complete(ctx: Context, c: Constraint):
    """Each consumable resource requirement names the resource and a quantity."""
    for ptr, jd in ctx.entries("jobDefinitions"):
        for hptr, holder in [(ptr, jd)] + list(node_ranges(ptr, jd)):
            props = holder.get("consumableResourceProperties")
            items = props.get("consumableResourceList") if isinstance(props, dict) else None
            if not isinstance(items, list):
                continue
            for i, item in enumerate(items):
                if not isinstance(item, dict):
                    continue
                iptr = hptr / "consumableResourceProperties" / "consumableResourceList" / i
                for key in ("consumableResource", "quantity"):
                    if key not in item:
                        yield c.at(iptr, where=iptr.dotted(), key=key)


# --- 5.2 Container properties -------------------------------------------------------------


@rule("JDC-001")
def container_image_is_valid(ctx: Context, valid_image: Constraint):
    """containerProperties has an image of at most 255 documented characters ('@' warns)."""
    lim = valid_image.limits
    allowed = ecma(lim["pattern"])
    for ptr, jd in ctx.entries("jobDefinitions"):
        single = single_container(ptr, jd)
        if single and "image" not in single[1]:
            yield valid_image.at(single[0], at_key=True, where=single[0].dotted())
        for cptr, c, _ in ((k.ptr, k.body, k.single) for k in containers(ptr, jd) if not k.in_task):
            image = c.get("image")
            if not isinstance(image, str):
                continue
            iptr = cptr / "image"
            if image == "":
                yield valid_image.at(iptr, where=cptr.dotted())
            elif len(image) > lim["max"]:
                yield valid_image.at(iptr, variant="length", where=iptr.dotted(), found=len(image))
            elif not allowed.fullmatch(image.replace(lim["digest"], "")):
                bad = sorted({ch for ch in image if ch != lim["digest"] and not allowed.fullmatch(ch)})
                yield valid_image.at(iptr, variant="characters", where=iptr.dotted(), found=image,
                              bad=", ".join(f"'{ch}'" for ch in bad))
            elif lim["digest"] in image:
                yield valid_image.at(iptr, variant="digest", where=iptr.dotted(), found=image)


@rule("JDC-005")
def no_plaintext_credentials(ctx: Context, plaintext: Constraint):
    """Environment variables whose names look like credentials hold no plaintext value."""
    lim = plaintext.limits
    words = [re.compile(r"(^|_)" + re.escape(w) + r"(_|$)") for w in lim["words"]]
    for ptr, jd in ctx.entries("jobDefinitions"):
        for cptr, c in ((k.ptr, k.body) for k in containers(ptr, jd)):
            env = c.get("environment")
            if not isinstance(env, list):
                continue
            for i, kv in enumerate(env):
                if not isinstance(kv, dict):
                    continue
                name, value = kv.get("name"), kv.get("value")
                if not isinstance(name, str) or not isinstance(value, str) or not value or is_arn(value):
                    continue
                normal = re.sub(r"[^A-Z0-9]+", "_", name.upper())
                if any(normal.endswith(s) for s in lim["ignore_suffixes"]):
                    continue
                if any(w.search(normal) for w in words):
                    yield plaintext.at(cptr / "environment" / i / "value", where=(cptr / "environment" / i).dotted(),
                                  name=name)


@rule("JDC-007")
def role_arns_are_iam_roles(ctx: Context, role_arn: Constraint):
    """jobRoleArn and executionRoleArn given as ARNs are IAM role ARNs."""
    pattern = re.compile(role_arn.limits["pattern"])
    for ptr, jd in ctx.entries("jobDefinitions"):
        holders = [(cptr, c) for cptr, c, _ in ((k.ptr, k.body, k.single) for k in containers(ptr, jd) if not k.in_task)] + list(ecs_tasks(ptr, jd))
        for hptr, holder in holders:
            for key in ("jobRoleArn", "executionRoleArn"):
                value = holder.get(key)
                if isinstance(value, str) and is_arn(value) and not pattern.fullmatch(value):
                    yield role_arn.at(hptr / key, where=(hptr / key).dotted(), found=value)


@rule("JDC-008")
def not_privileged_on_fargate(ctx: Context, c: Constraint):
    """Fargate containers are not privileged."""
    for ptr, jd in ctx.entries("jobDefinitions"):
        single = (single_container(ptr, jd) if lists_fargate(jd) else None)
        if single and single[1].get("privileged") is True:
            yield c.at(single[0] / "privileged", where=(single[0] / "privileged").dotted())


@rule("JDC-009")
def numeric_user_with_batch_user_conditions(ctx: Context, numeric_user: Constraint):
    """When the spec's IAM uses batch:User conditions, containers name their user by uid."""
    if not _mentions(ctx.data.get("iam"), "batch:user"):
        return
    for ptr, jd in ctx.entries("jobDefinitions"):
        for cptr, c in ((k.ptr, k.body) for k in containers(ptr, jd)):
            user = c.get("user")
            if isinstance(user, str) and not _NUMERIC_USER.fullmatch(user):
                yield numeric_user.at(cptr / "user", where=(cptr / "user").dotted(), found=user)


@rule("JDC-011")
def instance_type_only_in_node_ranges(ctx: Context, c: Constraint):
    """instanceType is set only in multi-node parallel node ranges."""
    for ptr, jd in ctx.entries("jobDefinitions"):
        single = single_container(ptr, jd)
        if single and "instanceType" in single[1]:
            yield c.at(single[0] / "instanceType", at_key=True, where=(single[0] / "instanceType").dotted())


@rule("JDC-012")
def fargate_settings_only_on_fargate(ctx: Context, fargate_only: Constraint):
    """networkConfiguration and fargatePlatformConfiguration appear only on Fargate job definitions."""
    for ptr, jd in ctx.entries("jobDefinitions"):
        if lists_fargate(jd):
            continue
        platform = words(capabilities(jd))
        for cptr, c, _ in ((k.ptr, k.body, k.single) for k in containers(ptr, jd) if not k.in_task):
            for key in ("networkConfiguration", "fargatePlatformConfiguration"):
                if key in c:
                    yield fargate_only.at(cptr / key, at_key=True, where=(cptr / key).dotted(), platform=platform)


@rule("JDC-013")
def repository_credentials_are_a_secret(ctx: Context, secret_arn: Constraint):
    """repositoryCredentials.credentialsParameter given as an ARN is a Secrets Manager ARN."""
    service = secret_arn.limits["service"]
    for ptr, jd in ctx.entries("jobDefinitions"):
        for cptr, c in ((k.ptr, k.body) for k in containers(ptr, jd)):
            creds = c.get("repositoryCredentials")
            value = creds.get("credentialsParameter") if isinstance(creds, dict) else None
            if isinstance(value, str) and is_arn(value) and value.split(":")[2:3] != [service]:
                vptr = cptr / "repositoryCredentials" / "credentialsParameter"
                yield secret_arn.at(vptr, where=vptr.dotted(), found=value)


@rule("JDC-014")
def ephemeral_storage_size(ctx: Context, size_range: Constraint):
    """ephemeralStorage.sizeInGiB is 21–200."""
    lim = size_range.limits
    for ptr, jd in ctx.entries("jobDefinitions"):
        holders = [(cptr, c) for cptr, c, _ in ((k.ptr, k.body, k.single) for k in containers(ptr, jd) if not k.in_task)] + list(ecs_tasks(ptr, jd))
        for hptr, holder in holders:
            storage = holder.get("ephemeralStorage")
            size = storage.get("sizeInGiB") if isinstance(storage, dict) else None
            if isinstance(size, int) and not isinstance(size, bool) and not lim["min"] <= size <= lim["max"]:
                sptr = hptr / "ephemeralStorage" / "sizeInGiB"
                yield size_range.at(sptr, where=sptr.dotted(), found=size)


# --- 5.3 Resources ------------------------------------------------------------------------


@rule("JDR-002")
def no_legacy_vcpus_and_memory(ctx: Context, legacy_fields: Constraint):
    """Containers give vCPUs and memory in resourceRequirements, not in the deprecated vcpus/memory (an error on Fargate)."""
    for ptr, jd in ctx.entries("jobDefinitions"):
        fargate = lists_fargate(jd)
        for cptr, c, single in ((k.ptr, k.body, k.single) for k in containers(ptr, jd) if not k.in_task):
            for key, kind in (("vcpus", "VCPU"), ("memory", "MEMORY")):
                if key in c:
                    variant = "fargate" if fargate and single else None
                    yield legacy_fields.at(cptr / key, at_key=True, variant=variant, where=(cptr / key).dotted(),
                                  kind=kind, value=c[key])


@rule("JDR-003", "JDR-004")
def vcpus_and_memory_are_given(ctx: Context, vcpus: Constraint, memory: Constraint):
    """VCPU and MEMORY values are well-formed and large enough, given by the job definition (W) or else by each job that submits it (E)."""
    vmin = vcpus.limits["min"]
    mmin = memory.limits["min"]
    for ptr, jd in ctx.entries("jobDefinitions"):
        fargate = lists_fargate(jd)
        for cptr, c, single in ((k.ptr, k.body, k.single) for k in containers(ptr, jd) if not k.in_task):
            fargate_single = fargate and single
            req = requirements(c)
            if "VCPU" in req:
                i, value = req["VCPU"]
                vptr = cptr / "resourceRequirements" / i / "value"
                number = decimal(value)
                if number is None:
                    yield vcpus.at(vptr, variant="format", where=vptr.dotted(), found=value)
                elif not fargate_single and number < vmin:
                    yield vcpus.at(vptr, variant="min", where=vptr.dotted(), found=value)
            legacy = c.get("vcpus")
            if isinstance(legacy, int) and not fargate_single and legacy < vmin:
                yield vcpus.at(cptr / "vcpus", variant="min", where=(cptr / "vcpus").dotted(),
                              found=legacy)
            if "MEMORY" in req:
                i, value = req["MEMORY"]
                mptr = cptr / "resourceRequirements" / i / "value"
                if whole(value) is None:
                    yield memory.at(mptr, variant="format", where=mptr.dotted(), found=value)
                elif not fargate_single and int(value) < mmin:
                    yield memory.at(mptr, variant="min", where=mptr.dotted(), found=value)
            legacy = c.get("memory")
            if isinstance(legacy, int) and not fargate_single and legacy < mmin:
                yield memory.at(cptr / "memory", variant="min", where=(cptr / "memory").dotted(),
                              found=legacy)
            if single and not fargate:  # Fargate: JDF-002; node ranges: JDM-007
                at = cptr / "resourceRequirements" if "resourceRequirements" in c else cptr
                if "VCPU" not in req and "vcpus" not in c:
                    yield vcpus.at(at, at_key=True, variant="jd", where=cptr.dotted())
                if "MEMORY" not in req and "memory" not in c:
                    yield memory.at(at, at_key=True, variant="jd", where=cptr.dotted())

    for jptr, job in ctx.entries("jobs"):
        ref = job.get("jobDefinition")
        if not isinstance(ref, str) or is_arn(ref):
            continue
        name = split_revision(ref)[0]
        found = ctx.named("jobDefinitions", name)
        if found is None:
            continue
        jd = found[1]
        cp = jd.get("containerProperties")
        if jd_type(jd) != "container" or lists_fargate(jd) or not isinstance(cp, dict):
            continue
        overrides = job.get("containerOverrides") if isinstance(job.get("containerOverrides"), dict) else {}
        jd_req, over_req = requirements(cp), requirements(overrides)
        for c, kind, legacy in ((vcpus, "VCPU", "vcpus"), (memory, "MEMORY", "memory")):
            if not (kind in jd_req or legacy in cp or kind in over_req or legacy in overrides):
                yield c.at(jptr / "jobDefinition", where=jptr.dotted(), jd=name)


@rule("JDR-005")
def gpus_are_whole_and_not_on_fargate(ctx: Context, gpus: Constraint):
    """GPU requirements are whole numbers, and not on Fargate."""
    for ptr, jd in ctx.entries("jobDefinitions"):
        fargate = lists_fargate(jd)
        for cptr, c, single in ((k.ptr, k.body, k.single) for k in containers(ptr, jd) if not k.in_task):
            req = requirements(c)
            if "GPU" not in req:
                continue
            i, value = req["GPU"]
            rptr = cptr / "resourceRequirements" / i
            if fargate and single:
                yield gpus.at(rptr / "type", variant="fargate", where=rptr.dotted())
            elif whole(value) is None:
                yield gpus.at(rptr / "value", where=(rptr / "value").dotted(), found=value)


# --- 5.4 Fargate --------------------------------------------------------------------------


@rule("JDF-001")
def fargate_is_not_multinode(ctx: Context, c: Constraint):
    """Fargate job definitions are not multi-node parallel."""
    for ptr, jd in ctx.entries("jobDefinitions"):
        if lists_fargate(jd) and jd_type(jd) == "multinode":
            i = jd["platformCapabilities"].index("FARGATE")
            p = ptr / "platformCapabilities" / i
            yield c.at(p, where=p.dotted())


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
        single = (single_container(ptr, jd) if lists_fargate(jd) else None)
        if not single:
            continue
        cptr, cp = single
        req = requirements(cp)
        vcpu = decimal(req["VCPU"][1]) if "VCPU" in req else None
        memory = req["MEMORY"][1] if "MEMORY" in req else None
        memory = whole(memory)

        missing = [t for t in ("VCPU", "MEMORY") if t not in req]
        if missing:
            if missing == ["MEMORY"] and vcpu is not None and plain(vcpu) in pairs:
                example = f'{{type: MEMORY, value: "{fargate_memory(pairs[plain(vcpu)])[0]}"}}'
            elif missing == ["VCPU"] and memory is not None:
                fits = [k for k, spec in pairs.items() if memory in fargate_memory(spec)]
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
        valid = fargate_memory(spec)
        if memory in valid:
            continue
        fits = [k for k, s in pairs.items() if memory in fargate_memory(s)]
        alternative = f', or keep {memory} MiB with VCPU "{fits[0]}"' if fits else ""
        mptr = cptr / "resourceRequirements" / req["MEMORY"][0] / "value"
        yield fitting_memory.at(mptr, where=mptr.dotted(), found=memory, vcpu=plain(vcpu),
                      valid=_memory_text(spec), nearest=_nearest(valid, memory), alternative=alternative)


@rule("JDF-005")
def fargate_ecs_tasks_have_an_execution_role(ctx: Context, c: Constraint):
    """Fargate ecsProperties task properties name an execution role (batchgen generates one only for containerProperties)."""
    for ptr, jd in ctx.entries("jobDefinitions"):
        if not lists_fargate(jd):
            continue
        for tptr, task in ecs_tasks(ptr, jd):
            if "executionRoleArn" not in task:
                yield c.at(tptr, where=tptr.dotted())


@rule("JDF-008", "JDF-009")
def fargate_platform_version(ctx: Context, version_form: Constraint, efs_version: Constraint):
    """fargatePlatformConfiguration.platformVersion is LATEST or x.y.z, and 1.4.0 or later (explicit) with EFS volumes."""
    lim8, lim9 = version_form.limits, efs_version.limits
    pattern = ecma(lim8["pattern"])
    minimum = tuple(int(p) for p in str(lim9["min"]).split("."))
    for ptr, jd in ctx.entries("jobDefinitions"):
        for cptr, c, single in ((k.ptr, k.body, k.single) for k in containers(ptr, jd) if not k.in_task):
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
                          volume=volume.get("name", i), found=version if version else "LATEST (the default)")


@rule("JDF-010", "JDF-011")
def fargate_runtime_platform(ctx: Context, runtime: Constraint, linux_only: Constraint):
    """runtimePlatform names a known OS family and architecture; Windows containers are X86_64 and set no Linux-only fields."""
    lim10, fields = runtime.limits, linux_only.limits["fields"]
    for ptr, jd in ctx.entries("jobDefinitions"):
        fargate = lists_fargate(jd)
        for cptr, c, single in ((k.ptr, k.body, k.single) for k in containers(ptr, jd) if not k.in_task):
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


# --- 5.5 Multi-node parallel --------------------------------------------------------------


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
    containers = []
    if isinstance(r.get("container"), dict):
        containers.append(r["container"])
    ecs = r.get("ecsProperties")
    for task in (ecs.get("taskProperties") or []) if isinstance(ecs, dict) else []:
        if isinstance(task, dict) and isinstance(task.get("containers"), list):
            containers.extend(c for c in task["containers"] if isinstance(c, dict))
    for c in containers:
        req = requirements(c)
        if isinstance(c.get("image"), str) and c["image"]:
            out.add("image")
        if "vcpus" in c or "VCPU" in req:
            out.add("vCPUs")
        if "memory" in c or "MEMORY" in req:
            out.add("memory")
    return out


@rule("JDM-005", "JDM-006", "JDM-007", reads=("JDM-003",))
def node_ranges_cover_the_nodes(ctx: Context, target_nodes: Constraint, coverage: Constraint, provided: Constraint, num_nodes: Constraint):
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


# --- 5.6 Retry strategy -------------------------------------------------------------------


def _retry_strategies(ctx: Context) -> Iterator[tuple[Pointer, dict]]:
    for section in ("jobDefinitions", "jobs"):
        for ptr, entry in ctx.entries(section):
            rs = entry.get("retryStrategy")
            if isinstance(rs, dict):
                yield ptr / "retryStrategy", rs


def _stem(pattern: str) -> str:
    return pattern[:-1] if pattern.endswith("*") else pattern


@rule("JDY-002", "JDY-003", "JDY-006", "JDY-007", "JDY-008")
def retry_conditions_can_match(ctx: Context, needs_attempts: Constraint, has_condition: Constraint, ends_catch_all: Constraint, real_reason: Constraint, never_retried: Constraint):
    """evaluateOnExit comes with attempts, every entry has a condition Batch can match, and the list ends with a catch-all."""
    reasons = real_reason.limits["reasons"]
    never = [w.lower() for w in never_retried.limits["words"]]
    for rptr, rs in _retry_strategies(ctx):
        conditions = rs.get("evaluateOnExit")
        if not isinstance(conditions, list):
            continue
        if "attempts" not in rs:
            yield needs_attempts.at(rptr, at_key=True, variant="attempts", where=rptr.dotted())
        entries = [(i, e) for i, e in enumerate(conditions) if isinstance(e, dict)]
        catch_all, all_have_conditions = False, True
        for i, e in entries:
            eptr = rptr / "evaluateOnExit" / i
            given = {k: e[k] for k in _CONDITIONS if isinstance(e.get(k), str)}
            if not given:
                all_have_conditions = False
                yield has_condition.at(eptr, variant="no_condition", where=eptr.dotted())
            elif all(v == "*" for v in given.values()):
                catch_all = True
            action = e.get("action").upper() if isinstance(e.get("action"), str) else ""
            for key in ("onStatusReason", "onReason"):
                value = given.get(key)
                if value is None:
                    continue
                stem = _stem(value).lower()
                vptr = eptr / key
                if action == "RETRY" and any(w in stem for w in never):
                    yield never_retried.at(vptr, where=vptr.dotted(), found=value)
                    continue
                bogus = next((r for r in reasons if stem.startswith(r.lower())), None)
                if bogus:
                    yield real_reason.at(vptr, where=vptr.dotted(), found=value, reason=bogus)
        attempts = rs.get("attempts")
        retries = not (isinstance(attempts, int) and attempts <= 1)
        if entries and retries and all_have_conditions and not catch_all:
            last = entries[-1][0]
            yield ends_catch_all.at(rptr / "evaluateOnExit" / last, 
                          where=(rptr / "evaluateOnExit").dotted(), found=len(entries))
