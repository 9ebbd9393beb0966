"""Adapters turn a positioned document into model objects; only they know a format's spelling."""

from __future__ import annotations

from dataclasses import dataclass, field

from ecslint.adapters import ecs_api
from ecslint.model import Cluster, Service, Source, TaskDefinition
from ecslint.read import Document

NOT_ECS = ecs_api.NOT_ECS


def may_hold_ecs(text: str) -> bool:
    """A cheap test before parsing: could ``text`` hold content an adapter reads? A file that
    could not is skipped unparsed, which keeps a pre-commit run over many files fast."""
    return any(marker in text for marker in ecs_api.MARKERS)


@dataclass
class Adapted:
    """What one file contributed: model objects, or why it was skipped."""

    task_definitions: list[TaskDefinition] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)
    clusters: list[Cluster] = field(default_factory=list)
    skipped: str | None = None


def adapt(document: Document) -> Adapted:
    """Find the ECS content of every document in the file; explain a file with none."""
    source = Source(document.path, document.fmt)
    result = Adapted()
    reasons: list[str] = []
    by_kind = {TaskDefinition: result.task_definitions, Service: result.services, Cluster: result.clusters}
    for root in document.roots:
        found = ecs_api.objects(root, source)
        if not found:
            reasons.append(ecs_api.describe_content(root))
        for obj in found:
            by_kind[type(obj)].append(obj)
    if not (result.task_definitions or result.services or result.clusters):
        result.skipped = reasons[0] if reasons else "empty YAML stream"
    return result
