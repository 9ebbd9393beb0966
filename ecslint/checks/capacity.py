"""Capacity: whether a cluster's tasks have somewhere to run.

An EC2 instance serves an ECS cluster only once the ECS agent on it registers it, with the cluster its
configuration names: ``ECS_CLUSTER`` in ``/etc/ecs/ecs.config`` on Amazon Linux (written by the
instance's user data, or by cfn-init from the resource's ``AWS::CloudFormation::Init`` metadata),
``[settings.ecs] cluster`` on Bottlerocket, ``Initialize-ECSAgent -Cluster`` on Windows. An agent
given no cluster registers with the cluster named ``default``. A capacity provider scales its Auto
Scaling group, but does not tell the instances which cluster to join; and a strategy may only use the
capacity providers associated with its cluster.

User data is read as far as it is written out, through ``Fn::Base64``, ``Fn::Sub`` and ``Fn::Join``:
a reference to a resource reads as ``${LogicalId}``, any other function as unknown. The cluster an
instance joins is known when the setting is a literal name or exactly a reference to a cluster
resource; anything else (a parameter, an import, a shell variable) is unknown, and the rules stay
silent on it. What the checks look up across a project is indexed once, so that a template of
thousands of services, instances and associations is checked in linear time.
"""

from __future__ import annotations

import re
import weakref
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Iterator

from ecslint.checks.services import EC2, FARGATE_PROVIDERS, is_set
from ecslint.findings import Violation
from ecslint.model import (AutoScalingGroup, CapacityProvider, Cluster, ClusterCapacityProviderAssociations,
                           Instance, LaunchConfiguration, LaunchTemplate, ModelObject, Service, literal_str)
from ecslint.model.values import Unresolved, function_call, is_intrinsic
from ecslint.tree import Node, as_str

# --- Reading user data -------------------------------------------------------------------------------

UNKNOWN_PART = "${?}"  # what a function the reader cannot work out gives, in a text
MAX_DEPTH = 32  # nested functions read; deeper is unknown
MAX_TEXT = 65536  # characters of user data read (EC2 takes 16 KB); longer is unknown

# ECS_CLUSTER=name (ecs.config, a shell export) or SetEnvironmentVariable("ECS_CLUSTER", "name") (Windows).
_ASSIGNED = re.compile(r"\bECS_CLUSTER=[\"']?([^\s\"'<>;|&)]*)")
_ARGUMENT = re.compile(r"\bECS_CLUSTER[\"']\s*,\s*[\"']([^\"']*)")
_WINDOWS_FLAG = re.compile(r"-Cluster\s+[\"']?([^\s\"']*)")
_TOML_STRING = re.compile(r"^([A-Za-z0-9_.\-]+)\s*=\s*\"([^\"]*)\"")
_NAME = re.compile(r"^[A-Za-z0-9_-]{1,255}$")
# A reference filled in: ``${Cluster}``, ``${Cluster.Arn}``, ``${aws_ecs_cluster.main[0].name}``.
_REFERENCE = re.compile(r"^\$\{([A-Za-z0-9_.\[\]-]+)\}$")
_INDEXES_IN = re.compile(r"\[[^\]]*\]")  # ``[0]`` in a reference
MAX_REFERENCE_PARTS = 3  # dotted parts that may name a resource: ``Cluster``, ``aws_ecs_cluster.main``, ``data.x.y``
SETTINGS = ("ECS_CLUSTER", "Initialize-ECSAgent -Cluster", "settings.ecs.cluster")


def expression_text(value: Any, depth: int = 0) -> str:
    """The text a (plain) value gives: a string as it is; ``Fn::Base64``, ``Fn::Sub`` and ``Fn::Join``
    of what their parts give; ``Ref``/``Fn::GetAtt`` as ``${Name}``/``${Name.Attribute}``; anything
    else as ``${?}``."""
    if isinstance(value, Unresolved):
        value = value.expression
    if isinstance(value, str):
        return value
    call = function_call(value) if depth < MAX_DEPTH else None
    if call is None:
        return UNKNOWN_PART
    name, argument = call
    if name == "Fn::Base64":
        return expression_text(argument, depth + 1)
    if name == "Fn::Sub":
        return _sub(argument, depth + 1)
    if name == "Fn::Join" and isinstance(argument, list) and len(argument) == 2 and isinstance(argument[0], str) \
            and isinstance(argument[1], list):
        return argument[0].join(expression_text(part, depth + 1) for part in argument[1])
    if name == "Ref" and isinstance(argument, str):
        return "${" + argument + "}"
    parts = argument.split(".", 1) if isinstance(argument, str) else argument
    if name == "Fn::GetAtt" and isinstance(parts, list) and parts and all(isinstance(p, str) for p in parts):
        return "${" + ".".join(parts) + "}"
    return UNKNOWN_PART


