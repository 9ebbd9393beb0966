"""SARIF 2.1.0, as GitHub code scanning consumes it.

Rule metadata comes from the rule files (summary, rationale, help, help URI, level, tags,
security severity). Results carry URIs relative to the repository root under ``%SRCROOT%`` (so
a run from a subfolder places its alerts where GitHub expects them), full regions (end column
exclusive), a ``primaryLocationLineHash`` computed here, since GitHub's REST upload does not, and
the baseline's fingerprint as ``ecslint/v1`` (``<fingerprint>:<n>``, the n-th finding that shares it).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from pathlib import Path
from urllib.parse import quote

from ecslint import __version__
from ecslint.docs import rule_markdown
from ecslint.engine import Result
from ecslint.findings import Fix
from ecslint.fingerprint import fingerprints
from ecslint.registry import Registry, Rule
from ecslint.repository import repository_path, source_root

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://github.com/ecslint/ecslint"
# The baseline's fingerprint (see ecslint.fingerprint), numbered among the findings that share it.
FINGERPRINT = "ecslint/v1"
_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
_PROBLEM_SEVERITY = {"error": "error", "warning": "warning", "info": "recommendation"}


def _clip(text: str, limit: int = 1024) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _descriptor(rule: Rule) -> dict:
    properties: dict = {
        "tags": sorted(rule.tags),
        "precision": "high",
        "problem.severity": _PROBLEM_SEVERITY[rule.level],
    }
    if rule.security_severity:
        properties["security-severity"] = rule.security_severity
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": _clip(rule.summary)},
        "fullDescription": {"text": _clip(rule.rationale)},
        "help": {"text": f"{rule.rationale}\n\nHow to fix it: {rule.fix}", "markdown": rule_markdown(rule)},
        "helpUri": rule.help_uri,
        "defaultConfiguration": {"level": _LEVEL[rule.level]},
        "properties": properties,
    }


def _directory_uri(folder: Path) -> str:
    return folder.as_uri().rstrip("/") + "/"


def artifact_location(path: str, root: Path) -> dict:
    """A file's SARIF location: relative to ``root`` under ``%SRCROOT%`` when inside it, else an
    absolute ``file:`` URI. The file name's own bytes are percent-encoded, so a name that is not
    UTF-8 still names the right file."""
    relative = repository_path(path, root)
    if relative is None:
        return {"uri": Path(os.path.realpath(os.path.dirname(os.path.abspath(path))), os.path.basename(path)).as_uri()}
    return {"uri": quote(os.fsencode(relative)), "uriBaseId": "%SRCROOT%"}


def render(result: Result, registry: Registry, category: str | None = None, **_: object) -> str:
    root = source_root()
    rules = list(registry)
    index = {rule.id: i for i, rule in enumerate(rules)}
    results = []
    occurrences: Counter[str] = Counter()
    shared: Counter[str] = Counter()  # results that share a baseline fingerprint
    for f, uri, stable in fingerprints(result.findings, root):
        location = artifact_location(f.path, root)
        # The same wherever the run starts: the rule, the file as the repository names it, the message.
        digest = hashlib.sha256(f"{f.rule}\0{uri}\0{f.message}".encode()).hexdigest()[:32]
        occurrences[digest] += 1
        shared[stable] += 1
        results.append({
            "ruleId": f.rule,
            "ruleIndex": index[f.rule],
            "level": _LEVEL[f.level],
            "message": {"text": f.message},
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": location,
                    "region": {"startLine": f.line, "startColumn": f.col, "endLine": f.end_line, "endColumn": f.end_col},
                }
            }],
            "partialFingerprints": {
                "primaryLocationLineHash": f"{digest}:{occurrences[digest]}",
                FINGERPRINT: f"{stable}:{shared[stable]}",
            },
            **({"fixes": [_fix(f.fix, location)]} if f.fix is not None else {}),
        })
    run: dict = {
        "tool": {"driver": {
            "name": "ecslint",
            "version": __version__,
            "semanticVersion": __version__,
            "informationUri": INFORMATION_URI,
            "rules": [_descriptor(rule) for rule in rules],
        }},
        "originalUriBaseIds": {"%SRCROOT%": {
            "uri": _directory_uri(root),
            "description": {"text": "The root of the repository (or the directory ecslint ran in, outside one)."},
        }},
        "columnKind": "unicodeCodePoints",
        "results": results,
        "invocations": [{
            "executionSuccessful": not result.internal_errors,
            "workingDirectory": {"uri": _directory_uri(Path.cwd())},
            "toolExecutionNotifications": [
                {"level": "error", "message": {"text": text}} for text in result.internal_errors
            ],
        }],
    }
    if category:
        run["automationDetails"] = {"id": category if category.endswith("/") else f"{category}/"}
    log = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _fix(fix: Fix, location: dict) -> dict:
    """A finding's fix as a SARIF fix: one artifact change of replacements (an empty deleted region
    is an insertion); an unsafe fix says so in its description."""
    replacements = [{
        "deletedRegion": {"startLine": e.line, "startColumn": e.col, "endLine": e.end_line, "endColumn": e.end_col},
        "insertedContent": {"text": e.text},
    } for e in fix.edits]
    text = fix.title if fix.safe else f"{fix.title} (unsafe: applied only with --unsafe-fixes)"
    return {"description": {"text": text}, "artifactChanges": [{"artifactLocation": location,
                                                                "replacements": replacements}]}
