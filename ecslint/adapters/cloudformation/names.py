"""CloudFormation's names and the model's: properties of ECS resources become the ECS API's members
(``NetworkMode`` -> ``networkMode``, ``ProxyConfigurationProperties`` -> ``properties``), values the
schema wants as numbers or booleans become them (CloudFormation accepts ``Cpu: "256"``), and
messages name members the way the template does.

The table is ``schemas/cloudformation/names.json``, generated from the resource schemas and the ECS
API model (``scripts/generate_cfn_schemas.py``). Free-form maps (``DockerLabels``,
``LogConfiguration.Options``, ``Labels``, ...) keep their keys as written.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any, ClassVar

from ecslint.adapters.cloudformation.schemas import definition_of, resource_schema
from ecslint.model import ModelObject, Naming, is_intrinsic
from ecslint.model.values import Unresolved
from ecslint.resources import data_dir
from ecslint.tree import Node

# The CloudFormation definition each model kind of an ECS resource starts from.
PART_DEFINITIONS = {"ContainerDefinition": "ContainerDefinition", "Volume": "Volume"}


@lru_cache(maxsize=1)
def _table() -> dict[str, Any]:
    return json.loads((data_dir("schemas") / "cloudformation" / "names.json").read_text(encoding="utf-8"))["types"]


@lru_cache(maxsize=None)
def _to_api(type_name: str, definition: str) -> dict[str, list]:
    """CloudFormation name -> [API name, child definition, kind] in one definition of one type."""
    return _table().get(type_name, {}).get(definition, {})


@lru_cache(maxsize=None)
def _to_cfn(type_name: str, definition: str) -> dict[str, tuple[str, str | None]]:
    """API name -> (CloudFormation name, child definition)."""
    return {api: (cfn, child) for cfn, (api, child, _) in _to_api(type_name, definition).items()}


def _upper_first(name: str) -> str:
    return name[:1].upper() + name[1:]


def cfn_words(type_name: str, definition: str | None, words: list[str]) -> list[str]:
    """Member names of the model (the ECS API's, for ECS types) as CloudFormation spells them,
    from ``definition`` of ``type_name`` down."""
    spelled = []
    for word in words:
        cfn, definition = _to_cfn(type_name, definition or "").get(word, (_upper_first(word), None))
        spelled.append(cfn)
    return spelled


class CloudFormationNaming(Naming):
    """Members as a template of this format spells them: ``HealthCheck.Interval``."""

    # "For new services, if a desired count is not specified, a default value of 1 is used."
    defaults: ClassVar[dict[tuple[str, str], Any]] = {("Service", "desiredCount"): 1}

    def __init__(self, fmt: str) -> None:
        self.fmt = fmt

    def term(self, obj: ModelObject, path: str) -> str:
        resource = obj.resource or getattr(getattr(obj, "task", None), "resource", None)
        if resource is None:
            return path
        definition = PART_DEFINITIONS.get(type(obj).__name__, resource.type)
        return ".".join(cfn_words(resource.type, definition, path.split(".")))

    def assignment(self, name: str, value: Any) -> str:
        if self.fmt == "json":
            return f"{json.dumps(name)}: {json.dumps(value)}"
        text = json.dumps(value)
        return f"{name}: {text.strip(chr(34)) if isinstance(value, str) and text.isprintable() else text}"


# --- Template properties to the model's canonical node ------------------------------------------

def _target(type_name: str, schema: dict[str, Any] | None) -> dict[str, Any]:
    """A property schema with its ``$ref`` followed."""
    schema = schema or {}
    ref = schema.get("$ref")
    return definition_of(type_name, ref) if ref else schema


def _scalar(node: Node, schema: dict[str, Any]) -> Node:
    """A scalar as CloudFormation passes it on: a number or boolean from a string where the schema
    wants one, a string from a number or boolean where it wants a string."""
    value, kind = node.value, schema.get("type")
    kinds = set(kind) if isinstance(kind, list) else {kind}
    converted = value
    if isinstance(value, str) and node.tag is None and "string" not in kinds:
        text = value.strip()
        try:
            if "integer" in kinds:
                converted = int(text) if len(text) < 20 else value
            elif "number" in kinds:
                converted = float(text) if any(c in text for c in ".eE") else int(text)
        except ValueError:
            pass
        if "boolean" in kinds and text.lower() in ("true", "false"):
            converted = text.lower() == "true"
    elif isinstance(value, (bool, int, float)) and kinds == {"string"}:
        converted = ("true" if value else "false") if isinstance(value, bool) else str(value)
    if converted is value:
        return node
    return Node(converted, node.line, node.col, node.end_line, node.end_col, None, node.tag, node.file)


def canonical(type_name: str, properties: Node) -> Node:
    """The resource's (resolved) properties in the model's spelling: the ECS API's for ECS types,
    their own (CloudFormation's, which is their API's) for the others; values converted as
    CloudFormation converts them."""
    schema = resource_schema(type_name)
    return _convert(type_name, properties, schema, type_name if type_name in _table() else None)


def _convert(type_name: str, node: Node, schema: dict[str, Any], definition: str | None) -> Node:
    schema = _target(type_name, schema)
    if isinstance(node.value, Unresolved):
        return node
    if is_intrinsic(node):  # unknown: opaque, so no rule mistakes it for a mapping
        return Node(Unresolved(node.plain()), node.line, node.col, node.end_line, node.end_col)
    if node.is_map:
        named = schema.get("properties")
        if named is None:  # a free-form map: keys as written, values converted
            values = schema.get("additionalProperties")
            pattern = next(iter(schema.get("patternProperties", {}).values()), None)
            inner = values if isinstance(values, dict) else pattern or {}
            return _rebuild(node, {k: (k, _convert(type_name, v, inner, None)) for k, v in node.value.items()})
        names = _to_api(type_name, definition) if definition else {}
        known = {name.lower() for name in names}
        members = {}
        for key, value in node.value.items():
            api, child, _ = names.get(key, (_unknown_name(key, definition, known), None, None))
            members[key] = (api, _convert(type_name, value, named.get(key, {}), child))
        return _rebuild(node, members)
    if node.is_seq:
        items = schema.get("items", {})
        return Node([_convert(type_name, item, items, definition) for item in node.value],
                    node.line, node.col, node.end_line, node.end_col, None, node.tag, node.file)
    return _scalar(node, schema)


def _unknown_name(key: str, definition: str | None, known: set[str]) -> str:
    """The model's name of a key the API table does not list: CloudFormation's own members in the API's
    spelling (a lower-case first letter); a known member in another case (``EfsVolumeConfiguration``),
    which CloudFormation rejects (ECS116), as written, so that no rule reads it as the member."""
    if definition is None or key.lower() in known:
        return key
    return key[:1].lower() + key[1:]


def _rebuild(node: Node, members: dict[str, tuple[str, Node]]) -> Node:
    """A mapping with renamed members; each new key keeps the node of the key as written (its
    position and spelling)."""
    values, keys = {}, {}
    for key, (name, value) in members.items():
        values[name] = value
        keys[name] = node.keys[key] if node.keys and key in node.keys else value
    return Node(values, node.line, node.col, node.end_line, node.end_col, keys, node.tag, node.file)
