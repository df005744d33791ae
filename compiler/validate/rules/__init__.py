"""The rules, by topic: every Rule each topic module defines, in the modules' order.

TOPICS is the one list of rule modules (an explicit list, like yamllint's: no discovery by
import side effects); a module's rules are the @rule / @model_rule functions it defines,
in source order. tests/test_rule_registry.py checks every decorated function is here.
"""
from __future__ import annotations

from types import ModuleType

from ..context import Rule
from . import (account_limits, capacity, compute_environments, container_security, dependencies, ecs_tasks, eks_pods,
               estimates, events, execution_roles, fair_share, fargate, iam_policies, iam_roles, imported,
               job_definitions, jobs, launch_templates, linux_parameters, log_configuration, machine_images,
               managed_instances, multinode, names, output, overrides, placeholders, queues, resource_requirements,
               retry_strategies, sizes, tags, terraform_settings, triggers, volumes)

TOPICS: tuple[ModuleType, ...] = (
    names, output, tags, account_limits, compute_environments, launch_templates, machine_images, managed_instances,
    queues, fair_share, jobs, capacity, dependencies, overrides, placeholders,
    job_definitions, resource_requirements, fargate, execution_roles, container_security, multinode, retry_strategies,
    volumes, linux_parameters, log_configuration, ecs_tasks, eks_pods,
    iam_policies, iam_roles, events, triggers, terraform_settings, estimates, imported, sizes,
)


def _defined_in(module: ModuleType) -> tuple[Rule, ...]:
    """The Rules `module` itself defines (not those it imports), in source order."""
    return tuple(v for v in vars(module).values() if isinstance(v, Rule) and v.check.__module__ == module.__name__)


# IDs more than one rule reports, on purpose (one wording, found in more than one place):
# BG-007 by the Batch sections' label check and by the IAM / EventBridge / SNS names check.
SHARED_IDS: frozenset[str] = frozenset({"BG-007"})

ALL_RULES: tuple[Rule, ...] = tuple(r for module in TOPICS for r in _defined_in(module))
SPEC_RULES: tuple[Rule, ...] = tuple(r for r in ALL_RULES if r.stage == "spec")
MODEL_RULES: tuple[Rule, ...] = tuple(r for r in ALL_RULES if r.stage == "model")
