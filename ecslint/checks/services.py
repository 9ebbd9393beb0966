"""Services: what AWS rejects when a service meets its task definition and cluster.

Each check stays silent on what it cannot know: a task definition or cluster that is not among
the inputs (``service.task`` / ``service.cluster`` is None), a value that is not a literal (a
template placeholder, a YAML tag), or a member that an ``update-service`` input leaves as it is.
"""

from __future__ import annotations

import json
from typing import Iterator

from ecslint.findings import Violation
from ecslint.graph import Graph, referenced_id, scope_of
from ecslint.model import (FARGATE, Cluster, LoadBalancer, ModelObject, ScalableTarget, Service, TaskDefinition,
                           TaskSet, is_intrinsic, literal_str)
from ecslint.model.values import fill_placeholders
from ecslint.tree import Node, as_int, as_str
from ecslint.wording import short

EC2, EXTERNAL = "EC2", "EXTERNAL"
FARGATE_PROVIDERS = frozenset({"FARGATE", "FARGATE_SPOT"})
MAX_TARGET_GROUPS = 5
# Without the compatibilities AWS computed (describe output), the required compatibilities that
# tell a launch type is supported: an EC2-validated definition is also valid on external
# instances (describe output shows ["EXTERNAL", "EC2"] for requiresCompatibilities ["EC2"]).
IMPLIED_BY_REQUIRED = {FARGATE: {FARGATE}, EXTERNAL: {EXTERNAL, EC2}}
# Deployment percentages when deploymentConfiguration leaves them out (REPLICA services).
DEFAULT_MINIMUM_HEALTHY, DEFAULT_MAXIMUM = 100, 200


# --- Reading a service and its task definition --------------------------------------------------

def literal_int(node: Node | None) -> int | None:
    """A literal integer (not behind a YAML tag)."""
    return as_int(node) if node is not None and node.tag is None else None


def is_set(node: Node | None) -> bool:
    """Set to something: not absent, not null, not an empty list, mapping or string."""
    return node is not None and node.value not in (None, "", [], {})


def unknowable(node: Node | None) -> bool:
    """A value that may as well be null or empty: what a template function gives, a Terraform variable without
    a value, a module output, a ``dynamic`` block over an unknown collection; not a reference to a resource
    (its ARN or name), which is there even when its value is not known."""
    return is_intrinsic(node) and referenced_id(node) is None


def has_value(node: Node | None) -> bool:
    """Known to be set: :func:`is_set`, and not :func:`unknowable`."""
    return is_set(node) and not unknowable(node)


def _member(obj: ModelObject, parent: str, name: str) -> str:
    """How the object's format names a member of ``parent`` on its own (``maximumPercent``); with its parent
    when the format makes one name of the two (Terraform's ``deployment_maximum_percent``)."""
    return obj.term(name, within=parent) or obj.term(f"{parent}.{name}")


def _has_launch_type(service: Service) -> bool:
    """``launchType`` is set (to a name or a placeholder for one)."""
    return bool(as_str(service.get("launchType")))


def _has_strategy(service: Service) -> bool:
    """``capacityProviderStrategy`` is a non-empty list."""
    node = service.get("capacityProviderStrategy")
    return node is not None and node.is_seq and bool(node.value)


def _is_update(service: Service) -> bool:
    """An ``update-service`` input: what it leaves out, the service keeps (unknown here)."""
    return service.get("serviceName") is None and service.get("service") is not None


def _is_described(service: Service) -> bool:
    """One of ``describe-services``'s services: a service AWS has already created."""
    return service.get("serviceArn") is not None


def on_fargate(service: Service) -> bool:
    """The service runs on Fargate: launchType FARGATE or a Fargate capacity provider."""
    return literal_str(service.get("launchType")) == FARGATE or bool(service.capacity_providers & FARGATE_PROVIDERS)


def fargate_node(service: Service) -> Node:
    """What puts the service on Fargate: its launchType value, or its capacityProviderStrategy."""
    node = service.get("launchType")
    return node if literal_str(node) == FARGATE else service.key("capacityProviderStrategy")


# --- ECS121 ----------------------------------------------------------------------------------------

