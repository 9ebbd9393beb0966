"""Documents inside Terraform values: JSON given as text (a heredoc, a file read with ``file()``, a
rendered template) read with the places it is written at, templates rendered with their variables,
and IAM policy documents built by the ``aws_iam_policy_document`` data source."""

from __future__ import annotations

from ecslint.adapters.terraform.evaluate import JSON_TAG, Scope, Text, evaluate, is_known, node_at
from ecslint.hcl import Block, Literal, Span, Template
from ecslint.read import ParseError, parse, quote_placeholders
from ecslint.tree import Node

_TEMPLATE_END = "ECSLINT_TEMPLATE_END"


def _placed(root: Node, origin: tuple[str, int, int]) -> Node:
    """The nodes of JSON read from a text moved to where that text is written."""
    path, first_line, indent = origin
    pending = [root]
    while pending:
        node = pending.pop()
        node.line += first_line - 1
        node.end_line += first_line - 1
        node.col += indent
        node.end_col += indent
        node.file = path
        if node.is_map:
            pending.extend(node.value.values())
            pending.extend((node.keys or {}).values())  # the JSON reader's key nodes are nodes of their own
        elif node.is_seq:
            pending.extend(node.value)
    return root


def _collapsed(root: Node, at: Node) -> Node:
    """The nodes of JSON read from a quoted string, all at the string (their own places are not kept)."""
    pending = [root]
    while pending:
        node = pending.pop()
        node.line, node.col, node.end_line, node.end_col, node.file = at.line, at.col, at.end_line, at.end_col, at.file
        if node.is_map:
            pending.extend(node.value.values())
            pending.extend((node.keys or {}).values())
        elif node.is_seq:
            pending.extend(node.value)
    return root


def decode_json(node: Node) -> Node | None:
    """The structure a JSON value holds: what ``jsonencode`` encoded, or JSON text read with its
    places; None when it is unknown or not JSON."""
    if not is_known(node):
        return None
    if node.tag == JSON_TAG:
        return Node(node.value, node.line, node.col, node.end_line, node.end_col, node.keys, None, node.file)
    text = node.value
    if not isinstance(text, str):
        return None
    try:
        root = parse(quote_placeholders(text), "json").roots[0]
    except (ParseError, RecursionError):
        return None
    origin = getattr(text, "origin", None)
    return _placed(root, origin) if origin is not None else _collapsed(root, node)


def render_template(text: str, names: dict[str, Node], span: Span, scope: Scope) -> Node | None:
    """A template's text rendered with the given variables (unknown ones stay ``${...}`` in it), at
    ``span``; it keeps the place its text is written at. None when it uses directives (``%{ for }``)
    or does not parse."""
    from ecslint.hcl import parse as parse_hcl

    origin = getattr(text, "origin", None)
    if _TEMPLATE_END in text:
        return None
    where = origin[0] if origin is not None else scope.file
    try:
        expr = parse_hcl(f"x = <<{_TEMPLATE_END}\n{text}\n{_TEMPLATE_END}\n", where).body.attributes["x"].expr
    except (ParseError, KeyError):
        return None
    if isinstance(expr, Template):
        rendered = evaluate(expr, Scope(scope.module, where, scope.home, names, scope.depth + 1))
        if not is_known(rendered):
            return None
        value = str(rendered.value)
    elif isinstance(expr, Literal):
        value = str(expr.value)
    else:
        return None
    value = value.removesuffix("\n")
    return node_at(span, Text(value, origin) if origin is not None else value, scope)


# --- aws_iam_policy_document --------------------------------------------------------------------

_STATEMENT_LISTS = {"actions": "Action", "not_actions": "NotAction", "resources": "Resource",
                    "not_resources": "NotResource"}


def _at(span: Span, value: object, scope: Scope, keys: dict[str, Node] | None = None) -> Node:
    return node_at(span, value, scope, keys)


