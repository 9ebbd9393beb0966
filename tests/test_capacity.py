"""Capacity (ECS701-ECS703): reading user data (the text a template's functions give, the cluster
settings in it, the cluster a launch template's, launch configuration's or instance's instances
register with), following Auto Scaling groups, and staying linear on large templates."""

from __future__ import annotations

import json
import time

import pytest

from ecslint.adapters import AdaptOptions, adapt
from ecslint.checks.capacity import (UNKNOWN_PART, cluster_settings, expression_text, joins, registration,
                                     user_data_text)
from ecslint.engine import Input, read_input
from ecslint.link import link
from ecslint.model import Project
from ecslint.model.values import Unresolved
from ecslint.tree import Node
from helpers import findings_of, lint_inputs


def _node(value, tag=None) -> Node:
    return Node(value, 1, 1, 1, 2, tag=tag)


# --- expression_text --------------------------------------------------------------------------------

@pytest.mark.parametrize("value, text", [
    ("#!/bin/bash\necho hi", "#!/bin/bash\necho hi"),
    ({"Fn::Base64": {"Fn::Sub": "echo ECS_CLUSTER=${Cluster} >> f"}}, "echo ECS_CLUSTER=${Cluster} >> f"),
    ({"Fn::Sub": ["ECS_CLUSTER=${Name}-${Env}", {"Name": {"Ref": "Cluster"}}]}, "ECS_CLUSTER=${Cluster}-${Env}"),
    ({"Fn::Sub": "echo ${!HOME} ${AWS::Region}"}, "echo ${!HOME} ${AWS::Region}"),
    ({"Fn::Join": ["", ["ECS_CLUSTER=", {"Ref": "Cluster"}, "\n"]]}, "ECS_CLUSTER=${Cluster}\n"),
    ({"Fn::Join": ["-", [{"Fn::GetAtt": ["Cluster", "Arn"]}, {"Fn::GetAtt": "Role.Arn"}]]},
     "${Cluster.Arn}-${Role.Arn}"),
    ({"Fn::Join": ["", ["a", {"Fn::ImportValue": "x"}]]}, "a" + UNKNOWN_PART),
    ({"Fn::If": ["IsProd", "a", "b"]}, UNKNOWN_PART),
    ({"Fn::Join": ["", {"Fn::Split": [",", "a,b"]}]}, UNKNOWN_PART),
    (Unresolved({"Fn::Base64": "text"}), "text"),
    (["a list"], UNKNOWN_PART),
    (7, UNKNOWN_PART),
])
def test_expression_text(value, text):
    assert expression_text(value) == text


def test_expression_text_is_bounded_in_depth():
    value: object = "ECS_CLUSTER=deep"
    for _ in range(100):
        value = {"Fn::Base64": value}
    assert expression_text(value) == UNKNOWN_PART


def test_sub_without_closing_brace_is_linear():
    template = "${" * 200_000
    start = time.perf_counter()
    assert expression_text({"Fn::Sub": [template, {"A": "b"}]}) == template
    assert time.perf_counter() - start < 1


def test_user_data_text():
    assert user_data_text(None) == ""
    assert user_data_text(_node(None)) == ""
    assert user_data_text(_node("echo hi", tag="!Custom")) is None
    assert user_data_text(_node("x" * 70_000)) is None
    assert user_data_text(_node(Unresolved({"Fn::Base64": {"Fn::Sub": "a ${B}"}}))) == "a ${B}"


# --- cluster_settings -------------------------------------------------------------------------------

