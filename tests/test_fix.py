"""``ecslint check --fix`` / ``--diff``: each fixable rule in each format it applies to, the rest of
the file byte for byte, a second ``--fix`` a no-op; and over the corpus, no file left unreadable or
short of a key."""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from ecslint.autofix import _keys, apply, fix_inputs
from ecslint.cli import main
from ecslint.config import Config
from ecslint.discover import collect
from ecslint.findings import Edit, Fix
from ecslint.read import guess_format, parse
from helpers import HARDENING, findings_of, lint_text, registry

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"

API_JSON = """{
  "family": "web",
  "requiresCompatibilities": ["FARGATE"],
  "networkMode": "awsvpc",
  "cpu": "256",
  "memory": "512",
  "containerDefinitions": [
    {"name": "web", "image": "nginx:1.27", "essential": true,
     "portMappings": [{"containerPort": 80}]}
  ]
}
"""
API_YAML = """# the web task
family: web
requiresCompatibilities: [FARGATE]
networkMode: 'awsvpc'  # was bridge
cpu: '256'
memory: '512'
containerDefinitions:
  - name: web  # the only one
    image: nginx:1.27
    essential: true
    portMappings:
      - containerPort: 80
"""
CFN_YAML = """AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: web  # the web task
      RequiresCompatibilities: [FARGATE]
      NetworkMode: awsvpc
      Cpu: 256
      Memory: 512
      ContainerDefinitions:
        - Name: web
          Image: nginx:1.27
          Essential: true
          PortMappings:
            - ContainerPort: 80
"""
CFN_JSON = """{
  "Resources": {
    "Task": {
      "Type": "AWS::ECS::TaskDefinition",
      "Properties": {
        "Family": "web",
        "RequiresCompatibilities": ["FARGATE"],
        "NetworkMode": "awsvpc",
        "Cpu": "256",
        "Memory": "512",
        "ContainerDefinitions": [
          {"Name": "web", "Image": "nginx:1.27", "Essential": true, "PortMappings": [{"ContainerPort": 80}]}
        ]
      }
    }
  }
}
"""
TERRAFORM = """# the web task
resource "aws_ecs_task_definition" "web" {
  family                   = "web"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc" # was bridge
  cpu                      = 256
  memory                   = 512
  container_definitions = jsonencode([
    {
      name         = "web"
      image        = "nginx:1.27"
      essential    = true
      portMappings = [{ containerPort = 80 }]
    }
  ])
}
"""
BRIDGE = API_JSON.replace("awsvpc", "bridge")
NAMES = {"api-json": ("task.json", API_JSON), "api-yaml": ("task.yaml", API_YAML),
         "cfn-yaml": ("template.yaml", CFN_YAML), "cfn-json": ("template.json", CFN_JSON),
         "terraform": ("main.tf", TERRAFORM)}


def _run(*args: str) -> tuple[int, str]:
    outcome = CliRunner().invoke(main, ["check", *args, "--ignore", ",".join(HARDENING)])
    return outcome.exit_code, outcome.output


