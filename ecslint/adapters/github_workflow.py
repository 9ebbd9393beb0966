"""GitHub Actions workflows (``.github/workflows/*.yml``): the steps that use the Amazon ECS render
and deploy actions, each with the task definition file it names.

A document is a workflow when its ``jobs`` mapping has a step that uses one of those actions; any
other workflow is not ECS content. Paths in ``task-definition`` are relative to the repository root
(the runner's ``GITHUB_WORKSPACE``, where ``actions/checkout`` puts the repository); the repository
is the folder above ``.github/workflows``, or the one that holds ``.git``. An input may use
expressions: ``${{ env.X }}`` is replaced where the workflow, the job or the step sets X to a
literal, ``${{ steps.ID.outputs.task-definition }}`` names the output of an earlier render step of
the job, and anything else (``${{ inputs.Y }}``, ``${{ matrix.Z }}``, secrets) is unknown.
"""

from __future__ import annotations

import os
import posixpath
import re
from typing import TYPE_CHECKING, Iterator

from ecslint import observed
from ecslint.model import ModelObject, Source, WorkflowStep
from ecslint.model.values import MAX_PATTERN_INPUT, Unresolved
from ecslint.model.workflow import ACTIONS, DEPLOY, EXPRESSION, RENDER, steps_naming, strings
from ecslint.repository import repository_root
from ecslint.tree import Node, as_str

if TYPE_CHECKING:
    from ecslint.adapters import AdaptOptions
    from ecslint.read import Document

MARKERS = tuple(ACTIONS)
_ENV = re.compile(r"env\.([A-Za-z_][A-Za-z0-9_]*)")
_OUTPUT_USE = re.compile(r"steps\.([A-Za-z_][A-Za-z0-9_-]*)\.outputs")
_STEP_OUTPUT = re.compile(r"steps\.([A-Za-z_][A-Za-z0-9_-]*)\.outputs(?:\.task-definition|\[\s*'task-definition'\s*\])")
CHECKOUT = "actions/checkout"
WORKFLOWS = ".github/workflows"


def action_of(step: Node) -> str | None:
    """``render`` or ``deploy`` for a step that uses one of the actions (at any ref), else None."""
    uses = as_str(step.get("uses"))
    return ACTIONS.get(uses.split("@", 1)[0].strip().lower()) if uses else None


def _steps(job: Node) -> list[Node]:
    steps = job.get("steps")
    return [s for s in steps.elements() if s.is_map] if steps is not None else []


def _jobs(root: Node) -> Iterator[tuple[str, Node]]:
    jobs = root.get("jobs") if root.is_map else None
    for name, job in jobs.items() if jobs is not None else ():
        if job.is_map:
            yield name, job


def _env(node: Node | None, outer: dict[str, str | None]) -> dict[str, str | None]:
    """``outer`` with the values of an ``env`` mapping, as far as they are known (None where not):
    literals, and expressions of the enclosing ``env`` that are."""
    env = dict(outer)
    for name, value in node.items() if node is not None else ():
        text = value.value
        if isinstance(text, bool):
            text = str(text).lower()
        env[name] = resolve(str(text), outer) if isinstance(text, (str, int, float)) else None
    return env


def resolve(text: str, env: dict[str, str | None]) -> str | None:
    """``text`` with each ``${{ env.X }}`` replaced by X's literal value; None when an expression is unknown."""
    if "${{" not in text:
        return text
    if len(text) > MAX_PATTERN_INPUT:
        return None
    parts, end = [], 0
    for match in EXPRESSION.finditer(text):
        name = _ENV.fullmatch(match.group(1))
        value = env.get(name.group(1)) if name else None
        if value is None:
            return None
        parts += [text[end:match.start()], value]
        end = match.end()
    return "".join(parts) + text[end:]


def _resolved(node: Node, env: dict[str, str | None]) -> Node:
    """An input's value with its expressions resolved; what cannot be is :class:`Unresolved`."""
    text = as_str(node)
    if text is None or "${{" not in text:
        return node
    value = resolve(text, env)
    shown = Unresolved(text, text=text) if value is None else value
    return Node(shown, node.line, node.col, node.end_line, node.end_col, tag=node.tag)


def _root_of(document: Document) -> str | None:
    """The repository a workflow file belongs to (None when unknown, as for standard input)."""
    if document.file is None:
        return None
    folder = os.path.dirname(os.path.abspath(document.file))
    if os.path.basename(folder) == "workflows" and os.path.basename(os.path.dirname(folder)) == ".github":
        return os.path.dirname(os.path.dirname(folder))
    found = repository_root(folder)
    return str(found) if found is not None else None


