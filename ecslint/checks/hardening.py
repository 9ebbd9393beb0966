"""Hardening: what a task shares with its host, what its containers may do, where their images come
from, and whether they log and report their health."""

from __future__ import annotations

from typing import Iterator

from ecslint.findings import Violation
from ecslint.images import UNKNOWN, ImageReference, image_reference, may_match
from ecslint.model import ContainerDefinition, TaskDefinition, literal_str
from ecslint.tree import Node, as_str, is_true


def _absent(node: Node | None) -> bool:
    """Not given: absent, null, or an empty string, list or mapping."""
    return node is None or node.value is None or node.value in ("", [], {})


def _windows(container: ContainerDefinition) -> bool:
    return container.task is not None and container.task.is_windows


def _on_fargate(obj: ContainerDefinition | TaskDefinition) -> bool:
    task = obj if isinstance(obj, TaskDefinition) else obj.task
    return task is not None and task.is_fargate


# --- ECS604: read-only root file system ---------------------------------------------------------

def readonly_root_filesystem(container: ContainerDefinition, ctx) -> Iterator[Violation]:
    """A Linux container whose root file system is writable (``readonlyRootFilesystem`` not true)."""
    node = container.get("readonlyRootFilesystem")
    if _windows(container) or is_true(node) or not (_absent(node) or node.value is False):
        return  # Windows has no such setting; a value not known (or of the wrong type, ECS112) is not judged
    term = container.term("readonlyRootFilesystem")
    said = f"sets {term} to false" if node is not None and node.value is False else f"does not set {term}"
    yield Violation(node if node is not None and node.value is False else container.node,
                    f"{container.label} {said}, so its root file system is writable: an attacker who gets in can "
                    "replace its programs and configuration and leave tools behind. Set "
                    f"{container.setting('readonlyRootFilesystem', True)} and mount a volume at the paths it must "
                    "write to (AWS Security Hub ECS.5).")


# --- ECS605: root or administrator user -----------------------------------------------------------

WINDOWS_ADMINISTRATORS = frozenset({"containeradministrator", "administrator"})


def _root(user: str) -> bool:
    """``root``, ``0``, with any group (``0:0``, ``root:staff``, ``0:1000``)."""
    name = user.partition(":")[0].strip()
    return name == "root" or (name.isdigit() and int(name) == 0)


def _runs_as_administrator(user: str, windows: bool) -> bool:
    return user.strip().lower() in WINDOWS_ADMINISTRATORS if windows else _root(user)


def runs_as_root(container: ContainerDefinition, ctx) -> Iterator[Violation]:
    """A Linux container that runs as root, or a Windows one as an administrator, by its ``user`` or
    by default (no ``user``: the image's user, root or ContainerAdministrator unless the image says
    otherwise)."""
    node, windows, term = container.get("user"), _windows(container), container.term("user")
    default, advice, control = (("ContainerAdministrator", "a user without administrator rights, such as ContainerUser",
                                 "ECS.21") if windows else
                                ("root", "a non-root user and group, such as \"1000:1000\"", "ECS.20"))
    escape = (f"a process that breaks out of the container is {'an administrator' if windows else 'root'} on the "
              "host, and what it writes to host volumes belongs to that account")
    if _absent(node):
        yield Violation(container.node, f"{container.label} sets no {term}, so it runs as its image's default user, "
                                        f"which is {default} unless the image names another: {escape}. Set {term} to "
                                        f"{advice} (AWS Security Hub {control}).")
        return
    user = literal_str(node)
    if user is not None and _runs_as_administrator(user, windows):
        who = "an administrator account" if windows else "which is root (user id 0)"
        yield Violation(node, f"{container.label} runs as '{user}', {who}: {escape}. Set {term} to {advice} "
                              f"(AWS Security Hub {control}).")


# --- ECS606, ECS607: host PID and IPC namespaces ------------------------------------------------

