"""Validity: what RegisterTaskDefinition rejects in a task definition, its containers and volumes.

Values of the wrong type or null are left to ECS112 (``invalid-value-type``) and ECS111
(``missing-required-value``); the other checks stay silent on them.
"""

from __future__ import annotations

import json
import re
from typing import Callable, Iterator, NamedTuple

from ecslint.checks.structure import JsonPath, missing_members, validation
from ecslint.edits import fix, replace
from ecslint.findings import Fix, Violation
from ecslint.model import Cluster, ContainerDefinition, Service, TaskDefinition, is_templated, literal_str
from ecslint.tree import Node, as_int, as_str
from ecslint.units import parse_cpu, parse_memory
from ecslint.wording import and_list, closest, short

NAME = re.compile(r"^[a-zA-Z0-9_-]{1,255}$")


def _blank(node: Node | None) -> bool:
    """Absent, null or an empty string: what AWS reads as "not given"."""
    return node is None or node.value is None or node.value == ""


def _maps(node: Node | None) -> list[Node]:
    """The mapping items of a list node (nothing for other nodes)."""
    return [item for item in node.elements() if item.is_map] if node is not None else []


# ECS101 ---------------------------------------------------------------------------------------


def no_essential_container(task: TaskDefinition, ctx) -> Iterator[Violation]:
    """At least one container must be essential (``essential`` defaults to true)."""
    flags = [c.essential for c in task.containers]
    if flags and all(flag is False for flag in flags):
        essential = task.term("essential", within="containerDefinitions")
        yield Violation(task.key("containerDefinitions"),
                        f"every container of {task.label} sets {essential}: false; AWS rejects a task definition "
                        "without an essential container, since ECS stops a task when an essential container exits. "
                        f"Set {task.setting('essential', True, within='containerDefinitions')} on the main container "
                        "(or leave it out: it defaults to true).", fix=_only_essential(task, essential))


def _only_essential(task: TaskDefinition, essential: str) -> Fix | None:
    """The only container made essential (with several, which one is main is not obvious)."""
    if len(task.containers) != 1:
        return None
    return fix(f"Set {essential} to true", replace(task.containers[0], task.containers[0].get("essential"), True))


# ECS102 ---------------------------------------------------------------------------------------


def _name_violations(task: TaskDefinition, list_key: str, what: str) -> Iterator[Violation]:
    """Names of the items of ``list_key`` that break the charset, or repeat an earlier item's name."""
    first: dict[str, int] = {}
    for index, item in enumerate(task.list(list_key)):
        node = item.get("name") if item.is_map else None
        name = literal_str(node)
        if not name:
            continue
        if not NAME.match(name):
            yield _bad_name(node, name, f"{what} name")
        elif name in first:
            yield Violation(node, f"{what} name '{name}' is already used by {task.term(list_key)}[{first[name]}]; "
                                  f"AWS requires {what} names to be unique within a task definition. "
                                  f"Rename one of the two {what}s.")
        first.setdefault(name, index)


def _bad_name(node: Node, name: str, what: str) -> Violation:
    suggestion = re.sub(r"[^a-zA-Z0-9_-]+", "-", name).strip("-")[:255] or "app"
    return Violation(node, f"{what} '{name}' is not a valid name: AWS accepts only up to 255 letters, digits, "
                           f"hyphens and underscores. Rename it, e.g. to '{suggestion}'.")


def invalid_names(task: TaskDefinition, ctx) -> Iterator[Violation]:
    """``family``, container and volume names: the ECS charset, and unique within the task definition."""
    family = literal_str(task.get("family"))
    if family and not NAME.match(family):
        yield _bad_name(task.get("family"), family, task.term("family"))
    yield from _name_violations(task, "containerDefinitions", "container")
    yield from _name_violations(task, "volumes", "volume")


# ECS103 ---------------------------------------------------------------------------------------


def memory_reservation(container: ContainerDefinition, ctx) -> Iterator[Violation]:
    """``memoryReservation`` (the soft limit) must not exceed ``memory`` (the hard limit)."""
    memory, reservation = container.int("memory"), container.int("memoryReservation")
    if memory is not None and reservation is not None and reservation > memory:
        hard, soft = container.term("memory"), container.term("memoryReservation")
        yield Violation(container.get("memoryReservation"),
                        f"{soft} of {container.label} is {reservation} MiB, more than its {hard} hard limit of "
                        f"{memory} MiB; AWS rejects it, as the soft limit must not exceed the hard limit. "
                        f"Lower {soft} or raise {hard}.")