def _fixed(tmp_path: Path, name: str, text: str, rule: str, *options: str) -> str:
    """The file's text after ``--fix``: the finding of ``rule`` is there before and gone after, and
    a second ``--fix`` changes nothing."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    assert findings_of(lint_text(text, name=name), rule), f"{rule} is not reported before the fix"
    _run("--fix", *options, str(path))
    fixed = path.read_text(encoding="utf-8")
    assert not findings_of(lint_text(fixed, name=name), rule), fixed
    _run("--fix", *options, str(path))
    assert path.read_text(encoding="utf-8") == fixed, "a second --fix changed the file"
    return fixed


def _case(fmt: str, *replacements: tuple[str, str]) -> tuple[str, str, str]:
    """The base file of ``fmt`` with each (old, new) applied once: (name, bad text, fixed text)."""
    name, fixed = NAMES[fmt]
    bad = fixed
    for old, new in replacements:
        assert old in bad
        bad = bad.replace(old, new, 1)
    return name, bad, fixed


# ECS201: networkMode awsvpc on a Fargate-only task definition ---------------------------------


@pytest.mark.parametrize("fmt,old,new", [
    ("api-json", '"networkMode": "bridge"', '"networkMode": "awsvpc"'),
    ("api-yaml", "networkMode: 'bridge'", "networkMode: 'awsvpc'"),
    ("cfn-yaml", "NetworkMode: bridge", "NetworkMode: awsvpc"),
    ("cfn-json", '"NetworkMode": "bridge"', '"NetworkMode": "awsvpc"'),
    ("terraform", 'network_mode             = "bridge"', 'network_mode             = "awsvpc"'),
])
def test_network_mode_set_to_awsvpc(tmp_path, fmt, old, new):
    name, text, fixed = _case(fmt, (new, old))
    assert _fixed(tmp_path, name, text, "ECS201") == fixed


@pytest.mark.parametrize("fmt,line,added", [
    ("api-json", '  "networkMode": "awsvpc",\n', '  "networkMode": "awsvpc",\n'),
    ("api-yaml", "networkMode: 'awsvpc'  # was bridge\n", "networkMode: awsvpc\n"),
    ("cfn-yaml", "      NetworkMode: awsvpc\n", "      NetworkMode: awsvpc\n"),
    ("terraform", '  network_mode             = "awsvpc" # was bridge\n', '  network_mode = "awsvpc"\n'),
])
def test_network_mode_added_before_the_first_member(tmp_path, fmt, line, added):
    name, text, _ = _case(fmt)
    without = text.replace(line, "")
    first = {"api-json": '  "family"', "api-yaml": "family:", "cfn-yaml": "      Family:",
             "terraform": "  family "}[fmt]
    expected = without.replace(first, added + first, 1)
    assert _fixed(tmp_path, name, without, "ECS201") == expected


def test_network_mode_with_ec2_too_is_an_unsafe_fix(tmp_path):
    text = API_JSON.replace('["FARGATE"]', '["FARGATE", "EC2"]').replace("awsvpc", "bridge")
    path = tmp_path / "task.json"
    path.write_text(text)
    code, output = _run("--fix", str(path))
    assert path.read_text() == text and code == 1 and "[*]" not in output
    assert _fixed(tmp_path, "task.json", text, "ECS201", "--unsafe-fixes") == text.replace("bridge", "awsvpc")


# ECS202: Fargate memory to the nearest valid size (unsafe) ------------------------------------


@pytest.mark.parametrize("fmt,old,new", [
    ("api-json", '"memory": "512"', '"memory": "700"'),
    ("api-yaml", "memory: '512'", "memory: '700'"),
    ("cfn-yaml", "Memory: 512", "Memory: 700"),
    ("cfn-json", '"Memory": "512"', '"Memory": "700"'),
    ("terraform", "memory                   = 512", "memory                   = 700"),
])
def test_fargate_memory_to_the_nearest_size_only_with_unsafe_fixes(tmp_path, fmt, old, new):
    name, text, fixed = _case(fmt, (old, new))
    path = tmp_path / name
    path.write_text(text)
    _run("--fix", str(path))
    assert path.read_text() == text
    assert _fixed(tmp_path, name, text, "ECS202", "--unsafe-fixes") == fixed


# ECS401: hostPort made equal to containerPort under awsvpc -------------------------------------


@pytest.mark.parametrize("fmt,old,new", [
    ("api-json", '"containerPort": 80}', '"containerPort": 80, "hostPort": 8080}'),
    ("api-yaml", "      - containerPort: 80\n", "      - containerPort: 80\n        hostPort: 8080\n"),
    ("cfn-yaml", "- ContainerPort: 80\n", "- ContainerPort: 80\n              HostPort: 8080\n"),
    ("cfn-json", '"ContainerPort": 80}', '"ContainerPort": 80, "HostPort": 8080}'),
    ("terraform", "{ containerPort = 80 }", "{ containerPort = 80, hostPort = 8080 }"),
])
def test_host_port_made_equal_to_the_container_port(tmp_path, fmt, old, new):
    name, text, _ = _case(fmt, (old, new))
    assert _fixed(tmp_path, name, text, "ECS401") == text.replace("8080", "80")


# ECS101: essential on the only container -------------------------------------------------------


@pytest.mark.parametrize("fmt,old,new", [
    ("api-json", '"essential": true', '"essential": false'),
    ("api-yaml", "essential: true", "essential: false"),
    ("cfn-yaml", "Essential: true", "Essential: false"),
    ("cfn-json", '"Essential": true', '"Essential": false'),
    ("terraform", "essential    = true", "essential    = false"),
])
def test_the_only_container_made_essential(tmp_path, fmt, old, new):
    name, text, _ = _case(fmt, (old, new))
    assert _fixed(tmp_path, name, text, "ECS101") == text.replace(new, old)


def test_no_essential_fix_with_several_containers():
    second = '"portMappings": []},\n    {"name": "b", "image": "b", "essential": false}'
    text = API_JSON.replace('"essential": true,', '"essential": false,').replace(
        '"portMappings": [{"containerPort": 80}]}', second)
    (finding,) = findings_of(lint_text(text), "ECS101")
    assert finding.fix is None


# ECS502: transitEncryption where IAM authorization needs it ----------------------------------

EFS = {
    "api-json": ('"networkMode": "awsvpc",', '"networkMode": "awsvpc",\n  "volumes": [{"name": "data", '
                 '"efsVolumeConfiguration": {"fileSystemId": "fs-1", "authorizationConfig": {"iam": "ENABLED"}}}],',
                 '"efsVolumeConfiguration": {', '"efsVolumeConfiguration": {"transitEncryption": "ENABLED", '),
    "api-yaml": ("containerDefinitions:\n", "volumes:\n  - name: data\n    efsVolumeConfiguration:  # shared\n"
                 "      fileSystemId: fs-1\n      authorizationConfig: {iam: ENABLED}\ncontainerDefinitions:\n",
                 "  # shared\n", "  # shared\n      transitEncryption: ENABLED\n"),
    "cfn-yaml": ("      ContainerDefinitions:\n",
                 "      Volumes:\n        - Name: data\n          EFSVolumeConfiguration:\n"
                 "            FilesystemId: fs-1\n            AuthorizationConfig:\n              IAM: ENABLED\n"
                 "      ContainerDefinitions:\n",
                 "EFSVolumeConfiguration:\n", "EFSVolumeConfiguration:\n            TransitEncryption: ENABLED\n"),
    "terraform": ("  ])\n", "  ])\n  volume {\n    name = \"data\"\n    efs_volume_configuration {\n"
                  "      file_system_id = \"fs-1\"\n      authorization_config {\n        iam = \"ENABLED\"\n      }\n"
                  "    }\n  }\n",
                  "efs_volume_configuration {\n",
                  "efs_volume_configuration {\n      transit_encryption = \"ENABLED\"\n"),
}


@pytest.mark.parametrize("fmt", sorted(EFS))
def test_transit_encryption_added(tmp_path, fmt):
    at, volume, before, added = EFS[fmt]
    name, text, _ = _case(fmt, (at, volume))
    assert _fixed(tmp_path, name, text, "ECS502") == text.replace(before, added, 1)


def test_transit_encryption_disabled_is_enabled(tmp_path):
    at, volume, before, added = EFS["api-yaml"]
    name, text, _ = _case("api-yaml", (at, volume))
    text = text.replace(before, before + "      transitEncryption: DISABLED\n")
    assert _fixed(tmp_path, name, text, "ECS502") == text.replace("DISABLED", "ENABLED")


# ECS112: cpu and memory of the type the API wants ---------------------------------------------


@pytest.mark.parametrize("fmt,old,new", [
    ("api-json", '"cpu": "256"', '"cpu": 256'),
    ("api-json", '"image": "nginx:1.27",', '"image": "nginx:1.27", "memory": "128",'),
    ("api-yaml", "cpu: '256'", "cpu: 256"),
    ("api-yaml", "    image: nginx:1.27\n", "    image: nginx:1.27\n    cpu: '10'\n"),
])
def test_cpu_and_memory_of_the_api_type(tmp_path, fmt, old, new):
    name, text, _ = _case(fmt, (old, new))
    expected = {'"cpu": 256': '"cpu": "256"', '"memory": "128"': '"memory": 128', "cpu: 256": 'cpu: "256"',
                "cpu: '10'": "cpu: 10"}
    source = next(key for key in expected if key in new)
    assert _fixed(tmp_path, name, text, "ECS112") == text.replace(source, expected[source])


# ECS116: a misspelt key renamed -----------------------------------------------------------------


@pytest.mark.parametrize("fmt,old,new", [
    ("api-json", '"portMappings"', '"portMapings"'),
    ("api-yaml", "family:", "famly:"),
    ("cfn-yaml", "PortMappings:", "PortMapings:"),
    ("cfn-json", '"Family"', '"Famly"'),
])
def test_misspelt_key_renamed(tmp_path, fmt, old, new):
    name, text, _ = _case(fmt, (old, new))
    assert _fixed(tmp_path, name, text, "ECS116") == text.replace(new, old)


def test_no_rename_onto_a_key_that_is_there():
    text = API_JSON.replace('"family": "web",', '"family": "web", "famly": "x",')
    (finding,) = findings_of(lint_text(text), "ECS116")
    assert finding.fix is None


# What is never fixed -------------------------------------------------------------------------------


def test_a_value_from_a_parameter_or_variable_is_left_alone(tmp_path):
    parameter = "Parameters:\n  Mode:\n    Type: String\n    Default: bridge\nResources:"
    template = CFN_YAML.replace("Resources:", parameter).replace("NetworkMode: awsvpc", "NetworkMode: !Ref Mode")
    terraform = 'variable "mode" {\n  default = "bridge"\n}\n' + TERRAFORM.replace('"awsvpc"', "var.mode")
    for name, text in (("template.yaml", template), ("main.tf", terraform)):
        path = tmp_path / name
        path.write_text(text)
        assert findings_of(lint_text(text, name=name), "ECS201")
        code, _ = _run("--fix", str(path))
        assert code == 1 and path.read_text() == text


def test_diff_shows_and_writes_nothing(tmp_path):
    path = tmp_path / "task.json"
    path.write_text(BRIDGE)
    code, output = _run("--diff", str(path))
    assert code == 1 and path.read_text() == BRIDGE
    assert '-  "networkMode": "bridge",\n+  "networkMode": "awsvpc",\n' in output
    path.write_text(API_JSON)
    assert _run("--diff", str(path)) == (0, "")


def test_standard_input_is_never_modified():
    outcome = CliRunner().invoke(main, ["check", "--fix", "--stdin-filename", "task.json", "-"], input=BRIDGE)
    assert outcome.exit_code == 1 and "ECS201" in outcome.output
    outcome = CliRunner().invoke(main, ["check", "--diff", "--stdin-filename", "task.json", "-"], input=BRIDGE)
    assert outcome.exit_code == 1 and '+  "networkMode": "awsvpc",' in outcome.output


def test_write_keeps_mode_line_endings_and_byte_order_mark(tmp_path):
    path = tmp_path / "task.json"
    path.write_bytes(b"\xef\xbb\xbf" + BRIDGE.replace("\n", "\r\n").encode())
    path.chmod(0o640)
    _run("--fix", str(path))
    assert path.read_bytes() == b"\xef\xbb\xbf" + API_JSON.replace("\n", "\r\n").encode()
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["task.json"]  # no temporary file left


def test_fixable_findings_are_marked_and_carry_their_fix(tmp_path):
    path = tmp_path / "task.json"
    path.write_text(BRIDGE)
    _, output = _run(str(path))
    assert "error[ECS201] [*] networkMode" in output
    _, output = _run("-f", "json", str(path))
    (finding,) = json.loads(output)["findings"]
    assert finding["fix"] == {"title": "Set networkMode to awsvpc", "safe": True, "edits": [
        {"line": 4, "column": 19, "end_line": 4, "end_column": 25, "text": "awsvpc"}]}


def test_summary_says_how_many_were_fixed(tmp_path):
    path = tmp_path / "task.json"
    path.write_text(BRIDGE.replace('"cpu": "256"', '"cpu": 256'))
    code, output = _run("--fix", str(path))
    assert code == 0 and "2 fixed (1 file changed)" in output


# The corpus: --fix never leaves a file unreadable or short of a key -------------------------------


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not beside this clone")
def test_fixing_the_corpus_keeps_every_file_readable_and_every_key(tmp_path):
    copy = tmp_path / "corpus"
    shutil.copytree(CORPUS, copy)
    old = os.getcwd()
    os.chdir(copy)
    try:
        inputs = collect(["."], lambda path: False)
        outcome = fix_inputs(inputs, registry(), Config(select=["ALL"]), unsafe=True)
    finally:
        os.chdir(old)
    assert outcome.fixed, "no corpus file has a fixable finding"
    for path, text in outcome.fixed.items():
        before = parse(outcome.original[path], guess_format(outcome.original[path], path), path)
        after = parse(text, before.fmt, path)
        assert not _keys(before.roots) - _keys(after.roots), path
    assert not [f for f in outcome.result.findings if f.path in outcome.fixed and f.rule == "ECS001"]


# Applying: a fix is kept only if the file still reads alike ---------------------------------------


@pytest.mark.parametrize("edit", [
    Edit(2, 3, 2, 3, '"family": "x", '),  # the key again
    Edit(2, 3, 2, 11, '"oops'),  # a broken file
    Edit(2, 3, 3, 28, '"family": "web", "x"'),  # a key lost
])
def test_a_fix_that_breaks_the_file_or_loses_a_key_is_not_applied(edit):
    assert apply(parse(API_JSON, "json", "task.json"), [Fix("break", (edit,))]) == (API_JSON, 0)


def test_a_renamed_key_is_not_a_lost_key():
    fixed, count = apply(parse(API_JSON, "json", "task.json"), [Fix("rename", (Edit(2, 4, 2, 10, "familly"),))])
    assert count == 1 and fixed == API_JSON.replace('"family"', '"familly"')


def test_overlapping_fixes_wait_for_the_next_pass():
    document = parse(API_JSON, "json", "task.json")
    first, second = Fix("a", (Edit(2, 13, 2, 18, '"api"'),)), Fix("b", (Edit(2, 14, 2, 17, "www"),))
    assert apply(document, [first, second]) == (API_JSON.replace('"web",\n  "req', '"www",\n  "req'), 1)


def test_a_member_added_to_a_yaml_mapping_in_braces_gets_its_comma(tmp_path):
    text = '{\n  family: web,\n  requiresCompatibilities: [FARGATE], cpu: "256", memory: "512",\n' \
           '  containerDefinitions: [{name: web, image: nginx}]\n}\n'
    assert _fixed(tmp_path, "task.yaml", text, "ECS201") == text.replace("  family", "  networkMode: awsvpc,\n  family")


def test_a_file_that_cannot_be_written_is_an_error(tmp_path, monkeypatch):
    path = tmp_path / "task.json"
    path.write_text(BRIDGE)

    def refuse(source, target):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    code, output = _run("--fix", str(path))
    assert code == 2 and "cannot write the fixes to" in output and "ECS201" in output
    assert "changed)" not in output and "; 0 fixed;" in output, "a fix not written is not counted"
    assert path.read_text() == BRIDGE and [p.name for p in tmp_path.iterdir()] == ["task.json"]
