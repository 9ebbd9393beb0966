"""The JSON Schemas generated from the ECS API model, and the structural checks built on them
(ECS111's model-required members, ECS112, ECS115, ECS116)."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest

from ecslint.adapters import adapt
from ecslint.checks import structure
from ecslint.model import Cluster, ModelObject, Service, TaskDefinition
from ecslint.read import parse
from helpers import findings_of, lint_inputs, lint_text

ROOT = Path(__file__).resolve().parent.parent
GENERATED = ROOT / "schemas" / "generated"
ADDITIONS = json.loads((ROOT / "schemas" / "additions.json").read_text(encoding="utf-8"))
KINDS = ("task-definition", "service", "cluster")
STRUCTURAL = ("ECS112", "ECS115", "ECS116")


def _generator():
    spec = importlib.util.spec_from_file_location("generate_schemas", ROOT / "scripts" / "generate_schemas.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _generated(kind: str) -> dict:
    return json.loads((GENERATED / f"{kind}.schema.json").read_text(encoding="utf-8"))


def _objects(text: str, fmt: str = "json") -> list[ModelObject]:
    adapted = adapt(parse(text, fmt, f"input.{fmt}"))
    return adapted.objects


def _messages(obj: ModelObject, kind: str) -> list[str]:
    return [p.violation.message for p in structure.validation(obj).problems if p.kind == kind]


# The generated files ----------------------------------------------------------------------------


def test_generated_schemas_match_the_generator():
    """The drift test: the committed files are exactly what the script writes from the pinned botocore."""
    botocore = pytest.importorskip("botocore")
    recorded = _generated("task-definition")["x-botocore-version"]
    if botocore.__version__ != recorded:
        pytest.skip(f"botocore {botocore.__version__} is installed; the schemas come from {recorded}")
    expected = _generator().generate()
    assert sorted(p.name for p in GENERATED.iterdir()) == sorted(expected)
    for name, text in expected.items():
        assert (GENERATED / name).read_text(encoding="utf-8") == text, (
            f"schemas/generated/{name} is stale: run python3 scripts/generate_schemas.py")


def test_the_test_dependencies_pin_the_botocore_that_generated_the_schemas():
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    test_extra = re.search(r"^test = \[(.*)\]$", pyproject, re.M).group(1)
    for kind in KINDS:
        assert f'"botocore=={_generated(kind)["x-botocore-version"]}"' in test_extra


@pytest.mark.parametrize("kind", KINDS)
def test_schemas_are_valid_json_schemas_and_record_their_source(kind):
    from jsonschema import Draft202012Validator

    generated = _generated(kind)
    assert generated["x-api-version"] == "2014-11-13"
    assert "botocore " + generated["x-botocore-version"] in generated["$comment"]
    Draft202012Validator.check_schema(generated)
    Draft202012Validator.check_schema(structure.schema(kind))


@pytest.mark.parametrize("kind", KINDS)
def test_additions_patch_only_what_the_generated_schema_has(kind):
    """A renamed shape or member in a newer model must not leave an addition silently unused, and an
    enum that an addition replaces must keep every value of the model's."""
    generated, patch = _generated(kind), ADDITIONS.get(kind, {})
    targets = [(generated, patch)] + [(generated["$defs"][name], p) for name, p in patch.get("$defs", {}).items()]
    for schema, shape_patch in targets:
        for member, change in shape_patch.get("properties", {}).items():
            assert member in schema["properties"], f"{kind}: additions name an unknown member {member}"
            if change.get("enum"):
                assert set(schema["properties"][member].get("enum", ())) <= set(change["enum"])
    hints = patch.get("x-hints", {})
    assert all(_resolve(structure.schema(kind), path) for path in hints), f"{kind}: a hint names an unknown member"


def _resolve(top: dict, path: str) -> dict | None:
    """The schema of the member at ``path`` (``a.b[].c``), or None."""
    schema: dict | None = top
    for step in re.findall(r"[^.\[\]]+|\[\]", path):
        if "$ref" in schema:
            schema = top["$defs"][schema["$ref"].rsplit("/", 1)[1]]
        schema = schema.get("items") if step == "[]" else schema.get("properties", {}).get(step)
        if schema is None:
            return None
    return schema


