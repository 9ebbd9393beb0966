"""The pipeline: read → adapt → link → rules → findings → suppress.

One call to :func:`lint` lints a set of inputs as one project and returns every finding,
sorted, plus what could not be read and what was skipped as not ECS content.
"""

from __future__ import annotations

import gc
import os
import traceback
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any, Callable

from ecslint.adapters import NOT_ECS, Adapted, AdaptOptions, adapt, may_hold_ecs
from ecslint.config import Config
from ecslint.findings import LEVEL_RANK, Finding, Fix
from ecslint.fingerprint import logical_locations
from ecslint.link import link
from ecslint.model import ModelObject, Project, Scenario, WorkflowStep
from ecslint.read import Document, ParseError, decode, guess_format, parse
from ecslint.registry import Registry, Rule
from ecslint.shipping import shipped_findings
from ecslint.suppress import apply as apply_suppressions
from ecslint.suppress import inline_suppressions
from ecslint.tree import Node


@dataclass
class Input:
    """One file to lint: the path shown to the user and its raw bytes (or why it was unreadable);
    ``file`` is the path it was read from (None for standard input); ``named``: the user named it
    (or standard input), rather than ecslint finding it in a directory. A ``context`` file is read for
    what it tells about the others (a repository's workflows, the task definition a workflow ships),
    not linted: its findings are not reported, and it is never reported as skipped or unreadable."""

    path: str
    data: bytes | None
    error: str | None = None
    file: str | None = None
    named: bool = False
    context: bool = False


# A file reports at most this many findings, and one more that says how many it left out: a
# hostile file of a million wrong values must not become a million findings and gigabytes.
MAX_FINDINGS_PER_FILE = 500
# While rules run, findings are kept up to this many per file (suppressions may still remove some)
# and only counted beyond it.
KEPT_PER_FILE = 4 * MAX_FINDINGS_PER_FILE


class Findings:
    """The findings of a run as rules report them: kept up to ``KEPT_PER_FILE`` a file, and beyond
    that counted by level (rules that a per-file ignore switches off are not counted).

    A template linted under several scenarios of its conditions reports a finding once; one that
    holds in some scenarios only says when (``When condition IsProd is true: ...``).
    """

    def __init__(self, config: Config) -> None:
        self.config = config
        self.kept: list[Finding] = []
        self.kept_per_file: Counter[str] = Counter()
        self.unkept: dict[str, Counter[str]] = {}
        self._ignored: dict[tuple[str, str], bool] = {}
        # (path, line, col, rule, message) -> (index in kept, scenarios it holds in, a scenario)
        self._scenarios: dict[tuple, tuple[int, set[int], Scenario]] = {}
        self._within: list[tuple[int, ModelObject, Node]] = []  # (index in kept, object, node)

    def locate(self) -> None:
        """Give each kept finding on an object its logical location (see :mod:`ecslint.fingerprint`)."""
        wheres = logical_locations([(obj, node) for _, obj, node in self._within])
        for (index, _, _), where in zip(self._within, wheres, strict=True):
            self.kept[index] = replace(self.kept[index], where=where)

    def ignored(self, path: str, rule: Rule) -> bool:
        key = (path, rule.id)
        if key not in self._ignored:
            self._ignored[key] = self.config.ignored_in(path, rule)
        return self._ignored[key]

    def add(self, node: Node, path: str, rule: Rule, message: str, scenario: Scenario | None = None,
            fix: Fix | None = None, within: ModelObject | None = None, unconditional: bool = False) -> None:
        """A finding of ``rule`` at ``node``; ``within``: the object the node belongs to, which
        :meth:`locate` names it by; ``unconditional``: it holds in every scenario of the template."""
        key = (path, node.line, node.col, rule.id, message)
        if self._admit(key, rule, scenario, unconditional):
            self.kept.append(Finding.at(node, path, rule.id, rule.name, rule.level, message, fix))
            if within is not None:
                self._within.append((len(self.kept) - 1, within, node))

    def add_located(self, finding: Finding, key: tuple, rule: Rule, scenario: Scenario | None,
                    unconditional: bool = False) -> None:
        """A finding made elsewhere (by a worker process, :mod:`ecslint.parallel`), already located;
        ``key``: ``(path, line, column, rule id, message)`` as the check gave it."""
        if self._admit(key, rule, scenario, unconditional):
            self.kept.append(finding)

    def _admit(self, key: tuple, rule: Rule, scenario: Scenario | None, unconditional: bool) -> bool:
        """Whether the finding ``key`` is kept: not when it repeats one made under another scenario
        of its template (that scenario is noted), nor beyond the file's ``KEPT_PER_FILE`` (it is counted)."""
        path = key[0]
        if scenario is not None:
            indexes = set(range(len(scenario.all))) if unconditional else {scenario.index}
            seen = self._scenarios.get(key)
            if seen is not None:
                seen[1].update(indexes)
                return False
            if self.kept_per_file[path] < KEPT_PER_FILE:
                self._scenarios[key] = (len(self.kept), indexes, scenario)
        if self.kept_per_file[path] < KEPT_PER_FILE:
            self.kept_per_file[path] += 1
            return True
        self.count(path, rule, 1)
        return False

    def say_when(self) -> None:
        """Prefix the findings that hold in some scenarios only with when they hold."""
        for index, indexes, scenario in self._scenarios.values():
            when = scenario.describe(indexes)
            if when is not None:
                finding = self.kept[index]
                self.kept[index] = replace(finding, message=f"{when[0].upper()}{when[1:]}: {finding.message}")

    def count(self, path: str, rule: Rule, number: int) -> None:
        """``number`` findings of ``rule`` in ``path`` that are counted, not kept."""
        if number and not self.ignored(path, rule):
            self.unkept.setdefault(path, Counter())[rule.level] += number


