"""Rules run in worker processes give exactly what a run in one process gives."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ecslint import parallel
from ecslint.config import Config
from ecslint.discover import collect
from ecslint.engine import lint
from ecslint.registry import load_registry
from helpers import registry
from test_cli import run

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(parallel.workers(2) == 1, reason="no fork on this platform")


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """Many files of every format, linked to each other: the rule fixtures and the examples."""
    folder = tmp_path_factory.mktemp("many")
    shutil.copytree(ROOT / "tests" / "fixtures", folder / "fixtures", ignore=shutil.ignore_patterns("*.expected"))
    shutil.copytree(ROOT / "examples", folder / "examples")
    return folder


def _findings(result) -> list[tuple]:
    return [(f.path, f.line, f.col, f.rule, f.message, f.level, f.where, f.fix) for f in result.findings]


@pytest.mark.parametrize("output_format", ["text", "json", "sarif"])
def test_workers_report_what_one_process_reports(project, output_format):
    one = run(["check", "--no-cache", "-q", "-f", output_format, "--jobs", "1", "."], project)
    three = run(["check", "--no-cache", "-q", "-f", output_format, "--jobs", "3", "."], project)
    assert len(one.stdout.splitlines()) > 100
    assert (three.exit_code, three.stdout, three.stderr) == (one.exit_code, one.stdout, one.stderr)


def test_the_findings_their_locations_and_counts_are_the_same(project, monkeypatch):
    monkeypatch.chdir(project)
    config = Config()
    inputs = collect(["."], config.excluded)
    one, two = (lint(inputs, registry(), config, jobs=jobs) for jobs in (1, 2))
    assert _findings(two) == _findings(one)
    assert (two.linted, two.skipped, two.failed, two.internal_errors) == \
        (one.linted, one.skipped, one.failed, one.internal_errors)


def test_a_rule_that_fails_in_a_worker_is_reported_as_in_one_process(project, monkeypatch):
    from ecslint.checks import validity

    real = validity.required_values

    def failing(obj, ctx=None):
        if "ECS2" in obj.source.path:
            raise RuntimeError("boom")
        return real(obj, ctx)

    monkeypatch.setattr(validity, "required_values", failing)
    monkeypatch.chdir(project)
    config = Config()
    inputs = collect(["."], config.excluded)
    rules = load_registry(plugins=False)  # (its checks not imported yet: the patched one is used)
    one, two = (lint(inputs, rules, config, jobs=jobs) for jobs in (1, 2))
    assert one.internal_errors and two.internal_errors == one.internal_errors
    assert _findings(two) == _findings(one)
