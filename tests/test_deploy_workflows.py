"""Deploy workflows (ECS801-ECS806): GitHub Actions workflows that render and deploy a task
definition file, laid out as repositories in temporary folders, linted whole, as the workflow
alone, and as a pre-commit run given only the task definition file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import HARDENING, registry
from test_cli import run, write

TASK = {"family": "web", "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", "cpu": "256",
        "memory": "512", "executionRoleArn": "arn:aws:iam::123456789012:role/web-execution",
        "containerDefinitions": [{"name": "web", "image": "nginx:1.27", "essential": True,
                                  "portMappings": [{"containerPort": 80}]}]}
STARTER = """\
name: Deploy to Amazon ECS
on:
  push:
    branches: [main]
env:
  ECS_TASK_DEFINITION: .aws/task-definition.json
  CONTAINER_NAME: web
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Build, tag, and push image to Amazon ECR
        id: build-image
        run: docker build -t "$IMAGE" . && docker push "$IMAGE" && echo "image=$IMAGE" >> $GITHUB_OUTPUT
      - name: Fill in the new image ID in the Amazon ECS task definition
        id: task-def
        uses: aws-actions/amazon-ecs-render-task-definition@v1
        with:
          task-definition: ${{ env.ECS_TASK_DEFINITION }}
          container-name: ${{ env.CONTAINER_NAME }}
          image: ${{ steps.build-image.outputs.image }}
      - name: Deploy Amazon ECS task definition
        uses: aws-actions/amazon-ecs-deploy-task-definition@v2
        with:
          task-definition: ${{ steps.task-def.outputs.task-definition }}
          service: web
          cluster: prod
          wait-for-service-stability: true
"""
WORKFLOW = ".github/workflows/deploy.yml"
TASK_FILE = ".aws/task-definition.json"
DEPLOY_ONLY = """\
on: push
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: aws-actions/amazon-ecs-deploy-task-definition@v2
        with:
          task-definition: .aws/task-definition.json
          service: web
"""


def repository(folder: Path, files: dict[str, str | dict]) -> Path:
    """A git repository in ``folder`` holding ``files`` (JSON for the dicts)."""
    (folder / ".git").mkdir()
    for name, content in files.items():
        write(folder, name, content if isinstance(content, str) else json.dumps(content, indent=2))
    return folder


def findings(folder: Path, *paths: str, select: str = "ALL") -> list[tuple[str, int, str]]:
    """(path, line, rule) of what ``ecslint check`` reports on ``paths`` run in ``folder``."""
    result = run(["check", "--format", "json", f"--select={select}", *paths], folder)
    assert result.exit_code in (0, 1), result.output
    return [(f["path"], f["line"], f["rule"]) for f in json.loads(result.stdout)["findings"]]


def messages(folder: Path, *paths: str, rule: str) -> list[str]:
    """The messages of ``rule``'s findings, with every rule enabled."""
    result = run(["check", "--format", "json", *paths], folder)
    return [f["message"] for f in json.loads(result.stdout)["findings"] if f["rule"] == rule]


def with_container(**members) -> dict:
    container = {k: v for k, v in {**TASK["containerDefinitions"][0], **members}.items() if v is not ...}
    return {**TASK, "containerDefinitions": [container]}


# The image the render step fills in ------------------------------------------------------------

@pytest.mark.parametrize("image", ["", None, ..., "<IMAGE>", "${{ env.IMAGE }}"])
def test_an_image_the_render_step_fills_in_is_not_reported(tmp_path, image):
    repository(tmp_path, {WORKFLOW: STARTER, TASK_FILE: with_container(image=image)})
    assert findings(tmp_path, TASK_FILE) == []  # a pre-commit run given only the task definition
    assert findings(tmp_path, ".") == []


def test_without_the_workflow_an_empty_image_is_reported(tmp_path):
    repository(tmp_path, {TASK_FILE: with_container(image="")})
    assert findings(tmp_path, TASK_FILE) == [(TASK_FILE, 13, "ECS111")]


def test_the_image_of_another_container_is_still_reported(tmp_path):
    task = with_container()
    task["containerDefinitions"].append({"name": "sidecar", "image": "", "essential": False})
    repository(tmp_path, {WORKFLOW: STARTER, TASK_FILE: task})
    assert [rule for _, _, rule in findings(tmp_path, TASK_FILE)] == ["ECS111"]


