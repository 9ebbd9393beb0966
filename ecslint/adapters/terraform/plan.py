"""Terraform plans (``terraform show -json`` of a saved plan): the fully resolved values of every
resource, in the root module and in the modules it calls, with variables and modules known.

A value the plan knows only after apply (``after_unknown``) is unknown; where the plan's
configuration says what it refers to (``aws_iam_role.task.arn``), it refers to that resource, so
the graph links it. When the ``.tf`` files are beside the plan (the module of each resource found
through ``.terraform/modules/modules.json``, or a local ``source``), findings are placed at the
resource's lines in them: an argument's findings at the argument, others at the resource.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Iterator

from ecslint import observed
from ecslint.adapters.terraform.build import model_objects
from ecslint.adapters.terraform.evaluate import Scope, opaque
from ecslint.adapters.terraform.module import Module, read_text_file
from ecslint.adapters.terraform.specs import RESOURCES
from ecslint.hcl import Block, HclFile, Span
from ecslint.hcl import parse as parse_hcl
from ecslint.model import ModelObject, Source
from ecslint.read import Document, ParseError
from ecslint.tree import Node

MODULES_JSON = (".terraform", "modules", "modules.json")


def _strip_indexes(address: str) -> str:
    """``module.svc["a"].module.db[0]`` -> ``module.svc.module.db``."""
    out, depth = [], 0
    for char in address:
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif depth == 0:
            out.append(char)
    return "".join(out)


def _module_key(module_address: str) -> str:
    """A module address as modules.json keys it: ``module.svc.module.db`` -> ``svc.db``."""
    parts = _strip_indexes(module_address).split(".")
    return ".".join(parts[1::2])


@dataclass
class Configuration:
    """What the plan's ``configuration`` says of one module: each resource's expressions, and the
    local sources of the modules it calls."""

    node: Node | None

    def resource(self, address: str) -> Node | None:
        for item in self.node.at("resources").elements() if self.node is not None and self.node.at("resources") \
                else []:
            if item.is_map and item.get("address") is not None and item.get("address").value == address:
                return item.get("expressions")
        return None

    def call(self, name: str) -> Configuration:
        call = self.node.at("module_calls", name) if self.node is not None else None
        return Configuration(call.get("module") if call is not None else None)

    def source(self, name: str) -> str | None:
        source = self.node.at("module_calls", name, "source") if self.node is not None else None
        return source.value if source is not None and isinstance(source.value, str) else None


@dataclass
class Locator:
    """The ``.tf`` blocks of the resources of a plan, when the configuration is beside it."""

    directory: str
    configuration: Configuration
    modules: dict[str, str] = field(default_factory=dict)  # modules.json key -> directory
    files: dict[str, list[HclFile]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        text = read_text_file(os.path.join(self.directory, *MODULES_JSON))
        try:
            listed = json.loads(text).get("Modules", []) if text else []
        except (ValueError, AttributeError):
            listed = []
        for item in listed if isinstance(listed, list) else []:
            if isinstance(item, dict) and isinstance(item.get("Key"), str) and isinstance(item.get("Dir"), str):
                self.modules[item["Key"]] = item["Dir"]

    def module_directory(self, module_address: str) -> str | None:
        key = _module_key(module_address) if module_address else ""
        if key in self.modules:
            return os.path.normpath(os.path.join(self.directory, self.modules[key]))
        if not key:
            return self.directory
        directory, configuration = self.directory, self.configuration
        for name in key.split("."):  # follow local sources of the module calls
            source = configuration.source(name)
            if source is None or not source.startswith(("./", "../")):
                return None
            directory, configuration = os.path.normpath(os.path.join(directory, source)), configuration.call(name)
        return directory

    def block(self, module_address: str, kind: str, name: str) -> tuple[HclFile, Block] | None:
        directory = self.module_directory(module_address)
        if directory is None:
            return None
        if directory not in self.files:
            self.files[directory] = list(_tf_files(directory))
        for hcl in self.files[directory]:
            for block in hcl.body.blocks_of("resource"):
                if block.labels == [kind, name]:
                    return hcl, block
        return None


def _tf_files(directory: str) -> Iterator[HclFile]:
    try:
        names = observed.listdir(directory or ".")
    except OSError:
        return
    for name in names:
        if name.endswith(".tf"):
            path = os.path.join(directory, name) if directory not in ("", ".") else name
            text = read_text_file(path)
            if text is not None:
                try:
                    yield parse_hcl(text, path)
                except ParseError:
                    continue


def _modules(root: Node, configuration: Configuration) -> Iterator[tuple[str, Node, Configuration]]:
    """Each module of the plan's planned values: its address, its node, its configuration."""
    pending = [(root.at("planned_values", "root_module"), configuration)]
    while pending:
        module, config = pending.pop()
        if module is None or not module.is_map:
            continue
        address = module.get("address")
        yield (address.value if address is not None and isinstance(address.value, str) else ""), module, config
        for child in module.at("child_modules").elements() if module.at("child_modules") is not None else []:
            child_address = child.get("address")
            name = _module_key(child_address.value).rsplit(".", 1)[-1] if child_address is not None and \
                isinstance(child_address.value, str) else ""
            pending.append((child, config.call(name)))