@dataclass
class Context:
    """What a check may consult besides the object it is given. A check that finds more than it
    yields (it stops listing after many) tells how many more with :meth:`unlisted`."""

    rule: Rule
    project: Project
    findings: Findings
    current: ModelObject | None = None

    def option(self, name: str) -> Any:
        """The value of one of the rule's settings (the configuration's, or the rule's default)."""
        return self.findings.config.option(self.rule, name)

    def unlisted(self, number: int) -> None:
        """``number`` more violations on the current object that the check does not yield."""
        if self.current is not None:
            self.findings.count(self.current.source.path, self.rule, number)


@dataclass
class Result:
    """The outcome of one run."""

    findings: list[Finding] = field(default_factory=list)
    linted: list[str] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)  # what the linted files hold, parsed
    skipped: list[tuple[str, str]] = field(default_factory=list)
    named: set[str] = field(default_factory=set)  # the inputs the user named (see Input.named)
    failed: list[str] = field(default_factory=list)
    internal_errors: list[str] = field(default_factory=list)
    baselined: int = 0  # findings left out because the baseline records them
    fixed: int = 0  # fixes applied to the files (--fix)


def read_input(item: Input) -> Document | None:
    """Decode and parse one input (None when it cannot hold ECS content); :class:`ParseError`
    when it cannot be read."""
    if item.data is None:
        raise ParseError(item.error or "cannot read file")
    text = decode(item.data)
    if not may_hold_ecs(text):
        return None
    document = parse(text, guess_format(text, item.path), item.path)
    document.file = item.file
    return document


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """The cyclic garbage collector paused: a run allocates millions of objects (every value read)
    that live until it ends, and the collector would walk all of them again and again, for a third
    of a large run's time. What a run leaves is collected after it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def lint(inputs: list[Input], registry: Registry, config: Config,
         progress: Callable[[], None] | None = None, jobs: int = 1,
         linked: Callable[[Project], None] | None = None) -> Result:
    """Lint ``inputs`` together with the rules that ``config`` enables; ``progress`` is called as each
    input has been read. ``jobs``: how many processes run the rules (see :mod:`ecslint.parallel`);
    ``linked`` is called with the project once it is linked (:mod:`ecslint.partition` reads its keys)."""
    with _without_cycle_collection():
        return _lint(inputs, registry, config, progress, jobs, linked)


def _lint(inputs: list[Input], registry: Registry, config: Config, progress: Callable[[], None] | None,
          jobs: int, linked: Callable[[Project], None] | None = None) -> Result:
    from ecslint import parallel

    result = Result()
    options = AdaptOptions(parameters=config.parameters, var_files=config.var_files)
    enabled = config.resolve(registry)
    project = Project()
    documents = result.documents
    written: dict[str, list] = {}  # the suppressions each file's format writes
    syntax = registry.engine_rule("syntax-error")
    adapted_files = _read_all(inputs, options, result, syntax, progress)
    adapted_files += _read_all(_shipped_files(adapted_files, inputs), options, result, syntax)
    context = _add_to_project(adapted_files, project, result, written)
    link(project)
    if linked is not None:
        linked(project)

    findings = Findings(config)
    workers = parallel.workers(jobs)
    if workers > 1:
        parallel.run_rules(project, enabled, findings, result, workers)
    else:
        _run_rules(project, enabled, findings, result)
    _duplicate_keys(documents + context, enabled, findings)
    findings.locate()
    findings.say_when()
    by_path: dict[str, list[Finding]] = {}
    for finding in findings.kept:
        by_path.setdefault(finding.path, []).append(finding)
    reported = {document.path for document in documents}
    workflows = {step.source.path for step in project.workflow_steps}
    final: dict[str, list[Finding]] = {}
    mentioned: dict[str, list[Finding]] | None = None
    # Workflows last: a deploy step tells what the file it ships has, once that file's findings are final.
    for document in sorted(documents + context, key=lambda d: d.path in workflows):
        own = by_path.get(document.path, [])
        if document.path in workflows:
            if mentioned is None:
                mentioned = _mentions(project, final, registry, enabled)
            own = own + mentioned.get(document.path, [])
        suppressions = written[document.path]
        if document.fmt == "yaml":
            suppressions = inline_suppressions(document.text, document.roots) + suppressions
        own = apply_suppressions(own, suppressions, registry, set(enabled), document.path)
        # (a file two objects read, such as one template two task definitions render, says a thing once)
        own = final[document.path] = sorted({f for f in own if not findings.ignored(document.path, enabled[f.rule])})
        if document.path in reported:
            result.findings.extend(_capped(own, findings.unkept.get(document.path, Counter()), registry))
    result.findings.sort()
    return result


def _mentions(project: Project, final: dict[str, list[Finding]], registry: Registry,
              enabled: dict[str, Rule]) -> dict[str, list[Finding]]:
    """The findings that tell, on each deploy step, what the file it ships has (by workflow file)."""
    rule = registry.engine_rule("shipped-findings")
    found: dict[str, list[Finding]] = {}
    if rule.id in enabled:
        for finding in shipped_findings(project, final, rule):
            found.setdefault(finding.path, []).append(finding)
    return found


def _read_all(inputs: list[Input], options: AdaptOptions, result: Result, syntax: Rule,
              progress: Callable[[], None] | None = None) -> list[tuple[Document, Adapted, bool]]:
    """Each input read and adapted, with whether it is context; what cannot be is reported in
    ``result`` (failed or skipped), but for context files."""
    adapted_files = []
    for item in inputs:
        if progress is not None:
            progress()
        if item.named and not item.context:
            result.named.add(item.path)
        try:
            document = read_input(item)
        except ParseError as exc:
            if item.context:
                continue
            result.failed.append(item.path)
            result.findings.append(
                Finding(item.path, exc.line, exc.col, syntax.id, exc.message, exc.line, exc.col + 1, "error", syntax.name)
            )
            continue
        adapted = adapt(document, options) if document is not None else Adapted(skipped=NOT_ECS)
        if adapted.skipped:
            if not item.context:
                result.skipped.append((item.path, adapted.skipped))
            continue
        adapted_files.append((document, adapted, item.context))
    return adapted_files


def _shipped_files(adapted_files: list[tuple[Document, Adapted, bool]], inputs: list[Input]) -> list[Input]:
    """The task definition files that the linted workflows name and that are not among the inputs, as context."""
    from ecslint.discover import read_file  # (discover builds on this module)

    known = {os.path.realpath(item.file) for item in inputs if item.file}
    wanted = {os.path.realpath(obj.file): obj.file for _, adapted, is_context in adapted_files if not is_context
              for obj in adapted.objects if isinstance(obj, WorkflowStep) and obj.exists and obj.file}
    return [replace(read_file(wanted[key], named=False), context=True) for key in sorted(wanted) if key not in known]


def _add_to_project(adapted_files: list[tuple[Document, Adapted, bool]], project: Project, result: Result,
                    written: dict[str, list]) -> list[Document]:
    """The objects of every adapted file, but of a file another input reads as part of itself (a
    JSON file of container definitions that a ``.tf`` file reads with ``file()``); and every file
    findings may point into, with its suppressions. Returns the context files' documents."""
    consumed = {inc.document.path for doc, adapted, _ in adapted_files for inc in adapted.included
                if inc.consumed and inc.document.path != doc.path}
    result.skipped = [(path, why) for path, why in result.skipped if path not in consumed]
    context: list[Document] = []
    for document, adapted, is_context in adapted_files:
        if document.path in consumed:
            continue
        if is_context:
            context.append(document)
        else:
            result.linted.append(document.path)
            result.documents.append(document)
        written[document.path] = adapted.suppressions
        for obj in adapted.objects:
            obj.source.context = is_context
            project.add(obj)
    for _, adapted, is_context in adapted_files:
        for included in adapted.included:
            path = included.document.path
            if path not in written and not is_context:
                result.skipped = [(p, why) for p, why in result.skipped if p != path]
                result.documents.append(included.document)
                result.linted.append(path)
                written[path] = included.suppressions
    return context


