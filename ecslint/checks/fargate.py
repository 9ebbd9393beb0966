"""Fargate: what AWS rejects for a task definition that requires FARGATE."""

from __future__ import annotations

import json
from typing import Iterator, Sequence

from ecslint.edits import fix, replace, setting
from ecslint.findings import Fix, Violation
from ecslint.model import ContainerDefinition, TaskDefinition, Volume, is_intrinsic, is_templated, literal_str
from ecslint.model.values import is_placeholder
from ecslint.tree import Node, as_str
from ecslint.units import parse_cpu, parse_memory


def network_mode(task: TaskDefinition, ctx) -> Iterator[Violation]:
    """FARGATE requires ``networkMode: awsvpc``."""
    if not task.is_fargate:
        return
    node, name = task.get("networkMode"), task.term("networkMode")
    # Safe on a Fargate-only task; with EC2 as well, awsvpc also changes how the task runs on EC2.
    to_awsvpc = fix(f"Set {name} to awsvpc", setting(task, task.node, "networkMode", "awsvpc"),
                    safe=task.compatibilities == {"FARGATE"} and len(task.list("requiresCompatibilities")) == 1)
    if node is None or node.value is None:
        yield Violation(task.key("requiresCompatibilities"),
                        f"{task.label} requires FARGATE but sets no {name} (the default is bridge); "
                        "AWS rejects it with \"Fargate only supports network mode 'awsvpc'.\" "
                        f"Add {task.setting('networkMode', 'awsvpc')}.", fix=to_awsvpc)
    elif isinstance(node.value, str) and not is_templated(node.value) and node.value.lower() != "awsvpc":
        yield Violation(node, f"{name} is '{node.value}' but {task.label} requires FARGATE; "
                              "AWS rejects it with \"Fargate only supports network mode 'awsvpc'.\" "
                              "Use \"awsvpc\".", fix=to_awsvpc)


def _on_fargate(obj: ContainerDefinition | Volume) -> bool:
    return obj.task is not None and obj.task.is_fargate


def _literal(node: Node | None) -> Node | None:
    """The node if it holds a value known now: a scalar, not null, not a YAML intrinsic tag such as
    ``!Ref``, not a template placeholder such as ``${CPU}``."""
    if node is None or not node.is_scalar or node.value is None or node.tag is not None:
        return None
    if isinstance(node.value, str) and is_templated(node.value):
        return None
    return node


def _elements(node: Node | None) -> list[Node]:
    """The items of a list node; [] when it is absent or not a list."""
    return node.elements() if node is not None else []


def _shown(node: Node) -> str:
    """A scalar as the user wrote it: strings quoted, other values in JSON spelling."""
    return f"'{node.value}'" if isinstance(node.value, str) else json.dumps(node.value)


# --- ECS202: task cpu and memory ------------------------------------------------------------

# Valid Fargate task memory (MiB) per task cpu (CPU units): [DG:task-cpu-memory-error], plus
# the 32 vCPU row of cfn-lint's fargate_cpu_memory.json.
FARGATE_MEMORY: dict[int, Sequence[int]] = {
    256: (512, 1024, 2048),
    512: range(1024, 4096 + 1, 1024),
    1024: range(2048, 8192 + 1, 1024),
    2048: range(4096, 16384 + 1, 1024),
    4096: range(8192, 30720 + 1, 1024),
    8192: range(16384, 61440 + 1, 4096),
    16384: range(32768, 122880 + 1, 8192),
    32768: (61440, 122880, 249856),
}
WINDOWS_CPU = (1024, 2048, 4096)


def _one_of(values: Sequence[int], unit: str) -> str:
    """``a, b or c unit``; a long evenly spaced run as ``first to last unit in steps of n``."""
    if isinstance(values, range) and len(values) > 4:
        return f"{values[0]} to {values[-1]} {unit} in steps of {values.step}"
    return ", ".join(map(str, values[:-1])) + f" or {values[-1]} {unit}"


def _missing(task: TaskDefinition, field: str) -> Violation:
    names = {size: task.term(size) for size in ("cpu", "memory")}
    return Violation(task.key("requiresCompatibilities"),
                     f"{task.label} requires FARGATE but sets no task-level {names[field]}; AWS rejects it with "
                     f"\"Fargate requires that '{field}' be defined at the task level.\" Add {names[field]} "
                     f"with a valid Fargate {names['cpu']}/{names['memory']} combination.")


