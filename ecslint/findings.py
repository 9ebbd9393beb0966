"""Findings: what a rule reports, where, and how bad it is."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from ecslint.safe_text import readable
from ecslint.tree import Node

LEVELS = ("error", "warning", "info")
LEVEL_RANK = {"info": 1, "warning": 2, "error": 3}


@dataclass(frozen=True)
class Edit:
    """Replace the text from ``line:col`` up to ``end_line:end_col`` (1-based, columns in characters,
    the end excluded) of the finding's file with ``text``; an insertion when both ends are equal."""

    line: int
    col: int
    end_line: int
    end_col: int
    text: str


@dataclass(frozen=True)
class Fix:
    """How to repair a finding: edits to the file's text, all applied or none. ``safe``: applied by
    ``--fix``; an unsafe fix changes behaviour beyond the obvious and needs ``--unsafe-fixes``."""

    title: str
    edits: tuple[Edit, ...]
    safe: bool = True


@dataclass(frozen=True)
class Violation:
    """What a check yields: the node that is wrong (or the object that lacks a member) and why.
    ``within``: the object the node belongs to when it is not the object checked (a service's
    check that points at its task definition, perhaps in another file); ``fix``: how to repair it,
    where that is known; ``unconditional``: it holds whatever a template's conditions are (it is about
    what is written, as a reference to nothing), even when the object is built in some scenarios only."""

    node: Node
    message: str
    within: Any = None
    fix: Fix | None = None
    unconditional: bool = False


@dataclass(frozen=True, order=True)
class Finding:
    """A reported problem. Ordered by file, position and rule, so output is deterministic.
    ``where``: the flagged node's logical location, which no line shift or reformatting moves
    (``task definition 'web' containerDefinitions[name=app].portMappings[0].hostPort``); it makes the
    finding's fingerprint (:mod:`ecslint.fingerprint`)."""

    path: str
    line: int
    col: int
    rule: str
    message: str
    end_line: int
    end_col: int
    level: str
    name: str
    fix: Fix | None = field(default=None, compare=False)
    where: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        # Messages quote input: keep them printable and of a readable length in every format.
        object.__setattr__(self, "message", readable(self.message))

    @classmethod
    def at(cls, node: Node, path: str, rule: str, name: str, level: str, message: str,
           fix: Fix | None = None, where: str = "") -> Finding:
        """A finding located at ``node``; a mapping or list is marked by its first character."""
        if node.is_scalar:
            return cls(path, node.line, node.col, rule, message, node.end_line, node.end_col, level, name, fix, where)
        return cls(path, node.line, node.col, rule, message, node.line, node.col + 1, level, name, fix, where)


@dataclass(frozen=True)
class Problem:
    """One structural finding: which rule it belongs to (``type``, ``enum``, ``unknown``,
    ``required``), and for a missing member its canonical name."""

    kind: str
    violation: Violation
    member: str | None = None


@dataclass
class Validation:
    """The structural problems of one object: described up to a bound, counted beyond it."""

    problems: list[Problem] = field(default_factory=list)
    undescribed: Counter[str] = field(default_factory=Counter)


# Problems of one object that are described; beyond it they are only counted (a hostile file of a
# million wrong values is counted in seconds, without a million messages in memory).
MAX_DESCRIBED = 2000
# Structural problems as a format finds them: (kind, how to describe one, the missing member of a required one).
Problems = Iterator[tuple[str, Callable[[], Violation], "str | None"]]


def collect(problems: Problems) -> Validation:
    """Problems described up to ``MAX_DESCRIBED``, then counted."""
    found = Validation()
    for kind, describe, member in problems:
        if len(found.problems) < MAX_DESCRIBED:
            found.problems.append(Problem(kind, describe(), member))
        else:
            found.undescribed[kind] += 1
    return found
