"""No input produces an internal error: every fixture, with values swapped for wrong types."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from ecslint.engine import Input
from ecslint.read import decode, parse
from helpers import lint_inputs, replaced, value_paths

FIXTURES = sorted(p for p in (Path(__file__).parent / "fixtures").rglob("*") if p.suffix in (".json", ".yaml", ".yml"))
WRONG_VALUES = [None, True, False, 0, -1, 10**20, 1.5, "", "x", "${PLACEHOLDER}", [], [None], {}, {"a": None}]
MUTANTS_PER_FIXTURE = 40


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_wrong_types_anywhere_never_crash(fixture):
    document = parse(decode(fixture.read_bytes()), "json" if fixture.suffix == ".json" else "yaml")
    rng = random.Random(fixture.name)
    inputs = []
    for root in document.roots:
        data = root.plain()
        paths = list(value_paths(data))
        for i in range(MUTANTS_PER_FIXTURE):
            mutant = replaced(data, rng.choice(paths), rng.choice(WRONG_VALUES))
            inputs.append(Input(f"mutant{i}.json", json.dumps(mutant).encode()))
    result = lint_inputs(inputs)
    assert not result.internal_errors, result.internal_errors[:3]
