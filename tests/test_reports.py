"""Whole-output snapshots of every format on the bundled examples, and SARIF schema validation.

``ECSLINT_UPDATE_SNAPSHOTS=1 pytest tests/test_reports.py`` rewrites the snapshots; review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from ecslint.discover import collect
from ecslint.report import renderer
from helpers import lint_inputs, registry

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOTS = Path(__file__).parent / "snapshots"
SARIF_SCHEMA = ROOT.parent / "shared" / "reference" / "sarif" / "sarif-schema-2.1.0.json"


@pytest.fixture(scope="module")
def result():
    old = os.getcwd()
    os.chdir(ROOT)
    try:
        return lint_inputs(collect(["examples"], lambda path: False))
    finally:
        os.chdir(old)


def _render(result, name: str) -> str:
    text = renderer(name)(result, registry())
    if name == "sarif":  # the rule descriptors are the rule files; snapshot what the run found
        log = json.loads(text)
        run = log["runs"][0]
        run["tool"]["driver"]["rules"] = [r["id"] for r in run["tool"]["driver"]["rules"]]
        # Where this clone is on the machine: a file: URI that differs between machines.
        assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == ROOT.as_uri() + "/"
        assert run["invocations"][0]["workingDirectory"]["uri"] == ROOT.as_uri() + "/"
        run["originalUriBaseIds"]["%SRCROOT%"]["uri"] = run["invocations"][0]["workingDirectory"]["uri"] = "file:///ROOT/"
        text = json.dumps(log, indent=2, ensure_ascii=False) + "\n"
    return text


@pytest.mark.parametrize("name", ["text", "json", "sarif", "github", "junit", "gitlab"])
def test_snapshot(result, name):
    got = _render(result, name)
    snapshot = SNAPSHOTS / f"examples.{name}"
    if os.environ.get("ECSLINT_UPDATE_SNAPSHOTS"):
        snapshot.write_text(got, encoding="utf-8")
    assert got == snapshot.read_text(encoding="utf-8")


def test_examples_have_clean_and_faulty_files(result):
    paths = {f.path for f in result.findings if f.level in ("error", "warning")}
    assert "examples/fargate-web.json" not in paths
    assert {"examples/fargate-postgres.yaml", "examples/ec2-worker.json"} <= paths


def test_sarif_is_valid_against_the_2_1_0_schema(result):
    if not SARIF_SCHEMA.is_file():
        pytest.skip("../shared/reference/sarif is not beside this clone")
    from jsonschema import Draft7Validator

    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    log = json.loads(renderer("sarif")(result, registry(), category="ecslint/examples"))
    errors = sorted(Draft7Validator(schema).iter_errors(log), key=str)
    assert not errors, errors[0].message


def test_sarif_meets_github_code_scanning_requirements(result):
    log = json.loads(renderer("sarif")(result, registry()))
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.id for r in registry()]
    for rule in rules:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"] and rule["help"]["text"]
        assert len(rule["fullDescription"]["text"]) <= 1024
        assert rule["helpUri"].startswith("https://")
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
        if "security" in rule["properties"]["tags"]:
            assert 0 < float(rule["properties"]["security-severity"]) <= 10
    for item in run["results"]:
        assert rules[item["ruleIndex"]]["id"] == item["ruleId"]
        location = item["locations"][0]["physicalLocation"]
        assert not location["artifactLocation"]["uri"].startswith(("/", "file:"))
        region = location["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
        assert region["endColumn"] > region["startColumn"] or region["endLine"] > region["startLine"]
        assert item["partialFingerprints"]["primaryLocationLineHash"]
    fingerprints = [r["partialFingerprints"]["primaryLocationLineHash"] for r in run["results"]]
    assert len(fingerprints) == len(set(fingerprints))


def test_github_annotations_escape_their_fields():
    from ecslint.engine import Result
    from ecslint.findings import Finding

    finding = Finding("a,b:c\n.json", 1, 2, "ECS201", "50% off\nnext\x1b[2J\x07\x08", 1, 3, "error",
                      "fargate-network-mode")
    text = renderer("github")(Result(findings=[finding]), registry())
    assert text == ("::error file=a%2Cb%3Ac\\n.json,line=1,col=2,endLine=1,endColumn=3,"
                    "title=ECS201 fargate-network-mode::ECS201: 50%25 off\\nnext\\x1b[2J\\x07\\x08\n")


def test_sarif_uris_are_relative_to_the_repository_root(tmp_path):
    """GitHub places an alert by its path from the repository root, wherever ecslint ran."""
    from test_cli import FARGATE_BRIDGE, run, write

    repo = tmp_path / "repo"
    write(repo, ".git/HEAD", "ref: refs/heads/main\n")
    write(repo, "deploy/td.json", FARGATE_BRIDGE)
    write(repo, "ops/sub/td.json", FARGATE_BRIDGE)
    write(tmp_path, "outside/td.json", FARGATE_BRIDGE)
    result = run(["check", "-f", "sarif", "td.json", "../../deploy/td.json", str(tmp_path / "outside/td.json")],
                 repo / "ops" / "sub")
    run_ = json.loads(result.stdout)["runs"][0]
    assert run_["originalUriBaseIds"]["%SRCROOT%"]["uri"] == repo.resolve().as_uri() + "/"
    locations = [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in run_["results"]]
    assert {(loc["uri"], loc.get("uriBaseId")) for loc in locations} == {
        ("ops/sub/td.json", "%SRCROOT%"), ("deploy/td.json", "%SRCROOT%"),
        ((tmp_path / "outside/td.json").resolve().as_uri(), None)}
    outside_repo = run(["check", "-f", "sarif", "td.json"], tmp_path / "outside")
    run_ = json.loads(outside_repo.stdout)["runs"][0]
    assert run_["originalUriBaseIds"]["%SRCROOT%"]["uri"] == (tmp_path / "outside").resolve().as_uri() + "/"
    assert run_["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "td.json"


# GitLab Code Quality, as https://docs.gitlab.com/ci/testing/code_quality/ documents the report:
# an array of issues with these members (GitLab shows one issue per fingerprint).
GITLAB_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["description", "check_name", "fingerprint", "severity", "location"],
        "properties": {
            "description": {"type": "string", "minLength": 1},
            "check_name": {"type": "string", "minLength": 1},
            "fingerprint": {"type": "string", "minLength": 1},
            "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
            "location": {
                "type": "object",
                "required": ["path", "lines"],
                "properties": {
                    "path": {"type": "string", "minLength": 1, "not": {"pattern": "^(/|\\./)"}},
                    "lines": {"type": "object", "required": ["begin"],
                              "properties": {"begin": {"type": "integer", "minimum": 1},
                                             "end": {"type": "integer", "minimum": 1}}},
                },
            },
        },
    },
}


def test_gitlab_code_quality_has_the_documented_shape(result):
    from jsonschema import Draft7Validator

    issues = json.loads(_in_root(lambda: renderer("gitlab")(result, registry())))
    errors = sorted(Draft7Validator(GITLAB_SCHEMA).iter_errors(issues), key=str)
    assert not errors, errors[0].message
    assert len(issues) == len(result.findings)
    assert len({issue["fingerprint"] for issue in issues}) == len(issues)
    assert {issue["severity"] for issue in issues} == {"major", "minor", "info"}


def _in_root(render):
    old = os.getcwd()
    os.chdir(ROOT)
    try:
        return render()
    finally:
        os.chdir(old)


def test_junit_has_the_shape_ci_systems_read(result):
    """The elements and attributes Jenkins' JUnit XSD (junit-10.xsd) and GitLab's reader use."""
    from xml.etree import ElementTree

    root = ElementTree.fromstring(renderer("junit")(result, registry()))
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == sorted(set(result.linted) | set(result.failed))
    for total in ("tests", "failures", "errors"):
        assert int(root.get(total)) == sum(int(s.get(total)) for s in suites)
    failures = 0
    for suite in suites:
        cases = suite.findall("testcase")
        assert set(suite.attrib) == {"name", "tests", "failures", "errors"} and int(suite.get("tests")) == len(cases)
        for case in cases:
            assert case.get("classname") == suite.get("name") and case.get("name")
            problems = list(case)
            assert len(problems) <= 1 and all(p.tag in ("failure", "error") for p in problems)
            for problem in problems:
                assert problem.get("type").startswith("ECS") and problem.get("message")
                assert problem.text.startswith(f"{suite.get('name')}:")
            failures += len(problems)
    assert failures == len(result.findings)


def test_junit_reports_an_unreadable_file_as_an_error():
    from xml.etree import ElementTree

    from ecslint.engine import Input

    found = lint_inputs([Input("broken.json", b'{"family": "x", "containerDefinitions": ['), Input("ok.json", b"{}")])
    root = ElementTree.fromstring(renderer("junit")(found, registry()))
    assert (root.get("errors"), root.find("testsuite").get("name")) == ("1", "broken.json")
    assert root.find("testsuite/testcase/error").get("type") == "ECS001"
