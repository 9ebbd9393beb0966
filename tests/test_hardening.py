"""Image references as Docker reads them, and the settings of the security rules (ECS602's secret-names and
allowed-names, ECS612's registries) given through the configuration."""

from __future__ import annotations

import json

import pytest

from ecslint.config import Config, ConfigError
from ecslint.images import UNKNOWN, image_reference, may_match
from helpers import findings_of, lint_text, registry

DIGEST = "sha256:" + "4a3c1e9b" * 8


@pytest.mark.parametrize("text, registry_host, repository, tag, digest", [
    ("nginx", "docker.io", "nginx", None, None),
    ("nginx:1.27", "docker.io", "nginx", "1.27", None),
    ("library/nginx:latest", "docker.io", "library/nginx", "latest", None),
    ("docker.io/bitnami/redis:7.4", "docker.io", "bitnami/redis", "7.4", None),
    ("index.docker.io/library/nginx", "docker.io", "library/nginx", None, None),
    ("localhost/app", "localhost", "app", None, None),
    ("localhost:5000/app", "localhost:5000", "app", None, None),
    ("localhost:5000/team/app:1.0", "localhost:5000", "team/app", "1.0", None),
    ("Registry.Example.com/app", "registry.example.com", "app", None, None),
    ("123456789012.dkr.ecr.us-east-1.amazonaws.com/ns/app:v2", "123456789012.dkr.ecr.us-east-1.amazonaws.com",
     "ns/app", "v2", None),
    (f"nginx@{DIGEST}", "docker.io", "nginx", None, DIGEST),
    (f"public.ecr.aws/nginx/nginx:1.27@{DIGEST}", "public.ecr.aws", "nginx/nginx", "1.27", DIGEST),
])
def test_image_reference(text, registry_host, repository, tag, digest):
    reference = image_reference(text)
    assert (reference.registry, reference.repository, reference.tag, reference.digest) == \
        (registry_host, repository, tag, digest)


@pytest.mark.parametrize("text, mutable, pinned, registry_host", [
    ("nginx", True, False, "docker.io"),
    ("nginx:latest", True, False, "docker.io"),
    ("nginx:Latest", False, False, "docker.io"),  # tags are case-sensitive: not the latest tag
    ("nginx:1.27", False, False, "docker.io"),
    (f"nginx:latest@{DIGEST}", False, True, "docker.io"),
    ("localhost:5000/app", True, False, "localhost:5000"),
    ("${IMAGE}", None, None, None),
    ("<IMAGE>", None, None, None),
    ("app:${TAG}", None, None, "docker.io"),
    ("${REPOSITORY}:1.0", False, False, None),
    ("${NAMESPACE}/app:latest", True, False, None),
    ("${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/app", True, False, "?.dkr.ecr.?.amazonaws.com"),
    ("${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/${Name}", None, None, "?.dkr.ecr.?.amazonaws.com"),
    ("app@${DIGEST}", False, True, "docker.io"),
])
def test_what_a_reference_tells(text, mutable, pinned, registry_host):
    reference = image_reference(text)
    registry_host = registry_host.replace("?", UNKNOWN) if registry_host else None
    assert (reference.mutable_tag, reference.pinned, reference.registry) == (mutable, pinned, registry_host)


@pytest.mark.parametrize("host, pattern, matches", [
    ("docker.io", "docker.io", True),
    ("Public.ECR.aws", "public.ecr.aws", True),
    ("123456789012.dkr.ecr.us-east-1.amazonaws.com", "*.dkr.ecr.*.amazonaws.com", True),
    ("localhost:5000", "localhost:500[0-9]", True),
    ("localhost:5000", "localhost:50[!0]0", False),
    ("ghcr.io", "*.dkr.ecr.*.amazonaws.com", False),
    # A placeholder may stand for any text: a host that can match is not reported.
    ("?.dkr.ecr.?.amazonaws.com", "*.dkr.ecr.*.amazonaws.com", True),
    ("?.dkr.ecr.?.amazonaws.com", "123456789012.dkr.ecr.us-east-1.amazonaws.com", True),
    ("?.dkr.ecr.?.amazonaws.com", "?????????????.dkr.ecr.eu-*.amazonaws.com", True),
    ("?.dkr.ecr.?.amazonaws.com", "public.ecr.aws", False),
    ("?.dkr.ecr.?.amazonaws.com", "docker.io", False),
    ("?.dkr.ecr.?.amazonaws.com.cn", "*.amazonaws.com", False),
    ("registry.?", "registry.example.com", True),
    ("registry.?", "ghcr.io", False),
])
def test_a_host_may_match_a_pattern(host, pattern, matches):
    assert may_match(host.replace("?", UNKNOWN), pattern) is matches


