"""The suppression that ignores a finding where it is, as a text edit of the file it is in.

YAML (templates and workflows included) and Terraform: a ``# ecslint: ignore[ID]`` comment on a
line of its own above the flagged line, with its indentation, or the rule added to the comment
already there. A JSON CloudFormation template: the rule added to the ``Metadata: {ecslint: {ignore:
[...]}}`` of the resource the finding is in. Other JSON has no comments and no place for one: no
edit (``per-file-ignores`` in the configuration switches a rule off for a file).
"""

from __future__ import annotations

import re

from ecslint.adapters.cloudformation import resources_of
from ecslint.edits import WRITERS, member_first
from ecslint.findings import Edit, Finding
from ecslint.read import Document
from ecslint.tree import Node

JSON = WRITERS["json"]
_OWN_LINE_DIRECTIVE = re.compile(r"^[ \t]*(?:#|//)[ \t]*ecslint:[ \t]*ignore\[[^\]]*(?=\])")


def ignore_edit(document: Document, finding: Finding) -> Edit | None:
    """The edit that suppresses ``finding`` in ``document``, or None where the format has no place for one."""
    if document.fmt in ("yaml", "hcl"):
        return _comment_above(document.text, finding)
    if document.fmt == "json" and document.roots:
        return _metadata_entry(document.roots[0], finding.rule, finding.line)
    return None


def _comment_above(text: str, finding: Finding) -> Edit:
    lines = text.splitlines()
    above = lines[finding.line - 2] if 2 <= finding.line <= len(lines) + 1 else ""
    existing = _OWN_LINE_DIRECTIVE.match(above)
    if existing is not None:  # the line above already ignores other rules here: add this one
        col = existing.end() + 1
        return Edit(finding.line - 1, col, finding.line - 1, col, f", {finding.rule}")
    indent = _indent(lines[finding.line - 1] if finding.line <= len(lines) else "")
    newline = "\r\n" if "\r\n" in text else "\n"
    return Edit(finding.line, 1, finding.line, 1, f"{indent}# ecslint: ignore[{finding.rule}]{newline}")


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def _metadata_entry(root: Node, rule: str, line: int) -> Edit | None:
    """The rule added to the ignore list of the template resource that spans ``line``."""
    resources = resources_of(root)
    resource = next((r for r in resources.value.values() if r.is_map and r.line <= line <= r.end_line),
                    None) if resources is not None else None
    if resource is None:
        return None
    metadata = resource.get("Metadata")
    if metadata is None:
        return member_first(resource, f'"Metadata": {{"ecslint": {{"ignore": ["{rule}"]}}}}', JSON)
    ecslint = metadata.get("ecslint")
    if ecslint is None:
        return member_first(metadata, f'"ecslint": {{"ignore": ["{rule}"]}}', JSON) if metadata.is_map else None
    ignore = ecslint.get("ignore")
    if ignore is None:
        return member_first(ecslint, f'"ignore": ["{rule}"]', JSON) if ecslint.is_map else None
    if not ignore.is_seq:
        return None
    text = f'"{rule}", ' if ignore.value else f'"{rule}"'
    return Edit(ignore.line, ignore.col + 1, ignore.line, ignore.col + 1, text)