def _sub(argument: Any, depth: int) -> str:
    """``Fn::Sub``: its variables replaced by what they give; other ``${...}`` kept as written."""
    if isinstance(argument, str):
        return argument
    if not (isinstance(argument, list) and len(argument) == 2 and isinstance(argument[0], str)
            and isinstance(argument[1], dict)):
        return UNKNOWN_PART
    template, variables = argument
    out, position = [], 0
    while (start := template.find("${", position)) != -1 and (end := template.find("}", start)) != -1:
        name = template[start + 2:end]
        out += [template[position:start], expression_text(variables[name], depth) if name in variables
                else template[start:end + 1]]
        position = end + 1
    return "".join(out) + template[position:]


def user_data_text(node: Node | None) -> str | None:
    """The text of a user data value ("" when there is none); None when it cannot be read (a YAML tag,
    or longer than the reader reads)."""
    if node is None or node.value is None:
        return ""
    if node.tag is not None:
        return None
    text = expression_text(node.plain())
    return text if len(text) <= MAX_TEXT else None


def cluster_settings(text: str) -> list[tuple[str, str]]:
    """Each cluster the text tells the ECS agent to join, as written, with how it says so (one of
    ``SETTINGS``): ``ECS_CLUSTER=name``, ``SetEnvironmentVariable("ECS_CLUSTER", "name")``,
    ``Initialize-ECSAgent -Cluster name``, a Bottlerocket ``[settings.ecs]`` ``cluster = "name"``.
    Empty values are left out."""
    found = [(SETTINGS[0], m[1]) for pattern in (_ASSIGNED, _ARGUMENT) for m in pattern.finditer(text)]
    table = ""
    for line in text.splitlines():
        line = line.strip()
        if "Initialize-ECSAgent" in line:
            found += [(SETTINGS[1], m[1]) for m in _WINDOWS_FLAG.finditer(line)]
        if line.startswith("[") and line.endswith("]"):
            table = line.strip("[] ")
        elif (toml := _TOML_STRING.match(line)) and f"{table}.{toml[1]}".strip(".") == "settings.ecs.cluster":
            found.append((SETTINGS[2], toml[2]))
    return [(setting, value) for setting, value in found if value]


# --- Where instances register ----------------------------------------------------------------------

LAUNCHER_KINDS = (LaunchTemplate, LaunchConfiguration, Instance)
USER_DATA = {LaunchTemplate: "LaunchTemplateData.UserData", LaunchConfiguration: "UserData", Instance: "UserData"}
IMAGE = {LaunchTemplate: "LaunchTemplateData.ImageId", LaunchConfiguration: "ImageId", Instance: "ImageId"}
INIT_METADATA = ("Metadata", "AWS::CloudFormation::Init")
DEFAULT_CLUSTER = "default"
# The public parameters of the Amazon ECS-optimized Amazon Linux and Bottlerocket (ECS variant) AMIs,
# whose agent joins the cluster named "default" when nothing names one.
ECS_AMIS = ("/aws/service/ecs/optimized-ami/amazon-linux", "/aws/service/bottlerocket/aws-ecs-")
# What in user data may configure the agent in a way this reader does not follow (a script it fetches,
# cfn-init, a configuration it copies): where one appears, a missing ECS_CLUSTER is unknown, not "default".
ELSEWHERE = ("ecs", "cfn-init", "#include", "curl", "wget", "s3", "ssm")


@dataclass(frozen=True)
class Registration:
    """The cluster a launcher's instances register with: a cluster among the inputs (``cluster``), or a
    name (``name``); ``setting`` says how and ``where`` in what, ``node`` is where to point. ``implicit``
    says why nothing names one, so the agent joins ``default``."""

    node: Node
    setting: str
    where: str
    cluster: Cluster | None = None
    name: str | None = None
    implicit: str = ""


