"""Template resources to model objects: which type becomes which kind, and what each needs beyond
its properties (a task definition's containers and volumes, a service's ``ForceNewDeployment``)."""

from __future__ import annotations

from typing import Callable

from ecslint.model import (
    AccessPoint,
    AutoScalingGroup,
    CapacityProvider,
    Cluster,
    ClusterCapacityProviderAssociations,
    ContainerDefinition,
    FileSystem,
    Instance,
    InstanceProfile,
    LaunchConfiguration,
    LaunchTemplate,
    Listener,
    ListenerRule,
    LoadBalancer,
    ModelObject,
    MountTarget,
    Policy,
    Resource,
    Role,
    ScalableTarget,
    SecurityGroup,
    SecurityGroupRule,
    Service,
    Subnet,
    Source,
    TargetGroup,
    TaskDefinition,
    TaskSet,
    Volume,
)
from ecslint.tree import Node

Build = Callable[[Node, Source, Resource], ModelObject]


def _task_definition(node: Node, source: Source, resource: Resource) -> TaskDefinition:
    task = TaskDefinition(node, source, resource=resource)
    task.containers = [ContainerDefinition(item, source, task) for item in _maps(node.get("containerDefinitions"))]
    task.volumes = [Volume(item, source, task) for item in _maps(node.get("volumes"))]
    return task


def _service(node: Node, source: Source, resource: Resource) -> Service:
    """A service; CloudFormation's ``ForceNewDeployment`` object is the API's boolean."""
    force = node.get("forceNewDeployment")
    if force is not None and force.is_map and force.get("enableForceNewDeployment") is not None:
        node.value["forceNewDeployment"] = force.get("enableForceNewDeployment")
    return Service(node, source, resource=resource)


def _maps(node: Node | None) -> list[Node]:
    return [item for item in node.elements() if item.is_map] if node is not None else []


def _plain(kind: type[ModelObject], **fields: object) -> Build:
    return lambda node, source, resource: kind(node, source, resource=resource, **fields)


BUILDERS: dict[str, Build] = {
    "AWS::ECS::TaskDefinition": _task_definition,
    "AWS::ECS::Service": _service,
    "AWS::ECS::Cluster": _plain(Cluster),
    "AWS::ECS::CapacityProvider": _plain(CapacityProvider),
    "AWS::ECS::ClusterCapacityProviderAssociations": _plain(ClusterCapacityProviderAssociations),
    "AWS::ECS::TaskSet": _plain(TaskSet),
    "AWS::IAM::Role": _plain(Role),
    "AWS::IAM::InstanceProfile": _plain(InstanceProfile),
    "AWS::IAM::Policy": _plain(Policy),
    "AWS::IAM::ManagedPolicy": _plain(Policy),
    "AWS::IAM::RolePolicy": _plain(Policy),
    "AWS::ElasticLoadBalancing::LoadBalancer": _plain(LoadBalancer, classic=True),
    "AWS::ElasticLoadBalancingV2::LoadBalancer": _plain(LoadBalancer),
    "AWS::ElasticLoadBalancingV2::TargetGroup": _plain(TargetGroup),
    "AWS::ElasticLoadBalancingV2::Listener": _plain(Listener),
    "AWS::ElasticLoadBalancingV2::ListenerRule": _plain(ListenerRule),
    "AWS::EFS::FileSystem": _plain(FileSystem),
    "AWS::EFS::MountTarget": _plain(MountTarget),
    "AWS::EFS::AccessPoint": _plain(AccessPoint),
    "AWS::EC2::LaunchTemplate": _plain(LaunchTemplate),
    "AWS::AutoScaling::LaunchConfiguration": _plain(LaunchConfiguration),
    "AWS::AutoScaling::AutoScalingGroup": _plain(AutoScalingGroup),
    "AWS::EC2::Instance": _plain(Instance),
    "AWS::EC2::SecurityGroup": _plain(SecurityGroup),
    "AWS::EC2::SecurityGroupIngress": _plain(SecurityGroupRule),
    "AWS::EC2::SecurityGroupEgress": _plain(SecurityGroupRule, egress=True),
    "AWS::EC2::Subnet": _plain(Subnet),
    "AWS::ApplicationAutoScaling::ScalableTarget": _plain(ScalableTarget),
}
MODELED_TYPES = frozenset(BUILDERS)
