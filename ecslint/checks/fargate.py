"""Fargate: what AWS rejects for a task definition that requires FARGATE."""

from __future__ import annotations

from typing import Iterator

from ecslint.findings import Violation
from ecslint.model import TaskDefinition


def network_mode(task: TaskDefinition, ctx) -> Iterator[Violation]:
    """FARGATE requires ``networkMode: awsvpc``."""
    if not task.is_fargate:
        return
    node = task.get("networkMode")
    if node is None or node.value is None:
        yield Violation(task.key("requiresCompatibilities"),
                        f"{task.label} requires FARGATE but sets no networkMode (the default is bridge); "
                        "AWS rejects it with \"Fargate only supports network mode 'awsvpc'.\" "
                        "Add \"networkMode\": \"awsvpc\".")
    elif node.value != "awsvpc":
        yield Violation(node, f"networkMode is '{node.value}' but {task.label} requires FARGATE; "
                              "AWS rejects it with \"Fargate only supports network mode 'awsvpc'.\" "
                              "Use \"awsvpc\".")
