"""Link the model into a graph: service -> task definition, service <-> cluster, and the project's
:class:`~ecslint.graph.Graph`, which rules ask what other values refer to.

A service names its task definition by family, ``family:revision`` or ARN, or, in a template, by a
reference to the resource (``!Ref TaskDefinition``, ``!GetAtt TaskDefinition.TaskDefinitionArn``),
which resolves within the same template and scenario. A reference resolves only when exactly one
input matches it; anything else stays unknown (None), and the rules that need it stay silent
rather than guess.
"""

from __future__ import annotations

from ecslint.graph import Graph, referenced_id
from ecslint.model import Cluster, Project, Service, TaskDefinition, literal_str
from ecslint.shipping import link_shipments

_TASK_DEFINITION_ARN = ":task-definition/"


def _family_and_revision(reference: str) -> tuple[str, int | None]:
    """``web``, ``web:12`` or ``arn:aws:ecs:...:task-definition/web:12`` -> (``web``, 12 or None)."""
    if _TASK_DEFINITION_ARN in reference:
        reference = reference.split(_TASK_DEFINITION_ARN, 1)[1]
    family, _, revision = reference.partition(":")
    return family, int(revision) if revision.isdigit() else None


def resolve_task_definition(service: Service, tasks: list[TaskDefinition], graph: Graph) -> TaskDefinition | None:
    """The one task definition among ``tasks`` that the service's ``taskDefinition`` names."""
    node = service.get("taskDefinition")
    if referenced_id(node) is not None:
        return graph.target(service, node, TaskDefinition)  # type: ignore[return-value]
    reference = literal_str(node)
    if not reference:
        return None
    family, revision = _family_and_revision(reference)
    graph.asked.add(family)
    candidates = [t for t in tasks if t.family == family]
    if revision is not None:
        # A file without a revision (register-task-definition input) may become any revision.
        candidates = [t for t in candidates if t.int("revision") in (None, revision)]
    return candidates[0] if len(candidates) == 1 else None


def _resolve_cluster(service: Service, clusters: dict[str, list[Cluster]], graph: Graph) -> Cluster | None:
    node = service.get("cluster")
    if referenced_id(node) is not None:
        return graph.target(service, node, Cluster)  # type: ignore[return-value]
    name = service.cluster_name
    if name:
        graph.asked.add(name)
    matches = clusters.get(name, []) if name else []
    return matches[0] if len(matches) == 1 else None


def link(project: Project) -> None:
    """Set the project's graph, and ``service.task``, ``service.cluster`` and ``cluster.services``
    where the references resolve; and workflow steps to the task definitions they ship."""
    link_shipments(project)
    graph = project.graph = Graph(project)
    clusters: dict[str, list[Cluster]] = {}
    for cluster in project.clusters:
        if cluster.name:
            clusters.setdefault(cluster.name, []).append(cluster)
    for service in project.services:
        if service.task is None:  # (an adapter may know it already: ecspresso's service definition)
            service.task = resolve_task_definition(service, project.task_definitions, graph)
        service.cluster = _resolve_cluster(service, clusters, graph)
        if service.cluster is not None:
            service.cluster.services.append(service)
