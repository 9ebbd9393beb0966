"""EFS across resources: the file systems that task definitions mount, their mount targets and the
security groups of those, their access points, and encryption at rest.

A task reaches an EFS file system only through a mount target: a network interface of the file
system in one subnet of an Availability Zone, whose security groups must let NFS (TCP 2049) in from
the task. These checks follow a volume's ``fileSystemId`` and ``accessPointId`` to resources of the
project (a template's ``Ref``/``Fn::GetAtt``) and stay silent when an end, or a rule that could
change the answer, is not among the inputs.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator
from weakref import WeakKeyDictionary

from ecslint.checks.storage import access_point_id, volume_label, written_in
from ecslint.findings import Violation
from ecslint.model import (
    AccessPoint,
    FileSystem,
    ModelObject,
    MountTarget,
    SecurityGroup,
    SecurityGroupRule,
    Service,
    Subnet,
    TaskDefinition,
    Volume,
    literal_str,
)
from ecslint.model.values import Unresolved, function_call, shown
from ecslint.tree import Node, as_int

NFS_PORT = 2049
LISTED = 3  # objects a message names before it counts the rest
MOUNT_ERROR = "ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes"


# --- Following references ---------------------------------------------------------------------------

_FACTS: WeakKeyDictionary = WeakKeyDictionary()  # graph -> what was worked out about its project


def _fact(graph, key: Any, compute: Callable[[], Any]) -> Any:
    """What ``compute`` gives, worked out once per project (its graph): checks run once per object, and
    facts about the whole project must not cost its size every time."""
    facts = _FACTS.setdefault(graph, {})
    if key not in facts:
        facts[key] = compute()
    return facts[key]


def file_system_of(volume: Volume, graph) -> FileSystem | None:
    """The file system resource an EFS volume's ``fileSystemId`` refers to, if it is among the inputs."""
    efs = volume.efs
    return graph.target(written_in(volume), efs.get("fileSystemId"), FileSystem) if efs is not None else None


def _distinct(objects: Iterable[ModelObject]) -> list[ModelObject]:
    """Each object once, in the order they come."""
    return list({id(obj): obj for obj in objects}.values())


def mounting_volumes(file_system: FileSystem, graph) -> list[Volume]:
    """The EFS volumes of the project's task definitions that mount ``file_system``."""
    tasks = _distinct(task for task, _ in graph.referrers(file_system, TaskDefinition))
    return [volume for task in tasks for volume in task.volumes if file_system_of(volume, graph) is file_system]


def mount_targets(file_system: FileSystem, graph) -> list[MountTarget]:
    """The mount targets of the project whose ``FileSystemId`` refers to ``file_system``."""
    targets = _distinct(target for target, _ in graph.referrers(file_system, MountTarget))
    return [target for target in targets
            if graph.target(target, target.get("FileSystemId"), FileSystem) is file_system]


def _unattached_mount_target(project, graph) -> bool:
    """A mount target of the project whose file system is not known: it may be any file system's."""
    return _fact(graph, "unattached mount target", lambda: any(
        graph.target(target, target.get("FileSystemId"), FileSystem) is None
        for target in project.objects("MountTarget")))


def _volumes_by_file_system(task: TaskDefinition, graph) -> dict[int, tuple[FileSystem, list[Volume]]]:
    """The task's EFS volumes, by the file system resource each mounts (in the order they come)."""
    found: dict[int, tuple[FileSystem, list[Volume]]] = {}
    for volume in task.volumes:
        file_system = file_system_of(volume, graph)
        if file_system is not None:
            found.setdefault(id(file_system), (file_system, []))[1].append(volume)
    return found


# --- Wording ------------------------------------------------------------------------------------------

def _listing(labels: Iterable[str]) -> str:
    """``A``, ``A and B``, ``A, B, C and 2 more``: the first few labels, then how many more."""
    labels = list(labels)
    head, more = labels[:LISTED], len(labels) - LISTED
    if more > 0:
        return f"{', '.join(head)} and {more} more"
    return head[0] if len(head) == 1 else f"{', '.join(head[:-1])} and {head[-1]}"


