"""IAM across resources: the roles a task definition names, and the role of the cluster's container instances.

A role is followed through the project graph (a template's ``Ref`` or ``Fn::GetAtt``, or a role's name or
ARN among the inputs); what it trusts and allows is read with :mod:`ecslint.iam`. A role that is not among
the inputs, a trust policy or a policy that cannot be read, a secret whose reference is unknown: the
checks stay silent on each.

A finding is reported at the end that should change: the role's trust policy or policies when the role
is the task's own, the task definition's field when it names a role made for something else.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any, Iterable, Iterator

from ecslint.checks.roles import private_ecr, secret_refs
from ecslint.findings import Violation
from ecslint.iam import (CONTAINER_INSTANCE_POLICIES, EC2, ECS, ECS_TASKS, TASK_EXECUTION_POLICY, Permissions,
                         Reference, attached_policies, managed_policy_item, managed_policy_name, pattern,
                         permissions, role_of, strings, trusted_services)
from ecslint.model import (AutoScalingGroup, CapacityProvider, ContainerDefinition, Instance, InstanceProfile,
                           LaunchConfiguration, LaunchTemplate, ModelObject, Role, Service, TaskDefinition)
from ecslint.model.values import Unresolved, shown
from ecslint.tree import Node, as_str

# What each role of a task definition is, and what ECS assumes it for.
ROLE_USES = {
    "taskRoleArn": ("task role", "to give the application in the containers its AWS credentials"),
    "executionRoleArn": ("execution role", "to pull the task's images, read its secrets and write its logs"),
}
UNABLE_TO_ASSUME = ("\"ECS was unable to assume the role '...' that was provided for this task. Please verify that "
                    "the role being passed has the proper trust relationship and permissions ...\"")
LISTED = 3  # secrets or containers a message names


def _policies(ctx) -> list[ModelObject]:
    """The project's policies, which may attach themselves to a role by its name."""
    return ctx.project.objects("Policy")


