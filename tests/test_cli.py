"""The command line end to end: inputs, exit codes, configuration, suppressions and bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from ecslint.cli import main
from helpers import HARDENING

FARGATE_BRIDGE = """{
  "family": "web",
  "requiresCompatibilities": ["FARGATE"],
  "networkMode": "bridge",
  "cpu": "256",
  "memory": "512",
  "executionRoleArn": "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
  "containerDefinitions": [{"name": "web", "image": "nginx:1.27", "logConfiguration": {"logDriver": "awslogs",
    "options": {"awslogs-group": "/ecs/web", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "web"}}}]
}
"""
CLEAN = """{
  "family": "web",
  "requiresCompatibilities": ["FARGATE"],
  "networkMode": "awsvpc",
  "cpu": "256",
  "memory": "512",
  "executionRoleArn": "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
  "containerDefinitions": [{"name": "web", "image": "nginx:1.27", "logConfiguration": {"logDriver": "awslogs",
    "options": {"awslogs-group": "/ecs/web", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "web"}}}]
}
"""


def run(args, cwd: Path | None = None, stdin: str | bytes | None = None):
    """Run the CLI; ``check`` without the rules of :data:`helpers.HARDENING`, as the in-process tests lint."""
    runner = CliRunner()
    old = os.getcwd()
    os.chdir(cwd or old)
    if args and args[0] == "check":
        args = [*args, "--ignore", ",".join(HARDENING)]
    try:
        return runner.invoke(main, args, input=stdin, catch_exceptions=False)
    finally:
        os.chdir(old)


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def json_findings(result) -> list[tuple[str, int, str]]:
    return [(f["path"], f["line"], f["rule"]) for f in json.loads(result.stdout)["findings"]]


def test_clean_file_exits_0(tmp_path):
    write(tmp_path, "td.json", CLEAN)
    result = run(["check", "td.json"], tmp_path)
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "no problems (1 file linted)" in result.stderr


def test_findings_exit_1_with_compiler_style_lines(tmp_path):
    write(tmp_path, "td.json", FARGATE_BRIDGE)
    result = run(["check", "td.json"], tmp_path)
    assert result.exit_code == 1
    assert result.stdout.startswith("td.json:4:18: error[ECS201] [*] networkMode is 'bridge'")


def test_shortcut_without_check(tmp_path):
    write(tmp_path, "td.json", FARGATE_BRIDGE)
    assert run(["td.json", "--format", "json"], tmp_path).exit_code == 1
    assert run(["--format", "json", "td.json"], tmp_path).exit_code == 1


def test_fail_level(tmp_path):
    write(tmp_path, "td.json", FARGATE_BRIDGE)
    assert run(["check", "--fail-level", "none", "td.json"], tmp_path).exit_code == 0
    write(tmp_path, "dup.json", CLEAN.replace('"family": "web",', '"family": "web", "family": "web",'))
    assert run(["check", "--select", "ECS002", "dup.json"], tmp_path).exit_code == 1
    assert run(["check", "--select", "ECS002", "--fail-level", "error", "dup.json"], tmp_path).exit_code == 0


def test_unreadable_file_exits_2_and_others_are_still_linted(tmp_path):
    write(tmp_path, "a_broken.json", '{"family": "web",, "containerDefinitions": []}')
    write(tmp_path, "b.json", FARGATE_BRIDGE)
    result = run(["check", "--format", "json", "."], tmp_path)
    assert result.exit_code == 2
    assert json_findings(result) == [("a_broken.json", 1, "ECS001"), ("b.json", 4, "ECS201")]


@pytest.mark.parametrize(
    "name, content, line",
    [
        ("empty.json", b"", None),
        ("empty.yaml", b"", None),
        ("broken-package.json", b'{"name": "app",', None),
        ("binary.json", b"\x7fELF\x02\x01\x01\x00\x00\x00", 1),
        ("latin1.json", '{"family": "caf\u00e9", "containerDefinitions": []}'.encode("latin-1"), 1),
        ("truncated.json", b'{"family": "web", "containerDefinitions": [{"name": "web"', 1),
        ("truncated.yaml", b"family: web\ncontainerDefinitions:\n  - name: [web\n", 4),
        ("tabs.yaml", b"family: web\n\tcpu: 1\ncontainerDefinitions: []\n", 2),
    ],
)
def test_bad_input_is_a_clear_error(tmp_path, name, content, line):
    write(tmp_path, name, content)
    result = run(["check", "--format", "json", name], tmp_path)
    assert "Traceback" not in result.output
    if line is None:  # no ECS content (not even broken): skipped, not an error
        assert result.exit_code == 0
        assert [s["path"] for s in json.loads(result.stdout)["files"]["skipped"]] == [name]
        return
    assert result.exit_code == 2
    [finding] = json.loads(result.stdout)["findings"]
    assert (finding["rule"], finding["line"]) == ("ECS001", line)


@pytest.mark.parametrize(
    "content",
    [
        '{"family": "web", "cpu": true, "memory": [], "requiresCompatibilities": "FARGATE", "containerDefinitions": [{"name": 1, "image": null, "essential": "yes", "portMappings": "80", "memory": "512"}]}',
        '{"family": null, "containerDefinitions": null, "volumes": {"a": 1}}',
        '{"family": "web", "containerDefinitions": [null, 1, "x", [], {"name": "a", "image": "b", "linuxParameters": [], "dependsOn": [{}], "logConfiguration": "awslogs", "healthCheck": {"command": "CMD"}}]}',
        '{"taskDefinition": {"containerDefinitions": [{"name": "a", "image": "b", "environment": null, "secrets": [null], "mountPoints": [{"sourceVolume": 3}]}], "volumes": [null, {"efsVolumeConfiguration": "x"}]}}',
    ],
)
def test_wrong_types_never_crash(tmp_path, content):
    write(tmp_path, "td.json", content)
    result = run(["check", "td.json"], tmp_path)
    assert "internal error" not in result.stderr
    assert result.exit_code in (0, 1)


def test_not_ecs_content_is_skipped_and_listed_with_verbose(tmp_path):
    write(tmp_path, "package.json", '{"name": "app", "version": "1.0.0"}')
    write(tmp_path, "config.yaml", "a: 1\n")
    write(tmp_path, "td.json", CLEAN)
    result = run(["check", "."], tmp_path)
    assert result.exit_code == 0
    assert "1 file linted; 2 skipped" in result.stderr
    verbose = run(["check", "--verbose", "."], tmp_path)
    assert "skipped config.yaml: no ECS task definition, service or cluster found" in verbose.stderr
    assert "skipped package.json: no ECS task definition, service or cluster found" in verbose.stderr


def test_a_file_named_on_the_command_line_that_is_not_ecs_says_so(tmp_path):
    write(tmp_path, "compose.yaml", "services:\n  web:\n    image: nginx\nversion: '3'\n")
    result = run(["check", "compose.yaml"], tmp_path)
    assert result.exit_code == 0
    assert "skipped compose.yaml: a Docker Compose file, not ECS content" in result.stderr
    assert "nothing linted (0 files linted; 1 skipped (not ECS content))" in result.stderr
    assert "no problems" not in result.stderr
    hook = run(["pre-commit", "compose.yaml"], tmp_path)  # every staged file: the others pass silently
    assert hook.exit_code == 0
    assert "skipped" not in hook.stderr.split("(")[0] and "compose.yaml" not in hook.stderr
    as_json = run(["check", "--format", "json", "compose.yaml"], tmp_path)
    assert json.loads(as_json.stdout)["files"]["skipped"] == [
        {"path": "compose.yaml", "reason": "a Docker Compose file, not ECS content"}]


def test_directory_walk_skips_vendored_dirs_and_honours_exclude(tmp_path):
    for folder in ("node_modules", ".git", "venv", "generated", "deploy"):
        write(tmp_path, f"{folder}/td.json", FARGATE_BRIDGE)
    write(tmp_path, "venv/pyvenv.cfg", "home = /usr\n")
    write(tmp_path, "deploy/notes.txt", FARGATE_BRIDGE)
    result = run(["check", "--format", "json", "--exclude", "generated", "."], tmp_path)
    assert {p for p, _, _ in json_findings(result)} == {"deploy/td.json"}


def test_stdin_with_and_without_a_name(tmp_path):
    result = run(["check", "-"], tmp_path, stdin=FARGATE_BRIDGE)
    assert result.stdout.startswith("-:4:18: error[ECS201]")
    named = run(["check", "--stdin-filename", "deploy/td.yaml", "-"], tmp_path,
                stdin="family: web\nrequiresCompatibilities: [FARGATE]\ncontainerDefinitions: []\n")
    assert named.stdout.startswith("deploy/td.yaml:2:1: error[ECS201]")


def test_json_and_yaml_task_definitions_and_describe_output(tmp_path):
    write(tmp_path, "a.yaml", "family: web\nrequiresCompatibilities: [FARGATE]\nnetworkMode: host\n"
                              "cpu: '256'\nmemory: '512'\ncontainerDefinitions: [{name: web, image: nginx}]\n")
    write(tmp_path, "b.json", '{"taskDefinition": ' + FARGATE_BRIDGE + ', "tags": []}')
    result = run(["check", "--select", "ECS201", "--format", "json", "."], tmp_path)
    assert json_findings(result) == [("a.yaml", 3, "ECS201"), ("b.json", 4, "ECS201")]


def test_inline_suppression_on_the_line_and_the_line_above(tmp_path):
    write(tmp_path, "a.yaml", "family: web\nrequiresCompatibilities: [FARGATE]\n"
                              "networkMode: bridge  # ecslint: ignore[ECS201] legacy\n"
                              "cpu: '256'\nmemory: '512'\ncontainerDefinitions: [{name: web, image: nginx}]\n")
    write(tmp_path, "b.yaml", "family: web\nrequiresCompatibilities: [FARGATE]\n"
                              "# ecslint: ignore[fargate-network-mode]\nnetworkMode: bridge\n"
                              "cpu: '256'\nmemory: '512'\ncontainerDefinitions: [{name: web, image: nginx}]\n")
    result = run(["check", "--select", "ECS201,ECS003", "a.yaml", "b.yaml"], tmp_path)
    assert result.exit_code == 0, result.stdout


def test_config_file_select_ignore_levels_and_per_file_ignores(tmp_path):
    write(tmp_path, "legacy/td.json", FARGATE_BRIDGE)
    write(tmp_path, "td.json", FARGATE_BRIDGE)
    write(tmp_path, ".ecslint.yaml", "per-file-ignores:\n  'legacy/*': [ECS2]\nlevels:\n  ECS201: warning\n")
    result = run(["check", "--format", "json", "."], tmp_path)
    findings = json.loads(result.stdout)["findings"]
    assert [(f["path"], f["rule"], f["level"]) for f in findings if f["rule"] == "ECS201"] == [("td.json", "ECS201", "warning")]
    write(tmp_path, ".ecslint.yaml", "ignore: [fargate-network-mode]\n")
    assert "ECS201" not in run(["check", "td.json"], tmp_path).stdout


def test_pyproject_config_is_found_upward(tmp_path):
    write(tmp_path, "pyproject.toml", '[project]\nname = "x"\n\n[tool.ecslint]\nselect = ["ECS002"]\n')
    write(tmp_path, "sub/td.json", FARGATE_BRIDGE)
    result = run(["check", "td.json"], tmp_path / "sub")
    assert result.exit_code == 0, result.stdout


def test_cli_select_overrides_config(tmp_path):
    write(tmp_path, ".ecslint.yaml", "select: [ECS002]\n")
    write(tmp_path, "td.json", FARGATE_BRIDGE)
    assert run(["check", "--select", "ECS2", "td.json"], tmp_path).exit_code == 1


def test_most_specific_selector_wins(tmp_path):
    write(tmp_path, "td.json", FARGATE_BRIDGE)
    assert run(["check", "--select", "ECS201", "--ignore", "ECS2", "td.json"], tmp_path).exit_code == 1
    assert run(["check", "--select", "ECS2", "--ignore", "ECS201", "--fail-level", "error", "td.json"],
               tmp_path).stdout.count("ECS201") == 0


@pytest.mark.parametrize(
    "config, words",
    [
        ("select: [NOPE1]\n", "unknown rule selector 'NOPE1'"),
        ("colour: red\n", "Additional properties are not allowed"),
        ("fail-level: sometimes\n", "fail-level"),
        ("select: [ECS2\n", "cannot read"),
    ],
)
def test_bad_configuration_exits_2_with_the_file_and_key(tmp_path, config, words):
    write(tmp_path, ".ecslint.yaml", config)
    write(tmp_path, "td.json", CLEAN)
    result = run(["check", "td.json"], tmp_path)
    assert result.exit_code == 2
    assert words in result.stderr and ".ecslint.yaml" in result.stderr


def test_unknown_selector_on_the_command_line_exits_2(tmp_path):
    write(tmp_path, "td.json", CLEAN)
    result = run(["check", "--select", "XYZ", "td.json"], tmp_path)
    assert result.exit_code == 2 and "unknown rule selector 'XYZ'" in result.stderr


def test_color_only_when_asked_or_on_a_terminal(tmp_path):
    write(tmp_path, "td.json", FARGATE_BRIDGE)
    assert "\x1b[" not in run(["check", "td.json"], tmp_path).stdout
    assert "\x1b[1;31merror" in run(["check", "--color", "always", "td.json"], tmp_path).stdout


def test_output_file(tmp_path):
    write(tmp_path, "td.json", FARGATE_BRIDGE)
    result = run(["check", "-f", "sarif", "-o", "out.sarif", "td.json"], tmp_path)
    assert result.exit_code == 1 and result.stdout == ""
    assert json.loads((tmp_path / "out.sarif").read_text())["version"] == "2.1.0"


def test_rules_and_explain():
    rows = json.loads(run(["rules", "--format", "json"]).stdout)
    assert len(rows) >= 25
    assert {"id", "name", "level", "summary", "tags"} <= set(rows[0])
    assert [r["id"] for r in rows] == sorted(r["id"] for r in rows)
    text = run(["explain", "ECS201"]).stdout
    assert text.startswith("ECS201 fargate-network-mode (error)") and "Why is this bad?" in text
    assert run(["explain", "fargate-network-mode"]).stdout == text
    missing = run(["explain", "ECS999"])
    assert missing.exit_code == 2 and "unknown rule" in missing.stderr


def test_rules_dir_adds_a_third_party_rule(tmp_path):
    rules = tmp_path / "rules"
    write(rules, "ACME001.yaml", """id: ACME001
