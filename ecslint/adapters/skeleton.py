"""The AWS CLI's ``--generate-cli-skeleton`` output, as people commit it to fill in later: every member
of the input present, with a value the CLI made up (``""``, ``0``, ``true``, one of the member's
allowed values, ``{"KeyName": ""}``). Such a file is recognised by how many of its values are empty,
and only the values filled in are checked: the made-up ones are left out (the names that identify an
object, such as ``family`` or a container's ``name``, become unknown)."""

from __future__ import annotations

from typing import Any

from ecslint.model.values import Unresolved
from ecslint.tree import Node

# A document is a skeleton when at least this many of its values are empty ("" or 0)...
MIN_EMPTY = 12
# ... and they are at least this share of all its scalar values.
MIN_EMPTY_SHARE = 0.4
# The key the CLI gives the one entry of a map it makes up.
MAP_KEY = "KeyName"
# Members that name what they are part of: left unknown, not out, when the CLI made them up.
IDENTIFYING = frozenset({"family", "containerDefinitions", "name", "image", "serviceName", "service", "clusterName"})
_REMOVED = object()


def _scalars(node: Node) -> list[Any]:
    if node.is_map:
        return [value for child in node.value.values() for value in _scalars(child)]
    if node.is_seq:
        return [value for child in node.value for value in _scalars(child)]
    return [node.value]


def is_skeleton(root: Node) -> bool:
    """Whether ``root`` looks like ``--generate-cli-skeleton`` output: mostly empty values."""
    values = _scalars(root)
    empty = sum(1 for value in values if value == "" or (value == 0 and not isinstance(value, bool)))
    return empty >= MIN_EMPTY and empty >= MIN_EMPTY_SHARE * len(values)


def _made_up(node: Node, schema: dict[str, Any]) -> bool:
    """A scalar the CLI puts in a skeleton for this member."""
    value = node.value
    if isinstance(value, bool):
        return value is True
    if isinstance(value, (int, float)):
        return value == 0
    if isinstance(value, str):
        return value == "" or value in schema.get("enum", ()) or value.startswith("1970-01-01")
    return False


def _resolve(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in schema:
        return root["$defs"].get(schema["$ref"].rsplit("/", 1)[-1], {})
    return schema


def _cleaned(node: Node, schema: dict[str, Any], root: dict[str, Any]) -> Any:
    """``node`` without what the CLI made up, in place; ``_REMOVED`` when nothing of it is filled in."""
    schema = _resolve(schema, root)
    if node.is_map:
        properties = schema.get("properties")
        for key in list(node.value):
            if key == MAP_KEY and properties is None:
                kept = _REMOVED
            else:
                kept = _cleaned(node.value[key], (properties or {}).get(key, {}), root)
            if kept is _REMOVED:
                if key in IDENTIFYING:
                    child = node.value[key]
                    node.value[key] = Node(Unresolved({"skeleton": key}, None, "(not filled in)"), child.line,
                                           child.col, child.end_line, child.end_col)
                    continue
                del node.value[key]
                if node.keys is not None:
                    node.keys.pop(key, None)
        return node if any(not isinstance(v.value, Unresolved) for v in node.value.values()) else _REMOVED
    if node.is_seq:
        node.value = [item for item in node.value if _cleaned(item, schema.get("items", {}), root) is not _REMOVED]
        return node if node.value else _REMOVED
    return _REMOVED if _made_up(node, schema) else node


def fill_in(root: Node, kind: str) -> None:
    """Leave out, in place, every value of the skeleton ``root`` that the CLI made up, by the schema
    generated from the API model of what it is the input of (``task-definition``, ``service``, ``cluster``)."""
    from ecslint.resources import read_schema

    schema = read_schema(f"generated/{kind}.schema.json")
    _cleaned(root, schema, schema)
