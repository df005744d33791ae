"""`iam.roles` and `iam.policies` -> Role and CustomerPolicy of the model; where roles are used.

Part of resolve: links names (ManagedPolicyArns and PermissionsBoundary naming a spec
policy, Access naming queues, job definitions and roles) and fills in a trust policy for a
role that has none, from the fields that use it. Knows no YAML positions and no output format.
"""
from __future__ import annotations

from typing import Any

from .. import access
from ..language import ROLE_USES, RefKind, RoleUse, is_arn, jobs_by_name, role_uses
from ..model import CustomerPolicy, InlinePolicy, Ref, Role, trust_policy_for
from ..naming import tf_label
from ..problems import Pointer


def _policy_ref(value: str) -> Any:
    return value if is_arn(value) else Ref(RefKind.POLICY, value, arn=True)


def _unique_label(base: str, taken: set[str]) -> str:
    label, n = base, 2
    while label in taken:
        label, n = f"{base}_{n}", n + 1
    taken.add(label)
    return label


def resolve_iam(spec: dict) -> tuple[list[Role], list[CustomerPolicy]]:
    iam = spec.get("iam") if isinstance(spec.get("iam"), dict) else {}
    jobs = jobs_by_name(spec)
    uses: dict[str, list[RoleUse]] = {}
    for use in role_uses(spec):
        uses.setdefault(use.role, []).append(use)

    policies = [
        CustomerPolicy(
            name=p["ManagedPolicyName"],
            label=tf_label(p["ManagedPolicyName"]),
            document=access.document(p.get("PolicyDocument"), p.get("Access"), jobs),
            path=p.get("Path"),
            description=p.get("Description"),
            pointer=Pointer(("iam", "policies", i)),
            document_key="PolicyDocument" if "PolicyDocument" in p else "Access",
        )
        for i, p in enumerate(iam.get("policies") or [])
    ]

    roles: list[Role] = []
    for i, r in enumerate(iam.get("roles") or []):
        name = r["RoleName"]
        label = tf_label(name)
        used = uses.get(name, [])
        trust = r.get("AssumeRolePolicyDocument")
        if trust is None:  # SPEC.md defaults: trust the services the spec uses the role with
            trust = trust_policy_for(sorted({ROLE_USES[u.field][0] for u in used}) or ["ecs-tasks.amazonaws.com"])
        inline_labels: set[str] = set()
        roles.append(Role(
            name=name,
            label=label,
            purpose=r.get("Description") or f"IAM role {name} (iam.roles)",
            service="",
            managed_policies=[],
            instance_profile=any(u.field == "instanceRole" for u in used),
            spec=True,
            trust_policy=trust,
            policy_arns=[_policy_ref(a) for a in r.get("ManagedPolicyArns") or []],
            inline_policies=[
                InlinePolicy(p["PolicyName"], _unique_label(f"{label}_{tf_label(p['PolicyName'])}", inline_labels),
                             access.document(p.get("PolicyDocument"), p.get("Access"), jobs))
                for p in r.get("Policies") or []
            ],
            path=r.get("Path"),
            permissions_boundary=_policy_ref(r["PermissionsBoundary"]) if r.get("PermissionsBoundary") else None,
            max_session_duration=r.get("MaxSessionDuration"),
            description=r.get("Description"),
            tags={t["Key"]: t["Value"] for t in r.get("Tags") or []},
            pointer=Pointer(("iam", "roles", i)),
        ))
    return roles, policies
