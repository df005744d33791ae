"""EKS pods: container names, resources, labels, annotations, volumes, seccomp; not the cluster's admission policies.

Which keys a top-level eksProperties excludes is job_definitions' (JDK-001); one namespace for
the EKS node ranges of a multi-node definition is multinode's (JDM-009).
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any, Iterator

from ...catalog import Constraint
from ...job_shapes import dicts, node_ranges
from ...problems import Pointer
from ..context import Context, rule
from ..schema import did_you_mean
from ..shapes import REF_TEXT, strings


def _pods(ptr: Pointer, jd: dict) -> Iterator[tuple[Pointer, dict]]:
    """(pointer, podProperties) for eksProperties at the top and in node ranges."""
    for hptr, holder in [(ptr, jd), *node_ranges(ptr, jd)]:
        eks = holder.get("eksProperties")
        if isinstance(eks, dict) and isinstance(eks.get("podProperties"), dict):
            yield hptr / "eksProperties" / "podProperties", eks["podProperties"]


def _pod_containers(pod_ptr: Pointer, pod: dict) -> Iterator[tuple[Pointer, dict]]:
    for key in ("containers", "initContainers"):
        for i, c in dicts(pod.get(key)):
            yield pod_ptr / key / i, c


@rule("JDK-002")
def pod_container_names_are_unique(ctx: Context, unique: Constraint):
    """Container names (containers and initContainers, 'Default' when omitted) are unique in a pod."""
    default = unique.limits["default_name"]
    for ptr, jd in ctx.entries("jobDefinitions"):
        for pod_ptr, pod in _pods(ptr, jd):
            seen: dict[str, Pointer] = {}
            for cptr, c in _pod_containers(pod_ptr, pod):
                name = c.get("name", default)
                if not isinstance(name, str):
                    continue
                if name in seen:
                    if "name" in c:
                        at, where = cptr / "name", (cptr / "name").dotted()
                    else:
                        at, where = cptr, f"{cptr.dotted()} has no name, so its name"
                    yield unique.at(at, where=where, found=name, first=seen[name].dotted(), variant="duplicate")
                else:
                    seen[name] = cptr


_MEMORY = re.compile(r"^([0-9]+)Mi\Z")
_CPU = re.compile(r"^(?:([0-9]+(?:\.[0-9]+)?|\.[0-9]+)|([0-9]+)m)\Z")


def _cpu(value: str) -> Decimal | None:
    """vCPUs of a cpu quantity ('1', '0.5', '250m'); None when it isn't one."""
    m = _CPU.match(value)
    if not m:
        return None
    try:
        return Decimal(m.group(1)) if m.group(1) is not None else Decimal(m.group(2)) / 1000
    except InvalidOperation:
        return None


@rule("JDK-003")
def eks_resources(ctx: Context, quantities: Constraint):
    """EKS memory is whole MiB with Mi (at least 4Mi), cpu a multiple of 0.25, GPUs whole; limits equal requests for memory and GPUs, and are at least the requests for cpu."""
    lim = quantities.limits
    step = Decimal(str(lim["cpu_step"]))
    for ptr, jd in ctx.entries("jobDefinitions"):
        for pod_ptr, pod in _pods(ptr, jd):
            for cptr, c in _pod_containers(pod_ptr, pod):
                res = c.get("resources")
                if not isinstance(res, dict):
                    continue
                parsed: dict[str, dict[str, Any]] = {}
                for part in ("limits", "requests"):
                    values = res.get(part)
                    if not isinstance(values, dict):
                        continue
                    for name, value in values.items():
                        if not isinstance(value, str) or not isinstance(name, str):
                            continue
                        vptr = cptr / "resources" / part / name
                        if name == "memory":
                            m = _MEMORY.match(value)
                            if not m or int(m.group(1)) < lim["memory_min_mib"]:
                                yield quantities.at(vptr, where=vptr.dotted(), found=value, variant="memory")
                            else:
                                parsed.setdefault(part, {})[name] = int(m.group(1))
                        elif name == "cpu":
                            cpu = _cpu(value)
                            if cpu is None or cpu <= 0 or cpu % step != 0:
                                yield quantities.at(vptr, where=vptr.dotted(), found=value, variant="cpu")
                            else:
                                parsed.setdefault(part, {})[name] = cpu
                        elif name == "nvidia.com/gpu":
                            if not value.isdigit():
                                yield quantities.at(vptr, where=vptr.dotted(), found=value, variant="gpu")
                            else:
                                parsed.setdefault(part, {})[name] = int(value)
                limits, requests = parsed.get("limits", {}), parsed.get("requests", {})
                for name in ("memory", "nvidia.com/gpu", "cpu"):
                    if name not in limits or name not in requests:
                        continue
                    vptr = cptr / "resources" / "limits" / name
                    found, other = res["limits"][name], res["requests"][name]
                    if name == "cpu":
                        if limits[name] < requests[name]:
                            yield quantities.at(vptr, where=vptr.dotted(), found=found, other=other,
                                                variant="cpu_order")
                    elif limits[name] != requests[name]:
                        yield quantities.at(vptr, where=vptr.dotted(), found=found, other=other, resource=name,
                                            variant="equal")


