"""The CloudFormation resource schemas ecslint ships (``schemas/cloudformation/``, generated from
cfn-lint's data by ``scripts/generate_cfn_schemas.py``), loaded when first needed."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from ecslint.resources import data_dir


def schema_file(type_name: str) -> str:
    """``AWS::ECS::TaskDefinition`` -> ``ECS-TaskDefinition.schema.json``."""
    service, resource = type_name.split("::")[1:3]
    return f"{service}-{resource}.schema.json"


@lru_cache(maxsize=None)
def resource_schema(type_name: str) -> dict[str, Any]:
    """The resource schema of a type ecslint reads ({} for another type)."""
    path = data_dir("schemas") / "cloudformation" / schema_file(type_name)
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def definition_of(type_name: str, ref: str) -> dict[str, Any]:
    """The definition a ``$ref`` (``#/definitions/ContainerDefinition``) of the type's schema names."""
    name = ref.rsplit("/", 1)[-1]
    return resource_schema(type_name).get("definitions", {}).get(name, {})
