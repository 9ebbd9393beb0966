"""A Terraform resource block to the properties CloudFormation would give the same resource
(:mod:`ecslint.adapters.terraform.specs`), its arguments evaluated in its module."""

from __future__ import annotations

import base64
from typing import Callable

from ecslint.adapters.api_case import api_cased, task_definition_schema
from ecslint.adapters.terraform.documents import decode_json
from ecslint.adapters.terraform.evaluate import BASE64_TAG, Scope, evaluate, is_known, node_at, opaque, text_of
from ecslint.adapters.terraform.specs import CONTAINERS, JSON, Field, Spec
from ecslint.hcl import Block, Body, Span
from ecslint.model.values import is_templated
from ecslint.tree import Node

# Arguments of every resource that say how Terraform manages it, not what it is.
META_ARGUMENTS = frozenset({"count", "for_each", "depends_on", "lifecycle", "provider", "provisioner", "connection"})
# Security group rule sources: the Terraform argument (a list) and the property of each rule it makes.
RULE_SOURCES = {"cidr_blocks": "CidrIp", "ipv6_cidr_blocks": "CidrIpv6", "prefix_list_ids": "SourcePrefixListId"}


def _enabled(value: Node, scope: Scope) -> Node:
    """``assign_public_ip = true`` as the API's ``ENABLED``."""
    flag = value.value if isinstance(value.value, bool) else {"true": True, "false": False}.get(str(value.value))
    if flag is None or not is_known(value):
        return value
    return Node("ENABLED" if flag else "DISABLED", value.line, value.col, value.end_line, value.end_col, None, None,
                value.file)


def _scheme(value: Node, scope: Scope) -> Node:
    """``internal = true`` as a load balancer's ``Scheme``."""
    flag = value.value if isinstance(value.value, bool) else None
    if flag is None:
        return value
    return Node("internal" if flag else "internet-facing", value.line, value.col, value.end_line, value.end_col,
                None, None, value.file)


def _map_as_list(value: Node, name: str, at_key: bool) -> Node:
    """A map as a list of ``{<name>, Value}`` entries, each starting at its value (or, ``at_key``, at its key)."""
    if not value.is_map:
        return value
    items = []
    for key, item in value.items():
        key_node = value.keys[key] if value.keys and key in value.keys else item
        start = key_node if at_key else item
        items.append(Node({name: _like(key_node, key), "Value": item}, start.line, start.col, item.end_line,
                          item.end_col, {name: key_node, "Value": item}, None, item.file))
    return Node(items, value.line, value.col, value.end_line, value.end_col, None, None, value.file)


def _pairs(value: Node, scope: Scope) -> Node:
    """A map as a list of ``{Name, Value}``."""
    return _map_as_list(value, "Name", at_key=False)


def _tags(value: Node, scope: Scope) -> Node:
    """A map of tags as a list of ``{Key, Value}``, as CloudFormation writes them."""
    return _map_as_list(value, "Key", at_key=True)


def _list(value: Node, scope: Scope) -> Node:
    return value if value.is_seq or not is_known(value) else \
        Node([value], value.line, value.col, value.end_line, value.end_col, None, None, value.file)


def _base64(value: Node, scope: Scope) -> Node:
    """User data that Terraform passes on base64-encoded, as its text: ``base64encode(...)`` of a known
    text, or a literal in base64; anything else as it is."""
    if value.tag == BASE64_TAG:
        return Node(value.value, value.line, value.col, value.end_line, value.end_col, None, None, value.file)
    if isinstance(value.value, str) and value.tag is None and not is_templated(value.value):
        try:
            text = base64.b64decode(value.value, validate=True).decode("utf-8")
        except ValueError:
            return value
        return Node(text, value.line, value.col, value.end_line, value.end_col, None, None, value.file)
    return value


def _json(value: Node, scope: Scope) -> Node:
    decoded = decode_json(value)
    return decoded if decoded is not None else value


