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


# The rules nearly every minimal sample trips: the opt-in ones (a read-only root file system, a non-root
# user, a health check, an image digest, awsvpc, a load balancer...) and ECS613 (no log configuration).
# Tests of what is valid or silent set them aside unless they select rules themselves; the rule fixture
# and example tests, which select ALL, run them.
HARDENING = ("ECS613", *(rule.id for rule in registry() if not rule.default))


def lint_inputs(inputs: list[Input], select: list[str] | None = None, **config) -> Result:
    """Lint with the rules ``select`` names; by default with all but :data:`HARDENING` (and what ``ignore`` says)."""
    if select is None:
        config["ignore"] = [*HARDENING, *config.get("ignore", [])]
    return lint(inputs, registry(), Config(select=select or ["ALL"], **config))


def lint_text(content: str, fmt: str = "json", select: list[str] | None = None, name: str | None = None,
              **config) -> Result:
    """Lint one text as a file named ``name`` (default ``input.json`` / ``input.yaml``)."""
    path = name or f"input.{fmt}"
    return lint_inputs([Input(path, content.encode("utf-8"))], select, **config)


def findings_of(result: Result, rule: str) -> list[Finding]:
    return [f for f in result.findings if f.rule == rule]


def render_line(finding: Finding) -> str:
    """How fixture expectations spell a finding: ``line:col: level[RULE] message``."""
    return f"{finding.line}:{finding.col}: {finding.level}[{finding.rule}] {finding.message}"


def value_paths(value, prefix=()):
    """Every path (mapping keys and list indices) to a value inside plain data, the root first."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from value_paths(item, prefix + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from value_paths(item, prefix + (index,))


def replaced(value, path, new):
    """A copy of ``value`` with ``new`` at ``path`` (a new member when the last step is a new key)."""
    if not path:
        return new
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[path[0]] = new if len(path) == 1 else replaced(value[path[0]], path[1:], new)
    return copy
