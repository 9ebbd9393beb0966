"""The Terraform functions ecslint evaluates: those that build configurations (``jsonencode``,
``file``, ``templatefile``, ``merge``, ``lookup``, ``format``...), on known arguments. Any other
function, or one with an unknown argument it needs, gives an unknown value (None here). Nothing
runs: a template file is read and its ``${...}`` filled in from the call's variables.
"""

from __future__ import annotations

import json
import re
from typing import Any, Callable

from ecslint.adapters.terraform.evaluate import BASE64_TAG, JSON_TAG, Scope, Text, evaluate, is_known, node_at, text_of
from ecslint.hcl import Call
from ecslint.tree import Node

Function = Callable[[Call, list[Node], Scope], "Node | None"]
_FORMAT_VERB = re.compile(r"%(?:%|[-+# 0]*\d*(?:\.\d+)?([sdvqft]))")


def _all_known(args: list[Node]) -> bool:
    return all(is_known(a) for a in args)


def _plain_of(node: Node) -> Node:
    """A jsonencode'd value as the structure it encodes (a copy without the tag)."""
    return Node(node.value, node.line, node.col, node.end_line, node.end_col, node.keys, None, node.file)


def _jsonencode(call: Call, args: list[Node], scope: Scope) -> Node | None:
    if len(args) != 1 or not is_known(args[0]):
        return None
    value = args[0]
    return Node(value.value, value.line, value.col, value.end_line, value.end_col, value.keys, JSON_TAG, value.file)


def _jsondecode(call: Call, args: list[Node], scope: Scope) -> Node | None:
    from ecslint.adapters.terraform.documents import decode_json

    if len(args) != 1:
        return None
    return _plain_of(args[0]) if args[0].tag == JSON_TAG else decode_json(args[0])


def _file(call: Call, args: list[Node], scope: Scope) -> Node | None:
    path = text_of(args[0]) if len(args) == 1 and is_known(args[0]) else None
    text = scope.module.read_text(path) if path else None
    if text is None:
        return None
    return node_at(call.span, Text(text[1], (text[0], 1, 0)), scope)


def _templatefile(call: Call, args: list[Node], scope: Scope) -> Node | None:
    """The template file rendered with the call's variables; unknown ones stay ``${...}`` in the text."""
    from ecslint.adapters.terraform.documents import render_template

    if len(args) != 2 or not is_known(args[0]):
        return None
    path = text_of(args[0])
    read = scope.module.read_text(path) if path else None
    if read is None:
        return None
    names = dict(args[1].value) if args[1].is_map and is_known(args[1]) else {}
    return render_template(Text(read[1], (read[0], 1, 0)), names, call.span, scope)


def _merge(call: Call, args: list[Node], scope: Scope) -> Node | None:
    if not _all_known(args) or not all(a.is_map or a.value is None for a in args):
        return None
    members: dict[str, Node] = {}
    keys: dict[str, Node] = {}
    for arg in args:
        for key, value in arg.items():
            members[key] = value
            keys[key] = arg.keys[key] if arg.keys and key in arg.keys else value
    return node_at(call.span, members, scope, keys)


def _concat(call: Call, args: list[Node], scope: Scope) -> Node | None:
    if not _all_known(args) or not all(a.is_seq for a in args):
        return None
    return node_at(call.span, [item for arg in args for item in arg.value], scope)


def _lookup(call: Call, args: list[Node], scope: Scope) -> Node | None:
    if len(args) not in (2, 3) or not is_known(args[0]) or not is_known(args[1]) or not args[0].is_map:
        return None
    key = text_of(args[1])
    found = args[0].get(key) if key is not None else None
    if found is not None:
        return found
    return args[2] if len(args) == 3 else None


def _element(call: Call, args: list[Node], scope: Scope) -> Node | None:
    if len(args) != 2 or not _all_known(args) or not args[0].is_seq or not args[0].value:
        return None
    index = args[1].value
    if isinstance(index, bool) or not isinstance(index, (int, float)):
        return None
    return args[0].value[int(index) % len(args[0].value)]


def _coalesce(call: Call, args: list[Node], scope: Scope) -> Node | None:
    for arg in args:
        if not is_known(arg):
            return None
        if arg.value not in (None, ""):
            return arg
    return None


def _try(call: Call, args: list[Node], scope: Scope) -> Node | None:
    """The first argument when it is known (an error in it, which would pick the next, is not foreseen)."""
    return args[0] if args and is_known(args[0]) else None


def _format(call: Call, args: list[Node], scope: Scope) -> Node | None:
    if not args or not _all_known(args) or not isinstance(args[0].value, str):
        return None
    values = iter(args[1:])
    failed = False

    def substitute(match: re.Match) -> str:
        nonlocal failed
        if match.group(0) == "%%":
            return "%"
        value = next(values, None)
        text = text_of(value) if value is not None else None
        if text is None or match.group(1) not in ("s", "d", "v"):
            failed = True
            return ""
        return text

    result = _FORMAT_VERB.sub(substitute, args[0].value)
    return None if failed else node_at(call.span, result, scope)


def _join(call: Call, args: list[Node], scope: Scope) -> Node | None:
    if len(args) < 2 or not _all_known(args) or not all(a.is_seq for a in args[1:]):
        return None
    parts = [text_of(item) for arg in args[1:] for item in arg.value]
    if any(p is None or not is_known(item) for p, item in zip(parts, [i for a in args[1:] for i in a.value])):
        return None
    separator = text_of(args[0])
    return node_at(call.span, separator.join(parts), scope) if separator is not None else None  # type: ignore


