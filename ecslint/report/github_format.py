"""GitHub Actions workflow commands: ``::error file=...,line=...::message`` annotations."""

from __future__ import annotations

from ecslint.engine import Result
from ecslint.registry import Registry
from ecslint.safe_text import printable

_COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


def _data(text: str) -> str:
    """A command's message: printable, so no CR or LF can end the command and no ESC, BEL or BS
    reaches the runner's log; ``%`` in the runner's own escape."""
    return printable(text).replace("%", "%25")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(result: Result, registry: Registry, **_: object) -> str:
    lines = []
    for f in result.findings:
        props = (
            f"file={_property(f.path)},line={f.line},col={f.col},endLine={f.end_line},"
            f"endColumn={f.end_col},title={_property(f'{f.rule} {f.name}')}"
        )
        lines.append(f"::{_COMMAND[f.level]} {props}::{_data(f'{f.rule}: {f.message}')}")
    return "\n".join(lines) + ("\n" if lines else "")
