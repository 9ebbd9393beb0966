"""Load balancing across resources: a service, the target groups it registers its tasks with, the listeners
that forward to them and their load balancers; and the network settings a service's launch type allows.

A service reaches a load balancer through a target group: ECS registers each task in it (by instance ID and
host port, or by IP address, depending on the target group's target type), and a listener of an Application
or Network Load Balancer, or one of its rules, forwards requests to the target group. Each check follows
these links through the project's graph and stays silent where one of them is unknown: a target group
imported from another stack, a parameter without a value, a task definition that is not among the inputs.
"""

from __future__ import annotations

import re
import weakref
from typing import Iterator

from ecslint.checks.services import has_value, literal_int, task_network
from ecslint.findings import Violation
from ecslint.graph import Graph, referenced_id, scope_of
from ecslint.model import (MAX_PATTERN_INPUT, CapacityProvider, ContainerDefinition, Listener, ListenerRule,
                           LoadBalancer, ModelObject, Project, Service, TargetGroup, TaskDefinition, TaskSet,
                           literal_str)
from ecslint.tree import Node, as_str
from ecslint.wording import and_list, or_list

# --- Following a service to its target groups -------------------------------------------------------------


def _target_groups(service: Service, graph: Graph) -> Iterator[tuple[Node, Node, TargetGroup]]:
    """Each load balancer entry of the service whose targetGroupArn refers to a target group among the inputs:
    the entry, its targetGroupArn value, and the target group."""
    for entry in service.load_balancers:
        arn = entry.get("targetGroupArn")
        group = graph.target(service, arn, TargetGroup)
        if isinstance(group, TargetGroup):
            yield entry, arn, group


def _reported_under(owner: ModelObject, other: ModelObject) -> ModelObject:
    """The object whose file and scenario a finding at a node of ``owner`` is reported under: ``owner``; or
    ``other``, when it is of the same template and built under one scenario of its conditions while ``owner``
    is built once for all of them, so that the finding says when it holds and is reported once."""
    same_template = owner.source.path == other.source.path
    return other if same_template and owner.scenario is None and other.scenario is not None else owner


def _arn_text(arn: Node) -> str:
    """A target group ARN as AWS's messages would show it."""
    return literal_str(arn) or "<arn>"


# --- ECS409 ------------------------------------------------------------------------------------------------

# The target type each network mode needs: awsvpc tasks are registered by IP address, the others by instance.
TARGET_TYPES = {"awsvpc": "ip", "bridge": "instance", "host": "instance"}
DEFAULT_TARGET_TYPE = "instance"


def _target_type_fix(group: TargetGroup, mode: str, expected: str) -> str:
    setting = group.setting("TargetType", expected)
    if mode == "awsvpc":
        return ("Each awsvpc task has its own network interface and private IP address, and ECS registers that "
                f"address in the target group, which only a target group of type ip takes. Set {setting} (the "
                "target group is replaced).")
    return (f"In the {mode} network mode the tasks share their container instance's network, and ECS registers "
            "the instance with the task's host port, which only a target group of type instance takes. Set "
            f"{setting}, or move the task definition to the awsvpc network mode.")


def target_type_mismatch(service: Service, ctx) -> Iterator[Violation]:
    """A service's target group must have the target type its tasks' network mode needs."""
    network = task_network(service)
    expected = TARGET_TYPES.get(network[0]) if network is not None else None
    if expected is None:
        return
    mode, why = network
    for _, arn, group in _target_groups(service, ctx.project.graph):
        node = group.get("TargetType")
        actual = DEFAULT_TARGET_TYPE if node is None else literal_str(node)
        if actual not in TARGET_TYPES.values() or actual == expected:
            continue
        has = f"target type {actual}" + ("" if node is not None else
                                          f" (the default: it sets no {group.term('TargetType')})")
        yield Violation(node if node is not None else group.node,
                        f"{group.label} has {has}, but {service.label} registers its tasks in it and {why}; AWS "
                        f"rejects the service with \"The provided target group {_arn_text(arn)} has target type "
                        f"{actual}, which is incompatible with the {mode} network mode specified in the task "
                        f"definition.\" {_target_type_fix(group, mode, expected)}",
                        within=_reported_under(group, service))


# --- ECS410 ------------------------------------------------------------------------------------------------

ACTION_LISTS = ("DefaultActions", "Actions")  # a listener's actions, a listener rule's


