"""Suppressions written in the files: YAML comments (``# ecslint: ignore[ECS201] reason``), and
whatever an input format offers (a template's ``Metadata``), as lines whose findings they suppress.

A comment at the end of a line suppresses findings on that line; a comment on a line of its
own suppresses findings on the next line. Selectors are rule ids or names, comma-separated.
Only real comments count: the same text inside a quoted string or a block scalar is a value.
A suppression that matches no finding is reported, and so is one written in a form ecslint does
not read (``ignore [ECS401]``, ``ignore(ECS401)``, ``ignore[]``), so stale or broken ones do not
pile up believing they work. A suppression written for another tool (``foreign``: cfn-lint's
``ignore_checks``) suppresses the ecslint rules that check the same thing, and is never reported.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Iterator

from ecslint.findings import Finding
from ecslint.registry import Registry
from ecslint.tree import Node

# A comment that means to speak to ecslint: "ecslint:" or "ecslint" and a directive-like word.
_MENTION = re.compile(r"#[ \t]*ecslint\b[ \t]*(?::|(?=(?:ignore|disable|noqa|skip|suppress)\b))")
_DIRECTIVE = re.compile(r"#[ \t]*ecslint:[ \t]*ignore\[(?P<selectors>[^\]]*)\](?P<reason>.*)")
# Line breaks as libyaml counts them, so comment lines match finding lines.
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
FORM = "# ecslint: ignore[RULE, ...] reason"


@dataclass
class Suppression:
    """One suppression: where it is written, the lines whose findings it suppresses, and what."""

    line: int  # where it is written
    col: int
    end_col: int
    target: int  # the first line whose findings it suppresses
    selectors: list[str]
    used: set[str] = field(default_factory=set)
    malformed: str | None = None  # the comment's text, when it is not in the form ecslint reads
    last: int | None = None  # the last line it covers (None: the target line only)
    foreign: str | None = None  # the tool whose rule ids the selectors are ("cfn-lint")
    where: str = ""  # how messages name a suppression that covers several lines

    def covers(self, line: int) -> bool:
        return self.target <= line <= (self.last if self.last is not None else self.target)


def _comments(text: str) -> Iterator[tuple[int, int, str, str]]:
    """Every ``ecslint`` comment candidate: line, column of its ``#``, the line, and the comment."""
    for number, line in enumerate(_LINE_BREAK.split(text), start=1):
        match = _MENTION.search(line)
        if match:
            yield number, match.start() + 1, line, line[match.start():]


def _scalar_spans(roots: list[Node], lines: list[int]) -> list[Node]:
    """The scalars (values and keys) whose text spans one of ``lines`` (sorted), each once."""
    found: list[Node] = []
    seen: set[int] = set()
    stack = list(roots)
    while stack:
        node = stack.pop()
        if id(node) in seen:  # an alias shares its node
            continue
        seen.add(id(node))
        if node.is_scalar:
            first = bisect.bisect_left(lines, node.line)
            if first < len(lines) and lines[first] <= node.end_line:
                found.append(node)
            continue
        stack.extend(node.value if node.is_seq else node.value.values())
        if node.keys:
            stack.extend(node.keys.values())
    return found


_BLOCK_HEADER = re.compile(r"[|>][-+0-9]*\s*")


def _inside(nodes: list[Node], line: int, col: int, text: str) -> bool:
    """Whether column ``col`` of ``line`` (whose text is ``text``) is inside one of the scalars; a
    comment after a block scalar's ``|`` or ``>`` header is not."""
    for node in nodes:
        if not (node.line, node.col) <= (line, col) < (node.end_line, node.end_col):
            continue
        if node.line == line and _BLOCK_HEADER.fullmatch(text[node.col - 1:col - 1]):
            continue
        return True
    return False


def inline_suppressions(text: str, roots: list[Node]) -> list[Suppression]:
    """Every ``ecslint`` comment of a YAML text whose parsed documents are ``roots``."""
    if "ecslint" not in text:
        return []
    candidates = list(_comments(text))
    scalars = _scalar_spans(roots, sorted({line for line, *_ in candidates}))
    found = []
    for number, col, line, comment in candidates:
        if _inside(scalars, number, col, line):
            continue  # the text of a string, not a comment
        own_line = not line[: col - 1].strip()
        end_col = len(line.rstrip()) + 1
        found.append(from_comment(comment, number, col, end_col, number + 1 if own_line else number))
    return found


def mentions(comment: str) -> bool:
    """Whether a comment (starting with ``#``) speaks to ecslint."""
    return _MENTION.match(comment) is not None


def from_comment(comment: str, line: int, col: int, end_col: int, target: int, last: int | None = None,
                 where: str = "") -> Suppression:
    """The suppression a comment that mentions ecslint writes (starting with ``#``), or a malformed one."""
    match = _DIRECTIVE.match(comment)
    selectors = [s.strip() for s in match.group("selectors").split(",") if s.strip()] if match else []
    return Suppression(line, col, end_col, target, selectors, malformed=None if selectors else comment.strip(),
                       last=last, where=where)


def _matches(finding: Finding, selector: str, suppression: Suppression, registry: Registry) -> bool:
    if suppression.foreign is not None:
        return any(rule.id == finding.rule for rule in registry.equivalent(suppression.foreign, selector))
    return selector.upper() == finding.rule or selector.lower() == finding.name


def apply(
    findings: list[Finding], suppressions: list[Suppression], registry: Registry, enabled: set[str], path: str
) -> list[Finding]:
    """Drop suppressed findings; add one finding per selector that suppressed nothing, and one per
    comment that ecslint cannot read."""
    if not suppressions:
        return findings
    by_line: dict[int, list[Suppression]] = {}
    ranges: list[Suppression] = []
    for suppression in suppressions:
        if suppression.last is None:
            by_line.setdefault(suppression.target, []).append(suppression)
        else:
            ranges.append(suppression)
    kept = []
    for finding in findings:
        hit = False
        for suppression in by_line.get(finding.line, []) + [r for r in ranges if r.covers(finding.line)]:
            for selector in suppression.selectors:
                if _matches(finding, selector, suppression, registry):
                    suppression.used.add(selector)
                    hit = True
        if not hit:
            kept.append(finding)
    unused_rule = registry.engine_rule("unused-suppression")
    if unused_rule.id not in enabled:
        return kept
    for suppression in suppressions:
        for message in _problems(suppression, registry, enabled):
            kept.append(Finding(path, suppression.line, suppression.col, unused_rule.id, message, suppression.line,
                                suppression.end_col, unused_rule.level, unused_rule.name))
    return kept


def _problems(suppression: Suppression, registry: Registry, enabled: set[str]) -> Iterator[str]:
    """What is wrong with one comment: a form ecslint cannot read, unknown or unused selectors."""
    if suppression.foreign is not None:
        return
    if suppression.malformed is not None:
        yield (f"'{suppression.malformed}' is not a suppression ecslint reads, so it suppresses nothing; write "
               f"'{FORM}' (the rule ids in square brackets, right after 'ignore').")
        return
    for selector in suppression.selectors:
        if selector in suppression.used:
            continue
        rule = registry.lookup(selector)
        if rule is None:
            yield f"unknown rule {selector!r} in a suppression; use a rule id such as ECS201"
        elif rule.id in enabled:  # a rule that is switched off has nothing to suppress, nothing to clean up
            where = suppression.where or f"on line {suppression.target}"
            yield f"this suppression of {rule.id} ({rule.name}) matches no finding {where}; remove it"
