"""Storage: EFS volume settings, and stateful services on Fargate's ephemeral storage."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, replace
from typing import Iterator

from ecslint.findings import Violation
from ecslint.model import ContainerDefinition, Volume
from ecslint.tree import Node, as_str, is_true

ENABLED = "ENABLED"
# Volume types whose data outlives the task (EBS configured at launch is checked separately).
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

REGISTRY_HOST = re.compile(r"^(localhost|[^/]*[.:][^/]*)$")
MAJOR_VERSION = re.compile(r"^v?(\d+)")


def _repository_and_tag(image: str) -> tuple[str, str | None]:
    """``docker.io/library/postgres:16@sha256:...`` -> (``library/postgres``, ``16``): no registry, no digest."""
    name = image.split("@", 1)[0]
    segments = name.split("/")
    if len(segments) > 1 and REGISTRY_HOST.match(segments[0]):
        segments = segments[1:]
    last, _, tag = segments[-1].partition(":")
    return "/".join(segments[:-1] + [last]), tag or None


def stateful_image(image: str) -> StatefulImage | None:
    """The data layout of a well-known stateful image (for its tag's version), else None.

    Official images match with or without a ``library/`` prefix (Docker Hub, ECR Public's
    ``docker/library/`` mirror, pull-through caches); other repositories must match exactly, so
    ``prometheuscommunity/postgres-exporter`` or ``redis-commander`` are not databases.
    """
    repository, tag = _repository_and_tag(image)
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
    return moved if moved and moved.startswith("/") else image.data_dir


def is_persistent(volume: Volume | None) -> bool:
    """A volume whose data outlives the task: EFS, FSx, S3 Files, or EBS configured at launch."""
    if volume is None:
        return False
    return is_true(volume.get("configuredAtLaunch")) or any(
        node is not None and node.is_map for node in map(volume.get, PERSISTENT_VOLUME_TYPES))


# Containers whose mounts one container may take through volumesFrom chains: a task definition has at
# most 10 containers, so a longer chain is hostile input, and the search stops there (unknown).
MAX_VOLUME_SOURCES = 64


def _mount_points(container: ContainerDefinition) -> list[Node] | None:
    """The container's mount points, including those it takes from other containers with
    ``volumesFrom`` (transitively, each container once); None past ``MAX_VOLUME_SOURCES``."""
    task, found = container.task, []
    seen, pending = {container.name or ""}, [container]
    while pending:
        current = pending.pop()
        found.extend(m for m in current.list("mountPoints") if m.is_map)
        for entry in current.list("volumesFrom"):
            source = as_str(entry.get("sourceContainer"))
            other = task.container(source) if task is not None and source and source not in seen else None
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


def _persisted(container: ContainerDefinition, path: str) -> bool:
    """Whether a persistent volume is mounted at ``path`` or at one of its parents (True when that
    cannot be known)."""
    task = container.task
    mounts = _mount_points(container) if task is not None else []
    if mounts is None:
        return True  # unknown: stay silent
    for mount in mounts:
        mount_path, source = as_str(mount.get("containerPath")), as_str(mount.get("sourceVolume"))
        if mount_path and source and _covers(mount_path, path) and is_persistent(task.volume(source)):
            return True
    return False


def stateful_container_without_efs(container: ContainerDefinition, ctx) -> Iterator[Violation]:
    """On Fargate, a database or queue image whose data directory is not on persistent storage."""
    image_node, image = container.get("image"), container.image
    if container.task is None or not container.task.is_fargate or not image:
        return
    known = stateful_image(image)
    if known is None:
        return
    data_dir = _data_dir(container, known)
    if data_dir is None or _persisted(container, data_dir):
        return
    instead = f" or use {known.managed}" if known.managed else ""
    yield Violation(image_node,
                    f"{container.label} runs {known.product} on Fargate, but no persistent volume is mounted at "
                    f"{data_dir}, where it keeps its data: Fargate task storage is ephemeral, so the data is lost "
                    f"whenever the task stops. Mount an EFS volume there{instead}; if it only holds a cache, suppress "
                    "this finding.")


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


def encryption_requirement(volume: Volume, efs: Node) -> str | None:
    """Why ECS requires transit encryption on this EFS volume (IAM authorization or an access point), or None."""
    auth = efs.get("authorizationConfig")
    if auth is None:
        return None
    if as_str(auth.get("iam")) == ENABLED:
        return f"IAM authorization ({volume.term('authorizationConfig.iam', within='efsVolumeConfiguration')}: ENABLED)"
    access_point = as_str(auth.get("accessPointId"))
    return f"access point {access_point}" if access_point else None


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
    reason = encryption_requirement(volume, efs) if efs is not None else None
    if reason is None:
        return
    found = unencrypted(volume, *transit_encryption(efs))
    if found is None:
        return
    yield Violation(found[0],
                    f"EFS {volume_label(volume)} uses {reason} but {found[1]}; ECS requires "
                    "transit encryption whenever IAM authorization or an access point is used. "
                    f"Set {encryption_setting(volume)}.")


def efs_access_point_root_directory(volume: Volume, ctx) -> Iterator[Violation]:
    """With an access point, ``rootDirectory`` must be omitted or "/"."""
    efs = volume.efs
    access_point = as_str(efs.at("authorizationConfig", "accessPointId")) if efs is not None else None
    node = efs.get("rootDirectory") if efs is not None else None
    root = as_str(node)
    if not access_point or not root or root == "/":
        return
    name = volume.term("rootDirectory", within="efsVolumeConfiguration")
    yield Violation(node,
                    f"EFS {volume_label(volume)} mounts through access point {access_point} but sets {name} "
                    f'"{root}"; with an access point, {name} must be omitted or "/" and AWS rejects anything '
                    f"else. Remove {name} and set the directory on the access point instead.")