def test_placeholders_stay_unknown_in_the_parts():
    reference = image_reference("${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/app:1.0")
    assert reference.registry == f"{UNKNOWN}.dkr.ecr.{UNKNOWN}.amazonaws.com"
    assert image_reference("   ") is None


def _task(*containers: dict) -> str:
    return json.dumps({"family": "app", "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc",
                       "cpu": "256", "memory": "512", "containerDefinitions": list(containers)}, indent=2)


IMAGES = _task({"name": "hub", "image": "nginx:1.27"},
               {"name": "ghcr", "image": "ghcr.io/example/app:1.0", "essential": False},
               {"name": "ecr", "image": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.0", "essential": False})


def _names(result, rule: str) -> list[str]:
    return [finding.message.split("'")[1] for finding in findings_of(result, rule)]


def test_registries_are_allowed_by_glob_and_silent_until_set():
    assert findings_of(lint_text(IMAGES), "ECS612") == []
    result = lint_text(IMAGES, options={"ECS612": {"registries": ["*.dkr.ecr.*.amazonaws.com", "GHCR.IO"]}})
    assert _names(result, "ECS612") == ["hub"]
    by_name = lint_text(IMAGES, options={"image-registry-not-allowed": {"registries": ["docker.io"]}})
    assert _names(by_name, "ECS612") == ["ghcr", "ecr"]


ENVIRONMENT = _task({"name": "app", "image": "public.ecr.aws/example/app:1.0", "environment": [
    {"name": "SIGNER_BLOB", "value": "c2lnbmVkLWJ5LW1l"},
    {"name": "LEGACY_SIGNER", "value": "c2lnbmVkLWJ5LW1l"},
    {"name": "STRIPE_PUBLISHABLE_KEY_TOKEN", "value": "pk_live_0000000000000000"},
    {"name": "DB_PASSWORD", "value": "Sup3rS3cret!"},
    {"name": "SIGNER_BLOB_ENABLED", "value": "true"},
]})


def _variables(result) -> list[str]:
    return [finding.message.split()[2] for finding in findings_of(result, "ECS602")]


def test_secret_names_mark_more_variables_and_allowed_names_none():
    assert _variables(lint_text(ENVIRONMENT)) == ["STRIPE_PUBLISHABLE_KEY_TOKEN", "DB_PASSWORD"]
    options = {"secrets-in-environment": {"secret-names": [r"signer_\w+", "legacy_signer"],
                                          "allowed-names": ["stripe_publishable_key_token"]}}
    # The whole name must match, case-insensitively; a switch value is still no credential.
    assert _variables(lint_text(ENVIRONMENT, options=options)) == ["SIGNER_BLOB", "LEGACY_SIGNER", "DB_PASSWORD"]


def test_secret_names_mirror_aws_config_secret_keys():
    text = _task({"name": "app", "image": "public.ecr.aws/example/app:1.0",
                  "environment": [{"name": "ECS_ENGINE_AUTH_TYPE", "value": "dockercfg"},
                                  {"name": "CI_DEPLOY_USER", "value": "deployer"}]})
    options = {"ECS602": {"secret-names": ["CI_DEPLOY_USER"]}}
    assert _variables(lint_text(text, options=options)) == ["CI_DEPLOY_USER"]


@pytest.mark.parametrize("options, message", [
    ({"ECS602": {"secret-names": ["password(", "token"]}},
     "options: ECS602.secret-names[0]: 'password(' is not a 'regex' (missing ), unterminated subpattern"),
    ({"ECS602": {"allowed-names": "PUBLIC_KEY_ID"}}, "options: ECS602.allowed-names: 'PUBLIC_KEY_ID' is not of type"),
    ({"ECS612": {"registries": [""]}}, "options: ECS612.registries[0]: '' should be non-empty"),
    ({"ECS612": {"registry": ["docker.io"]}}, "has no setting 'registry'"),
])
def test_bad_settings_are_configuration_errors(options, message):
    with pytest.raises(ConfigError) as error:
        Config(select=["ALL"], options=options).resolve(registry())
    assert message in str(error.value)


def test_rule_defaults_pass_their_own_schemas():
    for rule in registry():
        for option in rule.options.values():
            Config(options={rule.id: {option.name: option.default}}).resolve(registry())