def _split(call: Call, args: list[Node], scope: Scope) -> Node | None:
    if len(args) != 2 or not _all_known(args):
        return None
    separator, text = text_of(args[0]), text_of(args[1])
    if not separator or text is None:
        return None
    return node_at(call.span, [node_at(call.span, part, scope) for part in text.split(separator)], scope)


def _string(transform: Callable[[str], str]) -> Function:
    def apply(call: Call, args: list[Node], scope: Scope) -> Node | None:
        text = text_of(args[0]) if len(args) == 1 and is_known(args[0]) else None
        return node_at(call.span, transform(text), scope) if text is not None else None
    return apply


def _replace(call: Call, args: list[Node], scope: Scope) -> Node | None:
    texts = [text_of(a) if is_known(a) else None for a in args]
    if len(texts) != 3 or any(t is None for t in texts):
        return None
    text, old, new = texts  # type: ignore[misc]
    if old.startswith("/") and old.endswith("/") and len(old) > 1:
        return None  # a regular expression: not evaluated
    return node_at(call.span, text.replace(old, new), scope)


def _base64encode(call: Call, args: list[Node], scope: Scope) -> Node | None:
    """The text encoded, tagged as such: user data reads as its text, and is never a literal elsewhere."""
    text = text_of(args[0]) if len(args) == 1 and is_known(args[0]) else None
    return node_at(call.span, text, scope, tag=BASE64_TAG) if text is not None else None


def _identity(call: Call, args: list[Node], scope: Scope) -> Node | None:
    return args[0] if len(args) == 1 and is_known(args[0]) else None


def _tostring(call: Call, args: list[Node], scope: Scope) -> Node | None:
    text = text_of(args[0]) if len(args) == 1 and is_known(args[0]) and args[0].is_scalar else None
    return node_at(call.span, text, scope) if text is not None else None


def _tonumber(call: Call, args: list[Node], scope: Scope) -> Node | None:
    if len(args) != 1 or not is_known(args[0]):
        return None
    value = args[0].value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return args[0]
    try:
        number = json.loads(value) if isinstance(value, str) else None
    except ValueError:
        return None
    return node_at(call.span, number, scope) if isinstance(number, (int, float)) else None


def _tobool(call: Call, args: list[Node], scope: Scope) -> Node | None:
    if len(args) != 1 or not is_known(args[0]):
        return None
    value = args[0].value
    if isinstance(value, bool):
        return args[0]
    return node_at(call.span, value == "true", scope) if value in ("true", "false") else None


def _length(call: Call, args: list[Node], scope: Scope) -> Node | None:
    if len(args) != 1 or not is_known(args[0]):
        return None
    value = args[0].value
    if isinstance(value, (list, dict, str)) and all(is_known(v) for v in (value if isinstance(value, list) else [])):
        return node_at(call.span, len(value), scope)
    return None


def _compact(call: Call, args: list[Node], scope: Scope) -> Node | None:
    if len(args) != 1 or not args[0].is_seq or not all(is_known(i) for i in args[0].value):
        return None
    return node_at(call.span, [i for i in args[0].value if i.value not in (None, "")], scope)


def _flatten(call: Call, args: list[Node], scope: Scope) -> Node | None:
    if len(args) != 1 or not args[0].is_seq:
        return None
    items: list[Node] = []
    pending = list(reversed(args[0].value))
    while pending:
        item = pending.pop()
        if not is_known(item):
            return None
        if item.is_seq:
            pending.extend(reversed(item.value))
        else:
            items.append(item)
    return node_at(call.span, items, scope)


def _extreme(pick: Callable[..., Any]) -> Function:
    def apply(call: Call, args: list[Node], scope: Scope) -> Node | None:
        values = [a.value for a in args if is_known(a)]
        if not values or len(values) != len(args) or \
                not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
            return None
        return node_at(call.span, pick(values), scope)
    return apply


def _contains(call: Call, args: list[Node], scope: Scope) -> Node | None:
    if len(args) != 2 or not args[0].is_seq or not is_known(args[1]) or not all(is_known(i) for i in args[0].value):
        return None
    return node_at(call.span, any(i.value == args[1].value for i in args[0].value), scope)


FUNCTIONS: dict[str, Function] = {
    "jsonencode": _jsonencode, "jsondecode": _jsondecode, "file": _file, "templatefile": _templatefile,
    "merge": _merge, "concat": _concat, "lookup": _lookup, "element": _element, "coalesce": _coalesce,
    "try": _try, "format": _format, "join": _join, "split": _split, "replace": _replace,
    "lower": _string(str.lower), "upper": _string(str.upper), "trimspace": _string(str.strip),
    "chomp": _string(lambda s: s.rstrip("\r\n")), "tostring": _tostring, "tonumber": _tonumber, "tobool": _tobool,
    "tolist": _identity, "toset": _identity, "tomap": _identity, "sensitive": _identity, "nonsensitive": _identity,
    "length": _length, "compact": _compact, "flatten": _flatten, "min": _extreme(min), "max": _extreme(max),
    "contains": _contains, "base64encode": _base64encode,
}


def call(expr: Call, scope: Scope) -> Node | None:
    """The value of a function call, or None when unknown (an unevaluated function, an unknown argument)."""
    function = FUNCTIONS.get(expr.name)
    if function is None or expr.expand:
        return None
    args = [evaluate(arg, scope) for arg in expr.args]
    return function(expr, args, scope)

