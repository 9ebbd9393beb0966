"""The ECS objects of the model: task definitions with their containers and volumes, services,
clusters, capacity providers and task sets.

Each wraps a mapping node in the canonical spelling of the ECS API (camelCase, as in
``register-task-definition``): adapters translate other spellings into it, so rules never see a
format. Typed helpers return a value only when it is a literal of the expected type, so a rule
stays silent on what it cannot know.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, ClassVar

from ecslint.model.base import ByName, ModelObject, Scenario
from ecslint.model.values import is_intrinsic, literal_str, shown
from ecslint.tree import Node, as_bool, as_str

if TYPE_CHECKING:
    from ecslint.model.workflow import WorkflowStep

FARGATE = "FARGATE"

# Fields of describe-task-definition output that register-task-definition does not accept.
READ_ONLY_TASK_FIELDS = (
    "taskDefinitionArn",
    "revision",
    "status",
    "requiresAttributes",
    "compatibilities",
    "registeredAt",
    "registeredBy",
    "deregisteredAt",
)


@dataclass(eq=False)
class TaskDefinition(ModelObject):
    """A task definition (``register-task-definition`` input or ``describe-task-definition`` output).

    ``wrapped``: the ``taskDefinition`` key of describe output that holds it. ``shipped_by``: the
    workflow steps that read its file (set by the linker)."""

    containers: list[ContainerDefinition] = field(default_factory=list)
    volumes: list[Volume] = field(default_factory=list)
    wrapper: Node | None = None  # the key of the describe-task-definition output it is wrapped in
    shipped_by: list[WorkflowStep] = field(default_factory=list)

    @property
    def family(self) -> str | None:
        return self.str("family")

    @property
    def own_label(self) -> str:
        return f"task definition '{self.family}'" if self.family else "the task definition"

    @cached_property
    def compatibilities(self) -> set[str]:
        """The launch types in ``requiresCompatibilities`` (literal strings only)."""
        return {value for node in self.list("requiresCompatibilities") if (value := as_str(node))}

    @property
    def is_fargate(self) -> bool:
        return FARGATE in self.compatibilities

    @property
    def network_mode(self) -> str | None:
        """The literal ``networkMode``, or None when it is absent or not a string."""
        return self.str("networkMode")

    @property
    def effective_network_mode(self) -> str | None:
        """The network mode the task runs in: ``networkMode``, or when it is absent or null the default
        (``bridge`` on Linux, ``default``, NAT, on Windows); None when it is not a literal."""
        node = self.get("networkMode")
        if node is None or node.value is None:
            return "default" if self.is_windows else "bridge"
        return literal_str(node)

    def network_mode_phrase(self) -> str:
        """How a message names the task's network mode: ``the host network mode``, or the default it
        runs in when it sets none."""
        node = self.get("networkMode")
        if node is not None and node.value is not None:
            return f"the {node.value} network mode"
        if self.is_windows:
            return f"the default network mode of Windows (NAT), as it sets no {self.term('networkMode')}"
        return f"the bridge network mode, the default when {self.term('networkMode')} is not set"

    @property
    def is_windows(self) -> bool:
        family = self.str("runtimePlatform", "operatingSystemFamily")
        return bool(family and family.startswith("WINDOWS"))

    @cached_property
    def containers_by_name(self) -> ByName[ContainerDefinition]:
        return ByName(self.containers, is_intrinsic(self.get("containerDefinitions")))

    @cached_property
    def volumes_by_name(self) -> ByName[Volume]:
        """The volumes by name; open when the list is not written out (a function, a Terraform
        ``dynamic`` block over an unknown collection)."""
        return ByName(self.volumes, is_intrinsic(self.get("volumes")))

    def container(self, name: str) -> ContainerDefinition | None:
        return self.containers_by_name.get(name)

    @cached_property
    def has_health_check(self) -> bool:
        """Whether a container defines a healthCheck."""
        return any(c.get("healthCheck") is not None and c.get("healthCheck").value not in (None, "", [], {})
                   for c in self.containers)

    def volume(self, name: str) -> Volume | None:
        return self.volumes_by_name.get(name)


@dataclass(eq=False)
class TaskPart(ModelObject):
    """A named entry of a task definition's list (a container or a volume), in its task's scenario."""

    task: TaskDefinition | None = None
    noun: ClassVar[str] = "part"
    member: ClassVar[str] = ""  # the task definition's list it is an entry of

    @property
    def scenario(self) -> Scenario | None:
        return self.task.scenario if self.task is not None else None

    @property
    def name(self) -> str | None:
        return self.str("name")

    @property
    def own_label(self) -> str:
        name = shown(self.get("name"))
        if name:
            return f"{self.noun} '{name}'"
        entries = self.task.list(self.member) if self.task is not None else []
        index = next((i for i, node in enumerate(entries) if node is self.node), None)
        if index is None:
            return f"a {self.noun} with no name"
        return f"{self.noun} {self.task.term(self.member)}[{index}]"


@dataclass(eq=False)
class ContainerDefinition(TaskPart):
    """One entry of ``containerDefinitions``."""

    noun = "container"
    member = "containerDefinitions"

    @property
    def image(self) -> str | None:
        return self.str("image")

    @property
    def essential(self) -> bool | None:
        """``essential`` with its default (true when absent or null); None when it is not a boolean."""
        node = self.get("essential")
        if node is None or node.value is None:
            return True
        return as_bool(node)

    @property
    def port_mappings(self) -> list[Node]:
        return [p for p in self.list("portMappings") if p.is_map]


@dataclass(eq=False)
class Volume(TaskPart):
    """One entry of a task definition's ``volumes``."""

    noun = "volume"
    member = "volumes"

    @property
    def efs(self) -> Node | None:
        node = self.get("efsVolumeConfiguration")
        return node if node is not None and node.is_map else None


