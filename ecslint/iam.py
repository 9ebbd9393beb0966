"""IAM as the model holds it: who a role trusts, and what a role's policies allow.

Policy documents come as mappings, or as JSON strings (``Fn::Sub`` of a JSON text, ``jsonencode`` in
Terraform). Values a template computes are read as far as they are known: a service principal
``ecs-tasks.${AWS::URLSuffix}`` is ``ecs-tasks.amazonaws.com``; an ARN whose partition, region or
account is filled in matches any. A resource that is a reference (``!Ref DbSecret``) is kept as the
reference, equal to the same reference elsewhere. What cannot be read makes the answer unknown
(None), and rules stay silent on it.

The AWS managed policies that ECS roles carry are known by their published documents
(:data:`MANAGED_POLICIES`); another AWS managed policy may allow anything, so it makes a "no" unknown.
"""

from __future__ import annotations

import json
import re
import weakref
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

from ecslint.model import MAX_PATTERN_INPUT, ModelObject, Policy, Role
from ecslint.model.values import Unresolved, fill_placeholders, function_call
from ecslint.tree import Node

ECS_TASKS, EC2, ECS = "ecs-tasks.amazonaws.com", "ec2.amazonaws.com", "ecs.amazonaws.com"
# Managed policies that carry what ECS needs of a role, by name (the last part of their ARN).
TASK_EXECUTION_POLICY = "AmazonECSTaskExecutionRolePolicy"
# The container instance role's policies: the ECS agent's rights on EC2 hosts (and on ECS Managed
# Instances). Not AmazonEC2ContainerServiceRole: that is the legacy ECS service role's policy, for
# load balancer registration, and it gives the agent nothing.
CONTAINER_INSTANCE_POLICIES = ("AmazonEC2ContainerServiceforEC2Role", "AmazonECSInstanceRolePolicyForManagedInstances")
_NEGATED = ("NotAction", "NotResource", "NotPrincipal")


def _plain(node: Node | None) -> Any:
    if node is None:
        return None
    value = node.plain()
    return value.expression if isinstance(value, Unresolved) else value


def _text(value: Any) -> str | None:
    """A string as far as it is known: ``${AWS::URLSuffix}`` read as ``amazonaws.com``, other
    filled-in parts as ``*``; None for a value a template function computes."""
    if not isinstance(value, str) or len(value) > MAX_PATTERN_INPUT:
        return None
    return fill_placeholders(value, lambda part: "amazonaws.com" if part == "${AWS::URLSuffix}" else "*")


def pattern(node: Node | None) -> str | None:
    """A string value of the model as an IAM-style pattern: its filled-in parts (``${AWS::Region}``,
    ``{{region}}``) as ``*``; None when it is not a string, or is behind a YAML tag."""
    return _text(node.value) if node is not None and node.tag is None else None


def strings(value: Any) -> Iterator[str]:
    """Every string in plain data, those of the functions a template leaves unresolved included."""
    pending = [value]
    while pending:
        current = pending.pop()
        if isinstance(current, Unresolved):
            pending.append(current.expression)
        elif isinstance(current, dict):
            pending.extend(current.values())
        elif isinstance(current, list):
            pending.extend(current)
        elif isinstance(current, str):
            yield current


def _unknown(value: Any) -> bool:
    """A value no one can read yet: one a template function or a Terraform expression computes."""
    return isinstance(value, Unresolved) or function_call(value) is not None


def document(node: Node | None) -> dict | None:
    """A policy document as plain data, from a mapping or a JSON string; None when unknown."""
    value = node.plain() if node is not None else None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    return value if isinstance(value, dict) and not _unknown(value) else None


@dataclass(frozen=True)
class Statement:
    """One statement of a policy: whether it allows, and its actions, resources and principals.
    ``known`` is false when a part of it is a value no one can read yet; ``actions_known`` when its
    effect and actions can be read (its resources may still be references: ``opaque``, the
    values a template or Terraform computes them with). ``anyone``: its principal is ``*``."""

    allow: bool
    actions: tuple[str, ...]
    resources: tuple[str, ...]
    services: tuple[str, ...]
    known: bool
    opaque: tuple[Any, ...] = ()
    actions_known: bool = True
    anyone: bool = False


# What a statement that cannot be read may be: one that allows anything.
_UNREADABLE = Statement(True, (), (), (), False, (), False)