def _forwarded(obj: ModelObject) -> list[Node] | None:
    """The target groups the actions of a listener or listener rule forward to (their TargetGroupArn values,
    including those of a ForwardConfig); None when an action cannot be read."""
    found: list[Node] = []
    for name in ACTION_LISTS:
        actions = obj.get(name)
        if actions is not None and not actions.is_seq:
            return None
        for action in actions.elements() if actions is not None else []:
            weighted = action.at("ForwardConfig", "TargetGroups")
            if not action.is_map or (weighted is not None and not weighted.is_seq):
                return None
            entries = [action, *(weighted.elements() if weighted is not None else [])]
            if not all(entry.is_map for entry in entries):
                return None
            found += [arn for entry in entries if (arn := entry.get("TargetGroupArn")) is not None]
    return found


def _readable(arn: Node) -> bool:
    """A TargetGroupArn value whose target is known: written out, or a reference (to a resource or parameter)."""
    return referenced_id(arn) is not None or literal_str(arn) is not None


def _depends_on(service: Service) -> list[str | None]:
    """The logical ids (Terraform addresses) a service names in ``DependsOn`` (``depends_on``); None for one
    that is not a string."""
    depends = service.resource.node.get("DependsOn") if service.resource is not None else None
    if depends is None:
        return []
    return [as_str(name) for name in (depends.elements() if depends.is_seq else [depends])]


def _forwards(listeners: list[ModelObject]) -> set[str] | None:
    """The logical ids that listeners and listener rules forward to; None when that is unknown: there is no
    listener (they live elsewhere), or an action cannot be read."""
    forwarded = [_forwarded(listener) for listener in listeners]
    if not listeners or None in forwarded:
        return None
    arns = [arn for nodes in forwarded for arn in nodes]
    return {referenced_id(arn) for arn in arns} if all(map(_readable, arns)) else None


class _Templates:
    """The project's templates (and Terraform modules) as ECS410 reads them, built once a project: the logical
    ids each models, its listeners and listener rules, the scenarios they are built under, and what they forward
    to under each."""

    def __init__(self, project: Project) -> None:
        self.modeled: dict[str, set[str]] = {}
        self.listeners: dict[str, list[ModelObject]] = {}
        self.scenarios: dict[str, dict[int, ModelObject]] = {}  # a listener built under each scenario
        for objects in project.by_kind.values():
            for obj in objects:
                path = scope_of(obj)
                if obj.resource is not None:
                    self.modeled.setdefault(path, set()).add(obj.resource.logical_id)
                if isinstance(obj, (Listener, ListenerRule)):
                    self.listeners.setdefault(path, []).append(obj)
                    if obj.scenario is not None:
                        self.scenarios.setdefault(path, {}).setdefault(obj.scenario.index, obj)
        self._forwards: dict[tuple[str, int | None], set[str] | None] = {}

    def forwards(self, path: str, index: int | None) -> set[str] | None:
        """What the listeners of a template that exist under a scenario forward to (index None: those built once
        for every scenario)."""
        key = (path, index)
        if key not in self._forwards:
            self._forwards[key] = _forwards([obj for obj in self.listeners.get(path, [])
                                             if obj.scenario is None or obj.scenario.index == index])
        return self._forwards[key]


_TEMPLATES: weakref.WeakKeyDictionary[Graph, _Templates] = weakref.WeakKeyDictionary()  # by project graph


def _templates(ctx) -> _Templates:
    """The project's templates, read on first use."""
    graph = ctx.project.graph
    if graph not in _TEMPLATES:
        _TEMPLATES[graph] = _Templates(ctx.project)
    return _TEMPLATES[graph]


def _template_forwards(service: Service, ctx) -> Iterator[tuple[ModelObject, set[str]]]:
    """For each scenario of the template that the service exists in, what the template's listeners and rules
    forward to (as :func:`_forwards`), with an object built under that scenario to report under. Nothing when
    the service waits (DependsOn) for a resource ecslint does not model (a nested stack, a custom resource),
    which may create a listener."""
    templates, path = _templates(ctx), scope_of(service)
    if any(name not in templates.modeled.get(path, set()) for name in _depends_on(service)):
        return
    if service.scenario is not None:
        scenarios: dict[int | None, ModelObject] = {service.scenario.index: service}
    else:
        scenarios = templates.scenarios.get(path) or {None: service}
    for index, built in scenarios.items():
        forwarded = templates.forwards(path, index)
        if forwarded is not None:
            yield built, forwarded