def cpu_memory(task: TaskDefinition, ctx) -> Iterator[Violation]:
    """FARGATE requires task-level cpu and memory, as one of the valid combinations."""
    if not task.is_fargate:
        return
    for field in ("cpu", "memory"):
        node = task.get(field)
        if node is None or node.value is None:
            yield _missing(task, field)
    cpu_node, memory_node = _literal(task.get("cpu")), _literal(task.get("memory"))
    if cpu_node is None or isinstance(cpu_node.value, (bool, float)):  # a wrong type: ECS112 reports it
        return
    cpu, cpus = parse_cpu(cpu_node.value), WINDOWS_CPU if task.is_windows else tuple(FARGATE_MEMORY)
    if cpu not in cpus:
        offer = "Fargate offers for Windows" if task.is_windows else "Fargate offers"
        yield Violation(cpu_node, f"{task.term('cpu')} {_shown(cpu_node)} of {task.label} is not a CPU size "
                                  f"{offer}; AWS rejects it with \"Invalid 'cpu' setting for task.\" Use "
                                  f"{_one_of(cpus, 'CPU units')} (1024 units = 1 vCPU).")
    elif memory_node is not None and (size := parse_memory(memory_node.value)) not in FARGATE_MEMORY[cpu]:
        memory = task.term("memory")
        yield Violation(memory_node, f"{memory} {_shown(memory_node)} of {task.label} does not fit its "
                                     f"{task.term('cpu')} {_shown(cpu_node)} on Fargate; AWS rejects it with \"No "
                                     f"Fargate configuration exists for given values.\" With {cpu} CPU units, set "
                                     f"{memory} to {_one_of(FARGATE_MEMORY[cpu], 'MiB')}.",
                        fix=_nearest_memory(task, memory_node, size, FARGATE_MEMORY[cpu]))


def _nearest_memory(task: TaskDefinition, node: Node, size: int | None, valid: Sequence[int]) -> Fix | None:
    """Memory set to the valid size nearest to ``size`` (the larger of two as near), written as the
    value was (a string or a number). Unsafe: it changes what the task is given and is billed for."""
    if size is None:
        return None
    nearest = min(valid, key=lambda option: (abs(option - size), -option))
    value = str(nearest) if isinstance(node.value, str) else nearest
    return fix(f"Set {task.term('memory')} to {nearest}", replace(task, node, value), safe=False)


# --- ECS204: host and Docker volumes --------------------------------------------------------

def host_volume(volume: Volume, ctx) -> Iterator[Violation]:
    """Fargate has no host paths and no Docker volume drivers; ``host: {}`` bind mounts are fine."""
    if not _on_fargate(volume):
        return
    label, host_path = volume.label, volume.term("host.sourcePath")
    source_path = volume.at("host", "sourcePath")
    if as_str(source_path):
        yield Violation(source_path, f"{label} in {volume.task.label} mounts the host path {_shown(source_path)}, "
                                     "which Fargate does not support; AWS rejects the task definition. Remove "
                                     f"{host_path} to get a bind mount on the task's own storage, or use an EFS "
                                     "volume to share data.")
    docker = volume.get("dockerVolumeConfiguration")
    if docker is not None and docker.value is not None:
        yield Violation(volume.key("dockerVolumeConfiguration"),
                        f"{label} in {volume.task.label} sets {volume.term('dockerVolumeConfiguration')}, which "
                        "Fargate does not support; AWS rejects the task definition. Use a bind mount (a volume with "
                        f"no {host_path.replace('.', ' ')}) or an EFS volume.")


# --- ECS205: added kernel capabilities ------------------------------------------------------

# "CAP_SYS_PTRACE" is how the Developer Guide spells it; whether the API accepts it is unclear.
ALLOWED_CAPABILITIES = {"SYS_PTRACE", "CAP_SYS_PTRACE"}


def capabilities(container: ContainerDefinition, ctx) -> Iterator[Violation]:
    """Fargate lets a container add SYS_PTRACE only."""
    if not _on_fargate(container):
        return
    for item in _elements(container.at("linuxParameters", "capabilities", "add")):
        name = as_str(_literal(item))
        if name and name not in ALLOWED_CAPABILITIES:
            yield Violation(item, f"{container.label} adds the kernel capability '{name}', but Fargate allows "
                                  "adding SYS_PTRACE only; AWS rejects the task definition. Remove it from "
                                  f"{container.term('linuxParameters.capabilities.add')}, or run the task on EC2.")


