"""The benchmark's synthetic estate (benchmarks/estate.py) is valid input: every file parses and holds
ECS content, the mix makes some rules fire, and the same seed writes the same bytes. No timing here."""

from __future__ import annotations

import sys
from pathlib import Path

from ecslint.discover import collect
from helpers import lint_inputs

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import estate  # noqa: E402


def _snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_the_estate_parses_and_is_linted(tmp_path):
    root = estate.generate(tmp_path / "estate", tasks=20, templates=5, modules=3)
    files = estate.files(estate.shards(root, "task-definitions", 1.0))
    assert len(files) == 20 and any(f.endswith(".yaml") for f in files) and any(f.endswith(".json") for f in files)
    result = lint_inputs(collect([str(root)], lambda path: False))
    assert not result.internal_errors, result.internal_errors[:3]
    assert not result.failed
    assert not [f for f in result.findings if f.rule == "ECS001"]
    linted = {Path(p).name for p in result.linted}
    assert len([p for p in linted if p.endswith((".json", ".yaml"))]) == 25
    assert {f"module-{i:05d}" for i in range(3)} <= {Path(p).parent.name for p in result.linted}
    # the variables.tf of each module are all that is skipped (no ECS resource in them)
    assert {Path(path).name for path, _ in result.skipped} <= {"variables.tf"}


def test_the_estate_is_deterministic_and_a_prefix_of_a_larger_one(tmp_path):
    small = _snapshot(estate.generate(tmp_path / "a", tasks=20, templates=5, modules=3, seed=7))
    again = _snapshot(estate.generate(tmp_path / "b", tasks=20, templates=5, modules=3, seed=7))
    assert small == again
    larger = estate.generate(tmp_path / "c", tasks=40, templates=5, modules=3, seed=7)
    names = {Path(name).name: data for name, data in _snapshot(larger).items()}
    assert all(names[Path(name).name] == data for name, data in small.items() if name.startswith("task-definitions/"))


def test_a_larger_estate_makes_rules_fire(tmp_path):
    root = estate.generate(tmp_path / "estate", tasks=300, templates=20, modules=10)
    result = lint_inputs(collect([str(root)], lambda path: False))
    rules = {f.rule for f in result.findings}
    assert {"ECS202", "ECS401", "ECS602", "ECS601"} <= rules
    assert "ECS001" not in rules and not result.internal_errors
