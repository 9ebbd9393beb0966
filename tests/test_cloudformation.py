"""CloudFormation templates: detection, names, values, functions, scenarios, parameters, Metadata
suppressions, and the integrations with cfn-lint."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ecslint.adapters import adapt
from ecslint.engine import Input
from ecslint.model import TaskDefinition
from ecslint.parameters import ParameterError, read_parameters
from ecslint.read import parse
from helpers import findings_of, lint_inputs, lint_text

ROOT = Path(__file__).resolve().parent.parent
HAS_CFN_LINT = importlib.util.find_spec("cfnlint") is not None


def objects(text: str, fmt: str = "yaml", parameters: dict | None = None):
    from ecslint.adapters import AdaptOptions

    return adapt(parse(text, fmt, f"t.{fmt}"), AdaptOptions(parameters=parameters or {})).objects


def task(text: str, **kwargs) -> TaskDefinition:
    [found] = [o for o in objects(text, **kwargs) if isinstance(o, TaskDefinition)]
    return found


def rules(text: str, fmt: str = "yaml", **kwargs) -> list[tuple[str, int]]:
    return [(f.rule, f.line) for f in lint_text(text, fmt, **kwargs).findings]


FARGATE_TASK = """Resources:
  WebTask:
    Type: AWS::ECS::TaskDefinition
    Properties:
      RequiresCompatibilities: [FARGATE]
      NetworkMode: awsvpc
      Cpu: {cpu}
      Memory: {memory}
      ContainerDefinitions:
        - Name: web
          Image: nginx:1.27
"""


def fargate(cpu: str, memory: str, head: str = "") -> str:
    return head + FARGATE_TASK.format(cpu=cpu, memory=memory)


# --- Detection ------------------------------------------------------------------------------------------------------

def test_templates_are_recognised_by_content_whatever_their_name(tmp_path):
    from test_cli import run, write

    write(tmp_path, "stack.template", fargate('"256"', '"4096"'))
    write(tmp_path, "lambda.yaml", "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  V:\n    Type: AWS::EC2::VPC\n")
    write(tmp_path, "override.yml", "WebTask:\n  Type: AWS::ECS::TaskDefinition\n  Properties:\n    Cpu: 256\n"
                                    "    ContainerDefinitions: [{Name: web, Image: nginx, Memory: 128}]\n")
    result = run(["check", "-v", "-f", "json", "."], tmp_path)
    report = json.loads(result.stdout)
    assert sorted(report["files"]["linted"]) == ["override.yml", "stack.template"]
    assert report["files"]["skipped"] == [{"path": "lambda.yaml", "reason": (
        "a CloudFormation template without ECS, IAM, load balancing, EFS or EC2 resources, not ECS content")}]
    assert [(f["path"], f["rule"]) for f in report["findings"]] == [("stack.template", "ECS202")]


def test_every_modeled_type_becomes_its_kind():
    from ecslint.adapters.cloudformation.resources import BUILDERS

    text = "Resources:\n" + "".join(f"  R{i}:\n    Type: {t}\n" for i, t in enumerate(sorted(BUILDERS)))
    kinds = {o.resource.type: type(o).__name__ for o in objects(text)}
    assert kinds["AWS::IAM::InstanceProfile"] == "InstanceProfile"
    assert kinds["AWS::ElasticLoadBalancing::LoadBalancer"] == "LoadBalancer"
    assert kinds["AWS::EC2::SecurityGroupIngress"] == "SecurityGroupRule"
    assert len(kinds) == len(BUILDERS)
    [classic] = [o for o in objects(text) if o.resource.type == "AWS::ElasticLoadBalancing::LoadBalancer"]
    assert classic.classic


# --- Names and values -----------------------------------------------------------------------------------------------

def test_names_follow_the_ecs_api_with_their_exceptions_and_maps_keep_their_keys():
    found = task("""Resources:
  T:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ProxyConfiguration:
        ContainerName: envoy
        ProxyConfigurationProperties: [{Name: AppPorts, Value: "80"}]
      Volumes:
        - Name: data
          EFSVolumeConfiguration:
            FilesystemId: fs-1
            AuthorizationConfig: {IAM: ENABLED, AccessPointId: fsap-1}
      ContainerDefinitions:
        - Name: web
          Image: nginx
          DockerLabels: {Traefik.Enable: "true"}
          LogConfiguration: {LogDriver: awslogs, Options: {awslogs-group: g, Mode: x}}
          Environment: [{Name: A_B, Value: c}]