@pytest.mark.parametrize("text, settings", [
    ("#!/bin/bash\necho ECS_CLUSTER=prod >> /etc/ecs/ecs.config", [("ECS_CLUSTER", "prod")]),
    ('echo "ECS_CLUSTER=${Cluster}" >> /etc/ecs/ecs.config', [("ECS_CLUSTER", "${Cluster}")]),
    ("cat <<'EOF' >> /etc/ecs/ecs.config\nECS_CLUSTER=prod\nECS_LOGLEVEL=debug\nEOF", [("ECS_CLUSTER", "prod")]),
    ("export ECS_CLUSTER='prod';", [("ECS_CLUSTER", "prod")]),
    ('[Environment]::SetEnvironmentVariable("ECS_CLUSTER", "prod", "Machine")', [("ECS_CLUSTER", "prod")]),
    ("Import-Module ECSTools\nInitialize-ECSAgent -Cluster 'prod' -EnableTaskIAMRole",
     [("Initialize-ECSAgent -Cluster", "prod")]),
    ('[settings.ecs]\ncluster = "prod"\n[settings.kubernetes]\ncluster = "other"', [("settings.ecs.cluster", "prod")]),
    ('[settings]\necs.cluster = "prod"', [("settings.ecs.cluster", "prod")]),
    ('settings.ecs.cluster = "prod"', [("settings.ecs.cluster", "prod")]),
    ("PIPELINE_ECS_CLUSTER=prod\ngrep ECS_CLUSTER /etc/ecs/ecs.config", []),
    ("ECS_CLUSTER=\n", []),
    ("ECS_CLUSTER=$(cat /tmp/name)", [("ECS_CLUSTER", "$(cat")]),
])
def test_cluster_settings(text, settings):
    assert cluster_settings(text) == settings


# --- registration -----------------------------------------------------------------------------------

TEMPLATE = """
Parameters:
  EcsAmi:
    Type: AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>
    Default: /aws/service/ecs/optimized-ami/amazon-linux-2/recommended/image_id
  Name:
    Type: String
Resources:
  Cluster:
    Type: AWS::ECS::Cluster
    Properties:
      ClusterName: orders
  Unnamed:
    Type: AWS::ECS::Cluster
  Launch:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData:
        ImageId: {image}
        UserData: {user_data}
"""


def _launcher(user_data: str, image: str = "ami-0123456789abcdef0"):
    """The launch template of ``TEMPLATE`` with this user data and image, and the project's graph and clusters."""
    text = TEMPLATE.replace("{image}", image).replace("{user_data}", user_data)
    document = read_input(Input("input.cfn.yaml", text.encode()))
    project = Project()
    for obj in adapt(document, AdaptOptions()).objects:
        project.add(obj)
    link(project)
    clusters = {c.resource.logical_id: c for c in project.clusters}
    return project.objects("LaunchTemplate")[0], project.graph, clusters


@pytest.mark.parametrize("user_data, cluster, joined", [
    ("!Base64 {'Fn::Sub': 'echo ECS_CLUSTER=${Cluster} >> /etc/ecs/ecs.config'}", "Cluster", True),
    ("!Base64 {'Fn::Sub': 'echo ECS_CLUSTER=${Cluster.Arn} >> /etc/ecs/ecs.config'}", "Cluster", True),
    ("!Base64 {'Fn::Sub': 'echo ECS_CLUSTER=${Unnamed} >> /etc/ecs/ecs.config'}", "Cluster", False),
    ("!Base64 'echo ECS_CLUSTER=orders >> /etc/ecs/ecs.config'", "Cluster", True),
    ("!Base64 'echo ECS_CLUSTER=arn:aws:ecs:us-east-1:123456789012:cluster/orders >> f'", "Cluster", True),
    ("!Base64 'echo ECS_CLUSTER=order >> /etc/ecs/ecs.config'", "Cluster", False),
    ("!Base64 'echo ECS_CLUSTER=order >> /etc/ecs/ecs.config'", "Unnamed", None),  # CloudFormation names it
    ("!Base64 'echo ECS_CLUSTER=default >> /etc/ecs/ecs.config'", "Unnamed", False),
])
def test_registration_to_a_cluster(user_data, cluster, joined):
    launcher, graph, clusters = _launcher(user_data)
    found = registration(launcher, graph)
    assert found is not None
    assert joins(found, clusters[cluster]) is joined


