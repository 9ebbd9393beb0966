"""Workflow steps linked to the task definition files they ship, and those task definitions as the
actions hand them to AWS.

A render step fills the image (and, when asked, the log configuration) of one container into a copy
of the file; the deploy action removes empty values (empty strings, nulls, and lists and objects
with nothing else in them) and describe output's read-only fields before it calls
RegisterTaskDefinition. The task definition of a shipped file is replaced by what is registered, so
no rule reports a value that the actions fill in or strip. Values a render step fills in are unknown
unless its input is a literal (then they are at that input, in the workflow).
"""

from __future__ import annotations

import os
from collections import Counter
from typing import TYPE_CHECKING

from ecslint.adapters.ecs_api import build_task_definition
from ecslint.findings import Finding
from ecslint.model import READ_ONLY_TASK_FIELDS, Project, TaskDefinition, WorkflowStep, literal_str
from ecslint.model.values import Unresolved
from ecslint.model.workflow import DEPLOY, RENDER
from ecslint.tree import Node
from ecslint.wording import and_list

if TYPE_CHECKING:
    from ecslint.registry import Rule

# The inputs of the render action that replace a container's members.
FILLED = {"image": ("image",), "logConfiguration": ("log-configuration-log-driver", "log-configuration-options")}


def _key(path: str) -> str:
    return os.path.normcase(os.path.realpath(path))


def link_shipments(project: Project) -> None:
    """Set ``step.task`` and ``task.shipped_by``, and replace each shipped task definition by the
    one the actions register."""
    shipping: dict[str, list[WorkflowStep]] = {}
    for step in project.workflow_steps:
        origin = step.origin.file
        if origin is not None:
            shipping.setdefault(_key(origin), []).append(step)
    if not shipping:
        return
    tasks = project.by_kind.get("TaskDefinition", [])
    for index, task in enumerate(tasks):
        steps = shipping.get(_key(task.source.file)) if task.source.file and task.resource is None else None
        if steps is None:
            continue
        shipped = tasks[index] = registered(task, steps)  # type: ignore[arg-type]
        shipped.shipped_by = steps
        for step in steps:
            step.task = shipped


def registered(task: TaskDefinition, steps: list[WorkflowStep]) -> TaskDefinition:
    """The task definition that ``steps`` register from ``task``'s file (``task`` itself when the
    file is describe output, which the actions do not read)."""
    if task.wrapper is not None:
        return task
    node = task.node
    if any(step.action == DEPLOY for step in steps):
        node = _without_empty(node) or Node({}, node.line, node.col, node.end_line, node.end_col, {})
        node = _without(node, READ_ONLY_TASK_FIELDS)
    for step in steps:
        if step.action == RENDER:
            node = _filled(node, step)
    return build_task_definition(node, task.source)


def _copy(node: Node, value: dict | list) -> Node:
    keys = {k: v for k, v in node.keys.items() if k in value} if node.keys is not None and isinstance(value, dict) \
        else node.keys
    return Node(value, node.line, node.col, node.end_line, node.end_col, keys, node.tag, node.file)


def _without_empty(node: Node) -> Node | None:
    """``node`` without the values the deploy action removes; None when it is empty itself."""
    if node.is_map:
        members = {k: kept for k, v in node.value.items() if (kept := _without_empty(v)) is not None}
        return _copy(node, members) if members else None
    if node.is_seq:
        items = [kept for v in node.value if (kept := _without_empty(v)) is not None]
        return _copy(node, items) if items else None
    return None if node.value is None or node.value == "" else node


def _without(node: Node, names: tuple[str, ...]) -> Node:
    return _copy(node, {k: v for k, v in node.value.items() if k not in names})


def _filled(task: Node, step: WorkflowStep) -> Node:
    """The task definition with the members the render step fills in for its container."""
    name = literal_str(step.inputs.get("container-name"))
    containers = task.get("containerDefinitions")
    if name is None or containers is None or not containers.is_seq:
        return task
    fills = {member: node for member, inputs in FILLED.items()
             if (node := next((step.inputs[i] for i in inputs if i in step.inputs), None)) is not None}
    if not fills:
        return task
    items = [_copy(item, {**item.value, **{m: _filled_value(member_node, m, step) for m, member_node in fills.items()}})
             if item.is_map and literal_str(item.get("name")) == name else item for item in containers.value]
    return _copy(task, {**task.value, "containerDefinitions": _copy(containers, items)})


def _filled_value(node: Node, member: str, step: WorkflowStep) -> Node:
    """What the render step writes into ``member``: the image as its input gives it (in the
    workflow), anything else unknown."""
    value = node.value if member == "image" and isinstance(node.value, (str, Unresolved)) \
        else Unresolved(f"{step.label}: {member}", text=f"what {step.label} fills in")
    return Node(value, node.line, node.col, node.end_line, node.end_col, file=step.source.path)


def shipped_findings(project: Project, findings: dict[str, list[Finding]], rule: Rule) -> list[Finding]:
    """On each deploy step whose task definition has errors or warnings, one finding that says so."""
    mentions = []
    for step in project.workflow_steps:
        if step.action != DEPLOY or step.task is None:
            continue
        own = [f for f in findings.get(step.task.source.path, []) if f.level in ("error", "warning")]
        if not own:
            continue
        counts = Counter(f.level for f in own)
        ids = {level: sorted({f.rule for f in own if f.level == level}) for level in counts}
        told = and_list([f"{n} {level}{'s' if n != 1 else ''} ({', '.join(ids[level])})"
                         for level in ("error", "warning") if (n := counts[level])])
        consequence = ("the deployment fails, or its tasks fail to start" if counts["error"]
                       else "it deploys, with the mistakes ecslint warns about")
        message = (f"{step.label} deploys {step.origin.path}, where ecslint reports {told}: {consequence}. "
                   f"Fix them in {step.origin.path}.")
        mentions.append(Finding.at(step.file_node or step.node, step.source.path, rule.id, rule.name, rule.level,
                                   message))
    return mentions