_DNS_LABEL = r"[a-z0-9](?:[-a-z0-9]*[a-z0-9])?"
_DNS_SUBDOMAIN = re.compile(rf"^{_DNS_LABEL}(?:\.{_DNS_LABEL})*\Z")
_LABEL_CHARS = re.compile(r"^[A-Za-z0-9_-]*\Z")
_ANNOTATION_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9])?\Z")


def _annotation_key_problem(key: str, lim: dict) -> str | None:
    prefix, sep, name = key.rpartition("/")
    if sep:
        if len(prefix) > lim["annotation_prefix_max"] or not _DNS_SUBDOMAIN.match(prefix):
            return (f"its prefix '{prefix}' is not a DNS subdomain of at most {lim['annotation_prefix_max']} "
                    "lower-case letters, digits, '-' and '.'")
    if not name:
        return "an annotation key needs a name after the prefix"
    if len(name) > lim["annotation_name_max"]:
        return f"its name part is {len(name)} characters long; the maximum is {lim['annotation_name_max']}"
    if not _ANNOTATION_NAME.match(name):
        return ("its name part takes letters, digits, '-', '_' and '.', and starts and ends with a letter or digit")
    return None


@rule("JDK-006")
def pod_labels_and_annotations(ctx: Context, c: Constraint):
    """Pod labels are at most 63 characters (warning outside letters, digits, '-', '_'); annotation keys and values follow the Kubernetes syntax."""
    lim = c.limits
    for ptr, jd in ctx.entries("jobDefinitions"):
        for pod_ptr, pod in _pods(ptr, jd):
            meta = pod.get("metadata")
            if not isinstance(meta, dict):
                continue
            mptr = pod_ptr / "metadata"
            labels = meta.get("labels")
            lptr = mptr / "labels"
            for key, value in (labels.items() if isinstance(labels, dict) else ()):
                if not isinstance(key, str):
                    continue
                kptr = lptr / key
                name = key.rpartition("/")[2]
                if len(name) > lim["label_max"]:
                    yield c.at(kptr, at_key=True, where=lptr.dotted(), what="key", found=key, length=len(name))
                elif not _LABEL_CHARS.match(key):
                    yield c.at(kptr, at_key=True, where=lptr.dotted(), what="key", found=key,
                               variant="label_chars")
                if isinstance(value, str):
                    if len(value) > lim["label_max"]:
                        yield c.at(kptr, where=lptr.dotted(), what="value", found=value, length=len(value))
                    elif not _LABEL_CHARS.match(value):
                        yield c.at(kptr, where=lptr.dotted(), what="value", found=value, variant="label_chars")
            annotations = meta.get("annotations")
            aptr = mptr / "annotations"
            for key, value in (annotations.items() if isinstance(annotations, dict) else ()):
                if not isinstance(key, str):
                    continue
                kptr = aptr / key
                detail = _annotation_key_problem(key, lim)
                if detail:
                    yield c.at(kptr, at_key=True, where=aptr.dotted(), found=key, detail=detail,
                               variant="annotation_key")
                if isinstance(value, str) and len(value) > lim["annotation_value_max"]:
                    yield c.at(kptr, where=kptr.dotted(), found=len(value), variant="annotation_value")


