"""Inline suppressions in YAML: ``# ecslint: ignore[ECS201] reason``.

A comment at the end of a line suppresses findings on that line; a comment on a line of its
own suppresses findings on the next line. Selectors are rule ids or names, comma-separated.
A suppression that matches no finding is reported, so stale ones do not pile up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ecslint.findings import Finding
from ecslint.registry import Registry

_COMMENT = re.compile(r"#\s*ecslint:\s*ignore\[(?P<selectors>[^\]]*)\](?P<reason>.*)$")


@dataclass
class Suppression:
    """One ``ecslint: ignore[...]`` comment."""

    line: int  # where the comment is
    col: int
    end_col: int
    target: int  # the line whose findings it suppresses
    selectors: list[str]
    used: set[str] = field(default_factory=set)


def inline_suppressions(text: str) -> list[Suppression]:
    """Every suppression comment in a YAML text."""
    found = []
    if "ecslint:" not in text:
        return found
    for number, line in enumerate(text.splitlines(), start=1):
        match = _COMMENT.search(line)
        if not match:
            continue
        own_line = not line[: match.start()].strip()
        selectors = [s.strip() for s in match.group("selectors").split(",") if s.strip()]
        found.append(
            Suppression(number, match.start() + 1, len(line.rstrip()) + 1, number + 1 if own_line else number, selectors)
        )
    return found


def _matches(finding: Finding, selector: str) -> bool:
    return selector.upper() == finding.rule or selector.lower() == finding.name


def apply(
    findings: list[Finding], suppressions: list[Suppression], registry: Registry, enabled: set[str], path: str
) -> list[Finding]:
    """Drop suppressed findings; add one finding per selector that suppressed nothing."""
    if not suppressions:
        return findings
    by_line: dict[int, list[Suppression]] = {}
    for suppression in suppressions:
        by_line.setdefault(suppression.target, []).append(suppression)
    kept = []
    for finding in findings:
        hit = False
        for suppression in by_line.get(finding.line, []):
            for selector in suppression.selectors:
                if _matches(finding, selector):
                    suppression.used.add(selector)
                    hit = True
        if not hit:
            kept.append(finding)
    unused_rule = registry.engine_rule("unused-suppression")
    if unused_rule.id not in enabled:
        return kept
    for suppression in suppressions:
        for selector in suppression.selectors:
            if selector in suppression.used:
                continue
            rule = registry.lookup(selector)
            if rule is None:
                message = f"unknown rule {selector!r} in a suppression comment; use a rule id such as ECS201"
            elif rule.id not in enabled:
                continue  # the rule is switched off: nothing to suppress, nothing to clean up
            else:
                message = (
                    f"this suppression of {rule.id} ({rule.name}) matches no finding on line {suppression.target}; "
                    "remove it"
                )
            kept.append(
                Finding(path, suppression.line, suppression.col, unused_rule.id, message, suppression.line,
                        suppression.end_col, unused_rule.level, unused_rule.name)
            )
    return kept