def _repository_path(text: str | None) -> str | None:
    """A path relative to the repository root, normalized; None for an absolute path or one outside it."""
    if not text or os.path.isabs(text) or text.startswith(("/", "~")):
        return None
    path = posixpath.normpath(text.replace("\\", "/"))
    return None if path == ".." or path.startswith("../") else path


def _meant(repository: str, path: str) -> str | None:
    """A file of the repository that a path which names none may mean: the same name in another
    case, the path taken from the workflows' folder, or the same name in ``.aws/``."""
    folder, name = posixpath.split(path)
    try:
        listed = sorted(observed.listdir(os.path.join(repository, folder)))
    except OSError:
        listed = []
    candidates = [posixpath.join(folder, n) for n in listed if n.lower() == name.lower()]
    candidates += [posixpath.normpath(f"{WORKFLOWS}/{path}"), f".aws/{name}"]
    return next((c for c in candidates if c != path and observed.isfile(os.path.join(repository, c))), None)


def _output_uses(steps: list[Node]) -> dict[str, int]:
    """For each step id whose outputs a step refers to, the index of the last step that does."""
    last: dict[str, int] = {}
    for index, step in enumerate(steps):
        for text in strings(step):
            if "steps." in text:
                last.update((match.group(1), index) for match in _OUTPUT_USE.finditer(text))
    return last


def _moves_checkout(steps: list[Node]) -> bool:
    """Whether ``actions/checkout`` puts the repository in a folder of the workspace (``path:``)."""
    for step in steps:
        uses = as_str(step.get("uses")) or ""
        where = as_str(step.at("with", "path"))
        if uses.split("@", 1)[0].lower() == CHECKOUT and where and posixpath.normpath(where) != ".":
            return True
    return False


class WorkflowAdapter:
    """The render and deploy steps of a GitHub Actions workflow."""

    name = "github-actions"
    ORDER = 20
    markers = MARKERS

    def claims(self, root: Node) -> bool:
        return any(action_of(step) for _, job in _jobs(root) for step in _steps(job))

    def adapt(self, root: Node, document: Document, options: AdaptOptions) -> list[ModelObject]:
        source = Source(document.path, document.fmt, file=document.file)
        repository = _root_of(document)
        workflow_env = _env(root.get("env"), {})
        found: list[ModelObject] = []
        for name, job in _jobs(root):
            steps = _steps(job)
            job_env = _env(job.get("env"), workflow_env)
            located = repository if not _moves_checkout(steps) else None
            by_id: dict[str, WorkflowStep] = {}
            used = _output_uses(steps)
            unused: list[WorkflowStep] = []  # render steps so far whose output no step uses
            for index, node in enumerate(steps):
                step_id = as_str(node.get("id"))
                action = action_of(node)
                if action is None:
                    continue
                step = WorkflowStep(node, source, action=action, job=name, index=index, step_id=step_id,
                                    job_steps=steps)
                self._read_inputs(step, _env(node.get("env"), job_env), located, by_id)
                if action == RENDER:
                    if step_id:
                        by_id[step_id] = step
                    if used.get(step_id or "", -1) <= index:
                        unused.append(step)
                elif action == DEPLOY and unused:
                    step.drops = unused[0]
                found.append(step)
        return found

    @staticmethod
    def _read_inputs(step: WorkflowStep, env: dict[str, str | None], repository: str | None,
                     renders: dict[str, WorkflowStep]) -> None:
        """The step's inputs, and the file it reads (or the render step whose output it reads)."""
        given = step.get("with")
        step.inputs = {key: _resolved(value, env) for key, value in given.items()} if given is not None else {}
        step.file_node = given.get("task-definition") if given is not None else None
        text = as_str(step.file_node)
        whole = EXPRESSION.fullmatch(text[:MAX_PATTERN_INPUT]) if text else None
        output = _STEP_OUTPUT.fullmatch(whole.group(1)) if whole else None
        if output is not None:
            step.reads = renders.get(output.group(1))
            return
        step.path = _repository_path(resolve(text, env)) if text else None
        if step.path is not None and repository is not None:
            step.file = os.path.join(repository, *step.path.split("/"))
            if observed.isfile(step.file):
                step.exists = True
            elif not steps_naming(step.job_steps[:step.index], step.path.rsplit("/", 1)[-1]):
                step.exists, step.meant = False, _meant(repository, step.path)


ADAPTER = WorkflowAdapter()
