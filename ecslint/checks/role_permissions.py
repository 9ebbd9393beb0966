"""What a task definition's roles are allowed to do: a task role or an execution role with administrator access,
or with every action of a service on every resource.

A role is read where its policies are among the inputs: its inline policies, the policies that attach
themselves to it (``AWS::IAM::Policy``, ``aws_iam_role_policy``), its managed policies (the project's own by
their documents, AWS managed policies by their names), and what ``aws_iam_role_policy_attachment`` resources
attach. A policy, statement, action or resource that cannot be read is not judged. A finding points at the
statement or attachment that grants the access, and is reported once for a role that several task definitions
share (naming the first of them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from ecslint.findings import Violation
from ecslint.iam import attached_policies, document, managed_policy_name, pattern, role_of
from ecslint.model import ModelObject, Policy, Role, TaskDefinition
from ecslint.tree import Node

ANY_ACTION = ("*", "*:*")
SERVICE_WIDE = re.compile(r"^[a-z0-9-]+:\*$")
# AWS managed policies that grant administrator access, every action of all but a few services, or the means to
# grant oneself anything (every IAM action).
ADMINISTRATOR_POLICIES = {
    "AdministratorAccess": "every action on every resource",
    "PowerUserAccess": "every action of every service but IAM, Organizations and Account on every resource",
    "IAMFullAccess": "every IAM action (iam:*) on every resource, enough to grant itself anything",
}


@dataclass(frozen=True)
class Grant:
    """Where a role gets too much access (a statement's member, or a managed policy ARN), what it grants, and
    the object that node belongs to."""

    node: Node
    what: str
    owner: ModelObject


def _texts(node: Node | None) -> list[str] | None:
    """The strings of a string or list value, or None when one of them is not known."""
    items = node.elements() if node is not None and node.is_seq else [node] if node is not None else []
    texts = [pattern(item) for item in items]
    return None if any(t is None for t in texts) else [t for t in texts if t is not None]


def _statement_grant(statement: Node) -> tuple[Node, str] | None:
    """What an Allow statement on every resource grants that is too much, and where."""
    if not statement.is_map or pattern(statement.get("Effect")) != "Allow":
        return None
    resources = _texts(statement.get("Resource"))
    if not resources or "*" not in resources:
        return None  # specific (or unknown) resources bound what the statement allows
    negated = statement.get("NotAction")
    if negated is not None:
        return negated, "allows every action but those of NotAction on every resource"
    actions = _texts(statement.get("Action")) or []
    if any(action in ANY_ACTION for action in actions):
        return statement.get("Action"), "allows every action (Action \"*\") on every resource"
    wide = sorted({action for action in actions if SERVICE_WIDE.match(action)})
    if wide:
        return statement.get("Action"), f"allows every action of a service ({', '.join(wide)}) on every resource"
    return None


def _located(value: object, at: Node) -> Node:
    """Plain data (a policy read from JSON text) as nodes, every one of them where the text is."""
    if isinstance(value, dict):
        inner: object = {key: _located(item, at) for key, item in value.items()}
    elif isinstance(value, list):
        inner = [_located(item, at) for item in value]
    else:
        inner = value
    return Node(inner, at.line, at.col, at.end_line, at.end_col, None, None, at.file)


def _document_grants(node: Node | None, owner: ModelObject) -> Iterator[Grant]:
    """The grants of one policy document (as a mapping, or JSON text)."""
    if node is None:
        return
    if node.is_scalar:  # JSON text: read it, and point at the document
        doc = document(node)
        if doc is not None:
            node = _located(doc, node)
    statements = node.get("Statement") if node.is_map else None
    for statement in statements.elements() if statements is not None and statements.is_seq else \
            [statements] if statements is not None else []:
        found = _statement_grant(statement)
        if found is not None:
            yield Grant(found[0], found[1], owner)


def _managed_grants(role: Role, graph) -> Iterator[Grant]:
    """What the role's managed policies grant: AWS managed ones by name, the project's by their documents."""
    for item in role.list("ManagedPolicyArns"):
        name = managed_policy_name(item)
        if name in ADMINISTRATOR_POLICIES:
            yield Grant(item, f"has the AWS managed policy {name}, which allows {ADMINISTRATOR_POLICIES[name]}", role)
        elif name is None:
            policy = graph.target(role, item, Policy)
            if policy is not None:
                yield from _document_grants(policy.get("PolicyDocument"), policy)


def grants(role: Role, graph, policies: list[ModelObject]) -> Iterator[Grant]:
    """Every statement or attachment that gives the role administrator access or a whole service."""
    for item in role.list("Policies"):
        yield from _document_grants(item.get("PolicyDocument") if item.is_map else None, role)
    for policy in attached_policies(role, graph, policies):
        yield from _document_grants(policy.get("PolicyDocument"), policy)
    yield from _managed_grants(role, graph)


def _users(project, member: str) -> dict[int, list[TaskDefinition]]:
    """The task definitions among the inputs whose ``member`` is each role (by the role's id)."""
    users: dict[int, list[TaskDefinition]] = {}
    for task in project.objects("TaskDefinition"):
        role = role_of(task, member, project.graph)
        if role is not None:
            users.setdefault(id(role), []).append(task)
    return users


def _first_user(role: Role, member: str, task: TaskDefinition, ctx) -> tuple[bool, int]:
    """Whether ``task`` is the first task definition among the inputs whose ``member`` is ``role`` (the one
    the finding is reported for), and how many others share the role."""
    users = ctx.project.graph.table(f"users of {member}", lambda: _users(ctx.project, member)).get(id(role), [])
    return (not users or users[0] is task), max(len(users) - 1, 0)


def _role_grants(task: TaskDefinition, member: str, ctx) -> Iterator[tuple[Role, Grant, int]]:
    graph = ctx.project.graph
    role = role_of(task, member, graph)
    if role is None:
        return
    first, others = _first_user(role, member, task, ctx)
    if not first:
        return
    for grant in grants(role, graph, ctx.project.objects("Policy")):
        yield role, grant, others


def _named(task: TaskDefinition, others: int) -> str:
    return task.label + (f" (and {others} other task definition{'s' if others > 1 else ''})" if others else "")


def task_role_admin_access(task: TaskDefinition, ctx) -> Iterator[Violation]:
    """A task role should not have administrator access, nor every action of a service on every resource."""
    for role, grant, others in _role_grants(task, "taskRoleArn", ctx):
        yield Violation(grant.node, f"{role.label}, the task role of {_named(task, others)}, {grant.what}: the "
                                    "application in the containers, and anyone who takes it over through a "
                                    "vulnerability, gets these AWS permissions. Allow only the actions the application "
                                    "calls, on the resources it uses.", within=grant.owner)


def execution_role_admin_access(task: TaskDefinition, ctx) -> Iterator[Violation]:
    """An execution role should not have administrator access, nor every action of a service on every resource."""
    for role, grant, others in _role_grants(task, "executionRoleArn", ctx):
        yield Violation(grant.node, f"{role.label}, the execution role of {_named(task, others)}, {grant.what}, "
                                    "while ECS only needs it to pull the task's images, write its logs and read its "
                                    "secrets; whoever can pass or assume the role gets far more. Attach "
                                    "AmazonECSTaskExecutionRolePolicy and allow only the secrets and keys the task "
                                    "reads.", within=grant.owner)
