"""Where the data that ships with ecslint lives: the rule pack and the JSON Schemas."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """``rules`` or ``schemas``: inside an installed wheel (``ecslint/_data/``), or at the top of a
    source checkout; the first that exists."""
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"the '{name}' directory is missing from this installation of ecslint")


def read_schema(path: str) -> Any:
    """A JSON file of ``schemas/`` (``generated/service.schema.json``)."""
    return json.loads((data_dir("schemas") / path).read_text(encoding="utf-8"))


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7396: ``patch`` applied to ``target`` (a null member removes it), as a new value."""
    if not isinstance(patch, dict):
        return patch
    merged = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = merge_patch(merged.get(key), value)
    return merged