# ECS104 ---------------------------------------------------------------------------------------


def _sum_over(containers: list[ContainerDefinition], amount: Callable[[ContainerDefinition], int | None],
              unit: str) -> tuple[int, str]:
    """The total of ``amount(c)`` over the containers, and a list like "'web' 512, 'log' 128"."""
    parts = [(c.name or "(no name)", value) for c in containers if (value := amount(c))]
    return sum(v for _, v in parts), ", ".join(f"'{n}' {v}{unit}" for n, v in parts)


def task_resources(task: TaskDefinition, ctx) -> Iterator[Violation]:
    """Container cpu and memory must fit in the task-level cpu and memory."""
    cpu_node, memory_node = task.get("cpu"), task.get("memory")
    cpu = parse_cpu(cpu_node.value) if cpu_node is not None else None
    if cpu is not None:
        total, parts = _sum_over(task.containers, lambda c: c.int("cpu"), "")
        if total > cpu:
            task_cpu = task.term("cpu")
            yield Violation(cpu_node,
                            f"the containers of {task.label} ask for {total} CPU units in total ({parts}), more than "
                            f"the task-level {task_cpu} of {cpu}; AWS rejects it with \"The sum of all container 'cpu' "
                            "values cannot be greater than the value of the task 'cpu'.\" Lower the container "
                            f"{task.term('cpu', within='containerDefinitions')} values or raise the task {task_cpu}.")
    memory = parse_memory(memory_node.value) if memory_node is not None else None
    if memory is not None:
        yield from _task_memory(task, memory_node, memory)


def _task_memory(task: TaskDefinition, node: Node, memory: int) -> Iterator[Violation]:
    """One container's hard limit above the task memory, or else the reservations' sum above it."""
    task_memory = task.term("memory")
    too_big = [c for c in task.containers if (c.int("memory") or 0) > memory]
    for container in too_big:
        limit = container.term("memory")
        yield Violation(node,
                        f"{container.label} sets {limit} {container.int('memory')} MiB, more than the {memory} MiB "
                        f"task-level {task_memory} of {task.label}; AWS rejects it with \"The 'memory' setting for "
                        f"container '{container.name}' is greater than for the task.\" Lower the container {limit} "
                        f"or raise the task {task_memory}.")
    # Only memoryReservation values count: a container's hard limit may take the whole task memory while
    # sidecars reserve theirs (as CDK's service extensions do, and AWS registers).
    total, parts = _sum_over(task.containers, lambda c: c.int("memoryReservation"), " MiB")
    if not too_big and total > memory:
        yield Violation(node,
                        f"the {task.term('memoryReservation', within='containerDefinitions')} values of the "
                        f"containers of {task.label} add up to {total} MiB ({parts}), more than the task-level "
                        f"{task_memory} of {memory} MiB; AWS rejects it with \"The sum of all container "
                        "'memoryReservation' values cannot be greater than the value of the task 'memory'.\" Lower the "
                        f"reservations or raise the task {task_memory}.")


# ECS105 ---------------------------------------------------------------------------------------


def container_memory_missing(container: ContainerDefinition, ctx) -> Iterator[Violation]:
    """Without task-level memory (and not on Fargate), a container needs memory or memoryReservation."""
    task = container.task
    if task is None or task.is_fargate or not _blank(task.get("memory")):
        return
    values = [container.get(key) for key in ("memory", "memoryReservation")]
    if all(node is None or node.value is None or as_int(node) == 0 for node in values):
        hard, soft, task_memory = container.term("memory"), container.term("memoryReservation"), task.term("memory")
        yield Violation(container.node,
                        f"{container.label} sets neither {hard} nor {soft}, and {task.label} has no task-level "
                        f"{task_memory}; AWS rejects it with \"Invalid setting for container '{container.name}'. "
                        f"At least one of 'memory' or 'memoryReservation' must be specified.\" Set {soft} "
                        f"(a soft limit in MiB) or {hard} (a hard limit), or a task-level {task_memory}.")


# ECS106 ---------------------------------------------------------------------------------------


