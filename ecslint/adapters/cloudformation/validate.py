"""Resource properties against their CloudFormation resource schemas (ECS111, ECS112, ECS115,
ECS116, ECS117 on templates), in CloudFormation's words.

Values are checked as CloudFormation reads them: a string where a number or a boolean is wanted
is fine when it is one (``Cpu: "256"``), and so is a number or a boolean where a string is wanted.
Functions left unresolved and template placeholders are unknown and never reported. Keys written
beside ``Type`` instead of under ``Properties`` are reported too.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache, partial
from typing import Any, Callable

from ecslint import jsonschema_lite as lite
from ecslint.adapters.cloudformation.schemas import resource_schema
from ecslint.edits import renamed, retyped
from ecslint.findings import Problems, Validation, Violation, collect
from ecslint.model import ModelObject, Resource
from ecslint.model.values import literal_node, placeholder, shown
from ecslint.tree import Node
from ecslint.wording import closest, dotted, json_value, or_list, short, type_fix, type_words

# Keys a resource may have besides Properties (CloudFormation's resource attributes).
RESOURCE_KEYS = ("Type", "Properties", "Metadata", "DependsOn", "Condition", "DeletionPolicy",
                 "UpdateReplacePolicy", "CreationPolicy", "UpdatePolicy", "Version", "Description")
# How CloudFormation's validator names JSON types in "expected type: ..., found: ...".
TYPE_NAMES = {"string": "String", "integer": "Integer", "number": "Number", "boolean": "Boolean",
              "array": "JSONArray", "object": "JSONObject", "null": "Null"}
RANGE_KEYWORDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength",
                  "pattern", "minItems", "maxItems", "uniqueItems", "multipleOf")
_NUMBER = re.compile(r"\s*-?\d+(\.\d+)?([eE][-+]?\d+)?\s*")


def _is_type(instance: Any, kind: str) -> bool:
    """JSON types as CloudFormation accepts them: scalars convert to one another where they can."""
    if kind == "string":
        return isinstance(instance, (str, int, float, bool))
    if kind in ("integer", "number"):
        if isinstance(instance, bool):
            return False
        if isinstance(instance, str):
            return bool(_NUMBER.fullmatch(instance)) and (kind == "number" or "." not in instance)
        return isinstance(instance, int) or (kind == "number" and isinstance(instance, float))
    if kind == "boolean":
        return isinstance(instance, bool) or (isinstance(instance, str) and instance.lower() in ("true", "false"))
    return {"array": list, "object": dict, "null": type(None)}[kind].__instancecheck__(instance)


def _numeric(keyword: Callable) -> Callable:
    """A range keyword that reads a numeric string as the number CloudFormation makes of it."""
    def check(validator: Any, limit: Any, instance: Any, schema: Any) -> Any:
        if isinstance(instance, str):
            if not _NUMBER.fullmatch(instance):
                return ()
            instance = float(instance)
        return keyword(validator, limit, instance, schema)
    return check


def _each_required(error: Callable) -> Callable:
    """``required``, one ``error`` a missing member, naming it in ``validator_value``."""
    def check(validator: Any, required: list[str], instance: Any, schema: Any) -> Any:
        if isinstance(instance, dict):
            for member in required:
                if member not in instance:
                    yield error(f"{member!r} is a required property", validator_value=member)
    return check


def _textual(keyword: Callable) -> Callable:
    """A string keyword that reads a number or boolean as the string CloudFormation makes of it."""
    def check(validator: Any, limit: Any, instance: Any, schema: Any) -> Any:
        if isinstance(instance, bool):
            instance = "true" if instance else "false"
        elif isinstance(instance, (int, float)):
            instance = str(instance)
        return keyword(validator, limit, instance, schema)
    return check


def _keywords(base: dict[str, Callable], error: Callable) -> dict[str, Callable]:
    """The keywords that read values as CloudFormation does, built on ``base``'s (jsonschema's or
    :mod:`ecslint.jsonschema_lite`'s), whose errors are ``error``."""
    keywords = {name: _numeric(base[name]) for name in
                ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf") if name in base}
    keywords.update({name: _textual(base[name]) for name in ("pattern", "minLength", "maxLength") if name in base})
    keywords["required"] = _each_required(error)
    return keywords


@lru_cache(maxsize=None)
def _validator(type_name: str) -> Any:
    """The compiled validator of a resource type's schema: :mod:`ecslint.jsonschema_lite`'s (every
    shipped schema uses only keywords it has), else jsonschema's."""
    schema = resource_schema(type_name)
    keywords = _keywords(lite.KEYWORDS, lite.Error)
    if lite.supported(schema, keywords, draft7=True):
        return lite.Validator(schema, keywords, draft7=True, is_type=_is_type)
    return jsonschema_validator(schema)


def jsonschema_validator(schema: dict[str, Any]) -> Any:
    """jsonschema's draft 7 validator of ``schema``, reading values as CloudFormation does."""
    from jsonschema import Draft7Validator
    from jsonschema.exceptions import ValidationError
    from jsonschema.validators import extend

    checker = Draft7Validator.TYPE_CHECKER.redefine_many(
        {kind: (lambda _, instance, kind=kind: _is_type(instance, kind))
         for kind in ("string", "integer", "number", "boolean", "array", "object", "null")})
    return extend(Draft7Validator, validators=_keywords(Draft7Validator.VALIDATORS, ValidationError),
                  type_checker=checker)(schema)


def validate(obj: ModelObject) -> Validation:
    """The structural problems of a template resource's model object (none for its parts)."""
    resource = obj.resource
    if resource is None or resource.properties is None:
        return Validation()
    return collect(_problems(obj, resource))


def _problems(obj: ModelObject, resource: Resource) -> Problems:
    yield from _misplaced(obj, resource)
    properties = resource.properties
    if not properties.is_map:
        return
    for error in _validator(resource.type).iter_errors(properties.plain()):
        path = list(error.absolute_path)
        node = literal_node(properties, path)
        if node is None:
            continue
        value = node.value
        if error.validator == "type":
            if value is not None and not placeholder(value):
                yield "type", partial(_wrong_type, obj, resource, path, node, error.validator_value), None
        elif error.validator == "enum":
            if isinstance(value, (str, int, float)) and not placeholder(value):
                yield "enum", partial(_not_in_enum, obj, path, node, error.validator_value), None
        elif error.validator == "additionalProperties" and node.is_map:
            known = list(error.schema.get("properties", {}))
            patterns = list(error.schema.get("patternProperties", {}))
            for key in value:
                if key not in known and not any(re.search(p, key) for p in patterns) and not placeholder(key):
                    yield "unknown", partial(_unknown_key, obj, path, node, key, known), None
        elif error.validator == "required" and node.is_map:
            member = error.validator_value
            yield "required", partial(_missing, obj, resource, path + [member], node), _canonical(obj, member)
        elif error.validator == "minItems" and value == []:
            yield "required", partial(_empty, obj, resource, path, node), _canonical(obj, str(path[-1])) if path else None
        elif error.validator in RANGE_KEYWORDS and not placeholder(value):
            yield "range", partial(_out_of_range, obj, path, node, error.validator, error.validator_value), None


def _canonical(obj: ModelObject, member: str) -> str:
    """A CloudFormation member name as the model spells it (``Name`` -> ``name``) on ECS resources."""
    return member[:1].lower() + member[1:] if obj.resource and obj.resource.type.startswith("AWS::ECS::") else member


# --- Where a problem is, and its messages ------------------------------------------------------------

ITEM_KINDS = {"ContainerDefinitions": "container", "Volumes": "volume"}


def _place(obj: ModelObject, path: list[str | int]) -> tuple[str, str]:
    """``(path inside the object, how messages name the object)``: inside a container or volume of a
    task definition, the container; else the resource."""
    if len(path) > 2 and path[0] in ITEM_KINDS and isinstance(path[1], int) and obj.resource is not None:
        name = shown(obj.resource.properties.at(path[0], path[1], "Name"))
        return dotted(path[2:]), f"{ITEM_KINDS[path[0]]} '{name}'" if name else f"{path[0]}[{path[1]}]"
    return dotted(path), obj.label


def _pointer(path: list[str | int]) -> str:
    return "#/" + "/".join(str(p) for p in path)


def _json_type(value: Any) -> str:
    for kind, python in (("boolean", bool), ("integer", int), ("number", float), ("string", str),
                         ("array", list), ("object", dict)):
        if isinstance(value, python):
            return TYPE_NAMES[kind]
    return "Null"


def _wrong_type(obj: ModelObject, resource: Resource, path: list[str | int], node: Node,
                expected: str | list[str]) -> Violation:
    value = node.plain()
    types = [t for t in ([expected] if isinstance(expected, str) else expected) if t != "null"]
    where, label = _place(obj, path)
    said = (f"Properties validation failed for resource {resource.logical_id} with message: {_pointer(path)}: "
            f"expected type: {TYPE_NAMES.get(types[0], types[0])}, found: {_json_type(value)}")
    fix = type_fix(value, types[0])
    if types[0] == "array" and isinstance(value, dict):
        fix = "Write it as a list: a '- ' before the first key of each item."
    return Violation(node, f"{where} of {label} is {json_value(value)}, but CloudFormation expects {type_words(types)} "
                           f"here; it rejects the resource with \"{said}\". {fix}", fix=retyped(obj, node, types[0]))


def _not_in_enum(obj: ModelObject, path: list[str | int], node: Node, allowed: list[Any]) -> Violation:
    value = node.value
    values = [str(v) for v in allowed if v is not None]
    where, label = _place(obj, path)
    suggestion = closest(str(value), values)
    advice = f"Did you mean '{suggestion}'?" if suggestion else "Use one of them."
    return Violation(node, f"{where} of {label} is {json_value(value)}, but CloudFormation accepts only "
                           f"{or_list(values)} here (case-sensitive) and rejects any other value. {advice}")


def _unknown_key(obj: ModelObject, path: list[str | int], node: Node, key: str, known: list[str]) -> Violation:
    where, label = _place(obj, path + [key])
    suggestion = closest(key, known)
    question, fix = (f"; did you mean '{suggestion}'?", "") if suggestion else (".", " Remove it or fix its name.")
    return Violation(node.key_node(key) or node,
                     f"{where} of {label} is not a property CloudFormation knows{question} CloudFormation rejects "
                     f"it with \"Encountered unsupported property {short(key, 60)}\".{fix}",
                     fix=renamed(obj, node, key, suggestion))


def _missing(obj: ModelObject, resource: Resource, path: list[str | int], parent: Node) -> Violation:
    where, label = _place(obj, path)
    said = f"Properties validation failed for resource {resource.logical_id} with message: " \
           f"{_pointer(path[:-1]) if path[:-1] else '#'}: required key [{path[-1]}] not found"
    return Violation(parent, f"{where} of {label} is missing, but CloudFormation requires it and rejects the "
                             f"resource with \"{said}\". Add {path[-1]}.")


# What AWS says when a list that needs items is empty.
EMPTY_ERRORS = {"ContainerDefinitions": "Container list cannot be empty."}


def _empty(obj: ModelObject, resource: Resource, path: list[str | int], node: Node) -> Violation:
    where, label = _place(obj, path)
    said = EMPTY_ERRORS.get(str(path[-1]) if path else "")
    rejects = f"AWS rejects it with \"{said}\"" if said else "CloudFormation rejects the resource"
    return Violation(node, f"{where} of {label} is empty, but it needs at least one item; {rejects}. Add one.")


LIMITS = {"minimum": "at least {}", "maximum": "at most {}", "exclusiveMinimum": "more than {}",
          "exclusiveMaximum": "less than {}", "minLength": "at least {} characters long",
          "maxLength": "at most {} characters long", "pattern": "matching the pattern {}",
          "minItems": "a list of at least {} items", "maxItems": "a list of at most {} items",
          "uniqueItems": "a list without repeated items", "multipleOf": "a multiple of {}"}


def _out_of_range(obj: ModelObject, path: list[str | int], node: Node, keyword: str, limit: Any) -> Violation:
    where, label = _place(obj, path)
    wanted = LIMITS[keyword].format(json.dumps(limit) if keyword == "pattern" else limit)
    return Violation(node, f"{where} of {label} is {json_value(node.plain())}, but CloudFormation accepts only a value "
                           f"{wanted} here and rejects the resource. Change the value.")


def _misplaced(obj: ModelObject, resource: Resource) -> Problems:
    """Keys of the resource that are not resource attributes: most often properties written one
    level too high, beside ``Type``, which CloudFormation does not read as properties."""
    properties = resource_schema(resource.type).get("properties", {})
    for key, key_node in (resource.node.keys or {}).items():
        if key in RESOURCE_KEYS or placeholder(key):
            continue
        yield "unknown", partial(_misplaced_key, obj, resource, key, key_node, key in properties), None


def _misplaced_key(obj: ModelObject, resource: Resource, key: str, node: Node, is_property: bool) -> Violation:
    said = f"Invalid template resource property '{short(key, 60)}'"
    if is_property:
        return Violation(node, f"{key} of {obj.label} is written beside Type, not under Properties, so it is not a "
                               f"property of the resource: CloudFormation rejects the template with \"{said}\". "
                               "Indent it under Properties.")
    suggestion = closest(key, list(RESOURCE_KEYS))
    question = f"; did you mean '{suggestion}'?" if suggestion else "."
    return Violation(node, f"{key} of {obj.label} is not a resource attribute CloudFormation knows{question} "
                           f"CloudFormation rejects the template with \"{said}\".")
