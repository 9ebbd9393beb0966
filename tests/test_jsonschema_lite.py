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

from ecslint.adapters.cloudformation.schemas import resource_schema
from ecslint.adapters.cloudformation.validate import _validator as cfn_validator
from ecslint.adapters.cloudformation.validate import jsonschema_validator
from ecslint.checks.structure import SCHEMAS, schema
from ecslint.declarative import _forbidding
from ecslint.jsonschema_lite import DRAFT_7, DRAFT_2020_12, Validator, supported
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
    config = json.loads((ROOT / "schemas" / "config.schema.json").read_text())
    pairs.append(("config", Validator(config), Draft202012Validator(config)))
    return pairs


PAIRS = _pairs()


def _samples() -> list:
    samples = [json.loads(path.read_text()) for path in (ROOT / "examples").glob("*.json")]
    samples.append({"select": ["ECS2", "ALL"], "ignore": ["ECS303"], "levels": {"ECS303": "error"},
                    "per-file-ignores": {"legacy/*.json": ["ECS2"]}, "exclude": ["generated/**"],
                    "fail-level": "warning", "parameters": ["params/prod.json", "Env=prod"],
                    "var-files": ["envs/prod.tfvars"], "baseline": "baseline.json"})
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
    assert not supported({"properties": {"a": {"propertyNames": {}}}})
    assert not supported({"items": [{"type": "string"}]}, draft7=True)
    assert not supported({"$ref": "other.json#/x"})
    assert supported({"properties": {"a": {"not": {}, "x-hint": {"pattern": 1}}}})


# CloudFormation resource schemas (draft 7, values read as CloudFormation reads them) ----------------


def _template_samples() -> dict[str, list]:
    """The properties of every resource of the shipped templates and fixtures, by type."""
    from ecslint.read import ParseError, decode, guess_format, parse

    found: dict[str, list] = {}
    paths = [*(ROOT / "tests" / "fixtures").rglob("*.cfn.*"), *(ROOT / "examples").rglob("*")]
    for path in paths:
        if not path.is_file() or path.suffix not in (".json", ".yaml", ".yml", ".template"):
            continue
        text = decode(path.read_bytes())
        try:
            roots = parse(text, guess_format(text, path.name), path.name).roots
        except ParseError:
            continue
        for root in roots:
            resources = root.get("Resources") if root.is_map else None
            for resource in resources.value.values() if resources is not None and resources.is_map else ():
                kind, properties = resource.get("Type"), resource.get("Properties") if resource.is_map else None
                if kind is not None and isinstance(kind.value, str) and properties is not None:
                    found.setdefault(kind.value, []).append(properties.plain())
    return found


TEMPLATE_SAMPLES = _template_samples()
CFN_TYPES = sorted(t for t in TEMPLATE_SAMPLES if resource_schema(t))


def test_every_shipped_cloudformation_schema_is_validated_by_the_lite_validator():
    assert len(CFN_TYPES) >= 5
    for kind in CFN_TYPES:
        assert isinstance(cfn_validator(kind), Validator), kind


def test_the_keyword_list_of_draft_7_is_jsonschemas():
    from jsonschema import Draft7Validator

    assert DRAFT_7 == set(Draft7Validator.VALIDATORS)


@settings(max_examples=300, deadline=None)
@given(seed=st.integers(0, 2**32), replacement=JSON | st.sampled_from(["256", "true", "-1", "1.5", "Yes", "a" * 300]))
def test_cloudformation_properties_give_the_same_errors(seed, replacement):
    rng = random.Random(seed)
    kind = rng.choice(CFN_TYPES)
    sample = _mutated(rng.choice(TEMPLATE_SAMPLES[kind]), rng, replacement)
    full = jsonschema_validator(resource_schema(kind))
    assert _errors(cfn_validator(kind), sample) == _errors(full, sample)


def test_cloudformation_samples_give_the_same_errors():
    for kind in CFN_TYPES:
        full = jsonschema_validator(resource_schema(kind))
        for sample in TEMPLATE_SAMPLES[kind]:
            assert _errors(cfn_validator(kind), sample) == _errors(full, sample)