def target_group_without_listener(service: Service, ctx) -> Iterator[Violation]:
    """A target group created in the service's template (or Terraform module) needs a listener or rule there that
    forwards to it.

    Only a target group of the service's own template is judged: a listener of another stack cannot forward to
    it before the stack that creates both exists, so the service would fail first.
    """
    own = [(arn, group) for _, arn, group in _target_groups(service, ctx.project.graph)
           if group.resource is not None and scope_of(group) == scope_of(service)]
    for under, forwarded in _template_forwards(service, ctx) if own else []:
        for arn, group in own:
            if group.resource.logical_id in forwarded:
                continue
            yield Violation(arn, f"{service.label} registers its tasks in {group.label}, but no listener or "
                                 "listener rule defined alongside it forwards to it; AWS rejects the service with "
                                 f"\"The target group with targetGroupArn {_arn_text(arn)} does not have an "
                                 "associated load balancer.\" A target group belongs to a load balancer only through a "
                                 "listener (its default actions) or a listener rule (its actions) that forwards to "
                                 "it. Forward to it from a listener or listener rule, or give the service the "
                                 "target group its listener forwards to.", within=under)


# --- ECS411 ------------------------------------------------------------------------------------------------

# What each kind of load balancer is, and the protocols of the target groups it forwards to.
BALANCER_KINDS = {
    "application": ("an Application Load Balancer", ("HTTP", "HTTPS")),
    "network": ("a Network Load Balancer", ("TCP", "TLS", "UDP", "TCP_UDP")),
}
DEFAULT_BALANCER_TYPE = "application"
# The protocol of the other kind of load balancer that does the same work.
COUNTERPART = {"HTTP": "TCP", "HTTPS": "TLS", "TCP": "HTTP", "TLS": "HTTPS", "UDP": "HTTP", "TCP_UDP": "HTTP"}


def _balancers(group: TargetGroup, graph: Graph) -> Iterator[tuple[ModelObject, LoadBalancer]]:
    """Each listener or listener rule that refers to the target group, and the load balancer it belongs to
    (through a rule's listener), as far as they are known."""
    for obj, _ in graph.referrers(group, Listener, ListenerRule):
        listener = obj if isinstance(obj, Listener) else graph.target(obj, obj.get("ListenerArn"), Listener)
        balancer = graph.target(listener, listener.get("LoadBalancerArn"), LoadBalancer) if listener else None
        if isinstance(balancer, LoadBalancer) and not balancer.classic:
            yield obj, balancer


def _balancer_type(balancer: LoadBalancer) -> str | None:
    node = balancer.get("Type")
    return DEFAULT_BALANCER_TYPE if node is None else literal_str(node)


def target_group_protocol(group: TargetGroup, ctx) -> Iterator[Violation]:
    """A target group's protocol must be one that the kind of load balancer forwarding to it speaks."""
    node = group.get("Protocol")
    protocol = literal_str(node)
    if protocol not in COUNTERPART:
        return
    reported: set[tuple[str, int | None]] = set()  # a load balancer whose listeners forward to it, once
    for via, balancer in _balancers(group, ctx.project.graph):
        kind = BALANCER_KINDS.get(_balancer_type(balancer) or "")
        under = _reported_under(group, via)
        key = (balancer.label, under.scenario.index if under.scenario is not None else None)
        if kind is None or protocol in kind[1] or key in reported:
            continue
        reported.add(key)
        yield Violation(node, f"{group.label} has {group.term('Protocol')} {protocol}, but {via.label} forwards to it "
                              f"for {balancer.label}, {kind[0]}, whose target groups use {or_list(list(kind[1]))}; "
                              f"AWS rejects the {'listener' if isinstance(via, Listener) else 'listener rule'} "
                              "(IncompatibleProtocols). An Application Load Balancer routes HTTP requests (layer 7) "
                              "to HTTP or HTTPS targets; a Network Load Balancer forwards TCP, TLS and UDP "
                              f"connections (layer 4). Set {group.setting('Protocol', COUNTERPART[protocol])} (the "
                              "target group is replaced), or forward to it from the other kind of load balancer.",
                        within=under)


# --- ECS412 ------------------------------------------------------------------------------------------------

TRAFFIC_PORT = "traffic-port"


def _health_check_port(node: Node | None) -> int | None:
    """A fixed HealthCheckPort (a number, or a string of digits); None for traffic-port, absent or unknown."""
    text = literal_str(node)
    return int(text) if text is not None and text.isdigit() else literal_int(node)


