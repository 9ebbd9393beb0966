"""A small JSON Schema (2020-12) validator for the keywords ecslint's own schemas use.

It reports the errors ``jsonschema`` reports, with the same attributes (``validator``,
``validator_value``, ``instance``, ``schema``, ``message``, ``absolute_path``), in the same
order, for the keywords of :data:`KEYWORDS`; importing it costs nothing, where ``jsonschema``
costs a tenth of a second and more. A schema with any other validation keyword is not
:func:`supported`: its caller uses ``jsonschema`` instead. Only local references
(``#/$defs/Name``) are followed.
"""

from __future__ import annotations

from collections import deque
from typing import Any, Callable, Iterator

# The validation keywords of draft 2020-12 (``Draft202012Validator.VALIDATORS``): any other key of
# a schema is an annotation (title, description, $defs, x-hints...).
DRAFT_2020_12 = frozenset({
    "$dynamicRef", "$ref", "additionalProperties", "allOf", "anyOf", "const", "contains", "dependentRequired",
    "dependentSchemas", "enum", "exclusiveMaximum", "exclusiveMinimum", "format", "if", "items", "maxItems",
    "maxLength", "maxProperties", "maximum", "minItems", "minLength", "minProperties", "minimum", "multipleOf",
    "not", "oneOf", "pattern", "patternProperties", "prefixItems", "properties", "propertyNames", "required",
    "type", "unevaluatedItems", "unevaluatedProperties", "uniqueItems",
})


class SchemaError(Exception):
    """A schema this validator cannot follow (a reference that is not local)."""


class Error:
    """One validation error, with the attributes of ``jsonschema.ValidationError`` that ecslint reads."""

    def __init__(self, message: str, validator_value: Any = None) -> None:
        self.message = message
        self.validator: str | None = None
        self.validator_value = validator_value
        self.instance: Any = None
        self.schema: Any = None
        self.path: deque[str | int] = deque()
        self.bound = False  # validator, instance and schema are set (by the keyword that found it)

    @property
    def absolute_path(self) -> deque[str | int]:
        return self.path


def _is_type(instance: Any, kind: str) -> bool:
    if kind == "string":
        return isinstance(instance, str)
    if kind == "object":
        return isinstance(instance, dict)
    if kind == "array":
        return isinstance(instance, list)
    if kind == "boolean":
        return isinstance(instance, bool)
    if kind == "null":
        return instance is None
    if isinstance(instance, bool):
        return False
    if kind == "integer":
        return isinstance(instance, int) or (isinstance(instance, float) and instance.is_integer())
    if kind == "number":
        return isinstance(instance, (int, float))
    raise SchemaError(f"unknown type {kind!r}")


def _unbool(value: Any) -> Any:
    return ("bool", value) if isinstance(value, bool) else value


def equal(one: Any, two: Any) -> bool:
    """Equality as JSON Schema has it: ``true`` is not ``1``, in lists and objects too."""
    if one is two:
        return True
    if isinstance(one, str) or isinstance(two, str):
        return one == two
    if isinstance(one, list) and isinstance(two, list):
        return len(one) == len(two) and all(equal(a, b) for a, b in zip(one, two))
    if isinstance(one, dict) and isinstance(two, dict):
        return one.keys() == two.keys() and all(equal(one[key], two[key]) for key in one)
    return _unbool(one) == _unbool(two)


Keyword = Callable[["Validator", Any, Any, dict], Iterator[Error]]


def _type(validator: Validator, types: Any, instance: Any, schema: dict) -> Iterator[Error]:
    types = [types] if isinstance(types, str) else types
    if not any(_is_type(instance, kind) for kind in types):
        yield Error(f"{instance!r} is not of type {', '.join(repr(kind) for kind in types)}")


def _enum(validator: Validator, enums: Any, instance: Any, schema: dict) -> Iterator[Error]:
    if all(not equal(each, instance) for each in enums):
        yield Error(f"{instance!r} is not one of {enums!r}")


def _const(validator: Validator, const: Any, instance: Any, schema: dict) -> Iterator[Error]:
    if not equal(instance, const):
        yield Error(f"{const!r} was expected")


def _properties(validator: Validator, properties: dict, instance: Any, schema: dict) -> Iterator[Error]:
    if isinstance(instance, dict):
        for name, subschema in properties.items():
            if name in instance:
                yield from validator.descend(instance[name], subschema, name)


def _additional_properties(validator: Validator, allowed: Any, instance: Any, schema: dict) -> Iterator[Error]:
    if not isinstance(instance, dict):
        return
    known = schema.get("properties", {})
    extras = [name for name in instance if name not in known]
    if isinstance(allowed, dict):
        for name in extras:
            yield from validator.descend(instance[name], allowed, name)
    elif not allowed and extras:
        extras = sorted(set(extras), key=str)
        verb = "was" if len(extras) == 1 else "were"
        yield Error(f"Additional properties are not allowed ({', '.join(map(repr, extras))} {verb} unexpected)")


def _items(validator: Validator, items: Any, instance: Any, schema: dict) -> Iterator[Error]:
    if isinstance(instance, list):
        for index, item in enumerate(instance):
            yield from validator.descend(item, items, index)


