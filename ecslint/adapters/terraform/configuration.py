"""Terraform input to model objects: a ``.tf`` file within its module, and the files its objects'
values are written in."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from ecslint.adapters.terraform.build import objects
from ecslint.adapters.terraform.module import Module
from ecslint.adapters.terraform.naming import TerraformNaming
from ecslint.adapters.terraform.plan import PlanResult, plan_objects
from ecslint.adapters.terraform.suppressions import suppressions
from ecslint.hcl import HclFile
from ecslint.model import ModelObject, Source
from ecslint.read import Document
from ecslint.tree import Node

if TYPE_CHECKING:
    from ecslint.adapters import AdaptOptions, Included

NAMING = TerraformNaming()


def module_of(hcl: HclFile, options: AdaptOptions) -> Module:
    """The module of a file, read once a run for all its files (again only when the file's text is
    not what the module read from the disk: an editor's unsaved buffer)."""
    key = ("terraform-module", os.path.normpath(os.path.dirname(hcl.path) or "."))
    module = options.cache.get(key)
    path = os.path.normpath(hcl.path)
    if not isinstance(module, Module) or not any(os.path.normpath(f.path) == path and f.text == hcl.text
                                                 for f in module.files):
        module = Module.of(hcl, options.var_files)
        options.cache[key] = module
    return module


def adapt_configuration(hcl: HclFile, options: AdaptOptions) -> list[ModelObject]:
    return objects(module_of(hcl, options), hcl, Source(hcl.path, "hcl", NAMING))


def _files(objects: list[ModelObject]) -> set[str]:
    """The files the objects' values are written in, besides their own."""
    found: set[str] = set()
    for obj in objects:
        pending = [obj.node]
        while pending:
            node = pending.pop()
            if node.file is not None and node.file != obj.source.path:
                found.add(node.file)
            if node.is_map:
                pending.extend(node.value.values())
            elif node.is_seq:
                pending.extend(node.value)
    return found


def included(root: Node, made: list[ModelObject], options: AdaptOptions) -> list[Included]:
    """The other files the objects' values are written in: a module's other ``.tf`` files, files read
    with ``file()``; for a plan, the ``.tf`` files its findings are placed in (read as part of it)."""
    from ecslint.adapters import Included

    if not isinstance(root.value, HclFile):
        planned = options.cache.get(("terraform-plan", id(root)))
        tf_files = planned.tf_files if isinstance(planned, PlanResult) else []
        return [Included(_document(hcl), suppressions(hcl), consumed=True) for hcl in tf_files]
    module = module_of(root.value, options)
    by_path = {os.path.normpath(f.path): f for f in module.files}
    found = []
    for path in sorted(_files(made)):
        hcl = by_path.get(os.path.normpath(path))
        if hcl is not None:
            found.append(Included(_document(hcl), suppressions(hcl)))
        elif os.path.normpath(path) in module.texts:
            found.append(Included(Document(path, module.texts[os.path.normpath(path)], "json", []), consumed=True))
    return found


def _document(hcl: HclFile) -> Document:
    return Document(hcl.path, hcl.text, "hcl", [Node(hcl, 1, 1, 1, 1)])


def adapt_plan(root: Node, document: Document, options: AdaptOptions) -> list[ModelObject]:
    result = plan_objects(root, document, Source(document.path, document.fmt, NAMING))
    options.cache[("terraform-plan", id(root))] = result
    return result.objects
