"""A synthetic estate of ECS configurations, generated deterministically (seeded) for the benchmarks.

    python3 benchmarks/estate.py DIR [--tasks 10000] [--templates 1000] [--modules 500] [--seed 13]

Writes, below ``DIR``:
- ``task-definitions/sNN/*.json|yaml``: task definitions (about 1 in 5 YAML), Fargate and EC2, one to
  four containers (application, log router, proxy or agent sidecars, an init container), secrets,
  EFS, host and bind volumes, health checks;
- ``cloudformation/sNN/*.yaml|json``: templates (about 3 in 5 YAML, with short-form tags) with a
  cluster, a service, its task definition, task and execution roles, a target group and a listener rule;
- ``terraform/sNN/module-NNNNN/{main,variables}.tf``: modules with an aws_ecs_cluster,
  aws_ecs_task_definition (container_definitions in jsonencode), aws_ecs_service, aws_iam_role and
  aws_lb_target_group.

Each kind is split into ``SHARDS`` shard folders ``s00`` ... ``s19`` of consecutive items, so that
``shards(DIR, kind, 0.25)`` names the first 25 % of them. Item ``i`` of a kind depends only on the
seed and ``i``, never on the counts: a smaller estate is a prefix of a larger one. A realistic few in
each kind carry the mistakes ecslint reports (Fargate cpu/memory that do not fit, a hostPort that differs
in awsvpc mode, passwords in the environment, one role for both, privileged containers, ``latest``
images, EFS without transit encryption, out-of-range health checks, ...), so the rules have work to do.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
from pathlib import Path

SHARDS = 20
KINDS = ("task-definitions", "cloudformation", "terraform")
MARKER = "estate-manifest.txt"  # not an extension ecslint reads

FARGATE_SIZES = [("256", "512"), ("512", "1024"), ("1024", "2048"), ("2048", "4096"), ("4096", "8192")]
REGIONS = ["eu-west-1", "us-east-1", "us-west-2", "ap-southeast-2"]
TEAMS = ["orders", "payments", "search", "catalog", "billing", "identity", "shipping", "reports", "media", "notify"]
APPS = [("nginx", 80), ("node", 3000), ("python", 8000), ("java", 8080), ("go", 8080), ("ruby", 3000)]


# --- value models and their emitters ------------------------------------------------------------

class Fn:
    """A CloudFormation intrinsic function: ``!Name value`` in YAML, ``{"Fn::Name": value}`` in JSON."""

    def __init__(self, name: str, value):
        self.name, self.value = name, value

    def to_json(self):
        if self.name == "Ref":
            return {"Ref": self.value}
        if self.name == "GetAtt":
            return {"Fn::GetAtt": self.value.split(".", 1)}
        return {f"Fn::{self.name}": _jsonable(self.value)}


class Raw(str):
    """An HCL expression written as is (a reference, a function call)."""


def _jsonable(value):
    if isinstance(value, Fn):
        return value.to_json()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def _yaml_scalar(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, Fn):
        inner = value.value
        if isinstance(inner, (list, dict)):
            return f"!{value.name} {json.dumps(_jsonable(inner))}"
        return f"!{value.name} {inner if value.name in ('Ref', 'GetAtt') else json.dumps(inner)}"
    return json.dumps(value)  # a double-quoted YAML scalar


def to_yaml(value, indent: int = 0) -> str:
    """Block-style YAML of dicts, lists and scalars (strings double-quoted), with CloudFormation tags."""
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, (dict, list)) and item:
                lines.append(f"{pad}{key}:")
                lines.append(to_yaml(item, indent + 2).rstrip("\n"))
            else:
                lines.append(f"{pad}{key}: {_yaml_scalar(item) if not isinstance(item, (dict, list)) else json.dumps(item)}")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, (dict, list)) and item:
                body = to_yaml(item, indent + 2)
                lines.append(f"{pad}- {body.lstrip()}".rstrip("\n"))
            else:
                lines.append(f"{pad}- {_yaml_scalar(item) if not isinstance(item, (dict, list)) else json.dumps(item)}")
    else:
        lines.append(pad + _yaml_scalar(value))
    return "\n".join(lines) + "\n"


def to_hcl(value, indent: int = 0) -> str:
    """An HCL expression: objects as ``{ key = value }``, lists, strings, numbers, ``Raw`` as is."""
    pad, inner = " " * indent, " " * (indent + 2)
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value).replace("${", "$${").replace("%{", "%%{")
    if isinstance(value, list):
        if not value:
            return "[]"
        return "[\n" + ",\n".join(inner + to_hcl(v, indent + 2) for v in value) + ",\n" + pad + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        body = "\n".join(f"{inner}{json.dumps(k) if not k.isidentifier() else k} = {to_hcl(v, indent + 2)}"
                         for k, v in value.items())
        return "{\n" + body + "\n" + pad + "}"
    raise TypeError(type(value))


# --- the containers of one task -----------------------------------------------------------------

def _containers(rnd: random.Random, name: str, region: str, fargate: bool, mode: str,
                account: str) -> tuple[list[dict], list[dict]]:
    """The container definitions of one task (camelCase, as in task definition files) and its volumes."""
    awsvpc = mode == "awsvpc"
    app, port = rnd.choice(APPS)
    tag = "latest" if rnd.random() < 0.1 else f"{rnd.randint(1, 9)}.{rnd.randint(0, 30)}.{rnd.randint(0, 9)}"
    web: dict = {
        "name": "app",
        "image": f"{account}.dkr.ecr.{region}.amazonaws.com/{name}:{tag}",
        "essential": True,
        "portMappings": [{"containerPort": port, "protocol": "tcp"}],
        "environment": [{"name": "SERVICE_NAME", "value": name}, {"name": "AWS_REGION", "value": region},
                        {"name": "LOG_LEVEL", "value": rnd.choice(["info", "debug", "warn"])}],
        "logConfiguration": {"logDriver": "awslogs", "options": {
            "awslogs-group": f"/ecs/{name}", "awslogs-region": region, "awslogs-stream-prefix": "app"}},
    }
    if awsvpc and rnd.random() < 0.04:  # ECS401: hostPort differs from containerPort in awsvpc mode
        web["portMappings"][0]["hostPort"] = port + 10000
    elif not awsvpc:  # bridge: a dynamic host port mostly; host: the container's port
        web["portMappings"][0]["hostPort"] = 0 if mode == "bridge" and rnd.random() < 0.8 else port
    if rnd.random() < 0.7:
        web["secrets"] = [
            {"name": "DB_PASSWORD",
             "valueFrom": f"arn:aws:secretsmanager:{region}:{account}:secret:{name}/db-{rnd.randint(100000, 999999)}"},
            {"name": "API_KEY", "valueFrom": f"arn:aws:ssm:{region}:{account}:parameter/{name}/api-key"},
        ][:rnd.randint(1, 2)]
    if rnd.random() < 0.06:  # ECS602: a secret in plain text
        web["environment"].append({"name": "DB_PASSWORD", "value": f"hunter{rnd.randint(10, 99)}"})
    if rnd.random() < 0.6:
        interval = 2 if rnd.random() < 0.05 else rnd.choice([10, 15, 30, 60])  # ECS108: out of range
        web["healthCheck"] = {"command": ["CMD-SHELL", f"curl -fs http://localhost:{port}/health || exit 1"],
                              "interval": interval, "timeout": 5, "retries": 3, "startPeriod": rnd.choice([0, 10, 30])}
    if not fargate:
        web["memoryReservation"] = rnd.choice([128, 256, 512])
        if rnd.random() < 0.5:
            web["memory"] = web["memoryReservation"] * 2
        if rnd.random() < 0.05:  # ECS603
            web["privileged"] = True
    if rnd.random() < 0.5:
        web["readonlyRootFilesystem"] = True
    containers = [web]
    volumes: list[dict] = []
    if rnd.random() < 0.35:
        efs = {"fileSystemId": f"fs-{rnd.getrandbits(32):08x}", "rootDirectory": "/"}
        if rnd.random() < 0.8:
            efs["transitEncryption"] = "ENABLED"  # otherwise ECS601
        volumes.append({"name": "data", "efsVolumeConfiguration": efs})
        web["mountPoints"] = [{"sourceVolume": "data", "containerPath": "/data", "readOnly": False}]
    if not fargate and rnd.random() < 0.3:
        volumes.append({"name": "docker-socket", "host": {"sourcePath": "/var/run/docker.sock"}})
        web.setdefault("mountPoints", []).append({"sourceVolume": "docker-socket",
                                                  "containerPath": "/var/run/docker.sock", "readOnly": True})
    if rnd.random() < 0.25:
        volumes.append({"name": "scratch"})
        web.setdefault("mountPoints", []).append({"sourceVolume": "scratch", "containerPath": "/tmp/scratch"})
    extras = rnd.randint(0, 3)
    for kind in rnd.sample(["log-router", "proxy", "agent", "init"], extras):
        if kind == "log-router":
            containers.append({
                "name": "log-router", "essential": True,
                "image": f"public.ecr.aws/aws-observability/aws-for-fluent-bit:{rnd.choice(['stable', '2.32.0'])}",
                "firelensConfiguration": {"type": "fluentbit"},
                "logConfiguration": {"logDriver": "awslogs", "options": {
                    "awslogs-group": f"/ecs/{name}/firelens", "awslogs-region": region,
                    "awslogs-stream-prefix": "firelens"}},
                **({} if fargate else {"memoryReservation": 50})})
            web["logConfiguration"] = {"logDriver": "awsfirelens", "options": {
                "Name": "cloudwatch_logs", "region": region, "log_group_name": f"/ecs/{name}",
                "auto_create_group": "true", "log_stream_prefix": "app-"}}
        elif kind == "proxy":
            containers.append({
                "name": "envoy", "essential": True,
                "image": f"840364872350.dkr.ecr.{region}.amazonaws.com/aws-appmesh-envoy:v1.27.3.0-prod",
                "user": "1337",
                "healthCheck": {"command": ["CMD-SHELL", "curl -s http://localhost:9901/server_info | grep state | grep -q LIVE"],
                                "interval": 5, "timeout": 2, "retries": 3, "startPeriod": 10},
                **({} if fargate else {"memory": 256})})
            web["dependsOn"] = web.get("dependsOn", []) + [{"containerName": "envoy", "condition": "HEALTHY"}]
        elif kind == "agent":
            containers.append({
                "name": "datadog-agent", "essential": False, "image": "public.ecr.aws/datadog/agent:7",
                "environment": [{"name": "ECS_FARGATE", "value": "true" if fargate else "false"}],
                "secrets": [{"name": "DD_API_KEY",
                             "valueFrom": f"arn:aws:ssm:{region}:{account}:parameter/datadog/api-key"}],
                **({} if fargate else {"memoryReservation": 256})})
        else:
            containers.append({
                "name": "migrate", "essential": False, "image": web["image"], "command": ["./migrate", "up"],
                **({} if fargate else {"memoryReservation": 128})})
            web["dependsOn"] = web.get("dependsOn", []) + [{"containerName": "migrate", "condition": "SUCCESS"}]
    return containers, volumes


def task_definition(seed: int, i: int) -> dict:
    """Task definition ``i`` (a register-task-definition input, camelCase)."""
    rnd = random.Random(f"{seed}/task/{i}")
    team = rnd.choice(TEAMS)
    name = f"{team}-{rnd.choice(['api', 'worker', 'web', 'cron', 'consumer'])}-{i:05d}"
    region, account = rnd.choice(REGIONS), f"{rnd.randint(10**11, 10**12 - 1)}"
    fargate = rnd.random() < 0.6
    mode = "awsvpc" if fargate else rnd.choice(["bridge", "bridge", "awsvpc", "host"])
    task: dict = {"family": name}
    if fargate:
        cpu, memory = rnd.choice(FARGATE_SIZES)
        if rnd.random() < 0.03:  # ECS202: the memory does not fit the cpu
            memory = str(int(cpu) // 2)
        task.update({"requiresCompatibilities": ["FARGATE"], "networkMode": mode, "cpu": cpu, "memory": memory})
        if rnd.random() < 0.3:
            task["runtimePlatform"] = {"operatingSystemFamily": "LINUX", "cpuArchitecture": rnd.choice(["ARM64", "X86_64"])}
    else:
        task.update({"requiresCompatibilities": ["EC2"], "networkMode": mode})
        if rnd.random() < 0.5:
            task["placementConstraints"] = [{"type": "memberOf", "expression": "attribute:ecs.instance-type =~ m6i.*"}]
    task_role = f"arn:aws:iam::{account}:role/{name}-task"
    execution_role = f"arn:aws:iam::{account}:role/{team}-execution"
    roll = rnd.random()
    if roll < 0.03:  # ECS303
        task_role = execution_role
    elif roll < 0.05:  # ECS301
        task_role = f"arn:aws:iam::{account}:instance-profile/ecsInstanceRole"
    task["taskRoleArn"] = task_role
    task["executionRoleArn"] = execution_role
    containers, volumes = _containers(rnd, name, region, fargate, mode, account)
    task["containerDefinitions"] = containers
    if volumes:
        task["volumes"] = volumes
    task["tags"] = [{"key": "team", "value": team}, {"key": "cost-center", "value": f"cc-{rnd.randint(100, 999)}"}]
    return task


# --- CloudFormation ------------------------------------------------------------------------------

def _pascal(value):
    """camelCase keys of a task definition's containers and volumes as CloudFormation spells them."""
    special = {"efsVolumeConfiguration": "EFSVolumeConfiguration", "fileSystemId": "FilesystemId"}
    if isinstance(value, dict):
        return {special.get(k, k[:1].upper() + k[1:]): v if k == "options" else _pascal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_pascal(v) for v in value]
    return value


