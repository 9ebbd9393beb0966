"""SARIF 2.1.0, as GitHub code scanning consumes it.

Rule metadata comes from the rule files (summary, rationale, help, help URI, level, tags,
security severity). Results carry relative URIs under ``%SRCROOT%``, full regions (end column
exclusive) and a ``primaryLocationLineHash`` computed here, since GitHub's REST upload does not.
"""

from __future__ import annotations

import hashlib
import json
from urllib.parse import quote

from ecslint import __version__
from ecslint.docs import rule_markdown
from ecslint.engine import Result
from ecslint.registry import Registry, Rule

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://github.com/ecslint/ecslint"
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


def render(result: Result, registry: Registry, category: str | None = None, **_: object) -> str:
    rules = list(registry)
    index = {rule.id: i for i, rule in enumerate(rules)}
    results = []
    occurrences: dict[str, int] = {}
    for f in result.findings:
        digest = hashlib.sha256(f"{f.rule}\0{f.path}\0{f.message}".encode()).hexdigest()[:32]
        occurrences[digest] = occurrences.get(digest, 0) + 1
        results.append({
            "ruleId": f.rule,
            "ruleIndex": index[f.rule],
            "level": _LEVEL[f.level],
            "message": {"text": f.message},
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": {"uri": quote(f.path), "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": f.line, "startColumn": f.col, "endLine": f.end_line, "endColumn": f.end_col},
                }
            }],
            "partialFingerprints": {"primaryLocationLineHash": f"{digest}:{occurrences[digest]}"},
        })
    run: dict = {
        "tool": {"driver": {
            "name": "ecslint",
            "version": __version__,
            "semanticVersion": __version__,
            "informationUri": INFORMATION_URI,
            "rules": [_descriptor(rule) for rule in rules],
        }},
        "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "The directory ecslint was run from."}}},
        "columnKind": "unicodeCodePoints",
        "results": results,
        "invocations": [{
            "executionSuccessful": not result.internal_errors,
            "toolExecutionNotifications": [
                {"level": "error", "message": {"text": text}} for text in result.internal_errors
            ],
        }],
    }
    if category:
        run["automationDetails"] = {"id": category if category.endswith("/") else f"{category}/"}
    log = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
