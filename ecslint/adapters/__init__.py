"""Format adapters: each turns the documents of one input format into model objects, and only
adapters know a format's spelling.

An adapter is a module of this package (or a package in it) that defines ``ADAPTER``, an object
with a ``name``, ``markers`` (words one of which every file of its format contains, so a file with
none of them is skipped before it is parsed), ``claims(root)`` (whether a parsed document is of its
format, decided by content) and ``adapt(root, document, options)`` (the model objects in it), and
may define ``suppressions(root)`` (suppressions the format writes, such as a template's Metadata),
``included(root, objects, options)`` (other files the objects' values are written in) and
``why_empty(root, document, options)`` (why a document it claims gave nothing to lint).
Adding a format is adding such a module; the registry finds it. Modules are imported when first
needed and keep their heavy parts in submodules imported only by ``adapt``.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Protocol

from ecslint.adapters.unclaimed import describe
from ecslint.model import ModelObject
from ecslint.read import Document
from ecslint.suppress import Suppression
from ecslint.tree import Node

NOT_ECS = "no ECS task definition, service or cluster found"
# Why a file with no document was skipped, by format.
EMPTY = {"json-template": "a template that is JSON only once rendered (it uses %{ } directives)"}


@dataclass
class AdaptOptions:
    """What the user tells the adapters beyond the files (template parameter values, Terraform
    variable files), and what adapters keep for the length of one run (a Terraform module read
    once for all its files)."""

    parameters: dict[str, str] = field(default_factory=dict)
    var_files: list[str] = field(default_factory=list)
    cache: dict[object, object] = field(default_factory=dict)


@dataclass
class Included:
    """Another file that a file's findings may point into (a Terraform variable's default in
    ``variables.tf``, container definitions read with ``file()``), with that file's own
    suppressions. ``consumed``: the file is read as part of the one that includes it, so it is not
    linted on its own as well."""

    document: Document
    suppressions: list[Suppression] = field(default_factory=list)
    consumed: bool = False


class Adapter(Protocol):
    name: str
    markers: tuple[str, ...]

    def claims(self, root: Node) -> bool: ...

    def adapt(self, root: Node, document: Document, options: AdaptOptions) -> list[ModelObject]: ...


@lru_cache(maxsize=1)
def adapters() -> tuple[Adapter, ...]:
    """Every adapter of this package, in a stable order: more specific formats first (``ORDER``)."""
    found = []
    for module in pkgutil.iter_modules(__path__):
        adapter = getattr(importlib.import_module(f"{__name__}.{module.name}"), "ADAPTER", None)
        if adapter is not None:
            found.append(adapter)
    return tuple(sorted(found, key=lambda a: (getattr(a, "ORDER", 50), a.name)))


def may_hold_ecs(text: str) -> bool:
    """A cheap test before parsing: could ``text`` hold content an adapter reads? A file that
    could not is skipped unparsed, which keeps a pre-commit run over many files fast."""
    return any(marker in text for adapter in adapters() for marker in adapter.markers)


@dataclass
class Adapted:
    """What one file contributed: model objects and the suppressions its format writes (a
    template's Metadata), or why it was skipped."""

    objects: list[ModelObject] = field(default_factory=list)
    suppressions: list[Suppression] = field(default_factory=list)
    included: list[Included] = field(default_factory=list)
    skipped: str | None = None


def adapt(document: Document, options: AdaptOptions | None = None) -> Adapted:
    """The model objects of every document in the file; why a file with none was skipped."""
    options = options or AdaptOptions()
    result = Adapted()
    reasons: list[str] = []
    for root in document.roots:
        adapter = next((a for a in adapters() if a.claims(root)), None)
        if adapter is None:
            reasons.append(describe(root))
            continue
        objects = adapter.adapt(root, document, options)
        if not objects and hasattr(adapter, "why_empty"):
            reasons.append(adapter.why_empty(root, document, options))
        result.objects.extend(objects)
        if hasattr(adapter, "suppressions"):
            result.suppressions.extend(adapter.suppressions(root))
        if hasattr(adapter, "included"):
            result.included.extend(adapter.included(root, objects, options))
    if not result.objects:
        result.skipped = reasons[0] if reasons else EMPTY.get(document.fmt, "empty YAML stream")
    return result
