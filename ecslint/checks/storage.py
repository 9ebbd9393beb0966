"""Storage: EFS volume settings, and databases whose data does not outlive their task."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, replace
from typing import Any, Iterator

from ecslint.edits import fix, setting
from ecslint.findings import Violation
from ecslint.images import image_reference
from ecslint.model import (AccessPoint, ContainerDefinition, ModelObject, Service, Volume, is_templated,
                           literal_str)
from ecslint.model.values import shown, unknowable
from ecslint.tree import Node, as_str, is_true

ENABLED = "ENABLED"
# Volume types whose data outlives the task wherever it runs (EBS configured at launch is decided by
# who attaches it; bind mounts and Docker volumes by their settings).
PERSISTENT_VOLUME_TYPES = (
    "efsVolumeConfiguration",
    "fsxWindowsFileServerVolumeConfiguration",
    "s3filesVolumeConfiguration",
)


@dataclass(frozen=True)
class StatefulImage:
    """A well-known image that keeps data on disk, and where.

    ``data_dir`` is the directory of the current major version (None: it depends on the version, so
    stay silent when the tag gives none); ``by_major`` lists ``(first major version, data dir)`` in
    increasing order for images that moved it; ``data_dir_env`` names an environment variable that
    overrides it.
    """

    product: str
    data_dir: str | None
    managed: str | None = None
    data_dir_env: str | None = None
    by_major: tuple[tuple[int, str | None], ...] = ()


RDS = "Amazon RDS (or Aurora)"
ELASTICACHE = "Amazon ElastiCache or MemoryDB"
OPENSEARCH = "Amazon OpenSearch Service"

# Docker Hub official images (and a few vendor repositories), by repository name.
OFFICIAL_IMAGES: dict[str, StatefulImage] = {
    # postgres 18 moved PGDATA to /var/lib/postgresql/<major>/docker and asks for a mount at /var/lib/postgresql.
    "postgres": StatefulImage("PostgreSQL", "/var/lib/postgresql", RDS, "PGDATA",
                              ((0, "/var/lib/postgresql/data"), (18, "/var/lib/postgresql"))),
    "mysql": StatefulImage("MySQL", "/var/lib/mysql", RDS),
    "mysql/mysql-server": StatefulImage("MySQL", "/var/lib/mysql", RDS),
    "percona": StatefulImage("Percona Server for MySQL", "/var/lib/mysql", RDS),
    "mariadb": StatefulImage("MariaDB", "/var/lib/mysql", RDS),
    "mssql/server": StatefulImage("SQL Server", "/var/opt/mssql", RDS),
    "mongo": StatefulImage("MongoDB", "/data/db", "Amazon DocumentDB"),
    "mongodb/mongodb-community-server": StatefulImage("MongoDB", "/data/db", "Amazon DocumentDB"),
    "redis": StatefulImage("Redis", "/data", ELASTICACHE),
    "redis/redis-stack-server": StatefulImage("Redis", "/data", ELASTICACHE),
    "valkey/valkey": StatefulImage("Valkey", "/data", ELASTICACHE),
    "rabbitmq": StatefulImage("RabbitMQ", "/var/lib/rabbitmq", "Amazon MQ"),
    "elasticsearch": StatefulImage("Elasticsearch", "/usr/share/elasticsearch/data", OPENSEARCH),
    "elasticsearch/elasticsearch": StatefulImage("Elasticsearch", "/usr/share/elasticsearch/data", OPENSEARCH),
    "opensearchproject/opensearch": StatefulImage("OpenSearch", "/usr/share/opensearch/data", OPENSEARCH),
    "solr": StatefulImage("Solr", "/var/solr"),
    "cassandra": StatefulImage("Cassandra", "/var/lib/cassandra", "Amazon Keyspaces"),
    "couchdb": StatefulImage("CouchDB", "/opt/couchdb/data"),
    "neo4j": StatefulImage("Neo4j", "/data", "Amazon Neptune"),
    # InfluxDB 1.x and 2.x have fixed data directories; 3.x takes it from the command line.
    "influxdb": StatefulImage("InfluxDB", None, "Amazon Timestream for InfluxDB",
                              by_major=((0, "/var/lib/influxdb"), (2, "/var/lib/influxdb2"), (3, None))),
    "clickhouse": StatefulImage("ClickHouse", "/var/lib/clickhouse"),
    "clickhouse/clickhouse-server": StatefulImage("ClickHouse", "/var/lib/clickhouse"),
    "zookeeper": StatefulImage("ZooKeeper", "/data"),
    "arangodb": StatefulImage("ArangoDB", "/var/lib/arangodb3"),
}

# Bitnami images keep their data under /bitnami/<name>; the value is the matching official image.
BITNAMI_IMAGES = {
    "postgresql": "postgres", "mysql": "mysql", "mariadb": "mariadb", "mongodb": "mongo", "redis": "redis",
    "valkey": "valkey/valkey", "rabbitmq": "rabbitmq", "elasticsearch": "elasticsearch",
    "opensearch": "opensearchproject/opensearch", "solr": "solr", "cassandra": "cassandra", "couchdb": "couchdb",
    "neo4j": "neo4j", "influxdb": "influxdb", "clickhouse": "clickhouse", "zookeeper": "zookeeper",
}

MAJOR_VERSION = re.compile(r"^v?(\d+)")


def stateful_image(image: str) -> StatefulImage | None:
    """The data layout of a well-known stateful image (for its tag's version), else None.

    Official images match with or without a ``library/`` prefix (Docker Hub, ECR Public's
    ``docker/library/`` mirror, pull-through caches); other repositories must match exactly, so
    ``prometheuscommunity/postgres-exporter`` or ``redis-commander`` are not databases.
    """
    reference = image_reference(image)
    if reference is None:
        return None
    repository, tag = reference.repository, reference.tag
    segments = repository.split("/")
    if len(segments) >= 2 and segments[-2] == "library":
        repository = segments[-1]
    known = OFFICIAL_IMAGES.get(repository)
    if known is None and len(segments) == 2 and segments[0] == "bitnami" and segments[1] in BITNAMI_IMAGES:
        official = OFFICIAL_IMAGES[BITNAMI_IMAGES[segments[1]]]
        known = replace(official, data_dir=f"/bitnami/{segments[1]}", data_dir_env=None, by_major=())
    if known is None:
        return None
    return replace(known, data_dir=_versioned_data_dir(known, tag), by_major=())


def _versioned_data_dir(image: StatefulImage, tag: str | None) -> str | None:
    """The data directory for the image's tag: by major version when the layout changed over time."""
    match = MAJOR_VERSION.match(tag or "")
    if not image.by_major or match is None:
        return image.data_dir
    major = int(match.group(1))
    return next((path for first, path in reversed(image.by_major) if major >= first), image.data_dir)


def _environment_value(container: ContainerDefinition, name: str) -> str | None:
    """The literal value of an ``environment`` entry."""
    for entry in container.list("environment"):
        if as_str(entry.get("name")) == name:
            return as_str(entry.get("value"))
    return None


def _data_dir(container: ContainerDefinition, image: StatefulImage) -> str | None:
    """Where the container keeps its data: the image's directory, unless an environment variable moves it."""
    moved = _environment_value(container, image.data_dir_env) if image.data_dir_env else None
    if image.data_dir_env and (is_templated(moved or "") or any(
            is_templated(as_str(entry.get("name")) or "") for entry in container.list("environment"))):
        return None  # moved, or perhaps moved, to where a placeholder says: unknown
    return moved if moved and moved.startswith("/") else image.data_dir


@dataclass(frozen=True)
class Lifetime:
    """How long the data on a volume lives: beyond the task (``outlives`` True), no longer than the
    task (False), or unknown (None); ``service`` is the service whose EBS volume it is."""

    outlives: bool | None
    service: Service | None = None


def _managing_service(volume: Volume, ctx) -> Service | None:
    """The service among the inputs that runs the volume's task and attaches an EBS volume for it (its
    ``volumeConfigurations`` name the volume)."""
    for service in ctx.project.services:
        if service.task is not volume.task:
            continue
        for configuration in service.list("volumeConfigurations"):
            if volume.name and literal_str(configuration.get("name")) == volume.name \
                    and _is_set(configuration.get("managedEBSVolume")):
                return service
    return None


def _lifetime(volume: Volume, ctx) -> Lifetime:
    """How long the data of ``volume`` lives.

    EFS, FSx and S3 Files outlive the task; so does a bind mount of a host path (``host.sourcePath``,
    on that container instance) and a Docker volume of ``scope: shared``. A bind mount without a host
    path, a task-scoped Docker volume (the default scope) and an EBS volume that a service attaches
    at launch go with the task (ECS deletes a service's EBS volumes when its tasks stop). An EBS
    volume configured at launch that no service among the inputs attaches is unknown (RunTask may keep it).
    """
    if any(unknowable(node) for name, node in volume.node.items() if name != "name"):
        return Lifetime(None)
    if any(_is_set(volume.get(kind)) for kind in PERSISTENT_VOLUME_TYPES):
        return Lifetime(True)
    if is_true(volume.get("configuredAtLaunch")):
        service = _managing_service(volume, ctx)
        return Lifetime(False, service) if service is not None else Lifetime(None)
    source_path = volume.at("host", "sourcePath")
    if _is_set(source_path):
        return Lifetime(True)
    scope = volume.at("dockerVolumeConfiguration", "scope")
    if scope is not None and scope.value not in (None, "task"):
        return Lifetime(None if unknowable(scope) else scope.value == "shared")
    return Lifetime(False)


def _is_set(node: Node | None) -> bool:
    """Set to something: not absent, not null, not an empty string, list or mapping."""
    return node is not None and node.value not in (None, "", [], {})


# Containers whose mounts one container may take through volumesFrom chains: a task definition has at
# most 10 containers, so a longer chain is hostile input, and the search stops there (unknown).
MAX_VOLUME_SOURCES = 64


def _mount_points(container: ContainerDefinition) -> list[Node] | None:
    """The container's mount points, including those it takes from other containers with
    ``volumesFrom`` (transitively, each container once); None past ``MAX_VOLUME_SOURCES``, or when a
    container they come from is not written out."""
    task, found = container.task, []
    seen, pending = {container.name or ""}, [container]
    while pending:
        current = pending.pop()
        found.extend(m for m in current.list("mountPoints") if m.is_map)
        for entry in current.list("volumesFrom"):
            node = entry.get("sourceContainer")
            source = literal_str(node)
            if source is None and node is not None and node.value not in (None, ""):
                return None  # volumes from a container a placeholder or a function names: unknown
            other = task.container(source) if task is not None and source and source not in seen else None
            if other is None and source and source not in seen and task is not None and task.containers_by_name.open:
                return None  # perhaps the container whose name a placeholder gives
            if other is not None:
                seen.add(source)
                pending.append(other)
        if len(seen) > MAX_VOLUME_SOURCES:
            return None
    return found


def _covers(mount_path: str, path: str) -> bool:
    """Whether a mount at ``mount_path`` holds ``path`` (the same directory or one of its parents)."""
    mount, target = posixpath.normpath(mount_path), posixpath.normpath(path)
    return mount == target or target.startswith(mount.rstrip("/") + "/")


def _data_lifetime(container: ContainerDefinition, path: str, ctx) -> tuple[Lifetime, Volume | None]:
    """How long what the container writes at ``path`` lives, and on which volume: the volume of the
    innermost mount that holds ``path`` decides (no mount: the container's writable layer)."""
    task, mounts = container.task, _mount_points(container)
    if task is None or mounts is None or any(is_templated(as_str(m.get("containerPath")) or "") for m in mounts):
        return Lifetime(None), None  # a mount at a path a placeholder gives may hold the data
    holding = [(posixpath.normpath(where), mount) for mount in mounts
               if (where := as_str(mount.get("containerPath"))) and _covers(where, path)]
    if not holding:
        return Lifetime(False), None
    _, innermost = max(holding, key=lambda pair: len(pair[0]))
    source = literal_str(innermost.get("sourceVolume"))
    volume = task.volume(source) if source else None
    if volume is None:  # a volume the task does not define is ECS110's; an unknown name is unknown
        return Lifetime(False if source and not task.volumes_by_name.open else None), None
    return _lifetime(volume, ctx), volume


def stateful_container_without_efs(container: ContainerDefinition, ctx) -> Iterator[Violation]:
    """A database or queue image whose data directory is not on storage that outlives the task."""
    task, image_node, image = container.task, container.get("image"), container.image
    known = stateful_image(image) if task is not None and image else None
    data_dir = _data_dir(container, known) if known is not None else None
    if data_dir is None:
        return
    lifetime, volume = _data_lifetime(container, data_dir, ctx)
    if lifetime.outlives is not False:
        return
    instead = f" or use {known.managed}" if known.managed else ""
    fix = f"Mount an EFS volume there{instead}; if it only holds a cache, suppress this finding."
    if lifetime.service is not None and volume is not None:
        service = lifetime.service
        why = (f"{container.label} runs {known.product} and keeps its data at {data_dir} on {volume.label}, an EBS "
               f"volume that {service.label} attaches at launch ({service.term('volumeConfigurations')}): ECS deletes "
               "it when the task stops (the ECS Developer Guide: \"Ephemeral when attached to a task maintained by a "
               "service\"), so every new task starts with an empty volume.")
    elif task.is_fargate:
        why = (f"{container.label} runs {known.product} on Fargate, but no persistent volume is mounted at "
               f"{data_dir}, where it keeps its data: Fargate task storage is ephemeral, so the data is lost "
               "whenever the task stops.")
    else:
        why = (f"{container.label} runs {known.product}, but no persistent volume is mounted at {data_dir}, where "
               "it keeps its data: it stays in the container's writable layer or in a volume that lives only as "
               "long as the task, and both are removed with the task, so a replacement task (on this container "
               "instance or another) starts empty.")
    yield Violation(image_node, f"{why} {fix}")


def volume_label(volume: Volume) -> str:
    """How messages name a volume."""
    return f"{volume.label} of {volume.task.label}" if volume.task is not None else volume.label


def transit_encryption(efs: Node) -> tuple[Node | None, str | None]:
    """The ``transitEncryption`` node and its value: "DISABLED" when absent or null; None when it is
    not one of the API's values (ECS112/ECS115 report those)."""
    node = efs.get("transitEncryption")
    if node is None or node.value is None:
        return node, "DISABLED"
    return node, node.value if node.value in (ENABLED, "DISABLED") else None


def access_point_id(efs: Node) -> Node | None:
    """The ``authorizationConfig.accessPointId`` of an EFS volume configuration, when it is set (to an id
    or to a reference that gives one)."""
    node = efs.at("authorizationConfig", "accessPointId")
    return node if _is_set(node) else None


def written_in(volume: Volume) -> ModelObject:
    """The object whose references the values of ``volume`` resolve as: its task definition, the resource
    it is written in (a Terraform module's references resolve in the module, not in the file)."""
    return volume.task if volume.task is not None else volume


def access_point_name(volume: Volume, node: Node, graph: Any = None) -> str:
    """How messages name the access point ``node`` gives: the access point resource it refers to
    (``AccessPoint 'Uploads'``), else ``access point fsap-0123`` (or the expression that gives it)."""
    target = graph.target(written_in(volume), node, AccessPoint) if graph is not None else None
    return target.label if target is not None else f"access point {shown(node)}"


def encryption_requirement(volume: Volume, efs: Node, graph: Any = None) -> str | None:
    """Why ECS requires transit encryption on this EFS volume (IAM authorization or an access point), or None."""
    if as_str(efs.at("authorizationConfig", "iam")) == ENABLED:
        return f"IAM authorization ({volume.term('authorizationConfig.iam', within='efsVolumeConfiguration')}: ENABLED)"
    access_point = access_point_id(efs)
    return access_point_name(volume, access_point, graph) if access_point is not None else None


def unencrypted(volume: Volume, node: Node | None, value: str | None) -> tuple[Node, str] | None:
    """Where to report a volume whose transit encryption is off, and how to describe its setting;
    None when it is on (or not a string: the type rule reports that)."""
    if value is None or value == ENABLED:
        return None
    where = node if node is not None else volume.key("efsVolumeConfiguration")
    name = volume.term("transitEncryption", within="efsVolumeConfiguration")
    if node is None or node.value is None:
        return where, f"does not set {name} (the default is DISABLED)"
    return where, f'sets {name} to "{value}"'


def encryption_setting(volume: Volume) -> str:
    """What turns the volume's transit encryption on, for advice: ``"transitEncryption": "ENABLED"``."""
    return volume.setting("transitEncryption", ENABLED, within="efsVolumeConfiguration")


def efs_transit_encryption_required(volume: Volume, ctx) -> Iterator[Violation]:
    """IAM authorization or an access point needs ``transitEncryption: ENABLED``."""
    efs = volume.efs
    reason = encryption_requirement(volume, efs, ctx.project.graph) if efs is not None else None
    if reason is None:
        return
    found = unencrypted(volume, *transit_encryption(efs))
    if found is None:
        return
    yield Violation(found[0],
                    f"EFS {volume_label(volume)} uses {reason} but {found[1]}; ECS requires "
                    "transit encryption whenever IAM authorization or an access point is used, as both work "
                    "through the TLS connection of the EFS mount helper. "
                    f"Set {encryption_setting(volume)}.",
                    fix=fix(f"Set {volume.term('transitEncryption', within='efsVolumeConfiguration')} to {ENABLED}",
                            setting(volume, efs, "transitEncryption", ENABLED, within="efsVolumeConfiguration")))


def efs_access_point_root_directory(volume: Volume, ctx) -> Iterator[Violation]:
    """With an access point, ``rootDirectory`` must be omitted or "/"."""
    efs = volume.efs
    access_point = access_point_id(efs) if efs is not None else None
    node = efs.get("rootDirectory") if efs is not None else None
    root = literal_str(node)
    if access_point is None or not root or root == "/":
        return
    name = volume.term("rootDirectory", within="efsVolumeConfiguration")
    through = access_point_name(volume, access_point, ctx.project.graph)
    yield Violation(node,
                    f"EFS {volume_label(volume)} mounts through {through} "
                    f'but sets {name} "{root}"; with an access point, {name} must be omitted or "/" and AWS rejects '
                    f"anything else. Remove {name} and set the directory on the access point instead.")