def _volumes(volumes: list[Volume]) -> str:
    """``EFS volume 'data' of TaskDefinition 'App'`` (and the others)."""
    return _listing(f"EFS {volume_label(volume)}" for volume in volumes)


def _anchor(obj: ModelObject, member: str | None = None) -> Node:
    """Where to point at an object: its ``member`` key when it has one, else the resource (or object) itself."""
    key = obj.node.key_node(member) if member else None
    if key is not None:
        return key
    return obj.resource.node if obj.resource is not None else obj.node


# --- ECS504: no mount target --------------------------------------------------------------------------

def efs_no_mount_target(file_system: FileSystem, ctx) -> Iterator[Violation]:
    """A file system that task definitions mount but that has no mount target among the inputs."""
    graph = ctx.project.graph
    volumes = mounting_volumes(file_system, graph)
    if not volumes or mount_targets(file_system, graph) or _unattached_mount_target(ctx.project, graph):
        return
    verb = "mounts" if len(volumes) == 1 else "mount"
    yield Violation(_anchor(file_system),
                    f"{file_system.label} has no mount target, but {_volumes(volumes)} {verb} it: a task reaches an "
                    "EFS file system only through a mount target, its network interface in the task's Availability "
                    f"Zone, so the tasks fail to start with \"{MOUNT_ERROR}: ... ensure that the VPC has an EFS mount "
                    "target for this file system ID.\" Create a mount target of the file system in a subnet of each "
                    f"Availability Zone the tasks run in, with a security group that lets NFS (TCP {NFS_PORT}) in "
                    "from them.")


# --- ECS505: mount target security groups -------------------------------------------------------------

def _opens_nfs(rule: Node) -> bool | None:
    """Whether an ingress rule covers TCP 2049 (all protocols do; None when it cannot be read)."""
    protocol = (literal_str(rule.get("IpProtocol")) or "").lower()  # tcp, 6, -1 (all), udp...
    if not protocol:
        return None
    if protocol == "-1":
        return True
    if protocol not in ("tcp", "6"):
        return False
    low, high = as_int(rule.get("FromPort")), as_int(rule.get("ToPort"))
    return None if low is None or high is None else low <= NFS_PORT <= high


def _ingress(group: SecurityGroup, graph) -> list[tuple[Node, ModelObject]] | None:
    """The ingress rules of a security group, each with the object it belongs to: its own
    ``SecurityGroupIngress`` and the rules of the project that name it as ``GroupId``; None when its
    own cannot be read."""
    own = group.get("SecurityGroupIngress")
    if own is not None and own.value is not None and not own.is_seq:
        return None
    rules: list[tuple[Node, ModelObject]] = [(item, group) for item in (own.elements() if own is not None else [])]
    if any(not rule.is_map for rule, _ in rules):
        return None
    for rule in _distinct(rule for rule, _ in graph.referrers(group, SecurityGroupRule)):
        if not rule.egress and graph.target(rule, rule.get("GroupId"), SecurityGroup) is group:
            rules.append((rule.node, rule))
    return rules


@dataclass(frozen=True)
class Openings:
    """From where a security group lets NFS in: the groups it admits (``admitted``), the known groups a
    rule names with a protocol or port that cannot be read (``maybe``), and whether a rule's source is
    not a known group (``unknown``: a CIDR block, a prefix list, a group outside the inputs, which may
    hold the tasks, as ecslint does not know the VPC's addresses)."""

    admitted: frozenset[int]
    maybe: frozenset[int]
    unknown: bool

    def admits(self, sources: list[SecurityGroup]) -> bool | None:
        """Whether NFS from one of ``sources`` gets in (None: unknown)."""
        ids = {id(source) for source in sources}
        if ids & self.admitted:
            return True
        return None if self.unknown or ids & self.maybe else False


