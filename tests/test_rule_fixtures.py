"""Fixtures per rule: ``tests/fixtures/<RULE>/bad_*`` must give exactly the findings of that rule
listed in ``<file>.expected`` (``line:col: level[RULE] message``, one a line); ``good_*`` none.
``context.*`` files of the directory (task definitions, clusters) are linted together with each
fixture, as files of one project; the fixture's own findings count, and those it causes in a context
file (prefixed with its name), such as a finding at the task definition a service links to. A
``.ecslint.yaml`` in the directory sets the rules (``select``, ``ignore``; all rules otherwise) and
the rule settings (``options``) its fixtures are linted with.

``ECSLINT_UPDATE_FIXTURES=1 pytest tests/test_rule_fixtures.py`` rewrites the expectations;
review the diff before committing it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ecslint.config import load_config
from ecslint.engine import Input
from helpers import findings_of, lint_inputs, registry, render_line

FIXTURES = Path(__file__).parent / "fixtures"
SUFFIXES = (".json", ".yaml", ".yml", ".tf")


def _fixtures():
    for directory in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
        for path in sorted(directory.iterdir()):
            if path.suffix in SUFFIXES and path.name.startswith(("bad_", "good_")):
                yield pytest.param(directory.name, path, id=f"{directory.name}/{path.name}")


def _settings(directory: Path) -> dict:
    """How a directory's fixtures are linted: the rules and rule settings of its ``.ecslint.yaml``, or all rules."""
    path = directory / ".ecslint.yaml"
    if not path.exists():
        return {"select": ["ALL"]}
    config = load_config(str(path))
    return {"select": config.select, "extend_select": config.extend_select, "ignore": config.ignore,
            "options": config.options}


@pytest.mark.parametrize("rule_id, path", list(_fixtures()))
def test_fixture(rule_id, path):
    context = [Input(p.name, p.read_bytes()) for p in sorted(path.parent.glob("context.*"))]
    settings = _settings(path.parent)
    result = lint_inputs([Input(path.name, path.read_bytes()), *context], **settings)
    assert not result.internal_errors
    got = [render_line(f) for f in findings_of(result, rule_id) if f.path == path.name]
    # What the fixture makes the rule report in a context file (at the other end of a link).
    alone = {(f.path, render_line(f)) for f in findings_of(lint_inputs(context, **settings), rule_id)} \
        if context else set()
    got += [f"{f.path}:{render_line(f)}" for f in findings_of(result, rule_id)
            if f.path != path.name and (f.path, render_line(f)) not in alone]
    if path.name.startswith("good_"):
        assert got == [], f"{path.name} must not fire {rule_id}"
        return
    expected_file = path.with_name(path.name + ".expected")
    if os.environ.get("ECSLINT_UPDATE_FIXTURES"):
        expected_file.write_text("".join(line + "\n" for line in got), encoding="utf-8")
    assert got, f"{path.name} must fire {rule_id}"
    assert got == expected_file.read_text(encoding="utf-8").splitlines()


# The fixture names of each input format: ECS API files, CloudFormation templates (*.cfn.*), Terraform.
FORMAT_SUFFIXES = {
    "ecs-api": ((".json",), (".yaml", ".yml")),
    "cloudformation": ((".cfn.json",), (".cfn.yaml", ".cfn.yml")),
    "terraform": ((".tf",),),
}


def fixture_format(name: str) -> str:
    if name.endswith(".tf"):
        return "terraform"
    return "cloudformation" if ".cfn." in name else "ecs-api"


def test_every_rule_has_fixtures_in_every_format_it_applies_to():
    missing = []
    for rule in registry():
        if rule.engine_check == "syntax-error" or "github-actions" in rule.tags:
            continue  # (the deploy workflow rules' fixtures are repositories: tests/test_deploy_workflows.py)
        directory = FIXTURES / rule.id
        names = [p.name for p in directory.iterdir()] if directory.is_dir() else []
        for fmt in rule.formats:
            for kind in ("bad_", "good_"):
                for suffixes in FORMAT_SUFFIXES[fmt]:
                    if rule.engine_check == "unused-suppression" and fmt == "ecs-api" and suffixes[0] == ".json":
                        continue  # JSON has no comments
                    if not any(n.startswith(kind) and n.endswith(suffixes) and fixture_format(n) == fmt
                               for n in names):
                        missing.append(f"{rule.id}: no {kind}*{suffixes[0]}")
    assert not missing, "\n".join(missing)
