"""CloudFormation templates (YAML or JSON, written by hand or synthesized by CDK, SAM or Copilot).

A document is a template when it has ``Resources`` whose types are AWS resource types; it is read
when some of them are resources ecslint models (ECS, and the IAM, load balancing, EFS and EC2
resources around them). Templates are recognised here, cheaply; they are read by the submodules,
imported only for a template.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecslint.tree import Node

if TYPE_CHECKING:
    from ecslint.adapters import AdaptOptions
    from ecslint.model import ModelObject
    from ecslint.read import Document
    from ecslint.suppress import Suppression

MODELED_PREFIXES = ("AWS::ECS::", "AWS::IAM::", "AWS::ElasticLoadBalancing", "AWS::EFS::", "AWS::EC2::",
                    "AWS::AutoScaling::", "AWS::ApplicationAutoScaling::")


def _type(resource: Node) -> str | None:
    kind = resource.get("Type") if resource.is_map else None
    return kind.value if kind is not None and isinstance(kind.value, str) else None


def resources_of(root: Node) -> Node | None:
    """The ``Resources`` of a template; or the document itself when it is nothing but resources
    (a fragment, such as a Copilot override: logical ids to ``Type: AWS::...`` mappings)."""
    if not root.is_map:
        return None
    resources = root.get("Resources")
    if resources is not None:
        return resources if resources.is_map else None
    types = [_type(node) for node in root.value.values()]
    return root if types and all(t is not None and t.startswith("AWS::") for t in types) else None


def _types(root: Node) -> list[str]:
    resources = resources_of(root)
    return [t for node in resources.value.values() if (t := _type(node))] if resources is not None else []


class CloudFormationAdapter:
    """Templates: their ECS resources and the resources around them, under each scenario of their conditions."""

    name = "cloudformation"
    ORDER = 10  # before the API shapes: a template is never a task definition
    markers = MODELED_PREFIXES

    def claims(self, root: Node) -> bool:
        from ecslint.adapters.cloudformation.resources import MODELED_TYPES

        return any(kind in MODELED_TYPES for kind in _types(root))

    def adapt(self, root: Node, document: Document, options: AdaptOptions) -> list[ModelObject]:
        from ecslint.adapters.cloudformation.template import Template

        return Template(root, document, options.parameters).objects()

    def suppressions(self, root: Node) -> list[Suppression]:
        from ecslint.adapters.cloudformation.metadata import suppressions

        return suppressions(root)


ADAPTER = CloudFormationAdapter()