""")
    assert found.at("proxyConfiguration", "properties", 0, "name").value == "AppPorts"
    efs = found.at("volumes", 0, "efsVolumeConfiguration")
    assert efs.get("fileSystemId").value == "fs-1" and efs.at("authorizationConfig", "iam").value == "ENABLED"
    container = found.containers[0]
    assert list(container.get("dockerLabels").value) == ["Traefik.Enable"]
    assert list(container.at("logConfiguration", "options").value) == ["awslogs-group", "Mode"]
    assert container.at("environment", 0, "name").value == "A_B"
    assert container.term("logConfiguration.options") == "LogConfiguration.Options"
    assert found.term("volumes.efsVolumeConfiguration.authorizationConfig.iam") == \
        "Volumes.EFSVolumeConfiguration.AuthorizationConfig.IAM"


def test_service_and_cluster_names():
    [service, cluster] = objects("""Resources:
  S:
    Type: AWS::ECS::Service
    Properties:
      PlacementStrategies: [{Type: spread, Field: attribute:ecs.availability-zone}]
      ForceNewDeployment: {EnableForceNewDeployment: "true"}
  C:
    Type: AWS::ECS::Cluster
    Properties:
      ClusterSettings: [{Name: containerInsights, Value: enabled}]
""")
    assert service.at("placementStrategy", 0, "type").value == "spread"
    assert service.get("forceNewDeployment").value is True
    assert cluster.at("settings", 0, "name").value == "containerInsights"
    assert service.term("placementStrategy") == "PlacementStrategies"


def test_strings_become_numbers_and_booleans_where_the_schema_wants_them_and_back():
    container = task("""Resources:
  T:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Cpu: 256
      ContainerDefinitions:
        - Name: web
          Image: nginx
          Memory: "512"
          Essential: "false"
          PortMappings: [{ContainerPort: "80", HostPort: "0"}]
          FirelensConfiguration: {Type: fluentbit, Options: {enable-ecs-log-metadata: true}}
""").containers[0]
    assert container.task.get("cpu").value == "256"
    assert (container.int("memory"), container.get("essential").value) == (512, False)
    assert container.at("portMappings", 0, "containerPort").value == 80
    assert container.at("firelensConfiguration", "options", "enable-ecs-log-metadata").value == "true"


@pytest.mark.skipif(not HAS_CFN_LINT, reason="needs cfn-lint (the test extra pins it)")
def test_generated_schemas_and_names_match_cfn_lint_and_botocore():
    import botocore

    pinned = {line.split("==")[0].strip('" '): line.split("==")[1].strip('", ')
              for line in (ROOT / "pyproject.toml").read_text().split("test = [")[1].split("]")[0].split(",")
              if "==" in line}
    spec = importlib.util.find_spec("cfnlint")
    version_file = (Path(spec.submodule_search_locations[0]) / "version.py").read_text()
    version = re.search(r'__version__ = "([^"]+)"', version_file).group(1)
    if version != pinned["cfn-lint"] or botocore.__version__ != pinned["botocore"]:
        pytest.skip(f"cfn-lint {version} / botocore {botocore.__version__} are not the pinned versions")
    proc = subprocess.run([sys.executable, "scripts/generate_cfn_schemas.py", "--check"], cwd=ROOT,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


# --- Functions ------------------------------------------------------------------------------------------------------

def test_parameter_defaults_are_checked_and_given_values_win():
    head = "Parameters:\n  TaskCpu: {Type: String, Default: 256}\n  TaskMemory: {Type: String, Default: '4096'}\n"
    text = fargate("!Ref TaskCpu", "!Ref TaskMemory", head)
    assert rules(text) == [("ECS202", 11)]
    assert rules(text, parameters={"TaskMemory": "1024"}) == []


def test_unknowns_never_raise_an_alarm():
    head = ("Parameters:\n  TaskCpu: {Type: String}\n"
            "Conditions:\n  Big: !Equals [!Ref AWS::Region, us-east-1]\n")
    for cpu, memory in (("!Ref TaskCpu", '"4096"'), ('"256"', "!ImportValue shared-memory"),
                        ('"256"', '!Sub "${AWS::StackName}"'), ('!GetAtt Other.Cpu', '"4096"'),
                        ('"256"', "!FindInMap [Sizes, !Ref AWS::Region, Memory]"),
                        ('"256"', "!Select [0, !GetAZs '']")):
        other = "  Other:\n    Type: Custom::Sizes\n"  # (what GetAtt reads: a resource of the template)
        assert rules(fargate(cpu, memory, head) + other) == [], (cpu, memory)


def test_sub_join_select_split_and_find_in_map_resolve_what_they_can():
    found = task("""Parameters:
  App: {Type: String, Default: shop}
  Sizes: {Type: CommaDelimitedList, Default: "256,512"}