def launch_type_with_strategy(service: Service, ctx) -> Iterator[Violation]:
    """``launchType`` and ``capacityProviderStrategy`` exclude each other."""
    if _has_launch_type(service) and _has_strategy(service):
        yield Violation(service.key("launchType"),
                        f"{service.label} sets both {service.term('launchType')} and "
                        f"{service.term('capacityProviderStrategy')}; AWS rejects it with "
                        "\"Specify either Launch Type or Capacity Provider Strategy, but not both.\" Keep one: "
                        "the strategy to use capacity providers (FARGATE_SPOT, an Auto Scaling group), or the "
                        "launch type alone.")


# --- ECS122 ----------------------------------------------------------------------------------------

def _launch_types(node: Node | None) -> set[str] | None:
    """The launch types of a non-empty list of literal names; None when any is unknown."""
    names = [literal_str(item) for item in node.elements()] if node is not None else []
    return set(names) if names and all(names) else None


def _runs_on(service: Service) -> tuple[str, Node] | None:
    """The launch type the service asks for, and where it says so."""
    node = service.get("launchType")
    if literal_str(node):
        return node.value, node
    if not _has_launch_type(service) and service.capacity_providers & FARGATE_PROVIDERS:
        return FARGATE, service.key("capacityProviderStrategy")
    return None


def _unsupported_by(task: TaskDefinition, launch: str, required_name: str) -> str | None:
    """Why the task definition does not support ``launch``, or None when it does or it is unknown.

    The compatibilities AWS computed (describe output) decide; otherwise requiresCompatibilities
    does, for FARGATE and EXTERNAL only: a definition validated for FARGATE is EC2-compatible too.
    ``required_name``: how the task's format names requiresCompatibilities.
    """
    computed = _launch_types(task.get("compatibilities"))
    if computed is not None:
        return None if launch in computed else f"is compatible with {', '.join(sorted(computed))} only"
    node = task.get("requiresCompatibilities")
    absent = node is None or node.value is None
    required = {EC2} if absent else _launch_types(node)  # registered without it, it is validated for EC2
    if required is None or launch not in IMPLIED_BY_REQUIRED or required & IMPLIED_BY_REQUIRED[launch]:
        return None
    if absent:
        return f"sets no {required_name}, so AWS validates it for EC2 only"
    return f"requires {', '.join(sorted(required))} only ({required_name})"


def launch_type_incompatible(service: Service, ctx) -> Iterator[Violation]:
    """A service's launch type must be one its task definition supports. Reported at the task
    definition's requiresCompatibilities (what usually changes), or at the launch type when the task
    definition is already registered (describe output)."""
    runs_on, task = _runs_on(service), service.task
    if runs_on is None or task is None:
        return
    launch, node = runs_on
    required = task.term("requiresCompatibilities")
    why = _unsupported_by(task, launch, required)
    if not why:
        return
    message = (f"{service.label} runs on {launch}, but its {task.label} {why}; AWS rejects it with \"Task definition "
               f"does not support launch_type {launch}.\" Add \"{launch}\" to the task definition's {required} (and "
               "meet what that launch type needs), or change the launch type.")
    if task.get("compatibilities") is not None:
        yield Violation(node, message)
    else:
        yield Violation(task.get("requiresCompatibilities") or task.node, message, within=task)


# --- ECS123 ----------------------------------------------------------------------------------------

def _rejects(text: str) -> str:
    return f'AWS rejects it with "{text}"'


DAEMON_STRATEGY = _rejects("Specifying a capacity provider strategy is not supported when you create a service "
                           "using the DAEMON scheduling strategy.")


