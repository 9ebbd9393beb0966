"""Operations and hardening of clusters, services and capacity providers: Container Insights, public IP
addresses, pinned Fargate platform versions, ECS Exec logging and its encryption, termination protection of
Auto Scaling group capacity providers, and the tags a configuration requires.

What the scanners (checkov, Trivy, KICS, AWS Config, Security Hub) check about these, read from the model, so
that every input format gets the same answer; each check stays silent on values it cannot know.
"""

from __future__ import annotations

from typing import Iterator

from ecslint.checks.load_balancing import AWSVPC_CONFIGURATION, on_ec2
from ecslint.checks.services import FARGATE_PROVIDERS, is_set, platform_too_old, task_network, version_tuple
from ecslint.findings import Violation
from ecslint.model import (FARGATE, AutoScalingGroup, Cluster, ModelObject, Service, TaskDefinition, TaskSet,
                           is_intrinsic, literal_str)
from ecslint.tree import Node, as_bool, as_str
from ecslint.wording import and_list

# --- ECS615: Container Insights -------------------------------------------------------------------------------

INSIGHTS = "containerInsights"
INSIGHTS_ON = ("enabled", "enhanced")


def _whole_cluster(cluster: Cluster, member: str) -> bool:
    """Whether the cluster is given whole, so that a missing ``member`` is really absent: a template or
    Terraform resource, or a ``create-cluster`` input; not a ``describe-clusters`` cluster (which shows
    settings and configuration only when asked to) nor a ``put-cluster-capacity-providers`` input."""
    if cluster.get(member) is not None or cluster.resource is not None:
        return True
    return _named(cluster, "clusterName") and cluster.get("clusterArn") is None


def _named(obj: ModelObject, member: str) -> bool:
    """Whether the object's name is given: present, and not what an unfilled CLI skeleton leaves unknown
    (whose other members are left to fill in too)."""
    node = obj.get(member)
    return node is not None and not is_intrinsic(node)


def container_insights_disabled(cluster: Cluster, ctx) -> Iterator[Violation]:
    """A cluster should turn Container Insights on (``settings``: containerInsights enabled or enhanced)."""
    if not _whole_cluster(cluster, "settings"):
        return
    settings = cluster.get("settings")
    if settings is not None and settings.value is not None and not settings.is_seq:
        return  # a list a template function or a variable gives
    off = None
    for item in settings.elements() if settings is not None else []:
        name, value = item.get("name"), item.get("value")
        if not item.is_map or (name is not None and literal_str(name) is None):
            return  # a setting whose name is not known may be this one
        if literal_str(name) != INSIGHTS:
            continue
        text = literal_str(value)
        if text is None or text.lower() in INSIGHTS_ON:
            return  # on, or not known
        off = value
    setting = cluster.term("settings")
    advice = (f"add an entry to {setting} with {cluster.term('name', within='settings')} {INSIGHTS} and "
              f"{cluster.term('value', within='settings')} enabled (or enhanced, for per-task and per-container "
              "metrics)")
    why = ("so CloudWatch collects no CPU, memory, network and storage metrics per service and task, nor the "
           "performance log events that diagnose a failing or throttled task (AWS Security Hub ECS.12)")
    if off is not None:
        yield Violation(off, f"{cluster.label} turns Container Insights off ({INSIGHTS}: {off.value}), {why}. Set it "
                             "to enabled (or enhanced, for per-task and per-container metrics).")
        return
    yield Violation(cluster.key("settings"),
                    f"{cluster.label} does not turn on Container Insights, {why}, unless the account's default "
                    f"(put-account-setting-default {INSIGHTS}) does. To fix it, {advice}.")


# --- ECS616: public IP addresses ------------------------------------------------------------------------------