def _openings(group: SecurityGroup, graph) -> Openings | None:
    """From where a security group lets NFS in (None: its rules cannot be read); worked out once a run."""
    def compute() -> Openings | None:
        rules = _ingress(group, graph)
        if rules is None:
            return None
        admitted, maybe, unknown = set(), set(), False
        for rule, owner in rules:
            opens = _opens_nfs(rule)
            if opens is False:
                continue
            source = rule.get("SourceSecurityGroupId")
            found = graph.target(owner, source, SecurityGroup) if source is not None else None
            if found is None:
                unknown = True
            else:
                (admitted if opens else maybe).add(id(found))
        return Openings(frozenset(admitted), frozenset(maybe), unknown)
    return _fact(graph, ("openings", id(group)), compute)


def _stray_ingress(project, graph) -> bool:
    """An ingress rule of the project that may open NFS in a security group that is not known (it may be
    any group, the mount targets' included)."""
    return _fact(graph, "stray ingress", lambda: any(
        not rule.egress and _opens_nfs(rule.node) is not False
        and graph.target(rule, rule.get("GroupId"), SecurityGroup) is None
        for rule in project.objects("SecurityGroupRule")))


def _groups(obj: ModelObject, node: Node | None, graph) -> list[SecurityGroup] | None:
    """The security groups a list value names, when it names some and all are resources of the project."""
    if node is None or not node.is_seq or not node.value:
        return None  # none given: the VPC's default security group, which is not known
    groups, known = graph.targets(obj, node, SecurityGroup)
    return groups if known else None


def _blocking_groups(targets: list[MountTarget], sources: list[SecurityGroup], graph) -> list[SecurityGroup] | None:
    """The security groups of the mount targets when none of the mount targets lets NFS in from
    ``sources``; None when one may (the tasks' Availability Zones are not known, so one open mount
    target may be theirs)."""
    found: list[SecurityGroup] = []
    for target in targets:
        groups = _groups(target, target.get("SecurityGroups"), graph)
        openings = [_openings(group, graph) for group in groups] if groups is not None else [None]
        if any(opening is None or opening.admits(sources) is not False for opening in openings):
            return None
        found.extend(groups)
    return _distinct(found)


def efs_mount_target_security_group(service: Service, ctx) -> Iterator[Violation]:
    """The mount targets of a file system the service's tasks mount let no NFS in from the service's groups."""
    graph, task = ctx.project.graph, service.task
    sources = _groups(service, service.at("networkConfiguration", "awsvpcConfiguration", "securityGroups"), graph)
    if task is None or sources is None or _stray_ingress(ctx.project, graph):
        return
    for file_system, volumes in _volumes_by_file_system(task, graph).values():
        targets = mount_targets(file_system, graph)
        blocking = _blocking_groups(targets, sources, graph) if targets else None
        if not blocking:
            continue
        where = f"of the mount targets of {file_system.label} ({_listing(t.label for t in targets)})"
        groups = (f"{blocking[0].label}, the security group {where}, admits" if len(blocking) == 1
                  else f"the security groups {where} ({_listing(g.label for g in blocking)}) admit")
        yield Violation(_anchor(blocking[0], "SecurityGroupIngress"),
                        f"{groups} no NFS traffic (TCP {NFS_PORT}) from the security groups of {service.label} "
                        f"({_listing(s.label for s in sources)}), so its tasks cannot mount the file system "
                        f"({_volumes(volumes)}): they fail to start with \"{MOUNT_ERROR}\" when the NFS connection "
                        f"times out. Add an ingress rule to {blocking[0].label} for TCP {NFS_PORT} from "
                        f"{sources[0].label}.",
                        within=blocking[0])


# --- ECS506: encryption at rest -----------------------------------------------------------------------

