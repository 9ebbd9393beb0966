"""ecspresso: a configuration and the definition files it names, laid out as repositories keep them.

The service definition has no taskDefinition: it is linked to the configuration's task definition,
whichever of the three files are linted (a pre-commit run may pass the service definition alone).
"""

from __future__ import annotations

import json
from pathlib import Path

from test_cli import json_findings, run, write

CONFIG = """region: "{{ must_env `AWS_REGION` }}"
cluster: prod
service: web
service_definition: ecs-service-def.json
task_definition: ecs-task-def.json
timeout: 10m0s
plugins:
  - name: tfstate
    config:
      path: terraform.tfstate
"""
TASK = {"family": "web", "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", "cpu": "256",
        "memory": "512", "executionRoleArn": "{{ tfstate `aws_iam_role.execution.arn` }}",
        "containerDefinitions": [{"name": "app", "image": "{{ must_env `IMAGE` }}:{{ must_env `TAG` }}",
                                  "essential": True, "portMappings": [{"containerPort": 8080}],
                                  "environment": [{"name": "MODE", "value": "{{ env `MODE` `production` }}"}]}]}
SERVICE = {"desiredCount": 2, "launchType": "FARGATE",
           "deploymentConfiguration": {"maximumPercent": 200, "minimumHealthyPercent": 100},
           "loadBalancers": [{"containerName": "app", "containerPort": 8080,
                              "targetGroupArn": "{{ tfstate `aws_lb_target_group.web.arn` }}"}],
           "networkConfiguration": {"awsvpcConfiguration": {
               "subnets": ["{{ tfstate `aws_subnet.private_a.id` }}"], "assignPublicIp": "DISABLED"}}}
WRONG_PORT = {**SERVICE, "loadBalancers": [{**SERVICE["loadBalancers"][0], "containerPort": 80}]}


def layout(root: Path, service: dict = SERVICE, task: dict = TASK, config: str = CONFIG,
           folder: str = "deploy") -> Path:
    """A repository with an ecspresso configuration in ``folder``."""
    (root / ".git").mkdir(exist_ok=True)
    write(root, f"{folder}/ecspresso.yml", config)
    write(root, f"{folder}/ecs-service-def.json", json.dumps(service, indent=2))
    write(root, f"{folder}/ecs-task-def.json", json.dumps(task, indent=2))
    return root


def findings(root: Path, *paths: str) -> list[tuple[str, int, str]]:
    result = run(["check", "--format", "json", *paths], root)
    assert result.exit_code in (0, 1), result.stderr
    return json_findings(result)


def test_a_valid_deployment_gives_no_finding(tmp_path):
    assert findings(layout(tmp_path), "deploy") == []


def test_the_service_definition_is_linked_to_the_configurations_task_definition(tmp_path):
    root = layout(tmp_path, service=WRONG_PORT)
    assert findings(root, "deploy") == [("deploy/ecs-service-def.json", 11, "ECS408")]


def test_any_one_file_of_the_deployment_finds_the_others(tmp_path):
    root = layout(tmp_path, service=WRONG_PORT)
    for path in ("deploy/ecs-service-def.json", "deploy/ecs-task-def.json", "deploy/ecspresso.yml"):
        assert findings(root, path) == [("deploy/ecs-service-def.json", 11, "ECS408")], path
    both = run(["check", "deploy/ecs-task-def.json", "deploy/ecs-service-def.json"], root)
    assert "(3 files linted)" in both.stderr


def test_definitions_in_a_folder_below_the_configuration(tmp_path):
    config = CONFIG.replace("ecs-service-def.json", "ecs/service.json").replace("ecs-task-def.json", "ecs/task.json")
    write(tmp_path, "ecspresso.yml", config)
    write(tmp_path, "ecs/service.json", json.dumps(WRONG_PORT))
    write(tmp_path, "ecs/task.json", json.dumps(TASK))
    (tmp_path / ".git").mkdir()
    assert findings(tmp_path, "ecs/service.json") == [("ecs/service.json", 1, "ECS408")]


def test_no_configuration_no_link(tmp_path):
    write(tmp_path, "ecs-service-def.json", json.dumps(WRONG_PORT))
    write(tmp_path, "ecs-task-def.json", json.dumps(TASK))
    assert findings(tmp_path, ".") == []