def _names(items: Iterable[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    items = list(dict.fromkeys(items))
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _listing(items: list[str]) -> str:
    """The first few items, then how many more."""
    more = len(items) - LISTED
    return _names(items[:LISTED] + ([f"{more} more"] if more > 0 else []))


def _a(noun: str) -> str:
    """``a task role``, ``an execution role``."""
    return f"{'an' if noun[:1] in 'aeiou' else 'a'} {noun}"


def _trusts(trusted: set[str]) -> str:
    """What a trust policy lets assume the role, for a message."""
    return f"only {_names(sorted(trusted))}" if trusted else "no AWS service"


def _permissions_node(role: Role, *members: str) -> Node:
    """Where a role's permissions are: the first of ``members`` it has, else the role itself."""
    return next((role.key(m) for m in members if role.get(m) is not None), role.node)


# --- ECS305: a task or execution role that ECS cannot assume ------------------------------------------

def _made_for(role: Role, trusted: set[str], graph) -> str | None:
    """What else the role is, when it is evidently another role than a task's: the container instance role,
    the ECS service role; None when nothing says so."""
    if EC2 in trusted or graph.referrers(role, InstanceProfile):
        return "the container instance role, which EC2 hosts use through an instance profile"
    if ECS in trusted or graph.referrers(role, Service):
        return "the (legacy) ECS service role, which registers a service's tasks with its load balancer"
    return None


def role_not_trusting_ecs_tasks(task: TaskDefinition, ctx) -> Iterator[Violation]:
    """The task role and the execution role must let ``ecs-tasks.amazonaws.com`` assume them. Reported at the
    task definition's field when the role is made for something else, else at the role's trust policy."""
    graph = ctx.project.graph
    for field, (what, assumed_for) in ROLE_USES.items():
        role = role_of(task, field, graph)
        trusted = trusted_services(role) if role is not None else None
        if trusted is None or ECS_TASKS in trusted:
            continue
        name, other = task.term(field), _made_for(role, trusted, graph)
        if other is not None:
            yield Violation(task.get(field),
                            f"{name} of {task.label} refers to {role.label}, whose trust policy lets "
                            f"{_trusts(trusted)} assume it: it looks like {other}, not {_a(what)}. ECS cannot assume "
                            f"it, and the task fails to start with {UNABLE_TO_ASSUME} ECS assumes the {what} "
                            f"{assumed_for}: point {name} at a role that trusts ecs-tasks.amazonaws.com.")
            continue
        trust = role.term("AssumeRolePolicyDocument")
        yield Violation(role.key("AssumeRolePolicyDocument"),
                        f"{role.label}, the {what} of {task.label} ({name}), does not let ecs-tasks.amazonaws.com "
                        f"assume it: its {trust} trusts {_trusts(trusted)}. ECS assumes the {what} {assumed_for}, so "
                        f"the task fails to start with {UNABLE_TO_ASSUME} Add a statement to {trust} that allows "
                        "sts:AssumeRole to the service principal ecs-tasks.amazonaws.com.", within=role)


# --- ECS306: the container instances' role --------------------------------------------------------------

# Where each kind of container instance source names its instance profile, and its user data.
_PROFILE = {LaunchTemplate: "LaunchTemplateData.IamInstanceProfile", LaunchConfiguration: "IamInstanceProfile",
            Instance: "IamInstanceProfile"}
_USER_DATA = {LaunchTemplate: "LaunchTemplateData.UserData", LaunchConfiguration: "UserData", Instance: "UserData"}
# What user data writes to make the ECS agent join a cluster (Amazon Linux's ecs.config, Windows, Bottlerocket),
# and how a message says it.
_AGENT_MARKERS = {"ECS_CLUSTER": "sets ECS_CLUSTER", "Initialize-ECSAgent": "runs Initialize-ECSAgent",
                  "[settings.ecs]": "has [settings.ecs]"}
# What the ECS agent cannot do without, from AmazonEC2ContainerServiceforEC2Role: register the instance,
# find and open its connection to ECS, and report the state of its tasks.
AGENT_ACTIONS = ("ecs:RegisterContainerInstance", "ecs:DiscoverPollEndpoint", "ecs:Poll", "ecs:SubmitTaskStateChange")
_INSTANCE_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role"
LEGACY_SERVICE_POLICY = "AmazonEC2ContainerServiceRole"


def _texts(value: Any) -> Iterator[str]:
    """Every string in plain data, and what a base64 one decodes to."""
    for text in strings(value):
        yield text
        try:
            yield base64.b64decode(text, validate=True).decode("utf-8", "replace")
        except (binascii.Error, ValueError):
            pass


def _members(obj: ModelObject, path: str) -> Node | None:
    """The member at a dotted path."""
    return obj.at(*path.split("."))


def _agent_marker(obj: ModelObject) -> str | None:
    """What in the user data configures the ECS agent (``ECS_CLUSTER``), as far as it is written out."""
    node = _members(obj, _USER_DATA[type(obj)])
    texts = list(_texts(node.plain())) if node is not None else []
    return next((says for marker, says in _AGENT_MARKERS.items() if any(marker in text for text in texts)), None)


def _container_instances(obj: ModelObject, graph) -> str | None:
    """Why ``obj`` starts ECS container instances: its user data configures the agent, or an ECS capacity
    provider's Auto Scaling group uses it; None when nothing says so."""
    marker = _agent_marker(obj)
    if marker is not None:
        return f"its {obj.term(_USER_DATA[type(obj)])} {marker}"
    for group, _ in graph.referrers(obj, AutoScalingGroup):
        for provider, _ in graph.referrers(group, CapacityProvider):
            return f"{group.label}, the Auto Scaling group of {provider.label}, uses it"
    return None


def _profile_node(obj: ModelObject) -> Node | None:
    """The value that names the instance profile (for a launch template, its ``Arn`` or ``Name``)."""
    node = _members(obj, _PROFILE[type(obj)])
    if isinstance(obj, LaunchTemplate) and node is not None and node.is_map:
        return node.get("Arn") or node.get("Name")
    return node


def _without_profile(obj: ModelObject, graph) -> bool:
    """Whether the instances that ``obj`` starts have no instance profile at all: nothing names one, and
    nothing else can give one (only Auto Scaling groups use a launch template that no instance uses)."""
    if isinstance(obj, LaunchTemplate):
        data = obj.get("LaunchTemplateData")
        return data is not None and data.is_map and data.get("IamInstanceProfile") is None and \
            bool(graph.referrers(obj, AutoScalingGroup)) and not graph.referrers(obj, Instance)
    return obj.get("IamInstanceProfile") is None and (isinstance(obj, LaunchConfiguration)
                                                      or obj.get("LaunchTemplate") is None)


def _wrong_trust(obj: ModelObject, why: str, profile: InstanceProfile, item: Node, role: Role,
                 trusted: set[str]) -> Violation:
    """The profile's role does not trust EC2: reported at the profile when it holds a task's role, else at
    the role's trust policy."""
    never = "so the ECS agent on them cannot register them and they never join the cluster"
    if ECS_TASKS in trusted:
        return Violation(item, f"{profile.label}, the instance profile of {obj.label} ({why}), holds {role.label}, "
                               f"which trusts {_trusts(trusted)}: it looks like a task role, not the container "
                               f"instance role. EC2 cannot hand its credentials to the instances, {never}. Put a role "
                               "in the profile that trusts ec2.amazonaws.com and has the "
                               "AmazonEC2ContainerServiceforEC2Role managed policy.", within=profile)
    trust = role.term("AssumeRolePolicyDocument")
    note = " (ecs.amazonaws.com is the ECS service itself, not the EC2 instances)" if ECS in trusted else ""
    return Violation(role.key("AssumeRolePolicyDocument"),
                     f"{role.label}, the container instance role of {obj.label} (through {profile.label}; {why}), does "
                     f"not let ec2.amazonaws.com assume it: its {trust} trusts {_trusts(trusted)}{note}. EC2 cannot "
                     f"hand its credentials to the instances, {never}. Add a statement to {trust} that allows "
                     "sts:AssumeRole to the service principal ec2.amazonaws.com.", within=role)


def _agent_denied(obj: ModelObject, why: str, profile: InstanceProfile, role: Role,
                  allows: Permissions) -> Violation | None:
    """The profile's role lacks the ECS agent's permissions (None when it has them, or that is unknown)."""
    verdicts = [allows.allows(action) for action in AGENT_ACTIONS]
    if any(verdict is None for verdict in verdicts) or all(verdicts):
        return None
    missing = [action for action, verdict in zip(AGENT_ACTIONS, verdicts) if verdict is False]
    outcome = ("the instances never join the cluster" if AGENT_ACTIONS[0] in missing
               else "the instances cannot run the cluster's tasks")
    legacy = managed_policy_item(role, (LEGACY_SERVICE_POLICY,)) is not None
    note = f" ({LEGACY_SERVICE_POLICY} is the legacy ECS service role's policy, for load balancers)" if legacy else ""
    calls = "the calls" if len(missing) == len(AGENT_ACTIONS) else \
        f"{'one' if len(missing) == 1 else 'some'} of the calls ({_names(AGENT_ACTIONS)})"
    return Violation(_permissions_node(role, "ManagedPolicyArns", "Policies"),
                     f"{role.label}, the container instance role of {obj.label} (through {profile.label}; {why}), "
                     f"does not allow {_names(missing)}{note}: {calls} that the ECS agent on the instances makes to "
                     f"register them with the cluster, take their tasks and report the tasks' states, so {outcome}. "
                     f"Attach the AWS managed policy AmazonEC2ContainerServiceforEC2Role ({_INSTANCE_POLICY}).",
                     within=role)


def container_instance_role(obj: ModelObject, ctx) -> Iterator[Violation]:
    """The instance profile of the cluster's container instances must hold a role that trusts EC2 and has
    the ECS agent's permissions."""
    graph = ctx.project.graph
    why = _container_instances(obj, graph)
    if why is None:
        return
    node = _profile_node(obj)
    name = obj.term(_PROFILE[type(obj)])
    if node is None or node.value is None:
        if _without_profile(obj, graph):
            where = obj.key("LaunchTemplateData") if isinstance(obj, LaunchTemplate) else obj.node
            yield Violation(where, f"{obj.label} starts ECS container instances ({why}) but gives them no {name}: the "
                                   "ECS agent on them has no credentials, so they never register with the cluster. Set "
                                   f"{name} to an instance profile whose role trusts ec2.amazonaws.com and has the "
                                   "AmazonEC2ContainerServiceforEC2Role managed policy.")
        return
    profile = graph.target(obj, node, InstanceProfile)
    roles, known = graph.targets(profile, profile.get("Roles"), Role) if profile is not None else ([], False)
    if not known or len(roles) != 1:
        return
    role, item = roles[0], next(iter(profile.list("Roles")), profile.get("Roles"))
    trusted = trusted_services(role)
    if trusted is not None and EC2 not in trusted:
        yield _wrong_trust(obj, why, profile, item, role, trusted)
    elif managed_policy_item(role, CONTAINER_INSTANCE_POLICIES) is None:
        denied = _agent_denied(obj, why, profile, role, permissions(role, graph, _policies(ctx)))
        if denied is not None:
            yield denied


# --- ECS307: the container instance policy on a task role -----------------------------------------------

def task_role_with_container_instance_policy(task: TaskDefinition, ctx) -> Iterator[Violation]:
    """A task role should not carry the container instance role's managed policy. Reported at the policy
    on the role, or at the task definition when the role is also the container instance role."""
    graph = ctx.project.graph
    role = role_of(task, "taskRoleArn", graph)
    item = managed_policy_item(role, CONTAINER_INSTANCE_POLICIES) if role is not None else None
    trusted = trusted_services(role) if item is not None else None
    if item is None or (trusted is not None and ECS_TASKS not in trusted):
        return  # ECS305 reports a role that ECS cannot assume for the task
    policy, name = managed_policy_name(item), task.term("taskRoleArn")
    gives = ("it gives the application in the task, and anyone who takes it over, the ECS agent's rights (register "
             "and deregister container instances, poll ECS for other tasks' work, submit task states) and pulls of any "
             "ECR image")
    profiles = graph.referrers(role, InstanceProfile)
    if profiles:
        yield Violation(task.get("taskRoleArn"),
                        f"{name} of {task.label} refers to {role.label}, which is also the container instance role "
                        f"({profiles[0][0].label} holds it) and carries {policy}: {gives}. Give the task its own task "
                        "role, with only what the application calls.")
        return
    yield Violation(item, f"{role.label}, the task role of {task.label} ({name}), carries {policy}, the container "
                          f"instance role's managed policy: {gives}. Remove it from the task role (it belongs on the "
                          "role of the EC2 hosts' instance profile) and allow only what the application calls.",
                    within=role)


# --- ECS308: secrets the execution role cannot read ---------------------------------------------------

GET_SECRET, GET_PARAMETERS = "secretsmanager:GetSecretValue", "ssm:GetParameters"
SECRETS_FAIL = "\"ResourceInitializationError: unable to pull secrets or registry auth: ...\"."
_SECRET_SUFFIX = "-??????"  # the six characters Secrets Manager adds to a secret's name in its ARN


def _secret(node: Node | None, allow_ssm: bool) -> tuple[tuple[str, ...], list[str | Reference]] | None:
    """The actions that could read a secret reference (one of them is needed) and the resource ARNs it may
    be; None when the reference is absent or cannot be read."""
    if node is None or node.value in (None, ""):
        return None
    either = (GET_SECRET, GET_PARAMETERS) if allow_ssm else (GET_SECRET,)
    if isinstance(node.value, Unresolved):
        return either, [Reference.of(node.value)]
    text = pattern(node)
    if text is None:
        return None
    if text.startswith("*"):  # what it is, a template or a tool fills in
        return either, [Reference(node.value)]
    parts = text.split(":")
    service = parts[2] if text.startswith("arn:") and len(parts) > 2 else None
    if service is None:  # a name: of a parameter (secrets), of a secret (registry credentials)
        service = "ssm" if allow_ssm else "secretsmanager"
        text = f"arn:*:ssm:*:*:parameter/{text.lstrip('/')}" if allow_ssm else f"arn:*:secretsmanager:*:*:secret:{text}"
        parts = text.split(":")
    if service == "secretsmanager":
        arn = ":".join(parts[:7])  # without a JSON key, version stage or id
        return (GET_SECRET,), [arn, arn + _SECRET_SUFFIX]
    if service == "ssm":
        return (GET_PARAMETERS,), [text]
    return (either, [text]) if service == "*" else None  # another service: ECS113


def _verdict(allows: Permissions, actions: tuple[str, ...], resources: list[str | Reference]) -> bool | None:
    """Whether the role may read the secret: True when some action may, False when none can."""
    verdicts = [allows.allows(action, resource) for action in actions for resource in resources]
    return True if any(verdicts) else None if None in verdicts else False


def _unreadable(task: TaskDefinition, allows: Permissions) -> Iterator[str]:
    """Each secret reference of the task that the role cannot read, described for a message."""
    for container in task.containers:
        for node, _, allow_ssm, path in secret_refs(container):
            secret = _secret(node, allow_ssm)
            if secret is not None and _verdict(allows, *secret) is False:
                yield (f"{' or '.join(secret[0])} on '{shown(node)}' ({container.term_path(path)} of "
                       f"{container.label})")


def execution_role_cannot_read_secrets(task: TaskDefinition, ctx) -> Iterator[Violation]:
    """The execution role must be allowed to read the secrets the task's containers reference."""
    graph = ctx.project.graph
    role = role_of(task, "executionRoleArn", graph)
    if role is None:
        return
    missing = list(dict.fromkeys(_unreadable(task, permissions(role, graph, _policies(ctx)))))
    if not missing:
        return
    node, owner = _policy_node(role, graph, _policies(ctx))
    yield Violation(node,
                    f"{role.label}, the execution role of {task.label} ({task.term('executionRoleArn')}), is not "
                    f"allowed to read the secrets of its containers: {_listing(missing)}. ECS reads them with the "
                    f"execution role before the containers start, so the task fails with {SECRETS_FAIL} Allow these "
                    "actions on these secrets in a policy of the role (and kms:Decrypt on the key, if a customer "
                    "managed KMS key encrypts them).", within=owner)


def _policy_node(role: Role, graph, policies: list[ModelObject]) -> tuple[Node, ModelObject]:
    """Where to allow more for a role, and the object that is: its inline policies, else the document of
    the first policy that attaches itself to it (``aws_iam_role_policy``, ``AWS::IAM::Policy``), else its
    managed policies (or the role)."""
    if role.get("Policies") is not None:
        return role.key("Policies"), role
    attached = attached_policies(role, graph, policies)
    if attached:
        return attached[0].key("PolicyDocument"), attached[0]
    return _permissions_node(role, "ManagedPolicyArns"), role


# --- ECS309: an execution role that cannot pull images or write logs --------------------------------------

ECR_PULL = ("ecr:GetAuthorizationToken", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer")
AWSLOGS = ("logs:CreateLogStream", "logs:PutLogEvents")
# Where ECS pulls images and starts the awslogs driver with the execution role (on EC2, the instance role).
_HOSTED = {"FARGATE": "Fargate", "EXTERNAL": "external instances", "MANAGED_INSTANCES": "ECS Managed Instances"}


def _awslogs(container: ContainerDefinition) -> Node | None:
    """The container's log driver, when it is awslogs."""
    log = container.get("logConfiguration")
    driver = log.get("logDriver") if log is not None else None
    return driver if as_str(driver) == "awslogs" else None


def _creates_group(container: ContainerDefinition) -> bool:
    """Whether the container's awslogs driver creates its log group (``awslogs-create-group: true``)."""
    value = container.at("logConfiguration", "options", "awslogs-create-group")
    return value is not None and str(value.value).lower() == "true"


def _containers(containers: list[ContainerDefinition]) -> str:
    """``container 'api'``, ``containers 'api' and 'envoy'``."""
    labels = [c.label for c in containers]
    if len(labels) > 1 and all(label.startswith("container ") for label in labels):
        return "containers " + _listing([label.removeprefix("container ") for label in labels])
    return _listing(labels)


PULL_FAILS = f"an image pull fails with {SECRETS_FAIL[:-1]}"
_ATTACH = (f"attach the AWS managed policy {TASK_EXECUTION_POLICY} (arn:aws:iam::aws:policy/service-role/"
           f"{TASK_EXECUTION_POLICY}) or allow these actions in a policy of the role")
_CREATE_GROUP = ("allow logs:CreateLogGroup in a policy of the role, or create the log group beforehand (with the "
                 "task definition) and drop awslogs-create-group")


def _pull_and_log_needs(task: TaskDefinition, allows: Permissions) -> Iterator[tuple[str, str]]:
    """What the role is not allowed to do that the task needs, and why; and what to do about it."""
    images = [c for c in task.containers if private_ecr(c) is not None]
    if images and allows.allows(ECR_PULL[0]) is False:  # the rest a repository policy may allow
        missing = [a for a in ECR_PULL if allows.allows(a) is False]
        image = "image" if len(images) == 1 else "images"
        yield f"{_names(missing)}, to pull the private ECR {image} of {_containers(images)}", _ATTACH
    logged = [c for c in task.containers if _awslogs(c) is not None]
    missing = [a for a in AWSLOGS if logged and allows.allows(a) is False]
    if missing:
        yield f"{_names(missing)}, for the awslogs log driver of {_containers(logged)}", _ATTACH
    creating = [c for c in logged if _creates_group(c)]
    if creating and allows.allows("logs:CreateLogGroup") is False:
        yield (f"logs:CreateLogGroup, as awslogs-create-group is true for {_containers(creating)} (the "
               f"{TASK_EXECUTION_POLICY} managed policy does not allow it)"), _CREATE_GROUP


def execution_role_cannot_pull_or_log(task: TaskDefinition, ctx) -> Iterator[Violation]:
    """Where ECS pulls private ECR images and writes awslogs logs with the execution role, it must allow that."""
    hosted = [name for launch, name in _HOSTED.items() if launch in task.compatibilities]
    graph = ctx.project.graph
    role = role_of(task, "executionRoleArn", graph) if hosted else None
    if role is None:
        return
    needs = list(_pull_and_log_needs(task, permissions(role, graph, _policies(ctx))))
    if not needs:
        return
    fails = f" ({PULL_FAILS})" if needs[0][0].startswith(ECR_PULL[0]) else ""
    advice = "; ".join(dict.fromkeys(fix for _, fix in needs))
    yield Violation(_permissions_node(role, "ManagedPolicyArns", "Policies"),
                    f"{role.label}, the execution role of {task.label} ({task.term('executionRoleArn')}), does not "
                    f"allow {'; nor '.join(need for need, _ in needs)}. On {_names(hosted)}, ECS does these with the "
                    f"execution role before the containers start, so the task fails to start{fails}. To fix it, "
                    f"{advice}.", within=role)