def template(seed: int, i: int) -> dict:
    """CloudFormation template ``i``: a cluster, a service and its task definition, roles, a target group."""
    rnd = random.Random(f"{seed}/template/{i}")
    task = task_definition(seed, 1_000_000 + i)
    fargate = task["requiresCompatibilities"] == ["FARGATE"]
    awsvpc = task["networkMode"] == "awsvpc"
    app = task["containerDefinitions"][0]
    port = app["portMappings"][0]["containerPort"]
    app["image"] = Fn("Sub", "${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/" + task["family"] + ":${ImageTag}")
    app["logConfiguration"]["options"]["awslogs-region" if app["logConfiguration"]["logDriver"] == "awslogs" else "region"] = Fn("Ref", "AWS::Region")
    for container in task["containerDefinitions"]:
        for secret in container.get("secrets", []):
            secret["valueFrom"] = Fn("Sub", "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/"
                                     + task["family"] + "/" + secret["name"].lower())
    properties: dict = {
        "Family": task["family"],
        "RequiresCompatibilities": task["requiresCompatibilities"],
        "NetworkMode": task["networkMode"],
        "TaskRoleArn": Fn("GetAtt", "TaskRole.Arn"),
        "ExecutionRoleArn": Fn("GetAtt", "ExecutionRole.Arn"),
        "ContainerDefinitions": _pascal(task["containerDefinitions"]),
    }
    if fargate:
        properties["Cpu"], properties["Memory"] = Fn("Ref", "TaskCpu"), Fn("Ref", "TaskMemory")
    if "volumes" in task:
        properties["Volumes"] = _pascal(task["volumes"])
    trust = lambda service: {"Version": "2012-10-17", "Statement": [  # noqa: E731
        {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]}
    service: dict = {
        "Cluster": Fn("Ref", "Cluster"),
        "TaskDefinition": Fn("Ref", "TaskDefinition"),
        "DesiredCount": Fn("Ref", "DesiredCount"),
        "LaunchType": "FARGATE" if fargate else "EC2",
        "DeploymentConfiguration": {"MaximumPercent": 200, "MinimumHealthyPercent": rnd.choice([50, 100])},
        "HealthCheckGracePeriodSeconds": 60,
        "LoadBalancers": [{"ContainerName": "app",
                           "ContainerPort": port + 1 if rnd.random() < 0.03 else port,  # ECS408
                           "TargetGroupArn": Fn("Ref", "TargetGroup")}],
    }
    if awsvpc:
        service["NetworkConfiguration"] = {"AwsvpcConfiguration": {
            "Subnets": Fn("Ref", "Subnets"), "SecurityGroups": [Fn("Ref", "ServiceSecurityGroup")],
            "AssignPublicIp": "DISABLED"}}
    execution_policies = [Fn("Sub", "arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy")]
    resources: dict = {
        "Cluster": {"Type": "AWS::ECS::Cluster", "Properties": {
            "ClusterName": Fn("Sub", "${AWS::StackName}-cluster"),
            "ClusterSettings": [{"Name": "containerInsights", "Value": "enabled"}]}},
        "TaskDefinition": {"Type": "AWS::ECS::TaskDefinition", "Properties": properties},
        "Service": {"Type": "AWS::ECS::Service", "DependsOn": ["ListenerRule"], "Properties": service},
        "TaskRole": {"Type": "AWS::IAM::Role", "Properties": {
            "AssumeRolePolicyDocument": trust("ec2.amazonaws.com" if rnd.random() < 0.03 else "ecs-tasks.amazonaws.com"),
            "Policies": [{"PolicyName": "app", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
                 "Resource": Fn("Sub", "arn:${AWS::Partition}:s3:::" + task["family"] + "-data/*")}]}}]}},
        "ExecutionRole": {"Type": "AWS::IAM::Role", "Properties": {
            "AssumeRolePolicyDocument": trust("ecs-tasks.amazonaws.com"),
            "ManagedPolicyArns": execution_policies,
            "Policies": [{"PolicyName": "secrets", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": ["ssm:GetParameters", "secretsmanager:GetSecretValue"],
                 "Resource": Fn("Sub", "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/" + task["family"] + "/*")}]}}]}},
        "TargetGroup": {"Type": "AWS::ElasticLoadBalancingV2::TargetGroup", "Properties": {
            "TargetType": "ip" if awsvpc else "instance", "Port": port, "Protocol": "HTTP",
            "VpcId": Fn("Ref", "VpcId"), "HealthCheckPath": "/health", "Matcher": {"HttpCode": "200-299"}}},
        "ListenerRule": {"Type": "AWS::ElasticLoadBalancingV2::ListenerRule", "Properties": {
            "ListenerArn": Fn("Ref", "ListenerArn"), "Priority": 1 + i % 50000,
            "Conditions": [{"Field": "path-pattern", "Values": [f"/{task['family']}/*"]}],
            "Actions": [{"Type": "forward", "TargetGroupArn": Fn("Ref", "TargetGroup")}]}},
    }
    if awsvpc:
        resources["ServiceSecurityGroup"] = {"Type": "AWS::EC2::SecurityGroup", "Properties": {
            "GroupDescription": f"{task['family']} tasks", "VpcId": Fn("Ref", "VpcId"),
            "SecurityGroupIngress": [{"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "CidrIp": "10.0.0.0/8"}]}}
    parameters: dict = {
        "ImageTag": {"Type": "String", "Default": "1.0.0"},
        "DesiredCount": {"Type": "Number", "Default": rnd.choice([1, 2, 3])},
        "VpcId": {"Type": "AWS::EC2::VPC::Id"},
        "Subnets": {"Type": "List<AWS::EC2::Subnet::Id>"},
        "ListenerArn": {"Type": "String"},
    }
    if fargate:
        parameters["TaskCpu"] = {"Type": "String", "Default": task["cpu"]}
        parameters["TaskMemory"] = {"Type": "String", "Default": task["memory"]}
    return {"AWSTemplateFormatVersion": "2010-09-09", "Description": f"{task['family']} service on ECS",
            "Parameters": parameters, "Resources": resources,
            "Outputs": {"ServiceName": {"Value": Fn("GetAtt", "Service.Name")}}}


# --- Terraform -----------------------------------------------------------------------------------

def _block(kind: str, labels: list[str], body: str) -> str:
    return f'{kind} {" ".join(json.dumps(label) for label in labels)} {{\n{body}}}\n'


def _attributes(pairs: list[tuple[str, object]], indent: int = 2) -> str:
    width = max(len(k) for k, _ in pairs)
    return "".join(f"{' ' * indent}{k.ljust(width)} = {to_hcl(v, indent)}\n" for k, v in pairs)


def module(seed: int, i: int) -> dict[str, str]:
    """Terraform module ``i``: file name -> text (main.tf, variables.tf)."""
    rnd = random.Random(f"{seed}/module/{i}")
    task = task_definition(seed, 2_000_000 + i)
    fargate = task["requiresCompatibilities"] == ["FARGATE"]
    awsvpc = task["networkMode"] == "awsvpc"
    port = task["containerDefinitions"][0]["portMappings"][0]["containerPort"]
    task["containerDefinitions"][0]["image"] = Raw('"${var.image_repository}:${var.image_tag}"')
    main = [f"# {task['family']}: generated by benchmarks/estate.py (seed {seed})\n"]
    main.append(_block("resource", ["aws_ecs_cluster", "this"], _attributes([("name", Raw('"${var.name}-cluster"'))])
                       + '  setting {\n    name  = "containerInsights"\n    value = "enabled"\n  }\n'))
    attrs: list[tuple[str, object]] = [
        ("family", Raw("var.name")),
        ("requires_compatibilities", task["requiresCompatibilities"]),
        ("network_mode", task["networkMode"]),
    ]
    if fargate:
        attrs += [("cpu", Raw("var.cpu")), ("memory", Raw("var.memory"))]
    attrs += [("task_role_arn", Raw("aws_iam_role.task.arn")),
              ("execution_role_arn", Raw("aws_iam_role.execution.arn")),
              ("container_definitions", Raw("jsonencode(" + to_hcl(task["containerDefinitions"], 2) + ")"))]
    body = _attributes(attrs)
    for volume in task.get("volumes", []):
        inner = f'    name = "{volume["name"]}"\n'
        if "efsVolumeConfiguration" in volume:
            efs = volume["efsVolumeConfiguration"]
            inner += "    efs_volume_configuration {\n" + _attributes(
                [("file_system_id", efs["fileSystemId"]), ("root_directory", "/")]
                + ([("transit_encryption", "ENABLED")] if efs.get("transitEncryption") else []), 6) + "    }\n"
        elif "host" in volume:
            inner += f'    host_path = "{volume["host"]["sourcePath"]}"\n'
        body += "\n  volume {\n" + inner + "  }\n"
    main.append(_block("resource", ["aws_ecs_task_definition", "this"], body))
    service = _attributes([
        ("name", Raw("var.name")), ("cluster", Raw("aws_ecs_cluster.this.id")),
        ("task_definition", Raw("aws_ecs_task_definition.this.arn")), ("desired_count", Raw("var.desired_count")),
        ("launch_type", "FARGATE" if fargate else "EC2"),
        ("deployment_minimum_healthy_percent", rnd.choice([50, 100])), ("deployment_maximum_percent", 200),
        ("health_check_grace_period_seconds", 60)])
    if awsvpc:
        service += "\n  network_configuration {\n" + _attributes([
            ("subnets", Raw("var.private_subnet_ids")), ("security_groups", Raw("[aws_security_group.service.id]")),
            ("assign_public_ip", False)], 4) + "  }\n"
    service += "\n  load_balancer {\n" + _attributes([
        ("target_group_arn", Raw("aws_lb_target_group.this.arn")), ("container_name", "app"),
        ("container_port", port + 1 if rnd.random() < 0.03 else port)], 4) + "  }\n"
    main.append(_block("resource", ["aws_ecs_service", "this"], service))
    main.append(_block("resource", ["aws_lb_target_group", "this"], _attributes([
        ("name", Raw('"${var.name}-tg"')), ("port", port), ("protocol", "HTTP"),
        ("target_type", "ip" if awsvpc else "instance"), ("vpc_id", Raw("var.vpc_id"))])
        + '\n  health_check {\n    path    = "/health"\n    matcher = "200-299"\n  }\n'))
    if awsvpc:
        main.append(_block("resource", ["aws_security_group", "service"], _attributes([
            ("name", Raw('"${var.name}-tasks"')), ("vpc_id", Raw("var.vpc_id"))])
            + "\n  ingress {\n" + _attributes([("from_port", port), ("to_port", port), ("protocol", "tcp"),
                                                ("cidr_blocks", ["10.0.0.0/8"])], 4) + "  }\n"))
    task_service = "ec2.amazonaws.com" if rnd.random() < 0.03 else "ecs-tasks.amazonaws.com"  # ECS305
    for role, service_principal in (("task", task_service), ("execution", "ecs-tasks.amazonaws.com")):
        policy = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": service_principal}}]}
        main.append(_block("resource", ["aws_iam_role", role], _attributes([
            ("name", Raw(f'"${{var.name}}-{role}"')), ("assume_role_policy", Raw("jsonencode(" + to_hcl(policy, 2) + ")"))])))
    if rnd.random() < 0.85:  # otherwise ECS308: the execution role cannot read the secrets
        policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Resource": "*", "Action": [
            "secretsmanager:GetSecretValue", "ssm:GetParameters", "kms:Decrypt"]}]}
        main.append(_block("resource", ["aws_iam_role_policy", "execution_secrets"], _attributes([
            ("name", "read-secrets"), ("role", Raw("aws_iam_role.execution.id")),
            ("policy", Raw("jsonencode(" + to_hcl(policy, 2) + ")"))])))
    main.append(_block("resource", ["aws_iam_role_policy_attachment", "execution"], _attributes([
        ("role", Raw("aws_iam_role.execution.name")),
        ("policy_arn", "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy")])))
    variables = [
        ("name", "string", json.dumps(task["family"])), ("image_repository", "string", None),
        ("image_tag", "string", json.dumps("1.0.0")), ("desired_count", "number", str(rnd.choice([1, 2, 3]))),
        ("vpc_id", "string", None), ("private_subnet_ids", "list(string)", None),
    ]
    if fargate:
        variables += [("cpu", "number", task["cpu"]), ("memory", "number", task["memory"])]
    variables_tf = "".join(
        _block("variable", [name], f"  type    = {kind}\n" + (f"  default = {default}\n" if default is not None else ""))
        for name, kind, default in variables)
    return {"main.tf": "\n".join(main), "variables.tf": variables_tf}


