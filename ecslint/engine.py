"""The pipeline: read → adapt → link → rules → findings → suppress.

One call to :func:`lint` lints a set of inputs as one project and returns every finding,
sorted, plus what could not be read and what was skipped as not ECS content.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field

from ecslint.adapters import NOT_ECS, adapt, may_hold_ecs
from ecslint.config import Config
from ecslint.findings import Finding
from ecslint.link import link
from ecslint.model import Project
from ecslint.read import Document, ParseError, decode, guess_format, parse
from ecslint.registry import Registry, Rule
from ecslint.suppress import apply as apply_suppressions
from ecslint.suppress import inline_suppressions


@dataclass
class Input:
    """One file to lint: the path shown to the user and its raw bytes (or why it was unreadable);
    ``file`` is the path it was read from (None for standard input)."""

    path: str
    data: bytes | None
    error: str | None = None
    file: str | None = None


@dataclass
class Context:
    """What a check may consult besides the object it is given."""

    rule: Rule
    project: Project


@dataclass
class Result:
    """The outcome of one run."""

    findings: list[Finding] = field(default_factory=list)
    linted: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    internal_errors: list[str] = field(default_factory=list)


def read_input(item: Input) -> Document | None:
    """Decode and parse one input (None when it cannot hold ECS content); :class:`ParseError`
    when it cannot be read."""
    if item.data is None:
        raise ParseError(item.error or "cannot read file")
    text = decode(item.data)
    if not may_hold_ecs(text):
        return None
    return parse(text, guess_format(text, item.path), item.path)


def lint(inputs: list[Input], registry: Registry, config: Config) -> Result:
    """Lint ``inputs`` together with the rules that ``config`` enables."""
    result = Result()
    enabled = config.resolve(registry)
    project = Project()
    documents: list[Document] = []
    syntax = registry.engine_rule("syntax-error")
    for item in inputs:
        try:
            document = read_input(item)
        except ParseError as exc:
            result.failed.append(item.path)
            result.findings.append(
                Finding(item.path, exc.line, exc.col, syntax.id, exc.message, exc.line, exc.col + 1, "error", syntax.name)
            )
            continue
        if document is None:
            result.skipped.append((item.path, NOT_ECS))
            continue
        adapted = adapt(document)
        if adapted.skipped:
            result.skipped.append((item.path, adapted.skipped))
            continue
        result.linted.append(item.path)
        documents.append(document)
        project.task_definitions.extend(adapted.task_definitions)
        project.services.extend(adapted.services)
        project.clusters.extend(adapted.clusters)
    link(project)

    findings = _run_rules(project, enabled, result)
    findings.extend(_duplicate_keys(documents, enabled))
    by_path: dict[str, list[Finding]] = {}
    for finding in findings:
        by_path.setdefault(finding.path, []).append(finding)
    for document in documents:
        own = by_path.get(document.path, [])
        if document.fmt == "yaml":
            own = apply_suppressions(own, inline_suppressions(document.text), registry, set(enabled), document.path)
        result.findings.extend(f for f in own if not config.ignored_in(document.path, enabled[f.rule]))
    result.findings.sort()
    return result


def _run_rules(project: Project, enabled: dict[str, Rule], result: Result) -> list[Finding]:
    findings: list[Finding] = []
    for rule in enabled.values():
        if rule.engine_check:
            continue
        ctx = Context(rule, project)
        try:
            check = rule.check()
        except Exception as exc:  # a broken rule pack must not hide the other rules' findings
            result.internal_errors.append(f"rule {rule.id} cannot be loaded: {exc}")
            continue
        for obj in (obj for kind in rule.applies_to for obj in project.objects(kind)):
            try:
                for violation in check(obj, ctx) or ():
                    findings.append(
                        Finding.at(violation.node, obj.source.path, rule.id, rule.name, rule.level, violation.message)
                    )
            except Exception:
                detail = traceback.format_exc(limit=-3).strip().splitlines()[-1]
                result.internal_errors.append(f"rule {rule.id} failed on {obj.source.path}: {detail}")
    return findings


def _duplicate_keys(documents: list[Document], enabled: dict[str, Rule]) -> list[Finding]:
    rule = next((r for r in enabled.values() if r.engine_check == "duplicate-key"), None)
    if rule is None:
        return []
    findings = []
    for document in documents:
        for duplicate in document.duplicates:
            first = duplicate.first
            message = (
                f"key '{duplicate.key}' is given again (first at line {first.line}); "
                "only this last value is used and the earlier one is silently lost. Keep one."
            )
            findings.append(Finding.at(duplicate.again, document.path, rule.id, rule.name, rule.level, message))
    return findings