def _capped(own: list[Finding], unkept: Counter[str], registry: Registry) -> list[Finding]:
    """A file's findings (sorted), cut to ``MAX_FINDINGS_PER_FILE`` with one closing finding that
    says how many are left out, at the first of them (or the last shown), at their highest level."""
    left_out = Counter(f.level for f in own[MAX_FINDINGS_PER_FILE:]) + unkept
    if not left_out:
        return own
    shown = own[:MAX_FINDINGS_PER_FILE]
    at = own[MAX_FINDINGS_PER_FILE] if len(own) > MAX_FINDINGS_PER_FILE else shown[-1]
    rule = registry.engine_rule("too-many-findings")
    counts = ", ".join(f"{n:,} {level}{'s' if n != 1 else ''}" for level in ("error", "warning", "info")
                       if (n := left_out[level]))
    total = sum(left_out.values())
    message = (f"{total:,} more finding{'s' if total != 1 else ''} in this file {'are' if total != 1 else 'is'} not "
               f"shown ({counts}): ecslint reports at "
               f"most {MAX_FINDINGS_PER_FILE} per file, so that one broken or hostile file cannot flood the report. "
               "Fix the ones shown and lint again, or narrow the run with --select.")
    level = max(left_out, key=LEVEL_RANK.__getitem__)
    return shown + [Finding(at.path, at.line, at.col, rule.id, message, at.end_line, at.end_col, level, rule.name)]