def _required(validator: Validator, required: list[str], instance: Any, schema: dict) -> Iterator[Error]:
    if isinstance(instance, dict):
        for name in required:
            if name not in instance:
                yield Error(f"{name!r} is a required property")


def _min_items(validator: Validator, least: Any, instance: Any, schema: dict) -> Iterator[Error]:
    if isinstance(instance, list) and len(instance) < least:
        yield Error(f"{instance!r} {'should be non-empty' if least == 1 else 'is too short'}")


def _minimum(validator: Validator, minimum: Any, instance: Any, schema: dict) -> Iterator[Error]:
    if _is_type(instance, "number") and instance < minimum:
        yield Error(f"{instance!r} is less than the minimum of {minimum!r}")


def _maximum(validator: Validator, maximum: Any, instance: Any, schema: dict) -> Iterator[Error]:
    if _is_type(instance, "number") and instance > maximum:
        yield Error(f"{instance!r} is greater than the maximum of {maximum!r}")


def _not(validator: Validator, forbidden: Any, instance: Any, schema: dict) -> Iterator[Error]:
    if validator.is_valid(instance, forbidden):
        yield Error(f"{instance!r} should not be valid under {forbidden!r}")


def _if(validator: Validator, condition: Any, instance: Any, schema: dict) -> Iterator[Error]:
    if validator.is_valid(instance, condition):
        if "then" in schema:
            yield from validator.descend(instance, schema["then"])
    elif "else" in schema:
        yield from validator.descend(instance, schema["else"])


def _ref(validator: Validator, reference: str, instance: Any, schema: dict) -> Iterator[Error]:
    yield from validator.descend(instance, validator.resolve(reference))


KEYWORDS: dict[str, Keyword] = {
    "$ref": _ref, "type": _type, "enum": _enum, "const": _const, "properties": _properties,
    "additionalProperties": _additional_properties, "items": _items, "required": _required,
    "minItems": _min_items, "minimum": _minimum, "maximum": _maximum, "not": _not, "if": _if,
}


def _subschemas(schema: Any) -> Iterator[Any]:
    """``schema`` and every schema inside it."""
    pending = [schema]
    while pending:
        current = pending.pop()
        if not isinstance(current, dict):
            continue
        yield current
        for key, value in current.items():
            if key in ("properties", "$defs", "definitions", "patternProperties", "dependentSchemas"):
                pending.extend(value.values() if isinstance(value, dict) else ())
            elif key in ("items", "not", "if", "then", "else", "additionalProperties", "contains", "propertyNames",
                         "unevaluatedItems", "unevaluatedProperties"):
                pending.append(value)
            elif key in ("allOf", "anyOf", "oneOf", "prefixItems") and isinstance(value, list):
                pending.extend(value)


def supported(schema: Any, keywords: dict[str, Keyword] | None = None) -> bool:
    """Whether every validation keyword in ``schema`` is one this validator (with ``keywords``) has,
    and every reference is local."""
    known = {**KEYWORDS, **(keywords or {})}
    for subschema in _subschemas(schema):
        for key, value in subschema.items():
            if key in DRAFT_2020_12 and key not in known:
                return False
            if key == "$ref" and not (isinstance(value, str) and value.startswith("#")):
                return False
            if key in ("$id", "$anchor", "$dynamicAnchor") and subschema is not schema:
                return False
    return True


class Validator:
    """A compiled schema: ``iter_errors`` as ``jsonschema.Draft202012Validator(schema).iter_errors``.
    ``keywords`` replace or add keyword functions (``required`` as AWS reads it)."""

    def __init__(self, schema: Any, keywords: dict[str, Keyword] | None = None) -> None:
        self.schema = schema
        self.keywords = {**KEYWORDS, **(keywords or {})}

    def resolve(self, reference: str) -> Any:
        """The subschema a local reference (``#/$defs/Name``) names."""
        target = self.schema
        for part in reference[1:].split("/")[1:] if reference != "#" else ():
            if "%" in part:
                from urllib.parse import unquote

                part = unquote(part)
            part = part.replace("~1", "/").replace("~0", "~")
            try:
                target = target[int(part)] if isinstance(target, list) else target[part]
            except (KeyError, IndexError, ValueError, TypeError):
                raise SchemaError(f"unresolvable reference {reference!r}") from None
        return target

    def iter_errors(self, instance: Any) -> Iterator[Error]:
        return self.descend(instance, self.schema)

    def is_valid(self, instance: Any, schema: Any) -> bool:
        return next(self.descend(instance, schema), None) is None

    def descend(self, instance: Any, schema: Any, path: str | int | None = None) -> Iterator[Error]:
        """The errors of ``instance`` under ``schema``, with ``path`` put before their paths."""
        if schema is True:
            return
        if schema is False:
            error = Error(f"False schema does not allow {instance!r}")
            error.instance, error.schema, error.bound = instance, schema, True
            if path is not None:
                error.path.appendleft(path)
            yield error
            return
        for key, value in schema.items():
            keyword = self.keywords.get(key)
            if keyword is None:
                continue
            for error in keyword(self, value, instance, schema):
                if not error.bound:
                    error.validator, error.bound = key, True
                    if error.validator_value is None:
                        error.validator_value = value
                    error.instance = instance
                    error.schema = schema
                if path is not None:
                    error.path.appendleft(path)
                yield error
