"""Terraform's native syntax (HCL) read with tree-sitter into a small syntax tree: bodies of
attributes and blocks, and expressions that keep their source text and their positions.

Nothing is evaluated here (:mod:`ecslint.adapters.terraform.evaluate` does that, with a module's
variables and locals). tree-sitter is imported on the first ``.tf`` file, never for a run without
one. Positions are 1-based lines and character columns: tree-sitter counts
columns in bytes, which are converted, so a finding after a non-ASCII character is still at the
right column. A file with a syntax error is a :class:`~ecslint.read.ParseError` at its first error.
"""

from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Union

from ecslint.read import MAX_VALUES, TOO_MANY_VALUES, ParseError

# Expressions nested deeper than this are refused: no Terraform configuration nests so deep, and
# reading one more level costs a few frames of Python's stack.
MAX_NESTING = 128
# tree-sitter's tree takes about 80 times the size of the file in memory: a Terraform file is refused
# beyond this (real ones are a few hundred KiB at most), so a hostile one cannot take gigabytes.
MAX_BYTES = 2 * 1024 * 1024
TOO_LARGE = f"Terraform file too large (the limit is {MAX_BYTES // (1024 * 1024)} MiB)"


@dataclass(frozen=True)
class Span:
    line: int
    col: int
    end_line: int
    end_col: int


@dataclass(eq=False)
class Expr:
    """An expression as written: its source text (to show it, and to tell two equal expressions) and place."""

    span: Span
    text: str


@dataclass(eq=False)
class Literal(Expr):
    value: Any  # str, int, float, bool or None
    heredoc: Heredoc | None = None


@dataclass(frozen=True)
class Heredoc:
    """Where a heredoc's text starts (the line after ``<<EOT``), and the indentation a ``<<-``
    heredoc removed from its lines: the columns its value's text has lost."""

    line: int
    indent: int


@dataclass(eq=False)
class Template(Expr):
    """A quoted string or a heredoc: literal text and interpolated expressions. ``directives`` is true
    when it uses ``%{ if }`` or ``%{ for }``, which are not evaluated."""

    parts: list[Union[str, Expr]]
    directives: bool = False
    heredoc: Heredoc | None = None


@dataclass(eq=False)
class TupleExpr(Expr):
    items: list[Expr]


@dataclass(eq=False)
class ObjectExpr(Expr):
    items: list[tuple[Expr, Expr]]  # (key, value); a bare key is a Variable


@dataclass(eq=False)
class Variable(Expr):
    name: str


@dataclass(eq=False)
class Traversal(Expr):
    """``base`` followed by steps: an attribute name, an index expression, or None for a splat."""

    base: Expr
    steps: list[Union[str, Expr, None]]


@dataclass(eq=False)
class Call(Expr):
    name: str
    args: list[Expr]
    expand: bool = False  # the last argument is followed by ``...``


@dataclass(eq=False)
class Conditional(Expr):
    condition: Expr
    then: Expr
    other: Expr


@dataclass(eq=False)
class Operation(Expr):
    operator: str
    operands: list[Expr]


@dataclass(eq=False)
class Opaque(Expr):
    """An expression that is never evaluated (a ``for`` expression): always unknown."""


@dataclass(eq=False)
class Attribute:
    name: str
    expr: Expr
    key: Span  # where the name is
    span: Span  # the whole ``name = value``


@dataclass(eq=False)
class Block:
    type: str
    labels: list[str]
    body: Body
    span: Span  # the whole block
    head: Span  # its type and labels


@dataclass(eq=False)
class Body:
    attributes: dict[str, Attribute] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)
    duplicates: list[tuple[Attribute, Attribute]] = field(default_factory=list)  # (first, again)

    def blocks_of(self, kind: str) -> list[Block]:
        return [block for block in self.blocks if block.type == kind]


@dataclass(eq=False)
class Comment:
    line: int
    col: int
    end_line: int
    text: str


