"""JSON output: a versioned, documented object (see ``docs/output.md``)."""

from __future__ import annotations

import json

from ecslint import __version__
from ecslint.engine import Result
from ecslint.findings import Fix
from ecslint.registry import Registry

SCHEMA_VERSION = 1


def render(result: Result, registry: Registry, **_: object) -> str:
    findings = []
    for f in result.findings:
        rule = registry.rules.get(f.rule)
        findings.append({
            "rule": f.rule,
            "name": f.name,
            "level": f.level,
            "message": f.message,
            "path": f.path,
            "line": f.line,
            "column": f.col,
            "end_line": f.end_line,
            "end_column": f.end_col,
            "help_uri": rule.help_uri if rule else None,
            "fix": _fix(f.fix),
        })
    document = {
        "version": SCHEMA_VERSION,
        "tool": {"name": "ecslint", "version": __version__},
        "findings": findings,
        "files": {
            "linted": sorted(result.linted),
            "skipped": [{"path": p, "reason": r} for p, r in sorted(result.skipped)],
            "unreadable": sorted(result.failed),
        },
    }
    return json.dumps(document, indent=2, sort_keys=False) + "\n"


def _fix(fix: Fix | None) -> dict | None:
    """A finding's fix: its title, whether ``--fix`` applies it, and its edits (1-based, end excluded)."""
    if fix is None:
        return None
    edits = [{"line": e.line, "column": e.col, "end_line": e.end_line, "end_column": e.end_col, "text": e.text}
             for e in fix.edits]
    return {"title": fix.title, "safe": fix.safe, "edits": edits}