def test_a_literal_image_is_checked_where_the_workflow_writes_it(tmp_path):
    workflow = STARTER.replace("${{ steps.build-image.outputs.image }}", "postgres:16")
    task = {**with_container(), "containerDefinitions": [{"name": "web", "image": "", "memory": 512}]}
    repository(tmp_path, {WORKFLOW: workflow, TASK_FILE: task})
    assert (WORKFLOW, 22, "ECS501") in findings(tmp_path, ".")  # PostgreSQL on Fargate without a volume


# What the deploy action strips -----------------------------------------------------------------

CONSOLE_EXPORT = {
    "taskDefinitionArn": "arn:aws:ecs:us-east-1:123456789012:task-definition/web:3", "revision": 3,
    "status": "ACTIVE", "registeredAt": "2024-05-01T10:00:00Z", "compatibilities": ["EC2", "FARGATE"],
    **TASK, "taskRoleArn": "", "volumes": [], "placementConstraints": [],
    "containerDefinitions": [{"name": "web", "image": "nginx:1.27", "memoryReservation": "", "command": "",
                              "environment": [{"name": "", "value": ""}], "healthCheck": {},
                              "portMappings": [{"containerPort": 80, "name": ""}], "linuxParameters": None}],
}


def test_fields_the_deploy_action_strips_are_reported_without_it(tmp_path):
    repository(tmp_path, {TASK_FILE: CONSOLE_EXPORT})
    assert sorted({rule for _, _, rule in findings(tmp_path, TASK_FILE)}) == ["ECS004", "ECS111", "ECS112"]


@pytest.mark.parametrize("workflow", [STARTER, DEPLOY_ONLY])
def test_fields_the_deploy_action_strips_are_not_reported(tmp_path, workflow):
    repository(tmp_path, {WORKFLOW: workflow, TASK_FILE: CONSOLE_EXPORT})
    assert findings(tmp_path, TASK_FILE) == []


def test_a_file_only_rendered_keeps_its_read_only_fields(tmp_path):
    workflow = STARTER[:STARTER.index("      - name: Deploy")]
    repository(tmp_path, {WORKFLOW: workflow, TASK_FILE: CONSOLE_EXPORT})
    assert "ECS004" in {rule for _, _, rule in findings(tmp_path, TASK_FILE)}


def test_what_stripping_leaves_is_still_checked(tmp_path):
    task = {**CONSOLE_EXPORT, "executionRoleArn": "", "containerDefinitions": [
        {"name": "web", "image": "", "logConfiguration": {"logDriver": "awslogs", "options": {
            "awslogs-group": "/ecs/web", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "web"}}}]}
    repository(tmp_path, {WORKFLOW: STARTER, TASK_FILE: task})
    assert [rule for _, _, rule in findings(tmp_path, TASK_FILE)] == ["ECS302"]  # awslogs on Fargate needs one


# ECS801 ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["task-definition.json", "./.aws/task-def.json", "${{ env.MISSING_FILE }}",
                                  "${{ env.DEPLOY_DIR }}/task-definition.json"])
def test_ecs801_a_missing_file(tmp_path, path):
    workflow = STARTER.replace("${{ env.ECS_TASK_DEFINITION }}", path).replace(
        "env:\n", "env:\n  MISSING_FILE: deploy/td.json\n").replace(
        "    runs-on:", "    env: {DEPLOY_DIR: '${{ env.MISSING_FILE }}'}\n    runs-on:")
    repository(tmp_path, {WORKFLOW: workflow, TASK_FILE: TASK})
    assert findings(tmp_path, WORKFLOW, select="ECS801") == [(WORKFLOW, 22, "ECS801")]


@pytest.mark.parametrize("path, meant", [("task-definition.json", ".aws/task-definition.json"),
                                         (".aws/Task-Definition.json", ".aws/task-definition.json"),
                                         ("deploy/td.json", None)])
def test_ecs801_says_which_file_a_path_may_mean(tmp_path, path, meant):
    repository(tmp_path, {WORKFLOW: STARTER.replace("${{ env.ECS_TASK_DEFINITION }}", path), TASK_FILE: TASK})
    [message] = messages(tmp_path, WORKFLOW, rule="ECS801")
    assert message.endswith(f"Did you mean {meant}?") if meant else "Did you mean" not in message