@dataclass(eq=False)
class HclFile:
    """One parsed ``.tf`` file; ``duplicates``: keys an object constructor gives again (key, first, again)."""

    path: str
    text: str
    body: Body
    comments: list[Comment]
    duplicates: list[tuple[str, Span, Span]] = field(default_factory=list)


@lru_cache(maxsize=1)
def _parser() -> Any:
    import tree_sitter
    import tree_sitter_hcl

    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_hcl.language()))


class _Positions:
    """Byte positions (tree-sitter's) to 1-based character columns."""

    def __init__(self, data: bytes) -> None:
        self.lines = data.split(b"\n")
        self.starts = list(itertools.accumulate((len(line) + 1 for line in self.lines[:-1]), initial=0))
        self.ascii = [line.isascii() for line in self.lines]

    def row_of(self, offset: int) -> int:
        """The 0-based row of a byte offset."""
        return bisect.bisect_right(self.starts, offset) - 1

    def col(self, row: int, byte_col: int) -> int:
        if row >= len(self.lines) or self.ascii[row]:
            return byte_col + 1
        return len(self.lines[row][:byte_col].decode("utf-8", "replace")) + 1

    def span(self, node: Any) -> Span:
        (row, col), (end_row, end_col) = node.start_point, node.end_point
        return Span(row + 1, self.col(row, col), end_row + 1, self.col(end_row, end_col))


_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


def unescape(text: str, backslash: bool = True) -> str:
    """A template literal's text as its value: ``$${`` and ``%%{``, and in a quoted string ``\\n``,
    ``\\"``, ``\\uNNNN`` and the other backslash escapes."""
    if ("\\" not in text or not backslash) and "$${" not in text and "%%{" not in text:
        return text
    out, i = [], 0
    while i < len(text):
        char = text[i]
        if backslash and char == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            width = 4 if nxt == "u" else 8 if nxt == "U" else 0
            digits = text[i + 2 : i + 2 + width]
            if width and len(digits) == width and all(c in "0123456789abcdefABCDEF" for c in digits):
                code = int(digits, 16)
                out.append(chr(code) if code <= 0x10FFFF else "\ufffd")
                i += 2 + width
                continue
            if nxt in _ESCAPES:
                out.append(_ESCAPES[nxt])
                i += 2
                continue
        if text.startswith(("$${", "%%{"), i):
            out.append(text[i + 1 : i + 3])
            i += 3
            continue
        out.append(char)
        i += 1
    return "".join(out)


