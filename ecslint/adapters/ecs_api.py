"""The ECS API shapes: ``register-task-definition`` input and ``describe-task-definition`` output."""

from __future__ import annotations

from ecslint.model import ContainerDefinition, Source, TaskDefinition, Volume
from ecslint.tree import Node

NOT_ECS = "no ECS task definition found"
# A file that contains none of these words holds nothing this adapter reads.
MARKERS = ("containerDefinitions",)


def task_definition(root: Node, source: Source) -> TaskDefinition | None:
    """The task definition in ``root``, whether bare or wrapped as describe output; else None."""
    if not root.is_map:
        return None
    wrapped = root.get("taskDefinition")
    if wrapped is not None and wrapped.is_map and "containerDefinitions" in wrapped.value:
        root = wrapped
    elif "containerDefinitions" not in root.value:
        return None
    task = TaskDefinition(root, source)
    for item in task.list("containerDefinitions"):
        if item.is_map:
            task.containers.append(ContainerDefinition(item, source, task))
    for item in task.list("volumes"):
        if item.is_map:
            task.volumes.append(Volume(item, source, task))
    return task


def describe_content(root: Node) -> str:
    """Why a document is not linted, for ``--verbose``."""
    if root.is_map:
        if "AWSTemplateFormatVersion" in root.value or "Resources" in root.value:
            return "CloudFormation template (not supported yet)"
        if "serviceName" in root.value or "service" in root.value or "services" in root.value:
            return "ECS service definition (not supported yet)"
        return NOT_ECS
    if root.is_seq:
        return "a list, not an ECS task definition"
    return "a scalar, not an ECS task definition" if root.value is not None else "empty document"