def _daemon_conflicts(service: Service, ctx) -> Iterator[tuple[Node, str, str]]:
    """Each setting the DAEMON scheduling strategy does not allow: where, why, and what to do."""
    if on_fargate(service):
        yield fargate_node(service), ("Fargate does not support it: a DAEMON service runs one task on each "
                                       "container instance, and Fargate has none"), \
            "Run it on EC2 (or external) instances, or use the REPLICA strategy."
    controller = service.at("deploymentController", "type")
    if literal_str(controller) in ("CODE_DEPLOY", "EXTERNAL"):
        yield controller, f"the {controller.value} deployment controller does not support it", \
            "Use the ECS deployment controller (the default)."
    if has_value(service.get("placementStrategy")):
        why = f"it sets {service.term('placementStrategy')}; " + _rejects(
            "The daemon scheduling strategy does not support placement strategies. Remove the placement strategy "
            "and try again")
        yield service.key("placementStrategy"), why, \
            f"Remove it ({service.term('placementConstraints')} are allowed), or use the REPLICA strategy."
    count = service.get("desiredCount")
    if count is not None and count.value is not None and not _is_described(service):
        yield service.key("desiredCount"), f"it sets {service.term('desiredCount')}; " + _rejects(
            "The daemon scheduling strategy does not support a desired count for services. Remove the desired count "
            "value and try again"), "Remove it: ECS runs one task on each container instance."
    maximum = service.at("deploymentConfiguration", "maximumPercent")
    if (literal_int(maximum) or 0) > 100:
        why = f"its {_member(service, 'deploymentConfiguration', 'maximumPercent')} is above 100; " + _rejects(
            "The daemon scheduling strategy does not support values above 100 for maximumPercent on a deployment "
            "configuration. Change the maximumPercent value to 100, and try again")
        yield maximum, why, "Set it to 100."
    yield from _daemon_capacity_providers(service, ctx)


def _has_items(node: Node | None) -> bool:
    """A list with items (not one whose items are unknown, such as a Terraform ``dynamic`` block's)."""
    return node is not None and node.is_seq and bool(node.value)


def _default_strategy(cluster: Cluster, ctx) -> str | None:
    """Whose default capacity provider strategy the cluster has, for a message: its own, or the one an
    association of capacity providers with it sets (a ``ClusterCapacityProviderAssociations`` resource,
    Terraform's ``aws_ecs_cluster_capacity_providers``); None when nothing known sets one."""
    if _has_items(cluster.get("defaultCapacityProviderStrategy")):
        return f"of {cluster.label}"
    graph = ctx.project.graph
    for holder in ctx.project.objects("ClusterCapacityProviderAssociations"):
        if _has_items(holder.get("defaultCapacityProviderStrategy")) and \
                graph.target(holder, holder.get("cluster"), Cluster) is cluster:
            return f"that {holder.label} gives {cluster.label}"
    return None


def _daemon_capacity_providers(service: Service, ctx) -> Iterator[tuple[Node, str, str]]:
    """A capacity provider strategy of its own (not Fargate: reported above), or the cluster's default."""
    own = _has_strategy(service)
    if own and not on_fargate(service):
        why = f"it sets {service.term('capacityProviderStrategy')}; {DAEMON_STRATEGY}"
        yield service.key("capacityProviderStrategy"), why, f"Remove it and set {service.setting('launchType', EC2)}."
    cluster = service.cluster
    default = _default_strategy(cluster, ctx) if cluster is not None and not own and \
        not _has_launch_type(service) else None
    if default:
        why = (f"it sets no {service.term('launchType')}, so it would use the default capacity provider strategy "
               f"{default}; {DAEMON_STRATEGY}")
        yield service.key("schedulingStrategy"), why, f"Set {service.setting('launchType', EC2)} on the service."


def daemon_conflicts(service: Service, ctx) -> Iterator[Violation]:
    """``schedulingStrategy: DAEMON`` and what it does not allow."""
    if literal_str(service.get("schedulingStrategy")) != "DAEMON":
        return
    for node, why, fix in _daemon_conflicts(service, ctx):
        end = " " if why.endswith('."') else ". "
        yield Violation(node, f"{service.label} uses the DAEMON scheduling strategy, but {why}{end}{fix}")


# --- ECS124 ----------------------------------------------------------------------------------------

def _rolling_replica(service: Service) -> bool:
    """A REPLICA service that deploys with ECS rolling updates (where the two percentages bound it);
    unknown, so False, for an update-service input, which cannot say."""
    if _is_update(service):
        return False
    strategy = service.get("schedulingStrategy")
    controller = service.at("deploymentController", "type")
    deployment = service.at("deploymentConfiguration", "strategy")
    return ((strategy is None or literal_str(strategy) == "REPLICA")
            and (controller is None or literal_str(controller) == "ECS")
            and (deployment is None or literal_str(deployment) == "ROLLING"))


