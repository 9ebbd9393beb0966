"""Suppressions in ``.tf`` comments: ``# ecslint: ignore[ECS201] reason`` (or ``//``, ``/* */``), at
the end of a line or on a line of its own above what it suppresses. One that is on or above the
first line of a block or argument covers the whole block or argument, so it stays with a
``jsonencode([...])`` that spans many lines."""

from __future__ import annotations

from ecslint.hcl import Body, HclFile
from ecslint.suppress import Suppression, from_comment, mentions


def _spans(body: Body) -> dict[int, int]:
    """For each line on which a block or argument starts, the last line of the largest one."""
    ends: dict[int, int] = {}
    pending = [body]
    while pending:
        current = pending.pop()
        for attribute in current.attributes.values():
            line = attribute.span.line
            ends[line] = max(ends.get(line, line), attribute.span.end_line)
        for block in current.blocks:
            line = block.span.line
            ends[line] = max(ends.get(line, line), block.span.end_line)
            pending.append(block.body)
    return ends


def _normalized(text: str) -> str:
    """A comment written with ``//`` or ``/* */`` as if written with ``#``."""
    if text.startswith("//"):
        return "#" + text[2:]
    if text.startswith("/*"):
        return "#" + text[2:].removesuffix("*/")
    return text


def suppressions(hcl: HclFile) -> list[Suppression]:
    if "ecslint" not in hcl.text:
        return []
    lines = hcl.text.split("\n")
    ends = _spans(hcl.body)
    comment_lines = {c.line for c in hcl.comments}
    found = []
    for comment in hcl.comments:
        text = _normalized(comment.text)
        if not mentions(text):
            continue
        line_text = lines[comment.line - 1] if comment.line <= len(lines) else ""
        own_line = not line_text[: comment.col - 1].strip()
        target = comment.line
        if own_line:
            target = comment.end_line + 1
            while target <= len(lines) and (not lines[target - 1].strip() or target in comment_lines):
                target += 1
        last = ends.get(target)
        where = f"on lines {target}-{last}" if last is not None and last > target else ""
        end_col = comment.col + len(comment.text.split("\n")[0])
        found.append(from_comment(text.split("\n")[0], comment.line, comment.col, end_col, target,
                                  last if last is not None and last > target else None, where))
    return found