name: acme-family-prefix
level: warning
summary: Task families start with acme-.
rationale: Our account naming convention.
fix: Rename the family.
check:
  applies_to: TaskDefinition
  python: acme_checks.py:family_prefix
examples:
  bad: [{format: json, content: '{"family": "web", "containerDefinitions": []}', lines: [1]}]
  good: [{format: json, content: '{"family": "acme-web", "containerDefinitions": []}'}]
""")
    write(rules, "acme_checks.py", """from ecslint.findings import Violation

def family_prefix(task, ctx):
    node = task.get("family")
    if node is not None and not str(node.value).startswith("acme-"):
        yield Violation(node, "family must start with acme-")
""")
    write(tmp_path, "td.json", CLEAN)
    result = run(["check", "--rules-dir", "rules", "--select", "ACME", "td.json"], tmp_path)
    assert result.stdout == "td.json:2:13: warning[ACME001] family must start with acme-\n"
    assert "ACME001" in run(["rules", "--rules-dir", str(rules)]).stdout


def _opt_in_pack(tmp_path: Path) -> None:
    """A rule pack with one opt-in rule (tag house-style) that has a setting: the family prefix."""
    write(tmp_path, "rules/HOUSE001.yaml", """id: HOUSE001
name: house-family-prefix
level: warning
default: false
tags: [house-style]
summary: Task families start with the team's prefix.
rationale: Our account naming convention.
fix: Rename the family.
options:
  prefix:
    description: The prefix every family starts with.
    default: acme-
    schema: {type: string, minLength: 1}
