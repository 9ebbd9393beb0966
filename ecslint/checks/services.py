"""Services: what AWS rejects when a service meets its task definition and cluster.

Each check stays silent on what it cannot know: a task definition or cluster that is not among
the inputs (``service.task`` / ``service.cluster`` is None), or a value that is not a literal.
"""

from __future__ import annotations

from typing import Iterator

from ecslint.findings import Violation
from ecslint.model import FARGATE, Service, TaskDefinition
from ecslint.tree import Node, as_int, as_str

FARGATE_PROVIDERS = ("FARGATE", "FARGATE_SPOT")
MAX_TARGET_GROUPS = 5


def _present(node: Node | None) -> bool:
    """Set to something: not absent, not null, not an empty list or string."""
    return node is not None and node.value not in (None, "", [], {})


def _on_fargate(service: Service) -> bool:
    """The service runs on Fargate: launchType FARGATE or a Fargate capacity provider."""
    return service.launch_type == FARGATE or bool(service.capacity_providers & set(FARGATE_PROVIDERS))


def _network_mode(task: TaskDefinition) -> str:
    """The task's network mode; absent means bridge (on Linux)."""
    return task.network_mode or "bridge"


# --- ECS121 ----------------------------------------------------------------------------------------

def launch_type_with_strategy(service: Service, ctx) -> Iterator[Violation]:
    """``launchType`` and ``capacityProviderStrategy`` exclude each other."""
    if service.launch_type and _present(service.get("capacityProviderStrategy")):
        yield Violation(service.key("launchType"),
                        f"{service.label} sets both launchType and capacityProviderStrategy; AWS rejects it with "
                        "\"Specify either Launch Type or Capacity Provider Strategy, but not both.\" Keep one: "
                        "the strategy to use capacity providers (FARGATE_SPOT, an Auto Scaling group), or the "
                        "launch type alone.")


# --- ECS122 ----------------------------------------------------------------------------------------

def launch_type_incompatible(service: Service, ctx) -> Iterator[Violation]:
    """A service on Fargate (or EXTERNAL) needs a task definition that requires that compatibility."""
    task = service.task
    if task is None or task.get("requiresCompatibilities") is None or not task.compatibilities:
        return
    wanted, node = None, None
    if service.launch_type in (FARGATE, "EXTERNAL"):
        wanted, node = service.launch_type, service.get("launchType")
    elif not service.launch_type and service.capacity_providers & set(FARGATE_PROVIDERS):
        wanted, node = FARGATE, service.key("capacityProviderStrategy")
    if wanted and wanted not in task.compatibilities:
        yield Violation(node, f"{service.label} runs on {wanted}, but its {task.label} requires "
                              f"{', '.join(sorted(task.compatibilities))} only; AWS rejects it with \"Task definition "
                              f"does not support launch_type {wanted}.\" Add \"{wanted}\" to the task definition's "
                              "requiresCompatibilities (with what that launch type needs), or change the launch type.")


# --- ECS123 ----------------------------------------------------------------------------------------

def _rejects(text: str) -> str:
    return f'AWS rejects it with "{text}"'


def _daemon_conflicts(service: Service) -> Iterator[tuple[Node, str, str]]:
    """Each setting the DAEMON scheduling strategy does not allow: where, why, and what to do."""
    remove = "Remove it, or use the REPLICA strategy."
    if _on_fargate(service):
        node = service.get("launchType") if service.launch_type == FARGATE else service.key("capacityProviderStrategy")
        yield node, "Fargate does not run DAEMON services (it has no instances to place one task on each)", \
            "Run it on EC2 instances, or use the REPLICA strategy."
    controller = service.at("deploymentController", "type")
    if as_str(controller) in ("CODE_DEPLOY", "EXTERNAL"):
        yield controller, f"the {controller.value} deployment controller does not support it", \
            "Use the ECS deployment controller."
    if _present(service.get("placementStrategy")):
        yield service.key("placementStrategy"), "it sets a placementStrategy; " + _rejects(
            "The daemon scheduling strategy does not support placement strategies. Remove the placement strategy "
            "and try again"), remove
    if service.get("desiredCount") is not None and service.get("desiredCount").value is not None:
        yield service.key("desiredCount"), "it sets a desiredCount; " + _rejects(
            "The daemon scheduling strategy does not support a desired count for services. Remove the desired count "
            "value and try again"), "Remove it: ECS runs one task on each container instance."
    maximum = service.at("deploymentConfiguration", "maximumPercent")
    if (as_int(maximum) or 0) > 100:
        yield maximum, "its maximumPercent is above 100; " + _rejects(
            "The daemon scheduling strategy does not support values above 100 for maximumPercent on a deployment "
            "configuration. Change the maximumPercent value to 100, and try again"), "Set it to 100."
    strategy = _rejects("Specifying a capacity provider strategy is not supported when you create a service using "
                        "the DAEMON scheduling strategy.")
    if _present(service.get("capacityProviderStrategy")) and not _on_fargate(service):
        yield service.key("capacityProviderStrategy"), "it sets a capacityProviderStrategy; " + strategy, \
            'Remove it and set "launchType": "EC2".'
    cluster = service.cluster
    if (not service.launch_type and not _present(service.get("capacityProviderStrategy")) and cluster is not None
            and _present(cluster.get("defaultCapacityProviderStrategy"))):
        yield service.key("schedulingStrategy"), (f"it sets no launchType, so it would use the default capacity "
                                                  f"provider strategy of {cluster.label}; {strategy}"), \
            'Set "launchType": "EC2" on the service.'