class _Reader:
    """One file's tree-sitter tree to the syntax tree."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.positions = _Positions(data)
        self.comments: list[Comment] = []
        self.duplicates: list[tuple[str, Span, Span]] = []  # keys an object constructor gives twice
        self.values = 0

    def text(self, node: Any) -> str:
        return self.data[node.start_byte : node.end_byte].decode("utf-8", "replace")

    def span(self, node: Any) -> Span:
        return self.positions.span(node)

    # Bodies -------------------------------------------------------------------------------------

    def body(self, node: Any | None, depth: int) -> Body:
        body = Body()
        for child in node.named_children if node is not None else ():
            if child.type == "attribute":
                attribute = self.attribute(child, depth)
                first = body.attributes.get(attribute.name)
                if first is not None:
                    body.duplicates.append((first, attribute))
                body.attributes[attribute.name] = attribute
            elif child.type == "block":
                body.blocks.append(self.block(child, depth))
        return body

    def attribute(self, node: Any, depth: int) -> Attribute:
        name_node = node.named_children[0]
        expression = next(c for c in node.named_children[1:] if c.type == "expression")
        return Attribute(self.text(name_node), self.expr(expression, depth + 1), self.span(name_node), self.span(node))

    def block(self, node: Any, depth: int) -> Block:
        if depth > MAX_NESTING:
            raise ParseError(f"blocks nested more than {MAX_NESTING} deep", *self._start(node))
        kind, labels, body, head_end = "", [], None, node
        for child in node.named_children:
            if child.type == "identifier" and not kind:
                kind, head_end = self.text(child), child
            elif child.type in ("string_lit", "identifier"):
                labels.append(unescape(self._string_text(child)) if child.type == "string_lit" else self.text(child))
                head_end = child
            elif child.type == "body":
                body = child
        start, end = self.span(node), self.span(head_end)
        return Block(kind, labels, self.body(body, depth + 1), start,
                     Span(start.line, start.col, end.end_line, end.end_col))

    def collect_comments(self, root: Any) -> None:
        """Every comment of the file, wherever it is (between blocks, inside an expression), in order."""
        cursor = root.walk()
        while True:
            node = cursor.node
            if node.type == "comment":
                span = self.span(node)
                self.comments.append(Comment(span.line, span.col, span.end_line, self.text(node)))
            if node.type != "comment" and cursor.goto_first_child():
                continue
            while not cursor.goto_next_sibling():
                if not cursor.goto_parent():
                    return

    def _string_text(self, node: Any) -> str:
        return "".join(self.text(c) for c in node.named_children if c.type == "template_literal")

    @staticmethod
    def _start(node: Any) -> tuple[int, int]:
        return node.start_point[0] + 1, node.start_point[1] + 1

    # Expressions --------------------------------------------------------------------------------

    def expr(self, node: Any, depth: int) -> Expr:
        if depth > MAX_NESTING:
            raise ParseError(f"expressions nested more than {MAX_NESTING} deep", *self._start(node))
        self.values += 1
        if self.values > MAX_VALUES:
            raise ParseError(TOO_MANY_VALUES, *self._start(node))
        kind = node.type
        span, text = self.span(node), self.text(node)
        if kind == "expression":
            return self.term([c for c in node.named_children if c.type != "comment"], span, text, depth)
        if kind == "literal_value":
            return self.literal(node.named_children[0], span, text)
        if kind in ("template_expr",):
            return self.expr(node.named_children[0], depth + 1)
        if kind in ("quoted_template", "string_lit"):
            return self.template(node, span, text, depth, heredoc=False)
        if kind == "heredoc_template":
            return self.template(node, span, text, depth, heredoc=True)
        if kind == "collection_value":
            return self.expr(node.named_children[0], depth + 1)
        if kind == "tuple":
            items = [self.expr(c, depth + 1) for c in node.named_children if c.type == "expression"]
            return TupleExpr(span, _compact(text), items)
        if kind == "object":
            pairs = []
            seen: dict[str, Expr] = {}
            for element in node.named_children:
                if element.type == "object_elem":
                    parts = [c for c in element.named_children if c.type == "expression"]
                    if len(parts) == 2:
                        key = self.expr(parts[0], depth + 1)
                        self._once(key, seen)
                        pairs.append((key, self.expr(parts[1], depth + 1)))
            return ObjectExpr(span, _compact(text), pairs)
        if kind == "variable_expr":
            return Variable(span, text, text)
        if kind == "function_call":
            name = self.text(node.named_children[0])
            arguments = next((c for c in node.named_children if c.type == "function_arguments"), None)
            args = [self.expr(c, depth + 1) for c in arguments.named_children if c.type == "expression"] \
                if arguments is not None else []
            expand = arguments is not None and any(c.type == "expand_final" for c in arguments.children)
            return Call(span, _compact(text), name, args, expand)
        if kind == "conditional":
            parts = [self.expr(c, depth + 1) for c in node.named_children if c.type == "expression"]
            if len(parts) == 3:
                return Conditional(span, _compact(text), *parts)
            return Opaque(span, _compact(text))
        if kind == "operation":
            return self.expr(node.named_children[0], depth + 1)
        if kind in ("unary_operation", "binary_operation"):
            operator = next((c for c in node.children if not c.is_named and c.type not in ("(", ")")), None)
            if operator is None:
                return Opaque(span, _compact(text))
            parts = [c for c in node.children if c.is_named and c.type != "comment"]
            sides = [[c for c in parts if c.end_byte <= operator.start_byte],
                     [c for c in parts if c.start_byte >= operator.end_byte]]
            operands = [self.term(side, self._span_of(side), self._text_of(side), depth) for side in sides if side]
            return Operation(span, _compact(text), self.text(operator), operands)
        return Opaque(span, _compact(text))  # for expressions, and anything newer than this reader

    def _once(self, key: Expr, seen: dict[str, Expr]) -> None:
        """Note a key an object constructor gives again: Terraform accepts it, and the last value wins."""
        name = key.name if isinstance(key, Variable) else key.value if isinstance(key, Literal) and \
            isinstance(key.value, str) else None
        if name is None:
            return
        first = seen.setdefault(name, key)
        if first is not key:
            self.duplicates.append((name, first.span, key.span))

    def term(self, nodes: list[Any], span: Span, text: str, depth: int) -> Expr:
        """A term and the traversal steps that follow it (``var.x[0].id``): tree-sitter gives them as siblings."""
        if not nodes:
            return Opaque(span, text)
        base = self.expr(nodes[0], depth + 1)
        steps = [step for child in nodes[1:] for step in self.steps(child, depth)]
        if not steps:
            return base
        if isinstance(base, Traversal):
            return Traversal(span, _compact(text), base.base, base.steps + steps)
        return Traversal(span, _compact(text), base, steps)

    def _span_of(self, nodes: list[Any]) -> Span:
        first, last = self.span(nodes[0]), self.span(nodes[-1])
        return Span(first.line, first.col, last.end_line, last.end_col)

    def _text_of(self, nodes: list[Any]) -> str:
        return self.data[nodes[0].start_byte : nodes[-1].end_byte].decode("utf-8", "replace")

    def steps(self, node: Any, depth: int) -> list[Union[str, Expr, None]]:
        """The traversal steps one postfix node adds: ``.name``, ``[index]``, ``.0``, ``.*``, ``[*]``."""
        kind = node.type
        if kind == "get_attr":
            return [self.text(node.named_children[0])]
        if kind == "index":
            inner = node.named_children[0]
            if inner.type == "new_index":
                expression = next(c for c in inner.named_children if c.type == "expression")
                return [self.expr(expression, depth + 1)]
            digits = self.text(inner).lstrip(".")
            return [Literal(self.span(inner), digits, int(digits) if digits.isdigit() else digits)]
        if kind == "splat":
            inner = node.named_children[0]
            return [None] + [step for child in inner.named_children for step in self.steps(child, depth)]
        return [None]

    def literal(self, node: Any, span: Span, text: str) -> Expr:
        kind = node.type
        if kind == "numeric_lit":
            try:
                value: Any = int(text) if text.isdigit() else float(text)
            except ValueError:
                return Opaque(span, text)
            return Literal(span, text, value)
        if kind == "bool_lit":
            return Literal(span, text, text == "true")
        if kind == "null_lit":
            return Literal(span, text, None)
        return self.template(node, span, text, 0, heredoc=False)

    def template(self, node: Any, span: Span, text: str, depth: int, heredoc: bool) -> Expr:
        """A string or heredoc, read from the file's bytes between its delimiters (tree-sitter leaves
        some whitespace out of its literal nodes)."""
        children = node.named_children
        inner = [c for c in children if c.type in ("template_interpolation", "template_directive")]
        if heredoc:
            marks = [c for c in children if c.type == "heredoc_identifier"]
            start = self.data.find(b"\n", marks[0].end_byte) + 1 if marks else node.end_byte
            end = self.data.rfind(b"\n", start, marks[-1].start_byte) + 1 if len(marks) > 1 else node.end_byte
            start = min(start, end) if start else end
        else:  # between the quotes (the first and last children)
            start = children[0].end_byte if children and children[0].type == "quoted_template_start" \
                else node.start_byte
            end = children[-1].start_byte if children and children[-1].type == "quoted_template_end" \
                else node.end_byte
        parts: list[Union[str, Expr]] = []
        at = start
        for child in inner:
            parts.append(self.data[at : child.start_byte].decode("utf-8", "replace"))
            if child.type == "template_interpolation":
                expression = next((c for c in child.named_children if c.type == "expression"), None)
                parts.append(self.expr(expression, depth + 1) if expression is not None else
                             Opaque(self.span(child), ""))
            at = child.end_byte
        parts.append(self.data[at:end].decode("utf-8", "replace"))
        parts = [unescape(p, backslash=not heredoc) if isinstance(p, str) else p for p in parts]
        where = None
        if heredoc:
            indent = _shared_indent(parts) if text.startswith("<<-") else 0
            parts = _dedent(parts, indent) if indent else parts
            where = Heredoc(self.positions.row_of(start) + 1, indent)
        parts = [p for p in parts if p != ""]
        if not inner:
            return Literal(span, text, "".join(parts), where)  # type: ignore[arg-type]
        return Template(span, _compact(text), parts, any(c.type == "template_directive" for c in inner), where)


def _shared_indent(parts: list[Union[str, Expr]]) -> int:
    """The indentation every non-blank line of a heredoc has (interpolations count as text)."""
    lines = "".join(p if isinstance(p, str) else "\x00" for p in parts).split("\n")
    indents = [len(line) - len(line.lstrip(" \t")) for line in lines if line.strip(" \t")]
    return min(indents) if indents else 0


def _dedent(parts: list[Union[str, Expr]], cut: int) -> list[Union[str, Expr]]:
    """A ``<<-`` heredoc's parts with ``cut`` characters of indentation removed from each line."""
    out: list[Union[str, Expr]] = []
    line_start = True
    for part in parts:
        if not isinstance(part, str):
            out.append(part)
            line_start = False
            continue
        lines = part.split("\n")
        out.append("\n".join(line[cut:] if (index or line_start) else line for index, line in enumerate(lines)))
        line_start = lines[-1] == "" and (len(lines) > 1 or line_start)
    return out


