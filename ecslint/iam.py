"""IAM as the model holds it: who a role trusts, and what a role's policies allow.

Policy documents come as mappings, or as JSON strings (``Fn::Sub`` of a JSON text, ``jsonencode`` in
Terraform). Values a template computes are read as far as they are known: a service principal
``ecs-tasks.${AWS::URLSuffix}`` is ``ecs-tasks.amazonaws.com``; an ARN whose partition, region or
account is filled in matches any. What cannot be read makes the answer unknown (None), and rules
stay silent on it.
"""

from __future__ import annotations

import fnmatch
import json
import re
from dataclasses import dataclass
from typing import Any, Iterator

from ecslint.model import ModelObject, Policy, Role
from ecslint.model.values import Unresolved, function_call
from ecslint.tree import Node

ECS_TASKS, EC2, ECS = "ecs-tasks.amazonaws.com", "ec2.amazonaws.com", "ecs.amazonaws.com"
_FILLED_IN = re.compile(r"\$\{[^}]*\}")  # linear: each match ends at the first '}'
# Managed policies that carry what ECS needs of a role, by name (the last part of their ARN).
TASK_EXECUTION_POLICY = "AmazonECSTaskExecutionRolePolicy"
CONTAINER_INSTANCE_POLICIES = ("AmazonEC2ContainerServiceforEC2Role", "AmazonEC2ContainerServiceRole",
                               "AmazonECSInstanceRolePolicyForManagedInstances")


def _plain(node: Node | None) -> Any:
    if node is None:
        return None
    value = node.plain()
    return value.expression if isinstance(value, Unresolved) else value


def _text(value: Any) -> str | None:
    """A string as far as it is known: ``${AWS::URLSuffix}`` read as ``amazonaws.com``, other
    filled-in parts as ``*``; None for a value a template function computes."""
    if not isinstance(value, str):
        return None
    return _FILLED_IN.sub(lambda m: "amazonaws.com" if m.group() == "${AWS::URLSuffix}" else "*", value)


def document(node: Node | None) -> dict | None:
    """A policy document as plain data, from a mapping or a JSON string; None when unknown."""
    value = _plain(node)
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    if isinstance(value, dict) and function_call(value) is not None:
        return None
    return value if isinstance(value, dict) else None


@dataclass(frozen=True)
class Statement:
    """One statement of a policy: whether it allows, and its actions, resources and principals.
    ``known`` is false when a part of it is a value no one can read yet."""

    allow: bool
    actions: tuple[str, ...]
    resources: tuple[str, ...]
    services: tuple[str, ...]
    known: bool


def _strings(value: Any) -> tuple[list[str], bool]:
    """The strings of a string or a list of strings, and whether all of them are known."""
    items = value if isinstance(value, list) else [] if value is None else [value]
    texts = [_text(item) for item in items]
    return [t for t in texts if t is not None], all(t is not None for t in texts)


def statements(doc: dict | None) -> list[Statement]:
    """The statements of a policy document."""
    raw = doc.get("Statement") if isinstance(doc, dict) else None
    found = []
    for item in raw if isinstance(raw, list) else [raw] if isinstance(raw, dict) else []:
        if not isinstance(item, dict):
            continue
        actions, actions_known = _strings(item.get("Action"))
        resources, resources_known = _strings(item.get("Resource", "*" if "Principal" in item else None))
        principal = item.get("Principal")
        services, services_known = _strings(principal.get("Service") if isinstance(principal, dict) else None)
        effect = item.get("Effect")
        found.append(Statement(effect == "Allow", tuple(actions), tuple(resources), tuple(services),
                               actions_known and resources_known and services_known and isinstance(effect, str)))
    return found


def trusted_services(role: Role) -> set[str] | None:
    """The AWS services a role's trust policy lets assume it; None when that cannot be read."""
    doc = document(role.get("AssumeRolePolicyDocument"))
    if doc is None:
        return None
    found: set[str] = set()
    for statement in statements(doc):
        if not statement.known:
            return None
        if statement.allow and any(_matches(action, "sts:AssumeRole") for action in statement.actions):
            found.update(service.lower() for service in statement.services)
    return found


def _matches(pattern: str, value: str) -> bool:
    """IAM matching: ``*`` and ``?`` wildcards, actions case-insensitive."""
    return fnmatch.fnmatchcase(value.lower(), pattern.lower())


def managed_policy_names(role: Role) -> tuple[set[str], bool]:
    """The names of the AWS managed policies attached to a role (``AmazonECSTaskExecutionRolePolicy``),
    and whether every attached policy could be read."""
    arns, known = _strings(_plain(role.get("ManagedPolicyArns")))
    return {arn.rsplit("/", 1)[-1] for arn in arns}, known


def documents(role: Role, graph: Any) -> tuple[list[dict], bool]:
    """The permission documents of a role: its inline ``Policies``, and the policies of the project
    that attach themselves to it (``AWS::IAM::Policy``, ``RolePolicy``, ``ManagedPolicy``); and
    whether all of them could be read (a managed policy of another stack cannot)."""
    found, known = [], True
    inline = role.get("Policies")
    for item in inline.elements() if inline is not None else []:
        doc = document(item.get("PolicyDocument"))
        known = known and doc is not None
        if doc is not None:
            found.append(doc)
    if graph is not None:
        for policy, _ in graph.referrers(role, Policy):
            doc = document(policy.get("PolicyDocument"))
            known = known and doc is not None
            if doc is not None:
                found.append(doc)
    return found, known


def allowed(docs: list[dict], action: str, resource: str | None) -> bool | None:
    """Whether the documents allow ``action`` on ``resource`` (any resource when None); None when a
    statement that could decide it cannot be read."""
    unknown = False
    for doc in docs:
        for statement in statements(doc):
            if not statement.allow:
                continue
            if not statement.known:
                unknown = True
                continue
            if any(_matches(a, action) for a in statement.actions) and \
                    (resource is None or any(fnmatch.fnmatchcase(resource, r) or r == "*" for r in statement.resources)):
                return True
    return None if unknown else False


def roles_of(obj: ModelObject, graph: Any) -> Iterator[Role]:
    """The roles an instance profile holds (its ``Roles``), as far as they are among the inputs."""
    roles, _ = graph.targets(obj, obj.get("Roles"), Role)
    yield from roles
