"""What a value is known to be: written out, or a placeholder that something fills in later."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from ecslint.tree import Node, as_str

# How much of a value the value patterns look at: what AWS accepts in the fields they read (names,
# ARNs, images, sizes) is far shorter, and a pattern never gets a hostile megabyte to scan.
MAX_PATTERN_INPUT = 4096

# Placeholders opened and closed by fixed texts: GitHub Actions ``${{ x }}``, shell and CloudFormation
# ``${X}``, Octopus ``#{X}``, Mustache, Jinja, Helm and Go ``{{ X }}``.
_BRACED = (("${{", "}}"), ("${", "}"), ("#{", "}"), ("{{", "}}"))
# Placeholders of a name between marks: ``<account-id>``, ``$X``, ``%X%`` (Windows, Azure DevOps), ``__X__``
# (token replacement), ``@X@`` (Maven, Ant). Linear: no pattern repeats a group that can match its own
# closing mark, so each try ends at the next mark, a blank or a character a name cannot hold.
_NAMED = re.compile(r"<[^<>\s]+>|\$[A-Z_][A-Z0-9_]*(?![a-z])|%[A-Za-z_][A-Za-z0-9_]*%"
                    r"|__[A-Za-z0-9](?:[A-Za-z0-9.-]|_(?!_))*__|@[A-Za-z_][A-Za-z0-9_.-]*@")
# A shell variable in any case is a placeholder as the whole value (``$image``); inside a value only in
# capitals (``$AWS_ACCOUNT_ID.dkr.ecr...``), as a password such as ``Zx9$kLm2`` is not one.
_SHELL_VARIABLE = re.compile(r"\$[A-Za-z_][A-Za-z0-9_]*")
_URL_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}%")  # %E2% of a URL-encoded text, not a placeholder


def placeholder_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` holds placeholders that a deployment tool fills in later, as ``(start, end)``
    spans in order, none overlapping (the longest of those starting at one place). Only the first
    :data:`MAX_PATTERN_INPUT` characters are read; the scan is linear in their number."""
    text = text[:MAX_PATTERN_INPUT]
    if _SHELL_VARIABLE.fullmatch(text):
        return [(0, len(text))]
    found: list[tuple[int, int]] = []
    for opening, closing in _BRACED:
        start = text.find(opening)
        while start != -1:
            end = text.find(closing, start + len(opening) + 1)  # a name of at least one character
            if end == -1:
                break  # no closing after this opening: none after a later one either
            found.append((start, end + len(closing)))
            start = text.find(opening, end + len(closing))
    found.extend(m.span() for m in _NAMED.finditer(text) if not _URL_ESCAPE.fullmatch(m.group()))
    spans: list[tuple[int, int]] = []
    for start, end in sorted(found, key=lambda span: (span[0], -span[1])):
        if not spans or start >= spans[-1][1]:
            spans.append((start, end))
    return spans


def is_templated(text: str) -> bool:
    """Whether ``text`` holds a template placeholder (``${NAME}``, ``$NAME``, ``%NAME%``, ``__NAME__``,
    ``<NAME>``, ``#{NAME}``, ``{{ name }}``, ``@NAME@``, ``${{ name }}``): the value is not known as a
    whole, and rules stay silent on it unless they read the parts around the placeholder."""
    return bool(placeholder_spans(text))


def is_placeholder(text: str) -> bool:
    """Whether ``text`` is nothing but placeholders (``${IMAGE}``, ``{{ .Env.TAG }}``, ``${A}${B}``): a
    value entirely unknown."""
    covered = sum(end - start for start, end in placeholder_spans(text))
    return covered > 0 and covered == len(text.strip()) and len(text) <= MAX_PATTERN_INPUT


def fill_placeholders(text: str, stand_in: Callable[[str], str]) -> str:
    """``text`` with each placeholder replaced by ``stand_in(placeholder)``: ``arn:aws:iam::<account-id>:role/x``
    read as ``arn:aws:iam::*:role/x``, so what is known around the placeholder still counts."""
    out, last = [], 0
    for start, end in placeholder_spans(text):
        out.append(text[last:start])
        out.append(stand_in(text[start:end]))
        last = end
    out.append(text[last:])
    return "".join(out)