def _strings(value: Any) -> tuple[list[str], bool]:
    """The strings of a string or a list of strings, and whether all of them are known."""
    items = value if isinstance(value, list) else [] if value is None else [value]
    texts = [_text(item) for item in items]
    return [t for t in texts if t is not None], all(t is not None for t in texts)


def _resources(value: Any) -> tuple[list[str], list[Any]]:
    """The resources of a statement that can be read, and the values of those a template computes."""
    items = value if isinstance(value, list) else [] if value is None else [value]
    texts = [_text(item) for item in items]
    return [t for t in texts if t is not None], [i for i, t in zip(items, texts) if t is None]


def _principal(value: Any) -> tuple[list[str], bool, bool]:
    """The services a principal names, whether it can be read, and whether it is anyone (``*``)."""
    if value is None:
        return [], True, False
    if value == "*":
        return [], True, True
    if not isinstance(value, dict) or _unknown(value):
        return [], False, False
    services, known = _strings(value.get("Service"))
    accounts, accounts_known = _strings(value.get("AWS"))
    return services, known and accounts_known, "*" in accounts


def statements(doc: dict | None) -> list[Statement]:
    """The statements of a policy document; one that cannot be read is an unknown statement."""
    raw = doc.get("Statement") if isinstance(doc, dict) else None
    items = raw if isinstance(raw, list) else [raw] if raw is not None else []
    found = []
    for item in items:
        if not isinstance(item, dict) or _unknown(item):
            found.append(_UNREADABLE)
            continue
        actions, actions_known = _strings(item.get("Action"))
        resources, opaque = _resources(item.get("Resource", "*" if "Principal" in item else None))
        services, principal_known, anyone = _principal(item.get("Principal"))
        effect = item.get("Effect")
        actions_known = actions_known and isinstance(effect, str) and not any(k in item for k in _NEGATED)
        found.append(Statement(effect != "Deny", tuple(actions), tuple(resources), tuple(services),
                               actions_known and principal_known and not opaque, tuple(opaque), actions_known,
                               anyone))
    return found


def trusted_services(role: Role) -> set[str] | None:
    """The AWS services a role's trust policy lets assume it; None when that cannot be read (it trusts any
    principal, or a service a placeholder names)."""
    doc = document(role.get("AssumeRolePolicyDocument"))
    if doc is None:
        return None
    found: set[str] = set()
    for statement in statements(doc):
        if not statement.known or (statement.allow and statement.anyone):
            return None
        if statement.allow and any(_matches(action, "sts:AssumeRole") for action in statement.actions):
            if any("*" in service for service in statement.services):
                return None  # a service a placeholder fills in (``${Service}``, ``ecs-tasks.{{ suffix }}``): any
            found.update(service.lower().removesuffix(".cn") for service in statement.services)
    return found


def _matches(pattern_text: str, value: str) -> bool:
    """IAM action matching: ``*`` and ``?`` wildcards, case-insensitive."""
    return may_match(pattern_text.lower(), value.lower())


# Longest strings whose wildcards are compared exactly; longer ones may match (an ARN is far shorter).
_MAX_COMPARED = 512


def may_match(policy: str, value: str) -> bool:
    """Whether a policy's pattern (``*`` any text, ``?`` one character) may match a value whose unknown
    parts are ``*`` too: an ARN part a template fills in, which holds no ``:`` (``arn:aws:ssm:us-east-1:*:
    parameter/app/db`` against ``arn:aws:ssm:*:*:parameter/app/*``). Quadratic in their lengths, which
    are bounded."""
    if len(policy) > _MAX_COMPARED or len(value) > _MAX_COMPARED:
        return True
    n, m = len(policy), len(value)
    # after[j]: whether policy[i + 1:] and value[j:] may match (the row below the current one).
    after = [False] * (m + 1)
    for i in range(n, -1, -1):
        row = [False] * (m + 1)
        for j in range(m, -1, -1):
            a = policy[i] if i < n else None
            b = value[j] if j < m else None
            if a is None and b is None:
                row[j] = True
            elif a == "*" or b == "*":
                row[j] = (a == "*" and (after[j] or (b is not None and row[j + 1]))) or \
                    (b == "*" and (row[j + 1] or (a is not None and a != ":" and after[j])))
            elif a is not None and b is not None:
                row[j] = (a == b or a == "?" or b == "?") and after[j + 1]
        after = row
    return after[0]


