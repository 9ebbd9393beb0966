"""Files exported from the console or ``describe-task-definition``."""

from __future__ import annotations

from typing import Iterator

from ecslint.findings import Violation
from ecslint.model import READ_ONLY_TASK_FIELDS, TaskDefinition


def describe_output_fields(task: TaskDefinition, ctx) -> Iterator[Violation]:
    """Describe output (the ``taskDefinition`` wrapper, read-only fields), which ``register-task-definition``
    does not accept."""
    present = [field for field in READ_ONLY_TASK_FIELDS if field in task.node.value]
    fields = f" ({', '.join(map(task.term, present))})" if present else ""
    if task.wrapper is not None:
        strip = f" | del({', '.join('.' + field for field in present)})" if present else ""
        carries = f" and carries read-only fields{fields}" if present else ""
        yield Violation(task.wrapper, f"{task.label} is describe-task-definition output: it is wrapped in "
                                      f"\"taskDefinition\"{carries}. "
                                      "`aws ecs register-task-definition --cli-input-json` rejects the wrapper "
                                      "(\"Unknown parameter in input: \"taskDefinition\"\"). Remove the wrapper"
                                      f"{' and those fields' if present else ''}: keep what is under "
                                      f"\"taskDefinition\" (jq '.taskDefinition{strip}').")
        return
    if not present:
        return
    first = min((task.node.key_node(f) for f in present), key=lambda n: (n.line, n.col))
    yield Violation(first, f"{task.label} carries read-only fields of describe-task-definition output{fields}. The "
                           "GitHub Actions deploy action strips them, but `aws ecs register-task-definition "
                           "--cli-input-json` rejects them as unknown parameters; remove them if the file is "
                           "registered with the CLI.")