def efs_unencrypted(file_system: FileSystem, ctx) -> Iterator[Violation]:
    """A file system that task definitions mount and that is not encrypted at rest."""
    node = file_system.get("Encrypted")
    absent = node is None or node.value is None
    if not absent and node.value is not False:  # true, unknown, or of a wrong type (ECS112's)
        return
    volumes = mounting_volumes(file_system, ctx.project.graph)
    if not volumes:
        return
    name = file_system.term("Encrypted")
    setting = f"does not set {name} (the default is false)" if absent else f"sets {name} to false"
    verb = "mounts" if len(volumes) == 1 else "mount"
    yield Violation(_anchor(file_system) if node is None else node,
                    f"{file_system.label} {setting}, yet {_volumes(volumes)} {verb} it: what the tasks write there "
                    "is stored unencrypted at rest, and so are its backups. "
                    f"Set {file_system.setting('Encrypted', True)} (with a {file_system.term('KmsKeyId')} to use a "
                    "key of your own). "
                    "Encryption at rest is chosen when a file system is created, so this replaces the file system: "
                    "copy its data to the new one (AWS Security Hub EFS.1).")


# --- ECS507: an access point of another file system ---------------------------------------------------

def _file_system_name(obj: ModelObject, node: Node | None, graph) -> str:
    """How messages name the file system a value gives: its resource, or ``file system fs-0123``."""
    target = graph.target(obj, node, FileSystem)
    return target.label if target is not None else f"file system {shown(node)}"


def _different(volume: Volume, node: Node | None, access_point: AccessPoint, graph) -> bool:
    """Whether the volume's file system is known to differ from the access point's: two resources of the
    project, or two written-out ids."""
    other = access_point.get("FileSystemId")
    mine, theirs = graph.target(written_in(volume), node, FileSystem), graph.target(access_point, other, FileSystem)
    if mine is not None and theirs is not None:
        return mine is not theirs
    first, second = literal_str(node), literal_str(other)
    return bool(mine is None and theirs is None and first and second and first != second)


def efs_access_point_file_system(volume: Volume, ctx) -> Iterator[Violation]:
    """The access point of an EFS volume must be one of the file system the volume mounts."""
    graph, efs = ctx.project.graph, volume.efs
    node = access_point_id(efs) if efs is not None else None
    access_point = graph.target(written_in(volume), node, AccessPoint) if node is not None else None
    fs_node = efs.get("fileSystemId") if efs is not None else None
    if access_point is None or not _different(volume, fs_node, access_point, graph):
        return
    name = volume.term("fileSystemId", within="efsVolumeConfiguration")
    mine, theirs = (_file_system_name(written_in(volume), fs_node, graph),
                    _file_system_name(access_point, access_point.get("FileSystemId"), graph))
    yield Violation(fs_node,
                    f"EFS {volume_label(volume)} mounts {mine} ({name}) through "
                    f"{access_point.label}, which belongs to {theirs} ({access_point.term('FileSystemId')}): an access "
                    "point is an entry into its own file system only, so EFS refuses the mount and the tasks fail to "
                    f"start with a ResourceInitializationError. Set {name} to the access point's file system, or use "
                    "an access point of the file system the volume names.")


# --- ECS508: no mount target in a zone the tasks run in -------------------------------------------------

@dataclass(frozen=True)
class Zone:
    """What is known of a subnet's Availability Zone: its name, or an index into a list of zones
    (``!Select [1, !GetAZs ""]``, ``data.aws_availability_zones.all.names[1]``), or only its expression."""

    node: Node
    literal: str | None
    indexed: tuple[str, int] | None

    def differs(self, other: Zone) -> bool:
        """Known to be another zone: two names, or two indexes into the same list."""
        if self.literal is not None and other.literal is not None:
            return self.literal != other.literal
        return self.indexed is not None and other.indexed is not None and self.indexed[0] == other.indexed[0] \
            and self.indexed[1] != other.indexed[1]


_INDEXED = re.compile(r"^(?P<base>[\w.\-]{1,200})\[(?P<index>\d{1,3})\]$")