# A string that starts with a resource of the template: ``${DbSecret}`` or ``${DbSecret}:password::`` (a
# secret's JSON key after its ARN).
_STARTS_WITH_RESOURCE = re.compile(r"^\$\{([A-Za-z0-9]+)(\.[A-Za-z0-9.]+)?\}(:|$)")


@dataclass(frozen=True)
class Reference:
    """A value a template computes (``!Ref DbSecret``, ``aws_secretsmanager_secret.db.arn``), to compare with
    the resources of a policy. ``resource``: the resource the adapter says it refers to (a Terraform
    resource's address), when it says so."""

    expression: Any
    resource: str | None = field(default=None, compare=False)

    @classmethod
    def of(cls, value: Any) -> Reference:
        """The reference a value of the model makes: an unresolved value with the resource it refers to (a
        data source is not one: it may read what a resource makes), or a value as it is."""
        if not isinstance(value, Unresolved):
            return cls(value)
        named = value.refers_to if value.refers_to and not value.refers_to.startswith("data.") else None
        return cls(value.expression, named)

    @property
    def logical_id(self) -> str | None:
        """The resource it refers to (``Ref``, ``Fn::GetAtt``, or a string that starts with one), if any."""
        if self.resource is not None:
            return self.resource
        if isinstance(self.expression, str):
            match = _STARTS_WITH_RESOURCE.match(self.expression)
            return match.group(1) if match else None
        call = function_call(self.expression)
        if call is None:
            return None
        name, argument = call
        if name == "Ref" and isinstance(argument, str):
            return argument
        if name == "Fn::GetAtt":
            target = argument[0] if isinstance(argument, list) and argument else argument
            return target.split(".", 1)[0] if isinstance(target, str) else None
        return None


def _covers(statement: Statement, resource: str | Reference | None) -> bool | None:
    """Whether the statement's resources cover ``resource`` (any resource when None)."""
    if resource is None:
        return bool(statement.resources or statement.opaque)
    if isinstance(resource, str):
        if any(may_match(r, resource) for r in statement.resources):
            return True
        return None if statement.opaque else False
    if "*" in statement.resources:
        return True
    references = [Reference.of(e) for e in statement.opaque]
    if any(r == resource or (r.logical_id is not None and r.logical_id == resource.logical_id) for r in references):
        return True
    # Another literal resource may be the one the reference computes; another reference to a
    # resource of the template (or module) is not. A resource the adapter names and one a string
    # starts with are not compared: ``${local.arn}`` may be any resource's.
    if statement.resources or resource.logical_id is None or \
            any(r.logical_id is None or (r.resource is None) != (resource.resource is None) for r in references):
        return None
    return False


def allowed(docs: list[dict], action: str, resource: str | Reference | None = None) -> bool | None:
    """Whether the documents allow ``action`` on ``resource``: a pattern (its unknown parts ``*``),
    a :class:`Reference`, or any resource when None. True when a statement may allow it (its
    resources may be the one asked about); None when a statement that could decide it cannot be read."""
    unknown = False
    for doc in docs:
        for statement in statements(doc):
            if not statement.allow:
                continue
            if not statement.actions_known:
                unknown = True
                continue
            if not any(_matches(a, action) for a in statement.actions):
                continue
            verdict = _covers(statement, resource)
            if verdict:
                return True
            unknown = unknown or verdict is None
    return None if unknown else False


# --- AWS managed policies ----------------------------------------------------------------------------

def _allow(*actions: str, resource: str = "*") -> dict:
    """A statement allowing ``actions`` on ``resource``."""
    return {"Effect": "Allow", "Action": list(actions), "Resource": resource}


@dataclass(frozen=True)
class ManagedPolicy:
    """What an AWS managed policy allows (its published document, or the part of it for the services
    in ``described``; an action of another service is unknown)."""

    statements: tuple[dict, ...]
    described: frozenset[str] | None = None  # None: every service

    def document(self) -> dict:
        """The policy document."""
        return {"Statement": list(self.statements)}

    def describes(self, action: str) -> bool:
        """Whether the document says all the policy allows of the action's service."""
        return self.described is None or action.split(":", 1)[0].lower() in self.described


_ECR_PULL = ("ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer",
             "ecr:BatchGetImage")