def _path(obj: ModelObject, dotted: str) -> Node | None:
    """The member at a dotted path (``LaunchTemplateData.UserData``)."""
    return obj.at(*dotted.split("."))


def _stack(obj: ModelObject) -> str:
    """The stack an object is defined in: its template, or its Terraform module (the scope its resource's
    references resolve in)."""
    resource = obj.resource
    return resource.scope if resource is not None and resource.scope is not None else obj.source.path


def _same(first: ModelObject | None, second: ModelObject) -> bool:
    """The same object, or copies of one template resource built under compatible scenarios."""
    if first is None or first is second:
        return first is second
    a, b = first.resource, second.resource
    return a is not None and b is not None and _stack(first) == _stack(second) \
        and a.logical_id == b.logical_id and _compatible(first, second)


def _compatible(first: ModelObject, second: ModelObject) -> bool:
    """Built under the same scenario of the template's conditions, or one of them under none."""
    return first.scenario is None or second.scenario is None or first.scenario.index == second.scenario.index


def _launch_template(obj: ModelObject, spec: Node | None, graph: Any) -> ModelObject | None:
    """The launch template a ``LaunchTemplateSpecification`` (by id or by name) refers to."""
    if spec is None:
        return None
    return graph.target(obj, spec.get("LaunchTemplateId"), LaunchTemplate) or \
        graph.target(obj, spec.get("LaunchTemplateName"), LaunchTemplate)


def _init_text(obj: ModelObject) -> str:
    """The texts of the object's cfn-init configuration (``AWS::CloudFormation::Init`` metadata), one a line."""
    init = obj.resource.node.at(*INIT_METADATA) if obj.resource is not None else None
    texts, pending = [], [init] if init is not None else []
    while pending:
        current = pending.pop()
        if is_intrinsic(current) or isinstance(current.value, str):
            texts.append(expression_text(current.plain()))
        else:
            pending.extend(current.value.values() if current.is_map else current.elements())
    return "\n".join(texts)


def _mention(node: Node, needle: str) -> Node | None:
    """The first string under ``node`` that holds ``needle``."""
    pending = deque([node])
    while pending:
        current = pending.popleft()
        if isinstance(current.value, str) and needle in current.value:
            return current
        pending.extend(current.value.values() if current.is_map else current.elements())
    return None


def registration(launcher: ModelObject, graph: Any) -> Registration | None:
    """Which cluster the instances of a launch template, launch configuration or instance register with;
    None when that is unknown."""
    node = _path(launcher, USER_DATA[type(launcher)])
    if isinstance(launcher, Instance) and node is None and launcher.get("LaunchTemplate") is not None:
        template = _launch_template(launcher, launcher.get("LaunchTemplate"), graph)
        return registration(template, graph) if template is not None else None
    text = user_data_text(node)
    if text is None or UNKNOWN_PART in text:
        return None
    where = launcher.term(USER_DATA[type(launcher)])
    settings = [(setting, value, where, node) for setting, value in cluster_settings(text)]
    if "cfn-init" in text and launcher.resource is not None:
        metadata = launcher.resource.node.at(*INIT_METADATA)
        settings += [(setting, value, "cfn-init metadata", _mention(metadata, setting) or metadata)
                     for setting, value in cluster_settings(_init_text(launcher))]
    if not settings:
        if not _joins_default(launcher, text, graph):
            return None
        if node is None:
            return Registration(launcher.key(where.split(".")[0]), SETTINGS[0], where, name=DEFAULT_CLUSTER,
                                implicit=f"it has no {where}, so the ECS agent of its ECS-optimized AMI")
        return Registration(node, SETTINGS[0], where, name=DEFAULT_CLUSTER,
                            implicit=f"its {where} sets no {SETTINGS[0]}, so the ECS agent")
    if len({value for _, value, _, _ in settings}) != 1:
        return None
    setting, value, where, at = settings[0]
    return _registered(launcher, value, Registration(at, setting, where), graph)


def _registered(launcher: ModelObject, value: str, found: Registration, graph: Any) -> Registration | None:
    """``found`` with the cluster ``value`` names: a cluster resource it references, or a literal name."""
    reference = _REFERENCE.match(value)
    if reference:
        cluster = _referenced_cluster(launcher, reference[1], found.node, graph)
        return Registration(found.node, found.setting, found.where, cluster=cluster) if cluster else None
    name = value.rsplit(":cluster/", 1)[-1] if value.startswith("arn:") else value
    if not _NAME.match(name):
        return None
    return Registration(found.node, found.setting, found.where, name=name)