check:
  applies_to: TaskDefinition
  python: house.py:family_prefix
""")
    write(tmp_path, "rules/house.py", """from ecslint.findings import Violation

def family_prefix(task, ctx):
    node = task.get("family")
    if node is not None and not str(node.value).startswith(ctx.option("prefix")):
        yield Violation(node, "family must start with " + ctx.option("prefix"))
""")
    write(tmp_path, "td.json", CLEAN)


@pytest.mark.parametrize("args, config, fires", [
    ([], "", False),                                            # opt-in: not in the default set
    (["--extend-select", "house-style"], "", True),             # selected by its tag
    (["--select", "ALL"], "", True),                            # ALL is every rule
    (["--select", "HOUSE001"], "", True),
    ([], "extend-select: [house-style]\n", True),
    ([], "extend-select: [house-style]\nignore: [HOUSE001]\n", False),  # the more specific selector wins
    (["--select", "default"], "extend-select: [HOUSE]\n", True),
])
def test_opt_in_rules_run_only_when_selected(tmp_path, args, config, fires):
    _opt_in_pack(tmp_path)
    if config:
        write(tmp_path, ".ecslint.yaml", config)
    result = run(["check", "--rules-dir", "rules", *args, "td.json"], tmp_path)
    assert ("HOUSE001" in result.stdout) == fires, result.stdout
    assert "ECS201" not in result.stdout  # the default rules still run, and this file is clean


def test_rule_options_come_from_the_configuration(tmp_path):
    _opt_in_pack(tmp_path)
    args = ["check", "--rules-dir", "rules", "--extend-select", "house-style", "td.json"]
    assert "family must start with acme-" in run(args, tmp_path).stdout  # the default
    write(tmp_path, ".ecslint.yaml", "options:\n  house-family-prefix: {prefix: we}\n")
    assert run(args, tmp_path).exit_code == 0  # "web" starts with "we"
    write(tmp_path, ".ecslint.yaml", "options:\n  HOUSE001: {prefix: team-}\n")
    assert "family must start with team-" in run(args, tmp_path).stdout
    assert "(opt-in)" in run(["rules", "--rules-dir", "rules"], tmp_path).stdout
    explained = run(["explain", "--rules-dir", "rules", "HOUSE001"], tmp_path).stdout
    assert "Opt-in: extend-select: [HOUSE001]" in explained and "prefix (default: \"acme-\")" in explained


@pytest.mark.parametrize("config, words", [
    ("options:\n  NOPE001: {prefix: x}\n", "options: unknown rule 'NOPE001'"),
    ("options:\n  HOUSE001: {suffix: x}\n", "has no setting 'suffix'"),
    ("options:\n  HOUSE001: {prefix: 3}\n", "options: HOUSE001.prefix"),
    ("options:\n  HOUSE001: [prefix]\n", "options.HOUSE001"),
])
def test_bad_rule_options_exit_2(tmp_path, config, words):
    _opt_in_pack(tmp_path)
    write(tmp_path, ".ecslint.yaml", config)
    result = run(["check", "--rules-dir", "rules", "td.json"], tmp_path)
    assert result.exit_code == 2 and words in result.stderr and ".ecslint.yaml" in result.stderr, result.stderr


def test_broken_rules_dir_exits_2(tmp_path):
    write(tmp_path, "rules/BAD001.yaml", "id: nope\n")
    result = run(["check", "--rules-dir", "rules", "."], tmp_path)
    assert result.exit_code == 2 and "'id' must look like" in result.stderr


def test_python_dash_m_and_version(tmp_path):
    write(tmp_path, "td.json", FARGATE_BRIDGE)
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(root)}
    proc = subprocess.run([sys.executable, "-m", "ecslint", "check", "td.json"], cwd=tmp_path,
                          capture_output=True, text=True, env=env)
    assert proc.returncode == 1 and "error[ECS201]" in proc.stdout
    version = subprocess.run([sys.executable, "-m", "ecslint", "--version"], capture_output=True, text=True, env=env)
    assert version.stdout.startswith("ecslint, version ")


def test_output_is_deterministic(tmp_path):
    for i in range(5):
        write(tmp_path, f"td{i}.json", FARGATE_BRIDGE)
    outputs = {run(["check", "-f", fmt, "."], tmp_path).stdout for fmt in ("sarif",) for _ in range(3)}
    assert len(outputs) == 1


def test_entry_point_rule_packs_are_loaded(tmp_path, monkeypatch):
    from importlib import metadata

    from ecslint import registry as registry_module

    pack = tmp_path / "pack"
    write(pack, "ACME002.yaml", """id: ACME002
