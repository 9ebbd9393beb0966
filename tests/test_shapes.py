"""The shapes people commit besides ``register-task-definition`` input: AWS CLI skeletons, describe
wrappers, lists of task definitions, container definitions on their own, keys in another case.

Skeletons are made as the AWS CLI makes them (``--generate-cli-skeleton`` is botocore's
``ArgumentGenerator`` over the operation's input shape: "" for strings, 0 for numbers, true for
booleans, a random allowed value for enums, ``{"KeyName": ""}`` for maps), for several random choices.
"""

from __future__ import annotations

import copy
import json
import random

import pytest

from ecslint.engine import Input
from helpers import lint_inputs

OPERATIONS = ("RegisterTaskDefinition", "CreateService", "UpdateService", "CreateCluster")


def skeleton(operation: str, seed: int) -> dict:
    """What ``aws ecs <operation> --generate-cli-skeleton`` prints."""
    import botocore.session
    from botocore.utils import ArgumentGenerator

    random.seed(seed)
    model = botocore.session.get_session().get_service_model("ecs")
    generated = ArgumentGenerator().generate_skeleton(model.operation_model(operation).input_shape)
    return json.loads(json.dumps(generated, default=str))


def lint_json(*documents: dict):
    """The findings of every rule but :data:`helpers.HARDENING` (which flag valid configurations by design:
    a bridge task, a worker service without a load balancer)."""
    return lint_inputs([Input(f"file{i}.json", json.dumps(doc, indent=4).encode()) for i, doc in enumerate(documents)])


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("operation", OPERATIONS)
def test_an_unfilled_skeleton_is_read_and_gives_no_finding(operation, seed):
    result = lint_json(skeleton(operation, seed))
    assert result.linted == ["file0.json"]
    assert not result.internal_errors
    assert [f"{f.rule} {f.message}" for f in result.findings] == []


def _filled_task(seed: int, **container) -> dict:
    task = skeleton("RegisterTaskDefinition", seed)
    task["family"] = "web"
    task["containerDefinitions"][0].update({"name": "web", "image": "nginx:1.27", **container})
    return task


@pytest.mark.parametrize("seed", range(5))
def test_the_values_filled_in_a_skeleton_are_checked(seed):
    result = lint_json(_filled_task(seed, memory=128, memoryReservation=256))
    assert [f.rule for f in result.findings] == ["ECS103"]
    assert not lint_json(_filled_task(seed, memory=512, memoryReservation=256)).findings


def test_a_task_definition_with_a_few_empty_values_is_no_skeleton():
    task = {"family": "web", "containerDefinitions": [{"name": "web", "image": "nginx:1.27", "memory": 128,
                                                       "memoryReservation": 256, "hostname": "", "user": ""}]}
    assert [f.rule for f in lint_json(task).findings] == ["ECS103"]


TASK = {"family": "web", "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", "cpu": "256",
        "memory": "512", "executionRoleArn": "arn:aws:iam::123456789012:role/web-execution",
        "containerDefinitions": [
            {"name": "web", "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.4.2", "essential": True,
             "portMappings": [{"containerPort": 8080, "protocol": "tcp"}],
             "environment": [{"name": "PORT", "value": "8080"}],
             "healthCheck": {"command": ["CMD-SHELL", "curl -f http://localhost:8080/health || exit 1"],
                             "interval": 30, "timeout": 5, "retries": 3},
             "logConfiguration": {"logDriver": "awslogs", "options": {
                 "awslogs-group": "/ecs/web", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "web"}}},
            {"name": "log-router", "image": "public.ecr.aws/aws-observability/aws-for-fluent-bit:stable",
             "essential": False, "firelensConfiguration": {"type": "fluentbit"}, "memoryReservation": 64}]}
SERVICE = {"serviceName": "web", "cluster": "prod", "taskDefinition": "web", "desiredCount": 2,
           "launchType": "FARGATE", "networkConfiguration": {"awsvpcConfiguration": {
               "subnets": ["subnet-0123456789abcdef0"], "securityGroups": ["sg-0123456789abcdef0"]}}}


def _pascal(value):
    """The keys of ``value`` as Go's JSON encoder writes an SDK struct: PascalCase."""
    if isinstance(value, dict):
        return {k[:1].upper() + k[1:] if k != "options" else k: (v if k == "options" else _pascal(v))
                for k, v in value.items()}
    return [_pascal(v) for v in value] if isinstance(value, list) else value


def _filled_skeleton() -> dict:
    filled = skeleton("RegisterTaskDefinition", 0)
    filled.update({"family": "web", "cpu": "256", "memory": "512"})
    filled["containerDefinitions"][0].update({"name": "web", "image": "nginx:1.27", "memoryReservation": 256})
    return filled


VALID_SHAPES = {
    "register input": TASK,
    "describe output": {"taskDefinition": {**TASK, "revision": 3, "status": "ACTIVE"}, "tags": []},
    "a list of task definitions": {"taskDefinitions": [TASK, {**TASK, "family": "web-canary"}]},
    "describe-services output": {"services": [{**SERVICE, "status": "ACTIVE"}], "failures": []},
    "one container on its own": TASK["containerDefinitions"][0],
    "containers on their own": TASK["containerDefinitions"],
    "a skeleton filled in": _filled_skeleton(),
}


@pytest.mark.parametrize("shape", list(VALID_SHAPES))
def test_valid_task_definitions_in_every_shape_give_no_finding(shape):
    result = lint_json(copy.deepcopy(VALID_SHAPES[shape]))
    assert result.linted == ["file0.json"]
    allowed = {"ECS004"} if shape == "describe output" else set()  # the wrapper, which the CLI rejects
    assert [f"{f.rule} {f.message}" for f in result.findings if f.rule not in allowed] == []


def test_a_service_links_to_a_task_definition_in_a_list():
    service = {**SERVICE, "loadBalancers": [{"targetGroupArn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:"
                                             "targetgroup/web/0123456789abcdef", "containerName": "web",
                                             "containerPort": 80}]}
    result = lint_json({"taskDefinitions": [TASK]}, service)
    assert [f.rule for f in result.findings] == ["ECS408"]


def test_pascal_case_keys_are_read_and_reported_once():
    result = lint_json(_pascal(TASK))
    assert [f.rule for f in result.findings] == ["ECS116"]
    assert "spells 29 keys in another case than the ECS API: Family (family), " in result.findings[0].message