Mappings:
  Env: {prod: {Memory: "1024"}}
Resources:
  T:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: !Sub "${App}-web"
      TaskRoleArn: !Sub ["arn:aws:iam::${Account}:role/${App}", {Account: !Ref AWS::AccountId}]
      ExecutionRoleArn: !Join ["", ["arn:aws:iam::123456789012:role/", !Ref App, "-exec"]]
      Cpu: !Select [1, !Ref Sizes]
      Memory: !FindInMap [Env, prod, Memory]
      PidMode: !Select [0, !Split [",", "task,host"]]
      IpcMode: !FindInMap [Env, dev, Ipc, {DefaultValue: none}]
      ContainerDefinitions: [{Name: web, Image: !Sub "${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/web"}]
""")
    assert found.family == "shop-web"
    assert found.str("taskRoleArn") == "arn:aws:iam::${AWS::AccountId}:role/shop"
    assert found.str("executionRoleArn") == "arn:aws:iam::123456789012:role/shop-exec"
    assert (found.str("cpu"), found.str("memory"), found.str("pidMode"), found.str("ipcMode")) == \
        ("512", "1024", "task", "none")
    assert found.containers[0].image == "${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/web"


def test_no_value_removes_a_property_or_an_item():
    found = task("""Resources:
  T:
    Type: AWS::ECS::TaskDefinition
    Properties:
      TaskRoleArn: !Ref AWS::NoValue
      ContainerDefinitions:
        - Name: web
          Image: nginx
          Links: [db, !Ref AWS::NoValue]
""")
    assert found.get("taskRoleArn") is None
    assert [n.value for n in found.containers[0].list("links")] == ["db"]


def test_each_branch_of_an_if_is_checked_and_says_when():
    text = """Parameters:
  Env: {Type: String, AllowedValues: [dev, prod]}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDev: !Not [!Condition IsProd]
""" + FARGATE_TASK.format(cpu="!If [IsProd, 1024, 256]", memory='"512"')
    [finding] = lint_text(text, "yaml").findings
    assert (finding.rule, finding.line) == ("ECS202", 13)
    assert finding.message.startswith("When condition IsProd is true: Memory '512' of TaskDefinition 'WebTask'")
    assert lint_text(text, "yaml").findings == lint_text(text, "yaml").findings
    assert rules(text, parameters={"Env": "dev"}) == []


def test_a_resource_that_its_condition_does_not_create_is_not_checked():
    text = """Parameters:
  LaunchType: {Type: String, AllowedValues: [FARGATE, EC2]}
Conditions:
  Fargate: !Equals [!Ref LaunchType, FARGATE]
  Ec2: !Equals [!Ref LaunchType, EC2]
Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      RequiresCompatibilities: [!If [Fargate, FARGATE, EC2]]
      NetworkMode: !If [Fargate, awsvpc, bridge]
      Cpu: "256"
      Memory: "512"
      ContainerDefinitions: [{Name: web, Image: nginx, Memory: 256}]
  Ec2Service:
    Type: AWS::ECS::Service
    Condition: Ec2
    Properties:
      TaskDefinition: !Ref Task
      LaunchType: EC2
