"""Output formats: each module renders a run's findings as one string, deterministically."""

from __future__ import annotations

from typing import Callable

FORMATS = ("text", "json", "sarif", "github", "junit", "gitlab")


def renderer(name: str) -> Callable:
    """The ``render`` function of the output format ``name`` (imported on demand)."""
    from importlib import import_module

    return import_module(f"ecslint.report.{name}_format").render