def literal_str(node: Node | None) -> str | None:
    """A non-empty string written as it is: not a template placeholder, not behind a YAML tag."""
    text = as_str(node)
    return text if text and node.tag is None and not is_templated(text) else None


class Unresolved:
    """What a template function or expression gives when the linter cannot work it out (an import,
    a resource attribute, a parameter or variable without a value): the expression as written. A
    model node holding one is opaque: not a mapping or a list, never a literal, equal only to the
    same expression. An adapter may say which resource it refers to (``refers_to``, the id the
    graph knows it by) and how messages show it (``text``)."""

    __slots__ = ("expression", "refers_to", "text")

    def __init__(self, expression: Any, refers_to: str | None = None, text: str | None = None) -> None:
        self.expression = expression  # plain data: {"Fn::ImportValue": "Shared-TaskRole"}
        self.refers_to = refers_to
        self.text = text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Unresolved) and other.expression == self.expression

    def __hash__(self) -> int:
        return hash(json.dumps(self.expression, sort_keys=True, default=str))

    def __repr__(self) -> str:
        return json.dumps(self.expression, sort_keys=True, default=str)


def function_call(value: Any) -> tuple[str, Any] | None:
    """``(name, argument)`` of a CloudFormation function in plain data (``{"Ref": "Role"}``)."""
    if isinstance(value, Unresolved):
        value = value.expression
    if not isinstance(value, dict) or len(value) != 1:
        return None
    name, argument = next(iter(value.items()))
    return (name, argument) if name in ("Ref", "Condition") or name.startswith("Fn::") else None


def is_intrinsic(node: Node | None) -> bool:
    """A CloudFormation function left unresolved (``{"Ref": ...}``, ``{"Fn::ImportValue": ...}``, or
    a model node holding it as :class:`Unresolved`): a value the linter cannot know."""
    if node is None:
        return False
    if isinstance(node.value, Unresolved):
        return True
    if not node.is_map or len(node.value) != 1:
        return False
    name = next(iter(node.value))
    return name in ("Ref", "Condition") or name.startswith("Fn::")


def same_value(first: Node | None, second: Node | None) -> bool:
    """Whether two values are known to be equal: the same literal, or the same unresolved
    expression (``!ImportValue Role`` twice, ``!GetAtt Role.Arn`` twice)."""
    if first is None or second is None or first.value is None:
        return False
    if is_intrinsic(first) or is_intrinsic(second):
        return first.plain() == second.plain()
    text = as_str(first)
    if text is not None and (first.tag is not None or is_templated(text)):
        return first.tag == second.tag and text == as_str(second)  # the same placeholder
    return first.is_scalar and first.value == second.value and first.tag == second.tag


def placeholder(value: object) -> bool:
    """A string value that is a template placeholder."""
    return isinstance(value, str) and is_templated(value)


def unknowable(node: Node) -> bool:
    """A YAML tag, or a CloudFormation function left unresolved: a value the linter cannot know."""
    return node.tag is not None or is_intrinsic(node)


def literal_node(root: Node, path: list[str | int]) -> Node | None:
    """The node at ``path``; None when it is missing, or when it or a node on the way stands for a
    value the linter cannot know."""
    node: Node | None = root
    for step in path:
        if unknowable(node):
            return None
        node = node.at(step)
        if node is None:
            return None
    return None if unknowable(node) else node


def shown(node: Node | None) -> str | None:
    """A value for a message: its text, or for what a template computes the expression in short
    (``${WorkloadName}`` for ``!Ref WorkloadName``, ``${Role.Arn}``, ``!ImportValue shared-role``)."""
    if node is None or node.value is None:
        return None
    if isinstance(node.value, Unresolved) and node.value.text is not None:
        return node.value.text
    text = as_str(node)
    if text is not None:
        return text or None
    call = function_call(node.plain())
    if call is None:
        return None
    name, argument = call
    if name == "Ref" and isinstance(argument, str):
        return "${" + argument + "}"
    if name == "Fn::GetAtt" and isinstance(argument, list):
        return "${" + ".".join(map(str, argument)) + "}"
    if name == "Fn::Sub":
        return argument if isinstance(argument, str) else str(argument[0]) if argument else None
    return f"!{name.removeprefix('Fn::')} {json.dumps(argument, default=str)[:60]}"