def test_ecs801_silent_on_a_file_an_earlier_step_writes(tmp_path):
    download = ("      - run: aws ecs describe-task-definition --task-definition web --query taskDefinition"
                " > task-definition.json\n")
    workflow = STARTER.replace("${{ env.ECS_TASK_DEFINITION }}", "task-definition.json").replace(
        "      - name: Fill", download + "      - name: Fill")
    repository(tmp_path, {WORKFLOW: workflow})
    assert findings(tmp_path, WORKFLOW, select="ECS801") == []


@pytest.mark.parametrize("path", ["${{ env.ECS_TASK_DEFINITION }}", "./.aws/task-definition.json",
                                  "${{ inputs.task-definition }}", "${{ matrix.file }}", "/tmp/td.json",
                                  "../other/td.json"])
def test_ecs801_silent_on_a_file_that_exists_or_is_unknown(tmp_path, path):
    repository(tmp_path, {WORKFLOW: STARTER.replace("${{ env.ECS_TASK_DEFINITION }}", path), TASK_FILE: TASK})
    assert findings(tmp_path, WORKFLOW, select="ECS801") == []


def test_ecs801_silent_when_the_repository_is_checked_out_in_a_folder(tmp_path):
    workflow = STARTER.replace("task-definition.json", "td.json").replace(
        "uses: actions/checkout@v4", "uses: actions/checkout@v4\n        with: {path: app}")
    repository(tmp_path, {WORKFLOW: workflow})
    assert findings(tmp_path, WORKFLOW, select="ECS801") == []


def test_ecs801_not_reported_when_only_the_task_definition_is_linted(tmp_path):
    workflow = STARTER.replace("${{ env.ECS_TASK_DEFINITION }}", "task-definition.json")
    repository(tmp_path, {WORKFLOW: workflow, TASK_FILE: TASK})
    assert findings(tmp_path, TASK_FILE) == []


# ECS802 ----------------------------------------------------------------------------------------

def test_ecs802_describe_output_at_the_file_or_at_the_step(tmp_path):
    repository(tmp_path, {WORKFLOW: STARTER, TASK_FILE: {"taskDefinition": TASK, "tags": []}})
    assert findings(tmp_path, ".", select="ECS802") == [(TASK_FILE, 2, "ECS802")]
    assert findings(tmp_path, TASK_FILE, select="ECS802") == [(TASK_FILE, 2, "ECS802")]
    assert findings(tmp_path, WORKFLOW, select="ECS802") == [(WORKFLOW, 20, "ECS802")]
    [message] = messages(tmp_path, TASK_FILE, rule="ECS802")
    assert "containerDefinitions section is not present or is not an array" in message


def test_ecs802_silent_on_a_bare_task_definition_and_on_describe_output_nobody_ships(tmp_path):
    repository(tmp_path, {WORKFLOW: STARTER, TASK_FILE: TASK, "described.json": {"taskDefinition": TASK}})
    assert findings(tmp_path, ".", select="ECS802") == []


# ECS803 ----------------------------------------------------------------------------------------

def test_ecs803_container_name_not_in_the_task_definition(tmp_path):
    repository(tmp_path, {WORKFLOW: STARTER.replace("CONTAINER_NAME: web", "CONTAINER_NAME: Web"),
                          TASK_FILE: TASK})
    assert findings(tmp_path, ".", select="ECS803") == [(WORKFLOW, 21, "ECS803")]
    [message] = messages(tmp_path, WORKFLOW, rule="ECS803")
    assert "'Web'" in message and "its containers: 'web'" in message


def test_ecs803_a_container_renamed_in_a_pre_commit_run_of_the_task_definition(tmp_path):
    renamed = {**TASK, "containerDefinitions": [{**TASK["containerDefinitions"][0], "name": "app"}]}
    repository(tmp_path, {WORKFLOW: STARTER, TASK_FILE: renamed})
    assert findings(tmp_path, TASK_FILE, select="ECS803") == [(TASK_FILE, 10, "ECS803")]


@pytest.mark.parametrize("name", ["web", "${{ inputs.container }}", "${{ env.UNSET }}"])
def test_ecs803_silent_on_a_container_of_the_task_or_an_unknown_name(tmp_path, name):
    repository(tmp_path, {WORKFLOW: STARTER.replace("${{ env.CONTAINER_NAME }}", name), TASK_FILE: TASK})
    assert findings(tmp_path, ".", select="ECS803") == []


