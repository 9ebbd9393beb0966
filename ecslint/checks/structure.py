"""Structure: task definitions, services and clusters against the ECS API's own shapes.

Each object is validated once against the JSON Schema of its kind, generated from the botocore
model (``schemas/generated/``, see ``scripts/generate_schemas.py``) with the hand-written
additions of ``schemas/additions.json`` merged in. That one validation feeds four rules: ECS112
(a value of the wrong JSON type), ECS115 (a value outside an enum), ECS116 (a key the API does not
have) and ECS111 (a required member that is missing, null or empty; through
``validity.required_values``). Nulls, template placeholders and YAML tags are never reported.
"""

from __future__ import annotations

import functools
import weakref
from functools import partial
from typing import Any, Iterator

from ecslint.edits import renamed, retyped
from ecslint.findings import Problems, Validation, Violation, collect
from ecslint.jsonschema_lite import Error, Validator
from ecslint.model import Cluster, ModelObject, Service, TaskDefinition
from ecslint.model.values import literal_node, placeholder
from ecslint.resources import merge_patch, read_schema
from ecslint.tree import Node, as_str
from ecslint.wording import closest, dotted, json_value, or_list, short, type_fix, type_words

SCHEMAS = {TaskDefinition: "task-definition", Service: "service", Cluster: "cluster"}
JsonPath = list[str | int]  # mapping keys and list indices from an object to one of its values
_ABSENT = object()

# How the AWS CLI (botocore) names the Python types it accepts for each JSON type.
CLI_TYPES = {"string": "<class 'str'>", "integer": "<class 'int'>", "boolean": "<class 'bool'>",
             "number": "<class 'float'>, <class 'decimal.Decimal'>, <class 'int'>",
             "array": "<class 'list'>, <class 'tuple'>", "object": "<class 'dict'>",
             "number|string": "<class 'datetime.datetime'>, timestamp-string"}

# Loading and compiling ------------------------------------------------------------------------


def schema(name: str) -> dict[str, Any]:
    """The generated schema ``name`` (``task-definition``, ``service``, ``cluster``) with its additions."""
    return merge_patch(read_schema(f"generated/{name}.schema.json"), read_schema("additions.json").get(name, {}))


def _blank_required(validator: Any, required: list[str], instance: Any, schema: Any) -> Iterator[Any]:
    """``required`` as AWS reads it: a member that is absent, null or "" is missing. Each error
    stays at the object, and names the member in ``validator_value``."""
    if not isinstance(instance, dict):
        return
    for member in required:
        if instance.get(member, _ABSENT) in (_ABSENT, None, ""):
            yield Error(f"{member!r} is required", validator_value=member)


@functools.lru_cache(maxsize=None)
def validator(name: str) -> Validator:
    """The compiled validator of schema ``name``: built once per process."""
    return Validator(schema(name), {"required": _blank_required})


# Validating -----------------------------------------------------------------------------------

_RESULTS: weakref.WeakKeyDictionary[ModelObject, Validation] = weakref.WeakKeyDictionary()


def validation(obj: ModelObject) -> Validation:
    """The structural problems of ``obj``, as its format checks them (the ECS API's schemas unless
    the format has its own); validated on first use, then remembered."""
    found = _RESULTS.get(obj)
    if found is None:
        validator = obj.source.validator
        found = _RESULTS[obj] = validator(obj) if validator is not None else api_validation(obj)
    return found


def api_validation(obj: ModelObject) -> Validation:
    """The structural problems of ``obj`` against the ECS API's schemas."""
    return collect(_found(obj))


