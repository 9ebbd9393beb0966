"""Where the data that ships with ecslint lives: the rule pack and the JSON Schemas."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """``rules`` or ``schemas``: inside an installed wheel (``ecslint/_data/``), or at the top of a
    source checkout; the first that exists."""
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"the '{name}' directory is missing from this installation of ecslint")