"""
    assert [f.rule for f in lint_text(text, "yaml").findings if f.rule in ("ECS404", "ECS405", "ECS201")] == []


# --- Parameters -----------------------------------------------------------------------------------------------------

def test_parameter_files_in_every_shape(tmp_path):
    (tmp_path / "create.json").write_text(json.dumps([{"ParameterKey": "A", "ParameterValue": "1"},
                                                      {"ParameterKey": "B", "UsePreviousValue": True}]))
    (tmp_path / "deploy.json").write_text(json.dumps(["C=3", "D=x=y"]))
    (tmp_path / "copilot.json").write_text(json.dumps({"Parameters": {"E": 5, "F": True, "G": ["a", "b"]}}))
    (tmp_path / "plain.yaml").write_text("H: h\n")
    values = read_parameters(["create.json", "deploy.json", "copilot.json", "plain.yaml", "A=9"], tmp_path)
    assert values == {"A": "9", "C": "3", "D": "x=y", "E": "5", "F": "true", "G": "a,b", "H": "h"}
    for bad, words in (("missing.json", "not found"), ("=1", "no name")):
        with pytest.raises(ParameterError, match=words):
            read_parameters([bad], tmp_path)
    (tmp_path / "broken.json").write_text("[{")
    with pytest.raises(ParameterError, match="cannot read"):
        read_parameters(["broken.json"], tmp_path)


def test_parameters_from_the_command_line_and_the_configuration(tmp_path):
    from test_cli import run, write

    head = "Parameters:\n  TaskMemory: {Type: String}\n"
    write(tmp_path, "t.yaml", fargate('"256"', "!Ref TaskMemory", head))
    assert run(["check", "t.yaml"], tmp_path).exit_code == 0
    assert run(["check", "--parameters", "TaskMemory=4096", "t.yaml"], tmp_path).exit_code == 1
    write(tmp_path, "params/prod.json", '[{"ParameterKey": "TaskMemory", "ParameterValue": "4096"}]')
    write(tmp_path, ".ecslint.yaml", "parameters: [params/prod.json]\n")
    assert run(["check", "t.yaml"], tmp_path).exit_code == 1
    assert run(["check", "--parameters", "TaskMemory=512", "t.yaml"], tmp_path).exit_code == 0
    write(tmp_path, ".ecslint.yaml", "parameters: [params/nope.json]\n")
    result = run(["check", "t.yaml"], tmp_path)
    assert result.exit_code == 2 and "parameter file not found" in result.stderr


# --- Links and labels -----------------------------------------------------------------------------------------------

def test_a_json_service_links_to_a_task_definition_in_a_template():
    service = {"serviceName": "web", "taskDefinition": "web", "launchType": "FARGATE"}
    template = fargate('"256"', '"512"').replace("RequiresCompatibilities", "Family: web\n      RequiresCompatibilities")
    result = lint_inputs([Input("service.json", json.dumps(service).encode()), Input("stack.yaml", template.encode())])
    [finding] = findings_of(result, "ECS404")
    assert finding.path == "service.json" and "its TaskDefinition 'WebTask' uses the awsvpc" in finding.message


def test_labels_name_the_logical_id_and_the_cdk_path():
    found = task("""Resources:
  WebTaskDefABC123:
    Type: AWS::ECS::TaskDefinition
    Metadata: {aws:cdk:path: Stack/Web/TaskDef/Resource}
    Properties:
      ContainerDefinitions: [{Name: web, Image: nginx}]
""")
    assert found.label == "TaskDefinition 'WebTaskDefABC123' (Stack/Web/TaskDef)"
    assert found.containers[0].label == "container 'web'"


# --- Suppression ----------------------------------------------------------------------------------------------------

def test_metadata_suppressions_per_resource_and_template_with_cfn_lint_ids():
    text = fargate('"256"', '"4096"').replace("    Properties:", "    Metadata: {cfn-lint: {config: {ignore_checks: "
                                                                     "[E3047]}}}\n    Properties:", 1)
    assert rules(text) == []
    assert rules(fargate('"256"', '"4096"').replace("Resources:", "Metadata:\n  ecslint:\n    ignore: [ECS202]\n"
                                                                    "Resources:", 1)) == []
    assert rules(fargate('"256"', '"4096"')) == [("ECS202", 8)]


# --- cfn-lint -------------------------------------------------------------------------------------------------------

@pytest.mark.skipif(not HAS_CFN_LINT, reason="needs cfn-lint: pip install 'ecslint[cfn-lint]'")
def test_cfn_lint_runs_ecslint_rules_with_append_rules(tmp_path):
    (tmp_path / "t.yaml").write_text(fargate('"256"', '"4096"').replace("NetworkMode: awsvpc", "NetworkMode: bridge"))
    cfn_lint = Path(sys.executable).parent / "cfn-lint"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([str(cfn_lint) if cfn_lint.exists() else "cfn-lint", "--append-rules",
                           "ecslint.integrations.cfn_lint", "--format", "json", "--", "t.yaml"],
                          cwd=tmp_path, capture_output=True, text=True, env=env, timeout=300)
    found = {(m["Rule"]["Id"], m["Location"]["Start"]["LineNumber"]) for m in json.loads(proc.stdout)}
    assert {("E9201", 6), ("E9202", 8)} <= found, proc.stderr[-2000:]


@pytest.mark.skipif(not HAS_CFN_LINT, reason="needs cfn-lint: pip install 'ecslint[cfn-lint]'")
def test_with_cfn_lint_merges_its_findings_once(tmp_path):
    from test_cli import run, write

    write(tmp_path, "t.yaml", fargate('"256"', '"4096"').replace("Image: nginx:1.27", "Image: nginx:1.27\n          Memroy: 1"))
    result = run(["check", "--with-cfn-lint", "-f", "sarif", "t.yaml"], tmp_path)
    sarif = json.loads(result.stdout)["runs"][0]
    found = sorted((r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in sarif["results"])
    assert ("ECS202", 8) in found and ("ECS116", 12) in found
    assert not [rule for rule, _ in found if rule in ("E3047", "E3002")], "the same problem is shown once"
    assert {r["id"] for r in sarif["tool"]["driver"]["rules"]} >= {rule for rule, _ in found}


def test_with_cfn_lint_without_cfn_lint_is_a_clear_error(tmp_path, monkeypatch):
    from test_cli import run, write

    monkeypatch.setitem(sys.modules, "ecslint.integrations.cfn_lint", None)
    write(tmp_path, "t.yaml", fargate('"256"', '"512"'))
    result = run(["check", "--with-cfn-lint", "t.yaml"], tmp_path)
    assert result.exit_code == 2 and "pip install 'ecslint[cfn-lint]'" in result.stderr


def test_a_member_in_the_wrong_case_is_unknown_and_read_as_nothing():
    """CloudFormation rejects ``EfsVolumeConfiguration`` (ECS116); no rule reads it as the EFS settings
    (ECS601 would otherwise miss the ``TransitEncryption`` written under it)."""
    template = """Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions: [{Name: app, Image: app:1, Memory: 512}]
      Volumes:
        - Name: data
          EfsVolumeConfiguration: {FileSystemId: fs-1234, TransitEncryption: ENABLED}