def _referenced_cluster(launcher: ModelObject, reference: str, at: Node, graph: Any) -> Cluster | None:
    """The cluster a filled-in reference names: the longest part of it, up to a dot, that is a cluster of
    the launcher's stack (``Cluster`` in ``Cluster.Arn``, ``aws_ecs_cluster.main`` in
    ``aws_ecs_cluster.main[0].name``)."""
    parts = _INDEXES_IN.sub("", reference).split(".", MAX_REFERENCE_PARTS)
    for end in range(min(len(parts), MAX_REFERENCE_PARTS), 0, -1):
        probe = Node(Unresolved(reference, ".".join(parts[:end])), at.line, at.col, at.line, at.col)
        cluster = graph.target(launcher, probe, Cluster)
        if cluster is not None:
            return cluster
    return None


def _joins_default(launcher: ModelObject, text: str, graph: Any) -> bool:
    """Whether the instances' agent is given no cluster, so it joins ``default``: an ECS-optimized
    Amazon Linux or Bottlerocket AMI, and user data that is written out and configures nothing the
    reader cannot follow."""
    image = _path(launcher, IMAGE[type(launcher)])
    if image is None and isinstance(launcher, Instance):
        template = _launch_template(launcher, launcher.get("LaunchTemplate"), graph)
        image = _path(template, IMAGE[LaunchTemplate]) if template is not None else None
    if not any(ami in (as_str(image) or "") for ami in ECS_AMIS):
        return False
    lowered = text.replace("${AWS::", "").replace("${!", "").lower()
    return "${" not in lowered and not any(marker in lowered for marker in ELSEWHERE)


def _cluster_name(cluster: Cluster) -> str | None:
    """The cluster's name when it is written out."""
    return literal_str(cluster.get("clusterName"))


def _named(cluster: Cluster) -> str:
    """How a message names a cluster: ``Cluster 'Orders' (named 'orders')``."""
    name = _cluster_name(cluster)
    return f"{cluster.label} (named '{name}')" if name else cluster.label


def _key(obj: ModelObject) -> tuple[str, str | int]:
    """What identifies an object, the same for every scenario copy of a template resource."""
    return _stack(obj), obj.resource.logical_id if obj.resource is not None else id(obj)


def may_join(clusters: set[tuple[str, str | int]], names: set[str], cluster: Cluster) -> bool | None:
    """Whether instances that register with the clusters ``clusters`` (their keys) or ``names`` join
    ``cluster``; None when that is unknown."""
    if _key(cluster) in clusters:
        return True
    name = _cluster_name(cluster)
    if name is not None:
        return name in names
    # The name CloudFormation gives a cluster (stack, logical id, suffix) is never "default"; another
    # literal may be one it gave before, and any may be a name a parameter or an import gives.
    named_by_stack = cluster.get("clusterName") is None and cluster.resource is not None
    return None if len(names) > (named_by_stack and DEFAULT_CLUSTER in names) else False


def joins(found: Registration, cluster: Cluster) -> bool | None:
    """Whether instances registered as ``found`` join ``cluster``; None when unknown."""
    return may_join({_key(found.cluster)} if found.cluster is not None else set(),
                    {found.name} if found.name else set(), cluster)


def _joined(found: Registration) -> str:
    """Where instances registered as ``found`` go, for a message."""
    if found.cluster is not None:
        return found.cluster.label
    return f'the cluster named "{found.name}"' if found.implicit else f"cluster '{found.name}'"


def _how(found: Registration) -> str:
    """How ``found`` is set, for a message: ``its UserData sets ECS_CLUSTER to cluster 'prod'``."""
    if found.implicit:
        return f"{found.implicit} registers its instances with {_joined(found)}"
    return f"its {found.where} sets {found.setting} to {_joined(found)}"


# --- The capacity of a cluster -----------------------------------------------------------------------