def test_ecs803_checks_each_render_of_a_chain_against_the_file(tmp_path):
    second = """\
      - id: sidecar
        uses: aws-actions/amazon-ecs-render-task-definition@v1
        with:
          task-definition: ${{ steps.task-def.outputs.task-definition }}
          container-name: log-router
          image: fluent/fluent-bit:3.0
"""
    workflow = STARTER.replace("      - name: Deploy", second + "      - name: Deploy").replace(
        "steps.task-def.outputs.task-definition }}\n          service", "steps.sidecar.outputs.task-definition }}\n"
                                                                        "          service")
    repository(tmp_path, {WORKFLOW: workflow, TASK_FILE: TASK})
    assert findings(tmp_path, ".", select="ECS803,ECS804") == [(WORKFLOW, 27, "ECS803")]


# ECS804 ----------------------------------------------------------------------------------------

def test_ecs804_the_deploy_step_ships_the_original_file(tmp_path):
    workflow = STARTER.replace("${{ steps.task-def.outputs.task-definition }}", "${{ env.ECS_TASK_DEFINITION }}")
    repository(tmp_path, {WORKFLOW: workflow, TASK_FILE: TASK})
    assert findings(tmp_path, WORKFLOW, select="ECS804") == [(WORKFLOW, 26, "ECS804")]
    [message] = messages(tmp_path, WORKFLOW, rule="ECS804")
    assert "${{ steps.task-def.outputs.task-definition }}" in message


def test_ecs804_silent_when_the_render_output_is_deployed_or_used(tmp_path):
    used = STARTER.replace("${{ steps.task-def.outputs.task-definition }}", ".aws/task-definition.json").replace(
        "      - name: Deploy", "      - run: cp ${{ steps.task-def.outputs.task-definition }} .aws/\n"
                               "      - name: Deploy")
    other_first = STARTER.replace("      - name: Deploy", DEPLOY_ONLY[DEPLOY_ONLY.index("      - uses: aws-actions"):]
                                  .replace(".aws/task-definition.json", ".aws/worker.json") + "      - name: Deploy")
    for workflow in (STARTER, used, DEPLOY_ONLY, other_first):
        repository(tmp_path, {WORKFLOW: workflow, TASK_FILE: TASK})
        assert findings(tmp_path, WORKFLOW, select="ECS804") == []
        (tmp_path / ".git").rmdir()


# ECS805 ----------------------------------------------------------------------------------------

SECRET = with_container(environment=[{"name": "DB_PASSWORD", "value": "${{ secrets.DB_PASSWORD }}"},
                                     {"name": "STAGE", "value": "${{ env.STAGE }}"}])


def test_ecs805_expressions_in_a_shipped_file(tmp_path):
    repository(tmp_path, {WORKFLOW: STARTER, TASK_FILE: SECRET})
    assert findings(tmp_path, TASK_FILE, select="ECS805") == [(TASK_FILE, 23, "ECS805"), (TASK_FILE, 27, "ECS805")]


@pytest.mark.parametrize("step", [
    "      - run: sed -i \"s/\\${{ env.STAGE }}/$STAGE/\" .aws/task-definition.json\n",
    "      - run: envsubst < task-definition.json > out.json\n",
    "      - uses: cschleiden/replace-tokens@v1\n        with: {files: '[\".aws/task-definition.json\"]'}\n",
])
def test_ecs805_silent_when_a_step_rewrites_the_file(tmp_path, step):
    workflow = STARTER.replace("      - name: Fill", step + "      - name: Fill")
    repository(tmp_path, {WORKFLOW: workflow, TASK_FILE: SECRET})
    assert findings(tmp_path, TASK_FILE, select="ECS805") == []


def test_ecs805_in_a_pre_commit_run(tmp_path):
    repository(tmp_path, {WORKFLOW: STARTER, TASK_FILE: SECRET})
    result = run(["pre-commit", "--format=json", TASK_FILE], tmp_path)
    assert [f["rule"] for f in json.loads(result.stdout)["findings"] if f["rule"] not in HARDENING] == ["ECS805", "ECS805"]


def test_ecs805_silent_on_a_file_no_workflow_ships(tmp_path):
    repository(tmp_path, {TASK_FILE: SECRET})
    assert findings(tmp_path, TASK_FILE, select="ECS805") == []


# ECS806 ----------------------------------------------------------------------------------------

