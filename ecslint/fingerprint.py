"""Fingerprints: what identifies a finding across commits, whatever moves around it.

A finding's fingerprint hashes its rule, its file as the repository names it (as SARIF URIs do),
its logical location (the object and the member path of the flagged node, see
:func:`logical_location`) and its message with every number written ``#`` (messages may say
"first at line 12"). No line or column goes in, so inserting lines above a finding, or reformatting
its file, keeps its fingerprint. Findings that share one (the same problem twice in one place) are
told apart by counting: the baseline stores counts, SARIF numbers them (``<fingerprint>:<n>``).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any, Iterable, Iterator

from ecslint.findings import Finding
from ecslint.tree import Node

_NUMBER = re.compile(r"\d+")


def member_paths(root: Node) -> dict[int, str]:
    """Every node under ``root`` (by ``id``) with its member path from ``root``:
    ``containerDefinitions[name=web].portMappings[0].hostPort``; a key node ends in `` (key)``.
    A list item that is a mapping with a string ``name`` (or ``Name``) is named by it, so
    reordering a list keeps the paths of its items."""
    paths: dict[int, str] = {}
    stack = [(root, "")]
    while stack:
        node, path = stack.pop()
        if id(node) in paths:
            continue  # reached again (a YAML alias): the first path stays
        paths[id(node)] = path
        if node.is_map:
            for key, child in node.value.items():
                child_path = f"{path}.{key}" if path else key
                stack.append((child, child_path))
                key_node = node.keys.get(key) if node.keys else None
                if key_node is not None:
                    paths.setdefault(id(key_node), f"{child_path} (key)")
        else:
            for index, child in enumerate(node.elements()):
                name = child.get("name") or child.get("Name")
                label = f"name={name.value}" if name is not None and isinstance(name.value, str) else str(index)
                stack.append((child, f"{path}[{label}]"))
    return paths


class Locator:
    """The logical location of the nodes that checks flag on model objects, with each object's
    member paths computed once, when a finding first needs them."""

    def __init__(self) -> None:
        self._paths: dict[int, tuple[Any, dict[int, str]]] = {}

    def where(self, obj: Any, node: Node) -> str:
        """``<object label> <member path>``; a node outside the object is named by its value."""
        root = getattr(obj, "node", None)
        if root is None:
            return ""
        key = id(obj)
        if key not in self._paths:
            self._paths[key] = (obj, member_paths(root))  # (the object kept, so its id stays its own)
        path = self._paths[key][1].get(id(node))
        if path is None:
            path = f"?={node.value!r}" if node.is_scalar else "?"
        return f"{obj.label} {path}".rstrip()


def fingerprint(finding: Finding, uri: str) -> str:
    """The finding's fingerprint (32 hex digits), ``uri`` being its file as SARIF names it."""
    message = _NUMBER.sub("#", finding.message)
    text = "\0".join((finding.rule, uri, finding.where, message))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def fingerprints(findings: Iterable[Finding], root: Path) -> Iterator[tuple[Finding, str, str]]:
    """Each finding with its file's URI relative to the repository ``root`` and its fingerprint."""
    from ecslint.report.sarif_format import artifact_location

    uris: dict[str, str] = {}
    for finding in findings:
        if finding.path not in uris:
            uris[finding.path] = artifact_location(finding.path, root)["uri"]
        yield finding, uris[finding.path], fingerprint(finding, uris[finding.path])
