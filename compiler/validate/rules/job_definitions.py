"""A job definition's kind (which properties go together), platforms, images, role ARNs; not its resources.

The parts of a definition with topics of their own: resource_requirements, fargate,
multinode, ecs_tasks, eks_pods, volumes, linux_parameters, log_configuration,
execution_roles, container_security, retry_strategies, placeholders.
"""
from __future__ import annotations

import json
import re
import shlex
from typing import Any

from ...catalog import Constraint
from ...job_shapes import container_properties, containers, ecs_tasks, jd_type, node_ranges, single_container
from ...language import is_arn
from ...patterns import ecma
from ...problems import ROOT
from ..context import Context, rule


_CONTAINER_KINDS = ("containerProperties", "ecsProperties", "eksProperties")


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


_NOT_WITH_EKS = ("containerProperties", "ecsProperties", "platformCapabilities", "propagateTags", "nodeProperties")


@rule("JDK-001")
def eks_excludes_other_kinds(ctx: Context, c: Constraint):
    """A top-level eksProperties comes without containerProperties, ecsProperties, platformCapabilities, propagateTags and nodeProperties."""
    for ptr, jd in ctx.entries("jobDefinitions"):
        if "eksProperties" not in jd:
            continue
        # On type multinode, JD-002 already reports every top-level properties object (eksProperties included).
        keys = _NOT_WITH_EKS if jd.get("type") != "multinode" else ("platformCapabilities", "propagateTags")
        for key in keys:
            if key in jd:
                yield c.at(ptr / key, at_key=True, where=(ptr / key).dotted())


def _eks_node_ranges(jd: dict) -> bool:
    """A multi-node job definition whose node ranges run on Amazon EKS. (A top-level
    eksProperties next to other kinds, platformCapabilities or propagateTags is JDK-001's.)"""
    return "eksProperties" not in jd and any("eksProperties" in r for _, r in node_ranges(ROOT, jd))


@rule("JD-003")
def platform_capabilities_fit(ctx: Context, c: Constraint):
    """platformCapabilities is left out on EKS multi-node job definitions and lists one platform."""
    for ptr, jd in ctx.entries("jobDefinitions"):
        if "platformCapabilities" not in jd:
            continue
        pc = jd["platformCapabilities"]
        where = (ptr / "platformCapabilities").dotted()
        if _eks_node_ranges(jd):
            yield c.at(ptr / "platformCapabilities", at_key=True, variant="eks", where=where)
        elif isinstance(pc, list) and len(pc) > 1:
            yield c.at(ptr / "platformCapabilities" / 1, variant="several", where=f"{where}[1]",
                       found=pc[1], first=pc[0])


@rule("JD-005")
def no_propagate_tags_on_eks(ctx: Context, c: Constraint):
    """propagateTags is left out on EKS multi-node job definitions."""
    for ptr, jd in ctx.entries("jobDefinitions"):
        if "propagateTags" in jd and _eks_node_ranges(jd):
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


@rule("JDC-001")
def container_image_is_valid(ctx: Context, valid_image: Constraint):
    """containerProperties has an image of at most 255 documented characters ('@' warns)."""
    lim = valid_image.limits
    allowed = ecma(lim["pattern"])
    for ptr, jd in ctx.entries("jobDefinitions"):
        single = single_container(ptr, jd)
        if single and "image" not in single[1]:
            yield valid_image.at(single[0], at_key=True, where=single[0].dotted())
        for cptr, c, *_ in container_properties(ptr, jd):
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
            elif _upper_case_repository(image):
                yield valid_image.at(iptr, variant="uppercase_repository", where=iptr.dotted(), found=image)
            elif lim["digest"] in image:
                yield valid_image.at(iptr, variant="digest", where=iptr.dotted(), found=image)


def _upper_case_repository(image: str) -> bool:
    """The repository path of an image reference has an upper-case letter (the registry host and the tag may)."""
    name = image.split("@", 1)[0]
    colon = name.find(":", name.rfind("/") + 1)
    if colon >= 0:
        name = name[:colon]  # the tag
    parts = name.split("/")
    if len(parts) > 1 and ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost"):
        parts = parts[1:]  # the registry host
    return any(p != p.lower() for p in parts)


