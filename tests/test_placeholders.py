"""Placeholders that deployment tools fill in are unknown, never wrong, in every rule and every format;
what is written around them still counts.

Realistic task definitions and services, valid once filled in, are written with each placeholder form
(``${X}``, ``$X``, ``%X%``, ``__X__``, ``<X>``, ``#{X}``, ``{{ X }}``, ``{{X}}``, ``@X@``, ``${{ X }}``)
as the ECS API's JSON and YAML, as a CloudFormation template and in Terraform: no rule may fire.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import yaml

from ecslint.engine import Input
from ecslint.model.values import MAX_PATTERN_INPUT, fill_placeholders, is_placeholder, placeholder_spans
from helpers import lint_inputs, replaced, value_paths

FORMS = {
    "dollar-brace": "${%s}", "dollar": "$%s", "percent": "%%%s%%", "dunder": "__%s__", "angle": "<%s>",
    "octopus": "#{%s}", "mustache-spaced": "{{ %s }}", "mustache": "{{%s}}", "at": "@%s@",
    "actions": "${{ %s }}",
}


@pytest.mark.parametrize("form", FORMS.values(), ids=list(FORMS))
def test_each_form_is_a_placeholder_whole_and_in_part(form):
    whole = form % "AWS_ACCOUNT_ID"
    assert is_placeholder(whole) and placeholder_spans(whole) == [(0, len(whole))]
    image = f"{whole}.dkr.ecr.us-east-1.amazonaws.com/app:1"
    assert not is_placeholder(image)
    assert fill_placeholders(image, lambda _: "*") == "*.dkr.ecr.us-east-1.amazonaws.com/app:1"
    assert fill_placeholders(f"arn:aws:iam::{whole}:role/x", lambda _: "*") == "arn:aws:iam::*:role/x"


@pytest.mark.parametrize("text", [
    "nginx:1.27", "user@example.com", "a%E2%80%99b", "%Y-%m-%d %H:%M:%S", "Zx9$kLm2Qw8", "$5", "50%", "a_b_c",
    "/ecs/app", "arn:aws:iam::123456789012:role/app", "{{", "${", "<a", "x}",
])
def test_values_that_are_not_placeholders(text):
    assert placeholder_spans(text) == []


def test_a_shell_variable_in_small_letters_is_a_placeholder_only_as_the_whole_value():
    assert is_placeholder("$image_tag")
    assert placeholder_spans("nginx:$image_tag") == []
    assert placeholder_spans("nginx:$IMAGE_TAG") == [(6, 16)]


@pytest.mark.parametrize("text", ["${" * 50_000, "{{" * 50_000, "<a" * 50_000, "__a" * 50_000, "@a" * 50_000,
                                  "%a" * 50_000, "$" * 100_000, "__" + "a_" * 50_000, "#{" * 50_000])
def test_scanning_is_linear_and_bounded(text):
    start = time.perf_counter()
    placeholder_spans(text)
    assert time.perf_counter() - start < 0.5
    assert not is_placeholder("${A}" + "x" * MAX_PATTERN_INPUT), "a value longer than is read is not known whole"


def task(p) -> dict:
    """A Fargate task definition with the placeholders ``p(NAME)`` gives, as deployment pipelines write them."""
    account, region, app = p("AWS_ACCOUNT_ID"), p("AWS_REGION"), p("APP")
    return {
        "family": p("FAMILY"), "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc",
        "cpu": p("CPU"), "memory": p("MEMORY"),
        "taskRoleArn": f"arn:aws:iam::{account}:role/{app}-task",
        "executionRoleArn": f"arn:aws:iam::{account}:role/{app}-execution",
        "containerDefinitions": [{
            "name": "app", "image": f"{account}.dkr.ecr.{region}.amazonaws.com/{app}:{p('IMAGE_TAG')}",
            "cpu": p("CONTAINER_CPU"), "memory": p("CONTAINER_MEMORY"), "essential": True,
            "portMappings": [{"containerPort": p("PORT"), "hostPort": p("PORT"), "protocol": "tcp"}],
            "environment": [{"name": "DB_PASSWORD", "value": p("DB_PASSWORD")},
                            {"name": "DATABASE_URL",
                             "value": f"postgres://app:{p('DB_PASSWORD')}@db.internal:5432/app"},
                            {"name": "STRIPE_KEY", "value": p("STRIPE_KEY")},
                            {"name": p("EXTRA_NAME"), "value": p("EXTRA_VALUE")}],
            "secrets": [{"name": "TOKEN", "valueFrom": f"arn:aws:secretsmanager:{region}:{account}:secret:{app}/token"},
                        {"name": "KEY", "valueFrom": f"arn:aws:ssm:{region}:{account}:parameter/{app}/key"},
                        {"name": "JSON", "valueFrom": f"arn:aws:secretsmanager:{region}:{account}:secret:{app}-AbCdEf:"
                                                      f"{p('JSON_KEY')}::"},
                        {"name": "OTHER", "valueFrom": p("OTHER_SECRET")},
                        {"name": "PARAMETER", "valueFrom": f"/{p('ENV')}/{app}/parameter"}],
            "logConfiguration": {"logDriver": "awslogs", "options": {
                "awslogs-group": f"/ecs/{app}", "awslogs-region": region, "awslogs-stream-prefix": app,
                p("LOG_OPTION"): p("LOG_OPTION_VALUE")}},
            "healthCheck": {"command": ["CMD-SHELL", f"curl -f http://localhost:{p('PORT')}/health || exit 1"],
                            "interval": p("INTERVAL")},
            "dependsOn": [{"containerName": p("SIDECAR"), "condition": "START"}],
        }, {
            "name": p("SIDECAR"), "image": p("SIDECAR_IMAGE"), "essential": False,
            "healthCheck": {"command": [p("HEALTH_KIND"), p("HEALTH_COMMAND")]},
            "logConfiguration": {"logDriver": p("LOG_DRIVER"), "options": {"awslogs-group": p("GROUP")}},
        }],
    }


def ec2_task(p) -> dict:
    """A bridge task definition for EC2 with links, volumes and references filled in by placeholders."""
    app = p("APP")
    return {
        "family": f"{app}-worker", "networkMode": "bridge", "requiresCompatibilities": ["EC2"],
        "taskRoleArn": p("TASK_ROLE_ARN"), "executionRoleArn": p("EXECUTION_ROLE_ARN"),
        "volumes": [{"name": p("VOLUME"), "host": {"sourcePath": p("HOST_PATH")}}],
        "containerDefinitions": [{
            "name": app, "image": f"{p('REGISTRY')}/{app}:{p('TAG')}", "memory": p("MEMORY"),
            "memoryReservation": p("MEMORY_RESERVATION"), "cpu": p("CPU"),
            "portMappings": [{"containerPort": p("PORT"), "hostPort": 0}],
            "links": [f"{p('SIDECAR')}:cache", p("OTHER_LINK")],
            "mountPoints": [{"sourceVolume": p("VOLUME"), "containerPath": "/data"}],
            "volumesFrom": [{"sourceContainer": p("SIDECAR")}],
            "dependsOn": [{"containerName": p("SIDECAR"), "condition": "START"}],
            "repositoryCredentials": {"credentialsParameter": p("REGISTRY_SECRET_ARN")},
            "secrets": [{"name": "A", "valueFrom": p("PARAMETER_NAME")}],
            "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": p("LOG_GROUP"),
                                                                     "awslogs-region": p("AWS_REGION")}},
        }, {"name": p("SIDECAR"), "image": p("SIDECAR_IMAGE"), "memory": 128, "essential": False}],
    }


def service(p) -> dict:
    account, region, app = p("AWS_ACCOUNT_ID"), p("AWS_REGION"), p("APP")
    return {"cluster": p("CLUSTER"), "serviceName": p("SERVICE"), "taskDefinition": p("FAMILY"),
            "desiredCount": p("COUNT"), "launchType": "FARGATE",
            "networkConfiguration": {"awsvpcConfiguration": {"subnets": [p("SUBNET_A"), f"subnet-{p('SUBNET_B')}"],
                                                             "securityGroups": [p("SECURITY_GROUP")],
                                                             "assignPublicIp": "DISABLED"}},
            "loadBalancers": [{"targetGroupArn": f"arn:aws:elasticloadbalancing:{region}:{account}:targetgroup/"
                                                 f"{app}/{p('TARGET_GROUP_ID')}",
                               "containerName": "app", "containerPort": p("PORT")}],
            "deploymentConfiguration": {"maximumPercent": p("MAX"), "minimumHealthyPercent": p("MIN")}}


def _filler(form: str):
    """The placeholder for a name in ``form``: ``_filler("${%s}")("PORT")`` is ``${PORT}``."""
    return lambda name: form % name


def _forms(exclude: tuple[str, ...] = ()) -> list:
    return [pytest.param(form, id=name) for name, form in FORMS.items() if name not in exclude]


def _assert_silent(inputs: list[Input]) -> None:
    """No finding of any rule but :data:`helpers.HARDENING` (which flag valid configurations by design,
    such as the bridge worker; placeholders adding none of theirs is
    test_a_placeholder_in_place_of_any_value_adds_no_rule's concern)."""
    result = lint_inputs(inputs)
    assert not result.internal_errors
    assert [(f.path, f.line, f.rule, f.message) for f in result.findings] == []


@pytest.mark.parametrize("form", _forms())
def test_api_json_and_yaml_with_placeholders_are_silent(form):
    p = _filler(form)
    documents = {"task.json": task(p), "worker.json": ec2_task(p), "service.json": service(p)}
    inputs = [Input(name, json.dumps(doc, indent=2).encode()) for name, doc in documents.items()]
    # YAML with every value quoted (unquoted, {{ }}, @ and % do not read as YAML strings)
    inputs += [Input(name.replace(".json", ".yaml"), json.dumps(doc, indent=2).encode())
               for name, doc in documents.items()]
    _assert_silent(inputs)


def _cfn(value, key: str = ""):
    """The ECS API's spelling as CloudFormation's: every key capitalised, except the log driver's options."""
    if isinstance(value, dict):
        return {(k if key == "options" else k[0].upper() + k[1:]): _cfn(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_cfn(item) for item in value]
    return value


@pytest.mark.parametrize("form", _forms())
def test_a_cloudformation_template_with_placeholders_is_silent(form):
    p = _filler(form)
    template = {"AWSTemplateFormatVersion": "2010-09-09", "Resources": {
        "Task": {"Type": "AWS::ECS::TaskDefinition", "Properties": _cfn(task(p))},
        "Worker": {"Type": "AWS::ECS::TaskDefinition", "Properties": _cfn(ec2_task(p))},
        "Service": {"Type": "AWS::ECS::Service", "Properties": {
            **_cfn({k: v for k, v in service(p).items() if k != "networkConfiguration"}),
            "NetworkConfiguration": {"AwsvpcConfiguration": {"Subnets": [p("SUBNET_A")],
                                                             "SecurityGroups": [p("SECURITY_GROUP")]}}}}}}
    _assert_silent([Input("stack.cfn.json", json.dumps(template, indent=2).encode()),
                    Input("stack.cfn.yaml", yaml.safe_dump(template, sort_keys=False).encode())])


def _hcl(value) -> str:
    """Plain data as an HCL expression (HCL takes JSON's object and list syntax)."""
    return json.dumps(value, indent=2)


@pytest.mark.parametrize("form", _forms(exclude=("dollar-brace", "actions", "percent")))  # ${ } and %{ } are HCL's own
def test_terraform_with_placeholders_is_silent(form):
    p = _filler(form)
    text = ""
    for name, definition in (("app", task(p)), ("worker", ec2_task(p))):
        arguments = {"family": "family", "requiresCompatibilities": "requires_compatibilities",
                     "networkMode": "network_mode", "cpu": "cpu", "memory": "memory",
                     "taskRoleArn": "task_role_arn", "executionRoleArn": "execution_role_arn"}
        body = "".join(f"  {arguments[k]} = {_hcl(v)}\n" for k, v in definition.items() if k in arguments)
        text += (f'resource "aws_ecs_task_definition" "{name}" {{\n{body}'
                 f"  container_definitions = jsonencode({_hcl(definition['containerDefinitions'])})\n}}\n\n")
    text += (f'resource "aws_ecs_service" "app" {{\n  name = "{p("SERVICE")}"\n  cluster = "{p("CLUSTER")}"\n'
             '  task_definition = aws_ecs_task_definition.app.arn\n  launch_type = "FARGATE"\n  desired_count = 2\n'
             f'  network_configuration {{\n    subnets = ["{p("SUBNET_A")}"]\n'
             f'    security_groups = ["{p("SECURITY_GROUP")}"]\n  }}\n}}\n')
    _assert_silent([Input("main.tf", text.encode())])


@pytest.mark.parametrize("form", _forms())
def test_what_is_written_around_a_placeholder_still_counts(form):
    """An ECR image whose account is a placeholder is still ECR; one role ARN with a placeholder, given
    as both roles, is still one role used twice."""
    p = _filler(form)
    same = task(p)
    same["executionRoleArn"] = same["taskRoleArn"]
    without = task(p)
    del without["executionRoleArn"]
    for container in without["containerDefinitions"]:
        container.pop("secrets", None)
        container["logConfiguration"]["logDriver"] = "splunk"
    result = lint_inputs([Input("same.json", json.dumps(same).encode()),
                          Input("without.json", json.dumps(without).encode())])
    assert sorted({(f.path, f.rule) for f in result.findings}) == [("same.json", "ECS303"), ("without.json", "ECS302")]


ROOT = Path(__file__).resolve().parent.parent
# Valid files of every kind: the examples, and the valid fixtures of the rules that read the most values.
SAMPLES = sorted([*ROOT.glob("examples/*.json"), *ROOT.glob("examples/*.yaml"), *ROOT.glob("examples/.aws/*.json"),
                  *(path for rule in ("ECS113", "ECS208", "ECS302", "ECS303", "ECS408", "ECS501", "ECS602")
                    for path in ROOT.glob(f"tests/fixtures/{rule}/good_*.json") if ".cfn." not in path.name)])


def _at(value, path):
    for step in path:
        value = value[step]
    return value


@pytest.mark.parametrize("path", SAMPLES, ids=[f"{p.parent.name}/{p.name}" for p in SAMPLES])
def test_a_placeholder_in_place_of_any_value_adds_no_rule(path):
    """Unknown is never wrong: a value replaced by a placeholder can silence a rule, never make one fire."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    def rules(doc) -> set[str]:
        return {f.rule for f in lint_inputs([Input(path.name, json.dumps(doc).encode())]).findings}

    before = rules(data)
    added = {}
    for where in value_paths(data):
        if where and isinstance(_at(data, where), str):
            for rule in rules(replaced(data, where, "${VALUE}")) - before:
                added.setdefault(rule, where)
    # A placeholder in requiresCompatibilities leaves Fargate unknown: a privileged container is then reported
    # by ECS603 (on Fargate, by ECS203), rightly either way.
    if "requiresCompatibilities" in added.get("ECS603", ()):
        del added["ECS603"]
    assert added == {}