def test_unions_know_the_read_only_fields_and_require_only_what_every_shape_has():
    task, service, cluster = (_generated(kind) for kind in KINDS)
    for field in ("taskDefinitionArn", "revision", "status", "requiresAttributes", "compatibilities",
                  "registeredAt", "registeredBy", "deregisteredAt"):
        assert field in task["properties"]
    assert task["required"] == ["containerDefinitions", "family"]
    assert task["properties"]["registeredAt"]["type"] == ["string", "number", "null"]
    assert task["$defs"]["ContainerDefinition"]["additionalProperties"] is False
    assert task["$defs"]["ContainerDefinition"]["properties"]["dockerLabels"]["additionalProperties"] == {
        "type": ["string", "null"]}
    # create-service needs serviceName, update-service needs service: neither is required of a service.
    assert "required" not in service
    assert {"serviceName", "service", "deployments", "events"} <= set(service["properties"])
    assert "required" not in cluster and {"cluster", "clusterArn", "statistics"} <= set(cluster["properties"])


# Finding problems ---------------------------------------------------------------------------------


def test_did_you_mean_a_misspelled_or_pascal_case_key():
    members = list(_generated("task-definition")["properties"])
    container = list(_generated("task-definition")["$defs"]["ContainerDefinition"]["properties"])
    assert structure.closest("memoryReservaton", container) == "memoryReservation"
    assert structure.closest("ContainerDefinitions", members) == "containerDefinitions"
    assert structure.closest("NetworkMode", members) == "networkMode"
    assert structure.closest("execution_role_arn", members) == "executionRoleArn"
    assert structure.closest("env", container) is None


def test_unknown_keys_are_reported_at_the_key_with_a_suggestion():
    text = ('{"family": "web", "NetworkMode": "bridge",\n'
            ' "containerDefinitions": [{"name": "web", "image": "nginx:1.27",\n'
            '   "memoryReservaton": 256}]}')
    found = findings_of(lint_text(text, select=["ECS116"]), "ECS116")
    assert [(f.line, f.col) for f in found] == [(1, 19), (3, 4)]
    assert "NetworkMode of task definition 'web' is not a key the ECS API knows; did you mean 'networkMode'?" \
        in found[0].message
    assert "memoryReservaton of container 'web'" in found[1].message
    assert "did you mean 'memoryReservation'?" in found[1].message


def test_an_enum_value_in_the_wrong_case_suggests_the_right_one():
    text = '{"family": "web", "networkMode": "AWSVPC", "containerDefinitions": [{"name": "web", "image": "x"}]}'
    [finding] = findings_of(lint_text(text, select=["ECS115"]), "ECS115")
    assert "is 'AWSVPC', but the ECS API accepts only bridge, host, awsvpc, none or default" in finding.message
    assert finding.message.endswith("Did you mean 'awsvpc'?")


def test_task_level_cpu_must_be_a_string():
    text = '{"family": "web", "cpu": 256, "memory": "512", "containerDefinitions": [{"name": "web", "image": "x"}]}'
    [finding] = findings_of(lint_text(text, select=["ECS112"]), "ECS112")
    assert ('"Invalid type for parameter cpu, value: 256, type: <class \'int\'>, valid types: <class \'str\'>"'
            in finding.message)
    assert finding.message.endswith('Quote it: "256".')


def test_model_required_members_are_ecs111_once():
    text = ('{"family": "web", "containerDefinitions": [{"name": "web", "image": "x",\n'
            ' "ulimits": [{"name": "nofile", "hardLimit": 1024}],\n'
            ' "secrets": [{"name": "TOKEN"}],\n'
            ' "linuxParameters": {"tmpfs": [{"containerPath": "/tmp", "size": null}]}}]}')
    found = findings_of(lint_text(text, select=["ECS111"]), "ECS111")
    assert [f.message.split(", but")[0] for f in found] == [
        "ulimits[0].softLimit of container 'web' is missing",
        "secrets[0].valueFrom of container 'web' is missing",
        "linuxParameters.tmpfs[0].size of container 'web' is null",
    ]
    assert found[0].message.endswith("Add a value, or remove ulimits[0].")