def _zone(subnet: Subnet) -> Zone | None:
    """The Availability Zone of a subnet as far as it is known (None: not given, or given by zone ID)."""
    node = subnet.get("AvailabilityZone")
    if node is None or node.value is None:
        return None
    text = literal_str(node)
    if text is not None:
        return Zone(node, text, None)
    expression = node.value.expression if isinstance(node.value, Unresolved) else node.plain()
    call = function_call(expression)
    if call is not None and call[0] == "Fn::Select" and isinstance(call[1], list) and len(call[1]) == 2:
        index, azs = call[1]
        if isinstance(index, (int, str)) and str(index).isdigit() and function_call(azs) is not None:
            return Zone(node, None, (repr(azs), int(index)))
    written = shown(node) or ""
    match = _INDEXED.match(written)
    return Zone(node, None, (match.group("base"), int(match.group("index"))) if match else None)


def _zones(obj: ModelObject, node: Node | None, graph) -> list[tuple[Node, Subnet, Zone]] | None:
    """Each subnet a list value names, with its zone; None unless all are subnets of the project with a zone."""
    items = node.elements() if node is not None and node.is_seq else []
    found = []
    for item in items:
        subnet = graph.target(obj, item, Subnet)
        zone = _zone(subnet) if subnet is not None else None
        if zone is None:
            return None
        found.append((item, subnet, zone))
    return found or None


def _as_list(node: Node | None) -> Node | None:
    """A single value as a list of it (a mount target has one subnet)."""
    return Node([node], node.line, node.col, node.end_line, node.end_col) if node is not None else None


def efs_mount_target_zone(service: Service, ctx) -> Iterator[Violation]:
    """An awsvpc service runs tasks in a subnet whose Availability Zone has no mount target of a file system
    they mount."""
    graph, task = ctx.project.graph, service.task
    subnets = service.at("networkConfiguration", "awsvpcConfiguration", "subnets")
    placed = _zones(service, subnets, graph) if task is not None else None
    if placed is None or _unattached_mount_target(ctx.project, graph):
        return
    for file_system, volumes in _volumes_by_file_system(task, graph).values():
        targets = mount_targets(file_system, graph)
        reached = [_zones(target, _as_list(target.get("SubnetId")), graph) for target in targets]
        if not targets or any(zones is None for zones in reached):
            continue
        target_zones = [zone for zones in reached for _, _, zone in zones]  # type: ignore[union-attr]
        for item, subnet, zone in placed:
            if all(zone.differs(other) for other in target_zones):
                yield Violation(item, _zone_message(service, subnet, zone, file_system, targets, volumes))
                break


def _zone_name(zone: Zone) -> str:
    """``us-east-1b``, ``!Select [1, !GetAZs ""]``, or the expression that gives it."""
    if zone.literal is not None:
        return zone.literal
    call = function_call(zone.node.value.expression if isinstance(zone.node.value, Unresolved) else zone.node.plain())
    if call is not None and call[0] == "Fn::Select" and zone.indexed is not None:
        azs = function_call(call[1][1])
        region = json.dumps(azs[1]) if azs is not None and isinstance(azs[1], str) else "..."
        return f"!Select [{zone.indexed[1]}, !GetAZs {region}]"
    return shown(zone.node) or "its zone"


def _zone_message(service: Service, subnet: Subnet, zone: Zone, file_system: FileSystem,
                  targets: list[MountTarget], volumes: list[Volume]) -> str:
    subnets = service.term("networkConfiguration.awsvpcConfiguration.subnets")
    return (f"{service.label} runs tasks in {subnet.label} ({subnets}), in Availability Zone {_zone_name(zone)}, "
            f"where {file_system.label} has no mount target (it has {_listing(t.label for t in targets)}, in "
            "other zones), yet its tasks mount the file system "
            f"({_volumes(volumes)}): a task reaches EFS through the mount target of its own zone, so the tasks "
            f"placed there fail to start with \"{MOUNT_ERROR}: ... Failed to resolve ...\". Add a mount target of "
            f"the file system in a subnet of {_zone_name(zone)}, or run the service only in subnets of the zones "
            "that have one.")