def _host_mode(task: TaskDefinition, field: str) -> Node | None:
    """The task's ``field`` when it is ``host``, outside Fargate (where ECS208 reports any value)."""
    node = task.get(field)
    return node if not _on_fargate(task) and literal_str(node) == "host" else None


def host_pid_mode(task: TaskDefinition, ctx) -> Iterator[Violation]:
    """``pidMode: host``: the task's containers see every process of the container instance."""
    node = _host_mode(task, "pidMode")
    if node is not None:
        yield Violation(node, f"{task.label} sets {task.term('pidMode')} 'host', so its containers share the "
                              "container instance's process namespace: they see every process on it (other tasks', "
                              "the ECS agent's) with their command lines and environment, and can signal them. "
                              f"Remove {task.term('pidMode')}, or use 'task' to share processes between the task's "
                              "own containers only (AWS Security Hub ECS.3).")


def host_ipc_mode(task: TaskDefinition, ctx) -> Iterator[Violation]:
    """``ipcMode: host``: the task's containers share the container instance's IPC namespace."""
    node = _host_mode(task, "ipcMode")
    if node is not None:
        yield Violation(node, f"{task.label} sets {task.term('ipcMode')} 'host', so its containers share the "
                              "container instance's IPC namespace: the shared memory, semaphores and message queues "
                              "of every process on the instance are open to them. Remove "
                              f"{task.term('ipcMode')}, or use 'task' to share IPC between the task's own "
                              "containers only.")


# --- ECS608: host network mode -----------------------------------------------------------------

def host_network_mode(task: TaskDefinition, ctx) -> Iterator[Violation]:
    """``networkMode: host`` outside Fargate (where ECS201 reports every mode but awsvpc)."""
    node = _host_mode(task, "networkMode")
    if node is not None:
        yield Violation(node, f"{task.label} sets {task.term('networkMode')} 'host', so its containers use the "
                              "container instance's network stack: they can listen on any of its ports, reach every "
                              "service bound to its loopback interface and see all of its traffic, and no security "
                              "group of their own separates them. Use 'awsvpc' (a network interface and security "
                              "groups per task) or 'bridge' (AWS Security Hub ECS.17).")


# --- ECS609: added kernel capabilities ---------------------------------------------------------

# What each capability lets a container do, in the words of capabilities(7).
DANGEROUS_CAPABILITIES = {
    "SYS_ADMIN": "mount file systems, create namespaces, load BPF programs and make many other administration "
                 "calls: close to root on the host, and the usual first step of a container escape",
    "NET_ADMIN": "reconfigure networking: interfaces, routes and firewall rules, and intercept or redirect the "
                 "traffic of its network namespace (with host network mode, the instance's)",
    "ALL": "use every Linux capability, nearly as much as a privileged container",
}


def added_capabilities(container: ContainerDefinition, ctx) -> Iterator[Violation]:
    """SYS_ADMIN, NET_ADMIN or ALL in ``linuxParameters.capabilities.add`` (with or without ``CAP_``),
    outside Fargate, where ECS205 reports every capability but SYS_PTRACE."""
    if _on_fargate(container):
        return
    added = container.at("linuxParameters", "capabilities", "add")
    for item in added.elements() if added is not None else []:
        name = literal_str(item)
        what = DANGEROUS_CAPABILITIES.get(name.removeprefix("CAP_")) if name else None
        if what is not None:
            yield Violation(item, f"{container.label} adds the kernel capability '{name}', which lets it {what}. "
                                  f"Remove it from {container.term('linuxParameters.capabilities.add')} and add the "
                                  "narrower capability the container needs (NET_BIND_SERVICE, NET_RAW, SYS_PTRACE, "
                                  "...), if any.")


# --- ECS610, ECS611, ECS612: images -------------------------------------------------------------