def _task_bounds(desired: int, minimum: int, maximum: int) -> tuple[int, int]:
    """The fewest tasks a rolling deployment keeps running (the minimum rounds up) and the most it
    runs (the maximum rounds down)."""
    return -(-desired * minimum // 100), desired * maximum // 100


def _stalls(minimum: int, maximum: int, desired: int | None) -> bool:
    """A rolling deployment can neither start a new task first nor stop an old one first; with the
    desired count unknown, only the percentages that stall every count do (100 and 100)."""
    if desired is None:
        return minimum >= 100 and maximum <= 100
    fewest, most = _task_bounds(desired, minimum, maximum)
    return fewest >= desired and most <= desired


def _tasks(count: int) -> str:
    return f"{count} task" if count == 1 else f"{count} tasks"


def _stall_message(service: Service, minimum: int, maximum: int, desired: int | None) -> str:
    stuck = ("ECS can neither start a new task before stopping an old one nor stop one first, so a rolling "
             "deployment stalls with the service event \"unable to stop or start tasks during a deployment because "
             "of the service deployment configuration\"")
    minimum_name = _member(service, "deploymentConfiguration", "minimumHealthyPercent")
    maximum_name = _member(service, "deploymentConfiguration", "maximumPercent")
    if desired is None:
        return (f"during a deployment, {service.label} keeps at least {minimum}% ({minimum_name}) and allows at "
                f"most {maximum}% ({maximum_name}) of its desired count: {stuck}. Raise {maximum_name} above 100 "
                f"(the default is 200), or lower {minimum_name} below 100.")
    raise_to = -(-100 * (desired + 1) // desired)
    lower_to = 100 * (desired - 1) // desired
    lower = f"lower {minimum_name} to {lower_to} or less" if lower_to else f"set {minimum_name} to 0"
    fewest, most = _task_bounds(desired, minimum, maximum)
    return (f"with a {service.term('desiredCount')} of {desired}, {service.label} keeps at least "
            f"{_tasks(fewest)} running during a deployment ({minimum_name} {minimum}, rounded up) and allows at "
            f"most {_tasks(most)} ({maximum_name} {maximum}, rounded down): {stuck}. Raise {maximum_name} to "
            f"{raise_to} or more, or {lower}.")


def deployment_percentages(service: Service, ctx) -> Iterator[Violation]:
    """Deployment percentages out of range, or leaving a rolling deployment no room to progress."""
    config = service.get("deploymentConfiguration")
    if config is None or not config.is_map:
        return
    minimum_node, maximum_node = config.get("minimumHealthyPercent"), config.get("maximumPercent")
    minimum, maximum = literal_int(minimum_node), literal_int(maximum_node)
    replica = _rolling_replica(service)
    if minimum is not None and not 0 <= minimum <= 100:
        yield Violation(minimum_node, f"{service.term('deploymentConfiguration.minimumHealthyPercent')} of "
                                      f"{service.label} is {minimum}, but it is the share of the desired count kept "
                                      "running during a deployment, from 0 to 100. Use a value in that range (100 "
                                      "keeps every task running).")
    elif maximum is not None and replica and maximum < 100:
        yield Violation(maximum_node, f"{service.term('deploymentConfiguration.maximumPercent')} of {service.label} "
                                      f"is {maximum}, below 100, so the service cannot even run its desired count "
                                      "during a deployment. Use 100 or more (the default is 200).")
    elif replica and (minimum_node is not None or maximum_node is not None):
        yield from _stalled(service, minimum_node, maximum_node)


def _stalled(service: Service, minimum_node: Node | None, maximum_node: Node | None) -> Iterator[Violation]:
    """The percentages (ECS's defaults for the one left out) against the desired count, when literal."""
    minimum = literal_int(minimum_node) if minimum_node is not None else DEFAULT_MINIMUM_HEALTHY
    maximum = literal_int(maximum_node) if maximum_node is not None else DEFAULT_MAXIMUM
    desired = literal_int(service.get("desiredCount"))
    desired = desired if desired is not None and desired > 0 else None
    if minimum is not None and maximum is not None and _stalls(minimum, maximum, desired):
        where = maximum_node if maximum_node is not None else minimum_node
        yield Violation(where, _stall_message(service, minimum, maximum, desired))


# --- ECS125 ----------------------------------------------------------------------------------------

def grace_period_unused(service: Service, ctx) -> Iterator[Violation]:
    """``healthCheckGracePeriodSeconds`` with no load balancer, VPC Lattice or container health check."""
    node = service.get("healthCheckGracePeriodSeconds")
    task = service.task
    # 0 is no grace period (describe output shows 0 for every service); an update keeps the load balancers.
    if not literal_int(node) or task is None or _is_update(service):
        return
    # (a list that is not written out, such as a Terraform dynamic block over an unknown collection, may have some)
    if is_set(service.get("loadBalancers")) or is_set(service.get("vpcLatticeConfigurations")):
        return
    if task.has_health_check:
        return
    check = task.term("healthCheck", within="containerDefinitions")
    yield Violation(node, f"{service.label} sets {service.term('healthCheckGracePeriodSeconds')}, but it has no load "
                          f"balancer, no VPC Lattice configuration, and no container of {task.label} has a "
                          f"{check}, so the grace period has no effect. Remove it, or add the health check it is "
                          "meant to wait for.")


# --- ECS210 ----------------------------------------------------------------------------------------

PLACEMENT = {"placementStrategy": "Placement strategies", "placementConstraints": "Placement constraints"}


def fargate_placement(service: Service, ctx) -> Iterator[Violation]:
    """Placement strategies and constraints place tasks on EC2 instances; Fargate has none."""
    if not on_fargate(service):
        return
    for field, what in PLACEMENT.items():
        if has_value(service.get(field)):
            yield Violation(service.key(field),
                            f"{service.label} runs on Fargate but sets {service.term(field)}; AWS rejects it with "
                            f"\"{what} are not supported with FARGATE launch type.\" Placement chooses among EC2 "
                            "container instances, and Fargate has none. Remove it: to spread the tasks, give subnets "
                            f"in several Availability Zones in {service.term('networkConfiguration')}.")


# --- ECS211 ----------------------------------------------------------------------------------------

def version_tuple(text: str) -> tuple[int, ...] | None:
    parts = text.split(".")
    return tuple(int(p) for p in parts) if all(p.isdigit() for p in parts) else None


def _needs_platform_1_4(task: TaskDefinition) -> str | None:
    """What in the task definition needs Fargate Linux platform version 1.4.0, if anything, for a message."""
    if any(volume.efs is not None for volume in task.volumes):
        return "EFS volumes, which need"
    if has_value(task.get("ephemeralStorage")):
        return f"{task.term('ephemeralStorage')}, which needs"
    return None


def platform_too_old(service: Service) -> str | None:
    """What in the service's task definition its pinned Fargate platform version (older than Linux 1.4.0)
    lacks, for a message (ECS211); None when nothing does, or it is not known."""
    task = service.task
    version = version_tuple(literal_str(service.get("platformVersion")) or "")
    if version is None or version >= (1, 4, 0) or task is None or task.is_windows or not on_fargate(service):
        return None
    return _needs_platform_1_4(task)


def fargate_platform_version(service: Service, ctx) -> Iterator[Violation]:
    """EFS volumes and ephemeral storage need Fargate Linux platform version 1.4.0 or LATEST."""
    node, task = service.get("platformVersion"), service.task
    feature = platform_too_old(service)
    if feature:
        yield Violation(node, f"{service.label} pins Fargate platform version {node.value}, but {task.label} uses "
                              f"{feature} Linux platform version 1.4.0 or later; the tasks fail to start "
                              "(PlatformTaskDefinitionIncompatibilityException). Use \"LATEST\" or \"1.4.0\".")


# --- ECS404, ECS405 ----------------------------------------------------------------------------------

def _missing_awsvpc(service: Service) -> tuple[Node, str] | None:
    """Where and how the service lacks networkConfiguration.awsvpcConfiguration, if it does."""
    config, name = service.get("networkConfiguration"), service.term("networkConfiguration")
    if config is None or config.value is None:
        return service.node, f"has no {name}"
    awsvpc = config.get("awsvpcConfiguration")
    if config.is_map and (awsvpc is None or awsvpc.value is None):
        awsvpc_name = service.term("awsvpcConfiguration", within="networkConfiguration")
        return service.key("networkConfiguration"), f"has a {name} without {awsvpc_name}"
    return None  # the subnets themselves are ECS111's, a wrong type ECS112's


def network_configuration_missing(service: Service, ctx) -> Iterator[Violation]:
    """An awsvpc task definition needs the service's awsvpcConfiguration (its subnets)."""
    task = service.task
    if task is None or task.effective_network_mode != "awsvpc" or _is_update(service):
        return
    missing = _missing_awsvpc(service)
    if missing:
        where, what = missing
        yield Violation(where, f"{service.label} {what}, but its {task.label} uses the awsvpc network mode; AWS "
                               "rejects it with \"Network Configuration must be provided when networkMode 'awsvpc' is "
                               f"specified.\" Add {service.term('networkConfiguration.awsvpcConfiguration')} with the "
                               "subnets (and security groups) of the tasks.")


def network_configuration_not_allowed(service: Service, ctx) -> Iterator[Violation]:
    """A networkConfiguration is only for awsvpc task definitions."""
    task = service.task
    mode = task.effective_network_mode if task is not None else None
    config = service.get("networkConfiguration")
    if mode is None or mode == "awsvpc" or not has_value(config) or \
            (config.is_map and unknowable(config.get("awsvpcConfiguration"))):
        return  # (a Terraform dynamic block over an unknown collection may make none)
    name = service.term("networkConfiguration")
    yield Violation(service.key("networkConfiguration"),
                    f"{service.label} sets {name}, but its {task.label} uses {task.network_mode_phrase()}; AWS "
                    "rejects it with \"Network Configuration is not valid for the given networkMode of this task "
                    f"definition.\" Remove {name}, or switch the task definition to awsvpc.")


# --- ECS406, ECS407 ----------------------------------------------------------------------------------

_NETWORK_IDS = (("subnets", "subnet"), ("securityGroups", "security group"))


def _id_problem(text: str) -> str | None:
    """What is wrong with a subnet or security group ID as written (its placeholders aside): a blank or a comma."""
    known = fill_placeholders(text, lambda _: "x")
    if "," in known:
        return "holds several IDs in one string"
    if any(c.isspace() for c in known):
        return "has a blank in it" if known.strip() == known else "has a blank before or after the ID"
    return None


def network_id_whitespace(obj: Service | TaskSet, ctx) -> Iterator[Violation]:
    """Subnet and security group IDs of awsvpcConfiguration are taken as written: no blanks, one ID an item."""
    for member, noun in _NETWORK_IDS:
        path = f"networkConfiguration.awsvpcConfiguration.{member}"
        node = obj.at(*path.split("."))
        for index, item in enumerate(node.elements() if node is not None else []):
            text = as_str(item) if item.tag is None else None
            problem = _id_problem(text) if text else None
            if problem is None:
                continue
            fix = short(", ".join(json.dumps(part.strip()) for part in text.split(",") if part.strip()), 120)
            what = "each ID as its own item" if "," in text else "the ID alone"
            yield Violation(item, f"{obj.term(path)}[{index}] of {obj.label} is {json.dumps(short(text, 80))}, which "
                                  f"{problem}: AWS takes each {noun} ID as it is written, finds no {noun} with "
                                  "this ID and rejects the request with an InvalidParameterException. Write "
                                  f"{what}: [{fix}].")


def task_network(service: Service) -> tuple[str, str] | None:
    """The network mode of the service's tasks, and why, for messages: awsvpc when its task definition says so
    or it runs on Fargate (where every task does), else its task definition's mode; None when unknown."""
    task = service.task
    mode = task.effective_network_mode if task is not None else None
    if mode == "awsvpc":
        return mode, f"its {task.label} uses the awsvpc network mode"
    if on_fargate(service):
        return "awsvpc", "it runs on Fargate, where every task uses the awsvpc network mode"
    return (mode, f"its {task.label} uses {task.network_mode_phrase()}") if mode is not None else None


def _classic(service: Service, name: Node | None, graph: Graph) -> str | None:
    """How a message names the Classic Load Balancer a ``loadBalancerName`` gives: its name when written
    out, or the template's load balancer it refers to; None when unknown (or not a Classic one)."""
    if literal_str(name):
        return f"the Classic Load Balancer '{name.value}'"
    balancer = graph.target(service, name, LoadBalancer)
    if isinstance(balancer, LoadBalancer) and balancer.classic:
        return f"{balancer.label}, a Classic Load Balancer"
    return None


def classic_load_balancer(service: Service, ctx) -> Iterator[Violation]:
    """Fargate and awsvpc services cannot use a Classic Load Balancer."""
    network = task_network(service)
    if network is None or network[0] != "awsvpc":
        return
    for balancer in service.load_balancers:
        name = balancer.get("loadBalancerName")
        what = _classic(service, name, ctx.project.graph)
        if what:
            by_name = service.term("loadBalancerName", within="loadBalancers")
            yield Violation(name, f"{service.label} attaches {what} ({by_name}), but {network[1]}; AWS rejects the "
                                  "service: a Classic Load Balancer registers EC2 instances, while each awsvpc task "
                                  "has its own network interface and IP address. Put an Application Load Balancer "
                                  "(HTTP/HTTPS) or a Network Load Balancer (TCP/UDP/TLS) in front of the tasks, with a "
                                  "target group of target type \"ip\", and give its "
                                  f"{service.term('targetGroupArn', within='loadBalancers')} instead of {by_name} "
                                  f"(keep {service.term('containerName', within='loadBalancers')} and "
                                  f"{service.term('containerPort', within='loadBalancers')}).")


def too_many_target_groups(service: Service, ctx) -> Iterator[Violation]:
    """A service takes at most five load balancer target groups."""
    balancers = service.load_balancers
    if len(balancers) > MAX_TARGET_GROUPS:
        yield Violation(balancers[MAX_TARGET_GROUPS],
                        f"{service.label} lists {len(balancers)} load balancer target groups; AWS allows at most "
                        f"{MAX_TARGET_GROUPS} per service and rejects the rest. Route more paths through listener "
                        "rules of fewer target groups, or split the service.")


# --- ECS408 ----------------------------------------------------------------------------------------

def _container_ports(mappings: list[Node]) -> list[int] | None:
    """The containerPorts of port mappings; None when one is not a literal or is a port range."""
    ports = [literal_int(m.get("containerPort")) for m in mappings]
    if any(p is None for p in ports) or any(m.get("containerPortRange") is not None for m in mappings):
        return None
    return ports


def load_balancer_container(service: Service, ctx) -> Iterator[Violation]:
    """A load balancer's containerName and containerPort must match a port mapping of the task definition."""
    task = service.task
    if task is None or task.containers_by_name.open:
        return
    for balancer in service.load_balancers:
        name_node, port_node = balancer.get("containerName"), balancer.get("containerPort")
        name = literal_str(name_node)
        if not name:
            continue
        container = task.container(name)
        if container is None:
            yield Violation(name_node, f"the load balancer of {service.label} names container '{name}', which is not "
                                       f"in its {task.label} (its containers: {task.containers_by_name.listing()}); "
                                       "AWS rejects the service. Use the name of the container that serves the "
                                       "traffic.")
            continue
        port, ports = literal_int(port_node), _container_ports(container.port_mappings)
        if port is not None and ports is not None and port not in ports:
            maps = f"maps only {', '.join(map(str, ports))}" if ports else "maps no ports"
            yield Violation(port_node, f"the load balancer of {service.label} sends traffic to port {port} of "
                                       f"{container.label}, which {maps}; AWS rejects it with \"The container {name} "
                                       f"did not have a container port {port} defined.\" Use one of the container's "
                                       "ports, or add a port mapping for it.")


# --- ECS129 ----------------------------------------------------------------------------------------

def _controller(service: Service) -> str | None:
    """The deployment controller's type: ``ECS`` when the service names none; None when it is not a literal."""
    node = service.at("deploymentController", "type")
    return "ECS" if node is None or node.value is None else literal_str(node)


def service_without_task_definition(service: Service, ctx) -> Iterator[Violation]:
    """A service deployed by ECS or CodeDeploy must name the task definition it runs."""
    node = service.get("taskDefinition")
    controller = _controller(service)
    if is_set(node) or service.task is not None or controller not in ("ECS", "CODE_DEPLOY") or _is_update(service):
        return
    if service.resource is None and service.name is None:
        return  # a definition a deployment tool completes (ecspresso's names neither the service nor its task)
    how = "the ECS deployment controller (the default)" if controller == "ECS" and \
        service.get("deploymentController") is None else f"the {controller} deployment controller"
    name = service.term("taskDefinition")
    yield Violation(service.key("taskDefinition"),
                    f"{service.label} has no {name}, but it uses {how}, which deploys the task definition the service "
                    "names: \"A task definition must be specified if the service uses either the ECS or CODE_DEPLOY "
                    f"deployment controllers\" (CreateService), so creating the service fails. Set {name} to the task "
                    "definition to run (its family:revision, its ARN, or a reference to it), or use the EXTERNAL "
                    "deployment controller if task sets deploy the service.")


# --- ECS901, ECS902: services that take no traffic or run no tasks ----------------------------------

def _replica(service: Service) -> bool:
    """A REPLICA service (the default scheduling strategy), that is not an update-service input."""
    strategy = service.get("schedulingStrategy")
    return (strategy is None or strategy.value is None or literal_str(strategy) == "REPLICA") and \
        not _is_update(service)


def _service_connect(service: Service) -> bool:
    """Service Connect is configured, and not switched off (``enabled: false``)."""
    node = service.get("serviceConnectConfiguration")
    if not is_set(node):
        return False
    enabled = node.get("enabled") if node.is_map else None
    return enabled is None or (enabled.value is not False and as_str(enabled) != "false")


def service_without_load_balancer(service: Service, ctx) -> Iterator[Violation]:
    """A REPLICA service that no load balancer, Cloud Map registry, Service Connect or VPC Lattice reaches."""
    if not _replica(service) or _controller(service) in (None, EXTERNAL):
        return
    if any(is_set(service.get(member)) for member in ("loadBalancers", "serviceRegistries",
                                                       "vpcLatticeConfigurations")) or _service_connect(service):
        return
    yield Violation(service.key("loadBalancers"),
                    f"{service.label} has no load balancer, no service discovery ({service.term('serviceRegistries')}) "
                    "and no Service Connect, so nothing routes traffic to its tasks or checks their health from "
                    "outside, and a task that stops answering keeps running. If the service serves requests, add "
                    f"{service.term('loadBalancers')} with a target group (or register it in Cloud Map or Service "
                    "Connect); a queue worker or batch service that serves none is fine as it is.")


def _scales(target: ScalableTarget, service: Service) -> bool:
    """Whether the scalable target scales the service's desired count: its ResourceId
    (``service/<cluster>/<service>``) ends in the service's name or in a reference to the service."""
    dimension = literal_str(target.get("ScalableDimension"))
    text = as_str(target.get("ResourceId"))
    if dimension not in (None, "ecs:service:DesiredCount") or not text:
        return False
    last = text.rsplit("/", 1)[-1]
    resource = service.resource
    if resource is not None and scope_of(target) == scope_of(service) and last.startswith("${"):
        reference = last[2:].removesuffix("}")
        return any(reference == name or reference.startswith((f"{name}.", f"{name}["))
                   for name in {resource.logical_id, resource.address} - {None})
    return last == service.name


def service_runs_no_tasks(service: Service, ctx) -> Iterator[Violation]:
    """A REPLICA service whose desired count is 0, written or by the format's default, that no Application
    Auto Scaling target keeps above 0."""
    if not _replica(service) or service.get("serviceArn") is not None:
        return  # (what describe-services shows is the count now, not a configuration)
    node = service.get("desiredCount")
    count = literal_int(node) if node is not None else service.source.naming.default(service, "desiredCount")
    targets = [target for target in ctx.project.objects("ScalableTarget") if _scales(target, service)]
    if count != 0 or any(literal_int(target.get("MinCapacity")) != 0 for target in targets):
        return
    name = service.term("desiredCount")
    how = f"its {name} is 0" if node is not None else f"it sets no {name}, whose default here is 0"
    scaling = f"{targets[0].label} may scale it to 0 (its {targets[0].term('MinCapacity')} is 0)" if targets else \
        "no Application Auto Scaling target of the inputs scales it"
    yield Violation(service.key("desiredCount"),
                    f"{service.label} runs no tasks: {how}, and {scaling}. Set {name} to the number of tasks it "
                    "should run (or scale it with an Application Auto Scaling target whose MinCapacity is at least "
                    "1), or remove the service if it is no longer used.")