def test_a_configuration_outside_the_repository_is_not_read(tmp_path):
    write(tmp_path, "ecspresso.yml", CONFIG.replace("ecs-service-def.json", "repo/ecs-service-def.json")
          .replace("ecs-task-def.json", "repo/ecs-task-def.json"))
    write(tmp_path, "repo/ecs-service-def.json", json.dumps(WRONG_PORT))
    write(tmp_path, "repo/ecs-task-def.json", json.dumps(TASK))
    (tmp_path / "repo" / ".git").mkdir()
    assert findings(tmp_path / "repo", "ecs-service-def.json") == []


def test_definitions_as_ecspresso_reads_them(tmp_path):
    """Keys in any case, a describe wrapper and read-only fields: all accepted by ecspresso."""
    described = {"taskDefinition": {
        "Family": "web", "Revision": 7, "Status": "ACTIVE", "RequiresCompatibilities": ["FARGATE"],
        "NetworkMode": "awsvpc", "Cpu": "256", "Memory": "512",
        "ContainerDefinitions": [{"Name": "app", "Image": "nginx:1.27", "Essential": True,
                                  "PortMappings": [{"ContainerPort": 8080}],
                                  "DockerLabels": {"com.example.team": "web"}}]}}
    root = layout(tmp_path, task=described)
    assert findings(root, "deploy") == []
    root = layout(tmp_path, task=described, service=WRONG_PORT)
    assert findings(root, "deploy") == [("deploy/ecs-service-def.json", 11, "ECS408")]


def test_the_service_takes_its_cluster_and_name_from_the_configuration(tmp_path):
    task = {**TASK, "requiresCompatibilities": ["EC2"], "networkMode": "bridge"}
    service = {**SERVICE, "launchType": "EC2", "networkConfiguration": {"awsvpcConfiguration": {
        "subnets": ["subnet-0123456789abcdef0"], "assignPublicIp": "ENABLED"}}}
    result = run(["check", "deploy"], layout(tmp_path, task=task, service=service))
    assert "service 'web'" in result.stdout
    # Linked, the bridge task definition makes the network configuration itself the error (not only its public IP).
    assert [rule for _, _, rule in findings(tmp_path, "deploy")] == ["ECS405"]
    assert [rule for _, _, rule in findings(tmp_path, "deploy/ecs-service-def.json")] == ["ECS405"]


def test_jsonnet_definitions_are_skipped_with_the_reason(tmp_path):
    config = CONFIG.replace("ecs-service-def.json", "svc.jsonnet").replace("ecs-task-def.json", "td.jsonnet")
    write(tmp_path, "ecspresso.yml", config)
    result = run(["check", "ecspresso.yml"], tmp_path)
    assert result.exit_code == 0
    assert "skipped ecspresso.yml: an ecspresso configuration whose definitions cannot be read: td.jsonnet is " \
           "Jsonnet" in result.stderr


def test_a_templated_definition_path_is_unknown(tmp_path):
    config = CONFIG.replace("service_definition: ecs-service-def.json",
                            "service_definition: '{{ env `SERVICE_DEF` `ecs-service-def` }}.json'")
    root = layout(tmp_path, config=config, service=WRONG_PORT)
    assert findings(root, "deploy/ecspresso.yml") == []


def test_configurations_that_name_nothing_readable_are_skipped_without_a_traceback(tmp_path):
    write(tmp_path, "empty/ecspresso.yml", "region: us-east-1\ntask_definition: ''\n")
    write(tmp_path, "folder/ecspresso.yml", "cluster: prod\ntask_definition: .\nservice_definition: ../folder\n")
    write(tmp_path, "itself/ecspresso.yml", "cluster: prod\ntask_definition: ecspresso.yml\n")
    result = run(["check", "-v", "."], tmp_path)
    assert result.exit_code == 0
    assert "skipped empty/ecspresso.yml: an ecspresso configuration whose definitions cannot be read: a " \
           "definition path is empty" in result.stderr
    assert "skipped folder/ecspresso.yml: an ecspresso configuration whose definition files are missing" in \
        result.stderr
    assert "skipped itself/ecspresso.yml" in result.stderr