_ASKED = frozenset({"ecs", "ecr", "logs", "ssm", "secretsmanager", "kms"})  # the services ecslint asks about
# From the AWS managed policy reference (docs.aws.amazon.com/aws-managed-policy/latest/reference/).
MANAGED_POLICIES: dict[str, ManagedPolicy] = {
    "AdministratorAccess": ManagedPolicy((_allow("*"),)),
    TASK_EXECUTION_POLICY: ManagedPolicy((_allow(*_ECR_PULL, "logs:CreateLogStream", "logs:PutLogEvents"),)),
    "AmazonEC2ContainerServiceforEC2Role": ManagedPolicy((_allow(
        "ec2:DescribeTags", "ecs:CreateCluster", "ecs:DeregisterContainerInstance", "ecs:DiscoverPollEndpoint",
        "ecs:Poll", "ecs:RegisterContainerInstance", "ecs:StartTelemetrySession", "ecs:UpdateContainerInstancesState",
        "ecs:Submit*", "ecs:TagResource", *_ECR_PULL, "logs:CreateLogStream", "logs:PutLogEvents"),)),
    "AmazonEC2ContainerServiceRole": ManagedPolicy((_allow(
        "ec2:AuthorizeSecurityGroupIngress", "ec2:Describe*", "elasticloadbalancing:Describe*",
        "elasticloadbalancing:DeregisterInstancesFromLoadBalancer", "elasticloadbalancing:DeregisterTargets",
        "elasticloadbalancing:RegisterInstancesWithLoadBalancer", "elasticloadbalancing:RegisterTargets"),)),
    "AmazonEC2ContainerRegistryReadOnly": ManagedPolicy((_allow(
        "ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:Describe*", "ecr:Get*", "ecr:List*"),), _ASKED),
    "CloudWatchLogsFullAccess": ManagedPolicy((_allow("logs:*"),), _ASKED),
    "CloudWatchFullAccess": ManagedPolicy((_allow("logs:*"),), _ASKED),
    "CloudWatchAgentServerPolicy": ManagedPolicy((
        _allow("cloudwatch:PutMetricData", "ec2:DescribeVolumes", "ec2:DescribeTags", "logs:PutLogEvents",
               "logs:PutRetentionPolicy", "logs:DescribeLogStreams", "logs:DescribeLogGroups", "logs:CreateLogStream",
               "logs:CreateLogGroup", "xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules",
               "xray:GetSamplingTargets", "xray:GetSamplingStatisticSummaries"),
        _allow("ssm:GetParameter", resource="arn:aws:ssm:*:*:parameter/AmazonCloudWatch-*"))),
    "AmazonSSMManagedInstanceCore": ManagedPolicy((_allow("ssm:*", "ssmmessages:*", "ec2messages:*"),), _ASKED),
    "AmazonSSMReadOnlyAccess": ManagedPolicy((_allow("ssm:Describe*", "ssm:Get*", "ssm:List*"),)),
    "AWSXRayDaemonWriteAccess": ManagedPolicy((_allow("xray:*"),), _ASKED),
    "AWSLambdaBasicExecutionRole": ManagedPolicy((_allow("logs:CreateLogGroup", "logs:CreateLogStream",
                                                         "logs:PutLogEvents"),)),
    "SecretsManagerReadWrite": ManagedPolicy((_allow("secretsmanager:*"),),
                                             frozenset({"secretsmanager", "ecs", "ecr", "logs"})),
}


def managed_policy_name(node: Node | None) -> str | None:
    """The name of the AWS managed policy an ARN names (``arn:aws:iam::aws:policy/service-role/Name``)."""
    text = pattern(node)
    parts = text.split(":", 5) if text else []
    if len(parts) == 6 and parts[4] == "aws" and parts[5].startswith("policy/"):
        return parts[5].rsplit("/", 1)[-1]
    return None


def managed_policy_names(role: Role) -> tuple[set[str], bool]:
    """The names of the managed policies attached to a role (``AmazonECSTaskExecutionRolePolicy``),
    and whether every attached policy could be read."""
    arns, known = _strings(_plain(role.get("ManagedPolicyArns")))
    return {arn.rsplit("/", 1)[-1] for arn in arns}, known


def managed_policy_item(role: Role, names: tuple[str, ...]) -> Node | None:
    """The item of the role's ``ManagedPolicyArns`` that attaches one of the AWS managed policies
    ``names`` (IAM names are case-insensitive), if any."""
    wanted = {name.lower() for name in names}
    for item in role.list("ManagedPolicyArns"):
        name = managed_policy_name(item)
        if name is not None and name.lower() in wanted:
            return item
    return None