def daemon_conflicts(service: Service, ctx) -> Iterator[Violation]:
    """``schedulingStrategy: DAEMON`` and what it does not allow."""
    if service.str("schedulingStrategy") != "DAEMON":
        return
    for node, why, fix in _daemon_conflicts(service):
        end = " " if why.endswith('."') else ". "
        yield Violation(node, f"{service.label} uses the DAEMON scheduling strategy, but {why}{end}{fix}")


# --- ECS124 ----------------------------------------------------------------------------------------

def deployment_percentages(service: Service, ctx) -> Iterator[Violation]:
    """Deployment percentages out of range, or with no headroom for a rolling deployment."""
    config = service.get("deploymentConfiguration")
    if config is None or not config.is_map:
        return
    minimum_node, maximum_node = config.get("minimumHealthyPercent"), config.get("maximumPercent")
    minimum, maximum = as_int(minimum_node), as_int(maximum_node)
    replica = service.str("schedulingStrategy") != "DAEMON"
    if minimum is not None and not 0 <= minimum <= 100:
        yield Violation(minimum_node, f"deploymentConfiguration.minimumHealthyPercent of {service.label} is {minimum}, "
                                      "but it is the share of the desired count kept running during a deployment, "
                                      "from 0 to 100. Use a value in that range (100 keeps every task running).")
    elif maximum is not None and replica and maximum < 100:
        yield Violation(maximum_node, f"deploymentConfiguration.maximumPercent of {service.label} is {maximum}, below "
                                      "100, so the service cannot even run its desired count during a deployment. "
                                      "Use 100 or more (the default is 200).")
    elif minimum is not None and maximum is not None and replica and maximum <= minimum:
        yield Violation(maximum_node, f"deploymentConfiguration of {service.label} allows at most {maximum}% and at "
                                      f"least {minimum}% of the desired count during a deployment, which leaves no "
                                      "room to start a new task before an old one stops: rolling deployments never "
                                      "make progress. Raise maximumPercent above minimumHealthyPercent (e.g. 200), "
                                      "or lower minimumHealthyPercent.")


# --- ECS125 ----------------------------------------------------------------------------------------

def grace_period_unused(service: Service, ctx) -> Iterator[Violation]:
    """``healthCheckGracePeriodSeconds`` with no load balancer, VPC Lattice or container health check."""
    node = service.get("healthCheckGracePeriodSeconds")
    task = service.task
    if as_int(node) is None or task is None:
        return
    if service.load_balancers or _present(service.get("vpcLatticeConfigurations")):
        return
    if any(_present(container.get("healthCheck")) for container in task.containers):
        return
    yield Violation(node, f"{service.label} sets healthCheckGracePeriodSeconds, but it has no load balancer, no VPC "
                          f"Lattice configuration, and no container of {task.label} has a healthCheck, so the grace "
                          "period has no effect. Remove it, or add the health check it is meant to wait for.")


# --- ECS210 ----------------------------------------------------------------------------------------

def fargate_placement(service: Service, ctx) -> Iterator[Violation]:
    """Placement strategies and constraints place tasks on EC2 instances; Fargate has none."""
    if not _on_fargate(service):
        return
    for field in ("placementStrategy", "placementConstraints"):
        if _present(service.get(field)):
            yield Violation(service.key(field), f"{service.label} runs on Fargate but sets {field}, which only applies "
                                                "to tasks on EC2 instances; AWS rejects it. Remove it (choose "
                                                "subnets and Availability Zones in networkConfiguration instead).")


# --- ECS211 ----------------------------------------------------------------------------------------

def _version(text: str) -> tuple[int, ...] | None:
    parts = text.split(".")
    return tuple(int(p) for p in parts) if all(p.isdigit() for p in parts) else None


def _needs_platform_1_4(task: TaskDefinition) -> str | None:
    """What in the task definition needs Fargate Linux platform version 1.4.0, if anything."""
    if any(volume.efs is not None for volume in task.volumes):
        return "EFS volumes"
    if _present(task.get("ephemeralStorage")):
        return "ephemeralStorage"
    return None


