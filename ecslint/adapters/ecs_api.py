"""The ECS API shapes, in the AWS CLI's ``--cli-input-json`` / ``--cli-input-yaml`` spelling.

- task definitions: ``register-task-definition`` input, ``describe-task-definition`` output, a list of
  them (``{"taskDefinitions": [...]}``), and one whose keys are in another case (``ContainerDefinitions``);
- container definitions on their own: one, or a list of them (as Terraform modules keep them);
- services: ``create-service`` and ``update-service`` input, ``describe-services`` output;
- clusters: ``create-cluster`` and ``put-cluster-capacity-providers`` input, ``describe-clusters`` output.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from ecslint.findings import Problem, Validation, Violation
from ecslint.model import Cluster, ContainerDefinition, ModelObject, Service, Source, TaskDefinition, Volume
from ecslint.model.values import Unresolved
from ecslint.tree import Node

if TYPE_CHECKING:
    from ecslint.adapters import AdaptOptions, Included
    from ecslint.read import Document

# A file that contains none of these words holds nothing this adapter reads.
MARKERS = ("containerDefinitions", "ContainerDefinitions", "taskDefinition", "serviceName",
           "deploymentConfiguration", "desiredCount", "clusterName", "capacityProviders", '"services"', "services:",
           '"clusters"', "clusters:", '"image"', "image:")
# Members only a service has: a document with two of them (and no serviceName, as in an ecspresso
# service definition) is a service too.
SERVICE_ONLY = ("deploymentConfiguration", "desiredCount", "schedulingStrategy", "loadBalancers", "serviceRegistries",
                "deploymentController", "placementStrategy", "healthCheckGracePeriodSeconds", "networkConfiguration")
UPDATE_SERVICE = ("taskDefinition", "desiredCount", "forceNewDeployment", "deploymentConfiguration")
CLUSTER_ONLY = ("clusterName", "defaultCapacityProviderStrategy", "serviceConnectDefaults")
CONTAINERS = "containerDefinitions"
# What a task definition holds besides its containers: unknown for container definitions on their own.
TASK_MEMBERS = ("family", "cpu", "memory", "networkMode", "requiresCompatibilities", "taskRoleArn",
                "executionRoleArn", "volumes", "placementConstraints", "runtimePlatform", "pidMode", "ipcMode",
                "ephemeralStorage", "proxyConfiguration")


def _maps(node: Node | None) -> list[Node]:
    return [item for item in node.elements() if item.is_map] if node is not None else []


@lru_cache(maxsize=1)
def _container_members() -> frozenset[str]:
    from ecslint.adapters.api_case import task_definition_schema

    return frozenset(task_definition_schema()["$defs"]["ContainerDefinition"]["properties"])


def containers_alone(root: Node) -> list[Node] | None:
    """Container definitions on their own: a list of mappings each with a name or an image, one with an
    image (as Terraform modules keep them in ``.json`` and ``.json.tpl`` files), or one mapping with an
    image whose keys are all container definition members; else None."""
    if root.is_seq:
        items = root.elements()
        if items and all(i.is_map and ("name" in i.value or "image" in i.value) for i in items) and \
                any("image" in i.value for i in items):
            return items
        return None
    if root.is_map and "image" in root.value and len(root.value) > 1 and \
            all(key in _container_members() for key in root.value):
        return [root]
    return None


def _containers_task(root: Node, items: list[Node], source: Source) -> TaskDefinition:
    """Container definitions on their own, as the task definition they belong to, all of whose other
    members are unknown: only what the containers say of themselves is checked."""
    listed = root if root.is_seq else Node(items, root.line, root.col, root.end_line, root.end_col)
    unknown = {name: Node(Unresolved({"task": name}, None, "(set by the task definition)"), root.line, root.col,
                          root.line, root.col + 1) for name in TASK_MEMBERS}
    members = {CONTAINERS: listed, **unknown}
    task = TaskDefinition(Node(members, root.line, root.col, root.end_line, root.end_col, dict(members)), source)
    task.containers = [ContainerDefinition(item, source, task) for item in items]
    return task


def _recased(source: Source, renamed: list[tuple[Node, str, str]]) -> Source:
    """The source of a task definition read with its keys in the API's case: its structure is checked
    as the API's, and the keys written in another case are one more unknown-key problem (ECS116)."""
    def validate(obj: ModelObject) -> Validation:
        from ecslint.checks.structure import api_validation

        found = api_validation(obj)
        if isinstance(obj, TaskDefinition):
            names = ", ".join(f"{written} ({name})" for _, written, name in renamed[:6])
            more = f" and {len(renamed) - 6} more" if len(renamed) > 6 else ""
            message = (f"{obj.label} spells {len(renamed)} key{'s' if len(renamed) != 1 else ''} in another case "
                       f"than the ECS API: {names}{more}. The API's names are case-sensitive: the AWS CLI rejects "
                       f"them with \"Unknown parameter in input: \"{renamed[0][1]}\", must be one of: ...\" (ecspresso "
                       "and the Terraform provider read any case; CloudFormation has its own names). Rename them as "
                       "shown; ecslint checked the file as if they were.")
            found.problems.insert(0, Problem("unknown", Violation(renamed[0][0], message)))
        return found

    return Source(source.path, source.fmt, source.naming, validate)