def _image(container: ContainerDefinition) -> tuple[Node, str, ImageReference] | None:
    """The container's image node, its text and its reference, when the image is a string."""
    node = container.get("image")
    text = as_str(node) if node is not None and node.tag is None else None
    reference = image_reference(text) if text else None
    return (node, text.strip(), reference) if reference is not None else None


def mutable_image_tag(container: ContainerDefinition, ctx) -> Iterator[Violation]:
    """An image named by no tag or by ``latest``, without a digest."""
    found = _image(container)
    if found is None or not found[2].mutable_tag:
        return
    node, text, reference = found
    how = "with no tag, which means 'latest'" if reference.tag is None else "by the tag 'latest'"
    name = text.removesuffix(":latest")
    yield Violation(node, f"{container.label} names its image '{text}' {how}: which image a task runs depends "
                          "on when it starts, tasks of one service may run different code, and a rollback to this "
                          f"task definition does not bring the old image back. Name a version tag ('{name}:<version>') "
                          f"or a digest ('{name}@sha256:<digest>').")


def image_not_pinned_by_digest(container: ContainerDefinition, ctx) -> Iterator[Violation]:
    """An image named by a version tag only (no tag and ``latest`` are ECS610's)."""
    found = _image(container)
    if found is None or found[2].pinned is not False or found[2].mutable_tag:
        return
    node, text, reference = found
    yield Violation(node, f"{container.label} names its image '{text}' by its tag '{reference.tag}' only: whoever "
                          "can push to the repository can move the tag to other content, and the next task runs it. "
                          f"Append the digest of the image you tested ('{text}@sha256:<digest>'), or make the repository's "
                          "tags immutable.")


def image_registry_not_allowed(container: ContainerDefinition, ctx) -> Iterator[Violation]:
    """An image from a registry host that the ``registries`` setting does not allow (silent without it); a
    host with placeholders when it can match none of the patterns, whatever they stand for."""
    allowed: list[str] = ctx.option("registries")
    found = _image(container) if allowed else None
    if found is None or found[2].registry is None or any(may_match(found[2].registry, p) for p in allowed):
        return
    node, text, reference = found
    host = reference.registry.replace(UNKNOWN, "*")
    yield Violation(node, f"{container.label} pulls its image '{text}' from the registry '{host}', which is not "
                          f"one of the allowed registries ({', '.join(allowed)}). Use an image from an allowed "
                          "registry (a copy in your own ECR repository, or an ECR pull through cache rule), or add "
                          "the registry to the rule's registries setting.")


# --- ECS613: logging ---------------------------------------------------------------------------

def container_without_log_configuration(container: ContainerDefinition, ctx) -> Iterator[Violation]:
    """A container without ``logConfiguration`` (FireLens, ``awsfirelens``, is one)."""
    if _absent(container.get("logConfiguration")):
        term = container.term("logConfiguration")
        yield Violation(container.node,
                        f"{container.label} has no {term}, so its output is not collected: on Fargate it is "
                        "discarded, on EC2 it stays in Docker's log on the instance until the container is removed. "
                        f"Add a {term} with the awslogs driver (or awsfirelens) so that what it writes can be read "
                        "and audited (AWS Security Hub ECS.9).")


# --- ECS614: health check ----------------------------------------------------------------------

def container_without_health_check(container: ContainerDefinition, ctx) -> Iterator[Violation]:
    """An essential container without ``healthCheck``; the health of non-essential ones does not count
    for the task's."""
    if container.essential and _absent(container.get("healthCheck")):
        term = container.term("healthCheck")
        yield Violation(container.node,
                        f"{container.label} is essential but has no {term}: ECS only knows whether its process "
                        "runs, so a container that hangs or has lost its dependencies keeps the task RUNNING and "
                        f"is never replaced (unless a load balancer checks it). Add a {term} whose command tests "
                        "that it works, for example [\"CMD-SHELL\", \"curl -f http://localhost:8080/health || "
                        "exit 1\"].")
