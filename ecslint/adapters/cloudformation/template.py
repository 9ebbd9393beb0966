"""One CloudFormation template: its parameters, mappings and conditions, and the model objects of
its resources under each scenario of its conditions."""

from __future__ import annotations

from ecslint.adapters.cloudformation.validate import validate

from ecslint.adapters.cloudformation import resources_of
from ecslint.adapters.cloudformation.conditions import Conditions, scenarios
from ecslint.adapters.cloudformation.intrinsics import Resolver
from ecslint.adapters.cloudformation.names import CloudFormationNaming, canonical
from ecslint.adapters.cloudformation.resources import BUILDERS
from ecslint.model import Declarations, ModelObject, Resource, Scenario, Source
from ecslint.read import Document
from ecslint.tree import Node

CDK_PATH = "aws:cdk:path"
SAM = "AWS::Serverless-2016-10-31"


def _mapping(node: Node | None) -> dict[str, Node]:
    return dict(node.value) if node is not None and node.is_map else {}


def _cdk_path(resource: Node) -> str | None:
    """The CDK construct path of a synthesized resource, without CDK's trailing ``/Resource``."""
    metadata = resource.get("Metadata")
    path = metadata.get(CDK_PATH) if metadata is not None else None
    return path.value.removesuffix("/Resource") if path is not None and isinstance(path.value, str) else None


class Template:
    """A parsed template, ready to give its model objects."""

    def __init__(self, root: Node, document: Document, given: dict[str, str]) -> None:
        self.root = root
        self.source = Source(document.path, document.fmt, CloudFormationNaming(document.fmt), validate)
        self.parameters = {name: node for name, node in _mapping(root.get("Parameters")).items() if node.is_map}
        self.values: dict[str, Node | None] = {}
        for name, definition in self.parameters.items():
            if name in given:
                self.values[name] = Node(given[name], definition.line, definition.col, definition.end_line,
                                         definition.end_col)
            else:
                self.values[name] = definition.get("Default")
        self.types = {name: str(d.get("Type").value) for name, d in self.parameters.items() if d.get("Type")}
        self.resources = {name: node for name, node in _mapping(resources_of(root)).items() if node.is_map}
        self.conditions = Conditions(root.get("Conditions"), self.parameters, given)
        self.declared = _declarations(root, self.resources, self.parameters)

    def _parameters(self, scenario: dict[str, str | None]) -> dict[str, Node | None]:
        """The parameter values under a scenario: those its conditions fix (None when it fixes one to a
        value that is none of those compared: unknown), else the user's value or the default."""
        values = dict(self.values)
        for name, value in scenario.items():
            if name in self.parameters:
                where = self.parameters[name]
                values[name] = None if value is None else Node(value, where.line, where.col, where.end_line,
                                                                where.end_col)
        return values

    def modeled(self) -> list[tuple[str, str, Node]]:
        """The resources ecslint models: (logical id, type, node)."""
        found = []
        for name, node in self.resources.items():
            kind = node.get("Type")
            if kind is not None and isinstance(kind.value, str) and kind.value in BUILDERS:
                found.append((name, kind.value, node))
        return found

    def objects(self) -> list[ModelObject]:
        """The model objects of the modeled resources: once for each scenario of the conditions they use
        (or of the parameters those conditions fix), and once, with no scenario, for the others."""
        modeled = self.modeled()
        used = self.conditions.referenced([node for _, _, node in modeled])
        combinations = scenarios(self.conditions, used)
        every = [values for values, _ in combinations]
        fixed = {name for _, parameters in combinations for name in parameters}
        constant = [r for r in modeled if not self.conditions.referenced([r[2]]) and not _names_used(r[2]) & fixed]
        objects = self._build([r for r in modeled if r not in constant], combinations, every)
        return objects + self._build(constant, [({}, {})], [{}])

    def _build(self, resources: list[tuple[str, str, Node]], combinations: list, every: list) -> list[ModelObject]:
        objects: list[ModelObject] = []
        for index, (values, parameters) in enumerate(combinations if resources else []):
            scenario = Scenario(values, index, every) if len(combinations) > 1 else None
            resolver = Resolver(self._parameters(parameters), values.get, self.root.get("Mappings"),
                                set(self.resources), self.types)
            for name, type_name, node in resources:
                condition = node.get("Condition")
                if condition is not None and isinstance(condition.value, str) and values.get(condition.value) is False:
                    continue  # the resource is not created in this scenario
                properties = node.get("Properties")
                resolved = resolver.resolve(properties) if properties is not None else None
                if not isinstance(resolved, Node):
                    resolved = Node({}, node.line, node.col, node.line, node.col, {})
                resource = Resource(name, type_name, node, resolved, _cdk_path(node), scenario,
                                    declared=self.declared)
                model_node = canonical(type_name, resolved) if resolved.is_map else \
                    Node({}, resolved.line, resolved.col, resolved.line, resolved.col, {})
                objects.append(BUILDERS[type_name](model_node, self.source, resource))
        return objects


def _declarations(root: Node, resources: dict[str, Node], parameters: dict[str, Node]) -> Declarations | None:
    """What the template's references may name; None when that is not known: a fragment (a Copilot override,
    whose references are the template's it is merged into), or a template that a transform other than SAM's
    (``AWS::LanguageExtensions``' ``Fn::ForEach``, ``AWS::Include``, a macro) may add resources to."""
    section = root.get("Resources")
    transform = root.get("Transform")
    names = [] if transform is None else transform.elements() if transform.is_seq else [transform]
    if section is None or not section.is_map or any(name.value != SAM for name in names) or \
            any(key.startswith("Fn::") for key in (*section.value, *root.value)):
        return None
    # What SAM and modules make from a resource's logical id, and SAM's implicit APIs (ServerlessRestApi...).
    types = {name: node.get("Type").value for name, node in resources.items()
             if node.get("Type") is not None and isinstance(node.get("Type").value, str)}
    generated = [name for name, kind in types.items()
                 if kind.startswith("AWS::Serverless::") or kind.endswith("::MODULE")]
    return Declarations(frozenset(section.value), frozenset(parameters),
                        tuple(generated) + (("Serverless",) if names else ()))


def _names_used(node: Node) -> set[str]:
    """The names a subtree refers to: ``Ref`` targets and ``${Name}`` of ``Fn::Sub`` strings."""
    found: set[str] = set()
    pending = [node]
    while pending:
        current = pending.pop()
        if current.is_map:
            ref = current.get("Ref") if len(current.value) == 1 else None
            if ref is not None and isinstance(ref.value, str):
                found.add(ref.value)
            pending.extend(current.value.values())
        elif current.is_seq:
            pending.extend(current.value)
        elif isinstance(current.value, str) and "${" in current.value:
            found.update(part.split("}", 1)[0].split(".", 1)[0] for part in current.value.split("${")[1:])
    return found
