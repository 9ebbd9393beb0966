"""A template's conditions, and the scenarios worth linting it under.

A condition is true or false depending on the values parameters (and pseudo parameters) take at
deploy time. A scenario fixes those values: for each parameter a condition compares, one of its
allowed values, or one of the values it is compared with, or one that is none of them; a value the
user passed with ``--parameters`` is fixed. Conditions that compare something else
(``!FindInMap``, two references) are free: true in some scenarios and false in others. A default is
not taken for granted: the stack may be deployed with another value.

Only the conditions that the modeled resources use are enumerated, and at most ``MAX_SCENARIOS``
combinations: beyond that the remaining conditions stay undecided, and the ``Fn::If`` that use
them stay unknown (rules are silent on them rather than guess).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Iterator

from ecslint.adapters.cloudformation.intrinsics import function
from ecslint.tree import Node

MAX_SCENARIOS = 16
OTHER = object()  # a parameter value that equals none of the values it is compared with


def _text(node: Node) -> str | None:
    value = node.value
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value) if isinstance(value, (str, int, float)) and node.tag is None else None


def _ref(node: Node) -> str | None:
    call = function(node)
    return call[1].value if call is not None and call[0] == "Ref" and isinstance(call[1].value, str) else None


@dataclass(frozen=True)
class Atom:
    """What a condition depends on: a parameter (``name``), or a comparison ecslint cannot read
    (``free``, identified by its position)."""

    name: str
    free: bool = False


class Conditions:
    """The Conditions section of a template, evaluated under parameter values."""

    def __init__(self, section: Node | None, parameters: dict[str, Node], given: dict[str, str]) -> None:
        self.section = {k: v for k, v in section.items()} if section is not None and section.is_map else {}
        self.parameters = parameters
        self.given = given

    def referenced(self, nodes: list[Node]) -> list[str]:
        """The conditions that ``nodes`` use (``Fn::If``, ``Condition``, a resource's own ``Condition``
        that says whether it is created), and those they use, in order."""
        found: list[str] = []
        pending = list(nodes)
        seen: set[int] = set()
        while pending:
            node = pending.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            call = function(node)
            if call is None and node.is_map and "Type" in node.value and "Condition" in node.value:
                call = ("Condition", node.value["Condition"])  # a resource's Condition attribute
            if call is not None and call[0] in ("Fn::If", "Condition"):
                name = call[1].value[0].value if call[0] == "Fn::If" and call[1].is_seq and call[1].value \
                    else call[1].value
                if isinstance(name, str) and name in self.section and name not in found:
                    found.append(name)
                    pending.append(self.section[name])
            if node.is_map:
                pending.extend(node.value.values())
            elif node.is_seq:
                pending.extend(node.value)
        return found

    def atoms(self, names: list[str]) -> dict[Atom, list[object]]:
        """The atoms of the conditions ``names`` and the values each may take."""
        domains: dict[Atom, list[object]] = {}
        for name in names:
            for atom, compared in self._comparisons(self.section[name]):
                domain = domains.setdefault(atom, [])
                for value in compared:
                    if value not in domain:
                        domain.append(value)
        for atom, domain in domains.items():
            if atom.free:
                domains[atom] = [True, False]
            elif atom.name in self.given:
                domains[atom] = [self.given[atom.name]]
            else:
                allowed = self.parameters.get(atom.name)
                allowed = allowed.get("AllowedValues") if allowed is not None else None
                values = [t for v in allowed.elements() if (t := _text(v)) is not None] if allowed else []
                domains[atom] = values or [*domain, OTHER]
        return domains

    def _comparisons(self, node: Node) -> Iterator[tuple[Atom, list[str]]]:
        """Each ``Fn::Equals`` in a condition: the atom it reads and the values it compares it with."""
        call = function(node)
        if call is None:
            return
        name, argument = call
        if name == "Fn::Equals" and argument.is_seq and len(argument.value) == 2:
            left, right = argument.value
            for this, other in ((left, right), (right, left)):
                ref, text = _ref(this), _text(other)
                if ref is not None and text is not None:
                    yield Atom(ref), [text]
                    return
            yield Atom(f"{node.line}:{node.col}", free=True), []
        elif name in ("Fn::And", "Fn::Or", "Fn::Not") and argument.is_seq:
            for part in argument.value:
                yield from self._comparisons(part)

    def evaluate(self, name: str, values: dict[Atom, object], depth: int = 0) -> bool | None:
        """The condition's value when the atoms take ``values``; None when it depends on others."""
        node = self.section.get(name)
        return None if node is None or depth > 32 else self._value(node, values, depth)

    def _value(self, node: Node, values: dict[Atom, object], depth: int) -> bool | None:
        call = function(node)
        if call is None:
            return None
        name, argument = call
        if name == "Condition" and isinstance(argument.value, str):
            return self.evaluate(argument.value, values, depth + 1)
        parts = argument.value if argument.is_seq else []
        if name == "Fn::Equals" and len(parts) == 2:
            for this, other in ((parts[0], parts[1]), (parts[1], parts[0])):
                ref, text = _ref(this), _text(other)
                if ref is not None and text is not None:
                    value = values.get(Atom(ref))
                    return None if value is None else value == text
            free = values.get(Atom(f"{node.line}:{node.col}", free=True))
            if isinstance(free, bool):
                return free
            first, second = _text(parts[0]), _text(parts[1])
            return first == second if first is not None and second is not None else None
        results = [self._value(part, values, depth + 1) for part in parts]
        if name == "Fn::Not" and len(results) == 1:
            return None if results[0] is None else not results[0]
        if name == "Fn::And":
            return False if False in results else None if None in results else True
        if name == "Fn::Or":
            return True if True in results else None if None in results else False
        return None


def scenarios(conditions: Conditions, names: list[str]) -> list[tuple[dict[str, bool | None], dict[str, str | None]]]:
    """Each distinct combination of the conditions ``names`` that parameter values can give, at most
    ``MAX_SCENARIOS``: the conditions' values (past the limit, None: undecided), and the values it
    gives the parameters they compare (None: one that is none of the values compared, unknown).
    One empty scenario when the resources use no condition."""
    if not names:
        return [({}, {})]
    domains = conditions.atoms(names)
    chosen: dict[Atom, list[object]] = {}
    count = 1
    for atom, domain in domains.items():  # the atoms of the first conditions first
        if count * len(domain) <= MAX_SCENARIOS:
            chosen[atom] = domain
            count *= len(domain)
    found: list[tuple[dict[str, bool | None], dict[str, str | None]]] = []
    for combination in itertools.product(*chosen.values()):
        values = dict(zip(chosen, combination))
        scenario = {name: conditions.evaluate(name, values) for name in names}
        parameters = {atom.name: value if isinstance(value, str) else None
                      for atom, value in values.items() if not atom.free}
        if all(scenario != seen for seen, _ in found):
            found.append((scenario, parameters))
    return found
