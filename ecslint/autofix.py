"""``ecslint check --fix`` / ``--diff``: the findings' fixes applied as edits on the files' text.

Everything but the edited spans stays byte for byte: formatting, key order, comments. A fix is kept
only when the file still parses as the same format and keeps every key (but one it renames); fixes
whose edits overlap one already taken wait for the next pass. Passes repeat (lint, fix) until no fix
applies, so a second ``--fix`` changes nothing. Files are written atomically (a temporary file in the
same folder, then a rename, with the file's mode kept). Standard input and files that are only read
for context are never written.
"""

from __future__ import annotations

import difflib
import os
import sys
import re
from collections import Counter
from dataclasses import dataclass, field, fields, is_dataclass, replace
from typing import Any

from ecslint.atomic import write_atomically
from ecslint.config import Config
from ecslint.engine import Input, Result, lint
from ecslint.findings import Edit, Finding, Fix
from ecslint.hcl import Block, ObjectExpr, Variable
from ecslint.read import Document, ParseError, guess_format, parse
from ecslint.registry import Registry
from ecslint.tree import Node

MAX_PASSES = 5
_LINE_BREAK = re.compile(r"\r\n?|\n")
_BOM = b"\xef\xbb\xbf"
FIXABLE_FORMATS = ("json", "yaml", "hcl")


@dataclass
class Outcome:
    """What a fixing run did: the findings that remain, the new text of each changed file (by the
    path shown), its text before, and how many fixes were applied to it."""

    result: Result
    fixed: dict[str, str] = field(default_factory=dict)
    original: dict[str, str] = field(default_factory=dict)
    applied: Counter[str] = field(default_factory=Counter)

    def diff(self) -> str:
        """A unified diff of every changed file."""
        return "".join(
            "".join(difflib.unified_diff(self.original[path].splitlines(keepends=True),
                                         text.splitlines(keepends=True), f"a/{path}", f"b/{path}"))
            for path, text in sorted(self.fixed.items()))


def fix_inputs(inputs: list[Input], registry: Registry, config: Config, unsafe: bool = False,
               stdin: bool = False) -> Outcome:
    """Lint ``inputs``, apply the fixes that may be applied (safe ones, and unsafe ones with ``unsafe``),
    and lint again until nothing more applies; standard input too with ``stdin`` (to show a diff).
    Nothing is written: see :func:`write`."""
    inputs = list(inputs)
    result = lint(inputs, registry, config)
    outcome = Outcome(result)
    for _ in range(MAX_PASSES):
        changed = False
        documents = {document.path: document for document in result.documents}
        for index, item in enumerate(inputs):
            document = documents.get(item.path)
            if document is None or item.context or not _utf8(item.data) or document.fmt not in FIXABLE_FORMATS or \
                    (item.file is None and not stdin):
                continue
            fixes = [f.fix for f in result.findings if f.path == item.path and fixable(f, unsafe)]
            text, count = apply(document, fixes)
            if count:
                outcome.original.setdefault(item.path, document.text)
                outcome.fixed[item.path] = text
                outcome.applied[item.path] += count
                inputs[index] = replace(item, data=_encoded(text, item.data))
                changed = True
        if not changed:
            break
        result = lint(inputs, registry, config)
    outcome.result = result
    return outcome


def write(outcome: Outcome, inputs: list[Input]) -> list[tuple[str, str]]:
    """Write each fixed file that was read from disk, atomically; the files that could not be, and why."""
    files = {item.path: item.file for item in inputs if item.file is not None and not item.context}
    errors = []
    for path, text in sorted(outcome.fixed.items()):
        target = files.get(path)
        if target is None:
            continue
        try:
            with open(target, "rb") as handle:
                before = handle.read()
            _write_atomically(target, _encoded(text, before))
        except OSError as exc:
            errors.append((path, f"cannot write the fixes to {path}: {exc.strerror or exc}"))
    return errors


