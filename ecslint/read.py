"""Read JSON and YAML into the positioned tree (:mod:`ecslint.tree`).

JSON is parsed by a small recursive-descent parser that keeps offsets (the standard library's
parser keeps none); strings are decoded by the standard library's C ``scanstring``. YAML is read
by :mod:`ecslint.read_yaml` from libyaml's event stream, with nesting depth and alias expansion
bounded: a deeply nested or exponentially aliased file is an error, never a crash.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from json.decoder import scanstring

from ecslint.tree import Node

MAX_DEPTH = 256
# Values (scalars, mappings, lists, and what aliases expand to) read from one file. A task definition
# is at most 64 KiB and a CloudFormation template at most 1 MB, far fewer values than this; the cap
# bounds the time and memory a hostile file can take.
MAX_VALUES = 500_000
TOO_MANY_VALUES = (f"more than {MAX_VALUES:,} values in one file; ecslint stops reading it there (a task "
                   "definition is at most 64 KiB, a CloudFormation template at most 1 MB)")

# CloudFormation's YAML short forms and the long form each one stands for.
CFN_SHORT_TAGS = {
    "!Ref": "Ref",
    "!Condition": "Condition",
    **{f"!{name}": f"Fn::{name}" for name in (
        "And", "Base64", "Cidr", "Equals", "FindInMap", "ForEach", "GetAZs", "GetAtt",
        "If", "ImportValue", "Join", "Length", "Not", "Or", "Select", "Split", "Sub",
        "ToJsonString", "Transform",
    )},
}


class ParseError(Exception):
    """A file that is not valid JSON or YAML; ``line``/``col`` are 1-based."""

    def __init__(self, message: str, line: int = 1, col: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.col = col


@dataclass
class Duplicate:
    """A key given twice in one mapping: the later value wins, as it does for AWS."""

    key: str
    first: Node
    again: Node


@dataclass
class Document:
    """One file's content: its documents (YAML may hold several) and what the reader saw;
    ``file``: where it was read on disk (None for standard input and text given in memory)."""

    path: str
    text: str
    fmt: str  # "json", "yaml" or "hcl" ("json-template": a template that is not JSON until rendered)
    roots: list[Node]
    duplicates: list[Duplicate] = field(default_factory=list)
    file: str | None = None


def _utf16(data: bytes) -> str | None:
    """The byte order of UTF-16 text (``utf-16-le``/``-be``), by its BOM or, without one, by the NUL
    bytes that ASCII characters leave in every other byte (as RFC 4627 detects JSON's encoding); a
    UTF-32 text is an error: it is not an encoding JSON, YAML or the AWS CLI read."""
    head = data[:4]
    if head in (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff") or (
            len(head) == 4 and (head[1:] == b"\x00\x00\x00" or head[:3] == b"\x00\x00\x00")):
        raise ParseError("UTF-32 text, which ecslint does not read; save the file as UTF-8")
    if head[:2] == b"\xff\xfe" or (len(head) == 4 and head[1] == head[3] == 0 and head[0] and head[2]):
        return "utf-16-le"
    if head[:2] == b"\xfe\xff" or (len(head) == 4 and head[0] == head[2] == 0 and head[1] and head[3]):
        return "utf-16-be"
    return None


def decode(data: bytes) -> str:
    """Bytes to text: UTF-8 (with or without BOM), UTF-16 (with or without BOM); binary data and
    UTF-32 are errors."""
    encoding = _utf16(data)
    if encoding is not None:
        try:
            return data.decode(encoding).removeprefix("\ufeff")
        except UnicodeDecodeError as exc:
            raise ParseError(f"invalid UTF-16 text: {exc.reason}") from None
    if b"\x00" in data[:8192]:
        raise ParseError("binary data (NUL byte), not a JSON or YAML file", *_byte_position(data, data.index(b"\x00")))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParseError(f"not UTF-8 text (byte 0x{data[exc.start]:02x} cannot be decoded)",
                         *_byte_position(data, exc.start)) from None


_BYTE_LINE_BREAK = re.compile(rb"\r\n?|\n")


def _byte_position(data: bytes, offset: int) -> tuple[int, int]:
    """The 1-based line and column (in characters) of byte ``offset`` of text that is UTF-8 before it."""
    breaks = list(_BYTE_LINE_BREAK.finditer(data, 0, offset))
    start = breaks[-1].end() if breaks else 0
    return len(breaks) + 1, len(data[start:offset].decode("utf-8", "replace")) + 1


def parse(text: str, fmt: str, path: str = "<input>") -> Document:
    """Parse ``text`` as ``fmt`` ("json", "yaml", or "hcl": Terraform, whose one root holds the
    parsed file, :class:`ecslint.hcl.HclFile`)."""
    if fmt == "hcl":
        from ecslint.hcl import parse as parse_hcl

        hcl = parse_hcl(text, path)
        duplicates = [Duplicate(key, Node(key, a.line, a.col, a.end_line, a.end_col),
                                Node(key, b.line, b.col, b.end_line, b.end_col)) for key, a, b in hcl.duplicates]
        return Document(path, text, fmt, [Node(hcl, 1, 1, 1, 1)], duplicates)
    if fmt == "json-template":  # a template of JSON, such as Terraform modules keep container definitions in
        try:
            parser = _JsonParser(quote_placeholders(text))
            return Document(path, text, "json", [parser.parse()], parser.duplicates)
        except ParseError:  # not JSON until it is rendered (%{ for } directives...): nothing to lint
            return Document(path, text, fmt, [])
    if fmt == "json":
        parser = _JsonParser(text)
        root = parser.parse()
        return Document(path, text, fmt, [root], parser.duplicates)
    from ecslint.read_yaml import YamlBuilder  # (PyYAML is imported only for YAML)

    builder = YamlBuilder(text)
    roots = builder.build()
    return Document(path, text, fmt, roots, builder.duplicates)


def quote_placeholders(text: str) -> str:
    """JSON text with each ``${...}`` that stands outside a string quoted (``"cpu": ${cpu}`` becomes
    ``"cpu": "${cpu}"``), so a template of JSON reads as JSON, its placeholders unknown values."""
    if "${" not in text:
        return text
    out: list[str] = []
    i, start, in_string = 0, 0, False
    while i < len(text):
        char = text[i]
        if in_string:
            if char == "\\":
                i += 2
                continue
            in_string = char != '"'
        elif char == '"':
            in_string = True
        elif text.startswith("${", i):
            depth, j = 0, i + 2
            while j < len(text) and (text[j] != "}" or depth):
                depth += {"{": 1, "}": -1}.get(text[j], 0)
                j += 1
            out.append(text[start:i])
            out.append('"' + text[i : j + 1].replace("\\", "\\\\").replace('"', '\\"') + '"')
            i = start = j + 1
            continue
        i += 1
    out.append(text[start:])
    return "".join(out)


def guess_format(text: str, name: str) -> str:
    """HCL for Terraform's ``.tf`` files; JSON for ``.json`` files and for text that starts like JSON;
    YAML otherwise."""
    lower = name.lower()
    if lower.endswith(".tf"):
        return "hcl"
    if lower.endswith(".json.tpl"):
        return "json-template"
    if lower.endswith(".json"):
        return "json"
    if lower.endswith((".yaml", ".yml")):
        return "yaml"
    return "json" if text.lstrip()[:1] in ("{", "[") else "yaml"


_JSON_LINE_BREAK = re.compile("\r\n?|\n")  # as JSON (and editors) count lines: CRLF, CR alone, LF


class _Lines:
    """Offset to 1-based (line, column) conversion."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in _JSON_LINE_BREAK.finditer(text)]

    def pos(self, offset: int) -> tuple[int, int]:
        index = bisect.bisect_right(self.starts, offset) - 1
        return index + 1, offset - self.starts[index] + 1


_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_LITERALS = {"true": True, "false": False, "null": None}


class _JsonParser:
    """A strict JSON parser that records the position of every value and key."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = _Lines(text)
        self.duplicates: list[Duplicate] = []
        self.values = 0

    def error(self, message: str, offset: int) -> ParseError:
        line, col = self.lines.pos(min(offset, len(self.text)))
        return ParseError(message, line, col)

    def node(self, value, start: int, end: int, keys=None) -> Node:
        self.values += 1
        if self.values > MAX_VALUES:
            raise self.error(TOO_MANY_VALUES, start)
        line, col = self.lines.pos(start)
        end_line, end_col = self.lines.pos(end)
        return Node(value, line, col, end_line, end_col, keys)

    def skip(self, i: int) -> int:
        return _WS.match(self.text, i).end()

    def parse(self) -> Node:
        i = self.skip(0)
        if i == len(self.text):
            raise self.error("empty file: expected a JSON value", i)
        node, i = self.value(i, 0)
        i = self.skip(i)
        if i != len(self.text):
            raise self.error("unexpected content after the JSON value", i)
        return node

    def value(self, i: int, depth: int) -> tuple[Node, int]:
        text = self.text
        char = text[i : i + 1]
        if char == "{":
            return self.mapping(i, depth + 1)
        if char == "[":
            return self.sequence(i, depth + 1)
        if char == '"':
            return self.string(i)
        match = _NUMBER.match(text, i)
        if match and match.end() > i:
            literal = match.group()
            number = float(literal) if match.group(1) or match.group(2) else int(literal)
            return self.node(number, i, match.end()), match.end()
        for word, constant in _LITERALS.items():
            if text.startswith(word, i):
                return self.node(constant, i, i + len(word)), i + len(word)
        if not char:
            raise self.error("unexpected end of file: expected a value", i)
        raise self.error(f"expected a value, found {char!r}", i)

    def string(self, i: int) -> tuple[Node, int]:
        try:
            value, end = scanstring(self.text, i + 1, True)
        except ValueError as exc:
            offset = getattr(exc, "pos", i)
            message = getattr(exc, "msg", str(exc)).removesuffix(" at")
            raise self.error(f"invalid string: {message.lower()}", offset) from None
        return self.node(value, i, end), end

    def mapping(self, start: int, depth: int) -> tuple[Node, int]:
        if depth > MAX_DEPTH:
            raise self.error(f"nesting deeper than {MAX_DEPTH} levels", start)
        members: dict[str, Node] = {}
        keys: dict[str, Node] = {}
        i = self.skip(start + 1)
        if self.text[i : i + 1] == "}":
            return self.node(members, start, i + 1, keys), i + 1
        while True:
            if self.text[i : i + 1] != '"':
                raise self.error("expected a string key in double quotes", i)
            key_node, i = self.string(i)
            i = self.skip(i)
            if self.text[i : i + 1] != ":":
                raise self.error("expected ':' after the key", i)
            value, i = self.value(self.skip(i + 1), depth)
            key = key_node.value
            if key in keys:
                self.duplicates.append(Duplicate(key, keys[key], key_node))
                del members[key]
            keys[key] = key_node
            members[key] = value
            i = self.skip(i)
            char = self.text[i : i + 1]
            if char == "}":
                return self.node(members, start, i + 1, keys), i + 1
            if char != ",":
                raise self.error("expected ',' or '}' after an object member", i)
            i = self.skip(i + 1)

    def sequence(self, start: int, depth: int) -> tuple[Node, int]:
        if depth > MAX_DEPTH:
            raise self.error(f"nesting deeper than {MAX_DEPTH} levels", start)
        items: list[Node] = []
        i = self.skip(start + 1)
        if self.text[i : i + 1] == "]":
            return self.node(items, start, i + 1), i + 1
        while True:
            item, i = self.value(i, depth)
            items.append(item)
            i = self.skip(i)
            char = self.text[i : i + 1]
            if char == "]":
                return self.node(items, start, i + 1), i + 1
            if char != ",":
                raise self.error("expected ',' or ']' after an array element", i)
            i = self.skip(i + 1)
