"""Declarative checks: a JSON Schema that every matching model object must satisfy.

A rule's ``check`` names the object kind (``applies_to``), optional conditions on the task it
belongs to (``when``: ``fargate``, ``awsvpc``, ...), a ``schema`` and a ``message``. Each place
where the object's canonical data breaks the schema becomes a finding at that exact node: the
offending value, the key of a member that must not be there (a ``false`` sub-schema), or the
object that lacks a required member. The message may use ``{value}`` (JSON spelling), ``{key}``
(the last member name), ``{path}`` (``containerDefinitions[0].cpu``), ``{object}`` (how messages
name the object), ``{expected}`` (for a type error: the expected JSON types), ``{error}`` (the
schema validator's own description of the problem) and ``{term[networkMode]}`` (a member as the
object's format names it: ``NetworkMode`` in a template). ``{key}`` and ``{path}`` are in the
format's names too.
"""

from __future__ import annotations

from typing import Any, Iterator

from ecslint.findings import Violation
from ecslint.jsonschema_lite import Validator, supported
from ecslint.model import ContainerDefinition, ModelObject, TaskDefinition, Volume
from ecslint.model.values import literal_node
from ecslint.wording import json_value, type_words


def _task(obj: ModelObject) -> TaskDefinition | None:
    if isinstance(obj, TaskDefinition):
        return obj
    if isinstance(obj, (ContainerDefinition, Volume)):
        return obj.task
    return None


def _network_mode(obj: ModelObject) -> str | None:
    task = _task(obj)
    return task.network_mode if task else None


CONDITIONS = {
    "fargate": lambda obj: bool((task := _task(obj)) and task.is_fargate),
    "not_fargate": lambda obj: bool((task := _task(obj)) and not task.is_fargate),
    "awsvpc": lambda obj: _network_mode(obj) == "awsvpc",
    "linux": lambda obj: bool((task := _task(obj)) and not task.is_windows),
}


def conditions_hold(names: list[str] | str | None, obj: ModelObject) -> bool:
    """Whether every named condition holds for ``obj`` (an unknown name is a rule-file error)."""
    if not names:
        return True
    names = [names] if isinstance(names, str) else names
    return all(CONDITIONS[name](obj) for name in names)


def _expected(error: Any) -> str:
    """For a type error, the expected types in words (null left out: it is allowed everywhere)."""
    if error.validator != "type":
        return ""
    return type_words([error.validator_value] if isinstance(error.validator_value, str) else list(error.validator_value))


def _forbidding(schema: Any) -> Any:
    """Replace ``false`` sub-schemas by ``{"not": {}}``: jsonschema drops the last path step of
    errors from a ``false`` schema (and so :mod:`ecslint.jsonschema_lite` does), and the path is
    what locates the finding."""
    if schema is False:
        return {"not": {}}
    if isinstance(schema, dict):
        return {k: v if k in ("const", "enum", "default") else _forbidding(v) for k, v in schema.items()}
    if isinstance(schema, list):
        return [_forbidding(v) for v in schema]
    return schema


class SchemaCheck:
    """A compiled schema check, callable like a Python check."""

    def __init__(self, spec: dict[str, Any]) -> None:
        # The schema itself is checked against the meta-schema by the test suite, not on every run.
        schema = _forbidding(spec["schema"])
        if supported(schema):
            self.validator: Any = Validator(schema)
        else:  # a keyword ecslint's own rules do not use (a third-party pack's)
            from jsonschema import Draft202012Validator

            self.validator = Draft202012Validator(schema)
        self.when = spec.get("when")
        self.message = spec["message"]
        unknown = set([self.when] if isinstance(self.when, str) else self.when or []) - set(CONDITIONS)
        if unknown:
            raise ValueError(f"unknown condition(s) in 'when': {', '.join(sorted(unknown))}")

    def __call__(self, obj: ModelObject, ctx: Any = None) -> Iterator[Violation]:
        if not conditions_hold(self.when, obj):
            return
        for error in self.validator.iter_errors(obj.node.plain()):
            path = list(error.absolute_path)
            if literal_node(obj.node, path) is None and obj.node.at(*path) is not None:
                continue  # a value no one can know yet (a template function, a placeholder tag)
            node = obj.node.at(*path) or obj.node
            key = str(path[-1]) if path else ""
            if error.validator == "not" and error.validator_value == {} and path and isinstance(path[-1], str):
                parent = obj.node.at(*path[:-1])
                node = (parent.key_node(path[-1]) if parent is not None else None) or node
            yield Violation(node, self.message.format(
                value=json_value(error.instance), key=obj.term(key) if key else key, path=obj.term_path(path),
                object=obj.label, expected=_expected(error), error=error.message, term=_Terms(obj)))


class _Terms:
    """``{term[healthCheck.interval]}`` in a message: the member as the object's format names it."""

    def __init__(self, obj: ModelObject) -> None:
        self.obj = obj

    def __getitem__(self, path: str) -> str:
        return self.obj.term(path)
