"""Terraform expressions to model nodes: what is known becomes a value at the place it is written;
what is not (a resource attribute, a variable without a value, ``count.index``, a function ecslint
does not evaluate) becomes an opaque :class:`~ecslint.model.values.Unresolved` holding the
expression's text, so two attributes with the same expression are known to be equal, and a
reference to a resource (``aws_iam_role.task.arn``) names it for the graph.

``jsonencode(...)`` keeps its argument's structure, with its positions, marked by the tag
:data:`JSON_TAG`; a heredoc, and the text of a file read with ``file()`` or ``templatefile()``,
is a :class:`Text` that remembers where it is written, so JSON in it is read with positions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from ecslint.hcl import (
    Call,
    Conditional,
    Expr,
    Literal,
    ObjectExpr,
    Opaque,
    Operation,
    Span,
    Template,
    Traversal,
    TupleExpr,
    Variable,
)
from ecslint.model.values import Unresolved
from ecslint.tree import Node

if TYPE_CHECKING:
    from ecslint.adapters.terraform.module import Module

JSON_TAG = "terraform:json"  # a node that holds what ``jsonencode`` encodes: its text is that structure's JSON
BASE64_TAG = "terraform:base64"  # a node that holds the text ``base64encode`` encodes (user data)
MAX_EVALUATION_DEPTH = 64  # locals that refer to locals, templates that call templates


class Text(str):
    """A string that remembers where its text is written: a file and the line its first line is
    on, and the columns a ``<<-`` heredoc removed from each line."""

    origin: tuple[str, int, int]

    def __new__(cls, value: str, origin: tuple[str, int, int]) -> Text:
        text = super().__new__(cls, value)
        text.origin = origin
        return text


@dataclass
class Scope:
    """Where an expression is evaluated: the module, the file it is written in, the file of the
    object it belongs to (nodes written elsewhere say their file), and for a template file, the
    variables its call gives (then nothing else is visible)."""

    module: Module
    file: str
    home: str
    names: dict[str, Node] | None = None
    depth: int = 0
    bound: dict[str, Node] = field(default_factory=dict)  # a dynamic block's iterator, when known

    def binding(self, names: dict[str, Node]) -> Scope:
        return Scope(self.module, self.file, self.home, self.names, self.depth, {**self.bound, **names}) \
            if names else self

    def deeper(self, file: str, home: str | None = None) -> Scope:
        """Where a value written elsewhere (a local, a data source) is evaluated."""
        return Scope(self.module, file, self.home if home is None else home, None, self.depth + 1)


def node_at(span: Span, value: Any, scope: Scope, keys: dict[str, Node] | None = None, tag: str | None = None) -> Node:
    return Node(value, span.line, span.col, span.end_line, span.end_col, keys, tag,
                scope.file if scope.file != scope.home else None)


def opaque(text: str, refers_to: str | None = None, shown_as: str | None = None) -> Unresolved:
    """An unknown Terraform value: equal to the same expression only, never read as text."""
    return Unresolved({"terraform": text}, refers_to, shown_as or text)


def unknown(expr: Expr, scope: Scope, refers_to: str | None = None) -> Node:
    """The expression as an opaque value; within a ``dynamic`` block, one for each element (the same
    text may give another value for each)."""
    value = opaque(expr.text, refers_to)
    if scope.bound:
        value.expression["element"] = {name: plain_json(node.get("key") or node) for name, node in
                                       scope.bound.items()}
    return node_at(expr.span, value, scope)


def is_known(node: Node) -> bool:
    return not isinstance(node.value, Unresolved)


def moved(node: Node, span: Span, scope: Scope) -> Node:
    """A scalar value from elsewhere (a variable's default) at the place it is used; a mapping or
    list keeps its own places (and says its file)."""
    if node.is_map or node.is_seq:
        return node
    return node_at(span, node.value, scope, tag=node.tag)


def evaluate(expr: Expr, scope: Scope) -> Node:
    """The value of ``expr`` (see the module docstring)."""
    if scope.depth > MAX_EVALUATION_DEPTH:
        return unknown(expr, scope)
    handler = _HANDLERS.get(type(expr))
    return handler(expr, scope) if handler is not None else unknown(expr, scope)


def _literal(expr: Literal, scope: Scope) -> Node:
    value = expr.value
    if expr.heredoc is not None and isinstance(value, str):
        value = Text(value, (scope.file, expr.heredoc.line, expr.heredoc.indent))
    return node_at(expr.span, value, scope)


def text_of(node: Node) -> str | None:
    """A known scalar as Terraform turns it into a string (in a template, or where a string is wanted)."""
    value = node.value
    if node.tag == JSON_TAG:
        return json.dumps(plain_json(node), separators=(",", ":"))
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (str, int, float)):
        return str(value)
    return None


def plain_json(node: Node) -> Any:
    """A node's value as plain data; what ``jsonencode`` would encode."""
    value = node.value
    if isinstance(value, dict):
        return {k: plain_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain_json(v) for v in value]
    if isinstance(value, Unresolved):
        return "${" + str(value.text or value.expression) + "}"
    return value


def _template(expr: Template, scope: Scope) -> Node:
    """A string with interpolations: its text; an unknown part stays ``${...}`` in it, so the value
    reads as a placeholder (partly known, never a literal)."""
    if expr.directives:
        return unknown(expr, scope)
    if len(expr.parts) == 1 and isinstance(expr.parts[0], Expr) and expr.heredoc is None:
        return evaluate(expr.parts[0], scope)  # "${x}" is x itself, whatever its type (HCL's rule)
    pieces = []
    for part in expr.parts:
        if isinstance(part, str):
            pieces.append(part)
            continue
        value = evaluate(part, scope)
        text = text_of(value) if is_known(value) and not value.is_map and not value.is_seq else None
        if text is None:  # unknown: shown as what it is (a template variable as the caller's expression)
            shown = value.value.text if isinstance(value.value, Unresolved) and value.value.text else part.text
            text = "${" + shown + "}"
        pieces.append(text)
    value: str = "".join(pieces)
    if expr.heredoc is not None:
        value = Text(value, (scope.file, expr.heredoc.line, expr.heredoc.indent))
    return node_at(expr.span, value, scope)


def _tuple(expr: TupleExpr, scope: Scope) -> Node:
    return node_at(expr.span, [evaluate(item, scope) for item in expr.items], scope)


def _object(expr: ObjectExpr, scope: Scope) -> Node:
    members: dict[str, Node] = {}
    keys: dict[str, Node] = {}
    for key_expr, value_expr in expr.items:
        if isinstance(key_expr, Variable):
            key: str | None = key_expr.name
        else:
            key_node = evaluate(key_expr, scope)
            key = text_of(key_node) if is_known(key_node) else None
        if key is None:
            return unknown(expr, scope)  # a computed key: which members it has is unknown
        members[key] = evaluate(value_expr, scope)
        keys[key] = node_at(key_expr.span, key, scope)
    return node_at(expr.span, members, scope, keys)


def _traversal(expr: Traversal, scope: Scope) -> Node:
    base = expr.base
    steps = list(expr.steps)
    if isinstance(base, Variable):
        root = _root(expr, base.name, steps, scope)
        if root is None:
            return unknown(expr, scope, _refers_to(base.name, steps))
        value, steps = root
    else:
        value = evaluate(base, scope)
    splat = False
    if not steps and not is_known(value):  # a local that is a reference: keeps what it refers to
        return node_at(expr.span, value.value, scope)
    for step in steps:
        if not is_known(value):
            return unknown(expr, scope)
        if step is None:  # a splat: what follows applies to every item of a list
            splat = True
            found = value if value.is_seq else None
        elif splat and isinstance(step, str):
            items = [item.get(step) for item in value.value]
            found = None if any(i is None for i in items) else node_at(_span(value), items, scope)
        else:
            found = _step(value, step, scope)
        if found is None:
            return unknown(expr, scope)
        value = found
    return moved(value, expr.span, scope)


def _root(expr: Traversal, name: str, steps: list, scope: Scope) -> tuple[Node, list] | None:
    """The value the first steps of a traversal name, and the steps left; None when unknown."""
    first = steps[0] if steps and isinstance(steps[0], str) else None
    if name in scope.bound:
        return scope.bound[name], steps
    if scope.names is not None:  # in a template file, only the call's variables are visible
        found = scope.names.get(name)
        return (found, steps) if found is not None else None
    if name == "var" and first is not None:
        found = scope.module.variable(first)
        return (found, steps[1:]) if found is not None else None
    if name == "local" and first is not None:
        found = scope.module.local(first, scope)
        if found is not None and not is_known(found) and len(steps) > 1:
            return None  # a member of something unknown
        return (found, steps[1:]) if found is not None else None
    if name == "path" and first == "module":
        return node_at(expr.span, scope.module.directory, scope), steps[1:]
    if name == "data" and len(steps) >= 3 and all(isinstance(s, str) for s in steps[:3]):
        found = scope.module.data_value(steps[0], steps[1], steps[2], scope)
        return (found, steps[3:]) if found is not None else None
    return None


def _refers_to(name: str, steps: list) -> str | None:
    """The address a traversal refers to: ``aws_iam_role.task`` for ``aws_iam_role.task[0].arn``."""
    if name in ("var", "local", "path", "count", "each", "self", "terraform", "module") or not steps:
        return None
    if name == "data":
        return "data." + ".".join(steps[:2]) if len(steps) >= 2 and all(isinstance(s, str) for s in steps[:2]) \
            else None
    return f"{name}.{steps[0]}" if isinstance(steps[0], str) else None


def _step(value: Node, step: str | Expr, scope: Scope) -> Node | None:
    """``value.name`` or ``value[index]``; None when it is not there or the index is unknown."""
    if isinstance(step, str):
        return value.get(step)
    index = evaluate(step, scope)
    if not is_known(index):
        return None
    if value.is_seq and _number(index.value):
        number = int(index.value)
        return value.value[number] if 0 <= number < len(value.value) else None
    text = text_of(index)
    return value.get(text) if value.is_map and text is not None else None


def _span(node: Node) -> Span:
    return Span(node.line, node.col, node.end_line, node.end_col)


def _variable(expr: Variable, scope: Scope) -> Node:
    """A bare name: a template file's variable; anything else (``count``, a ``for`` variable) is unknown."""
    found = scope.names.get(expr.name) if scope.names is not None else None
    return moved(found, expr.span, scope) if found is not None else unknown(expr, scope)


def _conditional(expr: Conditional, scope: Scope) -> Node:
    condition = evaluate(expr.condition, scope)
    if is_known(condition) and isinstance(condition.value, bool):
        return evaluate(expr.then if condition.value else expr.other, scope)
    then, other = evaluate(expr.then, scope), evaluate(expr.other, scope)
    if is_known(then) and then.is_scalar and other.is_scalar and then.value == other.value and \
            type(then.value) is type(other.value):
        return node_at(expr.span, then.value, scope)  # either way the same
    return unknown(expr, scope)


_ARITHMETIC: dict[str, Callable[[Any, Any], Any]] = {
    "+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
    "/": lambda a, b: a / b if b else None, "%": lambda a, b: a % b if b else None,
    "<": lambda a, b: a < b, ">": lambda a, b: a > b, "<=": lambda a, b: a <= b, ">=": lambda a, b: a >= b,
}


def _operation(expr: Operation, scope: Scope) -> Node:
    values = [evaluate(operand, scope) for operand in expr.operands]
    if not all(is_known(v) and v.is_scalar for v in values):
        return unknown(expr, scope)
    plain = [v.value for v in values]
    op = expr.operator
    result: Any = None
    if len(plain) == 1:
        result = (not plain[0]) if op == "!" and isinstance(plain[0], bool) else \
            -plain[0] if op == "-" and _number(plain[0]) else None
    elif op in ("==", "!="):
        result = (plain[0] == plain[1]) == (op == "==")
    elif op in ("&&", "||") and all(isinstance(p, bool) for p in plain):
        result = (plain[0] and plain[1]) if op == "&&" else (plain[0] or plain[1])
    elif op in _ARITHMETIC:
        numbers = [_as_number(v) for v in values]
        if all(n is not None for n in numbers):
            result = _ARITHMETIC[op](*numbers)
            if isinstance(result, float) and result.is_integer() and op != "/":
                result = int(result)
    if result is None:
        return unknown(expr, scope)
    return node_at(expr.span, result, scope)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _as_number(node: Node) -> int | float | None:
    """A number, or a string Terraform converts to one."""
    value = node.value
    if _number(value):
        return value
    if isinstance(value, str):
        try:
            return int(value) if value.strip().lstrip("-").isdigit() else float(value)
        except ValueError:
            return None
    return None


def _call(expr: Call, scope: Scope) -> Node:
    from ecslint.adapters.terraform.functions import call

    result = call(expr, scope)
    return moved(result, expr.span, scope) if result is not None else unknown(expr, scope)


_HANDLERS: dict[type, Callable[[Any, Scope], Node]] = {
    Literal: _literal, Template: _template, TupleExpr: _tuple, ObjectExpr: _object, Traversal: _traversal,
    Conditional: _conditional, Operation: _operation, Call: _call,
    Variable: lambda expr, scope: _variable(expr, scope), Opaque: lambda expr, scope: unknown(expr, scope),
}
