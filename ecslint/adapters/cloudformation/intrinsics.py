"""CloudFormation's functions, resolved where the template says what they give.

``Ref`` to a parameter gives the value the user passed (``--parameters``) or its default;
``Fn::Sub``, ``Fn::Join``, ``Fn::Select``, ``Fn::Split`` and ``Fn::FindInMap`` give what their known
parts make; ``Fn::If`` takes the branch of the scenario being built; ``AWS::NoValue`` removes the
property or list item. Everything else stays as it is written: a reference to a resource (which
the linker follows), a pseudo parameter, an import, a parameter with no value. Rules treat such a
node as unknown, and two identical ones as equal. A string that is partly known keeps the unknown
parts as ``${...}`` (``arn:aws:iam::${AWS::AccountId}:role/app``).

Resolved values keep the position of the function call, so a finding points at the property.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from ecslint.tree import Node

REMOVED = object()  # what AWS::NoValue resolves to: the property or item is not there
MAX_RESOLUTION_DEPTH = 64


def function(node: Node) -> tuple[str, Node] | None:
    """``(name, argument)`` when the node is a one-key ``Ref``/``Fn::*``/``Condition`` mapping."""
    if not node.is_map or len(node.value) != 1:
        return None
    name, argument = next(iter(node.value.items()))
    if name in ("Ref", "Condition") or name.startswith("Fn::"):
        return name, argument
    return None


def _scalar_text(node: Node) -> str | None:
    """A literal scalar as CloudFormation turns it into a string."""
    value = node.value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, str)) and node.tag is None:
        return str(value)
    return None


def _like(node: Node, value: Any, keys: dict[str, Node] | None = None) -> Node:
    """A new node holding ``value`` at the position of ``node``."""
    return Node(value, node.line, node.col, node.end_line, node.end_col, keys)


@dataclass
class Resolver:
    """Resolves the functions of one template under one scenario.

    ``parameters`` maps a parameter to its value node (the user's value or the default), or None when it
    has neither; ``conditions`` tells each condition's value in the scenario (None: either way);
    ``mappings`` is the template's Mappings node; ``resources`` are its logical ids.
    """

    parameters: dict[str, Node | None]
    conditions: Callable[[str], bool | None]
    mappings: Node | None
    resources: set[str]
    parameter_types: dict[str, str] = field(default_factory=dict)

    def resolve(self, node: Node, depth: int = 0) -> Node | object:
        """The node with every function resolved that can be; ``REMOVED`` for ``AWS::NoValue``."""
        if depth > MAX_RESOLUTION_DEPTH:
            return node
        call = function(node)
        if call is not None:
            return self._call(node, *call, depth)
        if node.is_map:
            members: dict[str, Node] = {}
            keys: dict[str, Node] = {}
            for key, value in node.value.items():
                resolved = self.resolve(value, depth + 1)
                if resolved is not REMOVED:
                    members[key] = resolved
                    keys[key] = node.keys[key] if node.keys and key in node.keys else value
            return Node(members, node.line, node.col, node.end_line, node.end_col, keys, node.tag)
        if node.is_seq:
            items = [item for item in (self.resolve(v, depth + 1) for v in node.value) if item is not REMOVED]
            return Node(items, node.line, node.col, node.end_line, node.end_col, None, node.tag)
        return node

    # --- the functions -----------------------------------------------------------------------------

    def _call(self, node: Node, name: str, argument: Node, depth: int) -> Node | object:
        handler = {
            "Ref": self._ref, "Fn::Sub": self._sub, "Fn::Join": self._join, "Fn::Select": self._select,
            "Fn::Split": self._split, "Fn::FindInMap": self._find_in_map, "Fn::If": self._if,
            "Fn::GetAtt": self._get_att,
        }.get(name)
        if handler is None:
            return node  # Fn::ImportValue, Fn::GetAZs, Fn::Base64, ...: unknown
        return handler(node, argument, depth + 1)

    def _ref(self, node: Node, argument: Node, depth: int) -> Node | object:
        name = argument.value if isinstance(argument.value, str) else None
        if name == "AWS::NoValue":
            return REMOVED
        value = self.parameters.get(name) if name is not None else None
        if value is None:
            return node  # a resource, a pseudo parameter, a parameter without value: unknown
        if self.parameter_types.get(name, "").startswith(("List<", "CommaDelimitedList")):
            text = _scalar_text(value)
            if text is not None:
                return _like(node, [_like(node, part.strip()) for part in text.split(",")])
        return _like(node, value.value) if value.is_scalar else value

    def _get_att(self, node: Node, argument: Node, depth: int) -> Node:
        """A resource attribute: unknown, kept in the list form (``["Role", "Arn"]``) the linker reads."""
        if isinstance(argument.value, str) and "." in argument.value:
            resource, attribute = argument.value.split(".", 1)
            pieces = [_like(argument, resource), _like(argument, attribute)]
            keys = {"Fn::GetAtt": node.keys["Fn::GetAtt"]} if node.keys else None
            return _like(node, {"Fn::GetAtt": _like(argument, pieces)}, keys)
        return node

    def _text(self, node: Node, depth: int) -> str:
        """A part of a string: its text when known, else ``${...}`` naming what it is."""
        resolved = self.resolve(node, depth)
        if isinstance(resolved, Node):
            text = _scalar_text(resolved)
            if text is not None:
                return text
            call = function(resolved)
            if call is not None and call[0] == "Ref" and isinstance(call[1].value, str):
                return "${" + call[1].value + "}"
            if call is not None and call[0] == "Fn::GetAtt" and call[1].is_seq:
                return "${" + ".".join(str(p.value) for p in call[1].value) + "}"
        return "${?}"

    def _sub(self, node: Node, argument: Node, depth: int) -> Node:
        if isinstance(argument.value, str):
            template, variables = argument.value, {}
        elif argument.is_seq and len(argument.value) == 2 and isinstance(argument.value[0].value, str):
            template, variables = argument.value[0].value, argument.value[1].value
            variables = variables if isinstance(variables, dict) else {}
        else:
            return node
        out, position = [], 0
        while True:
            start = template.find("${", position)
            if start == -1:
                out.append(template[position:])
                break
            end = template.find("}", start)
            if end == -1:
                out.append(template[position:])
                break
            out.append(template[position:start])
            name = template[start + 2:end]
            if name.startswith("!"):
                out.append("${" + name[1:] + "}")  # ${!Literal} is the text ${Literal}
            elif name in variables:
                out.append(self._text(variables[name], depth))
            elif "." in name and name.split(".", 1)[0] in self.resources:
                out.append("${" + name + "}")
            else:
                out.append(self._text(_like(node, {"Ref": _like(node, name)}), depth))
            position = end + 1
        return _like(node, "".join(out))

    def _join(self, node: Node, argument: Node, depth: int) -> Node:
        if not argument.is_seq or len(argument.value) != 2:
            return node
        delimiter = _scalar_text(argument.value[0])
        parts = self.resolve(argument.value[1], depth)
        if delimiter is None or not isinstance(parts, Node) or not parts.is_seq:
            return node
        return _like(node, delimiter.join(self._text(part, depth) for part in parts.value))

    def _select(self, node: Node, argument: Node, depth: int) -> Node | object:
        if not argument.is_seq or len(argument.value) != 2:
            return node
        index = self.resolve(argument.value[0], depth)
        items = self.resolve(argument.value[1], depth)
        text = _scalar_text(index) if isinstance(index, Node) else None
        if text is None or not text.isdigit() or not isinstance(items, Node) or not items.is_seq:
            return node
        position = int(text)
        return items.value[position] if position < len(items.value) else node

    def _split(self, node: Node, argument: Node, depth: int) -> Node:
        if not argument.is_seq or len(argument.value) != 2:
            return node
        delimiter = _scalar_text(argument.value[0])
        source = self.resolve(argument.value[1], depth)
        text = _scalar_text(source) if isinstance(source, Node) else None
        if not delimiter or text is None or "${" in text:
            return node
        return _like(node, [_like(node, part) for part in text.split(delimiter)])

    def _find_in_map(self, node: Node, argument: Node, depth: int) -> Node | object:
        if not argument.is_seq or len(argument.value) not in (3, 4) or self.mappings is None:
            return node
        keys = [self.resolve(part, depth) for part in argument.value[:3]]
        texts = [_scalar_text(key) if isinstance(key, Node) else None for key in keys]
        if any(text is None or "${" in text for text in texts):
            return node
        found = self.mappings.at(*texts)
        if found is None and len(argument.value) == 4:
            found = argument.value[3].get("DefaultValue")
        if found is None:
            return node
        resolved = self.resolve(found, depth)
        if not isinstance(resolved, Node):
            return resolved
        return _like(node, resolved.value) if resolved.is_scalar else resolved

    def _if(self, node: Node, argument: Node, depth: int) -> Node | object:
        if not argument.is_seq or len(argument.value) != 3 or not isinstance(argument.value[0].value, str):
            return node
        value = self.conditions(argument.value[0].value)
        if value is None:
            return node  # either branch may be taken, and this scenario does not say which
        return self.resolve(argument.value[1 if value else 2], depth)
