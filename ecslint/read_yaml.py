"""YAML read into the positioned tree (:mod:`ecslint.tree`), from libyaml's event stream (PyYAML's
C parser): nothing is constructed from tags, aliases are shared rather than copied, and nesting
depth and alias expansion are bounded. Imported only when a YAML file is read.
"""

from __future__ import annotations

import yaml

from ecslint.read import CFN_SHORT_TAGS, MAX_DEPTH, MAX_VALUES, TOO_MANY_VALUES, Duplicate, ParseError
from ecslint.tree import Node

_VALUE_EVENTS = (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)
_STR_TAG = "tag:yaml.org,2002:str"
_MERGE_TAG = "tag:yaml.org,2002:merge"


class _Frame:
    """A mapping or sequence under construction."""

    __slots__ = ("node", "anchor", "weight", "pending_key", "merges")

    def __init__(self, node: Node, anchor: str | None) -> None:
        self.node = node
        self.anchor = anchor
        self.weight = 1
        self.pending_key: Node | None = None
        self.merges: list[Node] = []


class YamlBuilder:
    """Builds nodes from libyaml events with an explicit stack (no recursion)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.duplicates: list[Duplicate] = []
        self.resolver = yaml.CSafeLoader("")
        self.constructor = yaml.constructor.SafeConstructor()

    def build(self) -> list[Node]:
        roots: list[Node] = []
        anchors: dict[str, tuple[Node, int]] = {}
        stack: list[_Frame] = []
        values = 0
        try:
            for event in yaml.parse(self.text, Loader=yaml.CSafeLoader):
                if isinstance(event, _VALUE_EVENTS):
                    values += 1
                    if values > MAX_VALUES:
                        raise ParseError(TOO_MANY_VALUES, *_mark(event.start_mark))
                if isinstance(event, yaml.ScalarEvent):
                    node = self.scalar(event)
                    self.attach(stack, roots, node, 1, anchors, event.anchor)
                elif isinstance(event, yaml.AliasEvent):
                    if event.anchor not in anchors:
                        raise ParseError(f"invalid YAML: unknown alias *{event.anchor}", *_mark(event.start_mark))
                    node, weight = anchors[event.anchor]
                    values += weight
                    if values > MAX_VALUES:
                        raise ParseError(f"aliases expand to more than {MAX_VALUES:,} values (a YAML bomb?)",
                                         *_mark(event.start_mark))
                    self.attach(stack, roots, node, weight, anchors, None)
                elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                    if len(stack) >= MAX_DEPTH:
                        raise ParseError(f"nesting deeper than {MAX_DEPTH} levels", *_mark(event.start_mark))
                    is_map = isinstance(event, yaml.MappingStartEvent)
                    line, col = _mark(event.start_mark)
                    node = Node({} if is_map else [], line, col, line, col, {} if is_map else None, _custom_tag(event.tag))
                    stack.append(_Frame(node, event.anchor))
                elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                    frame = stack.pop()
                    node = frame.node
                    node.end_line, node.end_col = _mark(event.end_mark)
                    if frame.merges:
                        self.merge(node, frame.merges)
                    self.attach(stack, roots, _long_form(node), frame.weight, anchors, frame.anchor)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
            problem = getattr(exc, "problem", None) or str(exc)
            context = getattr(exc, "context", None)
            message = f"{problem} ({context})" if context else problem
            raise ParseError(f"invalid YAML: {message}", *(_mark(mark) if mark else (1, 1))) from None
        return roots

    def scalar(self, event: yaml.ScalarEvent) -> Node:
        line, col = _mark(event.start_mark)
        end_line, end_col = _mark(event.end_mark)
        tag = event.tag
        custom = _custom_tag(tag)
        if custom is None and tag and tag != "!":  # an explicit standard tag: !!int "5", !!str 5
            value = self.construct(tag, event.value, strict=(line, col))
        elif custom is not None or event.style or tag == "!":  # "!" is YAML's non-specific tag: a string
            value = event.value
        else:
            tag = self.resolver.resolve(yaml.ScalarNode, event.value, event.implicit)
            value = self.construct(tag, event.value)
        node = Node(value, line, col, end_line, end_col, None, custom)
        if tag == _MERGE_TAG:
            node.tag = "<<"
        return _long_form(node)

    def construct(self, tag: str, text: str, strict: tuple[int, int] | None = None):
        """The value of a scalar with a standard tag. ``strict`` (the position of an explicit tag):
        a value the tag cannot take (``!!int abc``) is an error there, as YAML loaders make it."""
        if tag == _STR_TAG or tag.endswith(":timestamp") or tag.endswith(":binary"):
            return text
        constructor = self.constructor.yaml_constructors.get(tag)
        if constructor is None:
            return text
        try:
            return constructor(self.constructor, yaml.ScalarNode(tag, text))
        except (ValueError, TypeError, LookupError, yaml.YAMLError):
            if strict is None:
                return text
            name = tag.rsplit(":", 1)[-1]
            shown = text if len(text) <= 40 else text[:37] + "..."
            raise ParseError(f"invalid YAML: {shown!r} is not a valid !!{name} value", *strict) from None

    def attach(self, stack, roots, node: Node, weight: int, anchors, anchor) -> None:
        if anchor:
            anchors[anchor] = (node, weight)
        if not stack:
            roots.append(node)
            return
        frame = stack[-1]
        frame.weight += weight
        parent = frame.node
        if isinstance(parent.value, list):
            parent.value.append(node)
            return
        if frame.pending_key is None:
            frame.pending_key = node
            return
        key_node, frame.pending_key = frame.pending_key, None
        if key_node.tag == "<<":
            frame.merges.append(node)
            return
        key = key_node.value if isinstance(key_node.value, str) else _key_text(key_node)
        if key in parent.keys:
            self.duplicates.append(Duplicate(key, parent.keys[key], key_node))
            del parent.value[key]
        parent.keys[key] = key_node
        parent.value[key] = node

    @staticmethod
    def merge(node: Node, sources: list[Node]) -> None:
        """Apply ``<<`` merge keys: members given explicitly win over merged ones."""
        mappings: list[Node] = []
        for source in sources:
            mappings.extend(source.elements() if source.is_seq else [source])
        for mapping in mappings:
            for key, value in mapping.items():
                if key not in node.value:
                    node.value[key] = value
                    node.keys[key] = mapping.keys[key]


def _mark(mark) -> tuple[int, int]:
    return mark.line + 1, mark.column + 1


def _custom_tag(tag: str | None) -> str | None:
    """A tag the reader keeps as text (``!Ref``); None for standard and implicit tags."""
    if not tag or tag == "!" or tag.startswith("tag:yaml.org,2002:"):
        return None
    return tag


def _key_text(node: Node) -> str:
    value = node.plain()
    return value if isinstance(value, str) else str(value).lower() if isinstance(value, bool) else str(value)


def _long_form(node: Node) -> Node:
    """``!Ref x`` becomes ``{"Ref": "x"}``; ``!GetAtt a.b`` becomes ``{"Fn::GetAtt": ["a", "b"]}``."""
    name = CFN_SHORT_TAGS.get(node.tag or "")
    if name is None:
        return node
    node.tag = None
    inner = node
    if name == "Fn::GetAtt" and isinstance(node.value, str) and "." in node.value:
        resource, attribute = node.value.split(".", 1)
        inner = Node([Node(resource, node.line, node.col, node.end_line, node.end_col),
                      Node(attribute, node.line, node.col, node.end_line, node.end_col)],
                     node.line, node.col, node.end_line, node.end_col)
    key = Node(name, node.line, node.col, node.line, node.col)
    return Node({name: inner}, node.line, node.col, node.end_line, node.end_col, {name: key})