def _last_segment(reference: str) -> str:
    """``arn:aws:ecs:us-east-1:123456789012:cluster/prod`` -> ``prod``; a plain name stays as it is."""
    return reference.rsplit("/", 1)[-1] if reference.startswith("arn:") else reference


@dataclass(eq=False)
class Service(ModelObject):
    """A service: ``create-service`` / ``update-service`` input, or one of ``describe-services``'s services.

    ``task`` and ``cluster`` are set by the linker when the task definition or cluster the service
    names is among the inputs; otherwise they stay None (unknown), and rules that need them stay silent.
    """

    task: TaskDefinition | None = None
    cluster: Cluster | None = None

    @property
    def name(self) -> str | None:
        return self.str("serviceName") or self.str("service")

    @property
    def own_label(self) -> str:
        return f"service '{self.name}'" if self.name else "the service"

    @property
    def cluster_name(self) -> str | None:
        """The cluster it runs in (a name or the last part of an ARN): "default" when it names none,
        as ECS reads it; None when the name is not written out (a placeholder, a template reference)."""
        node = self.get("cluster")
        node = node if node is not None and node.value is not None else self.get("clusterArn")
        if node is None or node.value is None:
            return "default"
        text = literal_str(node)
        return _last_segment(text) if text else None

    @property
    def launch_type(self) -> str | None:
        return self.str("launchType")

    @cached_property
    def capacity_providers(self) -> set[str]:
        """The capacity providers of the service's own strategy (literal names only)."""
        return {p for item in self.list("capacityProviderStrategy") if (p := as_str(item.get("capacityProvider")))}

    @cached_property
    def load_balancers(self) -> list[Node]:
        return [lb for lb in self.list("loadBalancers") if lb.is_map]


@dataclass(eq=False)
class Cluster(ModelObject):
    """A cluster: ``create-cluster`` or ``put-cluster-capacity-providers`` input, or a ``describe-clusters`` cluster."""

    services: list[Service] = field(default_factory=list)

    @property
    def name(self) -> str | None:
        reference = self.str("clusterName") or self.str("cluster") or self.str("clusterArn")
        return _last_segment(reference) if reference else None

    @property
    def own_label(self) -> str:
        return f"cluster '{self.name}'" if self.name else "the cluster"


@dataclass(eq=False)
class CapacityProvider(ModelObject):
    """A capacity provider (``create-capacity-provider`` input): an Auto Scaling group, or managed instances."""


@dataclass(eq=False)
class ClusterCapacityProviderAssociations(ModelObject):
    """The capacity providers of a cluster and its default strategy, given apart from the cluster."""


@dataclass(eq=False)
class TaskSet(ModelObject):
    """A task set of a service with the EXTERNAL deployment controller."""


ECS_KINDS = (TaskDefinition, ContainerDefinition, Volume, Service, Cluster, CapacityProvider,
             ClusterCapacityProviderAssociations, TaskSet)