def service_public_ip(obj: Service | TaskSet, ctx) -> Iterator[Violation]:
    """Tasks of a service or task set should not get public IP addresses (on EC2, ECS415 reports it)."""
    node = obj.at(*AWSVPC_CONFIGURATION.split("."), "assignPublicIp")
    network = task_network(obj) if isinstance(obj, Service) else None
    if literal_str(node) != "ENABLED" or (network is not None and network[0] != "awsvpc"):
        return
    if on_ec2(obj, ctx.project.graph):
        return  # AWS rejects it there: ECS415
    control = "ECS.2" if isinstance(obj, Service) else "ECS.16"
    name = obj.term(f"{AWSVPC_CONFIGURATION}.assignPublicIp")
    yield Violation(node, f"{name} of {obj.label} gives each task a public IP address, so the tasks can be reached "
                          "from the internet wherever their security groups let traffic in, and the security groups "
                          f"are the only thing between them and it (AWS Security Hub {control}). Run the tasks in "
                          f"private subnets with {name} DISABLED, reach the internet through a NAT gateway (or VPC "
                          "endpoints for ECR, CloudWatch Logs and Secrets Manager), and take inbound traffic "
                          "through a load balancer.")


# --- ECS617: pinned Fargate platform version ------------------------------------------------------------------

LATEST = "LATEST"
WINDOWS_LATEST = (1, 0, 0)  # the only Fargate Windows platform version


def _beside_fargate(service: Service) -> bool:
    """Whether the service is known to run elsewhere than on Fargate: a launch type other than FARGATE, or a
    strategy whose capacity providers are all named and none is FARGATE or FARGATE_SPOT. (A platform version
    is for Fargate only, so a service that sets one and says no more is taken to run there.)"""
    launch = literal_str(service.get("launchType"))
    if launch is not None:
        return launch != FARGATE
    items = service.list("capacityProviderStrategy")
    names = [literal_str(item.get("capacityProvider")) for item in items]
    return bool(names) and all(name is not None and name not in FARGATE_PROVIDERS for name in names)


def fargate_platform_version_not_latest(service: Service, ctx) -> Iterator[Violation]:
    """A Fargate service should run on the LATEST platform version (or, with the ``minimum-version`` option,
    on one at least that recent)."""
    node = service.get("platformVersion")
    text = literal_str(node)
    if text is None or text.upper() == LATEST or _beside_fargate(service):
        return
    version = version_tuple(text)
    if version is None or platform_too_old(service):
        return  # not a version number, or too old for the task: ECS211 reports it as an error
    if service.task is not None and service.task.is_windows and version >= WINDOWS_LATEST:
        return
    minimum = version_tuple(str(ctx.option("minimum-version") or ""))
    if minimum is not None and version >= minimum:
        return
    floor = f", older than the minimum-version {ctx.option('minimum-version')} the configuration asks for" \
        if minimum is not None else ""
    yield Violation(node, f"{service.label} pins Fargate platform version {text}{floor}: when AWS releases a newer "
                          "platform version, with its security fixes and features, the service's tasks stay on this "
                          f"one until someone changes it (AWS Security Hub ECS.10). Set "
                          f"{service.term('platformVersion')} to {LATEST} (or remove it: {LATEST} is the default), and "
                          "new tasks start on the most recent platform version.")


# --- ECS618, ECS619: ECS Exec logging -------------------------------------------------------------------------

EXEC = "configuration.executeCommandConfiguration"


def _exec_configuration(cluster: Cluster) -> Node | None:
    node = cluster.at(*EXEC.split("."))
    return node if node is not None and node.is_map else None


def _exec_services(cluster: Cluster) -> list[Service]:
    """The cluster's services (among the inputs) that turn ECS Exec on."""
    return [s for s in cluster.services if as_bool(s.get("enableExecuteCommand")) is True]