def test_empty_role_arns_and_nulls_are_fine():
    text = ('{"family": "web", "taskRoleArn": "", "executionRoleArn": "", "pidMode": null, "cpu": null,\n'
            ' "containerDefinitions": [{"name": "web", "image": "x", "healthCheck": null, "secrets": null}]}')
    assert not [f for f in lint_text(text, select=["ECS111", *STRUCTURAL]).findings]


# Console exports and describe output as AWS writes them (other fixtures spoil values on purpose).
EXPORTS = ("ECS004/bad_console_export.json", "ECS004/bad_describe.yaml", "ECS111/good_export.json",
           "ECS112/good_export.json", "ECS116/good_keys.json", "ECS116/good_keys.yaml")


def _example_and_export_files() -> list[Path]:
    examples = [p for p in (ROOT / "examples").rglob("*") if p.suffix in (".json", ".yaml", ".yml")
                and "cloudformation" not in p.parts]  # the template example has a typo on purpose
    return examples + [ROOT / "tests" / "fixtures" / name for name in EXPORTS]


def test_examples_and_console_exports_have_no_structural_findings():
    from ecslint.engine import Input

    files = _example_and_export_files()
    assert len(files) >= 8
    inputs = [Input(str(p.relative_to(ROOT)), p.read_bytes()) for p in files]
    result = lint_inputs(inputs, select=list(STRUCTURAL))
    assert not result.internal_errors
    assert result.findings == []
    for path in files:
        for obj in _objects(path.read_text(encoding="utf-8"), "json" if path.suffix == ".json" else "yaml"):
            assert [p for p in structure.validation(obj).problems if p.kind != "required"] == [], path


def test_each_schema_is_compiled_once():
    structure.validator.cache_clear()
    texts = [SERVICE, SERVICE, CLUSTER, CLUSTER,
             '{"family": "a", "containerDefinitions": [{"name": "a", "image": "x"}]}',
             '{"family": "b", "containerDefinitions": [{"name": "b", "image": "x"}]}']
    for text in texts:
        for obj in _objects(text):
            structure.validation(obj)
    info = structure.validator.cache_info()
    assert (info.misses, info.hits) == (3, 3)


# Services and clusters --------------------------------------------------------------------------

SERVICE = """{
  "cluster": "prod",
  "serviceName": "web",
  "taskDefinition": "web:7",
  "desiredCount": "2",
  "launchType": "fargate",
  "loadBalancer": [],
  "DeploymentConfiguration": {"maximumPercent": 200},
  "networkConfiguration": {"awsvpcConfiguration": {"subnets": [], "assignPublicIp": "DISABLED"}},
  "deploymentController": {},
  "tags": [{"key": "team", "value": "web"}]
}"""
CLUSTER = """{
  "clusterName": "prod",
  "settings": [{"name": "containerInsights", "value": "Enabled"}],
  "capacityProviders": ["FARGATE", "FARGATE_SPOT"],
  "defaultCapacityProviderStrategy": [{"weight": 1}],
  "configuration": {"executeCommandConfiguration": {"logging": "DEFAULT"}}
}"""


def test_service_problems():
    [service] = _objects(SERVICE)
    assert isinstance(service, Service)
    assert _messages(service, "type")[0].startswith(
        "desiredCount of service 'web' is \"2\", but the ECS API expects an integer here")
    assert _messages(service, "enum")[0].endswith("Did you mean 'FARGATE'?")
    unknown = _messages(service, "unknown")
    assert "did you mean 'loadBalancers'?" in unknown[0] and "did you mean 'deploymentConfiguration'?" in unknown[1]
    assert sorted(m.split(", but")[0] for m in _messages(service, "required")) == [
        "deploymentController.type of service 'web' is missing",
        "networkConfiguration.awsvpcConfiguration.subnets of service 'web' is empty",
    ]