@pytest.mark.parametrize("user_data", [
    "!Base64 {'Fn::Sub': 'echo ECS_CLUSTER=${Name} >> /etc/ecs/ecs.config'}",  # a parameter without a value
    "!Base64 {'Fn::Sub': 'echo ECS_CLUSTER=${Name}-web >> /etc/ecs/ecs.config'}",
    "!Base64 {'Fn::Join': ['', ['ECS_CLUSTER=', !ImportValue name]]}",
    "!Base64 {'Fn::Join': ['', ['ECS_CLUSTER=orders', !If [IsProd, 'x', 'y']]]}",  # unknown text may say more
    "!Base64 'ECS_CLUSTER=$NAME'",
    '!Base64 "ECS_CLUSTER=orders\\nECS_CLUSTER=other"',
    "!Base64 'yum update -y'",  # not the ECS-optimized AMI: it may have a cluster baked in
    "!Base64 {Ref: Name}",
])
def test_registration_unknown(user_data):
    launcher, graph, _ = _launcher(user_data)
    assert registration(launcher, graph) is None


@pytest.mark.parametrize("user_data, known", [
    ("!Base64 'yum update -y'", True),
    ("!Base64 {'Fn::Sub': 'echo ${AWS::Region} > /tmp/region'}", True),
    ("!Base64 {'Fn::Sub': 'echo ${LogGroup} > /tmp/group'}", False),  # a parameter may hold anything
    ("!Base64 'aws s3 cp s3://bucket/boot.sh - | bash'", False),
    ("!Base64 'curl -s https://example.com/boot.sh | bash'", False),
    ("!Base64 '/opt/aws/bin/cfn-init --resource Launch'", False),
    ("!Base64 'cp /opt/ecs.config /etc/ecs/ecs.config'", False),
])
def test_registration_default_on_the_ecs_optimized_ami(user_data, known):
    launcher, graph, clusters = _launcher(user_data, image="!Ref EcsAmi")
    found = registration(launcher, graph)
    assert (found is not None) is known
    if known:
        assert found.name == "default" and found.implicit
        assert joins(found, clusters["Cluster"]) is False


# --- bounds -----------------------------------------------------------------------------------------

def test_many_services_clusters_and_instances_in_one_template_stay_linear():
    """Every service would look at every instance and association of its file: quadratic."""
    count = 2_000
    resources = {}
    for i in range(count):
        resources[f"Cluster{i}"] = {"Type": "AWS::ECS::Cluster", "Properties": {"ClusterName": f"c{i}"}}
        resources[f"Service{i}"] = {"Type": "AWS::ECS::Service", "Properties": {
            "Cluster": {"Ref": f"Cluster{i}"}, "LaunchType": "EC2", "TaskDefinition": "app:1"}}
        resources[f"Template{i}"] = {"Type": "AWS::EC2::LaunchTemplate", "Properties": {"LaunchTemplateData": {
            "ImageId": "ami-0123456789abcdef0",
            "UserData": {"Fn::Base64": f"#!/bin/bash\necho ECS_CLUSTER=other{i} >> /etc/ecs/ecs.config\n"}}}}
        resources[f"Association{i}"] = {"Type": "AWS::ECS::ClusterCapacityProviderAssociations", "Properties": {
            "Cluster": {"Ref": f"Cluster{i}"}, "CapacityProviders": ["FARGATE"], "DefaultCapacityProviderStrategy": []}}
    start = time.perf_counter()
    result = lint_inputs([Input("big.cfn.json", json.dumps({"Resources": resources}).encode())],
                         select=["ECS701", "ECS702"])
    assert time.perf_counter() - start < 60
    assert not result.internal_errors
    assert len(findings_of(result, "ECS701")) == 500  # the per-file cap: the rest are counted