def _run_rules(project: Project, enabled: dict[str, Rule], findings: Findings, result: Result,
               takes: Callable[[int, int, ModelObject], bool] | None = None) -> None:
    """Every enabled rule on each object it applies to, in order. ``takes(rule index, object index,
    object)``: whether to visit that object (a worker's share of the run, :mod:`ecslint.parallel`)."""
    for rule_index, rule in enumerate(enabled.values()):
        if rule.engine_check:
            continue
        ctx = Context(rule, project, findings)
        try:
            check = rule.check()
        except Exception as exc:  # a broken rule pack must not hide the other rules' findings
            result.internal_errors.append(f"rule {rule.id} cannot be loaded: {exc}")
            continue
        for index, obj in enumerate(obj for kind in rule.applies_to for obj in project.objects(kind)):
            if takes is not None and not takes(rule_index, index, obj):
                continue
            ctx.current = obj
            try:
                for violation in check(obj, ctx) or ():
                    where = violation.within or obj
                    path = violation.node.file or where.source.path
                    findings.add(violation.node, path, rule, violation.message, where.scenario, violation.fix, where,
                                 violation.unconditional)
            except Exception:
                detail = traceback.format_exc(limit=-3).strip().splitlines()[-1]
                result.internal_errors.append(f"rule {rule.id} failed on {obj.source.path}: {detail}")


def _duplicate_keys(documents: list[Document], enabled: dict[str, Rule], findings: Findings) -> None:
    rule = next((r for r in enabled.values() if r.engine_check == "duplicate-key"), None)
    if rule is None:
        return
    for document in documents:
        for duplicate in document.duplicates:
            first, again = duplicate.first, duplicate.again
            findings.add(again, document.path, rule, f"key '{duplicate.key}' is given again (first at line "
                         f"{first.line}); only this last value is used and the earlier one is silently lost. Keep one.")
            findings.add(first, document.path, rule, f"key '{duplicate.key}' is given again at line {again.line}, "
                         "so this earlier value is silently lost. Keep one.")