@rule("JDC-006")
def command_is_an_argument_list(ctx: Context, c: Constraint):
    """A container's command is a list of arguments run without a shell: a first element with spaces is one executable's name."""
    for ptr, jd in ctx.entries("jobDefinitions"):
        for cptr, cp, *_ in container_properties(ptr, jd):
            command = cp.get("command")
            first = command[0] if isinstance(command, list) and command else None
            if isinstance(first, str) and " " in first.strip() and not first.startswith(("/", "./")):
                words = [_flow(w) for w in shlex.split(first, posix=True)] if _splits(first) else first.split()
                words += [_flow(w) for w in command[1:] if isinstance(w, str)]
                where = cptr / "command" / 0
                yield c.at(where, variant="spaces", where=where.dotted(), found=first, split=", ".join(words))


def _splits(text: str) -> bool:
    try:
        shlex.split(text)
        return True
    except ValueError:  # an unclosed quote
        return False


_PLAIN = re.compile(r"[A-Za-z_./][A-Za-z0-9_./=+-]*|--?[A-Za-z][A-Za-z0-9_./=+-]*")


def _flow(word: str) -> str:
    """`word` as an item of a YAML flow list: plain where it reads as that text, else JSON-quoted."""
    return word if _PLAIN.fullmatch(word) and word.lower() not in ("true", "false", "null", "yes", "no") \
        else json.dumps(word)


@rule("JDC-004")
def environment_entries_are_whole(ctx: Context, c: Constraint):
    """environment entries of containers and of jobs' containerOverrides give both name and value (a warning)."""
    places = [(k.ptr, k.body) for ptr, jd in ctx.entries("jobDefinitions") for k in containers(ptr, jd)]
    places += [(ptr / "containerOverrides", job["containerOverrides"]) for ptr, job in ctx.entries("jobs")
               if isinstance(job.get("containerOverrides"), dict)]
    for cptr, holder in places:
        env = holder.get("environment")
        for i, entry in enumerate(env if isinstance(env, list) else []):
            for key in ("name", "value"):
                if isinstance(entry, dict) and key not in entry:
                    eptr = cptr / "environment" / i
                    yield c.at(eptr, where=eptr.dotted(), key=key)


@rule("JDC-007")
def role_arns_are_iam_roles(ctx: Context, role_arn: Constraint):
    """jobRoleArn and executionRoleArn given as ARNs are IAM role ARNs."""
    pattern = re.compile(role_arn.limits["pattern"])
    for ptr, jd in ctx.entries("jobDefinitions"):
        holders = [(cptr, c) for cptr, c, *_ in container_properties(ptr, jd)] + list(ecs_tasks(ptr, jd))
        for hptr, holder in holders:
            for key in ("jobRoleArn", "executionRoleArn"):
                value = holder.get(key)
                if isinstance(value, str) and is_arn(value) and not pattern.fullmatch(value):
                    yield role_arn.at(hptr / key, where=(hptr / key).dotted(), found=value)


_NUMERIC_USER = re.compile(r"[0-9]+(:[0-9]+)?")


def _mentions(node: Any, needle: str) -> bool:
    if isinstance(node, str):
        return needle in node.lower()
    if isinstance(node, dict):
        return any(_mentions(k, needle) or _mentions(v, needle) for k, v in node.items())
    if isinstance(node, list):
        return any(_mentions(v, needle) for v in node)
    return False


@rule("JDC-009")
def numeric_user_with_batch_user_conditions(ctx: Context, numeric_user: Constraint):
    """When the spec's IAM uses batch:User conditions, containers name their user by uid."""
    if not _mentions(ctx.data.get("iam"), "batch:user"):
        return
    for ptr, jd in ctx.entries("jobDefinitions"):
        for cptr, c, *_ in containers(ptr, jd):
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
