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


def member_paths(root: Node, wanted: set[int]) -> dict[int, str]:
    """The member path from ``root`` of each node under it whose ``id`` is in ``wanted``:
    ``containerDefinitions[name=web].portMappings[0].hostPort``; a key node ends in `` (key)``.
    A list item that is a mapping with a string ``name`` (or ``Name``) is named by it, so
    reordering a list keeps the paths of its items. One walk, that keeps only the paths wanted (an
    object of a million values costs no million strings)."""
    found: dict[int, str] = {id(root): ""} if id(root) in wanted else {}
    stack: list[tuple[Iterator[tuple[Node, str, bool]], str]] = [(_members(root), "")]
    while stack and len(found) < len(wanted):
        members, path = stack[-1]
        step = next(members, None)
        if step is None:
            stack.pop()
            continue
        child, label, is_key = step
        child_path = f"{path}{label}" if label.startswith("[") or not path else f"{path}.{label}"
        if id(child) in wanted:
            found.setdefault(id(child), f"{child_path} (key)" if is_key else child_path)
        if not is_key and (child.is_map or child.is_seq):
            stack.append((_members(child), child_path))
    return found


def _members(node: Node) -> Iterator[tuple[Node, str, bool]]:
    """A mapping's keys (as key nodes) and values, or a list's items, with their labels."""
    for key, child in node.items():
        key_node = node.keys.get(key) if node.keys else None
        if key_node is not None:
            yield key_node, key, True
        yield child, key, False
    for index, child in enumerate(node.elements()):
        name = child.get("name") or child.get("Name")
        yield child, f"[name={name.value}]" if name is not None and isinstance(name.value, str) else f"[{index}]", False


def logical_locations(flagged: list[tuple[Any, Node]]) -> list[str]:
    """For each (model object, node it flags): ``<object label> <member path>``, the member path
    computed in one walk of each object; a node outside its object is named by its value."""
    wanted: dict[int, tuple[Any, set[int]]] = {}
    for obj, node in flagged:
        wanted.setdefault(id(obj), (obj, set()))[1].add(id(node))
    paths = {key: member_paths(obj.node, nodes) if isinstance(getattr(obj, "node", None), Node) else {}
             for key, (obj, nodes) in wanted.items()}
    wheres = []
    for obj, node in flagged:
        path = paths[id(obj)].get(id(node))
        if path is None:
            path = f"?={node.value!r}" if node.is_scalar else "?"
        wheres.append(f"{getattr(obj, 'label', '')} {path}".strip())
    return wheres


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