def test_ecs806_the_deploy_step_tells_what_the_file_it_ships_has(tmp_path):
    broken = {**TASK, "networkMode": "bridge", "containerDefinitions": [
        {**TASK["containerDefinitions"][0], "portMappings": [{"containerPort": 80, "hostPort": 8080}]}]}
    repository(tmp_path, {WORKFLOW: STARTER, TASK_FILE: broken})
    assert findings(tmp_path, WORKFLOW) == [(WORKFLOW, 26, "ECS806")]  # the task definition is context
    [message] = messages(tmp_path, WORKFLOW, rule="ECS806")
    assert "1 error (ECS201)" in message and TASK_FILE in message
    assert (WORKFLOW, 26, "ECS806") in findings(tmp_path, ".")


def test_ecs806_silent_when_the_file_is_clean_or_its_findings_are_ignored(tmp_path):
    repository(tmp_path, {WORKFLOW: STARTER, TASK_FILE: TASK})
    assert findings(tmp_path, ".") == []
    write(tmp_path, TASK_FILE, json.dumps({**TASK, "networkMode": "bridge"}))
    write(tmp_path, ".ecslint.yaml", "per-file-ignores:\n  '.aws/*.json': [ECS201]\n")
    assert findings(tmp_path, ".") == []


# Reading workflows -----------------------------------------------------------------------------

def test_other_workflows_are_skipped_as_before(tmp_path):
    ci = "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pytest\n"
    repository(tmp_path, {".github/workflows/ci.yml": ci})
    result = run(["check", "--verbose", "."], tmp_path)
    assert result.exit_code == 0
    assert "skipped .github/workflows/ci.yml" in result.stderr


@pytest.mark.parametrize("workflow", [
    "jobs: [1, 2]",
    "jobs: {deploy: [uses: aws-actions/amazon-ecs-deploy-task-definition@v2]}",
    "jobs: {deploy: {steps: {uses: aws-actions/amazon-ecs-deploy-task-definition@v2}}}",
    "jobs: {deploy: {steps: [{uses: aws-actions/amazon-ecs-deploy-task-definition@v2, with: [1]}]}}",
    "jobs: {deploy: {steps: [{uses: aws-actions/amazon-ecs-deploy-task-definition@v2, with: {task-definition: 5}}]}}",
    ("jobs: {deploy: {steps: [{uses: aws-actions/amazon-ecs-render-task-definition@v1, id: [x],"
     " with: {task-definition: {a: b}, container-name: [web], image: null}}]}}"),
    ("env: {X: {a: 1}}\njobs:\n  deploy:\n    env: [1]\n    steps:\n"
     "      - uses: aws-actions/amazon-ecs-render-task-definition@v1\n"
     "        with: {task-definition: '${{ env.X }}', container-name: '${{'}\n"),
    "jobs: {deploy: {steps: [{uses: [aws-actions/amazon-ecs-deploy-task-definition@v2]}]}}",
    ("jobs: {deploy: {steps: [{uses: aws-actions/amazon-ecs-deploy-task-definition@v2,"
     " with: {task-definition: '${{ steps.a.outputs.task-definition }}'}}]}}"),
])
def test_bad_workflows_never_give_a_traceback(tmp_path, workflow):
    repository(tmp_path, {WORKFLOW: workflow, TASK_FILE: TASK})
    result = run(["check", "--format", "json", "."], tmp_path)
    assert result.exit_code in (0, 1), result.output
    assert "internal error" not in result.stderr


def test_a_workflow_from_standard_input_has_no_repository(tmp_path):
    repository(tmp_path, {TASK_FILE: TASK})
    result = run(["check", "--format", "json", "--stdin-filename", WORKFLOW, "-"], tmp_path,
                 stdin=STARTER.replace("${{ env.ECS_TASK_DEFINITION }}", "missing.json"))
    assert result.exit_code == 0, result.output


def test_output_is_deterministic(tmp_path):
    repository(tmp_path, {WORKFLOW: STARTER.replace("CONTAINER_NAME: web", "CONTAINER_NAME: api"),
                          TASK_FILE: CONSOLE_EXPORT})
    first = run(["check", "--format", "sarif", "."], tmp_path).stdout
    assert first == run(["check", "--format", "sarif", "."], tmp_path).stdout


def test_the_deploy_rules_have_repository_fixtures_here():
    source = Path(__file__).read_text(encoding="utf-8")
    for rule in registry():
        if "github-actions" in rule.tags:
            assert f"def test_{rule.id.lower()}_" in source, f"{rule.id} has no repository fixtures"
