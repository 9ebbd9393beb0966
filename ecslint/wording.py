"""How messages say things: lists, values, paths, types, and what a misspelled word stands for."""

from __future__ import annotations

import difflib
import json
from typing import Any

TYPE_WORDS = {"string": "a string", "integer": "an integer", "number": "a number", "boolean": "a boolean",
              "array": "a list", "object": "an object", "null": "null"}
TYPE_FIXES = {"integer": "Write it as a whole number, without quotes.",
              "number": "Write it as a number, without quotes.",
              "boolean": "Write true or false, without quotes.", "array": "Write it as a list.",
              "object": "Write it as an object (a mapping of keys to values).", "string": "Write it as a string."}


def or_list(values: list[str]) -> str:
    """``a``, ``a or b``, ``a, b or c``."""
    return " or ".join(filter(None, [", ".join(values[:-1]), values[-1]]))


def and_list(values: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return " and ".join(filter(None, [", ".join(values[:-1]), values[-1]]))


def short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 3] + "..."


def json_value(value: Any, limit: int = 60) -> str:
    """A value in JSON spelling, its keys in the order written, shortened (what a template function
    gives: the function)."""
    return short(json.dumps(value, default=repr), limit)


def dotted(path: list[str | int]) -> str:
    """``containerDefinitions[0].portMappings[1].containerPort``."""
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")


def type_words(types: list[str]) -> str:
    """``a string or an integer`` (null left out: it is allowed everywhere)."""
    return " or ".join(TYPE_WORDS.get(t, t) for t in types if t != "null")


def _is_number(text: str, expected: str) -> bool:
    try:
        (int if expected == "integer" else float)(text)
    except ValueError:
        return False
    return True


def type_fix(value: Any, expected: str) -> str:
    """How to write ``value`` as the ``expected`` JSON type."""
    text = value.strip() if isinstance(value, str) else None
    if expected in ("integer", "number") and text is not None and _is_number(text, expected):
        return f"Write {text} without quotes."
    if expected == "string" and not isinstance(value, (dict, list)):
        return f"Quote it: \"{json.dumps(value)}\"."
    return TYPE_FIXES.get(expected, "")


def _fold(word: str) -> str:
    return word.lower().replace("-", "").replace("_", "")


def closest(word: str, choices: list[str], cutoff: float = 0.75) -> str | None:
    """The choice ``word`` most likely stands for: the same but for case, hyphens and underscores,
    else the closest spelling (if any is at least ``cutoff`` alike)."""
    folded = {_fold(c): c for c in choices}
    if _fold(word) in folded:
        return folded[_fold(word)]
    lowered = {c.lower(): c for c in choices}
    match = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=cutoff)
    return lowered[match[0]] if match else None