def _task_root(root: Node) -> tuple[Node, Node | None] | None:
    """The task definition's mapping in ``root`` (bare, or wrapped as describe output, with the wrapper's
    key), when it has container definitions (in any case); else None."""
    wrapped = root.get("taskDefinition")
    if wrapped is not None and wrapped.is_map and any(key.lower() == CONTAINERS.lower() for key in wrapped.value):
        return wrapped, root.key_node("taskDefinition")
    if root.is_map and any(key.lower() == CONTAINERS.lower() for key in root.value):
        return root, None
    return None


def task_definition(root: Node, source: Source, any_case: bool = False) -> TaskDefinition | None:
    """The task definition in ``root``, whether bare or wrapped as describe output; else None. Its keys
    may be in another case than the API's (read as the API's): ``any_case`` for a tool that reads them
    so (ecspresso), else that is reported."""
    found = _task_root(root)
    if found is None:
        return None
    root, wrapper = found
    if any_case or CONTAINERS not in root.value:
        from ecslint.adapters.api_case import api_cased

        renamed = api_cased(root)
        if renamed and not any_case:
            source = _recased(source, renamed)
    return build_task_definition(root, source, wrapper)


def build_task_definition(root: Node, source: Source, wrapper: Node | None = None) -> TaskDefinition:
    """The task definition of the mapping ``root``, with its containers and volumes."""
    return _with_parts(TaskDefinition(root, source, wrapper=wrapper))


def _with_parts(task: TaskDefinition) -> TaskDefinition:
    """``task`` with the containers and volumes its node lists."""
    task.containers = [ContainerDefinition(item, task.source, task) for item in _maps(task.get(CONTAINERS))]
    task.volumes = [Volume(item, task.source, task) for item in _maps(task.get("volumes"))]
    return task


def _is_service(node: Node) -> bool:
    members = node.value
    if "serviceName" in members:
        return True
    service = members.get("service")
    if service is not None and isinstance(service.value, str):  # update-service input
        return any(key in members for key in UPDATE_SERVICE)
    return sum(key in members for key in SERVICE_ONLY) >= 2


def _is_cluster(node: Node) -> bool:
    members = node.value
    if any(key in members for key in CLUSTER_ONLY):
        return True
    # put-cluster-capacity-providers input
    return "cluster" in members and "capacityProviders" in members and "serviceName" not in members


def objects(root: Node, source: Source) -> list[ModelObject]:
    """Every task definition, service and cluster in one document."""
    alone = containers_alone(root)
    if alone is not None:
        return [_containers_task(root, alone, source)]
    if not root.is_map:
        return []
    task = task_definition(root, source)
    if task is not None:
        return [task]
    listed = [t for item in _maps(root.get("taskDefinitions")) if (t := task_definition(item, source)) is not None]
    described = _maps(root.get("services")) + _maps(root.get("clusters"))
    if listed or described:
        return listed + [Service(n, source) if "serviceName" in n.value or "serviceArn" in n.value
                         else Cluster(n, source) for n in described if n.value]
    if _is_service(root):
        return [Service(root, source)]
    if _is_cluster(root):
        return [Cluster(root, source)]
    return []


class EcsApiAdapter:
    """Task definitions, services and clusters as the ECS API (and the AWS CLI) spell them."""

    name = "ecs-api"
    markers = MARKERS

    def claims(self, root: Node) -> bool:
        if containers_alone(root) is not None:
            return True
        if not root.is_map:
            return False
        return _task_root(root) is not None or any(_task_root(item) for item in _maps(root.get("taskDefinitions"))) \
            or bool(_maps(root.get("services")) or _maps(root.get("clusters"))) or _is_service(root) \
            or _is_cluster(root)

    def adapt(self, root: Node, document: Document, options: AdaptOptions) -> list[ModelObject]:
        from ecslint.adapters.ecspresso import adapt_deployment, config_naming
        from ecslint.adapters.skeleton import fill_in, is_skeleton

        deployment = config_naming(document.path, options) if root.is_map else None
        if deployment is not None:  # a definition file of an ecspresso configuration
            return adapt_deployment(deployment, options, document, root)

        made = objects(root, Source(document.path, document.fmt, file=document.file))
        if len(made) == 1 and made[0].node is root and is_skeleton(root):
            kind = made[0]
            fill_in(root, "task-definition" if isinstance(kind, TaskDefinition) else
                    "service" if isinstance(kind, Service) else "cluster")
            if isinstance(kind, TaskDefinition):
                _with_parts(kind)
        return made


    def included(self, root: Node, objects: list[ModelObject], options: AdaptOptions) -> list[Included]:
        from ecslint.adapters.ecspresso import included

        return included(root, options)


ADAPTER = EcsApiAdapter()
