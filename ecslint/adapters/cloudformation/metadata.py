"""Suppressions in a template's ``Metadata``, for the whole template or one resource::

    Metadata:
      ecslint:
        ignore: [ECS201, {id: ECS303, reason: one role on purpose}]
      cfn-lint:
        config:
          ignore_checks: [E3047]   # also suppresses the ecslint rules that check the same (ECS202)
"""

from __future__ import annotations

from typing import Iterator

from ecslint.adapters.cloudformation import resources_of
from ecslint.suppress import Suppression
from ecslint.tree import Node


def _entries(metadata: Node) -> Iterator[tuple[Node, str, str | None]]:
    """Each ignored rule: its node, its id, and the tool whose id it is (None: ecslint's)."""
    ignore = metadata.at("ecslint", "ignore")
    for item in ignore.elements() if ignore is not None else []:
        node = item.get("id") if item.is_map else item
        if node is not None and isinstance(node.value, str):
            yield node, node.value, None
    checks = metadata.at("cfn-lint", "config", "ignore_checks")
    for item in checks.elements() if checks is not None else []:
        if isinstance(item.value, str):
            yield item, item.value, "cfn-lint"


def _from(metadata: Node | None, first: int, last: int, where: str) -> list[Suppression]:
    if metadata is None or not metadata.is_map:
        return []
    return [Suppression(node.line, node.col, node.end_col, first, [rule], last=last, foreign=tool, where=where)
            for node, rule, tool in _entries(metadata)]


def suppressions(root: Node) -> list[Suppression]:
    """The template's own suppressions (over the whole file) and each resource's (over its lines)."""
    found = _from(root.get("Metadata"), 1, root.end_line, "in the template")
    resources = resources_of(root)
    for name, resource in resources.items() if resources is not None else []:
        if resource.is_map:
            found += _from(resource.get("Metadata"), resource.line, resource.end_line, f"in resource {name}")
    return found
