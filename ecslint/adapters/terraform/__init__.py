"""Terraform: ``.tf`` files (HCL, read with tree-sitter) and plans (``terraform show -json``). (The
lists of container definitions that modules keep in files of their own are ECS API shapes: see
:mod:`ecslint.adapters.ecs_api`.)

A ``.tf`` file is read with the other files of its module (its directory), for their variables,
locals and data sources; its resources of the modeled types become model objects named by their
addresses (``aws_ecs_task_definition.app``), with findings at the ``.tf`` lines (or in a file the
configuration reads with ``file()``). The heavy parts are in submodules, imported only for
Terraform input.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from ecslint.tree import Node

if TYPE_CHECKING:
    from ecslint.adapters import AdaptOptions, Included
    from ecslint.model import ModelObject
    from ecslint.read import Document
    from ecslint.suppress import Suppression

RESOURCE_PREFIXES = ("aws_ecs_", "aws_iam_", "aws_lb", "aws_alb", "aws_elb", "aws_efs_", "aws_launch_",
                     "aws_autoscaling_group", "aws_instance", "aws_security_group", "aws_vpc_security_group",
                     "aws_subnet")


def _hcl(root: Node):  # type: ignore[no-untyped-def]
    """The parsed ``.tf`` file a root holds (never one before the reader of ``.tf`` files was imported,
    which a run of JSON and YAML alone never does)."""
    hcl = sys.modules.get("ecslint.hcl")
    return root.value if hcl is not None and isinstance(root.value, hcl.HclFile) else None


def _is_plan(root: Node) -> bool:
    return root.is_map and "planned_values" in root.value and "terraform_version" in root.value


class TerraformAdapter:
    """Terraform configurations and plans."""

    name = "terraform"
    ORDER = 20
    markers = RESOURCE_PREFIXES

    def claims(self, root: Node) -> bool:
        hcl = _hcl(root)
        if hcl is not None:
            from ecslint.adapters.terraform.specs import RESOURCES

            return any(len(b.labels) == 2 and b.labels[0] in RESOURCES for b in hcl.body.blocks_of("resource"))
        return _is_plan(root)

    def adapt(self, root: Node, document: Document, options: AdaptOptions) -> list[ModelObject]:
        from ecslint.adapters.terraform.configuration import adapt_configuration, adapt_plan

        hcl = _hcl(root)
        if hcl is not None:
            return adapt_configuration(hcl, options)
        return adapt_plan(root, document, options)

    def suppressions(self, root: Node) -> list[Suppression]:
        from ecslint.adapters.terraform.suppressions import suppressions

        hcl = _hcl(root)
        return suppressions(hcl) if hcl is not None else []

    def included(self, root: Node, objects: list[ModelObject], options: AdaptOptions) -> list[Included]:
        from ecslint.adapters.terraform.configuration import included

        return included(root, objects, options)


ADAPTER = TerraformAdapter()