def _dependencies(container: ContainerDefinition) -> Iterator[tuple[Node, str, Node | None]]:
    """Each ``dependsOn`` entry with a non-empty target name: (its containerName node, the name, condition node)."""
    for entry in _maps(container.get("dependsOn")):
        node = entry.get("containerName")
        if literal_str(node):
            yield node, node.value, entry.get("condition")


def container_dependencies(container: ContainerDefinition, ctx) -> Iterator[Violation]:
    """``dependsOn`` targets another container of the task, whose setup fits the condition; ``links`` name
    another container of the task."""
    task = container.task
    if task is None:
        return
    containers = task.containers_by_name
    for node, name, condition_node in _dependencies(container):
        target = containers.get(name)
        if name == container.name:
            yield Violation(node, f"{container.label} lists itself in {container.term('dependsOn')}; a container "
                                  "cannot wait for itself, so it would never start. Remove this entry.")
        elif target is None and not containers.open:
            yield Violation(node, f"{container.term('dependsOn')} of {container.label} names container '{name}', "
                                  f"which is not in {task.label} (its containers: {containers.listing()}); AWS "
                                  "rejects the task definition. Fix the name or remove the entry.")
        elif target is not None:
            yield from _condition_violations(container, target, condition_node)
    yield from _link_violations(container, task)


def _link_violations(container: ContainerDefinition, task: TaskDefinition) -> Iterator[Violation]:
    """``links`` entries (``name`` or ``name:alias``) must name another container of the task; each name once."""
    containers, links = task.containers_by_name, container.term("links")
    seen: set[str] = set()
    for node in container.list("links"):
        text = literal_str(node)
        name = text.split(":", 1)[0] if text else ""
        if name in seen:
            continue
        seen.add(name)
        if name and name == container.name:
            yield Violation(node, f"{links} of {container.label} names the container itself; a container links to "
                                  "the other containers of its task. Remove this entry.")
        elif name and containers.get(name) is None and not containers.open:
            yield Violation(node, f"{links} of {container.label} names container '{short(name, 60)}', which is not in "
                                  f"{task.label} (its containers: {containers.listing()}); ECS links only containers "
                                  "of the same task, so the link has nothing to reach. Fix the name (a link is "
                                  "name or name:alias) or remove the entry.")


def _condition_violations(container: ContainerDefinition, target: ContainerDefinition,
                          node: Node | None) -> Iterator[Violation]:
    condition = as_str(node)
    if condition == "HEALTHY" and _blank(target.get("healthCheck")):
        check = target.term("healthCheck")
        yield Violation(node, f"{container.label} waits for {target.label} to be HEALTHY, but {target.label} has "
                              f"no {check}, so it never becomes healthy and {container.label} never starts. "
                              f"Add a {check} to '{target.name}' or use the condition START.")
    elif condition in ("COMPLETE", "SUCCESS") and target.essential:
        yield Violation(node, f"{container.label} waits for {target.label} with condition {condition}, but "
                              f"{target.label} is essential, and AWS does not allow {condition} on an essential "
                              f"container (its exit stops the task). Set {target.setting('essential', False)} on "
                              f"'{target.name}', or use START or HEALTHY.")


# ECS107 ---------------------------------------------------------------------------------------


def dependency_cycles(task: TaskDefinition, ctx) -> Iterator[Violation]:
    """Containers whose ``dependsOn`` form a cycle never start: report each cycle once, at its closing entry."""
    edges: dict[str, list[tuple[str, Node]]] = {}
    for container in task.containers:
        if container.name:
            edges.setdefault(container.name, []).extend(
                (name, node) for node, name, _ in _dependencies(container)
                if name != container.name and task.container(name) is not None)
    for cycle, node in _cycles(edges):
        yield Violation(node, f"the containers {cycle} of {task.label} wait for each other through "
                              f"{task.term('dependsOn', within='containerDefinitions')}, so none of them can ever start. "
                              "Remove one dependency of the cycle.")


CYCLE_SHOWN = 6  # containers of a long cycle that a message names