def _found(obj: ModelObject) -> Problems:
    """Each problem's kind, and how to describe it (done only for those that are shown)."""
    name = SCHEMAS.get(type(obj))
    if name is None:
        return
    compiled = validator(name)
    hints = compiled.schema.get("x-hints", {})
    for error in compiled.iter_errors(obj.node.plain()):
        path = list(error.absolute_path)
        node = literal_node(obj.node, path)
        if node is None:
            continue
        value = node.value
        if error.validator == "type":
            if value is not None and not placeholder(value):  # null is accepted everywhere
                yield "type", partial(_wrong_type, obj, path, node, error.validator_value), None
        elif error.validator == "enum":
            if isinstance(value, str) and value and not placeholder(value):  # else ECS112's or ECS111's
                yield "enum", partial(_not_in_enum, obj, path, node, error.validator_value), None
        elif error.validator == "additionalProperties":
            known = error.schema.get("properties", {})
            for key in value:
                if key not in known and not placeholder(key):
                    yield "unknown", partial(_unknown_key, obj, path, node, key, known), None
        elif error.validator == "required":
            member = error.validator_value
            member_schema = error.schema.get("properties", {}).get(member, {})
            yield ("required", partial(_missing, obj, path + [member], node.get(member), node, member_schema, hints),
                   member)
        elif error.validator == "minItems" and error.instance == []:
            member = str(path[-1]) if path else None
            yield "required", partial(_missing, obj, path, node, node, error.schema, hints), member


# Messages -------------------------------------------------------------------------------------

ITEM_KINDS = {"containerDefinitions": "container", "volumes": "volume"}


def _split(obj: ModelObject, path: JsonPath) -> tuple[str, str]:
    """How messages name the place ``path``, in the words of the object's format: a path inside a
    container or volume and its label (``containerDefinitions[1]`` when it has no name), else a
    path inside ``obj``."""
    if isinstance(obj, TaskDefinition) and len(path) > 2 and path[0] in ITEM_KINDS and isinstance(path[1], int):
        name = as_str(obj.node.at(path[0], path[1], "name"))
        label = f"{ITEM_KINDS[path[0]]} '{name}'" if name else _spelled(obj, path[:2])
        return _spelled(obj, path[2:], within=str(path[0])), label
    return _spelled(obj, path), obj.label


def _spelled(obj: ModelObject, path: JsonPath, within: str = "") -> str:
    """``path`` as the object's format names it, which may take fewer or more names than the model
    (Terraform's ``network_configuration.subnets`` is ``networkConfiguration.awsvpcConfiguration.subnets``):
    each list index goes after the names its members so far make. From a key with a dot in it on
    (a free-form map's key, ``com.example.team``), the path is as it is written."""
    cut = next((i for i, step in enumerate(path) if isinstance(step, str) and "." in step), len(path))
    rest = "".join(f"[{step}]" if isinstance(step, int) else f".{step}" for step in path[cut:])
    words = _words(obj, [step for step in path[:cut] if isinstance(step, str)], within)
    names: list[str] = []
    spelled, used = "", 0
    for step in path[:cut]:
        if isinstance(step, str):
            names.append(step)
            continue
        upto = max(used, min(len(_words(obj, names, within)), len(words)))
        spelled += "".join(f".{word}" for word in words[used:upto]) + f"[{step}]"
        used = upto
    spelled += "".join(f".{word}" for word in words[used:])
    return (spelled + rest).lstrip(".")


def _words(obj: ModelObject, names: list[str], within: str) -> list[str]:
    return obj.term(".".join(names), within).split(".") if names else []


# Lists of pairs that people write as a mapping (``"environment": {"PORT": "80"}``): their two members.
PAIR_LISTS = {"tags": ("key", "value"), "environment": ("name", "value"), "secrets": ("name", "valueFrom"),
              "extraHosts": ("hostname", "ipAddress")}


def _wrong_type(obj: ModelObject, path: JsonPath, node: Node, expected: str | list[str]) -> Violation:
    value = node.plain()
    types = [t for t in ([expected] if isinstance(expected, str) else expected) if t != "null"]
    where, label = _split(obj, path)
    words = type_words(types)
    cli = (f"Invalid type for parameter {dotted(path)}, value: {short(str(value), 40)}, "
           f"type: <class '{type(value).__name__}'>, valid types: {CLI_TYPES['|'.join(sorted(types))]}")
    fix = type_fix(value, types[0])
    pair = PAIR_LISTS.get(str(path[-1])) if path else None
    if types == ["array"] and isinstance(value, dict) and pair is not None and pair[0] not in value:
        pairs = [{pair[0]: key, pair[1]: item} for key, item in value.items()]
        fix = f"Write it as a list of {pair[0]} and {pair[1]} objects: {json_value(pairs, 120)}."
    elif types == ["array"] and isinstance(value, dict):
        fix = f"Put it in a list: [{json_value(value, 100)}]."
    return Violation(node, f"{where} of {label} is {json_value(value)}, but the ECS API expects {words} here; the "
                           f"AWS CLI and the SDKs reject it (the CLI with \"{cli}\"). {fix}",
                     fix=retyped(obj, node, types[0]))


