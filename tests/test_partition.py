"""Large runs linted in groups (ecslint.partition) report exactly what one run of all the files reports."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from ecslint import engine, parallel, partition
from ecslint.config import Config
from ecslint.discover import collect
from ecslint.report import renderer
from helpers import registry
from test_cli import run

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(parallel.workers(2) == 1, reason="no fork on this platform")


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """The rule fixtures and the examples (a service and its task definition in two files, a Terraform
    module over several, a template), but those that make a run whole (mount targets, workflows...),
    and many task definitions: more files than it takes to lint in groups."""
    folder = tmp_path_factory.mktemp("groups")
    shutil.copytree(ROOT / "tests" / "fixtures", folder / "fixtures", ignore=shutil.ignore_patterns("*.expected"))
    shutil.copytree(ROOT / "examples", folder / "examples")
    for path in folder.rglob("*"):
        if path.is_file() and partition._WHOLE_RUN_HINTS.search(path.read_bytes()):
            path.unlink()
    web = (ROOT / "examples" / "fargate-web.json").read_text()
    for index in range(60):
        (folder / f"task-{index:02}.json").write_text(web.replace('"storefront-web"', f'"app-{index}"'))
    return folder


def _inputs(folder: Path, monkeypatch) -> list[engine.Input]:
    monkeypatch.chdir(folder)
    return collect(["."], Config().excluded)


def _outcome(result: engine.Result) -> tuple:
    """(The files linted in any order: a file that a .tf file reads comes last in one run; every report sorts them.)"""
    return ([(f.path, f.line, f.col, f.rule, f.message, f.level, f.where, f.fix) for f in result.findings],
            sorted(result.linted), result.skipped, result.failed, result.named, result.internal_errors)


def test_groups_report_what_one_run_reports(project, monkeypatch):
    inputs = _inputs(project, monkeypatch)
    rules, config = registry(), Config()
    whole = engine.lint(inputs, rules, config)
    assert len(whole.findings) > 100
    for jobs in (1, 2):
        grouped = partition.lint(inputs, rules, config, jobs=jobs, min_files=1)
        assert _outcome(grouped) == _outcome(whole)
        for output_format in ("text", "json", "sarif"):
            assert renderer(output_format)(grouped, rules) == renderer(output_format)(whole, rules)


def test_the_command_line_in_groups_reports_what_one_process_reports(project):
    one = run(["check", "--no-cache", "-f", "json", "--jobs", "1", "."], project)
    two = run(["check", "--no-cache", "-f", "json", "--jobs", "2", "."], project)
    cached = [run(["check", "-f", "json", "."], project) for _ in range(2)]
    assert one.exit_code == 1
    for other in (two, *cached):
        assert (other.exit_code, other.stdout) == (one.exit_code, one.stdout)


def test_files_that_link_are_linted_together(project, monkeypatch):
    """The service and the task definition it names (in another file); the .tf files of a module and the
    JSON file it reads with file(); and a task definition nothing names alone."""
    inputs = _inputs(project, monkeypatch)
    partition._RUN = (inputs, registry(), Config())
    try:
        of_unit = partition.units(inputs)
        keys = [partition._lint_unit(unit)[1] for unit in of_unit]
    finally:
        partition._RUN = None
    together = [{inputs[i].path for unit in group for i in of_unit[unit]}
                for group in partition.groups(keys, inputs, of_unit)]
    path_of = {Path(item.path).as_posix().removeprefix("./"): item.path for item in inputs}

    def group(path: str) -> set[str]:
        return next(g for g in together if path_of[path] in g)

    assert path_of["examples/fargate-web.json"] in group("examples/storefront-service.json")
    assert {path_of["examples/terraform/main.tf"], path_of["examples/terraform/containers.json"]} <= \
        group("examples/terraform/iam.tf")
    assert group("task-07.json") == {path_of["task-07.json"]}


def test_a_link_changes_what_the_service_file_reports(project, monkeypatch):
    """(So the test above matters: linted alone, the service reports otherwise.)"""
    inputs = _inputs(project, monkeypatch)
    service = [item for item in inputs if item.path.endswith("storefront-service.json")]
    task = [item for item in inputs if item.path.endswith("examples/fargate-web.json")]
    alone = engine.lint(service, registry(), Config()).findings
    linked = [f for f in engine.lint(service + task, registry(), Config()).findings if f.path == service[0].path]
    assert alone != linked


def test_the_kinds_rules_list_over_the_project_make_a_run_whole():
    """A rule may consult every object of some kinds in the project (a mount target whose file system
    is not known silences the EFS rules of every file): a run that has one is never split."""
    from ecslint.checks.capacity import LAUNCHER_KINDS

    listed = {kind for path in (ROOT / "ecslint" / "checks").glob("*.py")
              for kind in re.findall(r"objects\(\"(\w+)\"\)", path.read_text())}
    # (a policy, a task definition: rules keep those that name the role at hand, a link the keys cover)
    assert listed - {"Policy", "TaskDefinition"} | {kind.__name__ for kind in LAUNCHER_KINDS} <= partition.GLOBAL_KINDS
    inputs = [item for item in collect([str(ROOT / "tests" / "fixtures" / "ECS504")], Config().excluded)]
    partition._RUN = (inputs, registry(), Config())
    try:
        assert any(partition._lint_unit([index])[1].whole_run for index in range(len(inputs)))
    finally:
        partition._RUN = None


def test_a_name_two_files_define_joins_both_to_the_file_that_asks(tmp_path, monkeypatch):
    """Two task definitions of the family a service names: the service finds neither, so all three go together."""
    for name in ("storefront-service.json", "fargate-web.json", "ec2-worker.json"):
        shutil.copy(ROOT / "examples" / name, tmp_path / name)
    shutil.copy(ROOT / "examples" / "fargate-web.json", tmp_path / "fargate-web-again.json")
    inputs = _inputs(tmp_path, monkeypatch)
    partition._RUN = (inputs, registry(), Config())
    try:
        of_unit = partition.units(inputs)
        keys = [partition._lint_unit(unit)[1] for unit in of_unit]
    finally:
        partition._RUN = None
    together = sorted(sorted(Path(inputs[i].path).name for unit in group for i in of_unit[unit])
                      for group in partition.groups(keys, inputs, of_unit))
    assert together == [["ec2-worker.json"], ["fargate-web-again.json", "fargate-web.json", "storefront-service.json"]]
    whole = engine.lint(inputs, registry(), Config())
    assert _outcome(partition.lint(inputs, registry(), Config(), jobs=2, min_files=1)) == _outcome(whole)