def _dynamic_mapping(task: TaskDefinition, entry: Node) -> tuple[ContainerDefinition, Node] | None:
    """The container a load balancer entry names, and its port mapping for the entry's containerPort, when
    that mapping takes a dynamic host port (hostPort 0 or none, in bridge mode)."""
    container = task.container(literal_str(entry.get("containerName")) or "")
    port = literal_int(entry.get("containerPort"))
    for mapping in container.port_mappings if container is not None and port is not None else []:
        host = mapping.get("hostPort")
        dynamic = host is None or host.value is None or literal_int(host) == 0
        if literal_int(mapping.get("containerPort")) == port and dynamic:
            return container, mapping
    return None


def _static_host_ports(task: TaskDefinition) -> set[int]:
    """The host ports the task's containers publish as fixed ports."""
    return {port for c in task.containers for m in c.port_mappings if (port := literal_int(m.get("hostPort")))}


def dynamic_port_health_check(service: Service, ctx) -> Iterator[Violation]:
    """With dynamic host ports, the target group must health-check the port it sends traffic to."""
    task, network = service.task, task_network(service)
    if task is None or network is None or network[0] != "bridge":
        return
    for entry, _, group in _target_groups(service, ctx.project.graph):
        node = group.get("HealthCheckPort")
        port = _health_check_port(node)
        found = _dynamic_mapping(task, entry) if port else None
        if found is None or port in _static_host_ports(task):
            continue
        container, mapping = found
        host_port = container.term("hostPort", within="portMappings")
        how = f"{host_port} 0" if literal_int(mapping.get("hostPort")) == 0 else f"no {host_port}"
        check = group.term("HealthCheckPort")
        yield Violation(node, f"{group.label} health-checks port {port} ({check}), but {service.label} registers "
                              f"{container.label} of {task.label} in it with a dynamic host port ({how}, bridge "
                              "network mode): each task gets an ephemeral host port that Docker picks, and ECS "
                              "registers that port as the target's, so the health check probes a port where no "
                              "task listens. The targets fail their health checks and ECS keeps replacing the "
                              f"tasks. Remove {check} or set {group.setting('HealthCheckPort', TRAFFIC_PORT)}, so "
                              "that each task is checked on the port it gets traffic on.",
                        within=_reported_under(group, service))


# --- ECS413 ------------------------------------------------------------------------------------------------

def service_role_with_awsvpc(service: Service, ctx) -> Iterator[Violation]:
    """An awsvpc service uses the ECS service-linked role; AWS rejects a service role of its own."""
    network = task_network(service)
    if network is None or network[0] != "awsvpc" or not has_value(service.get("role")):
        return
    role = service.term("role")
    yield Violation(service.key("role"),
                    f"{service.label} sets {role}, but {network[1]}; AWS rejects it with \"You cannot specify an "
                    "IAM role for services that require a service linked role.\" An awsvpc service uses the ECS "
                    "service-linked role (AWSServiceRoleForECS) to manage its tasks' network interfaces and to "
                    f"register them with the load balancer. Remove {role}: ECS creates the service-linked role "
                    "when the account first needs it.")


# --- ECS414 ------------------------------------------------------------------------------------------------

# The structure of a target group ARN (its region and account are not judged).
TARGET_GROUP_ARN = re.compile(r"^arn:aws[a-z-]*:elasticloadbalancing:[^:]+:[^:]+:targetgroup/[^/]+/[^/]+$")
TERRAFORM_REFERENCE = re.compile(r"^(?:module|data|var|local|aws_[a-z0-9_]+)\.[\w.\[\]\"-]+$")
# The kind of ELB resource an elasticloadbalancing ARN names, by its resource type.
ELB_RESOURCES = {"loadbalancer": "a load balancer", "listener": "a listener", "listener-rule": "a listener rule"}
# The same, for an object of the project that a targetGroupArn refers to.
ELB_OBJECTS: dict[type, str] = {LoadBalancer: "a load balancer", Listener: "a listener",
                                ListenerRule: "a listener rule"}
FORWARDS = "(a listener forwards to the target group, and ECS registers the tasks in the target group)"
REJECTED = ("AWS rejects the service, often with the misleading \"Unable to assume role and validate the specified "
            "targetGroupArn.\"")


