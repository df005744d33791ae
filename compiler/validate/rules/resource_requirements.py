"""VCPU, MEMORY and GPU requirements are well-formed and given (by the definition or each job); not Fargate pairs."""
from __future__ import annotations

from ...catalog import Constraint
from ...job_shapes import LEGACY_FIELDS, container_properties, jd_type, lists_fargate, requirements
from ...language import is_arn, split_revision
from ..context import Context, rule
from ..shapes import decimal, whole


@rule("JDR-002")
def no_legacy_vcpus_and_memory(ctx: Context, legacy_fields: Constraint):
    """Containers give vCPUs and memory in resourceRequirements, not in the deprecated vcpus/memory (an error on
    Fargate): one finding per container, naming every legacy field it sets."""
    for ptr, jd in ctx.entries("jobDefinitions"):
        fargate = lists_fargate(jd)
        for cptr, c, *_, single in container_properties(ptr, jd):
            legacy = [(key, kind) for key, kind in LEGACY_FIELDS if key in c]
            if not legacy:
                continue
            first = legacy[0][0]
            yield legacy_fields.at(
                cptr / first, at_key=True, variant="fargate" if fargate and single else None,
                where=(cptr / first).dotted() + "".join(f" and .{key}" for key, _ in legacy[1:]),
                verb="are" if len(legacy) > 1 else "is", pronoun="them" if len(legacy) > 1 else "it",
                kinds=" and ".join(kind for _, kind in legacy),
                replacement=", ".join(f'{{type: {kind}, value: "{c[key]}"}}' for key, kind in legacy))


@rule("JDR-003", "JDR-004")
def vcpus_and_memory_are_given(ctx: Context, vcpus: Constraint, memory: Constraint):
    """VCPU and MEMORY values are well-formed and large enough, given by the job definition (W) or else by each job that submits it (E)."""
    vmin = vcpus.limits["min"]
    mmin = memory.limits["min"]
    for ptr, jd in ctx.entries("jobDefinitions"):
        fargate = lists_fargate(jd)
        for cptr, c, *_, single in container_properties(ptr, jd):
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
        for cptr, c, *_, single in container_properties(ptr, jd):
            req = requirements(c)
            if "GPU" not in req:
                continue
            i, value = req["GPU"]
            rptr = cptr / "resourceRequirements" / i
            if fargate and single:
                yield gpus.at(rptr / "type", variant="fargate", where=rptr.dotted())
            elif whole(value) is None:
                yield gpus.at(rptr / "value", where=(rptr / "value").dotted(), found=value)
