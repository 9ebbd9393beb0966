"""Files exported from the console or ``describe-task-definition``."""

from __future__ import annotations

from typing import Iterator

from ecslint.findings import Violation
from ecslint.model import READ_ONLY_TASK_FIELDS, TaskDefinition


def describe_output_fields(task: TaskDefinition, ctx) -> Iterator[Violation]:
    """Read-only fields of describe output, which ``register-task-definition`` does not accept."""
    present = [field for field in READ_ONLY_TASK_FIELDS if field in task.node.value]
    if not present:
        return
    first = min((task.node.key_node(f) for f in present), key=lambda n: (n.line, n.col))
    yield Violation(first, f"{task.label} carries read-only fields of describe-task-definition output "
                           f"({', '.join(map(task.term, present))}). The GitHub Actions deploy action strips them, but "
                           "`aws ecs register-task-definition --cli-input-json` rejects them as unknown parameters; "
                           "remove them if the file is registered with the CLI.")
