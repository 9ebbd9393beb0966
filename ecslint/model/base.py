"""What every model object has: its canonical node, the file and format it came from, and how
that format names its fields, so messages speak the input's own language."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Generic, Iterable, TypeVar

from ecslint.model.values import literal_str
from ecslint.tree import Node, as_int, as_str

if TYPE_CHECKING:
    from ecslint.findings import Validation


class Naming:
    """How a format spells the model's fields, and what it gives those it leaves out. This one is the
    ECS API's own spelling (camelCase, as in ``register-task-definition``): the canonical names,
    unchanged; its defaults are AWS's, which the model's rules know."""

    defaults: ClassVar[dict[tuple[str, str], Any]] = {}  # (kind, member) -> what the format sets when it is left out

    def term(self, obj: ModelObject, path: str) -> str:
        """The name of the member at ``path`` (dotted canonical names) of ``obj``, as the format spells it."""
        return path

    def default(self, obj: ModelObject, path: str) -> Any:
        """What the format sets the member at ``path`` of ``obj`` to when it leaves it out, where that
        differs from what an API call without it gets (Terraform's ``desired_count`` is 0); None: nothing."""
        return self.defaults.get((type(obj).__name__, path))

    def assignment(self, name: str, value: Any) -> str:
        """How to write ``name: value`` in the format, for advice in messages."""
        return f"{json.dumps(name)}: {json.dumps(value)}"


API_NAMING = Naming()


@dataclass(eq=False)
class Source:
    """A file the model came from, as the user named it; how its format names fields, and how it
    checks an object's structure (None: against the ECS API's schemas). ``file``: where it was read
    on disk (None for standard input); ``context``: the file is read for what it tells about the
    others, and its own findings are not reported."""

    path: str
    fmt: str
    naming: Naming = API_NAMING
    validator: Callable[[ModelObject], Validation] | None = None
    file: str | None = None
    context: bool = False


@dataclass(eq=False)
class Scenario:
    """One combination of a template's conditions (``{"IsProd": True, "UseEfs": False}``; None: not
    decided), under which its ``Fn::If`` took the branches the model objects were built from.
    ``all`` holds every combination of the template, ``index`` this one's place among them."""

    conditions: dict[str, bool | None]
    index: int
    all: list[dict[str, bool | None]]

    def describe(self, indexes: set[int]) -> str | None:
        """When a finding made in the scenarios ``indexes`` holds: None in all of them, else
        ``when condition IsProd is true`` (or the conditions that together say it)."""
        if len(indexes) == len(self.all):
            return None
        names = [n for n in self.all[0] if len({self.all[i][n] for i in indexes}) == 1
                 and self.all[next(iter(indexes))][n] is not None]
        value = {n: self.all[next(iter(indexes))][n] for n in names}
        for subset in [[n] for n in names] + [names]:
            if subset and {i for i, s in enumerate(self.all) if all(s[n] == value[n] for n in subset)} == indexes:
                return "when " + " and ".join(f"condition {n} is {str(value[n]).lower()}" for n in subset)
        return "in some combinations of the template's conditions"


@dataclass(frozen=True, eq=False)
class Declarations:
    """The names a template declares, which its references (``Ref``, ``Fn::GetAtt``, ``${Name}`` of
    ``Fn::Sub``, ``DependsOn``) may name: its resources and parameters, the pseudo parameters
    (``AWS::Region``...), and the logical ids a transform makes from a resource's (``generated``: SAM
    makes ``ApiFunctionRole`` for the function ``ApiFunction``)."""

    resources: frozenset[str]
    parameters: frozenset[str]
    generated: tuple[str, ...] = ()

    def resource(self, name: str) -> bool:
        """Whether ``name`` is (or may be) a resource of the template."""
        return name in self.resources or name.startswith(self.generated)

    def value(self, name: str) -> bool:
        """Whether ``Ref`` may name ``name``: a resource, a parameter or a pseudo parameter."""
        return self.resource(name) or name in self.parameters or name.startswith("AWS::")


@dataclass(eq=False)
class Resource:
    """The template (or Terraform) resource a model object was adapted from.

    ``scope`` is where references to its ``logical_id`` resolve: its template (the default), or the
    Terraform module (directory) it is declared in. ``address`` is how a format that names resources
    by address names it (``aws_ecs_task_definition.app``). ``declared``: what the references of its
    template may name; None when that is not known (a fragment, a template a macro transforms)."""

    logical_id: str
    type: str
    node: Node  # the resource's own mapping (Type, Properties, Metadata, DependsOn...)
    properties: Node | None = None  # its Properties, functions resolved, as the template spells them
    cdk_path: str | None = None
    scenario: Scenario | None = None
    scope: str | None = None
    address: str | None = None
    declared: Declarations | None = None

    @property
    def label(self) -> str:
        """``TaskDefinition 'WebTask'``, with the CDK construct path when the template has one;
        ``aws_ecs_task_definition.app`` for a resource with an address."""
        if self.address is not None:
            return self.address
        kind = self.type.rsplit("::", 1)[-1]
        where = f" ({self.cdk_path})" if self.cdk_path else ""
        return f"{kind} '{self.logical_id}'{where}"


@dataclass(eq=False)
class ModelObject:
    """A model object: a canonical mapping node, the file it came from and, for a template
    resource, the resource."""

    node: Node
    source: Source
    resource: Resource | None = field(default=None, kw_only=True)

    def get(self, name: str) -> Node | None:
        return self.node.get(name)

    def at(self, *path: str | int) -> Node | None:
        return self.node.at(*path)

    def str(self, *path: str | int) -> str | None:
        return as_str(self.node.at(*path))

    def int(self, *path: str | int) -> int | None:
        return as_int(self.node.at(*path))

    def key(self, name: str) -> Node:
        """Where a member is (its key), or the object itself when the member is absent."""
        return self.node.key_node(name) or self.node

    def list(self, name: str) -> list[Node]:
        node = self.node.get(name)
        return node.elements() if node is not None else []

    def term(self, path: str, within: str = "") -> str:
        """How the object's format names the member at ``path`` (``healthCheck.interval`` is
        ``HealthCheck.Interval`` in a template); with ``within`` (a member, or a list of objects),
        the member at ``path`` inside it: ``term("containerPort", within="portMappings")``."""
        if not within:
            return self.source.naming.term(self, path)
        names = self.source.naming.term(self, f"{within}.{path}").split(".")
        inner = names[len(within.split(".")):]
        return ".".join(inner) if inner else ".".join(names)  # (a format may name both in one word)

    def term_path(self, path: list[str | int], within: str = "") -> str:
        """A path of members and list indices as the format names it: ``containerDefinitions[0].cpu``
        is ``ContainerDefinitions[0].Cpu`` in a template."""
        names = [step for step in path if isinstance(step, str)]
        spelled = iter(self.term(".".join(names), within).split(".")) if names else iter(())
        steps = [next(spelled) if isinstance(step, str) else step for step in path]
        return "".join(f"[{s}]" if isinstance(s, int) else f".{s}" for s in steps).lstrip(".")

    def setting(self, path: str, value: Any, within: str = "") -> str:
        """``"networkMode": "awsvpc"`` (or ``NetworkMode: awsvpc`` in a template), for advice."""
        return self.source.naming.assignment(self.term(path, within), value)

    @property
    def scenario(self) -> Scenario | None:
        """The combination of template conditions the object was built under (None: the only one)."""
        return self.resource.scenario if self.resource is not None else None

    @property
    def label(self) -> str:
        """How messages name the object: the template resource, or the object's own name."""
        return self.resource.label if self.resource is not None else self.own_label

    @property
    def own_label(self) -> str:
        return f"the {type(self).__name__}"


Named = TypeVar("Named", bound=ModelObject)


class ByName(Generic[Named]):
    """Containers or volumes by name (the first of each name), built once, so that a rule that
    looks names up stays linear in the number of them.

    ``open`` is true when a name is not written out (a template placeholder, a value computed by a
    template function), or when the list itself is (``opened``): a name not found here may still be there.
    """

    LISTED = 8  # names a message lists

    def __init__(self, objects: Iterable[Named], opened: bool = False) -> None:
        self.first: dict[str, Named] = {}
        self.open = opened
        for obj in objects:
            node = obj.get("name")
            name = literal_str(node)
            if name:
                self.first.setdefault(name, obj)
            elif node is not None and node.value not in (None, ""):
                self.open = True

    def get(self, name: str) -> Named | None:
        return self.first.get(name)

    def listing(self) -> str:
        """The names for a message: ``'web', 'log'`` (the first few, then how many more); ``none``."""
        names = [f"'{name}'" for name in list(self.first)[: self.LISTED]]
        more = len(self.first) - len(names)
        return ", ".join(names) + (f" and {more} more" if more else "") if names else "none"
