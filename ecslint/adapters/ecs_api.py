"""The ECS API shapes, in the AWS CLI's ``--cli-input-json`` / ``--cli-input-yaml`` spelling.

- task definitions: ``register-task-definition`` input, ``describe-task-definition`` output;
- services: ``create-service`` and ``update-service`` input, ``describe-services`` output;
- clusters: ``create-cluster`` and ``put-cluster-capacity-providers`` input, ``describe-clusters`` output.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecslint.model import Cluster, ContainerDefinition, ModelObject, Service, Source, TaskDefinition, Volume
from ecslint.tree import Node

if TYPE_CHECKING:
    from ecslint.adapters import AdaptOptions
    from ecslint.read import Document

# A file that contains none of these words holds nothing this adapter reads.
MARKERS = ("containerDefinitions", "taskDefinition", "serviceName", "deploymentConfiguration", "desiredCount",
           "clusterName", "capacityProviders", '"services"', "services:", '"clusters"', "clusters:")
# Members only a service has: a document with two of them (and no serviceName, as in an ecspresso
# service definition) is a service too.
SERVICE_ONLY = ("deploymentConfiguration", "desiredCount", "schedulingStrategy", "loadBalancers", "serviceRegistries",
                "deploymentController", "placementStrategy", "healthCheckGracePeriodSeconds", "networkConfiguration")
UPDATE_SERVICE = ("taskDefinition", "desiredCount", "forceNewDeployment", "deploymentConfiguration")
CLUSTER_ONLY = ("clusterName", "defaultCapacityProviderStrategy", "serviceConnectDefaults")


def _maps(node: Node | None) -> list[Node]:
    return [item for item in node.elements() if item.is_map] if node is not None else []


def task_definition(root: Node, source: Source) -> TaskDefinition | None:
    """The task definition in ``root``, whether bare or wrapped as describe output; else None."""
    wrapped = root.get("taskDefinition")
    wrapper = None
    if wrapped is not None and wrapped.is_map and "containerDefinitions" in wrapped.value:
        root, wrapper = wrapped, root.key_node("taskDefinition")
    elif "containerDefinitions" not in root.value:
        return None
    return build_task_definition(root, source, wrapper)


def build_task_definition(root: Node, source: Source, wrapped: Node | None = None) -> TaskDefinition:
    """The task definition of the mapping ``root``, with its containers and volumes."""
    task = TaskDefinition(root, source, wrapped=wrapped)
    task.containers = [ContainerDefinition(item, source, task) for item in _maps(root.get("containerDefinitions"))]
    task.volumes = [Volume(item, source, task) for item in _maps(root.get("volumes"))]
    return task


def _is_service(node: Node) -> bool:
    members = node.value
    if "serviceName" in members:
        return True
    service = members.get("service")
    if service is not None and isinstance(service.value, str):  # update-service input
        return any(key in members for key in UPDATE_SERVICE)
    return sum(key in members for key in SERVICE_ONLY) >= 2


def _is_cluster(node: Node) -> bool:
    members = node.value
    if any(key in members for key in CLUSTER_ONLY):
        return True
    # put-cluster-capacity-providers input
    return "cluster" in members and "capacityProviders" in members and "serviceName" not in members


def objects(root: Node, source: Source) -> list[ModelObject]:
    """Every task definition, service and cluster in one document."""
    if not root.is_map:
        return []
    task = task_definition(root, source)
    if task is not None:
        return [task]
    described = _maps(root.get("services")) + _maps(root.get("clusters"))
    if described:
        return [Service(n, source) if "serviceName" in n.value or "serviceArn" in n.value else Cluster(n, source)
                for n in described if n.value]
    if _is_service(root):
        return [Service(root, source)]
    if _is_cluster(root):
        return [Cluster(root, source)]
    return []


class EcsApiAdapter:
    """Task definitions, services and clusters as the ECS API (and the AWS CLI) spell them."""

    name = "ecs-api"
    markers = MARKERS

    def claims(self, root: Node) -> bool:
        return bool(objects(root, Source("", "")))

    def adapt(self, root: Node, document: Document, options: AdaptOptions) -> list[ModelObject]:
        return objects(root, Source(document.path, document.fmt, file=document.file))


ADAPTER = EcsApiAdapter()