def _compact(text: str) -> str:
    """An expression's text with its whitespace collapsed, so equal expressions compare equal."""
    return " ".join(text.split()) if len(text) < 4096 else text[:4096]


def _first_error(node: Any) -> Any | None:
    """The first ERROR or MISSING node under ``node``, without recursion."""
    pending = [node]
    while pending:
        current = pending.pop()
        if current.is_error or current.is_missing:
            return current
        if current.has_error:
            pending.extend(reversed(current.children))
    return None


def _first_duplicate(body: Body) -> tuple[Attribute, Attribute] | None:
    """The first argument set twice in one body (of any block), if any."""
    pending = [body]
    found: list[tuple[Attribute, Attribute]] = []
    while pending:
        current = pending.pop()
        found.extend(current.duplicates)
        pending.extend(block.body for block in current.blocks)
    return min(found, key=lambda pair: (pair[1].key.line, pair[1].key.col)) if found else None


def parse(text: str, path: str) -> HclFile:
    """Parse a ``.tf`` file; :class:`ParseError` at the first syntax error."""
    data = text.encode("utf-8", "surrogatepass")
    if len(data) > MAX_BYTES:
        raise ParseError(TOO_LARGE)
    tree = _parser().parse(data)
    root = tree.root_node
    reader = _Reader(data)
    if root.has_error:
        error = _first_error(root)
        if error is not None:
            span = reader.span(error)
            found = reader.text(error).strip().splitlines()
            what = f"missing {error.type!r}" if error.is_missing else \
                f"unexpected {found[0][:40]!r}" if found else "unexpected end of file"
            raise ParseError(f"Terraform syntax error: {what}", span.line, span.col)
    body_node = next((c for c in root.named_children if c.type == "body"), None)
    body = reader.body(body_node, 0)
    duplicate = _first_duplicate(body)
    if duplicate is not None:
        first, again = duplicate
        raise ParseError(f"the argument '{again.name}' is set again (first at line {first.key.line}); Terraform "
                         "rejects this with \"Attribute redefined ... Each argument may be set only once.\"",
                         again.key.line, again.key.col)
    if b"#" in data or b"/" in data:
        reader.collect_comments(root)
    return HclFile(path, text, body, reader.comments, reader.duplicates)