def execute_command_logging_disabled(cluster: Cluster, ctx) -> Iterator[Violation]:
    """ECS Exec sessions should be logged: ``executeCommandConfiguration.logging`` should not be NONE."""
    config = _exec_configuration(cluster)
    logging = config.get("logging") if config is not None else None
    if literal_str(logging) != "NONE":
        return
    services = _exec_services(cluster)
    using = f" (ECS Exec is on in {and_list([s.label for s in services])})" if services else ""
    yield Violation(logging, f"{cluster.label} does not log ECS Exec sessions ({cluster.term(f'{EXEC}.logging')} is "
                             f"NONE), so the commands people run inside its containers{using} leave no record to "
                             "audit. "
                             "Use DEFAULT (the task definition's awslogs log group) or OVERRIDE with a "
                             f"{cluster.term(f'{EXEC}.logConfiguration')} that names a CloudWatch Logs group or an "
                             "S3 bucket.")


LOG_DESTINATIONS = (("cloudWatchLogGroupName", "cloudWatchEncryptionEnabled", "a CloudWatch Logs group"),
                    ("s3BucketName", "s3EncryptionEnabled", "an S3 bucket"))


def _unencrypted_destinations(cluster: Cluster, log: Node) -> Iterator[Violation]:
    """Each log destination of an OVERRIDE configuration that ECS Exec does not require to be encrypted."""
    for name, flag, noun in LOG_DESTINATIONS:
        destination, encrypted = log.get(name), log.get(flag)
        if not is_set(destination) or as_bool(encrypted) is True or is_intrinsic(encrypted):
            continue
        term = cluster.term(f"{EXEC}.logConfiguration.{flag}")
        state = "is false" if encrypted is not None and encrypted.value is not None else "is not set"
        named = as_str(destination) or "given by a reference"
        the = noun.replace("a ", "the ", 1).replace("an ", "the ", 1)
        yield Violation(encrypted if encrypted is not None and encrypted.value is not None else destination,
                        f"{cluster.label} logs ECS Exec sessions to {noun} ({named}) but {term} {state}, so ECS "
                        f"Exec does not require {the} to be encrypted and session output (which may show secrets) "
                        f"can be stored in the clear. Encrypt {the} with a KMS key and set {term} to true.")


def execute_command_logs_unencrypted(cluster: Cluster, ctx) -> Iterator[Violation]:
    """ECS Exec sessions that are logged should be encrypted with a KMS key, and an OVERRIDE log destination
    should be required to be encrypted."""
    config = _exec_configuration(cluster)
    if config is None:
        return
    logging = config.get("logging")
    unset = logging is None or logging.value is None
    mode = "DEFAULT" if unset else literal_str(logging)
    if mode not in ("DEFAULT", "OVERRIDE"):
        return  # NONE (ECS618), or not known
    kms = config.get("kmsKeyId")
    if not is_set(kms):
        how = "is not set, so DEFAULT" if unset else f"is {mode}"
        yield Violation(cluster.key("configuration") if kms is None else kms,
                        f"{cluster.label} logs ECS Exec sessions ({cluster.term(f'{EXEC}.logging')} {how}) "
                        f"without a {cluster.term(f'{EXEC}.kmsKeyId')}, so the session data between "
                        "the client and the container is not encrypted with a key of yours and the logged output "
                        "is not protected by it. Create a KMS key and set it as "
                        f"{cluster.term(f'{EXEC}.kmsKeyId')}.")
    log = config.get("logConfiguration")
    if mode == "OVERRIDE" and log is not None and log.is_map:
        yield from _unencrypted_destinations(cluster, log)


# --- ECS704: termination protection of an Auto Scaling group capacity provider ---------------------------------

PROVIDER = "autoScalingGroupProvider"