# --- writing it out ------------------------------------------------------------------------------

def shard_of(i: int, count: int) -> str:
    return f"s{i * SHARDS // count:02d}"


def generate(directory: str | os.PathLike, tasks: int = 10_000, templates: int = 1_000, modules: int = 500,
             seed: int = 13) -> Path:
    """Write the estate below ``directory`` (emptied first if it holds an earlier estate); its path."""
    root = Path(directory)
    signature = f"tasks={tasks} templates={templates} modules={modules} seed={seed}\n"
    if (root / MARKER).exists():
        for kind in KINDS:
            shutil.rmtree(root / kind, ignore_errors=True)
        shutil.rmtree(root / ".ecslint_cache", ignore_errors=True)
    elif root.exists() and any(root.iterdir()):
        raise SystemExit(f"{root} is not empty and holds no estate: not writing into it")
    root.mkdir(parents=True, exist_ok=True)
    for i in range(tasks):
        folder = root / "task-definitions" / shard_of(i, tasks)
        folder.mkdir(parents=True, exist_ok=True)
        task = task_definition(seed, i)
        if i % 5 == 4:
            (folder / f"{task['family']}.yaml").write_text(to_yaml(task), encoding="utf-8")
        else:
            (folder / f"{task['family']}.json").write_text(json.dumps(task, indent=2) + "\n", encoding="utf-8")
    for i in range(templates):
        folder = root / "cloudformation" / shard_of(i, templates)
        folder.mkdir(parents=True, exist_ok=True)
        document = template(seed, i)
        if i % 5 in (1, 3):
            (folder / f"service-{i:05d}.json").write_text(json.dumps(_jsonable(document), indent=2) + "\n",
                                                          encoding="utf-8")
        else:
            (folder / f"service-{i:05d}.yaml").write_text(to_yaml(document), encoding="utf-8")
    for i in range(modules):
        folder = root / "terraform" / shard_of(i, modules) / f"module-{i:05d}"
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in module(seed, i).items():
            (folder / name).write_text(text, encoding="utf-8")
    (root / MARKER).write_text(signature, encoding="utf-8")
    return root


def shards(root: str | os.PathLike, kind: str, fraction: float) -> list[Path]:
    """The shard folders of ``kind`` that make the first ``fraction`` of it (at least one)."""
    count = max(1, min(SHARDS, round(fraction * SHARDS)))
    return [p for p in sorted(Path(root, kind).iterdir()) if p.is_dir()][:count]


def files(folders: list[Path]) -> list[str]:
    """Every file below ``folders``, sorted."""
    return sorted(str(p) for folder in folders for p in folder.rglob("*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory")
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--templates", type=int, default=1_000)
    parser.add_argument("--modules", type=int, default=500)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    generate(args.directory, args.tasks, args.templates, args.modules, args.seed)


if __name__ == "__main__":
    main()