def _cycles(edges: dict[str, list[tuple[str, Node]]]) -> Iterator[tuple[str, Node]]:
    """Depth-first search without recursion; every edge back into the current path closes one cycle,
    given as ``a -> b -> a``. Linear in the containers and their dependencies."""
    done: set[str] = set()
    for start in edges:
        if start in done:
            continue
        path, on_path, pending = [start], {start: 0}, [iter(edges[start])]
        while pending:
            step = next(pending[-1], None)
            if step is None:
                finished = path.pop()
                del on_path[finished]
                done.add(finished)
                pending.pop()
            elif step[0] in on_path:
                yield _chain(path, on_path[step[0]]), step[1]
            elif step[0] not in done:
                on_path[step[0]] = len(path)
                path.append(step[0])
                pending.append(iter(edges[step[0]]))


def _chain(path: list[str], start: int) -> str:
    """The cycle ``path[start:]`` as ``a -> b -> a``; a long one by its first few containers."""
    length = len(path) - start
    shown = " -> ".join(path[start:start + min(length, CYCLE_SHOWN)])
    more = f" -> ... ({length} containers in all)" if length > CYCLE_SHOWN else ""
    return f"{shown}{more} -> {path[start]}"


# ECS108, ECS114 -------------------------------------------------------------------------------

HEALTH_CHECK_RANGES = {"interval": (5, 300), "timeout": (2, 60), "retries": (1, 10), "startPeriod": (0, 300)}


def _health_check(container: ContainerDefinition) -> Node | None:
    check = container.get("healthCheck")
    return check if check is not None and check.is_map else None


def health_check_timings(container: ContainerDefinition, ctx) -> Iterator[Violation]:
    """``healthCheck`` timings within AWS's ranges."""
    check = _health_check(container)
    if check is None:
        return
    for key, (low, high) in HEALTH_CHECK_RANGES.items():
        value = as_int(check.get(key))
        if value is not None and not low <= value <= high:
            unit = "" if key == "retries" else " seconds"
            name = container.term(f"healthCheck.{key}")
            yield Violation(check.get(key), f"{name} of {container.label} is {value}, outside the range AWS "
                                            f"accepts ({low} to {high}{unit}); AWS rejects the task definition. Use "
                                            f"a value from {low} to {high}.")


_EXAMPLE_CHECK = '["CMD-SHELL", "curl -f http://localhost/ || exit 1"]'


def health_check_command(container: ContainerDefinition, ctx) -> Iterator[Violation]:
    """``healthCheck.command``: a non-empty list starting with CMD or CMD-SHELL."""
    check = _health_check(container)
    command = check.get("command") if check is not None else None
    if command is None or not command.is_seq:
        return
    items = command.elements()
    first = None if not items else "" if as_str(items[0]) == "" else literal_str(items[0])
    name = container.term("healthCheck.command")
    if not items:
        yield Violation(command, f"{name} of {container.label} is empty, so the health check never runs. Use e.g. "
                                 f"{_EXAMPLE_CHECK}, or remove the {container.term('healthCheck')}.")
    elif first is not None and first not in ("CMD", "CMD-SHELL"):
        words = [as_str(item) for item in items]
        if not first.strip():
            start, fix = "an empty string", (f"Write the command, e.g. {_EXAMPLE_CHECK}, or remove the "
                                             f"{container.term('healthCheck')}.")
        elif (len(items) > 1 and all(words)) or not any(c in first for c in " |&;<>$`'\"*?"):
            start, fix = f"'{first}'", (f"Put \"CMD\" first to run {json.dumps(words)} as it is: "
                                        f"{json.dumps(['CMD', *words])}.")
        else:
            start, fix = f"'{first}'", (f"Write [\"CMD-SHELL\", {json.dumps(first)}] to run it with a shell, or "
                                        "[\"CMD\", ...] with the program and its arguments as separate items.")
        yield Violation(items[0], f"{name} of {container.label} starts with {start}, not with CMD or CMD-SHELL, so "
                                  "Docker skips the health check (\"Unknown healthcheck type\") and the container "
                                  f"never reports healthy or unhealthy. {fix}")


# ECS127 ---------------------------------------------------------------------------------------

_SHELL_OPERATORS = ("||", "&&", "|", ";", ">")