def fargate_platform_version(service: Service, ctx) -> Iterator[Violation]:
    """EFS volumes and ephemeral storage need Fargate Linux platform version 1.4.0 or LATEST."""
    node, task = service.get("platformVersion"), service.task
    version = _version(as_str(node) or "")
    if version is None or version >= (1, 4, 0) or task is None or task.is_windows or not _on_fargate(service):
        return
    feature = _needs_platform_1_4(task)
    if feature:
        yield Violation(node, f"{service.label} pins Fargate platform version {node.value}, but {task.label} uses "
                              f"{feature}, which need Linux platform version 1.4.0 or later; the tasks fail to start "
                              "(PlatformTaskDefinitionIncompatibilityException). Use \"LATEST\" or \"1.4.0\".")


# --- ECS404, ECS405 ----------------------------------------------------------------------------------

def network_configuration_missing(service: Service, ctx) -> Iterator[Violation]:
    """An awsvpc task definition needs the service's subnets."""
    task = service.task
    if task is None or _network_mode(task) != "awsvpc":
        return
    config = service.get("networkConfiguration")
    if config is None or config.value is None:
        yield Violation(service.node, f"{service.label} has no networkConfiguration, but its {task.label} uses the "
                                      "awsvpc network mode; AWS rejects it with \"Network Configuration must be "
                                      "provided when networkMode 'awsvpc' is specified.\" Add networkConfiguration."
                                      "awsvpcConfiguration with the subnets (and security groups) of the tasks.")


def network_configuration_not_allowed(service: Service, ctx) -> Iterator[Violation]:
    """A networkConfiguration is only for awsvpc task definitions."""
    task = service.task
    config = service.get("networkConfiguration")
    if task is None or not _present(config) or task.is_windows or _network_mode(task) == "awsvpc":
        return
    yield Violation(service.key("networkConfiguration"),
                    f"{service.label} sets networkConfiguration, but its {task.label} uses the "
                    f"{_network_mode(task)} network mode; AWS rejects it with \"Network Configuration is not valid "
                    "for the given networkMode of this task definition.\" Remove networkConfiguration, or switch the "
                    "task definition to awsvpc.")


# --- ECS406, ECS407 ----------------------------------------------------------------------------------

def classic_load_balancer(service: Service, ctx) -> Iterator[Violation]:
    """Fargate and awsvpc services cannot use a Classic Load Balancer."""
    task = service.task
    awsvpc = task is not None and _network_mode(task) == "awsvpc"
    if not (awsvpc or _on_fargate(service) or (task is not None and task.is_fargate)):
        return
    where = "on Fargate" if not awsvpc else "with the awsvpc network mode"
    for balancer in service.load_balancers:
        name = balancer.get("loadBalancerName")
        if as_str(name):
            yield Violation(name, f"{service.label} runs {where} but attaches the Classic Load Balancer "
                                  f"'{name.value}' (loadBalancerName); Classic Load Balancers cannot route to awsvpc "
                                  "tasks, so AWS rejects the service. Create an Application or Network Load Balancer "
                                  "with a target group of target type \"ip\", and give its targetGroupArn instead of "
                                  "loadBalancerName.")


def too_many_target_groups(service: Service, ctx) -> Iterator[Violation]:
    """A service takes at most five load balancer target groups."""
    balancers = service.load_balancers
    if len(balancers) > MAX_TARGET_GROUPS:
        yield Violation(balancers[MAX_TARGET_GROUPS],
                        f"{service.label} lists {len(balancers)} load balancer target groups; AWS allows at most "
                        f"{MAX_TARGET_GROUPS} per service and rejects the rest. Route more paths through listener "
                        "rules of fewer target groups, or split the service.")


# --- ECS408 ----------------------------------------------------------------------------------------

def load_balancer_container(service: Service, ctx) -> Iterator[Violation]:
    """A load balancer's containerName and containerPort must match a port mapping of the task definition."""
    task = service.task
    if task is None:
        return
    for balancer in service.load_balancers:
        name_node, port_node = balancer.get("containerName"), balancer.get("containerPort")
        name, port = as_str(name_node), as_int(port_node)
        if not name:
            continue
        container = task.container(name)
        if container is None:
            known = ", ".join(f"'{c.name}'" for c in task.containers if c.name) or "none"
            yield Violation(name_node, f"the load balancer of {service.label} names container '{name}', which is not "
                                       f"in its {task.label} (its containers: {known}); AWS rejects the service. "
                                       "Use the name of the container that serves the traffic.")
            continue
        ports = [p for m in container.port_mappings if (p := as_int(m.get("containerPort"))) is not None]
        if port is not None and port not in ports:
            listed = ", ".join(map(str, ports)) or "none"
            yield Violation(port_node, f"the load balancer of {service.label} sends traffic to port {port} of "
                                       f"{container.label}, which maps only {listed}; AWS rejects it with \"The "
                                       f"container {name} did not have a container port {port} defined.\" Use one of "
                                       "the container's ports, or add a port mapping for it.")
