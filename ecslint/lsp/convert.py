"""Findings in the protocol's terms: diagnostics, ranges in the client's position encoding, and
edits as text edits. ecslint counts lines and columns from 1, in characters; the protocol from 0,
in the code units the client and server agreed on (UTF-16 unless the client offers another)."""

from __future__ import annotations

from typing import Iterable

from lsprotocol import types
from pygls.workspace import TextDocument
from pygls.workspace.position_codec import ServerTextPosition, ServerTextRange

from ecslint.findings import Edit, Finding
from ecslint.registry import Rule

SEVERITY = {"error": types.DiagnosticSeverity.Error, "warning": types.DiagnosticSeverity.Warning,
            "info": types.DiagnosticSeverity.Information}


def server_range(line: int, col: int, end_line: int, end_col: int) -> ServerTextRange:
    """A range of 1-based lines and character columns as 0-based code points."""
    return ServerTextRange(ServerTextPosition(max(line - 1, 0), max(col - 1, 0)),
                           ServerTextPosition(max(end_line - 1, 0), max(end_col - 1, 0)))


def finding_range(finding: Finding) -> ServerTextRange:
    return server_range(finding.line, finding.col, finding.end_line, finding.end_col)


def diagnostic(document: TextDocument, finding: Finding, rule: Rule | None) -> types.Diagnostic:
    """The diagnostic of a finding: its rule id as the code, with a link to the rule's documentation."""
    return types.Diagnostic(
        range=document.range_to_client_units(finding_range(finding)),
        message=finding.message,
        severity=SEVERITY.get(finding.level, types.DiagnosticSeverity.Warning),
        code=finding.rule,
        code_description=types.CodeDescription(href=rule.help_uri) if rule is not None else None,
        source="ecslint",
    )


def text_edits(document: TextDocument, edits: Iterable[Edit]) -> list[types.TextEdit]:
    return [types.TextEdit(range=document.range_to_client_units(server_range(e.line, e.col, e.end_line, e.end_col)),
                           new_text=e.text) for e in edits]


def workspace_edit(document: TextDocument, edits: Iterable[Edit]) -> types.WorkspaceEdit:
    """Edits of ``document`` as one workspace edit."""
    return types.WorkspaceEdit(changes={document.uri: text_edits(document, edits)})


def explanation(rule: Rule) -> str:
    """What a hover over a finding shows of its rule, as Markdown."""
    parts = [f"**{rule.id}** `{rule.name}` ({rule.level})", rule.summary.strip(), rule.rationale.strip()]
    if rule.fix.strip():
        parts.append(f"**Fix:** {rule.fix.strip()}")
    parts.append(f"[Documentation]({rule.help_uri})")
    return "\n\n".join(part for part in parts if part)