def health_check_shell_split(container: ContainerDefinition, ctx) -> Iterator[Violation]:
    """``["CMD-SHELL", ...]`` runs only its first string: the shell command must be one string."""
    check = _health_check(container)
    command = check.get("command") if check is not None else None
    items = command.elements() if command is not None else []
    if len(items) < 3 or literal_str(items[0]) != "CMD-SHELL" or not all(as_str(item) for item in items[1:]):
        return
    first, rest = as_str(items[1]), [as_str(item) for item in items[2:]]
    joined = json.dumps(short(" ".join(part.strip() for part in [first, *rest]), 120))
    if rest[0].lstrip().startswith(_SHELL_OPERATORS):
        effect = (f"'{short(rest[0], 40)}' is a separate item, so the shell never sees it: Docker runs "
                  f"/bin/sh -c '{short(first, 60)}' and passes the other items to the shell as its own arguments")
    else:
        effect = (f"the command is split into {len(items) - 1} items, so Docker runs /bin/sh -c "
                  f"'{short(first, 60)}' alone, without the rest, and the check does not test what it should "
                  "(often it always fails, and ECS replaces the task as unhealthy)")
    yield Violation(items[2], f"{container.term('healthCheck.command')} of {container.label} uses CMD-SHELL, but "
                              f"{effect}. Write the shell command as one string: [\"CMD-SHELL\", {joined}], "
                              "or use CMD with the program and its arguments as separate items.")


# ECS109 ---------------------------------------------------------------------------------------


def awslogs_options(container: ContainerDefinition, ctx) -> Iterator[Violation]:
    """The awslogs driver needs awslogs-group and awslogs-region, and on Fargate awslogs-stream-prefix."""
    config = container.get("logConfiguration")
    if config is None or as_str(config.get("logDriver")) != "awslogs":
        return
    options = config.get("options")
    if options is not None and options.value is not None and not options.is_map:
        return
    required = ["awslogs-group", "awslogs-region"]
    if container.task is not None and container.task.is_fargate:
        required.append("awslogs-stream-prefix")
    missing = [key for key in required if _blank(options.get(key) if options is not None else None)]
    if missing:
        where = config.key_node("options") or container.key("logConfiguration")
        names = and_list(missing)
        yield Violation(where, f"{container.term('logConfiguration')} of {container.label} uses the awslogs driver "
                               f"without {names} in its {container.term('options', within='logConfiguration')}; AWS "
                               "requires awslogs-group and awslogs-region (and, on Fargate, awslogs-stream-prefix). "
                               f"Add {names} to {container.term('logConfiguration.options')}.")


# ECS126 ---------------------------------------------------------------------------------------

# The options the awslogs driver reads: Docker's awslogs driver, ECS's awslogs-stream-prefix, and the
# options of every log driver (mode, max-buffer-size).
AWSLOGS_OPTIONS = (
    "awslogs-group", "awslogs-region", "awslogs-stream-prefix", "awslogs-stream", "awslogs-create-group",
    "awslogs-create-stream", "awslogs-datetime-format", "awslogs-multiline-pattern", "awslogs-endpoint",
    "awslogs-credentials-endpoint", "awslogs-force-flush-interval-seconds", "awslogs-max-buffered-events",
    "awslogs-format", "tag", "mode", "max-buffer-size",
)
# Settings people put among the options that belong to the log group.
LOG_GROUP_SETTINGS = ("retention", "kms", "tags", "log-group-class")


def awslogs_unknown_options(container: ContainerDefinition, ctx) -> Iterator[Violation]:
    """Options of the awslogs driver must be ones it knows: Docker refuses the container otherwise."""
    config = container.get("logConfiguration")
    options = config.get("options") if config is not None and config.is_map else None
    if options is None or not options.is_map or literal_str(config.get("logDriver")) != "awslogs":
        return
    for key in options.value:
        if key in AWSLOGS_OPTIONS or is_templated(key):
            continue
        where = options.key_node(key) or options
        if any(word in key.lower() for word in LOG_GROUP_SETTINGS):
            advice = ("Remove it: it is a setting of the log group, not of the driver; set it on the log group "
                      "(AWS::Logs::LogGroup, aws_cloudwatch_log_group, or aws logs put-retention-policy).")
        elif (near := closest(key, list(AWSLOGS_OPTIONS))) is not None:
            advice = f"Did you mean {near}?"
        else:
            advice = f"Remove it; the driver knows {and_list(list(AWSLOGS_OPTIONS[:6]))}, and a few more."
        yield Violation(where, f"{container.term('logConfiguration.options')} of {container.label} sets "
                               f"'{short(key, 60)}', which the awslogs log driver does not know, so the container does "
                               f"not start: Docker refuses it with \"unknown log opt '{short(key, 60)}' for awslogs "
                               "log driver\". "
                               f"{advice}")