# The roles each policy attaches itself to, by graph (asked for every role of a project).
_ATTACHES: weakref.WeakKeyDictionary[Any, dict[ModelObject, list[ModelObject | None]]] = weakref.WeakKeyDictionary()


def attachments(policy: ModelObject) -> list[Node]:
    """Where a policy names the roles it attaches itself to (``Roles``, or a ``RoleName``)."""
    return [node for node in (policy.get("RoleName"), *policy.list("Roles")) if node is not None]


def attached_policies(role: Role, graph: Any, policies: Iterable[ModelObject]) -> list[ModelObject]:
    """The policies that attach themselves to ``role``: by a template's reference to it, or, among
    ``policies``, by its name or ARN."""
    found = [policy for policy, node in graph.referrers(role, Policy) if any(node is n for n in attachments(policy))]
    attaches = _ATTACHES.setdefault(graph, {})
    for policy in policies:
        if policy not in attaches:
            attaches[policy] = [graph.target(policy, n, Role) for n in attachments(policy)]
        if policy not in found and any(target is role for target in attaches[policy]):
            found.append(policy)
    return found


def documents(role: Role, graph: Any, policies: Iterable[ModelObject] = ()) -> tuple[list[dict], bool]:
    """The permission documents of a role: its inline ``Policies``, and the policies of the project
    that attach themselves to it (``AWS::IAM::Policy``, ``RolePolicy``, ``ManagedPolicy``: by a
    reference, or, among ``policies``, by name); and whether all of them could be read."""
    found, known = [], True
    inline = role.get("Policies")
    if inline is not None and inline.value is not None and not inline.is_seq:
        known = False
    for item in inline.elements() if inline is not None else []:
        doc = document(item.get("PolicyDocument"))
        known = known and doc is not None
        if doc is not None:
            found.append(doc)
    for policy in attached_policies(role, graph, policies) if graph is not None else []:
        doc = document(policy.get("PolicyDocument"))
        known = known and doc is not None
        if doc is not None:
            found.append(doc)
    return found, known


@dataclass
class Permissions:
    """What a role's policies allow, as far as they can be read: ``documents`` (inline, attached, the
    role's own managed policies among the inputs), the AWS managed policies it carries, and whether
    some policy could not be read (which makes every "no" unknown)."""

    documents: list[dict] = field(default_factory=list)
    managed: list[ManagedPolicy] = field(default_factory=list)
    complete: bool = True

    def allows(self, action: str, resource: str | Reference | None = None) -> bool | None:
        """Whether the role may do ``action`` on ``resource`` (see :func:`allowed`); None when unknown."""
        docs = self.documents + [policy.document() for policy in self.managed]
        verdict = allowed(docs, action, resource)
        if verdict:
            return True
        if verdict is None or not self.complete or not all(p.describes(action) for p in self.managed):
            return None
        return False


def permissions(role: Role, graph: Any, policies: Iterable[ModelObject] = ()) -> Permissions:
    """What the role's policies allow: :func:`documents`, and its ``ManagedPolicyArns``: AWS managed
    policies by their published documents, the project's own managed policies by theirs."""
    docs, complete = documents(role, graph, policies)
    found = Permissions(docs, [], complete)
    arns = role.get("ManagedPolicyArns")
    if arns is not None and arns.value is not None and not arns.is_seq:
        found.complete = False
    for item in arns.elements() if arns is not None else []:
        name = managed_policy_name(item)
        if name is not None and name in MANAGED_POLICIES:
            found.managed.append(MANAGED_POLICIES[name])
            continue
        policy = graph.target(role, item, Policy) if graph is not None and name is None else None
        doc = document(policy.get("PolicyDocument")) if policy is not None else None
        if doc is None:
            found.complete = False
        else:
            found.documents.append(doc)
    return found


def role_of(task: ModelObject, member: str, graph: Any) -> Role | None:
    """The role among the inputs that a member of ``task`` (``taskRoleArn``, ``executionRoleArn``) refers to."""
    return graph.target(task, task.get(member), Role) if graph is not None else None  # type: ignore[return-value]


def roles_of(obj: ModelObject, graph: Any) -> Iterator[Role]:
    """The roles an instance profile holds (its ``Roles``), as far as they are among the inputs."""
    roles, _ = graph.targets(obj, obj.get("Roles"), Role)
    yield from roles