def apply(document: Document, fixes: list[Fix]) -> tuple[str, int]:
    """``document``'s text with as many of ``fixes`` applied as can be, and how many were. Fixes
    apply from the end of the file back; one that overlaps another waits for the next pass. All
    are tried together first (one parse checks them); when the file then does not read alike, each
    is kept only if the file still reads alike with it."""
    text = document.text
    starts = [0] + [m.end() for m in _LINE_BREAK.finditer(text)]
    spans: list[tuple[Fix, list[tuple[int, int]]]] = []
    for fix in dict.fromkeys(fixes):  # (one fix reported twice is applied once)
        ranges = [_range(edit, starts, len(text)) for edit in fix.edits]
        if ranges and all(r is not None and _literal(text, *r, document.fmt) for r in ranges):
            spans.append((fix, ranges))
    spans = _apart(sorted(spans, key=lambda span: max(span[1]), reverse=True))
    keys = _keys(document.roots)
    together, renamed = _edited(text, spans)
    if _reads_alike(document, together, keys, renamed):
        return together, len(spans)
    applied, renamed = 0, Counter()
    for span in spans:
        candidate, replaced = _edited(text, [span])
        if _reads_alike(document, candidate, keys, renamed + replaced):
            text, applied, renamed = candidate, applied + 1, renamed + replaced
    return text, applied


def _apart(spans: list[tuple[Fix, list[tuple[int, int]]]]) -> list[tuple[Fix, list[tuple[int, int]]]]:
    """The fixes (latest first) whose edits overlap neither each other nor a later fix's: each must
    end before the next one taken begins (an insertion may touch a replacement, not another insertion)."""
    taken, limit = [], None
    for fix, edit_ranges in spans:
        ranges = sorted(edit_ranges, reverse=True)
        if any(later[0] < earlier[1] for later, earlier in zip(ranges, ranges[1:], strict=False)):
            continue
        if limit is not None and (ranges[0][1] > limit or ranges[0][0] == ranges[0][1] == limit):
            continue  # the next pass takes it
        taken.append((fix, edit_ranges))
        limit = ranges[-1][0]
    return taken


def _edited(text: str, spans: list[tuple[Fix, list[tuple[int, int]]]]) -> tuple[str, Counter[str]]:
    """``text`` with the edits of ``spans`` (apart, latest first) made, and the text each replaced
    (the keys a rename takes away)."""
    newline = "\r\n" if "\r\n" in text else "\n"
    edits = sorted(((r, e) for fix, ranges in spans for r, e in zip(ranges, fix.edits, strict=True)),
                   key=lambda pair: pair[0], reverse=True)
    replaced: Counter[str] = Counter()
    for (start, end), edit in edits:
        replaced[text[start:end].strip("\"'")] += 1
        text = text[:start] + edit.text.replace("\n", newline) + text[end:]
    return text, replaced


def _range(edit: Edit, starts: list[int], size: int) -> tuple[int, int] | None:
    """The offsets of an edit's span, or None when it is not inside the text."""
    if not (1 <= edit.line <= edit.end_line <= len(starts)):
        return None
    start, end = starts[edit.line - 1] + edit.col - 1, starts[edit.end_line - 1] + edit.end_col - 1
    return (start, end) if 0 <= start <= end <= size else None


# What a value or key replaced in JSON or HCL must be: a string without escapes or interpolation,
# a number, a keyword, or (an HCL key) an identifier; never a reference such as `var.mode`.
_TOKEN = re.compile(r'"[^"\\$%]*"|-?[0-9]+|true|false|null|[A-Za-z_][A-Za-z0-9_-]*')


def _literal(text: str, start: int, end: int, fmt: str) -> bool:
    """The span replaced is a value written as it reads: between quotes, a literal token, or (YAML)
    a plain scalar; an insertion always is."""
    if start == end:
        return True
    if 0 < start and end < len(text) and text[start - 1] == text[end] and text[end] in "\"'":
        return not any(c in text[start:end] for c in "\"'\\")
    if fmt == "yaml":
        return text[start] not in "*&!"
    return _TOKEN.fullmatch(text[start:end]) is not None