# ECS110 ---------------------------------------------------------------------------------------


def volume_references(container: ContainerDefinition, ctx) -> Iterator[Violation]:
    """``mountPoints[].sourceVolume`` names a task volume; ``volumesFrom[].sourceContainer`` another container."""
    task = container.task
    if task is None:
        return
    volumes, containers = task.volumes_by_name, task.containers_by_name
    for mount in _maps(container.get("mountPoints")):
        node = mount.get("sourceVolume")
        name = literal_str(node)
        if name and not volumes.open and volumes.get(name) is None:
            yield Violation(node, f"{container.term('mountPoints')} of {container.label} name volume '{name}', which "
                                  f"{task.label} does not define (its volumes: {volumes.listing()}); AWS requires the "
                                  "name of a volume of the task definition. Fix the name or add the volume.")
    for source in _maps(container.get("volumesFrom")):
        node = source.get("sourceContainer")
        name = literal_str(node)
        if name and (name == container.name or (not containers.open and containers.get(name) is None)):
            which = "itself" if name == container.name else f"container '{name}', which is not in {task.label}"
            yield Violation(node, f"{container.term('volumesFrom')} of {container.label} names {which}; "
                                  f"{container.term('sourceContainer', within='volumesFrom')} must be another container "
                                  f"of the task definition (its containers: {containers.listing()}). Fix the name or "
                                  "remove the entry.")


# ECS111 ---------------------------------------------------------------------------------------


class Required(NamedTuple):
    """A container member that must have a value: in the objects at ``path`` (``"[]"`` = every list item)."""

    path: tuple[str, ...]
    field: str
    hint: str


# What AWS requires of a container beyond the API model's required members, which come from the
# generated schemas (``structure.missing_members``).
REQUIRED = (
    Required((), "name", "Registration fails with \"Container.name should not be null or empty.\" "
                         "Name the container (letters, digits, hyphens, underscores)."),
    Required((), "image", "Registration fails with \"Container.image should not be null or empty.\" "
                          "Set it to the image to run, e.g. repository:tag."),
    Required(("mountPoints", "[]"), "sourceVolume", "Set it to the name of a task definition volume."),
    Required(("mountPoints", "[]"), "containerPath", "Set it to the path to mount the volume at."),
)


def _objects_at(node: Node, path: tuple[str, ...], where: JsonPath) -> Iterator[tuple[Node, JsonPath]]:
    """The mappings at ``path`` under ``node``, each with its path from there (``["mountPoints", 1]``)."""
    if not path:
        if node.is_map:
            yield node, where
        return
    step, rest = path[0], path[1:]
    if step == "[]":
        for index, item in enumerate(node.elements()):
            yield from _objects_at(item, rest, [*where, index])
    elif (child := node.get(step)) is not None:
        yield from _objects_at(child, rest, [*where, step])


def _required_violations(task: TaskDefinition, node: Node, label: str,
                         reported: set[tuple[int, int, str]]) -> Iterator[Violation]:
    for entry in REQUIRED:
        for parent, where in _objects_at(node, entry.path, []):
            value = parent.get(entry.field)
            at = value if value is not None else parent
            if not _blank(value) or (at.line, at.col, entry.field) in reported:
                continue
            member = task.term_path([*where, entry.field], within="containerDefinitions")
            state = "is missing" if value is None else "is empty" if value.value is not None else "is null"
            yield Violation(at, f"{member} of {label} {state}, but AWS requires a value there. {entry.hint}")


def required_values(obj: TaskDefinition | Service | Cluster, ctx) -> Iterator[Violation]:
    """Required members that are absent, null or empty: the API model's, in the object and
    everything in it, and the container members AWS requires beyond them."""
    yield from missing_members(obj, ctx)
    if not isinstance(obj, TaskDefinition):
        return
    task = obj
    # What the format's own validation already reports missing (CloudFormation requires Name and Image too).
    reported = {(p.violation.node.line, p.violation.node.col, p.member) for p in validation(task).problems
                if p.kind == "required" and p.member}
    for index, item in enumerate(task.list("containerDefinitions")):
        name = as_str(item.get("name"))
        label = f"container '{name}'" if name else f"{task.term('containerDefinitions')}[{index}]"
        yield from _required_violations(task, item, label, reported)