"""
    result = lint_text(template, "yaml", name="template.yaml")
    assert [(f.rule, f.line) for f in result.findings if f.rule in ("ECS116", "ECS601")] == [("ECS116", 8)]


# --- What references may name, defaults, scalable targets ------------------------------------------------------

def _declared(text: str):
    return {o.resource.declared for o in objects(text)}


def test_a_template_declares_its_resources_and_parameters_and_sam_the_names_it_makes():
    [declared] = _declared("""Parameters:
  Env: {Type: String}
Resources:
  Cluster: {Type: AWS::ECS::Cluster}
  Fn: {Type: AWS::Serverless::Function}
Transform: AWS::Serverless-2016-10-31
""")
    assert declared.value("Env") and declared.value("Cluster") and declared.value("AWS::Region")
    assert declared.resource("FnRole") and declared.resource("ServerlessRestApi")
    assert not declared.resource("Env") and not declared.value("Missing")


@pytest.mark.parametrize("text", [
    "Transform: AWS::LanguageExtensions\nResources:\n  Cluster: {Type: AWS::ECS::Cluster}\n",
    "Resources:\n  Cluster: {Type: AWS::ECS::Cluster}\n  Fn::Transform: {Name: AWS::Include}\n",
    "Cluster:\n  Type: AWS::ECS::Cluster\n",  # a fragment (a Copilot override)
])
def test_what_a_macro_or_another_template_may_declare_is_not_known(text):
    assert _declared(text) == {None}


def test_a_scalable_target_is_modeled_and_a_template_service_starts_with_one_task():
    found = objects("""Resources:
  Service: {Type: AWS::ECS::Service, Properties: {Cluster: prod, TaskDefinition: web:1}}
  Target:
    Type: AWS::ApplicationAutoScaling::ScalableTarget
    Properties: {MinCapacity: "1", MaxCapacity: 4, ResourceId: !Sub "service/prod/${Service.Name}"}
""")
    service, target = sorted(found, key=lambda o: o.resource.logical_id)
    assert type(target).__name__ == "ScalableTarget" and target.int("MinCapacity") == 1
    assert target.str("ResourceId") == "service/prod/${Service.Name}"
    assert service.source.naming.default(service, "desiredCount") == 1


def test_a_finding_about_what_is_written_holds_whatever_the_conditions():
    text = """Parameters:
  Env: {Type: String, AllowedValues: [prod, dev]}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  WebService:
    Type: AWS::ECS::Service
    Condition: IsProd
    Properties: {Cluster: !Ref Missing, TaskDefinition: web:1, DesiredCount: !If [IsProd, 0, 1]}
"""
    found = lint_text(text, "yaml", select=["ECS130", "ECS902"]).findings
    assert [(f.rule, f.message.startswith("When")) for f in found] == [("ECS130", False), ("ECS902", True)]