def _template_specs(group: ModelObject) -> tuple[list[Node], bool]:
    """The launch template specifications of an Auto Scaling group (its own, its mixed instances policy's
    and their overrides'), and whether all of them can be read."""
    specs = [group.get("LaunchTemplate")]
    policy = group.get("MixedInstancesPolicy")
    if policy is None:
        return [spec for spec in specs if spec is not None], True
    mixed = policy.get("LaunchTemplate")
    overrides = mixed.get("Overrides") if mixed is not None else None
    items = overrides.elements() if overrides is not None else []
    readable = mixed is not None and mixed.is_map and (overrides is None or overrides.is_seq) \
        and all(item.is_map for item in items)
    specs += [mixed.get("LaunchTemplateSpecification") if mixed is not None else None]
    specs += [item.get("LaunchTemplateSpecification") for item in items]
    return [spec for spec in specs if spec is not None], readable


_GROUPS: weakref.WeakKeyDictionary[ModelObject, tuple[list[ModelObject], bool]] = weakref.WeakKeyDictionary()


def _launchers_of(group: ModelObject, graph: Any) -> tuple[list[ModelObject], bool]:
    """The launch templates and configurations an Auto Scaling group starts instances from, and whether
    every one it names resolved; found on first use, then remembered."""
    if group not in _GROUPS:
        specs, readable = _template_specs(group)
        found = [_launch_template(group, spec, graph) for spec in specs]
        configuration = group.get("LaunchConfigurationName")
        if configuration is not None:
            found.append(graph.target(group, configuration, LaunchConfiguration))
        known = readable and all(f is not None for f in found) and group.get("InstanceId") is None
        _GROUPS[group] = [f for f in found if f is not None], known
    return _GROUPS[group]


def _entries(obj: ModelObject) -> list[Node] | None:
    """The capacity providers a cluster or an association lists (its own or in its default strategy);
    None when a list is not known."""
    found: list[Node] = []
    for name in ("capacityProviders", "defaultCapacityProviderStrategy"):
        node = obj.get(name)
        if is_set(node) and not node.is_seq:
            return None
        items = node.elements() if node is not None else []
        found += items if name == "capacityProviders" else [item.get("capacityProvider") for item in items]
    return found


def _beyond_fargate(obj: ModelObject) -> bool:
    """Whether a cluster, an association or a capacity provider may give a cluster capacity other than
    Fargate's: a capacity provider that is not FARGATE or FARGATE_SPOT (or not known)."""
    if isinstance(obj, CapacityProvider):
        return True
    entries = _entries(obj)
    return entries is None or any(literal_str(entry) not in FARGATE_PROVIDERS for entry in entries)


@dataclass
class _Stack:
    """The instances one stack (a template, a Terraform module) starts that can be read: how each registers,
    and the clusters (their keys) and names they join."""

    registered: list[tuple[ModelObject, Registration]] = field(default_factory=list)
    clusters: set[tuple[str, str | int]] = field(default_factory=set)
    names: set[str] = field(default_factory=set)
    phrases: dict[int | None, list[str]] = field(default_factory=dict)  # by scenario: how each registers


@dataclass
class _Index:
    """What the capacity checks look up, built once a project: the instances each stack starts (and the
    stacks where some cannot be read), every cluster name instances register with by name, the
    associations and Managed Instances capacity providers of each cluster (and the stacks that have
    some of a cluster that is not known), and the capacity provider resources by name."""

    stacks: dict[str, _Stack] = field(default_factory=dict)
    unreadable: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)
    about: dict[tuple[str, str | int], list[ModelObject]] = field(default_factory=dict)
    open: set[str] = field(default_factory=set)
    providers: dict[str, ModelObject] = field(default_factory=dict)  # capacity provider resources by name


_INDEXES: weakref.WeakKeyDictionary[Any, _Index] = weakref.WeakKeyDictionary()


def _index(ctx) -> _Index:
    """The project's index, built on first use."""
    graph = ctx.project.graph
    index = _INDEXES.get(graph)
    if index is None:
        index = _INDEXES[graph] = _build_index(ctx.project.objects, graph)
    return index


