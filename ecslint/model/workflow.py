"""The steps of a GitHub Actions workflow that ship a task definition: the Amazon ECS render and
deploy actions (``aws-actions/amazon-ecs-render-task-definition``,
``aws-actions/amazon-ecs-deploy-task-definition``).

A step names the task definition it reads with its ``task-definition`` input: a file of the
repository, or the output of an earlier render step of its job (a chain). The linker
(:mod:`ecslint.shipping`) sets ``task`` to the task definition in that file when it is read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterator

from ecslint.model.base import ModelObject
from ecslint.tree import Node

if TYPE_CHECKING:
    from ecslint.model.ecs import TaskDefinition

# A GitHub Actions expression, ``${{ env.IMAGE }}``: its inside. (Lazy, on text cut to a bound by callers.)
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}", re.DOTALL)
RENDER, DEPLOY = "render", "deploy"
ACTIONS = {"aws-actions/amazon-ecs-render-task-definition": RENDER,
           "aws-actions/amazon-ecs-deploy-task-definition": DEPLOY}


@dataclass(eq=False)
class WorkflowStep(ModelObject):
    """A render or deploy step (``node`` is the step's mapping).

    ``file_node`` is the value of its ``task-definition`` input; ``path`` the file it names,
    relative to the repository root, and ``file`` that file on disk (None when the input is
    absent, computed by an expression, or when the repository is unknown), with ``exists`` (None
    when it is not in the repository but an earlier step may write it; when it is not,
    ``meant``: a file of the repository the path may mean);
    ``reads`` the render step whose output it reads instead; ``drops``, for a deploy step, a render
    step before it whose output no step of the job uses. ``inputs`` holds its other inputs
    as written (``with``), with ``${{ env.X }}`` resolved where the workflow sets X literally.
    ``job_steps`` are the mappings of every step of its job, ``index`` its place among them.
    """

    action: str = DEPLOY
    job: str = ""
    index: int = 0
    step_id: str | None = None
    job_steps: list[Node] = field(default_factory=list)
    inputs: dict[str, Node] = field(default_factory=dict)
    file_node: Node | None = None
    path: str | None = None
    file: str | None = None
    exists: bool | None = None
    meant: str | None = None
    reads: WorkflowStep | None = None
    drops: WorkflowStep | None = None
    task: TaskDefinition | None = None

    @property
    def origin(self) -> WorkflowStep:
        """The first step of its chain: the one that reads a file."""
        step, seen = self, {id(self)}
        while step.reads is not None and id(step.reads) not in seen:
            step = step.reads
            seen.add(id(step))
        return step

    @property
    def own_label(self) -> str:
        name = self.str("name") or self.step_id
        if name:
            return f"step '{name}' of job '{self.job}'"
        return f"step {self.index + 1} of job '{self.job}' ({self.action_name.split('/', 1)[1]})"

    @property
    def action_name(self) -> str:
        return next(name for name, action in ACTIONS.items() if action == self.action)


def strings(node: Node) -> Iterator[str]:
    """Every string under ``node`` (a step: its inputs, script, name...)."""
    pending = [node]
    while pending:
        current = pending.pop()
        if isinstance(current.value, str):
            yield current.value
        elif current.is_map:
            pending.extend(current.value.values())
        elif current.is_seq:
            pending.extend(current.value)


def steps_naming(steps: list[Node], name: str) -> list[Node]:
    """The steps that mention ``name`` (a file name) anywhere: they may write or rewrite that file."""
    return [step for step in steps if any(name in text for text in strings(step))]


WORKFLOW_KINDS = (WorkflowStep,)
