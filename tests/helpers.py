"""Shared test helpers: lint text or files in process, with all or some rules."""

from __future__ import annotations

from functools import lru_cache

from ecslint.config import Config
from ecslint.engine import Input, Result, lint
from ecslint.findings import Finding
from ecslint.registry import Registry, load_registry


@lru_cache(maxsize=1)
def registry() -> Registry:
    return load_registry(plugins=False)


def lint_inputs(inputs: list[Input], select: list[str] | None = None, **config) -> Result:
    return lint(inputs, registry(), Config(select=select or ["ALL"], **config))


def lint_text(content: str, fmt: str = "json", select: list[str] | None = None, name: str | None = None) -> Result:
    """Lint one text as a file named ``name`` (default ``input.json`` / ``input.yaml``)."""
    path = name or f"input.{fmt}"
    return lint_inputs([Input(path, content.encode("utf-8"))], select)


def findings_of(result: Result, rule: str) -> list[Finding]:
    return [f for f in result.findings if f.rule == rule]


def render_line(finding: Finding) -> str:
    """How fixture expectations spell a finding: ``line:col: level[RULE] message``."""
    return f"{finding.line}:{finding.col}: {finding.level}[{finding.rule}] {finding.message}"