def _build_index(objects: Any, graph: Any) -> _Index:
    """The index of the objects ``objects(kind)`` gives."""
    index = _Index()
    for launcher in (obj for kind in LAUNCHER_KINDS for obj in objects(kind.__name__)):
        found = registration(launcher, graph)
        if found is None:
            index.unreadable.add(_stack(launcher))
            continue
        stack = index.stacks.setdefault(_stack(launcher), _Stack())
        stack.registered.append((launcher, found))
        if found.cluster is not None:
            stack.clusters.add(_key(found.cluster))
        if found.name:
            stack.names.add(found.name)
            index.names.add(found.name)
    for group in objects("AutoScalingGroup"):
        if not _launchers_of(group, graph)[1]:
            index.unreadable.add(_stack(group))
    holders = [(a, a.get("cluster")) for a in objects("ClusterCapacityProviderAssociations")]
    holders += [(p, p.get("clusterName")) for p in objects("CapacityProvider") if p.get("clusterName") is not None]
    for holder, node in holders:
        cluster = graph.target(holder, node, Cluster)
        if cluster is not None:
            index.about.setdefault(_key(cluster), []).append(holder)
        else:
            index.open.add(_stack(holder))
    for provider in objects("CapacityProvider"):
        name = literal_str(provider.get("name"))
        if name:
            index.providers.setdefault(name, provider)
    return index


def _holders(cluster: Cluster, ctx) -> list[ModelObject] | None:
    """The cluster, and the associations and Managed Instances capacity providers that name it; None
    when its stack has one whose cluster is not known, which may be it."""
    index = _index(ctx)
    if _stack(cluster) in index.open:
        return None
    return [cluster] + [h for h in index.about.get(_key(cluster), []) if _compatible(h, cluster)]


_PROVIDERS: weakref.WeakKeyDictionary[ModelObject, list[Cluster]] = weakref.WeakKeyDictionary()


def _clusters_of(provider: ModelObject, graph: Any) -> list[Cluster]:
    """The clusters a capacity provider is associated with (by the cluster, or by an association), where
    the association resolves; found on first use, then remembered."""
    if provider not in _PROVIDERS:
        found: dict[int, Cluster] = {}
        for holder, _ in graph.referrers(provider, Cluster, ClusterCapacityProviderAssociations):
            cluster = holder if isinstance(holder, Cluster) else graph.target(holder, holder.get("cluster"), Cluster)
            entries = _entries(holder) or []
            if cluster is not None and any(_same(graph.target(holder, e, CapacityProvider), provider)
                                           for e in entries):
                found[id(cluster)] = cluster
        _PROVIDERS[provider] = list(found.values())
    return _PROVIDERS[provider]


def _capacity_of(launcher: ModelObject, graph: Any) -> Iterator[tuple[Cluster, ModelObject, ModelObject]]:
    """(cluster, capacity provider, Auto Scaling group) for each cluster whose capacity provider's group
    starts instances from ``launcher``."""
    groups = {id(g): g for g, _ in graph.referrers(launcher, AutoScalingGroup)}.values()
    for group in (g for g in groups if launcher in _launchers_of(g, graph)[0]):
        providers = {id(p): p for p, _ in graph.referrers(group, CapacityProvider)}.values()
        for provider in providers:
            arn = provider.at("autoScalingGroupProvider", "autoScalingGroupArn")
            if _same(graph.target(provider, arn, AutoScalingGroup), group):
                yield from ((cluster, provider, group) for cluster in _clusters_of(provider, graph))


# --- ECS702 --------------------------------------------------------------------------------------------

def instances_join_another_cluster(launcher: ModelObject, ctx) -> Iterator[Violation]:
    """The instances of a capacity provider's Auto Scaling group must register with the provider's cluster."""
    graph = ctx.project.graph
    intended = list(_capacity_of(launcher, graph))
    found = registration(launcher, graph) if intended else None
    for cluster, provider, group in intended if found is not None else []:
        if joins(found, cluster) is not False:
            continue
        fix = (f"Make its user data register them with {cluster.label} (ECS_CLUSTER=<its name> in "
               "/etc/ecs/ecs.config on Amazon Linux)") if found.implicit else \
            f"Set {found.setting} to the name of {cluster.label}"
        yield Violation(found.node, f"{launcher.label} starts the instances of {group.label}, which {provider.label} "
                                    f"provides to {_named(cluster)}, but {_how(found)}: they never join "
                                    f"{cluster.label}. The capacity provider scales the group up, yet the tasks that "
                                    "wait for it are never placed (\"... Reason: No Container Instances were found in "
                                    f"your capacity provider.\"). {fix}, given as a reference to the cluster so that "
                                    "the two cannot drift apart.")


# --- ECS701 --------------------------------------------------------------------------------------------

