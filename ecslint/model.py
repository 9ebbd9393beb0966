"""The model of the ECS world that rules run on.

Each model object wraps a mapping node in the canonical spelling of the ECS API (camelCase,
as in ``register-task-definition``): adapters translate other spellings into it, so rules never
see a format. Every value is a located :class:`~ecslint.tree.Node`; typed helpers return a
value only when it is a literal of the expected type, so a rule stays silent on what it cannot
know.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Generic, Iterable, TypeVar

from ecslint.tree import Node, as_int, as_str

FARGATE = "FARGATE"
# How much of a value the value patterns look at: what AWS accepts in the fields they read (names,
# ARNs, images, sizes) is far shorter, and a pattern never gets a hostile megabyte to scan.
MAX_PATTERN_INPUT = 4096
_ANGLE_PLACEHOLDER = re.compile(r"<[^<>\s]+>")  # linear: each try ends at the next '<'


def is_templated(text: str) -> bool:
    """Whether ``text`` holds a template placeholder that a deployment tool fills in later
    (``${NAME}``, ``{{ name }}``, ``<NAME>``): the value is unknown, and rules stay silent on it.
    The search is linear in the length of the text (``str.find``, never a backtracking pattern)."""
    text = text[:MAX_PATTERN_INPUT]
    for opening, closing in (("${", "}"), ("{{", "}}")):
        start = text.find(opening)
        if start != -1 and text.find(closing, start + len(opening)) != -1:
            return True
    return _ANGLE_PLACEHOLDER.search(text) is not None


def literal_str(node: Node | None) -> str | None:
    """A non-empty string written as it is: not a template placeholder, not behind a YAML tag."""
    text = as_str(node)
    return text if text and node.tag is None and not is_templated(text) else None

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


Named = TypeVar("Named", "ContainerDefinition", "Volume")


class ByName(Generic[Named]):
    """Containers or volumes by name (the first of each name), built once, so that a rule that
    looks names up stays linear in the number of them.

    ``open`` is true when a name is not written out (a template placeholder, a value computed by a
    template function): it may stand for any name, so a name not found here may still be there.
    """

    LISTED = 8  # names a message lists

    def __init__(self, objects: Iterable[Named]) -> None:
        self.first: dict[str, Named] = {}
        self.open = False
        for obj in objects:
            node = obj.get("name")
            name = literal_str(node)
            if name:
                self.first.setdefault(name, obj)
            elif node is not None and node.value not in (None, ""):
                self.open = True

    def get(self, name: str) -> Named | None:
        return self.first.get(name)

    def listing(self) -> str:
        """The names for a message: ``'web', 'log'`` (the first few, then how many more); ``none``."""
        names = [f"'{name}'" for name in list(self.first)[: self.LISTED]]
        more = len(self.first) - len(names)
        return ", ".join(names) + (f" and {more} more" if more else "") if names else "none"


@dataclass(eq=False)
class Source:
    """A file the model came from, as the user named it."""

    path: str
    fmt: str


@dataclass(eq=False)
class ModelObject:
    """A model object: a canonical mapping node and the file it came from."""

    node: Node
    source: Source

    def get(self, name: str) -> Node | None:
        return self.node.get(name)

    def at(self, *path: str | int) -> Node | None:
        return self.node.at(*path)

    def str(self, *path: str | int) -> str | None:
        return as_str(self.node.at(*path))

    def int(self, *path: str | int) -> int | None:
        return as_int(self.node.at(*path))

    def key(self, name: str) -> Node:
        """Where a member is (its key), or the object itself when the member is absent."""
        return self.node.key_node(name) or self.node

    def list(self, name: str) -> list[Node]:
        node = self.node.get(name)
        return node.elements() if node is not None else []


@dataclass(eq=False)
class TaskDefinition(ModelObject):
    """A task definition (``register-task-definition`` input or ``describe-task-definition`` output)."""

    containers: list[ContainerDefinition] = field(default_factory=list)
    volumes: list[Volume] = field(default_factory=list)

    @property
    def family(self) -> str | None:
        return self.str("family")

    @property
    def label(self) -> str:
        """How messages name this task definition."""
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
    def is_windows(self) -> bool:
        family = self.str("runtimePlatform", "operatingSystemFamily")
        return bool(family and family.startswith("WINDOWS"))

    @cached_property
    def containers_by_name(self) -> ByName[ContainerDefinition]:
        return ByName(self.containers)

    @cached_property
    def volumes_by_name(self) -> ByName[Volume]:
        return ByName(self.volumes)

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
class ContainerDefinition(ModelObject):
    """One entry of ``containerDefinitions``."""

    task: TaskDefinition | None = None

    @property
    def name(self) -> str | None:
        return self.str("name")

    @property
    def label(self) -> str:
        return f"container '{self.name}'" if self.name else "a container with no name"

    @property
    def image(self) -> str | None:
        return self.str("image")

    @property
    def port_mappings(self) -> list[Node]:
        return [p for p in self.list("portMappings") if p.is_map]


@dataclass(eq=False)
class Volume(ModelObject):
    """One entry of a task definition's ``volumes``."""

    task: TaskDefinition | None = None

    @property
    def name(self) -> str | None:
        return self.str("name")

    @property
    def label(self) -> str:
        return f"volume '{self.name}'" if self.name else "a volume with no name"

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
    def label(self) -> str:
        return f"service '{self.name}'" if self.name else "the service"

    @property
    def cluster_name(self) -> str:
        """The cluster it runs in (a name or the last part of an ARN); ECS's default is "default"."""
        return _last_segment(self.str("cluster") or self.str("clusterArn") or "default")

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
    def label(self) -> str:
        return f"cluster '{self.name}'" if self.name else "the cluster"


MODEL_KINDS = {cls.__name__: cls for cls in (TaskDefinition, ContainerDefinition, Volume, Service, Cluster)}


@dataclass
class Project:
    """Everything read in one run, linked: the objects rules visit, by kind."""

    task_definitions: list[TaskDefinition] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)
    clusters: list[Cluster] = field(default_factory=list)

    def objects(self, kind: str) -> list[ModelObject]:
        if kind == "TaskDefinition":
            return list(self.task_definitions)
        if kind == "ContainerDefinition":
            return [c for t in self.task_definitions for c in t.containers]
        if kind == "Volume":
            return [v for t in self.task_definitions for v in t.volumes]
        if kind == "Service":
            return list(self.services)
        if kind == "Cluster":
            return list(self.clusters)
        return []
