"""The AWS resources around ECS that the graph links to: IAM roles, instance profiles and
policies; load balancers, target groups, listeners and their rules; EFS file systems, mount
targets and access points; launch templates and configurations, Auto Scaling groups and
instances; security groups and their rules; the scalable targets that scale services.

Their canonical spelling is their own AWS API's (PascalCase, as CloudFormation writes them:
``AssumeRolePolicyDocument``, ``TargetType``, ``FileSystemId``); adapters of other formats
translate into it.
"""

from __future__ import annotations

from dataclasses import dataclass

from ecslint.model.base import ModelObject


@dataclass(eq=False)
class Role(ModelObject):
    """An IAM role: a task role, an execution role, a container instance role, a service role..."""


@dataclass(eq=False)
class InstanceProfile(ModelObject):
    """An EC2 instance profile: what EC2 instances carry to assume a role."""


@dataclass(eq=False)
class Policy(ModelObject):
    """An IAM policy attached to roles: inline (``AWS::IAM::Policy``, ``RolePolicy``) or managed."""


@dataclass(eq=False)
class LoadBalancer(ModelObject):
    """A load balancer: Classic (``AWS::ElasticLoadBalancing::LoadBalancer``) or an Application,
    Network or Gateway Load Balancer; ``classic`` tells which."""

    classic: bool = False


@dataclass(eq=False)
class TargetGroup(ModelObject):
    """An Elastic Load Balancing target group."""


@dataclass(eq=False)
class Listener(ModelObject):
    """A listener of an Application or Network Load Balancer."""


@dataclass(eq=False)
class ListenerRule(ModelObject):
    """A rule of a listener."""


@dataclass(eq=False)
class FileSystem(ModelObject):
    """An EFS file system."""


@dataclass(eq=False)
class MountTarget(ModelObject):
    """An EFS mount target: where a file system can be mounted from, in one subnet."""


@dataclass(eq=False)
class AccessPoint(ModelObject):
    """An EFS access point."""


@dataclass(eq=False)
class LaunchTemplate(ModelObject):
    """An EC2 launch template (container instances of a cluster)."""


@dataclass(eq=False)
class LaunchConfiguration(ModelObject):
    """An Auto Scaling launch configuration (container instances of a cluster)."""


@dataclass(eq=False)
class AutoScalingGroup(ModelObject):
    """An Auto Scaling group (container instances of a cluster, or of a capacity provider)."""


@dataclass(eq=False)
class Instance(ModelObject):
    """An EC2 instance."""


@dataclass(eq=False)
class SecurityGroup(ModelObject):
    """An EC2 security group."""


@dataclass(eq=False)
class SecurityGroupRule(ModelObject):
    """An ingress or egress rule given apart from its security group; ``egress`` tells which."""

    egress: bool = False


@dataclass(eq=False)
class Subnet(ModelObject):
    """A VPC subnet: where its Availability Zone is known, tasks and mount targets in it are in that zone."""


@dataclass(eq=False)
class ScalableTarget(ModelObject):
    """An Application Auto Scaling scalable target: what scales a service's desired count (its
    ``ResourceId`` is ``service/<cluster>/<service>``) between ``MinCapacity`` and ``MaxCapacity``."""


AWS_KINDS = (Role, InstanceProfile, Policy, LoadBalancer, TargetGroup, Listener, ListenerRule, FileSystem,
             MountTarget, AccessPoint, LaunchTemplate, LaunchConfiguration, AutoScalingGroup, Instance,
             SecurityGroup, SecurityGroupRule, Subnet, ScalableTarget)