def _containers(value: Node, scope: Scope) -> Node:
    """Container definitions, their keys in the ECS API's case: the AWS provider decodes them with Go's
    JSON decoder, which matches keys whatever their case (``memoryreservation`` is ``memoryReservation``)."""
    decoded = _json(value, scope)
    if decoded.is_seq:
        schema = task_definition_schema()
        for item in decoded.value:
            api_cased(item, schema["$defs"]["ContainerDefinition"])
    return decoded


def _like(node: Node, value: object) -> Node:
    return Node(value, node.line, node.col, node.end_line, node.end_col, None, None, node.file)


CONVERTERS: dict[str, Callable[[Node, Scope], Node]] = {
    JSON: _json, CONTAINERS: _containers, "base64": _base64, "enabled": _enabled, "scheme": _scheme,
    "pairs": _pairs, "list": _list, "tags": _tags,
}


class Members:
    """A mapping being built, with nested paths (``DeploymentConfiguration.MaximumPercent``)."""

    def __init__(self, at: Node) -> None:
        self.node = Node({}, at.line, at.col, at.end_line, at.end_col, {}, None, at.file)

    def put(self, path: str, value: Node, key: Node) -> None:
        target = self.node
        *parents, last = path.split(".")
        for name in parents:
            child = target.value.get(name)
            if child is None or not child.is_map:  # a property Terraform flattens: at the block it is in,
                at = self.node                     # with no name of its own (its key holds None)
                child = Node({}, at.line, at.col, at.end_line, at.end_col, {}, None, at.file)
                target.value[name] = child
                unnamed = Node(None, at.line, at.col, at.end_line, at.end_col, None, None, at.file)
                target.keys[name] = unnamed  # type: ignore[index]
            target = child
        target.value[last] = value
        target.keys[last] = key  # type: ignore[index]

    def has(self, path: str) -> bool:
        node: Node | None = self.node
        for name in path.split("."):
            node = node.get(name) if node is not None else None
        return node is not None

    def append(self, path: str, item: Node, key: Node) -> None:
        *parents, last = path.split(".")
        target = self.node
        for name in parents:
            target = target.value.get(name) or target
        existing = target.value.get(last)
        if existing is not None and existing.is_seq:
            existing.value.append(item)
        else:
            self.put(path, Node([item], item.line, item.col, item.end_line, item.end_col, None, None, item.file), key)


def values_of(body: Body, span: Span, scope: Scope) -> Node:
    """A block's arguments evaluated, and its nested blocks as lists of the same: the shape of a
    resource's values in a plan, so both are converted alike. A ``dynamic`` block makes one item for
    each element of its collection when the collection is known; when it is not, how many blocks of
    that type there are is unknown, and so is the whole list."""
    node = node_at(span, {}, scope, {})
    for name, attribute in body.attributes.items():
        if name not in META_ARGUMENTS:
            node.value[name] = evaluate(attribute.expr, scope)
            node.keys[name] = node_at(attribute.key, name, scope)  # type: ignore[index]
    unknown_kinds: set[str] = set()
    for child in body.blocks:
        kind = child.labels[0] if child.type == "dynamic" and child.labels else child.type
        if kind in META_ARGUMENTS:
            continue
        items = _block_items(child, scope)
        if items is None:
            unknown_kinds.add(kind)
            node.value[kind] = node_at(child.span, opaque(f"dynamic:{kind}", None, f'dynamic "{kind}"'), scope)
            node.keys[kind] = node_at(child.head, kind, scope)  # type: ignore[index]
            continue
        if kind in unknown_kinds or not items:
            continue
        existing = node.value.get(kind)
        if existing is None:
            node.value[kind] = node_at(child.span, items, scope)
            node.keys[kind] = node_at(child.head, kind, scope)  # type: ignore[index]
        else:
            existing.value.extend(items)
    return node


