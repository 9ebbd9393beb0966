"""ecspresso (kayac/ecspresso): a configuration (``ecspresso.yml``: ``region``, ``cluster``, ``service``,
``service_definition``, ``task_definition``) and the two definition files it names, relative to it.

The definition files are ECS API shapes, read as ecspresso reads them: keys in any case (it decodes
them with Go's JSON decoder), a task definition bare or wrapped as describe output, its read-only
fields ignored. The service definition has no ``taskDefinition``: ecspresso registers the task
definition and deploys it, so the service is linked to the configuration's task definition, and is
named and placed in a cluster by the configuration. Template functions (``{{ must_env `TAG` }}``,
``{{ tfstate `...` }}``, ``{{ ssm `...` }}``) are unknown values.

A definition file linted without its configuration (a pre-commit run given only the service
definition) finds it: in its directory or above, up to the repository's root. Jsonnet definitions are
not evaluated: a configuration that names only those is skipped, saying why.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ecslint.model import ModelObject, Service, Source, TaskDefinition
from ecslint.model.ecs import READ_ONLY_TASK_FIELDS
from ecslint.model.values import literal_str
from ecslint.repository import repository_root
from ecslint.tree import Node, as_str

if TYPE_CHECKING:
    from ecslint.adapters import AdaptOptions, Included
    from ecslint.read import Document

DEFINITIONS = ("task_definition", "service_definition")
# Members of a configuration besides the definitions (one of them is always there).
SETTINGS = ("region", "cluster", "service", "timeout", "plugins", "required_version", "codedeploy", "ignore")
CONFIG_EXTENSIONS = (".yml", ".yaml", ".json")
MAX_CONFIG_BYTES = 64 * 1024
MAX_LEVELS = 8  # directories searched upward for a configuration, the definition file's own first


def is_config(root: Node) -> bool:
    """An ecspresso configuration: a definition path and one of its settings."""
    return root.is_map and any(as_str(root.get(key)) is not None for key in DEFINITIONS) and \
        any(key in root.value for key in SETTINGS)


@dataclass
class Deployment:
    """What a configuration says: its definition files (the paths as reports name them, or why one
    cannot be read), and the service's name and cluster as written there."""

    config: str
    task_definition: str | None = None
    service_definition: str | None = None
    service: Node | None = None
    cluster: Node | None = None
    unread: list[str] = field(default_factory=list)


def _definition(config_path: str, node: Node | None, unread: list[str]) -> str | None:
    """The path a definition member names, relative to the configuration; None (and why, in ``unread``)
    when it cannot be read."""
    if node is None:
        return None
    text = literal_str(node)
    if text is None:
        written = as_str(node)
        unread.append(f"the path {written!r} is filled in by a template when ecspresso runs" if written else
                      "a definition path is empty")
        return None
    if text.endswith((".jsonnet", ".libsonnet")):
        unread.append(f"{text} is Jsonnet, which ecslint does not evaluate (lint the output of "
                      "`ecspresso render` instead)")
        return None
    from ecslint.discover import display_path

    return display_path(os.path.normpath(os.path.join(os.path.dirname(config_path), text)))


def deployment(root: Node, path: str) -> Deployment:
    found = Deployment(path, service=root.get("service"), cluster=root.get("cluster"))
    found.task_definition = _definition(path, root.get("task_definition"), found.unread)
    found.service_definition = _definition(path, root.get("service_definition"), found.unread)
    return found


def _read(path: str) -> Document | None:
    """A file the configuration names, parsed; None when it cannot be read or parsed (linted as an
    input of its own, it says why)."""
    from ecslint.discover import read_file
    from ecslint.read import ParseError, decode, guess_format, parse

    if not os.path.isfile(path):
        return None
    item = read_file(path, named=False)
    if item.data is None:
        return None
    text = decode(item.data)
    try:
        return parse(text, guess_format(text, path), item.path)
    except ParseError:
        return None


def _mentions_definitions(path: str) -> bool:
    """A cheap test before parsing: a small regular file that names a task definition."""
    try:
        if not os.path.isfile(path) or os.path.getsize(path) > MAX_CONFIG_BYTES:
            return False
        with open(path, "rb") as handle:
            return b"task_definition" in handle.read(MAX_CONFIG_BYTES)
    except OSError:
        return False


def _configs_in(directory: str, options: AdaptOptions) -> list[Deployment]:
    """The ecspresso configurations of one directory (read once a run)."""
    key = ("ecspresso-dir", os.path.realpath(directory))
    if key not in options.cache:
        found = []
        try:
            names = sorted(os.listdir(directory))
        except OSError:
            names = []
        for name in names:
            path = os.path.join(directory, name)
            if not name.lower().endswith(CONFIG_EXTENSIONS) or not _mentions_definitions(path):
                continue
            document = _read(path)
            if document is not None:
                found += [deployment(r, document.path) for r in document.roots if is_config(r)]
        options.cache[key] = found
    return options.cache[key]  # type: ignore[return-value]


