"""A project: every model object of one run, by kind, linked into a graph by :mod:`ecslint.link`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ecslint.model.aws import AWS_KINDS
from ecslint.model.base import ModelObject
from ecslint.model.ecs import ECS_KINDS, Cluster, Service, TaskDefinition
from ecslint.model.workflow import WORKFLOW_KINDS, WorkflowStep

MODEL_KINDS = {cls.__name__: cls for cls in (*ECS_KINDS, *AWS_KINDS, *WORKFLOW_KINDS)}
# Kinds that live inside another object, not on their own.
PARTS = {"ContainerDefinition": "containers", "Volume": "volumes"}


@dataclass
class Project:
    """Everything read in one run: the objects rules visit, by kind."""

    by_kind: dict[str, list[ModelObject]] = field(default_factory=dict)
    graph: Any = None  # set by the linker: an ecslint.graph.Graph

    def add(self, obj: ModelObject) -> None:
        self.by_kind.setdefault(type(obj).__name__, []).append(obj)

    def objects(self, kind: str) -> list[ModelObject]:
        if kind in PARTS:
            return [part for task in self.task_definitions for part in getattr(task, PARTS[kind])]
        return list(self.by_kind.get(kind, ()))

    @property
    def task_definitions(self) -> list[TaskDefinition]:
        return self.by_kind.get("TaskDefinition", [])  # type: ignore[return-value]

    @property
    def services(self) -> list[Service]:
        return self.by_kind.get("Service", [])  # type: ignore[return-value]

    @property
    def workflow_steps(self) -> list[WorkflowStep]:
        return self.by_kind.get("WorkflowStep", [])  # type: ignore[return-value]

    @property
    def clusters(self) -> list[Cluster]:
        return self.by_kind.get("Cluster", [])  # type: ignore[return-value]