def _member(members: dict[str, Node], keys: dict[str, Node], name: str, value: Node, key: Span, scope: Scope) -> None:
    members[name] = value
    keys[name] = _at(key, name, scope)


def _principals(blocks: list[Block], scope: Scope) -> Node | None:
    """``principals { type, identifiers }`` blocks as a policy's ``Principal`` (None: unknown)."""
    members: dict[str, Node] = {}
    keys: dict[str, Node] = {}
    for block in blocks:
        kind = block.body.attributes.get("type")
        identifiers = block.body.attributes.get("identifiers")
        if kind is None or identifiers is None:
            return None
        kind_node, values = evaluate(kind.expr, scope), evaluate(identifiers.expr, scope)
        if not is_known(kind_node) or not isinstance(kind_node.value, str):
            return None
        if kind_node.value == "*":
            return _at(block.head, "*", scope)
        previous = members.get(kind_node.value)
        if previous is not None and previous.is_seq and values.is_seq:
            values = _at(block.span, previous.value + values.value, scope)
        _member(members, keys, kind_node.value, values, kind.key, scope)
    return _at(blocks[0].span, members, scope, keys)


def _conditions(blocks: list[Block], scope: Scope) -> Node | None:
    members: dict[str, Node] = {}
    keys: dict[str, Node] = {}
    for block in blocks:
        parts = [block.body.attributes.get(name) for name in ("test", "variable", "values")]
        if any(p is None for p in parts):
            return None
        test, variable, values = (evaluate(p.expr, scope) for p in parts)  # type: ignore[union-attr]
        if not is_known(test) or not is_known(variable) or not isinstance(test.value, str) or \
                not isinstance(variable.value, str):
            return None
        operator = members.setdefault(test.value, _at(block.span, {}, scope, {}))
        operator.value[variable.value] = values
        operator.keys[variable.value] = _at(block.head, variable.value, scope)  # type: ignore[index]
        keys.setdefault(test.value, _at(block.head, test.value, scope))
    return _at(blocks[0].span, members, scope, keys)


def _statement(block: Block, scope: Scope) -> Node | None:
    body = block.body
    members: dict[str, Node] = {}
    keys: dict[str, Node] = {}
    for name, attribute in body.attributes.items():
        value = evaluate(attribute.expr, scope)
        if name == "sid":
            _member(members, keys, "Sid", value, attribute.key, scope)
        elif name == "effect":
            _member(members, keys, "Effect", value, attribute.key, scope)
        elif name in _STATEMENT_LISTS:
            _member(members, keys, _STATEMENT_LISTS[name], value, attribute.key, scope)
    members.setdefault("Effect", _at(block.head, "Allow", scope))
    for kind, name in (("principals", "Principal"), ("not_principals", "NotPrincipal"), ("condition", "Condition")):
        blocks = body.blocks_of(kind)
        if blocks:
            value = (_conditions if kind == "condition" else _principals)(blocks, scope)
            if value is None:
                return None
            _member(members, keys, name, value, blocks[0].head, scope)
    return _at(block.span, members, scope, keys)


def policy_document(block: Block, scope: Scope) -> Node | None:
    """The JSON an ``aws_iam_policy_document`` data source gives, as a jsonencode'd structure; None
    when it merges other documents (``source_policy_documents``...) or a part is unknown."""
    body = block.body
    if any(name in body.attributes for name in ("source_json", "override_json", "source_policy_documents",
                                                 "override_policy_documents")):
        return None
    if any(b.type == "dynamic" for b in body.blocks):
        return None
    statements = [_statement(b, scope) for b in body.blocks_of("statement")]
    if any(s is None for s in statements):
        return None
    members = {"Version": _at(block.head, "2012-10-17", scope), "Statement": _at(block.span, statements, scope)}
    keys = {name: _at(block.head, name, scope) for name in members}
    return node_at(block.span, members, scope, keys, JSON_TAG)

