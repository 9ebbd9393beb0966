"""Networking: port mappings and container settings that depend on the task's network mode."""

from __future__ import annotations

from typing import Iterator

from ecslint.edits import fix, replace
from ecslint.findings import Violation
from ecslint.model import ContainerDefinition, TaskDefinition, literal_str
from ecslint.tree import Node, as_int, as_str

# Network modes where the container's port is the host's (or the ENI's) port.
SHARED_PORT_MODES = ("awsvpc", "host")
TRANSPORT_PROTOCOLS = ("tcp", "udp")
APP_PROTOCOLS = ("http", "http2", "grpc")
AWSVPC_PORT_ERROR = "When networkMode=awsvpc, the host ports and container ports in port mappings must match."
AWSVPC_HOSTNAME_ERROR = "hostname is not supported on container when networkMode=awsvpc."


def _network_mode(container: ContainerDefinition) -> str | None:
    return container.task.network_mode if container.task is not None else None


def _port_label(container: ContainerDefinition, mapping: Node) -> str:
    """How messages name a port mapping: by its containerPort when it has one."""
    port = as_int(mapping.get("containerPort"))
    where = (f"the port mapping for {container.term('containerPort', within='portMappings')} {port}"
             if port is not None else "a port mapping")
    return f"{where} of {container.label}"


def host_port_mismatch(container: ContainerDefinition, ctx) -> Iterator[Violation]:
    """With awsvpc or host networking, ``hostPort`` must be omitted or equal ``containerPort``.

    ``hostPort: 0`` is left alone: it means "no fixed host port" and AWS's handling of it under
    awsvpc is not documented in the reference.
    """
    mode = _network_mode(container)
    if mode not in SHARED_PORT_MODES:
        return
    for mapping in container.port_mappings:
        host_node = mapping.get("hostPort")
        host, port = as_int(host_node), as_int(mapping.get("containerPort"))
        if host is None or port is None or host in (0, port):
            continue
        why = (f'AWS rejects it with "{AWSVPC_PORT_ERROR}"' if mode == "awsvpc"
               else "AWS rejects it, because in host mode the container listens directly on the host's port.")
        host_port = container.term("hostPort", within="portMappings")
        yield Violation(host_node, f"{host_port} {host} of {container.label} differs from its "
                                   f"{container.term('containerPort', within='portMappings')} {port}, but "
                                   f"{container.task.term('networkMode')} is {mode}; {why} Remove {host_port} or set "
                                   f"it to {port}.",
                        fix=fix(f"Set {host_port} to {port}", replace(container, host_node, port)))


def invalid_port_protocol(container: ContainerDefinition, ctx) -> Iterator[Violation]:
    """``protocol`` must be lowercase ``tcp`` or ``udp``: ECS maps anything else as tcp, silently."""
    for mapping in container.port_mappings:
        node = mapping.get("protocol")
        value = literal_str(node)
        if not value or value in TRANSPORT_PROTOCOLS:
            continue
        protocol = container.term("protocol", within="portMappings")
        yield Violation(node, f'{protocol} "{value}" in {_port_label(container, mapping)} is not "tcp" or "udp"; '
                              "ECS silently treats any other value as tcp. "
                              f"{_protocol_fix(container, value, protocol)}")


def _protocol_fix(container: ContainerDefinition, value: str, protocol: str) -> str:
    """What to write instead of a wrong ``protocol`` value (``protocol``: how the container's format names it)."""
    lower = value.lower()
    if lower == "udp":
        return 'This port is mapped as TCP, not UDP: write "udp" in lowercase.'
    if lower == "tcp":
        return 'Write "tcp" in lowercase.'
    if lower in APP_PROTOCOLS:
        return (f'Set {protocol} to "tcp" and put "{lower}" in {container.term("appProtocol", within="portMappings")} '
                "(used by Service Connect).")
    return 'Use "tcp" or "udp".'


def hostname_with_awsvpc(container: ContainerDefinition, ctx) -> Iterator[Violation]:
    """A container ``hostname`` is not supported with awsvpc networking."""
    if _network_mode(container) != "awsvpc" or not as_str(container.get("hostname")):
        return
    hostname = container.term("hostname")
    yield Violation(container.key("hostname"),
                    f"{container.label} sets {hostname}, but {container.task.term('networkMode')} is awsvpc; AWS "
                    f'rejects it with "{AWSVPC_HOSTNAME_ERROR}" Remove {hostname}: the task\'s hostname comes from '
                    "its elastic network interface.")


# --- ECS623 ----------------------------------------------------------------------------------------

def network_mode_not_awsvpc(task: TaskDefinition, ctx) -> Iterator[Violation]:
    """Tasks should use the awsvpc network mode: an interface and security groups of their own."""
    mode = task.effective_network_mode
    # Fargate needs awsvpc (ECS201 says so); `none` has no network to isolate; external instances have no awsvpc.
    if mode in (None, "awsvpc", "none") or task.is_fargate or task.compatibilities == {"EXTERNAL"}:
        return
    node = task.get("networkMode")
    yield Violation(node if node is not None else task.key("networkMode"),
                    f"{task.label} uses {task.network_mode_phrase()}, so its tasks share the EC2 instance's network "
                    "interface with the instance and the other tasks on it: security groups apply to the whole "
                    "instance, and VPC Flow Logs cannot tell one task's traffic from another's. With "
                    f"{task.setting('networkMode', 'awsvpc')} each task gets its own network interface, private IP "
                    "address and security groups. This is a hardening policy (AWS Config "
                    "ecs-awsvpc-networking-enabled), not an error.")
