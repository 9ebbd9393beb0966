"""Settings and edge cases of the operations rules that their fixtures do not show."""

from __future__ import annotations

import json

from helpers import findings_of, lint_text

SERVICE = {"serviceName": "web", "cluster": "prod", "taskDefinition": "web:3", "launchType": "FARGATE",
           "platformVersion": "1.3.0"}


def _ecs617(service: dict, **config) -> list[str]:
    return [f.message for f in findings_of(lint_text(json.dumps(service), **config), "ECS617")]


def test_minimum_version_accepts_versions_at_or_above_it():
    options = {"ECS617": {"minimum-version": "1.4.0"}}
    assert _ecs617({**SERVICE, "platformVersion": "1.4.0"}, options=options) == []
    found = _ecs617(SERVICE, options={"fargate-platform-version-not-latest": {"minimum-version": "1.4.0"}})
    assert len(found) == 1 and "older than the minimum-version 1.4.0" in found[0]


def test_pinned_version_is_reported_without_a_minimum():
    assert len(_ecs617({**SERVICE, "platformVersion": "1.4.0"})) == 1
    assert _ecs617({**SERVICE, "platformVersion": "LATEST"}) == []
    assert _ecs617({**SERVICE, "launchType": "EXTERNAL"}) == []
