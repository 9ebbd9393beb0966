"""Files linted together form one project: services link to their task definitions and clusters."""

from __future__ import annotations

import json

import pytest

from ecslint.engine import Input
from helpers import findings_of, lint_inputs
from test_cli import run, write

TASK = {"family": "web", "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", "cpu": "256",
        "memory": "512", "containerDefinitions": [{"name": "web", "image": "nginx:1.27",
                                                   "portMappings": [{"containerPort": 80}]}]}
SERVICE = {"serviceName": "web", "cluster": "prod", "taskDefinition": "web", "desiredCount": 2, "launchType": "FARGATE"}


def as_input(name: str, data: dict) -> Input:
    return Input(name, json.dumps(data, indent=2).encode())


def lint(*files: tuple[str, dict]):
    return lint_inputs([as_input(name, data) for name, data in files])


@pytest.mark.parametrize("order", [("task.json", "service.json"), ("service.json", "task.json")])
def test_service_links_to_its_task_definition_in_either_order(order):
    files = {"task.json": TASK, "service.json": SERVICE}
    result = lint(*[(name, files[name]) for name in order])
    assert [(f.path, f.rule) for f in findings_of(result, "ECS404")] == [("service.json", "ECS404")]


@pytest.mark.parametrize("reference", ["web", "web:3", "arn:aws:ecs:us-east-1:123456789012:task-definition/web:3"])
def test_references_by_family_revision_and_arn(reference):
    result = lint(("task.json", TASK), ("service.json", {**SERVICE, "taskDefinition": reference}))
    assert len(findings_of(result, "ECS404")) == 1


def test_revision_of_a_describe_output_must_match():
    described = {"taskDefinition": {**TASK, "revision": 3}}
    assert len(findings_of(lint(("td.json", described), ("s.json", {**SERVICE, "taskDefinition": "web:3"})), "ECS404")) == 1
    assert findings_of(lint(("td.json", described), ("s.json", {**SERVICE, "taskDefinition": "web:4"})), "ECS404") == []


def test_ambiguous_or_missing_task_definitions_stay_unknown():
    other = {**TASK, "networkMode": "bridge", "requiresCompatibilities": ["EC2"]}
    assert findings_of(lint(("a.json", TASK), ("b.json", other), ("s.json", SERVICE)), "ECS404") == []
    assert findings_of(lint(("s.json", {**SERVICE, "taskDefinition": "api"}), ("a.json", TASK)), "ECS404") == []


def test_describe_services_and_update_service_inputs_link_too():
    described = {"services": [{**SERVICE, "serviceArn": "arn:aws:ecs:us-east-1:123456789012:service/prod/web"}],
                 "failures": []}
    update = {"cluster": "prod", "service": "web", "taskDefinition": "web:4", "desiredCount": 3}
    result = lint(("task.json", TASK), ("described.json", described), ("update.json", update))
    assert sorted(f.path for f in findings_of(result, "ECS404")) == ["described.json", "update.json"]


def test_cluster_default_strategy_reaches_a_daemon_service():
    cluster = {"clusters": [{"clusterName": "prod", "clusterArn": "arn:aws:ecs:us-east-1:123456789012:cluster/prod",
                             "defaultCapacityProviderStrategy": [{"capacityProvider": "asg", "weight": 1}]}]}
    daemon = {"serviceName": "agent", "cluster": "arn:aws:ecs:us-east-1:123456789012:cluster/prod",
              "taskDefinition": "agent", "schedulingStrategy": "DAEMON"}
    assert [f.path for f in findings_of(lint(("c.json", cluster), ("d.json", daemon)), "ECS123")] == ["d.json"]
    other = {**daemon, "cluster": "staging"}
    assert findings_of(lint(("c.json", cluster), ("d.json", other)), "ECS123") == []


def test_multi_document_yaml_links_within_one_file():
    text = "family: web\nnetworkMode: awsvpc\ncontainerDefinitions: [{name: web, image: nginx, memory: 128}]\n" \
           "---\nserviceName: web\ntaskDefinition: web\n"
    result = lint_inputs([Input("stack.yaml", text.encode())])
    assert [(f.line, f.rule) for f in findings_of(result, "ECS404")] == [(5, "ECS404")]


def test_cli_links_files_given_as_separate_arguments_and_as_a_directory(tmp_path):
    write(tmp_path, "deploy/task.json", json.dumps(TASK))
    write(tmp_path, "ops/service.json", json.dumps(SERVICE))
    for args in (["deploy/task.json", "ops/service.json"], ["ops/service.json", "deploy/task.json"], ["."]):
        result = run(["check", "--select", "ECS404", "--format", "json", *args], tmp_path)
        assert [f["path"] for f in json.loads(result.stdout)["findings"]] == ["ops/service.json"], args
    alone = run(["check", "--select", "ECS404", "ops/service.json"], tmp_path)
    assert alone.exit_code == 0, "a service whose task definition is not among the inputs is not judged"