LISTED = 3  # launchers a message describes


def _on_ec2(service: Service, cluster: Cluster, ctx) -> str | None:
    """Why the service runs with the EC2 launch type, if it does (a REPLICA service, deployed by ECS)."""
    if literal_str(service.get("schedulingStrategy")) == "DAEMON" or \
            literal_str(service.at("deploymentController", "type")) == "EXTERNAL":
        return None
    if is_set(service.get("launchType")):
        return f"{service.term('launchType')} {EC2}" if literal_str(service.get("launchType")) == EC2 else None
    if is_set(service.get("capacityProviderStrategy")):
        return None
    holders = _holders(cluster, ctx)
    if holders is None or any(is_set(holder.get("defaultCapacityProviderStrategy")) for holder in holders):
        return None
    return (f"it sets no {service.term('launchType')} or {service.term('capacityProviderStrategy')}, and its cluster "
            "has no default capacity provider strategy, so ECS uses the EC2 launch type")


def _has_providers(cluster: Cluster, ctx) -> bool:
    """Whether the cluster has (or may have) a capacity provider other than Fargate's."""
    holders = _holders(cluster, ctx)
    return holders is None or any(map(_beyond_fargate, holders))


def _in_stack(obj: ModelObject, other: ModelObject) -> bool:
    """Defined in the same stack (template or Terraform module), under compatible scenarios of its conditions."""
    return _stack(obj) == _stack(other) and _compatible(obj, other)


def _phrases(stack: _Stack, service: Service) -> list[str]:
    """How each instance of the stack registers, under the scenario of the service: one phrase each."""
    scenario = service.scenario.index if service.scenario is not None else None
    if scenario not in stack.phrases:
        stack.phrases[scenario] = list(dict.fromkeys(f"{launcher.label}: {_how(found)}" for launcher, found
                                                     in stack.registered if _compatible(launcher, service)))
    return stack.phrases[scenario]


def _where_instances_go(service: Service, cluster: Cluster, ctx) -> list[str] | None:
    """How each instance defined beside the cluster registers, when none joins it; None when some may
    (or it cannot be known), or when none is defined there (they may come from another stack). An
    instance defined elsewhere among the inputs joins it when it gives the cluster's name."""
    index, path, name = _index(ctx), _stack(cluster), _cluster_name(cluster)
    stack = index.stacks.get(path)
    if stack is None or path in index.unreadable or may_join(stack.clusters, stack.names, cluster) is not False \
            or (name is not None and name in index.names):
        return None
    return _phrases(stack, service)


def cluster_without_capacity(service: Service, ctx) -> Iterator[Violation]:
    """A service on the EC2 launch type needs container instances registered with its cluster."""
    cluster = service.cluster
    if cluster is None or not _in_stack(cluster, service):
        return
    why = _on_ec2(service, cluster, ctx)
    if why is None or _has_providers(cluster, ctx):
        return
    phrases = _where_instances_go(service, cluster, ctx)
    if not phrases:
        return
    listed = "; ".join(phrases[:LISTED]) + (f"; and {len(phrases) - LISTED} more" if len(phrases) > LISTED else "")
    yield Violation(service.get("cluster") or service.node,
                    f"{service.label} runs on EC2 ({why}) in {_named(cluster)}, but no container instance joins "
                    "that cluster: it has no EC2 capacity provider, and none of the EC2 instances defined beside it "
                    f"registers with it ({listed}). ECS cannot place the tasks: the service reports \"... was unable "
                    "to place a task because no container instance met all of its requirements. Reason: No Container "
                    "Instances were found in your cluster.\" and its deployment never completes. Make those instances "
                    f"register with {cluster.label} (ECS_CLUSTER set to its name in their user data), give the cluster "
                    "a capacity provider whose Auto Scaling group starts such instances, or run the service on "
                    "Fargate.")


# --- ECS703 --------------------------------------------------------------------------------------------

NOT_ASSOCIATED = ("The specified capacity provider strategy cannot contain a capacity provider that is not associated "
                  "with the cluster. Associate the capacity provider with the cluster or specify a valid capacity "
                  "provider and try again.")


UNNAMED = "(a name CloudFormation gives)"  # what a capacity provider resource without a name is known by