@rule("JDK-007")
def pod_volumes(ctx: Context, pod_volume: Constraint):
    """Pod volume and secret names are DNS subdomain names, emptyDir.medium is '' or Memory, and every volume mount names a volume of the pod."""
    lim = pod_volume.limits
    for ptr, jd in ctx.entries("jobDefinitions"):
        for pod_ptr, pod in _pods(ptr, jd):
            names: list[str] = []
            for i, v in dicts(pod.get("volumes")):
                vptr = pod_ptr / "volumes" / i
                name = v.get("name")
                if isinstance(name, str):
                    names.append(name)
                    if len(name) > lim["dns_max"] or not _DNS_SUBDOMAIN.match(name):
                        yield pod_volume.at(vptr / "name", where=(vptr / "name").dotted(), found=name,
                                            what="a volume name")
                secret = v.get("secret")
                if isinstance(secret, dict) and isinstance(secret.get("secretName"), str):
                    sname = secret["secretName"]
                    if len(sname) > lim["dns_max"] or not _DNS_SUBDOMAIN.match(sname):
                        sptr = vptr / "secret" / "secretName"
                        yield pod_volume.at(sptr, where=sptr.dotted(), found=sname, what="a secret name")
                empty = v.get("emptyDir")
                if isinstance(empty, dict) and isinstance(empty.get("medium"), str) \
                        and empty["medium"] not in lim["media"]:
                    eptr = vptr / "emptyDir" / "medium"
                    yield pod_volume.at(eptr, where=eptr.dotted(), found=empty["medium"], variant="medium")
            for cptr, c in _pod_containers(pod_ptr, pod):
                for k, mount in dicts(c.get("volumeMounts")):
                    mptr = cptr / "volumeMounts" / k
                    name = mount.get("name")
                    if name is None:
                        yield pod_volume.at(mptr, where=mptr.dotted(), variant="missing")
                    elif isinstance(name, str) and name not in names:
                        listed = "its volumes: " + ", ".join(names) if names else "it has no volumes"
                        yield pod_volume.at(mptr / "name", where=(mptr / "name").dotted(), found=name, volumes=listed,
                                            suggestion=did_you_mean(name, names), variant="mount")


def _seccomp_profiles(pod_ptr: Pointer, pod: dict) -> Iterator[tuple[Pointer, dict]]:
    sc = pod.get("securityContext")
    if isinstance(sc, dict) and isinstance(sc.get("seccompProfile"), dict):
        yield pod_ptr / "securityContext" / "seccompProfile", sc["seccompProfile"]
    for cptr, c in _pod_containers(pod_ptr, pod):
        sc = c.get("securityContext")
        if isinstance(sc, dict) and isinstance(sc.get("seccompProfile"), dict):
            yield cptr / "securityContext" / "seccompProfile", sc["seccompProfile"]


@rule("JDK-009")
def seccomp_localhost_profile(ctx: Context, c: Constraint):
    """seccompProfile.localhostProfile is given exactly when the type is Localhost."""
    for ptr, jd in ctx.entries("jobDefinitions"):
        for pod_ptr, pod in _pods(ptr, jd):
            for sptr, profile in _seccomp_profiles(pod_ptr, pod):
                kind = profile.get("type")
                if kind == "Localhost" and "localhostProfile" not in profile:
                    yield c.at(sptr / "type", where=(sptr / "type").dotted(), variant="localhost_missing")
                elif kind != "Localhost" and "localhostProfile" in profile:
                    yield c.at(sptr / "localhostProfile", at_key=True, where=(sptr / "localhostProfile").dotted(),
                               found=kind, variant="localhost_extra")


@rule("JDP-005")
def placeholder_in_eks_job(ctx: Context, c: Constraint):
    """EKS job definitions don't substitute Ref:: placeholders anywhere in their pods."""
    for ptr, jd in ctx.entries("jobDefinitions"):
        for pod_ptr, pod in _pods(ptr, jd):
            for sptr, text in strings(pod, pod_ptr):
                m = REF_TEXT.search(text)
                if m:
                    yield c.at(sptr, where=sptr.dotted(), found=m.group(0))