name: acme-needs-tags
level: info
summary: Task definitions carry tags.
rationale: Cost allocation.
fix: Add tags.
check:
  applies_to: TaskDefinition
  schema: {required: [tags]}
  message: "{object} has no tags"
examples:
  bad: [{format: json, content: '{"family": "web", "containerDefinitions": []}', lines: [1]}]
  good: [{format: json, content: '{"family": "web", "containerDefinitions": [], "tags": []}'}]
""")

    class FakeEntryPoint:
        name, value = "acme", "acme:rules_dir"

        def load(self):
            return lambda: str(pack)

    real = metadata.entry_points
    monkeypatch.setattr(registry_module, "_may_register_rule_packs", lambda: True)
    monkeypatch.setattr(metadata, "entry_points",
                        lambda group=None: [FakeEntryPoint()] if group == registry_module.ENTRY_POINT_GROUP else real(group=group))
    rules = registry_module.load_registry()
    assert rules.lookup("ACME002").name == "acme-needs-tags"


def test_missing_path_is_an_error_and_the_rest_is_linted(tmp_path):
    write(tmp_path, "td.json", FARGATE_BRIDGE)
    result = run(["check", "--format", "json", "missing.json", "td.json"], tmp_path)
    assert result.exit_code == 2
    assert json_findings(result) == [("missing.json", 1, "ECS001"), ("td.json", 4, "ECS201")]
    assert json.loads(result.stdout)["findings"][0]["message"] == "no such file or directory"


def test_installed_console_script_works_from_any_directory(tmp_path):
    """The installed ``ecslint`` (CI installs the wheel) carries its rule pack and schemas."""
    script = Path(sys.executable).parent / "ecslint"
    if not script.is_file():
        pytest.skip("no ecslint console script next to this Python")
    write(tmp_path, "td.json", FARGATE_BRIDGE)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    rules = subprocess.run([str(script), "rules", "--format", "json"], cwd=tmp_path, capture_output=True, text=True, env=env)
    assert rules.returncode == 0, rules.stderr
    assert len(json.loads(rules.stdout)) >= 25
    checked = subprocess.run([str(script), "check", "td.json"], cwd=tmp_path, capture_output=True, text=True, env=env)
    assert checked.returncode == 1 and "error[ECS201]" in checked.stdout, checked.stderr