def _reads_alike(document: Document, text: str, keys: Counter[str], renamed: Counter[str]) -> bool:
    """``text`` parses as ``document``'s format, with every key of ``document`` but renamed ones, and
    no key given twice that was not before."""
    if guess_format(text, document.path) != document.fmt:
        return False
    try:
        fixed = parse(text, document.fmt, document.path)
    except (ParseError, RecursionError, ValueError):
        return False
    if len(fixed.roots) != len(document.roots) or len(fixed.duplicates) > len(document.duplicates):
        return False
    return not (keys - _keys(fixed.roots) - renamed)


def _keys(values: Any) -> Counter[str]:
    """Every key name in a parsed file: mapping keys, and a Terraform file's attributes, blocks and object keys."""
    found: Counter[str] = Counter()
    stack, seen = [values], set()
    while stack:
        value = stack.pop()
        if id(value) in seen:  # (YAML aliases share their nodes)
            continue
        seen.add(id(value))
        if isinstance(value, Node):
            stack.append(value.value)
        elif isinstance(value, (list, tuple)):
            stack.extend(value)
        elif isinstance(value, dict):
            found.update(str(key) for key in value)
            stack.extend(value.values())
        elif is_dataclass(value):  # Terraform's syntax tree
            if isinstance(value, Block):
                found[value.type] += 1
            elif isinstance(value, ObjectExpr):
                found.update(key.name if isinstance(key, Variable) else str(getattr(key, "value", ""))
                             for key, _ in value.items)
            stack.extend(getattr(value, f.name) for f in fields(value))
    return found


def _utf8(data: bytes | None) -> bool:
    """The file is UTF-8 text, which is how a fixed file is written (a UTF-16 file is left as it is)."""
    if data is None or b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _encoded(text: str, before: bytes) -> bytes:
    """``text`` as UTF-8, with the byte order mark the file had."""
    return (_BOM if before.startswith(_BOM) else b"") + text.encode("utf-8")


def _write_atomically(path: str, data: bytes) -> None:
    """Replace ``path`` (the file a link names, if it is one) with ``data``, keeping its mode."""
    write_atomically(os.path.realpath(path), data, os.stat(path).st_mode & 0o7777)


def fixable(finding: Finding, unsafe: bool = False) -> bool:
    """The finding has a fix that ``--fix`` applies (an unsafe one only with ``unsafe``)."""
    return finding.fix is not None and (finding.fix.safe or unsafe)


def run(inputs: list[Input], registry: Registry, config: Config, unsafe: bool, diff: bool, quiet: bool) -> Result:
    """What ``check --fix`` / ``--diff`` does before it reports: fix, then write the files (or, with
    ``diff``, print the diff and exit: 1 when there is one, 2 when a file could not be read)."""
    import click

    from ecslint.safe_text import printable

    outcome = fix_inputs(inputs, registry, config, unsafe, stdin=diff)
    if diff:
        click.echo(outcome.diff(), nl=False)
        sys.exit(2 if outcome.result.failed or outcome.result.internal_errors else 1 if outcome.fixed else 0)
    errors = write(outcome, inputs)
    for path, error in errors:
        click.echo(f"ecslint: error: {printable(error)}", err=True)
        outcome.fixed.pop(path)
    if errors:  # report the files as they are on disk, and exit 2
        outcome.result = lint([replace(item, data=_encoded(outcome.fixed[item.path], item.data))
                               if item.path in outcome.fixed else item for item in inputs], registry, config)
        outcome.result.failed.extend(path for path, _ in errors)
    outcome.result.fixed = sum(outcome.applied[path] for path in outcome.fixed)
    if not quiet and outcome.fixed:
        files = len(outcome.fixed)
        click.echo(f"{outcome.result.fixed} fixed ({files} file{'s' if files != 1 else ''} changed)", err=True)
    return outcome.result
