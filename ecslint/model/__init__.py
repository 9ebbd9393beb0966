"""The model of the ECS world that rules run on: every input format is adapted into it."""

from ecslint.model.aws import (
                               AccessPoint,
                               AutoScalingGroup,
                               FileSystem,
                               Instance,
                               InstanceProfile,
                               LaunchConfiguration,
                               LaunchTemplate,
                               Listener,
                               ListenerRule,
                               LoadBalancer,
                               MountTarget,
                               Policy,
                               Role,
                               ScalableTarget,
                               SecurityGroup,
                               SecurityGroupRule,
                               Subnet,
                               TargetGroup,
)
from ecslint.model.base import API_NAMING, ByName, Declarations, ModelObject, Naming, Resource, Scenario, Source
from ecslint.model.ecs import (
                               FARGATE,
                               READ_ONLY_TASK_FIELDS,
                               CapacityProvider,
                               Cluster,
                               ClusterCapacityProviderAssociations,
                               ContainerDefinition,
                               Service,
                               TaskDefinition,
                               TaskSet,
                               Volume,
)
from ecslint.model.project import MODEL_KINDS, Project
from ecslint.model.workflow import WorkflowStep
from ecslint.model.values import MAX_PATTERN_INPUT, is_intrinsic, is_templated, literal_str, same_value

__all__ = [
    "API_NAMING", "AccessPoint", "AutoScalingGroup", "ByName", "CapacityProvider", "Cluster",
    "ClusterCapacityProviderAssociations", "ContainerDefinition", "Declarations", "FARGATE", "FileSystem", "Instance",
    "InstanceProfile", "LaunchConfiguration", "LaunchTemplate", "Listener", "ListenerRule", "LoadBalancer",
    "MAX_PATTERN_INPUT", "MODEL_KINDS", "ModelObject", "MountTarget", "Naming", "Policy", "Project",
    "READ_ONLY_TASK_FIELDS", "Resource", "Role", "ScalableTarget", "Scenario", "SecurityGroup", "SecurityGroupRule", "Service",
    "Source", "Subnet", "TargetGroup", "TaskDefinition", "TaskSet", "Volume", "is_intrinsic", "is_templated",
    "WorkflowStep", "literal_str", "same_value",
]
