"""The result cache (.ecslint_cache/): a hit reports exactly what linting reports, and anything a
result is made from invalidates it."""

from __future__ import annotations

import json

import pytest

from ecslint import engine
from test_cli import CLEAN, FARGATE_BRIDGE, run, write

SERVICE = """{
  "serviceName": "web", "cluster": "main", "taskDefinition": "web", "launchType": "FARGATE",
  "loadBalancers": [{"targetGroupArn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123",
                     "containerName": "web", "containerPort": 80}],
  "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-1"]}}
}
"""
WITH_PORT = CLEAN.replace('"image": "nginx:1.27"', '"image": "nginx:1.27", "portMappings": [{"containerPort": 80}]')
MAIN_TF = """resource "aws_ecs_task_definition" "web" {
  family                   = "web"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.cpu
  memory                   = "512"
  container_definitions    = jsonencode([{ name = "web", image = "nginx:1.27", essential = true }])
}
"""


@pytest.fixture
def project(tmp_path):
    write(tmp_path, "td.json", FARGATE_BRIDGE)
    write(tmp_path, "service.json", SERVICE)
    write(tmp_path, "other.json", CLEAN.replace('"web"', '"other"'))
    return tmp_path


@pytest.fixture
def lints(monkeypatch) -> list[int]:
    """How many times the engine lints (a cache hit does not)."""
    calls: list[int] = []
    real = engine.lint

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(engine, "lint", counting)
    return calls


def _outputs(folder, *args):
    return [(result.exit_code, result.stdout) for result in
            (run(["check", "-q", "-f", fmt, *args], folder) for fmt in ("text", "json", "sarif", "junit", "gitlab"))]


def test_a_hit_reports_what_linting_reports_in_every_format(project, lints):
    first = _outputs(project)
    assert len(lints) == 1  # (one run's entry serves the other formats: the format is not in the key)
    assert (project / ".ecslint_cache" / ".gitignore").read_text().splitlines()[-1] == "*"
    assert _outputs(project) == first
    assert len(lints) == 1
    assert _outputs(project, "--no-cache") == first
    assert len(lints) == 6


def test_no_cache_neither_reads_nor_writes(project, lints):
    run(["check", "-q", "--no-cache"], project)
    assert not (project / ".ecslint_cache").exists()
    run(["check", "-q"], project)
    run(["check", "-q", "--no-cache"], project)
    assert len(lints) == 3


@pytest.mark.parametrize("change", ["file", "linked file", "config", "selection", "level"])
def test_what_invalidates_an_entry(project, lints, change):
    before = run(["check", "-q", "-f", "json"], project)
    assert ("service.json", "ECS408") in {(f["path"], f["rule"]) for f in json.loads(before.stdout)["findings"]}
    args = []
    if change == "file":
        write(project, "td.json", CLEAN)
    elif change == "linked file":  # the service's findings change with its task definition's ports
        write(project, "td.json", WITH_PORT)
    elif change == "config":
        write(project, ".ecslint.yaml", "ignore: [ECS201]\n")
    elif change == "selection":
        args = ["--select", "ECS201"]
    else:
        write(project, ".ecslint.yaml", "levels: {ECS201: info}\n")
    after = run(["check", "-q", "-f", "json", *args], project)
    assert len(lints) == 2
    assert after.stdout == run(["check", "-q", "-f", "json", "--no-cache", *args], project).stdout
    assert after.stdout != before.stdout


def test_a_file_read_beyond_the_inputs_invalidates(tmp_path, lints):
    """Only main.tf is named; its module's variables.tf decides the cpu."""
    write(tmp_path, "main.tf", MAIN_TF)
    write(tmp_path, "variables.tf", 'variable "cpu" {\n  default = "256"\n}\n')
    assert run(["check", "-q", "main.tf"], tmp_path).exit_code == 0
    write(tmp_path, "variables.tf", 'variable "cpu" {\n  default = "4096"\n}\n')
    assert run(["check", "-q", "main.tf"], tmp_path).exit_code == 1
    assert run(["check", "-q", "main.tf"], tmp_path).exit_code == 1
    assert len(lints) == 2


def test_a_corrupt_entry_is_ignored(project, lints):
    first = run(["check", "-q", "-f", "json"], project).stdout
    for entry in (project / ".ecslint_cache").glob("*.pickle"):
        entry.write_bytes(b"\x80\x05garbage")
    assert run(["check", "-q", "-f", "json"], project).stdout == first
    assert len(lints) == 2
    assert run(["check", "-q", "-f", "json"], project).stdout == first
    assert len(lints) == 2  # (the corrupt entry was replaced)


def test_an_unwritable_cache_is_no_cache(project, lints):
    write(project, ".ecslint_cache", "a file where the folder would be")
    first = run(["check", "-q", "-f", "json"], project)
    assert first.exit_code == 1 and run(["check", "-q", "-f", "json"], project).stdout == first.stdout
    assert len(lints) == 2
