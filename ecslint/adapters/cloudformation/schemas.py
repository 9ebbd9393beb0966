"""The CloudFormation resource schemas ecslint ships (``schemas/cloudformation/``, generated from
cfn-lint's data by ``scripts/generate_cfn_schemas.py``, with the hand-written additions of
``schemas/additions.json``), loaded when first needed."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from ecslint.resources import data_dir, merge_patch, read_schema


def schema_file(type_name: str) -> str:
    """``AWS::ECS::TaskDefinition`` -> ``ECS-TaskDefinition.schema.json``."""
    service, resource = type_name.split("::")[1:3]
    return f"{service}-{resource}.schema.json"


@lru_cache(maxsize=None)
def resource_schema(type_name: str) -> dict[str, Any]:
    """The resource schema of a type ecslint reads, with the hand-written additions of
    ``schemas/additions.json`` (its ``cloudformation`` key) merged in; {} for another type."""
    name = f"cloudformation/{schema_file(type_name)}"
    if not (data_dir("schemas") / name).is_file():
        return {}
    return merge_patch(read_schema(name), read_schema("additions.json").get("cloudformation", {}).get(type_name, {}))


def definition_of(type_name: str, ref: str) -> dict[str, Any]:
    """The definition a ``$ref`` (``#/definitions/ContainerDefinition``) of the type's schema names."""
    name = ref.rsplit("/", 1)[-1]
    return resource_schema(type_name).get("definitions", {}).get(name, {})
