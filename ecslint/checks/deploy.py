"""Task definitions shipped by GitHub Actions workflows (ECS801-ECS805): the render and deploy
steps, and the files they read.

A finding goes where the fix is made, among the files being linted: a describe output wrapper on the
task definition file; a wrong container name on the workflow step, or on the task definition when
only that file is linted (a pre-commit run given only the file whose container was renamed).
"""

from __future__ import annotations

import re
from typing import Iterator

from ecslint.findings import Violation
from ecslint.model import TaskDefinition, WorkflowStep, literal_str
from ecslint.model.values import MAX_PATTERN_INPUT
from ecslint.model.workflow import EXPRESSION, RENDER, steps_naming, strings
from ecslint.tree import Node, as_str
from ecslint.wording import short

RENDER_FAILS = "the render action fails with"
# Tools a step may rewrite a file with before it is shipped.
REWRITERS = re.compile(r"\b(?:sed|envsubst|jq|yq|perl|awk|gomplate|cat|cp|mv|tee|python3?|node)\b")


def _is_render(step: WorkflowStep) -> bool:
    return step.action == RENDER


# ECS801 ---------------------------------------------------------------------------------------


def file_missing(step: WorkflowStep, ctx) -> Iterator[Violation]:
    """The ``task-definition`` input names a file that is not in the repository."""
    if step.exists is not False or step.file_node is None:
        return
    failure = (f'{RENDER_FAILS} "Task definition file does not exist: {step.path}"' if _is_render(step)
               else "the deploy action fails to read it (ENOENT: no such file or directory)")
    meant = f" Did you mean {step.meant}?" if step.meant else ""
    yield Violation(step.file_node, f"{step.label} reads the task definition file {step.path}, which is not in the "
                                    f"repository: {failure}. The path is relative to the repository root (where "
                                    "actions/checkout puts it), not to the workflow file; correct it, or commit "
                                    f"the file.{meant}")


# ECS802 ---------------------------------------------------------------------------------------


def describe_output_shipped(step: WorkflowStep, ctx) -> Iterator[Violation]:
    """The file a step reads is describe-task-definition output, still wrapped in ``taskDefinition``."""
    task = step.task
    if step.file is None or task is None or task.wrapper is None:
        return
    failure = (f'{RENDER_FAILS} "Invalid task definition format: containerDefinitions section is not present or '
               'is not an array"' if _is_render(step) else
               "the deploy action sends it to RegisterTaskDefinition as it is, which rejects the unknown member "
               "taskDefinition")
    message = (f"{step.path} is describe-task-definition output, with the task definition wrapped in "
               f'{{"taskDefinition": ...}}, and {step.label} reads it: {failure}. Keep only what is inside: '
               f"aws ecs describe-task-definition --task-definition {task.family or 'NAME'} --query taskDefinition "
               f"> {step.path}.")
    if not task.source.context:
        yield Violation(task.wrapper, message, within=task)
    else:
        yield Violation(step.file_node, message)


# ECS803 ---------------------------------------------------------------------------------------


def container_not_found(step: WorkflowStep, ctx) -> Iterator[Violation]:
    """The render step's ``container-name`` is not a container of the task definition."""
    task = step.task
    name_node = step.inputs.get("container-name")
    name = literal_str(name_node)
    if not _is_render(step) or task is None or task.wrapper is not None or name is None:
        return
    containers = task.containers_by_name
    if containers.open or containers.get(name) is not None:
        return
    message = (f"{step.label} renders the container '{name}', but {task.label} in {step.origin.path} has no "
               f"container of that name (its containers: {containers.listing()}): {RENDER_FAILS} \"Invalid task "
               "definition: Could not find container definition with matching name\". Names are case-sensitive; "
               "make container-name the name of the container whose image the workflow builds.")
    if step.source.context and not task.source.context:
        yield Violation(task.key("containerDefinitions"), message, within=task)
    else:
        yield Violation(name_node, message)


# ECS804 ---------------------------------------------------------------------------------------


def deploys_unrendered(step: WorkflowStep, ctx) -> Iterator[Violation]:
    """A deploy step ships a file other than the output of a render step before it, whose output
    no later step uses."""
    render = step.drops
    if render is not None and step.file_node is not None:
        output = f"${{{{ steps.{render.step_id or '<id>'}.outputs.task-definition }}}}"
        written = step.path or as_str(step.file_node) or "another file"
        yield Violation(step.file_node, f"{step.label} deploys {short(written, 80)}, not the task definition that "
                                        f"{render.label} renders ({output}), which no later step uses: the image it "
                                        "fills in is never deployed, and the service keeps running the image "
                                        f"written in the file. Set task-definition: {output}"
                                        + ("" if render.step_id else ", after giving the render step an id") + ".")


# ECS805 ---------------------------------------------------------------------------------------


def _rewritten(task: TaskDefinition) -> bool:
    """Whether a step may change the file before it is shipped: a step before a reading one that
    names the file (``sed -i``, ``envsubst < in > out``, a token-replacing action), or a render step
    that renders it as a template (``template-variables``)."""
    for step in task.shipped_by:
        if "template-variables" in step.inputs:
            return True
        if step.path is None:
            continue
        for earlier in steps_naming(step.job_steps[:step.index], step.path.rsplit("/", 1)[-1]):
            if earlier.get("uses") is not None or any(REWRITERS.search(text) for text in strings(earlier)):
                return True
    return False


def _expressions(node: Node, path: list[str | int]) -> Iterator[tuple[Node, list[str | int], str]]:
    """Every string under ``node`` that holds a ``${{ }}`` expression, with its path and the first expression."""
    pending = [(node, path)]
    while pending:
        current, where = pending.pop()
        if isinstance(current.value, str) and "${{" in current.value:
            match = EXPRESSION.search(current.value[:MAX_PATTERN_INPUT])
            if match is not None:
                yield current, where, match.group(0)
        elif current.is_map:
            pending.extend((v, [*where, k]) for k, v in reversed(current.value.items()))
        elif current.is_seq:
            pending.extend((v, [*where, i]) for i, v in reversed(list(enumerate(current.value))))


def workflow_expression_in_file(task: TaskDefinition, ctx) -> Iterator[Violation]:
    """``${{ secrets.X }}`` or ``${{ env.X }}`` written in a task definition file that a workflow ships as it is."""
    step = next((s for s in task.shipped_by if s.path is not None), None)
    if step is None or _rewritten(task):
        return
    for node, path, expression in _expressions(task.node, []):
        secret = "secrets." in expression
        fix = ("Keep the secret in AWS Secrets Manager or SSM Parameter Store and name it in the container's "
               "secrets (valueFrom), so ECS injects it when the task starts" if secret else
               "Give the value with the render step's environment-variables input (where GitHub does substitute "
               "expressions), or write it in the file")
        yield Violation(node, f"{task.term_path(path)} of {task.label} holds the GitHub Actions expression "
                              f"{short(expression, 60)}, but {step.label} reads this file as it is: GitHub substitutes "
                              "expressions only in the workflow itself, so the container gets the literal text"
                              f"{' instead of the secret' if secret else ''}. {fix}.")
