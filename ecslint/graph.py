"""The graph of a project: what a value refers to, and what refers to an object.

A value refers to another object of the project when it is

- a template's ``Ref`` or ``Fn::GetAtt`` of a resource (or a ``Fn::Sub`` that is only that,
  ``"${Role.Arn}"``): the resource of the same template, built under the same scenario of its
  conditions, or under none when no condition changes it;
- a literal ARN or name of an object among the inputs, in any file and format: an IAM role by its
  name (``arn:aws:iam::123456789012:role/app`` or ``app``), an instance profile, a target group, a
  load balancer, a managed policy, a cluster.

Anything else (an import, a parameter, an ARN of nothing among the inputs) refers to nothing known:
rules that need the other end stay silent.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator

from ecslint.model import (Cluster, InstanceProfile, LoadBalancer, ModelObject, Policy, Project, Role, TargetGroup,
                           literal_str)
from ecslint.model.values import Unresolved, function_call
from ecslint.tree import Node

Key = tuple[str, int, str]  # (file or module, scenario index or -1, logical id)
NO_SCENARIO = -1

# The property that names an object of a kind, for references by name or ARN from other files.
NAME_MEMBERS: dict[type, tuple[str, ...]] = {
    Role: ("RoleName",), InstanceProfile: ("InstanceProfileName",), TargetGroup: ("Name",),
    LoadBalancer: ("LoadBalancerName", "Name"), Policy: ("ManagedPolicyName", "PolicyName"),
    Cluster: ("clusterName",),
}
# The resource type in an ARN (``role/...``), and the kind it names.
ARN_KINDS: dict[str, type] = {"role": Role, "instance-profile": InstanceProfile, "targetgroup": TargetGroup,
                              "loadbalancer": LoadBalancer, "policy": Policy, "cluster": Cluster}


def referenced_id(node: Node | None) -> str | None:
    """The logical id a ``Ref``, ``Fn::GetAtt`` or a bare ``"${Id}"``/``"${Id.Attr}"`` names."""
    if node is None:
        return None
    if isinstance(node.value, Unresolved) and node.value.refers_to is not None:
        return node.value.refers_to
    if isinstance(node.value, str) and node.value.startswith("${") and node.value.endswith("}") \
            and node.value.count("${") == 1:
        name = node.value[2:-1].split(".", 1)[0]
        return name if name and not name.startswith(("AWS::", "!")) else None
    call = function_call(node.plain()) if node.is_map or isinstance(node.value, Unresolved) else None
    if call is None:
        return None
    name, argument = call
    if name == "Ref" and isinstance(argument, str) and not argument.startswith("AWS::"):
        return argument
    if name == "Fn::GetAtt" and isinstance(argument, list) and argument and isinstance(argument[0], str):
        return argument[0]
    return None


def arn_name(text: str) -> tuple[type | None, str]:
    """The kind and name an ARN (or a plain name) gives: ``...:role/path/app`` -> (Role, ``app``);
    ``...:targetgroup/web/0123`` -> (TargetGroup, ``web``); ``app`` -> (None, ``app``)."""
    if not text.startswith("arn:"):
        return None, text
    resource = text.split(":", 5)[-1]
    kind_word, _, rest = resource.partition("/")
    kind = ARN_KINDS.get(kind_word)
    if kind is TargetGroup or kind is LoadBalancer:
        parts = rest.split("/")
        if kind is LoadBalancer and parts and parts[0] in ("app", "net", "gwy"):
            parts = parts[1:]
        return kind, parts[0] if parts else ""
    return kind, rest.rsplit("/", 1)[-1] if rest else ""


class Graph:
    """What references resolve to in one project."""

    def __init__(self, project: Project) -> None:
        self.by_id: dict[Key, ModelObject] = {}
        self.by_name: dict[tuple[type, str], list[ModelObject]] = {}
        for objects in project.by_kind.values():
            for obj in objects:
                if obj.resource is not None:
                    self.by_id[self._key(obj, obj.resource.logical_id)] = obj
                for kind, members in NAME_MEMBERS.items():
                    if isinstance(obj, kind):
                        for member in members:
                            name = literal_str(obj.get(member))
                            if name:
                                self.by_name.setdefault((kind, name), []).append(obj)
        self._objects = [obj for objects in project.by_kind.values() for obj in objects]
        self._referrers: dict[tuple[str, str], list[tuple[ModelObject, Node]]] | None = None
        # What each value resolved to (rules ask again and again: every role about every policy).
        self._targets: dict[tuple[ModelObject, Node | None], ModelObject | None] = {}
        self._tables: dict[str, Any] = {}
        # Every name looked up among the inputs (here and by the linker): what links this project to others.
        self.asked: set[str] = set()

    def table(self, name: str, build: Callable[[], Any]) -> Any:
        """A lookup table that a rule needs for every object it checks, built once per run by ``build``."""
        if name not in self._tables:
            self._tables[name] = build()
        return self._tables[name]

    @staticmethod
    def _key(obj: ModelObject, logical_id: str) -> Key:
        scenario = obj.scenario
        return scope_of(obj), scenario.index if scenario is not None else NO_SCENARIO, logical_id

    def target(self, obj: ModelObject, node: Node | None, *kinds: type) -> ModelObject | None:
        """The object ``node`` (a value of ``obj``) refers to, if it is one of ``kinds`` (any when none)."""
        key = (obj, node)
        if key not in self._targets:
            self._targets[key] = self._target(obj, node)
        found = self._targets[key]
        return found if found is not None and (not kinds or isinstance(found, kinds)) else None

    def _target(self, obj: ModelObject, node: Node | None) -> ModelObject | None:
        logical_id = referenced_id(node)
        if logical_id is not None:
            return self.by_id.get(self._key(obj, logical_id)) or \
                self.by_id.get((scope_of(obj), NO_SCENARIO, logical_id))
        text = literal_str(node)
        if not text:
            return None
        kind, name = arn_name(text)
        self.asked.add(name)
        candidates = [o for (k, n), objs in self.by_name.items() if n == name and (kind is None or k is kind)
                      for o in objs] if name else []
        return candidates[0] if len(candidates) == 1 else None

    def targets(self, obj: ModelObject, node: Node | None, *kinds: type) -> tuple[list[ModelObject], bool]:
        """The objects the items of a list value refer to, and whether every item resolved to one."""
        items = node.elements() if node is not None and node.is_seq else [node] if node is not None else []
        found = [self.target(obj, item, *kinds) for item in items]
        return [f for f in found if f is not None], all(f is not None for f in found)

    def referrers(self, target: ModelObject, *kinds: type) -> list[tuple[ModelObject, Node]]:
        """The objects (of ``kinds``) whose values reference ``target`` by ``Ref`` or ``Fn::GetAtt``, and
        where; only those built under the same scenario as ``target``, or under none."""
        if target.resource is None:
            return []
        if self._referrers is None:
            self._referrers = {}
            for obj in self._objects:
                for node in _values(obj.node):
                    logical_id = referenced_id(node)
                    if logical_id is not None:
                        self._referrers.setdefault((scope_of(obj), logical_id), []).append((obj, node))
        scenario = target.scenario
        found = self._referrers.get((scope_of(target), target.resource.logical_id), [])
        return [(obj, node) for obj, node in found if (not kinds or isinstance(obj, kinds))
                and (scenario is None or obj.scenario is None or obj.scenario.index == scenario.index)]


def scope_of(obj: ModelObject) -> str:
    """Where the references of ``obj`` resolve: its resource's scope (a Terraform module), else its file.
    A container or volume resolves them where its task definition does."""
    resource = obj.resource or getattr(getattr(obj, "task", None), "resource", None)
    return resource.scope if resource is not None and resource.scope is not None else obj.source.path


def _values(node: Node) -> Iterator[Node]:
    """Every value under ``node`` (the node itself included), without recursion."""
    pending = [node]
    while pending:
        current = pending.pop()
        yield current
        if current.is_map:
            pending.extend(current.value.values())
        elif current.is_seq:
            pending.extend(current.value)