def _protection_needs(provider: ModelObject, ctx) -> list[str]:
    """What else must change before AWS accepts managed termination protection, for a message."""
    needs = []
    status = provider.at(PROVIDER, "managedScaling", "status")
    if literal_str(status) != "ENABLED":
        needs.append(f"{provider.term(f'{PROVIDER}.managedScaling.status')} ENABLED")
    group = ctx.project.graph.target(provider, provider.at(PROVIDER, "autoScalingGroupArn"), AutoScalingGroup)
    protected = group.get("NewInstancesProtectedFromScaleIn") if group is not None else None
    if group is None:
        needs.append("scale-in protection for new instances (NewInstancesProtectedFromScaleIn) on the Auto Scaling "
                     "group")
    elif as_bool(protected) is not True:
        needs.append(f"{group.term('NewInstancesProtectedFromScaleIn')} true on {group.label}")
    return needs


def capacity_provider_termination_protection(provider: ModelObject, ctx) -> Iterator[Violation]:
    """An Auto Scaling group capacity provider should turn managed termination protection on."""
    group = provider.get(PROVIDER)
    if group is None or not group.is_map:
        return
    node = group.get("managedTerminationProtection")
    if node is not None and node.value is not None and literal_str(node) != "DISABLED":
        return  # ENABLED, or not known
    term = provider.term(f"{PROVIDER}.managedTerminationProtection")
    state = "is DISABLED" if node is not None and node.value is not None else "is not set (it defaults to DISABLED)"
    needs = _protection_needs(provider, ctx)
    also = f"; AWS accepts it only with {and_list(needs)}" if needs else ""
    yield Violation(node if node is not None and node.value is not None else provider.key(PROVIDER),
                    f"{term} of {provider.label} {state}, so when the Auto Scaling group scales in it may terminate "
                    "instances that still run tasks, stopping them without notice (AWS Security Hub ECS.19). Set "
                    f"it to ENABLED{also}.")



# --- ECS622: required tags --------------------------------------------------------------------------------------

# The option's names of the kinds that carry tags, and the Security Hub control that asks each to be tagged.
TAGGED_KINDS = {Cluster: ("cluster", "ECS.14"), Service: ("service", "ECS.13"),
                TaskDefinition: ("task-definition", "ECS.15")}


def _given_whole(obj: ModelObject) -> bool:
    """Whether the object's tags are all there to read: a template or Terraform resource, or a create or register
    input; not an update-service input or a describe output (which shows tags only when asked to)."""
    if obj.get("tags") is not None or obj.resource is not None:
        return True
    if isinstance(obj, Cluster):
        return _whole_cluster(obj, "tags")
    if isinstance(obj, Service):
        return _named(obj, "serviceName") and obj.get("serviceArn") is None
    return isinstance(obj, TaskDefinition) and _named(obj, "family") and obj.wrapper is None and \
        obj.get("taskDefinitionArn") is None


def _tag_keys(obj: ModelObject) -> set[str] | None:
    """The keys of the object's tags; None when one of them (or the list) is not known."""
    tags = obj.get("tags")
    if tags is not None and tags.value is not None and not tags.is_seq:
        return None
    keys = set()
    for item in tags.elements() if tags is not None else []:
        key = literal_str(item.get("key")) if item.is_map else None
        if key is None:
            return None
        keys.add(key)
    return keys


def required_tags(obj: ModelObject, ctx) -> Iterator[Violation]:
    """Clusters, services and task definitions should carry the tags the configuration requires."""
    required = [str(tag) for tag in ctx.option("tags") or []]
    kind, control = TAGGED_KINDS[type(obj)]
    if not required or kind not in (ctx.option("resources") or []) or not _given_whole(obj):
        return
    keys = _tag_keys(obj)
    missing = [tag for tag in required if keys is not None and tag not in keys]
    if not missing:
        return
    names = and_list([f"'{tag}'" for tag in missing])
    plural = "s" if len(missing) > 1 else ""
    them = "them" if plural else "it"
    yield Violation(obj.key("tags"), f"{obj.label} lacks the tag{plural} {names} that the configuration requires "
                                     "(ECS622's tags option), which cost reports, access policies and automation "
                                     f"select resources by (AWS Security Hub {control}). Add {them} to "
                                     f"{obj.term('tags')}.")
