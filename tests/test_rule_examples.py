"""Every rule's bad examples fire at the lines they name; its good examples stay silent."""

from __future__ import annotations

import pytest

from ecslint.config import Config
from ecslint.examples import lint_example
from helpers import findings_of, registry

CASES = [
    pytest.param(rule, kind, i, example, id=f"{rule.id}-{kind}{i}")
    for rule in registry()
    for kind, examples in (("bad", rule.bad), ("good", rule.good))
    for i, example in enumerate(examples)
]


@pytest.mark.parametrize("rule, kind, index, example", CASES)
def test_rule_example(rule, kind, index, example):
    result = lint_example(example, registry(), Config(select=["ALL"]))
    assert not result.internal_errors
    lines = sorted(f.line for f in findings_of(result, rule.id))
    if kind == "bad":
        assert lines, f"{rule.id}: bad example {index} does not fire"
        assert lines == sorted(example.lines), f"{rule.id}: bad example {index} fires at {lines}"
    else:
        assert lines == [], f"{rule.id}: good example {index} fires at {lines}"


def test_every_rule_has_examples():
    for rule in registry():
        assert rule.bad, f"{rule.id} has no bad example"
        if rule.engine_check != "syntax-error":
            assert rule.good, f"{rule.id} has no good example"
        for example in rule.bad:
            assert example.lines, f"{rule.id}: a bad example must name the lines it is reported at"


def test_declarative_schemas_are_valid_json_schemas():
    import json

    from jsonschema import Draft202012Validator

    from ecslint.resources import data_dir

    for rule in registry():
        if "schema" in rule.check_spec:
            Draft202012Validator.check_schema(rule.check_spec["schema"])
    for path in data_dir("schemas").glob("*.json"):
        Draft202012Validator.check_schema(json.loads(path.read_text(encoding="utf-8")))