# --- ECS208: other parameters Fargate does not support --------------------------------------

_NO_SWAP = "Fargate tasks have no swap; remove it."
_VPC_DNS = "Fargate tasks use the VPC's DNS resolver; set DNS options on the VPC (DHCP options set) instead."

# Container parameters Fargate rejects (by path in the container definition), with what to do instead
# ({host_path}: a volume's ``host sourcePath``, as the input's format names it).
UNSUPPORTED_CONTAINER_PARAMETERS: dict[tuple[str, ...], str] = {
    ("links",): "Containers of one Fargate task reach each other on localhost; remove it.",
    ("extraHosts",): "Remove it and resolve those names through DNS.",
    ("dnsServers",): _VPC_DNS,
    ("dnsSearchDomains",): _VPC_DNS,
    ("dockerSecurityOptions",): "Remove it.",
    ("disableNetworking",): "Remove it.",
    ("linuxParameters", "devices"): "Fargate cannot pass host devices to a container; remove it.",
    ("linuxParameters", "tmpfs"): "For scratch space, mount a volume with no {host_path} (task storage) instead.",
    ("linuxParameters", "sharedMemorySize"): "Remove it.",
    ("linuxParameters", "maxSwap"): _NO_SWAP,
    ("linuxParameters", "swappiness"): _NO_SWAP,
}


def _is_set(node: Node | None) -> bool:
    """Whether a member is really set: not null, not empty, and ``true`` for a boolean; not a value that is
    not known (a template function, a Terraform variable without a value, a placeholder), which may be null."""
    if node is None or node.value is None or is_intrinsic(node):
        return False
    if isinstance(node.value, str) and is_placeholder(node.value):
        return False
    if isinstance(node.value, bool):
        return node.value
    return not (isinstance(node.value, (str, list, dict)) and len(node.value) == 0)


def _task_modes(task: TaskDefinition) -> Iterator[Violation]:
    if _is_set(task.get("ipcMode")):
        ipc_mode = task.term("ipcMode")
        yield Violation(task.key("ipcMode"), f"{task.label} sets {ipc_mode}, but AWS rejects it with \"Tasks using "
                                             f"the Fargate launch type do not support ipcMode.\" Remove {ipc_mode}.")
    pid_mode = literal_str(task.get("pidMode"))
    if pid_mode and pid_mode != "task":
        name = task.term("pidMode")
        yield Violation(task.key("pidMode"), f"{task.label} sets {name} '{pid_mode}', but AWS rejects it with "
                                             f"\"Tasks using the Fargate launch type do not support pidMode "
                                             f"'{pid_mode}'. The supported value for pidMode is 'task'.\" Use "
                                             f"\"task\" or remove {name}.")


def _container_parameters(container: ContainerDefinition, host_path: str) -> Iterator[Violation]:
    for path, advice in UNSUPPORTED_CONTAINER_PARAMETERS.items():
        parent = container.at(*path[:-1])
        if parent is not None and _is_set(parent.get(path[-1])):
            yield Violation(parent.key_node(path[-1]) or parent,
                            f"{container.label} sets {container.term('.'.join(path))}, which Fargate does not "
                            f"support; AWS rejects the task definition. {advice.format(host_path=host_path)}")


def _gpus(container: ContainerDefinition) -> Iterator[Violation]:
    for item in _elements(container.get("resourceRequirements")):
        kind = item.get("type")
        if as_str(kind) == "GPU":
            yield Violation(kind, f"{container.label} requests a GPU in {container.term('resourceRequirements')}, "
                                  "which Fargate does not support; AWS rejects the task definition. Run GPU workloads "
                                  "on EC2 GPU instances.")


def unsupported_parameters(task: TaskDefinition, ctx) -> Iterator[Violation]:
    """Task and container parameters that are not valid on Fargate."""
    if not task.is_fargate:
        return
    yield from _task_modes(task)
    host_path = task.term("host.sourcePath", within="volumes").replace(".", " ")
    for container in task.containers:
        yield from _container_parameters(container, host_path)
        yield from _gpus(container)
