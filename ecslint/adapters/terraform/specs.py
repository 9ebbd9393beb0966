"""Which Terraform resource is which model object, and how each of its arguments and nested blocks
is spelled in CloudFormation's words (from which :func:`~ecslint.adapters.cloudformation.names.canonical`
makes the model's spelling, as it does for templates).

A spec maps an argument or block name to a :class:`Field`: the CloudFormation property path it
becomes (dotted when Terraform flattens a nested property, ``deployment_maximum_percent`` is
``DeploymentConfiguration.MaximumPercent``; empty when a block's arguments belong to the resource
itself, as a target group's ``health_check``), the spec of a block's own arguments, whether a block
may repeat (a list), and how a value is converted. Arguments not listed are not modeled.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    cfn: str
    spec: dict[str, Field] | None = None  # a nested block's arguments
    many: bool = False  # a block that repeats: a list of objects
    convert: str | None = None  # see mapping.CONVERTERS


Spec = dict[str, Field]


def _pascal(name: str) -> str:
    return "".join(word[:1].upper() + word[1:] for word in name.split("_"))


def spec(names: str = "", **special: Field | str) -> Spec:
    """Arguments named as CloudFormation's properties are (``task_role_arn`` is ``TaskRoleArn``), and
    the others: a property name, or a :class:`Field`."""
    fields = {name: Field(_pascal(name)) for name in names.split()}
    fields.update({name: Field(value) if isinstance(value, str) else value for name, value in special.items()})
    return fields


def block(cfn: str, fields: Spec, many: bool = False) -> Field:
    return Field(cfn, fields, many)


JSON = "json"  # a JSON document given as text or jsonencode(...)
TAGS = Field("Tags", convert="tags")  # a map of tags, as a list of {Key, Value}
CONTAINERS = "containers"  # container definitions: a JSON document whose keys the provider reads in any case

STRATEGY = spec("capacity_provider weight base")
LOG_CONFIGURATION = spec("log_driver", options=Field("Options"), secret_option=block("SecretOptions",
                                                                                    spec("name value_from"), True))

VOLUME = spec(
    "name", host_path="Host.SourcePath", configure_at_launch="ConfiguredAtLaunch",
    docker_volume_configuration=block("DockerVolumeConfiguration",
                                      spec("scope autoprovision driver driver_opts labels")),
    efs_volume_configuration=block("EFSVolumeConfiguration", spec(
        "root_directory transit_encryption transit_encryption_port", file_system_id="FilesystemId",
        authorization_config=block("AuthorizationConfig", spec(access_point_id="AccessPointId", iam="IAM")))),
    fsx_windows_file_server_volume_configuration=block("FSxWindowsFileServerVolumeConfiguration", spec(
        "file_system_id root_directory",
        authorization_config=block("AuthorizationConfig", spec("credentials_parameter domain")))),
)

TASK_DEFINITION = spec(
    "family cpu memory network_mode ipc_mode pid_mode task_role_arn execution_role_arn requires_compatibilities",
    container_definitions=Field("ContainerDefinitions", convert=CONTAINERS),
    volume=block("Volumes", VOLUME, many=True),
    placement_constraints=block("PlacementConstraints", spec("type expression"), many=True),
    proxy_configuration=block("ProxyConfiguration", spec(
        "type container_name", properties=Field("ProxyConfigurationProperties", convert="pairs"))),
    runtime_platform=block("RuntimePlatform", spec("operating_system_family cpu_architecture")),
    ephemeral_storage=block("EphemeralStorage", spec(size_in_gib="SizeInGiB")),
    inference_accelerator=block("InferenceAccelerators", spec("device_name device_type"), many=True),
    tags=TAGS,
)

SERVICE = spec(
    "cluster task_definition desired_count launch_type platform_version scheduling_strategy "
    "health_check_grace_period_seconds enable_execute_command propagate_tags force_new_deployment "
    "availability_zone_rebalancing",
    name="ServiceName", iam_role="Role", enable_ecs_managed_tags="EnableECSManagedTags", tags=TAGS,
    deployment_maximum_percent="DeploymentConfiguration.MaximumPercent",
    deployment_minimum_healthy_percent="DeploymentConfiguration.MinimumHealthyPercent",
    deployment_circuit_breaker=block("DeploymentConfiguration.DeploymentCircuitBreaker", spec("enable rollback")),
    alarms=block("DeploymentConfiguration.Alarms", spec("alarm_names enable rollback")),
    deployment_controller=block("DeploymentController", spec("type")),
    load_balancer=block("LoadBalancers", spec("target_group_arn container_name container_port",
                                              elb_name="LoadBalancerName"), many=True),
    network_configuration=block("NetworkConfiguration.AwsvpcConfiguration", spec(
        "subnets security_groups", assign_public_ip=Field("AssignPublicIp", convert="enabled"))),
    ordered_placement_strategy=block("PlacementStrategies", spec("type field"), many=True),
    placement_constraints=block("PlacementConstraints", spec("type expression"), many=True),
    service_registries=block("ServiceRegistries", spec("registry_arn port container_port container_name"),
                             many=True),
    capacity_provider_strategy=block("CapacityProviderStrategy", STRATEGY, many=True),
    vpc_lattice_configurations=block("VpcLatticeConfigurations", spec("role_arn target_group_arn port_name"),
                                     many=True),
    service_connect_configuration=block("ServiceConnectConfiguration", spec(
        "enabled namespace", log_configuration=block("LogConfiguration", LOG_CONFIGURATION),
        service=block("Services", spec(
            "port_name discovery_name ingress_port_override",
            client_alias=block("ClientAliases", spec("port dns_name"), many=True)), many=True))),
    volume_configuration=block("VolumeConfigurations", spec(
        "name", managed_ebs_volume=block("ManagedEBSVolume", spec(
            "role_arn encrypted kms_key_id volume_type snapshot_id iops throughput",
            size_in_gb="SizeInGiB", file_system_type="FilesystemType"))), many=True),
)

CLUSTER = spec(
    "capacity_providers", name="ClusterName", tags=TAGS,
    setting=block("ClusterSettings", spec("name value"), many=True),
    configuration=block("Configuration", spec(
        execute_command_configuration=block("ExecuteCommandConfiguration", spec(
            "kms_key_id logging", log_configuration=block("LogConfiguration", spec(
                "cloud_watch_encryption_enabled cloud_watch_log_group_name s3_bucket_name s3_key_prefix",
                s3_bucket_encryption_enabled="S3EncryptionEnabled")))),
        managed_storage_configuration=block("ManagedStorageConfiguration", spec(
            "kms_key_id fargate_ephemeral_storage_kms_key_id")))),
    service_connect_defaults=block("ServiceConnectDefaults", spec("namespace")),
    default_capacity_provider_strategy=block("DefaultCapacityProviderStrategy", STRATEGY, many=True),
)

CAPACITY_PROVIDER = spec("name", auto_scaling_group_provider=block("AutoScalingGroupProvider", spec(
    "auto_scaling_group_arn managed_termination_protection managed_draining",
    managed_scaling=block("ManagedScaling", spec(
        "status target_capacity minimum_scaling_step_size maximum_scaling_step_size instance_warmup_period")))))

CLUSTER_CAPACITY_PROVIDERS = spec(
    "capacity_providers", cluster_name="Cluster",
    default_capacity_provider_strategy=block("DefaultCapacityProviderStrategy", STRATEGY, many=True))

ROLE = spec(
    "path permissions_boundary max_session_duration description managed_policy_arns", name="RoleName",
    assume_role_policy=Field("AssumeRolePolicyDocument", convert=JSON),
    inline_policy=block("Policies", spec(name="PolicyName", policy=Field("PolicyDocument", convert=JSON)), many=True),
)
INSTANCE_PROFILE = spec("path", name="InstanceProfileName", role=Field("Roles", convert="list"))
ROLE_POLICY = spec(name="PolicyName", role="RoleName", policy=Field("PolicyDocument", convert=JSON))
MANAGED_POLICY = spec("path description", name="ManagedPolicyName", policy=Field("PolicyDocument", convert=JSON))

LOAD_BALANCER = spec(
    "name subnets security_groups ip_address_type", load_balancer_type="Type",
    internal=Field("Scheme", convert="scheme"),
    subnet_mapping=block("SubnetMappings", spec("subnet_id allocation_id"), many=True),
)
CLASSIC_LOAD_BALANCER = spec(
    "subnets security_groups instances", name="LoadBalancerName", internal=Field("Scheme", convert="scheme"),
    listener=block("Listeners", spec("instance_port instance_protocol", lb_port="LoadBalancerPort",
                                     lb_protocol="Protocol", ssl_certificate_id="SSLCertificateId"), many=True),
    health_check=block("HealthCheck", spec("target interval timeout healthy_threshold unhealthy_threshold")),
)
TARGET_GROUP = spec(
    "name port protocol protocol_version target_type vpc_id",
    health_check=block("", spec(
        enabled="HealthCheckEnabled", path="HealthCheckPath", port="HealthCheckPort", protocol="HealthCheckProtocol",
        interval="HealthCheckIntervalSeconds", timeout="HealthCheckTimeoutSeconds",
        healthy_threshold="HealthyThresholdCount", unhealthy_threshold="UnhealthyThresholdCount",
        matcher="Matcher.HttpCode")),
)
ACTION = spec(
    "type target_group_arn order",
    forward=block("ForwardConfig", spec(
        target_group=block("TargetGroups", spec(arn="TargetGroupArn", weight="Weight"), many=True),
        stickiness=block("TargetGroupStickinessConfig", spec("enabled", duration="DurationSeconds")))),
    redirect=block("RedirectConfig", spec("host path port protocol query status_code")),
    fixed_response=block("FixedResponseConfig", spec("content_type message_body status_code")),
)
LISTENER = spec("load_balancer_arn port protocol ssl_policy",
                default_action=block("DefaultActions", ACTION, many=True))
LISTENER_RULE = spec(
    "listener_arn priority", action=block("Actions", ACTION, many=True),
    condition=block("Conditions", spec(path_pattern=block("PathPatternConfig", spec("values")),
                                       host_header=block("HostHeaderConfig", spec("values"))), many=True),
)

FILE_SYSTEM = spec(
    "encrypted kms_key_id performance_mode throughput_mode provisioned_throughput_in_mibps availability_zone_name",
    lifecycle_policy=block("LifecyclePolicies", spec(
        "transition_to_primary_storage_class transition_to_archive", transition_to_ia="TransitionToIA"), many=True),
)
MOUNT_TARGET = spec("file_system_id subnet_id security_groups ip_address")
ACCESS_POINT = spec(
    "file_system_id", posix_user=block("PosixUser", spec("uid gid secondary_gids")),
    root_directory=block("RootDirectory", spec("path", creation_info=block("CreationInfo", spec(
        "owner_uid owner_gid permissions")))),
)

METADATA_OPTIONS = spec("http_endpoint http_tokens http_put_response_hop_limit")
LAUNCH_TEMPLATE = spec(
    name="LaunchTemplateName", image_id="LaunchTemplateData.ImageId", instance_type="LaunchTemplateData.InstanceType",
    user_data=Field("LaunchTemplateData.UserData", convert="base64"), key_name="LaunchTemplateData.KeyName",
    vpc_security_group_ids="LaunchTemplateData.SecurityGroupIds",
    iam_instance_profile=block("LaunchTemplateData.IamInstanceProfile", spec("name arn")),
    metadata_options=block("LaunchTemplateData.MetadataOptions", METADATA_OPTIONS),
    network_interfaces=block("LaunchTemplateData.NetworkInterfaces", spec(
        "associate_public_ip_address subnet_id device_index", security_groups="Groups"), many=True),
)
USER_DATA = Field("UserData", convert="base64")  # its text, however it is given
LAUNCH_CONFIGURATION = spec(
    "image_id instance_type key_name security_groups associate_public_ip_address iam_instance_profile",
    name="LaunchConfigurationName", metadata_options=block("MetadataOptions", METADATA_OPTIONS),
    user_data=USER_DATA, user_data_base64=USER_DATA,
)
AUTO_SCALING_GROUP = spec(
    "min_size max_size desired_capacity health_check_type health_check_grace_period",
    name="AutoScalingGroupName", vpc_zone_identifier="VPCZoneIdentifier",
    launch_configuration="LaunchConfigurationName", protect_from_scale_in="NewInstancesProtectedFromScaleIn",
    launch_template=block("LaunchTemplate", spec("version", id="LaunchTemplateId", name="LaunchTemplateName")),
    mixed_instances_policy=block("MixedInstancesPolicy", spec(launch_template=block("LaunchTemplate", spec(
        launch_template_specification=block("LaunchTemplateSpecification", spec(
            "launch_template_id launch_template_name version")),
        override=block("Overrides", spec("instance_type weighted_capacity"), many=True))))),
    tag=block("Tags", spec("key value propagate_at_launch"), many=True),
)
INSTANCE = spec(
    "instance_type key_name subnet_id iam_instance_profile", ami="ImageId", user_data=USER_DATA,
    user_data_base64=USER_DATA,
    vpc_security_group_ids="SecurityGroupIds", metadata_options=block("MetadataOptions", METADATA_OPTIONS),
)

_RULE = spec("from_port to_port description", protocol="IpProtocol")
SECURITY_GROUP = spec(
    "vpc_id", name="GroupName", description="GroupDescription",
    ingress=Field("SecurityGroupIngress", _RULE, many=True, convert="ingress"),
    egress=Field("SecurityGroupEgress", _RULE, many=True, convert="egress"),
)
SECURITY_GROUP_RULE = spec("from_port to_port description", security_group_id="GroupId", protocol="IpProtocol")
VPC_INGRESS_RULE = spec(
    "from_port to_port description", security_group_id="GroupId", ip_protocol="IpProtocol", cidr_ipv4="CidrIp",
    cidr_ipv6="CidrIpv6", referenced_security_group_id="SourceSecurityGroupId")
VPC_EGRESS_RULE = {**VPC_INGRESS_RULE, **spec(referenced_security_group_id="DestinationSecurityGroupId")}

SCALABLE_TARGET = spec("min_capacity max_capacity resource_id scalable_dimension service_namespace")

SUBNET = spec("availability_zone availability_zone_id vpc_id cidr_block map_public_ip_on_launch")

# Terraform resource type -> (the CloudFormation type it is modeled as, its spec)
RESOURCES: dict[str, tuple[str, Spec]] = {
    "aws_ecs_task_definition": ("AWS::ECS::TaskDefinition", TASK_DEFINITION),
    "aws_ecs_service": ("AWS::ECS::Service", SERVICE),
    "aws_ecs_cluster": ("AWS::ECS::Cluster", CLUSTER),
    "aws_ecs_capacity_provider": ("AWS::ECS::CapacityProvider", CAPACITY_PROVIDER),
    "aws_ecs_cluster_capacity_providers": ("AWS::ECS::ClusterCapacityProviderAssociations",
                                           CLUSTER_CAPACITY_PROVIDERS),
    "aws_iam_role": ("AWS::IAM::Role", ROLE),
    "aws_iam_instance_profile": ("AWS::IAM::InstanceProfile", INSTANCE_PROFILE),
    "aws_iam_role_policy": ("AWS::IAM::RolePolicy", ROLE_POLICY),
    "aws_iam_policy": ("AWS::IAM::ManagedPolicy", MANAGED_POLICY),
    "aws_lb": ("AWS::ElasticLoadBalancingV2::LoadBalancer", LOAD_BALANCER),
    "aws_alb": ("AWS::ElasticLoadBalancingV2::LoadBalancer", LOAD_BALANCER),
    "aws_elb": ("AWS::ElasticLoadBalancing::LoadBalancer", CLASSIC_LOAD_BALANCER),
    "aws_lb_target_group": ("AWS::ElasticLoadBalancingV2::TargetGroup", TARGET_GROUP),
    "aws_alb_target_group": ("AWS::ElasticLoadBalancingV2::TargetGroup", TARGET_GROUP),
    "aws_lb_listener": ("AWS::ElasticLoadBalancingV2::Listener", LISTENER),
    "aws_alb_listener": ("AWS::ElasticLoadBalancingV2::Listener", LISTENER),
    "aws_lb_listener_rule": ("AWS::ElasticLoadBalancingV2::ListenerRule", LISTENER_RULE),
    "aws_alb_listener_rule": ("AWS::ElasticLoadBalancingV2::ListenerRule", LISTENER_RULE),
    "aws_efs_file_system": ("AWS::EFS::FileSystem", FILE_SYSTEM),
    "aws_efs_mount_target": ("AWS::EFS::MountTarget", MOUNT_TARGET),
    "aws_efs_access_point": ("AWS::EFS::AccessPoint", ACCESS_POINT),
    "aws_launch_template": ("AWS::EC2::LaunchTemplate", LAUNCH_TEMPLATE),
    "aws_launch_configuration": ("AWS::AutoScaling::LaunchConfiguration", LAUNCH_CONFIGURATION),
    "aws_autoscaling_group": ("AWS::AutoScaling::AutoScalingGroup", AUTO_SCALING_GROUP),
    "aws_instance": ("AWS::EC2::Instance", INSTANCE),
    "aws_security_group": ("AWS::EC2::SecurityGroup", SECURITY_GROUP),
    "aws_security_group_rule": ("AWS::EC2::SecurityGroupIngress", SECURITY_GROUP_RULE),
    "aws_vpc_security_group_ingress_rule": ("AWS::EC2::SecurityGroupIngress", VPC_INGRESS_RULE),
    "aws_vpc_security_group_egress_rule": ("AWS::EC2::SecurityGroupEgress", VPC_EGRESS_RULE),
    "aws_subnet": ("AWS::EC2::Subnet", SUBNET),
    "aws_appautoscaling_target": ("AWS::ApplicationAutoScaling::ScalableTarget", SCALABLE_TARGET),
}
# Resources whose tags the model reads: their own, with the provider's default_tags (tags_all).
TAGGED = ("aws_ecs_cluster", "aws_ecs_service", "aws_ecs_task_definition")
# Resources that add to another one rather than being model objects of their own.
ATTACHMENTS = ("aws_iam_role_policy_attachment", "aws_iam_policy_attachment")
