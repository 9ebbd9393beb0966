"""The positioned tree: every mapping, key, list item and scalar knows where it came from.

Lines and columns are 1-based; ``end_col`` is the column just after the last character
(the SARIF and LSP convention), so a one-character value spans ``col`` to ``col + 1``.
"""

from __future__ import annotations

from typing import Any, Iterator

Scalar = Any


class Node:
    """One value read from a file, with its position.

    ``value`` is a ``dict[str, Node]`` for a mapping, a ``list[Node]`` for a sequence, and a
    plain Python scalar (str, int, float, bool or None) otherwise. For a mapping, ``keys``
    maps each key to the node of the key itself, so a finding can point at the key.
    ``tag`` keeps a YAML tag such as ``!Ref`` that the reader did not interpret. ``file`` is set
    when the value is written in another file than the object it belongs to (a Terraform variable's
    default, a file the configuration reads with ``file()``): findings on it go to that file.
    """

    __slots__ = ("value", "line", "col", "end_line", "end_col", "keys", "tag", "file")

    def __init__(
        self,
        value: Any,
        line: int,
        col: int,
        end_line: int,
        end_col: int,
        keys: dict[str, Node] | None = None,
        tag: str | None = None,
        file: str | None = None,
    ) -> None:
        self.value = value
        self.line = line
        self.col = col
        self.end_line = end_line
        self.end_col = end_col
        self.keys = keys
        self.tag = tag
        self.file = file

    def __repr__(self) -> str:
        kind = "map" if self.is_map else "seq" if self.is_seq else repr(self.value)
        return f"Node({kind} @{self.line}:{self.col})"

    @property
    def is_map(self) -> bool:
        return isinstance(self.value, dict)

    @property
    def is_seq(self) -> bool:
        return isinstance(self.value, list)

    @property
    def is_scalar(self) -> bool:
        """A JSON scalar: a string, number, boolean or null (an adapter's opaque unknown is none of these)."""
        return self.value is None or isinstance(self.value, (str, int, float, bool))

    def get(self, key: str) -> Node | None:
        """The member ``key`` of a mapping, or None (also when this is not a mapping)."""
        return self.value.get(key) if isinstance(self.value, dict) else None

    def at(self, *path: str | int) -> Node | None:
        """Follow mapping keys and list indices; None as soon as a step is missing."""
        node: Node | None = self
        for step in path:
            if node is None:
                return None
            if isinstance(step, int):
                node = node.value[step] if isinstance(node.value, list) and -len(node.value) <= step < len(node.value) else None
            else:
                node = node.get(step)
        return node

    def key_node(self, key: str) -> Node | None:
        """The node of the key ``key`` itself (to point at a member that should not be there)."""
        return self.keys.get(key) if self.keys is not None else None

    def items(self) -> Iterator[tuple[str, Node]]:
        """Members of a mapping (nothing for other nodes)."""
        if isinstance(self.value, dict):
            yield from self.value.items()

    def elements(self) -> list[Node]:
        """Items of a sequence (empty for other nodes)."""
        return self.value if isinstance(self.value, list) else []

    def plain(self) -> Any:
        """The value as plain Python data (dicts, lists, scalars), without positions."""
        if isinstance(self.value, dict):
            return {k: v.plain() for k, v in self.value.items()}
        if isinstance(self.value, list):
            return [v.plain() for v in self.value]
        return self.value


def as_str(node: Node | None) -> str | None:
    """The node's value if it is a string, else None."""
    return node.value if node is not None and isinstance(node.value, str) else None


def as_int(node: Node | None) -> int | None:
    """The node's value if it is an integer (not a boolean), else None."""
    if node is None or isinstance(node.value, bool) or not isinstance(node.value, int):
        return None
    return node.value


def as_bool(node: Node | None) -> bool | None:
    """The node's value if it is a boolean, else None."""
    return node.value if node is not None and isinstance(node.value, bool) else None


def is_true(node: Node | None) -> bool:
    return as_bool(node) is True
