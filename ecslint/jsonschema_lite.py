"""A small JSON Schema validator (draft 2020-12, or draft 7) for the keywords ecslint's schemas use.

It reports the errors ``jsonschema`` reports, with the same attributes (``validator``,
``validator_value``, ``instance``, ``schema``, ``message``, ``absolute_path``), in the same
order, for the keywords of :data:`KEYWORDS`; importing it costs nothing, where ``jsonschema``
costs a tenth of a second and more, and it validates several times faster. A schema with any
other validation keyword is not :func:`supported`: its caller uses ``jsonschema`` instead. Only
local references (``#/$defs/Name``, ``#/definitions/Name``) are followed.
"""

from __future__ import annotations

import re
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
# Those of draft 7 (``Draft7Validator.VALIDATORS``).
DRAFT_7 = frozenset({
    "$ref", "additionalItems", "additionalProperties", "allOf", "anyOf", "const", "contains", "dependencies", "enum",
    "exclusiveMaximum", "exclusiveMinimum", "format", "if", "items", "maxItems", "maxLength", "maxProperties",
    "maximum", "minItems", "minLength", "minProperties", "minimum", "multipleOf", "not", "oneOf", "pattern",
    "patternProperties", "properties", "propertyNames", "required", "type", "uniqueItems",
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
    if not any(validator.is_type(instance, kind) for kind in types):
        yield Error(f"{instance!r} is not of type {', '.join(repr(kind) for kind in types)}")


def _enum(validator: Validator, enums: Any, instance: Any, schema: dict) -> Iterator[Error]:
    if all(not equal(each, instance) for each in enums):
        yield Error(f"{instance!r} is not one of {enums!r}")


def _const(validator: Validator, const: Any, instance: Any, schema: dict) -> Iterator[Error]:
    if not equal(instance, const):
        yield Error(f"{const!r} was expected")


def _properties(validator: Validator, properties: dict, instance: Any, schema: dict) -> Iterator[Error]:
    if validator.is_type(instance, "object"):
        for name, subschema in properties.items():
            if name in instance:
                yield from validator.descend(instance[name], subschema, name)


def _additional_properties(validator: Validator, allowed: Any, instance: Any, schema: dict) -> Iterator[Error]:
    if not validator.is_type(instance, "object"):
        return
    known = schema.get("properties", {})
    patterns = "|".join(schema.get("patternProperties", {}))
    extras = [name for name in instance if name not in known and not (patterns and re.search(patterns, name))]
    if validator.is_type(allowed, "object"):
        for name in extras:
            yield from validator.descend(instance[name], allowed, name)
    elif not allowed and extras:
        extras = sorted(set(extras), key=str)
        if "patternProperties" in schema:
            verb = "does" if len(extras) == 1 else "do"
            regexes = ", ".join(map(repr, sorted(schema["patternProperties"])))
            yield Error(f"{', '.join(map(repr, extras))} {verb} not match any of the regexes: {regexes}")
        else:
            verb = "was" if len(extras) == 1 else "were"
            yield Error(f"Additional properties are not allowed ({', '.join(map(repr, extras))} {verb} unexpected)")


def _pattern_properties(validator: Validator, patterns: dict, instance: Any, schema: dict) -> Iterator[Error]:
    if validator.is_type(instance, "object"):
        for pattern, subschema in patterns.items():
            for name, value in instance.items():
                if re.search(pattern, name):
                    yield from validator.descend(value, subschema, name)


def _items(validator: Validator, items: Any, instance: Any, schema: dict) -> Iterator[Error]:
    if validator.is_type(instance, "array"):
        for index, item in enumerate(instance):
            yield from validator.descend(item, items, index)


def _required(validator: Validator, required: list[str], instance: Any, schema: dict) -> Iterator[Error]:
    if validator.is_type(instance, "object"):
        for name in required:
            if name not in instance:
                yield Error(f"{name!r} is a required property")


def _size_limit(kind: str, most: bool) -> Callable[[Validator, Any, Any, dict], Iterator[Error]]:
    """``minItems``/``maxItems`` (``kind`` array) and ``minLength``/``maxLength`` (string): a size against a
    bound, the least (or, ``most``, the greatest) allowed."""
    def check(validator: Validator, bound: Any, instance: Any, schema: dict) -> Iterator[Error]:
        if validator.is_type(instance, kind) and (len(instance) > bound if most else len(instance) < bound):
            if most:
                yield Error(f"{instance!r} {'is expected to be empty' if bound == 0 else 'is too long'}")
            else:
                yield Error(f"{instance!r} {'should be non-empty' if bound == 1 else 'is too short'}")
    return check


_min_items, _max_items = _size_limit("array", most=False), _size_limit("array", most=True)
_min_length, _max_length = _size_limit("string", most=False), _size_limit("string", most=True)


def _unique_items(validator: Validator, unique: Any, instance: Any, schema: dict) -> Iterator[Error]:
    if unique and validator.is_type(instance, "array") and \
            any(equal(one, two) for index, one in enumerate(instance) for two in instance[index + 1:]):
        yield Error(f"{instance!r} has non-unique elements")


def _pattern(validator: Validator, pattern: str, instance: Any, schema: dict) -> Iterator[Error]:
    if validator.is_type(instance, "string") and not re.search(pattern, instance):
        yield Error(f"{instance!r} does not match {pattern!r}")


def _minimum(validator: Validator, minimum: Any, instance: Any, schema: dict) -> Iterator[Error]:
    if validator.is_type(instance, "number") and instance < minimum:
        yield Error(f"{instance!r} is less than the minimum of {minimum!r}")


def _maximum(validator: Validator, maximum: Any, instance: Any, schema: dict) -> Iterator[Error]:
    if validator.is_type(instance, "number") and instance > maximum:
        yield Error(f"{instance!r} is greater than the maximum of {maximum!r}")


def _exclusive_minimum(validator: Validator, minimum: Any, instance: Any, schema: dict) -> Iterator[Error]:
    if validator.is_type(instance, "number") and instance <= minimum:
        yield Error(f"{instance!r} is less than or equal to the minimum of {minimum!r}")


def _exclusive_maximum(validator: Validator, maximum: Any, instance: Any, schema: dict) -> Iterator[Error]:
    if validator.is_type(instance, "number") and instance >= maximum:
        yield Error(f"{instance!r} is greater than or equal to the maximum of {maximum!r}")


def _multiple_of(validator: Validator, factor: Any, instance: Any, schema: dict) -> Iterator[Error]:
    if not validator.is_type(instance, "number"):
        return
    if isinstance(factor, float):
        quotient = instance / factor
        try:
            failed = int(quotient) != quotient
        except OverflowError:  # (a huge instance and a factor below one)
            from fractions import Fraction

            failed = (Fraction(instance) / Fraction(factor)).denominator != 1
    else:
        failed = instance % factor
    if failed:
        yield Error(f"{instance!r} is not a multiple of {factor}")


def _dependencies(validator: Validator, dependencies: dict, instance: Any, schema: dict) -> Iterator[Error]:
    """Draft 7's ``dependencies`` (later drafts split it in two)."""
    if not validator.is_type(instance, "object"):
        return
    for name, dependency in dependencies.items():
        if name not in instance:
            continue
        if validator.is_type(dependency, "array"):
            for each in dependency:
                if each not in instance:
                    yield Error(f"{each!r} is a dependency of {name!r}")
        else:
            yield from validator.descend(instance, dependency)


def _all_of(validator: Validator, schemas: list, instance: Any, schema: dict) -> Iterator[Error]:
    for subschema in schemas:
        yield from validator.descend(instance, subschema)


def _any_of(validator: Validator, schemas: list, instance: Any, schema: dict) -> Iterator[Error]:
    if not any(validator.is_valid(instance, subschema) for subschema in schemas):
        yield Error(f"{instance!r} is not valid under any of the given schemas")


def _one_of(validator: Validator, schemas: list, instance: Any, schema: dict) -> Iterator[Error]:
    valid = [subschema for subschema in schemas if validator.is_valid(instance, subschema)]
    if not valid:
        yield Error(f"{instance!r} is not valid under any of the given schemas")
    elif len(valid) > 1:
        more = valid[1:] + valid[:1]  # (as jsonschema lists them: the others, then the first)
        yield Error(f"{instance!r} is valid under each of {', '.join(map(repr, more))}")


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
    "patternProperties": _pattern_properties, "additionalProperties": _additional_properties, "items": _items,
    "required": _required, "minItems": _min_items, "maxItems": _max_items, "uniqueItems": _unique_items,
    "minLength": _min_length, "maxLength": _max_length, "pattern": _pattern, "minimum": _minimum,
    "maximum": _maximum, "exclusiveMinimum": _exclusive_minimum, "exclusiveMaximum": _exclusive_maximum,
    "multipleOf": _multiple_of, "allOf": _all_of, "anyOf": _any_of, "oneOf": _one_of, "not": _not, "if": _if,
}
DRAFT_7_KEYWORDS: dict[str, Keyword] = {**KEYWORDS, "dependencies": _dependencies}


def _subschemas(schema: Any) -> Iterator[Any]:
    """``schema`` and every schema inside it."""
    pending = [schema]
    while pending:
        current = pending.pop()
        if not isinstance(current, dict):
            continue
        yield current
        for key, value in current.items():
            if key in ("properties", "$defs", "definitions", "patternProperties", "dependentSchemas", "dependencies"):
                pending.extend(value.values() if isinstance(value, dict) else ())
            elif key in ("items", "not", "if", "then", "else", "additionalProperties", "contains", "propertyNames",
                         "unevaluatedItems", "unevaluatedProperties"):
                pending.append(value)
            elif key in ("allOf", "anyOf", "oneOf", "prefixItems") and isinstance(value, list):
                pending.extend(value)


def supported(schema: Any, keywords: dict[str, Keyword] | None = None, draft7: bool = False) -> bool:
    """Whether every validation keyword in ``schema`` (of draft 7 with ``draft7``, else of draft
    2020-12) is one this validator (with ``keywords``) has, and every reference is local."""
    known = {**(DRAFT_7_KEYWORDS if draft7 else KEYWORDS), **(keywords or {})}
    for subschema in _subschemas(schema):
        for key, value in subschema.items():
            if key in (DRAFT_7 if draft7 else DRAFT_2020_12) and key not in known:
                return False
            if key == "items" and not isinstance(value, (dict, bool)):  # (draft 7's list of item schemas)
                return False
            if key == "$ref" and not (isinstance(value, str) and value.startswith("#")):
                return False
            if key in ("$id", "$anchor", "$dynamicAnchor") and subschema is not schema:
                return False
    return True


class Validator:
    """A compiled schema: ``iter_errors`` as ``jsonschema.Draft202012Validator(schema).iter_errors``
    (``Draft7Validator``'s with ``draft7``: a ``$ref`` hides the keywords beside it). ``keywords``
    replace or add keyword functions (``required`` as AWS reads it); ``is_type(instance, type)``
    replaces the JSON types (CloudFormation reads ``"256"`` as a number)."""

    def __init__(self, schema: Any, keywords: dict[str, Keyword] | None = None, draft7: bool = False,
                 is_type: Callable[[Any, str], bool] = _is_type) -> None:
        self.schema = schema
        self.keywords = {**(DRAFT_7_KEYWORDS if draft7 else KEYWORDS), **(keywords or {})}
        self.draft7 = draft7
        self.is_type = is_type

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
        for key, value in (schema.items() if not (self.draft7 and "$ref" in schema) else [("$ref", schema["$ref"])]):
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