def _not_a_target_group(text: str) -> str:
    """What a targetGroupArn value that is not a target group ARN is instead."""
    if TERRAFORM_REFERENCE.match(text):
        return "a Terraform reference written as a string, which nothing replaces with the ARN"
    if not text.startswith("arn:"):
        return "a name, not an ARN"
    parts = text.split(":", 5)
    service = parts[2] if len(parts) > 2 else ""
    resource = parts[5].split("/", 1)[0] if len(parts) == 6 else ""
    if service == "elasticloadbalancing" and resource in ELB_RESOURCES:
        return f"the ARN of {ELB_RESOURCES[resource]}, not of a target group {FORWARDS}"
    if service == "elasticloadbalancing" and resource == "targetgroup":
        return "a malformed target group ARN"
    if service == "elasticloadbalancing":
        return "an Elastic Load Balancing ARN that does not name a target group"
    return f"the ARN of a resource of another service ({service or 'none'}), not of a target group"


def _referenced_instead(service: Service, node: Node | None, graph: Graph) -> ModelObject | None:
    """The load balancer, listener or listener rule of the project a targetGroupArn refers to (a template's
    ``!Ref``, a Terraform reference such as ``aws_lb.main.arn``) instead of a target group."""
    if referenced_id(node) is None:
        return None
    return graph.target(service, node, *ELB_OBJECTS)


def target_group_arn_not_an_arn(service: Service, ctx) -> Iterator[Violation]:
    """``loadBalancers[].targetGroupArn`` must be a target group's full ARN (or refer to a target group)."""
    for entry in service.load_balancers:
        node = entry.get("targetGroupArn")
        name = service.term("targetGroupArn", within="loadBalancers")
        other = _referenced_instead(service, node, ctx.project.graph)
        if other is not None:
            forwarder = f"a listener of {other.label}" if isinstance(other, LoadBalancer) else other.label
            yield Violation(node, f"{name} of {service.label} refers to {other.label}, {ELB_OBJECTS[type(other)]}, "
                                  f"not to a target group {FORWARDS}; {REJECTED} Refer to the target group that "
                                  f"{forwarder} forwards to instead.", within=_reported_under(service, other))
            continue
        text = literal_str(node)
        if text is None or TARGET_GROUP_ARN.match(text[:MAX_PATTERN_INPUT]):
            continue
        yield Violation(node, f"{name} '{text}' of {service.label} is {_not_a_target_group(text)}; {REJECTED} {name} "
                              "takes the full ARN of the target group, "
                              "arn:aws:elasticloadbalancing:<region>:<account>:targetgroup/<name>/<id>.")


# --- ECS415 ------------------------------------------------------------------------------------------------

AWSVPC_CONFIGURATION = "networkConfiguration.awsvpcConfiguration"


def on_ec2(service: Service | TaskSet, graph: Graph) -> str | None:
    """What puts the service on EC2 instances, for a message: launchType EC2, or a capacity provider strategy
    whose providers are all Auto Scaling groups of the project; None when unknown or not EC2."""
    launch = service.get("launchType")
    if literal_str(launch) == "EC2":
        return f"its {service.term('launchType')} is EC2"
    items = service.list("capacityProviderStrategy")
    if launch is not None or not items:
        return None
    providers = [graph.target(service, item.get("capacityProvider"), CapacityProvider) for item in items]
    if not all(p is not None and has_value(p.get("autoScalingGroupProvider")) for p in providers):
        return None
    if len(providers) == 1:
        return f"its capacity provider, {providers[0].label}, runs it on the EC2 instances of an Auto Scaling group"
    names = and_list([p.label for p in providers])
    return f"its capacity providers ({names}) run it on the EC2 instances of Auto Scaling groups"


def public_ip_on_ec2(service: Service, ctx) -> Iterator[Violation]:
    """``assignPublicIp: ENABLED`` is for Fargate only."""
    node = service.at(*AWSVPC_CONFIGURATION.split("."), "assignPublicIp")
    network = task_network(service)
    if literal_str(node) != "ENABLED" or (network is not None and network[0] != "awsvpc"):
        return  # a non-awsvpc task definition takes no networkConfiguration at all (ECS405)
    why = on_ec2(service, ctx.project.graph)
    if why:
        name = service.term(f"{AWSVPC_CONFIGURATION}.assignPublicIp")
        yield Violation(node, f"{name} of {service.label} asks for a public IP address for each task, but {why}; AWS "
                              "rejects it with \"Assign public IP is not supported for this launch type.\" Only "
                              "Fargate gives a task's network interface a public IP address; on EC2 instances an "
                              f"awsvpc task's interface has a private address only. Remove {name} (a task gets no "
                              "public IP address by default) and reach the internet through a NAT gateway (or VPC "
                              "endpoints for ECR, CloudWatch Logs and Secrets Manager), or run the service on Fargate.")