def _known_as(provider: ModelObject) -> frozenset[Any]:
    """What a capacity provider resource is known by: its key, and its name (or ``UNNAMED``)."""
    return frozenset({_key(provider), literal_str(provider.get("name")) or UNNAMED})


def _provider(holder: ModelObject, node: Node | None, ctx) -> frozenset[Any] | None:
    """What the capacity provider of an entry is known by: a capacity provider resource it references or
    names, or a literal name; None when unknown."""
    name = literal_str(node)
    provider = _index(ctx).providers.get(name) if name else ctx.project.graph.target(holder, node, CapacityProvider)
    if provider is not None:
        return _known_as(provider)
    return frozenset({name}) if name else None


def _associated(holders: list[ModelObject], ctx) -> list[frozenset[Any]] | None:
    """What each capacity provider the holders associate is known by; None when one is not known."""
    found: list[frozenset[Any]] = []
    for holder in holders:
        if isinstance(holder, CapacityProvider):  # a Managed Instances provider names its cluster
            found.append(_known_as(holder))
            continue
        node = holder.get("capacityProviders")
        if is_set(node) and not node.is_seq:
            return None
        for entry in node.elements() if node is not None else []:
            names = _provider(holder, entry, ctx)
            if names is None:
                return None
            found.append(names)
    return found


def _may_be(names: frozenset[Any], other: frozenset[Any]) -> bool:
    """Whether the capacity providers known by ``names`` and ``other`` are, or may be, the same: a name
    CloudFormation gives may be any name of no resource but FARGATE and FARGATE_SPOT."""
    def named_only(found: frozenset[Any]) -> bool:
        return len(found) == 1 and next(iter(found)) not in FARGATE_PROVIDERS
    return bool(names & other) or (UNNAMED in names and named_only(other)) or (UNNAMED in other and named_only(names))


def _unassociated(obj: ModelObject, strategy: str, associated: list[frozenset[Any]], ctx) -> Iterator[Node]:
    """The capacity providers of the object's strategy that are known not to be among ``associated``."""
    node = obj.get(strategy)
    for item in node.elements() if node is not None and node.is_seq else []:
        names = _provider(obj, item.get("capacityProvider"), ctx)
        if names is not None and not any(_may_be(names, other) for other in associated):
            yield item.get("capacityProvider")


def _scope(obj: ModelObject, ctx) -> tuple[str, ModelObject, list[ModelObject]] | None:
    """The object's strategy member, the object whose capacity providers it may use, and the objects that
    associate them: a service's cluster (defined with it) and the cluster's associations; a cluster or an
    association itself. None when they are not known."""
    if not isinstance(obj, Service):
        return "defaultCapacityProviderStrategy", obj, [obj]
    cluster = obj.cluster
    holders = _holders(cluster, ctx) if cluster is not None and cluster.resource is not None \
        and _in_stack(cluster, obj) else None
    return ("capacityProviderStrategy", cluster, holders) if holders is not None else None


def strategy_provider_not_associated(obj: ModelObject, ctx) -> Iterator[Violation]:
    """A capacity provider strategy may only use the capacity providers associated with the cluster: a
    service's with its cluster's (its own and its associations'), a cluster's or an association's default
    strategy with those it associates itself."""
    scope = _scope(obj, ctx)
    associated = _associated(scope[2], ctx) if scope is not None else None
    if associated is None:
        return
    strategy, owner = scope[0], scope[1]
    providers = owner.term("capacityProviders")
    if owner is obj:
        where, fix = f"its own {providers}", f"Add it to its {providers}"
    else:
        where = f"the capacity providers associated with {owner.label}"
        association = next((h for h in scope[2] if isinstance(h, ClusterCapacityProviderAssociations)), None)
        fix = f"Add it to the {association.term('capacityProviders')} of {association.label}" \
            if association is not None else \
            f"Associate it with the cluster, in its {providers} or its cluster capacity provider association"
    for node in _unassociated(obj, strategy, associated, ctx):
        provider = ctx.project.graph.target(obj, node, CapacityProvider)
        what = provider.label if provider is not None else f"'{node.value}'"
        yield Violation(node, f"The {obj.term(strategy)} of {obj.label} uses {what}, which is not among {where}; AWS "
                              f"rejects it with \"{NOT_ASSOCIATED}\" {fix} (FARGATE and FARGATE_SPOT need it too), "
                              "or use one that is.")
