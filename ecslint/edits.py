"""Edits that repair a finding, in the syntax of the file the object was read from.

A check says what to change, in the model's words: a value, a key's name, a member to add. This
module writes it as the object's format does (a writer chosen by ``source.fmt``), at the place the
node was read from, so a check never looks at the format. An edit is offered only where the node
is written out as a literal in the object's own file, inside its resource: a value that comes from
a template parameter, a Terraform variable, a ``!Ref`` or another file is left alone (None).
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

from ecslint.findings import Edit, Fix
from ecslint.model import ModelObject
from ecslint.tree import Node

# A string that every format writes as it is between quotes (no escapes, no interpolation).
_SIMPLE = re.compile(r"^[A-Za-z0-9_./:@+-]+$")


class Writer:
    """How a format writes a scalar, a key and a member: JSON's way (a CloudFormation JSON template too)."""

    def separator(self, braced: bool) -> str:
        """What follows a member added before another on a line of its own (in braces, or not)."""
        return ","

    def scalar(self, value: Any) -> str | None:
        return json.dumps(value)

    def key(self, name: str) -> str:
        return json.dumps(name)

    def member(self, name: str, value: Any) -> str | None:
        text = self.scalar(value)
        return None if text is None else f"{self.key(name)}: {text}"


class YamlWriter(Writer):
    """YAML: plain scalars where they read back as the same value, else double-quoted."""

    def separator(self, braced: bool) -> str:
        return "," if braced else ""

    def scalar(self, value: Any) -> str | None:
        if isinstance(value, str) and _plain_yaml(value):
            return value
        return super().scalar(value)

    def key(self, name: str) -> str:
        return name if _plain_yaml(name) else json.dumps(name)


class HclWriter(Writer):
    """Terraform's HCL: ``name = value``; strings that would interpolate are not written."""

    def separator(self, braced: bool) -> str:
        return ""

    def scalar(self, value: Any) -> str | None:
        if isinstance(value, str) and ("${" in value or "%{" in value):
            return None
        return super().scalar(value)

    def key(self, name: str) -> str:
        return name

    def member(self, name: str, value: Any) -> str | None:
        text = self.scalar(value)
        return None if text is None else f"{name} = {text}"


WRITERS: dict[str, Writer] = {"json": Writer(), "yaml": YamlWriter(), "hcl": HclWriter()}


@lru_cache(maxsize=None)
def _plain_yaml(text: str) -> bool:
    """``text`` written unquoted reads back as the same string."""
    if not _SIMPLE.match(text) or text.startswith(("-", ":", "@")):
        return False
    import yaml  # (only when a fix is written in YAML)

    return yaml.resolver.Resolver().resolve(yaml.ScalarNode, text, (True, False)) == "tag:yaml.org,2002:str"


def _resource_node(obj: ModelObject) -> Node | None:
    resource = obj.resource or getattr(getattr(obj, "task", None), "resource", None)
    return resource.node if resource is not None else None


def _inside(node: Node, outer: Node | None) -> bool:
    """``node`` starts within ``outer``'s span (always, without an outer node)."""
    if outer is None:
        return True
    return (outer.line, outer.col) <= (node.line, node.col) < (outer.end_line, outer.end_col)


def _quoted(node: Node) -> bool | None:
    """Whether a one-line scalar is written between quotes (True), bare (False), or is not written
    as its value reads at all (None: an intrinsic function, a reference, an escape, a variable)."""
    value = node.value
    if node.line != node.end_line or node.tag is not None or value is None:
        return None
    width = node.end_col - node.col
    if isinstance(value, str):
        if not _SIMPLE.match(value):
            return None
        return True if width == len(value) + 2 else False if width == len(value) else None
    if isinstance(value, bool):
        return False if width == len(str(value)) else None
    if isinstance(value, int):
        return False if width == len(str(value)) else None
    return None


def _written(obj: ModelObject, node: Node | None) -> Writer | None:
    """The writer for a scalar written literally in ``obj``'s own file, inside its resource; else None."""
    writer = WRITERS.get(obj.source.fmt)
    if writer is None or node is None or node.file is not None or not node.is_scalar:
        return None
    if _quoted(node) is None or not _inside(node, _resource_node(obj)):
        return None
    return writer


def _at(node: Node, text: str) -> Edit:
    return Edit(node.line, node.col, node.end_line, node.end_col, text)


