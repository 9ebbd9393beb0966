"""ecslint.jsonschema_lite reports what jsonschema reports, for every schema ecslint's runs use it on."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from jsonschema.validators import extend

from ecslint.checks.structure import SCHEMAS, schema
from ecslint.declarative import _forbidding
from ecslint.jsonschema_lite import DRAFT_2020_12, Validator, supported
from ecslint.registry import load_registry

ROOT = Path(__file__).resolve().parent.parent
_ABSENT = object()


def _blank_required(validator, required, instance, schema):
    """jsonschema's side of ecslint.checks.structure's ``required``."""
    if isinstance(instance, dict):
        for member in required:
            if instance.get(member, _ABSENT) in (_ABSENT, None, ""):
                yield ValidationError(f"{member!r} is required", validator_value=member)


def _errors(validator, instance) -> list[tuple]:
    found = [(list(map(str, e.absolute_path)), e.validator, repr(e.validator_value), repr(e.instance), e.message,
              repr(e.schema)) for e in validator.iter_errors(instance)]
    return sorted(found)  # (jsonschema visits additionalProperties' members in a set's order)


def _pairs():
    """(name, lite validator, jsonschema validator) for each schema ecslint validates with the lite one."""
    pairs = []
    for name in SCHEMAS.values():
        from ecslint.checks.structure import _blank_required as lite_required

        full = schema(name)
        pairs.append((name, Validator(full, {"required": lite_required}),
                      extend(Draft202012Validator, {"required": _blank_required})(full)))
    for rule in load_registry(plugins=False):
        if "schema" in rule.check_spec:
            forbidding = _forbidding(rule.check_spec["schema"])
            pairs.append((rule.id, Validator(forbidding), Draft202012Validator(forbidding)))
    return pairs


PAIRS = _pairs()


def _samples() -> list:
    samples = [json.loads(path.read_text()) for path in (ROOT / "examples").glob("*.json")]
    for rule in load_registry(plugins=False):
        for example in rule.bad + rule.good:
            if example.fmt == "json":
                try:
                    samples.append(json.loads(example.content))
                except ValueError:
                    pass
    return samples


SAMPLES = _samples()
JSON = st.recursive(st.none() | st.booleans() | st.integers(-3, 70000) | st.floats(allow_nan=False)
                    | st.sampled_from(["", "awsvpc", "FARGATE", "tcp", "x"]),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
                    max_leaves=8)


def _mutated(value, rng: random.Random, replacement):
    """``value`` with one member or item somewhere replaced by ``replacement`` (or removed)."""
    if isinstance(value, dict) and value and rng.random() < 0.8:
        key = rng.choice(list(value))
        copy = dict(value)
        if rng.random() < 0.15:
            del copy[key]
        else:
            copy[key] = _mutated(value[key], rng, replacement)
        return copy
    if isinstance(value, list) and value and rng.random() < 0.8:
        index = rng.randrange(len(value))
        return [*value[:index], _mutated(value[index], rng, replacement), *value[index + 1:]]
    return replacement


def test_the_keyword_list_is_jsonschemas():
    assert DRAFT_2020_12 == set(Draft202012Validator.VALIDATORS)


@pytest.mark.parametrize("name", [name for name, _, _ in PAIRS])
def test_ecslints_schemas_are_supported(name):
    lite = next(lite for n, lite, _ in PAIRS if n == name)
    assert supported(lite.schema)


def test_the_samples_give_the_same_errors():
    for _, lite, full in PAIRS:
        for sample in SAMPLES:
            assert _errors(lite, sample) == _errors(full, sample)


@settings(max_examples=300, deadline=None)
@given(seed=st.integers(0, 2**32), replacement=JSON)
def test_mutated_samples_give_the_same_errors(seed, replacement):
    rng = random.Random(seed)
    sample = _mutated(rng.choice(SAMPLES), rng, replacement)
    for _, lite, full in PAIRS:
        assert _errors(lite, sample) == _errors(full, sample)


def test_unsupported_keywords_and_references_are_refused():
    assert not supported({"properties": {"a": {"pattern": "^x"}}})
    assert not supported({"$ref": "other.json#/x"})
    assert supported({"properties": {"a": {"not": {}, "x-hint": {"pattern": 1}}}})