def _block_items(child: Block, scope: Scope) -> list[Node] | None:
    """The items a nested block makes: itself; for a ``dynamic`` block, its ``content`` once for each
    element of its collection, with the iterator bound (None when the collection is unknown)."""
    if child.type != "dynamic":
        return [values_of(child.body, child.span, scope)]
    content = next(iter(child.body.blocks_of("content")), None)
    for_each = child.body.attributes.get("for_each")
    if content is None or for_each is None:
        return []
    collection = evaluate(for_each.expr, scope)
    if not is_known(collection) or not (collection.is_seq or collection.is_map):
        return None
    iterator = child.body.attributes.get("iterator")
    name = iterator.expr.text if iterator is not None else (child.labels[0] if child.labels else "")
    pairs = list(collection.items()) if collection.is_map else list(enumerate(collection.value))
    made = []
    for key, value in pairs:
        element = node_at(content.span, {"key": node_at(content.span, key, scope), "value": value}, scope)
        made.append(values_of(content.body, content.span, scope.binding({name: element})))
    return made


def convert(values: Node, spec: Spec, scope: Scope) -> Node:
    """A resource's (or block's) values as CloudFormation properties; null is absent, as in Terraform."""
    members = Members(values)
    for name, value in values.items():
        field = spec.get(name)
        if field is None or value.value is None:
            continue
        key = values.keys[name] if values.keys and name in values.keys else value
        if field.spec is None:
            members.put(field.cfn, CONVERTERS[field.convert](value, scope) if field.convert in CONVERTERS else value,
                        key)
            continue
        if not is_known(value):  # a block whose content is unknown (a plan's unknown value)
            members.put(field.cfn, value, key)
            continue
        for item in value.elements() if value.is_seq else [value] if value.is_map else []:
            for made in _items(item, field, scope):
                if field.cfn == "":  # the block's arguments belong to the resource itself
                    for member, inner in made.items():
                        written = made.keys[member] if made.keys else inner
                        members.put(member, inner, Node(f"{name}.{written.value}", written.line, written.col,
                                                        written.end_line, written.end_col, None, None, written.file))
                elif field.many:
                    members.append(field.cfn, made, key)
                elif not members.has(field.cfn):  # a block that may be given once: the first counts
                    members.put(field.cfn, made, key)
    return members.node


def _items(values: Node, field: Field, scope: Scope) -> list[Node]:
    """The objects one block makes: one, or for a security group rule, one per source."""
    item = convert(values, field.spec or {}, scope)
    if field.convert not in ("ingress", "egress"):
        return [item]
    return rule_items(values, item, field.convert == "egress")


def rule_items(values: Node, item: Node, egress: bool) -> list[Node]:
    """A Terraform security group rule as CloudFormation's rules: one for each CIDR block, prefix
    list and security group it names (a list that is unknown makes one rule whose source is unknown)."""
    made: list[Node] = []
    group_key = "DestinationSecurityGroupId" if egress else "SourceSecurityGroupId"
    sources = [(prop, values.get(name)) for name, prop in RULE_SOURCES.items()]
    sources += [(group_key, values.get(name)) for name in ("security_groups", "source_security_group_id")]
    own = values.get("self")
    if own is not None and own.value is True:
        sources.append((group_key, own))
    for prop, given in sources:
        if given is None or given.value is None:
            continue
        for value in given.value if given.is_seq else [given]:
            copy = Node(dict(item.value), item.line, item.col, item.end_line, item.end_col, dict(item.keys or {}),
                        None, item.file)
            copy.value[prop] = value
            copy.keys[prop] = value  # type: ignore[index]
            made.append(copy)
    return made or [item]


def count_is_zero(block: Block, scope: Scope) -> bool:
    """A resource whose ``count`` is known to be 0 (or whose ``for_each`` is known to be empty) is not created."""
    count = block.body.attributes.get("count")
    if count is not None:
        value = evaluate(count.expr, scope)
        if is_known(value) and text_of(value) in ("0", "false"):
            return True
    for_each = block.body.attributes.get("for_each")
    if for_each is not None:
        value = evaluate(for_each.expr, scope)
        return is_known(value) and (value.is_seq or value.is_map) and not value.value
    return False