def test_many_launch_templates_of_one_capacity_provider_stay_linear():
    """Every launch template would look at every launch template of its group: quadratic."""
    count = 2_000
    overrides = [{"LaunchTemplateSpecification": {"LaunchTemplateId": {"Ref": f"Template{i}"}, "Version": "1"}}
                 for i in range(count)]
    resources = {
        "Cluster": {"Type": "AWS::ECS::Cluster", "Properties": {"ClusterName": "c", "CapacityProviders": [
            {"Ref": "Provider"}]}},
        "Provider": {"Type": "AWS::ECS::CapacityProvider", "Properties": {"AutoScalingGroupProvider": {
            "AutoScalingGroupArn": {"Ref": "Group"}}}},
        "Group": {"Type": "AWS::AutoScaling::AutoScalingGroup", "Properties": {"MinSize": "0", "MaxSize": "1",
                  "MixedInstancesPolicy": {"LaunchTemplate": {"Overrides": overrides}}}},
    }
    for i in range(count):
        resources[f"Template{i}"] = {"Type": "AWS::EC2::LaunchTemplate", "Properties": {"LaunchTemplateData": {
            "ImageId": "ami-0123456789abcdef0",
            "UserData": {"Fn::Base64": f"#!/bin/bash\necho ECS_CLUSTER=other{i} >> /etc/ecs/ecs.config\n"}}}}
        resources[f"Association{i}"] = {"Type": "AWS::ECS::ClusterCapacityProviderAssociations", "Properties": {
            "Cluster": {"Ref": "Cluster"}, "CapacityProviders": [{"Ref": "Provider"}],
            "DefaultCapacityProviderStrategy": []}}
    start = time.perf_counter()
    result = lint_inputs([Input("big.cfn.json", json.dumps({"Resources": resources}).encode())],
                         select=["ECS701", "ECS702"])
    assert time.perf_counter() - start < 60
    assert not result.internal_errors
    assert len(findings_of(result, "ECS702")) == 500


# --- what an Auto Scaling group starts --------------------------------------------------------------

GROUP_TEMPLATE = """
Resources:
  Cluster:
    Type: AWS::ECS::Cluster
    Properties:
      ClusterName: api
  Batch:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData:
        ImageId: ami-0123456789abcdef0
        UserData: !Base64 "echo ECS_CLUSTER=batch >> /etc/ecs/ecs.config"
  Service:
    Type: AWS::ECS::Service
    Properties:
      Cluster: !Ref Cluster
      LaunchType: EC2
      TaskDefinition: api:1
"""


@pytest.mark.parametrize("group, fires", [
    ("", True),
    ("LaunchTemplate: {LaunchTemplateId: !Ref Batch, Version: '1'}", True),
    ("MixedInstancesPolicy: {LaunchTemplate: {LaunchTemplateSpecification: {LaunchTemplateId: !Ref Batch}}}", True),
    ("LaunchTemplate: {LaunchTemplateId: !ImportValue shared-template, Version: '1'}", False),
    ("MixedInstancesPolicy: {LaunchTemplate: {LaunchTemplateSpecification: {LaunchTemplateId: !Ref Batch},"
     " Overrides: !ImportValue shared-overrides}}", False),
    ("MixedInstancesPolicy: !ImportValue shared-policy", False),
    ("LaunchConfigurationName: shared-configuration", False),
    ("InstanceId: i-0123456789abcdef0", False),
])
def test_instances_of_a_group_that_cannot_be_followed_may_join_the_cluster(group, fires):
    text = GROUP_TEMPLATE + (f"  Group:\n    Type: AWS::AutoScaling::AutoScalingGroup\n    Properties:\n"
                             f"      MinSize: '1'\n      MaxSize: '2'\n      {group}\n" if group else "")
    result = lint_inputs([Input("input.cfn.yaml", text.encode())], select=["ECS701"])
    assert not result.internal_errors
    assert bool(findings_of(result, "ECS701")) is fires
