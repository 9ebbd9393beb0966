"""Link the model into a graph: service -> task definition, service <-> cluster.

A reference resolves only when exactly one input matches it; anything else stays unknown (None),
and the rules that need it stay silent rather than guess.
"""

from __future__ import annotations

from ecslint.model import Project, Service, TaskDefinition

_TASK_DEFINITION_ARN = ":task-definition/"


def _family_and_revision(reference: str) -> tuple[str, int | None]:
    """``web``, ``web:12`` or ``arn:aws:ecs:...:task-definition/web:12`` -> (``web``, 12 or None)."""
    if _TASK_DEFINITION_ARN in reference:
        reference = reference.split(_TASK_DEFINITION_ARN, 1)[1]
    family, _, revision = reference.partition(":")
    return family, int(revision) if revision.isdigit() else None


def resolve_task_definition(service: Service, tasks: list[TaskDefinition]) -> TaskDefinition | None:
    """The one task definition among ``tasks`` that the service's ``taskDefinition`` names."""
    reference = service.str("taskDefinition")
    if not reference:
        return None
    family, revision = _family_and_revision(reference)
    candidates = [t for t in tasks if t.family == family]
    if revision is not None:
        # A file without a revision (register-task-definition input) may become any revision.
        candidates = [t for t in candidates if t.int("revision") in (None, revision)]
    return candidates[0] if len(candidates) == 1 else None


def link(project: Project) -> None:
    """Set ``service.task``, ``service.cluster`` and ``cluster.services`` where the references resolve."""
    clusters: dict[str, list] = {}
    for cluster in project.clusters:
        if cluster.name:
            clusters.setdefault(cluster.name, []).append(cluster)
    for service in project.services:
        service.task = resolve_task_definition(service, project.task_definitions)
        matches = clusters.get(service.cluster_name, [])
        if len(matches) == 1:
            service.cluster = matches[0]
            matches[0].services.append(service)
