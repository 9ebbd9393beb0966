"""ecslint inside cfn-lint, and cfn-lint inside ecslint (``pip install 'ecslint[cfn-lint]'``).

- ``cfn-lint --append-rules ecslint.integrations.cfn_lint template.yaml``: cfn-lint runs ecslint's
  checks on each template it lints and reports them as rules of its own, so a team keeps its
  cfn-lint pipeline and its cfn-lint editor extension. An ecslint rule ``ECS201`` (an error)
  becomes ``E9201``; a warning ``ECS501`` ``W9501``; an info ``I9...``.
- ``ecslint check --with-cfn-lint``: ecslint also runs cfn-lint on the templates it lints and
  reports cfn-lint's findings with their own ids, once: a cfn-lint finding that an ecslint rule
  reports in the same resource (``E3047`` next to ``ECS202``) is left out.

This module imports cfn-lint (about a second); nothing imports it on a plain run.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any

from cfnlint.rules import CloudFormationLintRule, RuleMatch

from ecslint.config import Config
from ecslint.engine import Input, Result, lint
from ecslint.findings import Finding
from ecslint.registry import Registry, Rule, load_registry

LETTERS = {"error": "E", "warning": "W", "info": "I"}
LEVELS = {"E": "error", "W": "warning", "I": "info"}


def cfn_lint_id(rule: Rule) -> str:
    """The id cfn-lint knows an ecslint rule by: ``ECS201`` (an error) is ``E9201``."""
    return f"{LETTERS[rule.level]}9{rule.id[-3:]}"


@lru_cache(maxsize=1)
def _registry() -> Registry:
    return load_registry()


@lru_cache(maxsize=32)
def _findings(filename: str, digest: str) -> tuple[Finding, ...]:
    """ecslint's findings on one template file (its content's digest keys the cache)."""
    data = Path(filename).read_bytes()
    result = lint([Input(filename, data)], _registry(), Config())
    return tuple(result.findings)


def _positions(template: Any, path: tuple = ()) -> list[tuple[int, int, tuple]]:
    """(line, column, path) of every key and value of cfn-lint's decoded template (1-based)."""
    found = []
    mark = getattr(template, "start_mark", None)
    if mark is not None:
        found.append((mark.line + 1, mark.column + 1, path))
    if isinstance(template, dict):
        for key, value in template.items():
            key_mark = getattr(key, "start_mark", None)
            if key_mark is not None:
                found.append((key_mark.line + 1, key_mark.column + 1, path + (key,)))
            found.extend(_positions(value, path + (key,)))
    elif isinstance(template, list):
        for index, value in enumerate(template):
            found.extend(_positions(value, path + (index,)))
    return found


def _path_at(positions: list[tuple[int, int, tuple]], line: int, col: int) -> list:
    """The template path of the node at (line, col), or of the nearest one before it."""
    before = [p for p in positions if (p[0], p[1]) <= (line, col)]
    best = max(before, key=lambda p: (p[0], p[1], len(p[2])), default=(1, 1, ()))
    return list(best[2])


class _EcslintRule(CloudFormationLintRule):
    """One ecslint rule as cfn-lint runs it."""

    ecslint_id = ""

    def match(self, cfn: Any) -> list[RuleMatch]:
        filename = getattr(cfn, "filename", None)
        if not filename or not Path(filename).is_file():
            return []
        digest = hashlib.sha256(Path(filename).read_bytes()).hexdigest()
        findings = [f for f in _findings(filename, digest) if f.rule == self.ecslint_id]
        if not findings:
            return []
        positions = _positions(cfn.template)
        return [RuleMatch(_path_at(positions, f.line, f.col), f.message) for f in findings]


def _rule_classes() -> dict[str, type]:
    """A cfn-lint rule class for each ecslint rule that runs on the model."""
    classes = {}
    for rule in _registry():
        if rule.engine_check:
            continue
        name = f"Ecslint{rule.id}"
        classes[name] = type(name, (_EcslintRule,), {
            "id": cfn_lint_id(rule), "shortdesc": rule.summary[:120], "description": rule.summary,
            "source_url": rule.help_uri, "tags": ["ecslint", *rule.tags], "ecslint_id": rule.id,
            "__module__": __name__,
        })
    return classes


globals().update(_rule_classes())


# --- cfn-lint inside ecslint ---------------------------------------------------------------------------

def _foreign_rule(match: Any) -> Rule:
    rule = match.rule
    level = LEVELS.get(rule.id[:1], "warning")
    return Rule(id=rule.id, name=f"cfn-lint-{rule.id.lower()}", level=level, summary=rule.shortdesc or rule.id,
                rationale=rule.description or rule.shortdesc or rule.id, fix="See cfn-lint's documentation of the rule.",
                check_spec={"engine": "cfn-lint"}, tags=["cfn-lint"], origin="cfn-lint")


def _resource_spans(root: Any) -> list[tuple[int, int]]:
    resources = root.get("Resources")
    return [(r.line, r.end_line) for _, r in resources.items()] if resources is not None else []


def with_cfn_lint(result: Result, registry: Registry) -> Registry:
    """Add cfn-lint's findings on the templates among ``result``'s documents; return the registry
    extended with the cfn-lint rules that found something, so every report format can describe them."""
    from cfnlint.api import lint_file

    from ecslint.adapters.cloudformation import ADAPTER

    added: dict[str, Rule] = {}
    for document in result.documents:
        root = next((r for r in document.roots if ADAPTER.claims(r)), None)
        if root is None:
            continue
        spans = _resource_spans(root)
        ours = [f for f in result.findings if f.path == document.path]
        for match in lint_file(Path(document.path)):
            rule = added.setdefault(match.rule.id, _foreign_rule(match))
            if _already_reported(match, ours, spans, registry):
                continue
            result.findings.append(Finding(document.path, match.linenumber, match.columnnumber, rule.id,
                                           match.message, match.linenumberend, match.columnnumberend, rule.level,
                                           rule.name))
    result.findings.sort()
    return Registry([*registry, *(r for r in added.values() if r.id not in registry.rules)])


def _already_reported(match: Any, ours: list[Finding], spans: list[tuple[int, int]], registry: Registry) -> bool:
    """Whether an ecslint rule that checks the same as the cfn-lint rule reports in the same resource."""
    same = {rule.id for rule in registry.equivalent("cfn-lint", match.rule.id)}
    if not same:
        return False
    span = next(((a, b) for a, b in spans if a <= match.linenumber <= b), (match.linenumber, match.linenumber))
    return any(f.rule in same and span[0] <= f.line <= span[1] for f in ours)