def test_cluster_problems():
    [cluster] = _objects(CLUSTER)
    assert isinstance(cluster, Cluster)
    assert _messages(cluster, "enum") == [
        "settings[0].value of cluster 'prod' is 'Enabled', but the ECS API accepts only enhanced, enabled or "
        "disabled here (case-sensitive) and rejects any other value. Did you mean 'enabled'?"]
    assert [m.split(", but")[0] for m in _messages(cluster, "required")] == [
        "defaultCapacityProviderStrategy[0].capacityProvider of cluster 'prod' is missing"]


def test_describe_outputs_of_services_and_clusters_are_clean():
    services = """{"services": [{
      "serviceArn": "arn:aws:ecs:us-east-1:123456789012:service/prod/web", "serviceName": "web",
      "clusterArn": "arn:aws:ecs:us-east-1:123456789012:cluster/prod", "status": "ACTIVE",
      "desiredCount": 2, "runningCount": 2, "pendingCount": 0, "launchType": "FARGATE",
      "platformVersion": "LATEST", "platformFamily": "Linux",
      "taskDefinition": "arn:aws:ecs:us-east-1:123456789012:task-definition/web:7",
      "deploymentConfiguration": {"deploymentCircuitBreaker": {"enable": true, "rollback": true},
                                  "maximumPercent": 200, "minimumHealthyPercent": 100},
      "deployments": [{"id": "ecs-svc/123", "status": "PRIMARY", "taskDefinition": "web:7", "desiredCount": 2,
                       "createdAt": 1714644672.345, "updatedAt": "2024-05-02T10:11:12+00:00",
                       "rolloutState": "COMPLETED", "rolloutStateReason": "done"}],
      "events": [{"id": "e1", "createdAt": 1714644672.0, "message": "(service web) has reached a steady state."}],
      "createdAt": "2024-05-02T10:11:12+00:00", "createdBy": "arn:aws:iam::123456789012:role/deploy",
      "enableECSManagedTags": false, "propagateTags": "NONE", "enableExecuteCommand": false,
      "schedulingStrategy": "REPLICA", "deploymentController": {"type": "ECS"},
      "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-1"], "securityGroups": ["sg-1"],
                                                       "assignPublicIp": "DISABLED"}},
      "loadBalancers": [], "serviceRegistries": [], "placementConstraints": [], "placementStrategy": []}],
      "failures": []}"""
    clusters = """{"clusters": [{
      "clusterArn": "arn:aws:ecs:us-east-1:123456789012:cluster/prod", "clusterName": "prod",
      "status": "ACTIVE", "registeredContainerInstancesCount": 0, "runningTasksCount": 2,
      "pendingTasksCount": 0, "activeServicesCount": 1, "statistics": [], "tags": [],
      "settings": [{"name": "containerInsights", "value": "enhanced"}],
      "capacityProviders": ["FARGATE"],
      "defaultCapacityProviderStrategy": [{"capacityProvider": "FARGATE", "weight": 1, "base": 0}],
      "serviceConnectDefaults": {"namespace": "arn:aws:servicediscovery:us-east-1:123456789012:namespace/ns-1"}}],
      "failures": []}"""
    objects = _objects(services) + _objects(clusters)
    assert [type(o) for o in objects] == [Service, Cluster]
    assert [p.violation.message for o in objects for p in structure.validation(o).problems] == []


def test_put_cluster_capacity_providers_and_update_service_inputs_are_known():
    put = '{"cluster": "prod", "capacityProviders": ["FARGATE"], "defaultCapacityProviderStrategy": []}'
    update = '{"service": "web", "cluster": "prod", "desiredCount": 3, "forceNewDeployment": true}'
    for text in (put, update):
        [obj] = _objects(text)
        assert structure.validation(obj).problems == []


def test_multi_document_yaml_validates_each_object_against_its_own_schema():
    text = ("family: web\ncontainerDefinitions:\n  - {name: web, image: nginx:1.27}\n"
            "---\nserviceName: web\ntaskDefinition: web\ndesiredCount: 1\nlaunchType: FARGATE\n"
            "networkConfiguration: {awsvpcConfiguration: {subnets: [subnet-1]}}\n")
    task, service = _objects(text, "yaml")
    assert isinstance(task, TaskDefinition) and isinstance(service, Service)
    assert structure.validation(task).problems == structure.validation(service).problems == []
