"""Files linted together form one project: services link to their task definitions and clusters.

The observable effect of a link is a rule that needs it: ECS404 (awsvpc without a network
configuration), ECS408 (a load balancer port the task does not map), ECS123 (a DAEMON service
on a cluster with a default capacity provider strategy). An unresolved link keeps them silent.
"""

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
TARGET_GROUP = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef"
WRONG_PORT = [{"targetGroupArn": TARGET_GROUP, "containerName": "web", "containerPort": 8080}]
CLUSTER = {"clusters": [{"clusterName": "prod", "clusterArn": "arn:aws:ecs:us-east-1:123456789012:cluster/prod",
                         "defaultCapacityProviderStrategy": [{"capacityProvider": "asg", "weight": 1}]}]}
DAEMON = {"serviceName": "agent", "cluster": "arn:aws:ecs:us-east-1:123456789012:cluster/prod",
          "taskDefinition": "agent", "schedulingStrategy": "DAEMON"}


def as_input(name: str, data: dict) -> Input:
    return Input(name, json.dumps(data, indent=2).encode())


def lint(*files: tuple[str, dict]):
    return lint_inputs([as_input(name, data) for name, data in files])


def paths(result, rule: str) -> list[str]:
    return sorted(f.path for f in findings_of(result, rule))


@pytest.mark.parametrize("order", [("task.json", "service.json"), ("service.json", "task.json")])
def test_service_links_to_its_task_definition_in_either_order(order):
    files = {"task.json": TASK, "service.json": {**SERVICE, "loadBalancers": WRONG_PORT}}
    result = lint(*[(name, files[name]) for name in order])
    assert paths(result, "ECS404") == ["service.json"]
    assert paths(result, "ECS408") == ["service.json"]


@pytest.mark.parametrize("reference", ["web", "web:3", "arn:aws:ecs:us-east-1:123456789012:task-definition/web:3"])
def test_references_by_family_revision_and_arn(reference):
    result = lint(("task.json", TASK), ("service.json", {**SERVICE, "taskDefinition": reference}))
    assert paths(result, "ECS404") == ["service.json"]


def test_revision_of_a_describe_output_must_match():
    described = {"taskDefinition": {**TASK, "revision": 3}}
    service = {**SERVICE, "loadBalancers": WRONG_PORT}
    same = lint(("td.json", described), ("s.json", {**service, "taskDefinition": "web:3"}))
    assert paths(same, "ECS404") == paths(same, "ECS408") == ["s.json"]
    other = lint(("td.json", described), ("s.json", {**service, "taskDefinition": "web:4"}))
    assert findings_of(other, "ECS404") == findings_of(other, "ECS408") == []


def test_two_task_definitions_of_one_family_are_ambiguous():
    other = {**TASK, "containerDefinitions": [{"name": "web", "image": "nginx:1.27",
                                               "portMappings": [{"containerPort": 8080}]}]}
    result = lint(("a.json", TASK), ("b.json", other), ("s.json", {**SERVICE, "loadBalancers": WRONG_PORT}))
    assert findings_of(result, "ECS404") == findings_of(result, "ECS408") == []


def test_a_task_definition_not_among_the_inputs_is_unknown():
    result = lint(("s.json", {**SERVICE, "taskDefinition": "api", "loadBalancers": WRONG_PORT}), ("a.json", TASK))
    assert findings_of(result, "ECS404") == findings_of(result, "ECS408") == []


def test_describe_services_output_links():
    described = {"services": [{**SERVICE, "serviceArn": "arn:aws:ecs:us-east-1:123456789012:service/prod/web",
                               "taskDefinition": "arn:aws:ecs:us-east-1:123456789012:task-definition/web:3",
                               "loadBalancers": WRONG_PORT}],
                 "failures": []}
    result = lint(("described.json", described), ("task.json", TASK))
    assert paths(result, "ECS404") == paths(result, "ECS408") == ["described.json"]


def test_update_service_input_links_but_keeps_what_it_leaves_out():
    update = {"cluster": "prod", "service": "web", "taskDefinition": "web:4", "desiredCount": 3}
    result = lint(("task.json", TASK), ("update.json", {**update, "loadBalancers": WRONG_PORT}))
    assert paths(result, "ECS408") == ["update.json"]
    assert findings_of(result, "ECS404") == [], "the service keeps its network configuration"


def test_cluster_default_strategy_reaches_a_daemon_service():
    for order in (("c.json", "d.json"), ("d.json", "c.json")):
        files = {"c.json": CLUSTER, "d.json": DAEMON}
        result = lint(*[(name, files[name]) for name in order])
        assert [(f.path, f.line) for f in findings_of(result, "ECS123")] == [("d.json", 5)]


def test_daemon_service_in_another_or_an_unknown_cluster_is_not_judged():
    assert findings_of(lint(("c.json", CLUSTER), ("d.json", {**DAEMON, "cluster": "staging"})), "ECS123") == []
    assert findings_of(lint(("d.json", DAEMON)), "ECS123") == []
    with_launch_type = {**DAEMON, "launchType": "EC2"}
    assert findings_of(lint(("c.json", CLUSTER), ("d.json", with_launch_type)), "ECS123") == []


def test_multi_document_yaml_links_within_one_file():
    text = "family: web\nnetworkMode: awsvpc\ncontainerDefinitions: [{name: web, image: nginx, memory: 128}]\n" \
           "---\nserviceName: web\ntaskDefinition: web\n"
    result = lint_inputs([Input("stack.yaml", text.encode())])
    assert [(f.line, f.rule) for f in findings_of(result, "ECS404")] == [(5, "ECS404")]


def test_cli_links_files_given_as_separate_arguments_and_as_a_directory(tmp_path):
    write(tmp_path, "deploy/task.json", json.dumps(TASK))
    write(tmp_path, "ops/service.json", json.dumps({**SERVICE, "loadBalancers": WRONG_PORT}))
    for args in (["deploy/task.json", "ops/service.json"], ["ops/service.json", "deploy/task.json"], ["."]):
        result = run(["check", "--select", "ECS404,ECS408", "--format", "json", *args], tmp_path)
        found = sorted((f["path"], f["rule"]) for f in json.loads(result.stdout)["findings"])
        assert found == [("ops/service.json", "ECS404"), ("ops/service.json", "ECS408")], args
    alone = run(["check", "--select", "ECS404,ECS408", "ops/service.json"], tmp_path)
    assert alone.exit_code == 0, "a service whose task definition is not among the inputs is not judged"
