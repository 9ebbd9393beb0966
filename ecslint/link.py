"""Link the model into a graph: service -> task definition, service <-> cluster.

A service names its task definition by family, ``family:revision`` or ARN, or, in a template, by a
reference to the resource (``!Ref TaskDefinition``, ``!GetAtt TaskDefinition.TaskDefinitionArn``),
which resolves within the same template and scenario. A reference resolves only when exactly one
input matches it; anything else stays unknown (None), and the rules that need it stay silent
rather than guess.
"""

from __future__ import annotations

from ecslint.model import Cluster, ModelObject, Project, Service, TaskDefinition, literal_str
from ecslint.model.values import function_call
from ecslint.tree import Node

_TASK_DEFINITION_ARN = ":task-definition/"
Index = dict[tuple[str, int, str], ModelObject]


def _family_and_revision(reference: str) -> tuple[str, int | None]:
    """``web``, ``web:12`` or ``arn:aws:ecs:...:task-definition/web:12`` -> (``web``, 12 or None)."""
    if _TASK_DEFINITION_ARN in reference:
        reference = reference.split(_TASK_DEFINITION_ARN, 1)[1]
    family, _, revision = reference.partition(":")
    return family, int(revision) if revision.isdigit() else None


def referenced_resource(node: Node | None) -> str | None:
    """The logical id a ``Ref`` or ``Fn::GetAtt`` names."""
    call = function_call(node.plain()) if node is not None else None
    if call is None:
        return None
    name, argument = call
    if name == "Ref":
        return argument if isinstance(argument, str) else None
    if name == "Fn::GetAtt" and isinstance(argument, list) and argument:
        return argument[0] if isinstance(argument[0], str) else None
    return None


def _key(obj: ModelObject, logical_id: str) -> tuple[str, int, str]:
    scenario = obj.scenario
    return obj.source.path, scenario.index if scenario is not None else -1, logical_id


def _index(project: Project) -> Index:
    """Every template resource's object, by file, scenario and logical id."""
    return {_key(obj, obj.resource.logical_id): obj
            for objects in project.by_kind.values() for obj in objects if obj.resource is not None}


def follow(obj: ModelObject, node: Node | None, index: Index, kind: type) -> ModelObject | None:
    """The object of the same template (and scenario, or of no scenario: a resource that no
    condition changes) that ``node`` references, if it is a ``kind``."""
    logical_id = referenced_resource(node)
    if not logical_id:
        return None
    target = index.get(_key(obj, logical_id)) or index.get((obj.source.path, -1, logical_id))
    return target if isinstance(target, kind) else None


def resolve_task_definition(service: Service, tasks: list[TaskDefinition], index: Index) -> TaskDefinition | None:
    """The one task definition among ``tasks`` that the service's ``taskDefinition`` names."""
    node = service.get("taskDefinition")
    if referenced_resource(node) is not None:
        return follow(service, node, index, TaskDefinition)  # type: ignore[return-value]
    reference = literal_str(node)
    if not reference:
        return None
    family, revision = _family_and_revision(reference)
    candidates = [t for t in tasks if t.family == family]
    if revision is not None:
        # A file without a revision (register-task-definition input) may become any revision.
        candidates = [t for t in candidates if t.int("revision") in (None, revision)]
    return candidates[0] if len(candidates) == 1 else None


def _resolve_cluster(service: Service, clusters: dict[str, list[Cluster]], index: Index) -> Cluster | None:
    node = service.get("cluster")
    if referenced_resource(node) is not None:
        return follow(service, node, index, Cluster)  # type: ignore[return-value]
    name = service.cluster_name
    matches = clusters.get(name, []) if name else []
    return matches[0] if len(matches) == 1 else None


def link(project: Project) -> None:
    """Set ``service.task``, ``service.cluster`` and ``cluster.services`` where the references resolve."""
    index = _index(project)
    clusters: dict[str, list[Cluster]] = {}
    for cluster in project.clusters:
        if cluster.name:
            clusters.setdefault(cluster.name, []).append(cluster)
    for service in project.services:
        service.task = resolve_task_definition(service, project.task_definitions, index)
        service.cluster = _resolve_cluster(service, clusters, index)
        if service.cluster is not None:
            service.cluster.services.append(service)