def _not_in_enum(obj: ModelObject, path: JsonPath, node: Node, allowed: list[Any]) -> Violation:
    value = node.value
    values = [v for v in allowed if v is not None]
    where, label = _split(obj, path)
    suggestion = closest(value, values)
    advice = f"Did you mean '{suggestion}'?" if suggestion else "Use one of them."
    return Violation(node, f"{where} of {label} is '{value}', but the ECS API accepts only {or_list(values)} "
                           f"here (case-sensitive) and rejects any other value. {advice}")


def _belongs_elsewhere(obj: ModelObject, path: JsonPath, key: str) -> str | None:
    """Where ``key``, unknown at the top of a task definition or of one of its containers, belongs
    instead (a container's ``logConfiguration`` written at the task level): how to move it, else None."""
    if not isinstance(obj, TaskDefinition):
        return None
    schema = validator("task-definition").schema
    container = schema["$defs"]["ContainerDefinition"]["properties"]
    if not path and key in container:
        return (" here; it is a member of each container definition, not of the task definition. Move it into "
                "the containers it is for.")
    if len(path) == 2 and path[0] == "containerDefinitions" and key in schema["properties"]:
        return " here; it is a member of the task definition, not of a container definition. Move it up to the task."
    return None


def _unknown_key(obj: ModelObject, path: JsonPath, node: Node, key: str, known: dict[str, Any]) -> Violation:
    where, label = _split(obj, path + [key])
    suggestion = closest(key, list(known))
    question, fix = (f"; did you mean '{suggestion}'?", "") if suggestion else (".", " Remove it or fix its name.")
    moved = _belongs_elsewhere(obj, path, key)
    if moved is not None:
        question, fix, suggestion = moved, "", None
    spelled = _spelled(obj, path + [suggestion]).rsplit(".", 1)[-1] if suggestion else None
    return Violation(node.key_node(key) or node,
                     f"{where} of {label} is not a key the ECS API knows{question} The AWS CLI rejects it "
                     f"with \"Unknown parameter in {dotted(path) or 'input'}: \"{key}\", must be one of: ...\", and "
                     f"tools that drop unknown keys silently lose its value.{fix}",
                     fix=renamed(obj, node, key, spelled))


def _missing(obj: ModelObject, path: JsonPath, value: Node | None, parent: Node, schema: dict[str, Any],
             hints: dict[str, str]) -> Violation:
    """A required member (at ``path``) that is absent, null or empty."""
    where, label = _split(obj, path)
    state = "is missing" if value is None else "is null" if value.value is None else "is empty"
    pattern = "".join("[]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
    values = [v for v in schema.get("enum", ()) if v is not None]
    above = path[:-1]
    item = isinstance(obj, TaskDefinition) and len(above) == 2 and above[0] in ITEM_KINDS  # a container itself
    owner = _split(obj, above)[0] if above and not item else ""
    hint = hints.get(pattern) or (f"Set it to {or_list(values)}." if values else
                                  f"Add a value, or remove {owner}." if owner else "Add a value.")
    message = f"{where} of {label} {state}, but AWS requires a value there. {hint}"
    return Violation(value if value is not None else parent, message)


# The checks -----------------------------------------------------------------------------------


def _check(kind: str, doc: str):
    def check(obj: ModelObject, ctx: Any = None) -> Iterator[Violation]:
        found = validation(obj)
        yield from (problem.violation for problem in found.problems if problem.kind == kind)
        if ctx is not None:
            ctx.unlisted(found.undescribed[kind])

    check.__doc__ = doc
    return check


invalid_types = _check("type", "ECS112: values of another JSON type than the ECS API's.")
invalid_enum_values = _check("enum", "ECS115: values outside the enum of their member.")
unknown_keys = _check("unknown", "ECS116: keys that the ECS API does not have.")
missing_members = _check("required", "ECS111: required members that are absent, null or empty.")
values_out_of_range = _check("range", "ECS117: values outside a range, length or pattern of their schema.")