def config_naming(path: str, options: AdaptOptions) -> Deployment | None:
    """The configuration that names the definition file ``path``: in its directory or above it, up to
    the repository's root."""
    if path == "-" or not os.path.isfile(path):
        return None
    from ecslint.discover import display_path

    shown = display_path(path)
    directory = os.path.dirname(os.path.abspath(path))
    top = repository_root(directory)
    for _ in range(MAX_LEVELS):
        for found in _configs_in(directory, options):
            if shown in (found.task_definition, found.service_definition):
                return found
        if (top is not None and Path(directory).resolve() == top) or os.path.dirname(directory) == directory:
            return None
        directory = os.path.dirname(directory)
    return None


def _as_ecspresso_reads(document: Document, kind: str) -> ModelObject | None:
    """The task or service definition in ``document``, as ecspresso reads it."""
    from ecslint.adapters.api_case import api_cased
    from ecslint.adapters.ecs_api import task_definition
    from ecslint.checks.structure import schema

    root = document.roots[0] if document.roots else None
    if root is None or not root.is_map:
        return None
    source = Source(document.path, document.fmt)
    if kind == "task":
        task = task_definition(root, source, any_case=True)
        if task is not None:
            task.wrapper = None  # ecspresso takes the task definition out of a describe wrapper...
            for name in READ_ONLY_TASK_FIELDS:  # ... and leaves out what it cannot register
                task.node.value.pop(name, None)
        return task
    service_schema = schema("service")
    api_cased(root, service_schema, service_schema)
    return Service(root, source)


def _named(service: Service, member: str, value: Node | None, config: str) -> None:
    """Give the service the member the configuration sets (its name, its cluster), where it is written."""
    if value is None or member in service.node.value or as_str(value) is None:
        return
    service.node.value[member] = Node(value.value, value.line, value.col, value.end_line, value.end_col,
                                      file=config)


def adapt_deployment(found: Deployment, options: AdaptOptions, document: Document, root: Node) -> list[ModelObject]:
    """The task definition and the service of a configuration, linked; once a run (the other files
    of the deployment are read as part of the first one linted)."""
    key = ("ecspresso", os.path.realpath(found.config))
    if key in options.cache:
        return []
    parts: dict[str, Document] = {}
    for kind, path in (("task", found.task_definition), ("service", found.service_definition)):
        if path is not None:
            read = document if path == document.path else _read(path)
            if read is not None:
                parts[kind] = read
    task = _as_ecspresso_reads(parts["task"], "task") if "task" in parts else None
    service = _as_ecspresso_reads(parts["service"], "service") if "service" in parts else None
    made: list[ModelObject] = [obj for obj in (task, service) if obj is not None]
    if isinstance(service, Service):
        _named(service, "serviceName", found.service, found.config)
        _named(service, "cluster", found.cluster, found.config)
        service.task = task if isinstance(task, TaskDefinition) else None
    config = document if found.config == document.path else _read(found.config)
    others = [d for d in (*parts.values(), config) if d is not None and d.path != document.path]
    options.cache[key] = others
    options.cache[("ecspresso-read", id(root))] = others
    return made


def included(root: Node, options: AdaptOptions) -> list[Included]:
    """The other files of the deployment a document was read with, read as part of it."""
    from ecslint.adapters import Included

    others = options.cache.get(("ecspresso-read", id(root)), [])
    return [Included(other, consumed=True) for other in others]  # type: ignore[union-attr]


class EcspressoAdapter:
    """ecspresso configurations, with the definition files they name."""

    name = "ecspresso"
    ORDER = 30
    markers = ("task_definition", "service_definition")

    def claims(self, root: Node) -> bool:
        return is_config(root)

    def adapt(self, root: Node, document: Document, options: AdaptOptions) -> list[ModelObject]:
        return adapt_deployment(deployment(root, document.path), options, document, root)

    def included(self, root: Node, objects: list[ModelObject], options: AdaptOptions) -> list[Included]:
        return included(root, options)

    def why_empty(self, root: Node, document: Document, options: AdaptOptions) -> str:
        """Why a configuration gave nothing to lint."""
        found = deployment(root, document.path)
        if found.unread:
            return f"an ecspresso configuration whose definitions cannot be read: {'; '.join(found.unread)}"
        return "an ecspresso configuration whose definition files are missing or hold no ECS content"


ADAPTER = EcspressoAdapter()