def _inner(node: Node, text: str) -> Edit:
    """Replace what is between a quoted scalar's quotes, so its quoting stays as it is."""
    return Edit(node.line, node.col + 1, node.end_line, node.end_col - 1, text)


def replace(obj: ModelObject, node: Node | None, value: Any) -> Edit | None:
    """Set the scalar ``node`` of ``obj`` to ``value``."""
    writer = _written(obj, node)
    if writer is None or node is None:
        return None
    quoted = _quoted(node)
    if isinstance(value, str) and isinstance(node.value, str) and quoted and _SIMPLE.match(value):
        return _inner(node, value)
    if isinstance(node.value, str) and node.value.isdigit() and quoted is False and str(value).isdigit():
        value = int(value)  # a number the format read as a string (a template's `Memory: 512`) stays a number
    text = writer.scalar(value)
    return None if text is None else _at(node, text)


def rename(obj: ModelObject, mapping: Node, old: str, new: str) -> Edit | None:
    """Rename the member ``old`` of ``mapping`` to ``new`` (as the format spells it); None when
    ``new`` is already a member."""
    key = mapping.key_node(old)
    writer = _written(obj, key)
    if writer is None or key is None or new in (mapping.value or {}) or not _SIMPLE.match(new):
        return None
    return _inner(key, new) if _quoted(key) else _at(key, writer.key(new))


def insert(obj: ModelObject, mapping: Node | None, name: str, value: Any) -> Edit | None:
    """Add the member ``name: value`` (``name`` as the format spells it) to ``mapping``, before its
    first member, on a line of its own when the members are on lines of their own."""
    writer = WRITERS.get(obj.source.fmt)
    if writer is None or mapping is None or not mapping.is_map or not mapping.keys or mapping.file is not None:
        return None
    first = min(mapping.keys.values(), key=lambda k: (k.line, k.col))
    if _quoted(first) is None or not _inside(first, mapping) or not _inside(first, _resource_node(obj)):
        return None
    member = writer.member(name, value)
    return None if member is None else member_first(mapping, member, writer)


def member_first(mapping: Node, member: str, writer: Writer) -> Edit:
    """``member``, as ``writer``'s format writes it, added to ``mapping`` before its first member, on a
    line of its own when the members are on lines of their own; between the braces of an empty one."""
    if not mapping.keys:
        return Edit(mapping.line, mapping.col + 1, mapping.line, mapping.col + 1, f" {member} ")
    first = min(mapping.keys.values(), key=lambda k: (k.line, k.col))
    # A YAML block mapping starts at its first key; a mapping in braces starts before it.
    braced = (first.line, first.col) != (mapping.line, mapping.col)
    after = ", " if braced and first.line == mapping.line else writer.separator(braced) + "\n" + " " * (first.col - 1)
    return Edit(first.line, first.col, first.line, first.col, member + after)


def setting(obj: ModelObject, mapping: Node | None, path: str, value: Any, within: str = "") -> Edit | None:
    """Set the member at ``path`` (a canonical name; see :meth:`ModelObject.term`) of ``mapping`` to
    ``value``: its value replaced when it is there, else the member added."""
    node = mapping.get(path) if mapping is not None else None
    if node is not None:
        return replace(obj, node, value)
    return insert(obj, mapping, obj.term(path, within), value)


def fix(title: str, *edits: Edit | None, safe: bool = True) -> Fix | None:
    """A fix of ``edits``; None when one of them cannot be made."""
    if not edits or any(edit is None for edit in edits):
        return None
    return Fix(title, tuple(e for e in edits if e is not None), safe)


def retyped(obj: ModelObject, node: Node, expected: str) -> Fix | None:
    """A number written where a string is expected as that string, and a string of digits where an
    integer (or number) is expected as that number: the same value, of the type the schema wants."""
    value = node.value
    if expected == "string" and isinstance(value, int) and not isinstance(value, bool):
        return fix(f'Write {value} as the string "{value}"', replace(obj, node, str(value)))
    if expected in ("integer", "number") and isinstance(value, str) and re.fullmatch(r"-?[1-9][0-9]{0,17}|0", value):
        return fix(f'Write "{value}" as the number {value}', replace(obj, node, int(value)))
    return None


def renamed(obj: ModelObject, mapping: Node, old: str, new: str | None) -> Fix | None:
    """A misspelt key renamed to the known one, ``new``, as the format spells it."""
    if new is None:
        return None
    return fix(f"Rename {old} to {new}", rename(obj, mapping, old, new))