def _after_unknown(root: Node) -> dict[str, Node]:
    """Each resource's ``after_unknown``: which of its values are known only after apply."""
    found = {}
    for change in root.at("resource_changes").elements() if root.at("resource_changes") is not None else []:
        address, unknown = change.get("address"), change.at("change", "after_unknown")
        if address is not None and isinstance(address.value, str) and unknown is not None:
            found[address.value] = unknown
    return found


def _references(expressions: Node | None, name: str) -> list[str]:
    refs = expressions.at(name, "references") if expressions is not None else None
    return [r.value for r in refs.elements() if isinstance(r.value, str)] if refs is not None else []


def _refers_to(references: list[str]) -> str | None:
    """The resource a value refers to: ``aws_iam_role.task`` of ``["aws_iam_role.task.arn", "aws_iam_role.task"]``."""
    for reference in references:
        parts = _strip_indexes(reference).split(".")
        if len(parts) >= 2 and parts[0] not in ("var", "local", "module", "data", "path", "count", "each", "self"):
            return f"{parts[0]}.{parts[1]}"
    return None


def _mark_unknown(values: Node, unknown: Node | None, expressions: Node | None, address: str) -> None:
    """Put an opaque value wherever the plan knows a value only after apply."""
    if unknown is None or not unknown.is_map:
        return
    for name, flag in unknown.items():
        current = values.get(name)
        if flag.value is True:
            references = _references(expressions, name)
            text = " ".join(references) if references else f"{address}.{name}"
            at = current or values
            values.value[name] = Node(opaque(f"plan:{text}", _refers_to(references), references[0] if references
                                             else "(known after apply)"), at.line, at.col, at.end_line,
                                      at.end_col, None, None, at.file)
            if values.keys is not None and name not in values.keys:
                values.keys[name] = values.value[name]
        elif current is not None and (flag.is_map or flag.is_seq):
            items = list(zip(current.elements(), flag.elements())) if flag.is_seq else [(current, flag)]
            for item, inner in items:
                if item.is_map:
                    _mark_unknown(item, inner, None, address)


def _placed(node: Node, span: Span, path: str) -> None:
    """Every node under ``node`` at ``span`` of ``path``."""
    pending = [node]
    while pending:
        current = pending.pop()
        current.line, current.col, current.end_line, current.end_col = span.line, span.col, span.end_line, span.end_col
        current.file = path
        if current.is_map:
            pending.extend(current.value.values())
            pending.extend((current.keys or {}).values())
        elif current.is_seq:
            pending.extend(current.value)


def _relocate(values: Node, hcl: HclFile, block: Block) -> None:
    """A resource's plan values at its ``.tf`` block: each argument at the argument, the rest at the block."""
    head = block.head
    for name, value in values.items():
        attribute = block.body.attributes.get(name)
        blocks = block.body.blocks_of(name)
        if attribute is not None:
            _placed(value, attribute.expr.span, hcl.path)
        elif blocks and value.is_seq:
            for index, item in enumerate(value.value):
                _placed(item, blocks[min(index, len(blocks) - 1)].span, hcl.path)
        else:
            _placed(value, head, hcl.path)
        key = values.keys.get(name) if values.keys else None
        if key is not None and key is not value:
            _placed(key, attribute.key if attribute is not None else head, hcl.path)
    values.line, values.col, values.end_line, values.end_col, values.file = \
        block.span.line, block.span.col, block.span.end_line, block.span.end_col, hcl.path


@dataclass
class PlanResult:
    objects: list[ModelObject]
    tf_files: list[HclFile]


def plan_objects(root: Node, document: Document, source: Source) -> PlanResult:
    """The model objects of the managed resources of a plan."""
    configuration = Configuration(root.at("configuration", "root_module"))
    locator = Locator(os.path.dirname(document.path) or ".", configuration)
    unknowns = _after_unknown(root)
    made: list[ModelObject] = []
    used: dict[str, HclFile] = {}
    module = Module(locator.directory, [], [])
    for module_address, module_node, config in _modules(root, configuration):
        for resource in module_node.at("resources").elements() if module_node.at("resources") is not None else []:
            kind, name, mode = (resource.get(k) for k in ("type", "name", "mode"))
            values = resource.get("values")
            if kind is None or kind.value not in RESOURCES or name is None or not isinstance(name.value, str) or \
                    (mode is not None and mode.value != "managed") or values is None or not values.is_map:
                continue
            address = resource.get("address")
            full = address.value if address is not None and isinstance(address.value, str) else \
                f"{kind.value}.{name.value}"
            local = f"{kind.value}.{name.value}"
            _mark_unknown(values, unknowns.get(full), config.resource(local), full)
            if values.get("tags_all") is not None:  # the tags AWS gives it, the provider's default tags included
                values.value["tags"] = values.value["tags_all"]
            found = locator.block(module_address, kind.value, name.value)
            resource_node = Node({"Type": kind}, resource.line, resource.col, resource.end_line, resource.end_col,
                                 {"Type": kind})
            if found is not None:
                hcl, block = found
                _relocate(values, hcl, block)
                _placed(resource_node, block.head, hcl.path)
                used[hcl.path] = hcl
            scope = Scope(module, document.path, document.path)
            made.extend(model_objects(kind.value, values, resource_node, source,
                                      f"{document.path}#{_strip_indexes(module_address)}", local, full, scope))
    return PlanResult(made, list(used.values()))
