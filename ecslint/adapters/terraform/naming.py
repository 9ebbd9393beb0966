"""How Terraform names the model's members, so messages speak its words: ``task_role_arn``,
``deployment_maximum_percent``, ``load_balancer.target_group_arn``; members of container
definitions are the ECS API's own names, as their JSON spells them."""

from __future__ import annotations

import json
import re
from typing import Any, ClassVar

from ecslint.adapters.cloudformation.names import PART_DEFINITIONS, cfn_words
from ecslint.adapters.terraform.specs import CONTAINERS, JSON, RESOURCES, VOLUME, Field, Spec
from ecslint.model import ModelObject, Naming
from ecslint.tree import Node

# Arguments whose Terraform values differ from the model's (see mapping.CONVERTERS).
ARGUMENT_VALUES: dict[str, dict[Any, Any]] = {
    "assign_public_ip": {"ENABLED": True, "DISABLED": False},
    "internal": {"internal": True, "internet-facing": False},
}
_WORD_START = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def snake(name: str) -> str:
    """``HealthCheckPath`` -> ``health_check_path``."""
    return _WORD_START.sub("_", name).lower()


def _fields(spec: Spec) -> dict[str, tuple[str, Field]]:
    """A spec's fields by the property path they make; the fields of a block whose arguments
    belong to the resource itself (a target group's ``health_check``) under their own paths."""
    found: dict[str, tuple[str, Field]] = {}
    for name, field in spec.items():
        if field.cfn == "" and field.spec is not None:
            for inner, inner_field in field.spec.items():
                found[inner_field.cfn] = (f"{name}.{inner}", inner_field)
        else:
            found[field.cfn] = (name, field)
    return found


def terraform_path(spec: Spec, properties: list[str], canonical: list[str]) -> list[str]:
    """CloudFormation property names (with the model's names beside them) as Terraform names them."""
    out: list[str] = []
    i = 0
    while i < len(properties):
        fields = _fields(spec)
        match = next(((j, *fields[".".join(properties[i:j])]) for j in range(len(properties), i, -1)
                      if ".".join(properties[i:j]) in fields), None)
        if match is None:
            return out + [snake(word) for word in properties[i:]]
        i, name, field = match
        out.append(name)
        if field.convert in (JSON, CONTAINERS):  # inside a JSON document: its own (the model's) names
            return out + canonical[i:]
        if field.spec is None:
            return out + [snake(word) for word in properties[i:]]
        spec = field.spec
    return out


def written(node: Node, words: list[str]) -> list[str] | None:
    """The names a present member is written with, read from the keys of the model's nodes (which keep
    the argument as written: ``user_data`` or ``user_data_base64``, ``memoryreservation``); one name
    for the members Terraform flattens into one argument. None when a member on the way is absent."""
    out: list[str] = []
    current: Node | None = node
    for word in words:
        if current is not None and current.is_seq:
            current = next((item for item in current.value if item.is_map and word in item.value), None)
        if current is None or not current.is_map or word not in current.value:
            return None
        key = current.key_node(word)
        if key is None or not isinstance(key.value, (str, type(None))):
            return None
        if key.value is not None and (not out or out[-1] != key.value):  # (None: a member flattened away)
            out.append(key.value)
        current = current.value[word]
    return out


class TerraformNaming(Naming):
    """Arguments and blocks as a ``.tf`` file spells them: as written when present, else as the
    provider names them."""

    defaults: ClassVar[dict[tuple[str, str], Any]] = {("Service", "desiredCount"): 0}  # the provider's default for desired_count

    def term(self, obj: ModelObject, path: str) -> str:
        resource = obj.resource or getattr(getattr(obj, "task", None), "resource", None)
        if resource is None or resource.type not in RESOURCES:
            return path
        as_written = written(obj.node, path.split("."))
        if as_written is not None:
            return ".".join(as_written)
        kind = type(obj).__name__
        if kind == "ContainerDefinition":
            return path  # container definitions are JSON, in the ECS API's names
        cfn_type, spec = RESOURCES[resource.type]
        if kind == "Volume":
            spec = VOLUME
        words = path.split(".")
        return ".".join(terraform_path(spec, cfn_words(cfn_type, PART_DEFINITIONS.get(kind, cfn_type), words), words))

    def assignment(self, name: str, value: Any) -> str:
        value = ARGUMENT_VALUES.get(name.rsplit(".", 1)[-1], {}).get(value, value)
        return f"{name} = {json.dumps(value)}"
