"""Hostile and unusual input: every reader, every kind of file, values made to hang a pattern.

For each: no traceback, bounded time, a finding or an error with file and line (exit 2 where the
file could not be read), and the other files still linted. The time limits are hang guards, far
above what these inputs take (the speed itself is measured in ``benchmarks/``): each case once
took from 17 seconds to several minutes.
"""

from __future__ import annotations

import json
import os
import string
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ecslint.checks.storage import MAX_VOLUME_SOURCES
from ecslint.engine import MAX_FINDINGS_PER_FILE, Input
from helpers import lint_inputs

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
FARGATE = {"family": "web", "requiresCompatibilities": ["FARGATE"], "networkMode": "bridge", "cpu": "256",
           "memory": "512", "containerDefinitions": [{"name": "web", "image": "nginx:1.27"}]}
GOOD = json.dumps(FARGATE).encode()


def lint_bytes(name: str, data: bytes, seconds: float = 10.0):
    """Lint one file with every rule, next to a known-bad file, within ``seconds``."""
    start = time.perf_counter()
    result = lint_inputs([Input(name, data), Input("other.json", GOOD)])
    elapsed = time.perf_counter() - start
    assert elapsed < seconds, f"{name}: {elapsed:.1f} s"
    assert not result.internal_errors, result.internal_errors
    assert [f.rule for f in result.findings if f.path == "other.json"] == ["ECS201"], "the other file is linted"
    return [f for f in result.findings if f.path == name], result


def nested(depth: int, fmt: str) -> bytes:
    if fmt == "json":
        return ('{"family": "x", "containerDefinitions": [], "a": ' + "[" * depth + "]" * depth + "}").encode()
    return ("family: x\ncontainerDefinitions: []\na: " + "[" * depth + "]" * depth + "\n").encode()


ALIAS_BOMB = b"""family: x
containerDefinitions: []
a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]
"""

UNREADABLE = [
    ("invalid-utf8.json", b'{"family": "caf\xe9", "containerDefinitions": []}', 1, "not UTF-8"),
    ("nul.yaml", b"family: web\ncontainerDefinitions: []\x00\n", 2, "NUL"),
    ("binary.json", bytes(range(256)) * 4, 1, "NUL"),
    ("utf32.json", json.dumps(FARGATE).encode("utf-32"), 1, "UTF-32"),
    ("utf32-le.json", json.dumps(FARGATE).encode("utf-32-le"), 1, "UTF-32"),
    ("utf32-be.yaml", b"family: web\n".decode().encode("utf-32-be"), 1, "UTF-32"),
    ("odd-utf16.json", b"\xff\xfe{\x00\"", 1, "UTF-16"),
    ("bomb.yaml", ALIAS_BOMB, 8, "YAML bomb"),
    ("deep.json", nested(100_000, "json"), 1, "nesting deeper"),
    ("deep.yaml", nested(100_000, "yaml"), 3, "nesting"),
    ("bad-tag.yaml", b"family: !!int web\ncontainerDefinitions: []\n", 1, "not a valid !!int value"),
    ("many-values.json", b'{"family": "x", "containerDefinitions": [], "a": [' + b"1," * 600_000 + b"1]}", 1,
     "more than 500,000 values in one file"),
    ("many-values.yaml", b"family: x\ncontainerDefinitions: []\na:\n" + b"- 1\n" * 600_000, 499_997,
     "more than 500,000 values in one file"),
]


@pytest.mark.parametrize("name, data, line, words", UNREADABLE, ids=[case[0] for case in UNREADABLE])
def test_unreadable_files_are_an_error_with_a_line(name, data, line, words):
    found, result = lint_bytes(name, data)
    assert name in result.failed
    [finding] = found
    assert (finding.rule, finding.line) == ("ECS001", line)
    assert words in finding.message


@pytest.mark.parametrize("name, data", [
    ("empty.json", b""), ("empty.yaml", b""), ("blank.json", b" \n\t\r\n"), ("blank.yaml", b"\n\n   \n"),
    ("comment.yaml", b"# nothing here\n"), ("bom-only.json", b"\xef\xbb\xbf"),
])
def test_empty_and_blank_files_are_skipped(name, data):
    found, result = lint_bytes(name, data)
    assert found == [] and name in dict(result.skipped)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-8-sig"])
def test_utf16_with_and_without_bom_and_utf8_with_bom_are_read(encoding):
    text = json.dumps(FARGATE, indent=2)
    found, _ = lint_bytes(f"td-{encoding}.json", text.encode(encoding))
    assert [(f.rule, f.line) for f in found] == [("ECS201", 6)]


@pytest.mark.parametrize("newline", ["\r", "\r\n", "\n"])
def test_json_and_yaml_lines_with_any_line_ending(newline):
    text = json.dumps(FARGATE, indent=2).replace("\n", newline)
    found, _ = lint_bytes("td.json", text.encode())
    assert [(f.rule, f.line, f.col) for f in found] == [("ECS201", 6, 18)]
    yaml_text = "family: web\nrequiresCompatibilities: [FARGATE]\nnetworkMode: bridge\ncpu: '256'\nmemory: '512'\n" \
                "containerDefinitions:\n  - {name: web, image: nginx}\n"
    found, _ = lint_bytes("td.yaml", yaml_text.replace("\n", newline).encode())
    assert [(f.rule, f.line, f.col) for f in found] == [("ECS201", 3, 14)]


def test_explicit_yaml_type_tags_are_honoured():
    text = b"""family: web
requiresCompatibilities: [FARGATE]
networkMode: awsvpc
cpu: !!str 256
memory: !!str 512
containerDefinitions:
  - name: web
    image: nginx
    essential: !!bool "true"
    memory: !!int "512"
    cpu: !!str 128
"""
    found, _ = lint_bytes("td.yaml", text)
    assert [(f.rule, f.line) for f in found] == [("ECS112", 11)], [f.message for f in found]


HANGS = [
    ("cpu-digits", {**FARGATE, "networkMode": "awsvpc", "cpu": "1" * 40_000 + "x"}, "ECS202"),
    ("memory-digits", {**FARGATE, "networkMode": "awsvpc", "memory": "1." + "1" * 40_000 + "x"}, "ECS202"),
    ("cpu-spaces", {**FARGATE, "networkMode": "awsvpc", "cpu": "1" + " " * 40_000 + "x"}, "ECS202"),
    ("mustache", {**FARGATE, "family": "{{" * 40_000}, "ECS102"),
    ("dollar-brace", {**FARGATE, "family": "${" * 40_000}, "ECS102"),
    ("angles", {**FARGATE, "family": "<a" * 40_000}, "ECS102"),
    ("long-value", {**FARGATE, "family": "x" * 1_000_000}, "ECS102"),
    ("long-key", {**FARGATE, "x" * 1_000_000: 1}, "ECS116"),
    ("uri-schemes", {**FARGATE, "containerDefinitions": [
        {"name": "web", "image": "nginx", "environment": [{"name": "DB_PASSWORD", "value": "a://b:" * 40_000}]}]},
     "ECS602"),
    ("jwt-parts", {**FARGATE, "containerDefinitions": [
        {"name": "web", "image": "nginx", "environment": [{"name": "DB_PASSWORD", "value": "eyJ" * 40_000}]}]},
     "ECS602"),
    ("private-key-headers", {**FARGATE, "containerDefinitions": [
        {"name": "web", "image": "nginx",
         "environment": [{"name": "DB_PASSWORD", "value": "-----BEGIN A " * 40_000}]}]},
     "ECS602"),
    ("random-value", {**FARGATE, "containerDefinitions": [
        {"name": "web", "image": "nginx",
         "environment": [{"name": "APP_KEY", "value": (string.ascii_letters + string.digits) * 16_000}]}]},
     "ECS602"),
    ("parameter-path", {**FARGATE, "containerDefinitions": [
        {"name": "web", "image": "nginx", "secrets": [{"name": "A", "valueFrom": "/a" * 40_000 + " x"}]}]},
     "ECS113"),
    ("network-ids", {"serviceName": "web", "networkConfiguration": {"awsvpcConfiguration": {
        "subnets": ["subnet-1" + " ," * 200_000]}}}, "ECS128"),
    ("role-path", {**FARGATE, "taskRoleArn": "a/" * 40_000 + " "}, "ECS301"),
]


@pytest.mark.parametrize("name, data, rule", HANGS, ids=[case[0] for case in HANGS])
def test_hostile_values_take_bounded_time_and_stay_readable(name, data, rule):
    found, _ = lint_bytes(f"{name}.json", json.dumps(data).encode(), seconds=5)
    assert rule in {f.rule for f in found}
    assert all(len(f.message) <= 2000 for f in found), "a message quotes a shortened value"


def test_10000_containers_take_linear_time():
    """ECS110 rebuilt the list of names for every container: 2,000 containers took 17.6 s."""
    count = 10_000
    task = {"family": "big", "volumes": [{"name": f"v{i}"} for i in range(count)],
            "containerDefinitions": [
                {"name": f"c{i}", "image": "nginx:1.27", "memory": 16, "essential": i == 0,
                 "mountPoints": [{"sourceVolume": f"v{i}" if i else "missing", "containerPath": "/data"}],
                 "volumesFrom": [{"sourceContainer": f"c{(i + 1) % count}"}],
                 "dependsOn": [{"containerName": f"c{(i + 1) % count}", "condition": "START"}]}
                for i in range(count)]}
    found, _ = lint_bytes("big.json", json.dumps(task).encode(), seconds=60)
    [missing] = [f for f in found if f.rule == "ECS110"]
    assert "its volumes: 'v0', 'v1'" in missing.message and "and 9992 more" in missing.message
    [cycle] = [f for f in found if f.rule == "ECS107"]
    assert "c0 -> c1 -> c2 -> c3 -> c4 -> c5 -> ... (10000 containers in all) -> c0" in cycle.message


def test_many_services_of_one_large_task_definition():
    """Service rules that looked at every container did so for every service: quadratic."""
    count = 3_000
    task = {"family": "big", "containerDefinitions": [
        {"name": f"c{i}", "image": "nginx:1.27", "memory": 16, "portMappings": [{"containerPort": 80}]}
        for i in range(count)]}
    services = [{"serviceName": f"s{i}", "taskDefinition": "big", "healthCheckGracePeriodSeconds": 30,
                 "loadBalancers": [{"targetGroupArn": "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/t/1",
                                    "containerName": f"c{i}", "containerPort": 8080}]} for i in range(count)]
    start = time.perf_counter()
    files = [Input(f"services{i}.json", json.dumps({"services": services[i:i + 300]}).encode())
             for i in range(0, count, 300)]
    result = lint_inputs([Input("task.json", json.dumps(task).encode()), *files])
    assert time.perf_counter() - start < 60
    assert not result.internal_errors
    assert len([f for f in result.findings if f.rule == "ECS408"]) == count


def test_long_volume_chains_of_stateful_containers():
    """Each database container followed its volumesFrom chain recursively: a 10,000-long chain
    overflowed the stack, and following it for every container took quadratic time."""
    count = 10_000
    task = {**FARGATE, "networkMode": "awsvpc", "containerDefinitions": [
        {"name": f"db{i}", "image": "postgres:16", "volumesFrom": [{"sourceContainer": f"db{i + 1}"}]}
        for i in range(count)]}
    found, _ = lint_bytes("chain.json", json.dumps(task).encode(), seconds=60)
    reported = [f.message.split("'")[1] for f in found if f.rule == "ECS501"]
    # Past the chain limit persistence is unknown (silent); the last containers' chains are known.
    assert reported == [f"db{i}" for i in range(count - MAX_VOLUME_SOURCES, count)]


def test_a_million_wrong_values_are_counted_not_listed():
    """A 2 MB file of a million list items once gave a million findings and 1.7 GB."""
    items = 300_000
    task = {"family": "x", "containerDefinitions": [{"name": "a", "image": "b", "memory": 8, "links": [1] * items}]}
    path = Path(os.environ.get("TMPDIR", "/tmp")) / f"ecslint-many-{os.getpid()}.json"
    path.write_text(json.dumps(task, separators=(",", ":")))
    try:
        # ecslint's own peak, measured by a small parent: a child forked from this test process starts
        # with its resident size counted, which a long test session makes hundreds of MiB.
        measure = ("import resource, subprocess, sys; proc = subprocess.run(sys.argv[1:]); "
                   "sys.stderr.write(f'\\nmaxrss={resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}'); "
                   "sys.exit(proc.returncode)")
        command = [sys.executable, "-c", measure, sys.executable, "-m", "ecslint", "check", "--ignore", "ECS613", "-f", "json", str(path)]
        proc = subprocess.run(command, capture_output=True, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
        peak_mib = int(proc.stderr.rsplit(b"maxrss=", 1)[1]) / 1024
    finally:
        path.unlink()
    assert proc.returncode == 1, proc.stderr
    findings = json.loads(proc.stdout)["findings"]
    assert len(findings) == MAX_FINDINGS_PER_FILE + 1
    assert findings[-1]["rule"] == "ECS005" and findings[-1]["level"] == "error"
    assert findings[-1]["message"].startswith(f"{items - MAX_FINDINGS_PER_FILE:,} more findings in this file")
    assert peak_mib < 400, f"peak memory {peak_mib:.0f} MiB"


def _truncations(path: Path) -> list[Input]:
    data = path.read_bytes()
    return [Input(f"{path.stem}-{end}{path.suffix}", data[:end]) for end in range(len(data))]


def test_every_truncation_of_real_files():
    """Each byte-offset prefix of the examples: findings or a syntax error, always inside the file."""
    inputs = [item for name in ("fargate-postgres.yaml", "storefront-service.json", "describe-output.yaml")
              for item in _truncations(EXAMPLES / name)]
    result = lint_inputs(inputs)
    assert not result.internal_errors, result.internal_errors[:3]
    sizes = {item.path: item.data for item in inputs}
    for finding in result.findings:
        text = sizes[finding.path].decode("utf-8", "replace")
        lines = text.splitlines() or [""]
        assert 1 <= finding.line <= len(lines) + 1, (finding.path, finding.line)
        assert finding.col >= 1
    assert {p for p in result.failed} and {p for p in result.linted}


def test_unknown_and_malformed_configuration_cannot_switch_the_linter_off(tmp_path):
    from test_cli import run, write

    write(tmp_path, "td.json", json.dumps(FARGATE))
    for selector in ("", ",", " ", " , "):
        result = run(["check", "--select", selector, "td.json"], tmp_path)
        assert result.exit_code == 2 and "--select names no rule" in result.stderr, repr(selector)
    for config, words in (("select: []\n", "select"), ("select: ['']\n", "select"),
                          ("per-file-ignores:\n  '*.json': [ECS9999]\n", "unknown rule selector 'ECS9999'")):
        write(tmp_path, ".ecslint.yaml", config)
        result = run(["check", "td.json"], tmp_path)
        assert result.exit_code == 2 and words in result.stderr, config


def test_configuration_search_stops_at_the_repository_root(tmp_path):
    from test_cli import run, write

    write(tmp_path, ".ecslint.yaml", "select: [ECS002]\n")  # above the repository: not ours
    write(tmp_path, "repo/.git/HEAD", "ref: refs/heads/main\n")
    write(tmp_path, "repo/deploy/td.json", json.dumps(FARGATE))
    assert run(["check", "td.json"], tmp_path / "repo" / "deploy").exit_code == 1
    write(tmp_path, "repo/.ecslint.yaml", "select: [ECS002]\n")
    assert run(["check", "td.json"], tmp_path / "repo" / "deploy").exit_code == 0


def test_suppressions_that_are_malformed_or_not_comments():
    text = b"""family: web
requiresCompatibilities: [FARGATE]
cpu: "256"
memory: "512"
networkMode: bridge  # ecslint: ignore [ECS201] a space too many
note1: "# ecslint: ignore[ECS116] inside a string"
note2: |
  # ecslint: ignore[ECS116] inside a block scalar
note3: >-  # ecslint: ignore(ECS116) a real comment after a block header
  text
# ecslint: ignore[]
# ecslint ignore[ECS116] no colon
containerDefinitions:
  - name: web
    image: nginx:1.27
"""
    found, _ = lint_bytes("td.yaml", text)
    assert [(f.rule, f.line) for f in found] == [
        ("ECS201", 5), ("ECS003", 5), ("ECS116", 6), ("ECS116", 7), ("ECS116", 9), ("ECS003", 9),
        ("ECS003", 11), ("ECS003", 12)]
    assert all("is not a suppression ecslint reads" in f.message for f in found if f.rule == "ECS003")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_special_files_in_a_walked_directory_never_block(tmp_path):
    from test_cli import write

    write(tmp_path, "good.json", json.dumps(FARGATE))
    os.mkfifo(tmp_path / "fifo.json")
    os.symlink("loop-b.json", tmp_path / "loop-a.json")
    os.symlink("loop-a.json", tmp_path / "loop-b.json")
    os.symlink(".", tmp_path / "self")  # a directory loop: not followed
    proc = subprocess.run([sys.executable, "-m", "ecslint", "check", "-f", "json", ".", "/dev/zero"], cwd=tmp_path,
                          capture_output=True, timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 2, proc.stderr
    findings = {f["path"]: f["message"] for f in json.loads(proc.stdout)["findings"] if f["rule"] == "ECS001"}
    assert findings == {
        "fifo.json": "a FIFO, not a regular file: ecslint reads regular files only",
        "loop-a.json": "cannot read: Too many levels of symbolic links",
        "loop-b.json": "cannot read: Too many levels of symbolic links",
        "/dev/zero": "a character device, not a regular file: ecslint reads regular files only",
    }
    assert ("good.json", 1, "ECS201") in [(f["path"], f["line"], f["rule"]) for f in json.loads(proc.stdout)["findings"]]


def test_a_pipe_named_on_the_command_line_is_read(tmp_path):
    proc = subprocess.run(["bash", "-c", f"{sys.executable} -m ecslint check <(cat)"], input=GOOD, cwd=tmp_path,
                          capture_output=True, timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 1 and b"error[ECS201]" in proc.stdout, proc.stderr


def test_unreadable_files_and_folders(tmp_path, monkeypatch):
    from ecslint import discover

    (tmp_path / "secret.json").write_bytes(GOOD)
    (tmp_path / "locked").mkdir()
    real_open, real_scandir = os.open, os.scandir

    def deny_open(path, *args, **kwargs):
        if str(path).endswith("secret.json"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    def deny_scandir(path="."):
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "open", deny_open)
    monkeypatch.setattr(os, "scandir", deny_scandir)
    monkeypatch.chdir(tmp_path)
    inputs = discover.collect(["."], lambda path: False)
    assert [(i.path, i.error) for i in inputs] == [
        ("secret.json", "cannot read: Permission denied"), ("locked", "cannot read directory: Permission denied")]


def test_standard_input_that_is_too_large_or_closed(tmp_path):
    from ecslint.discover import MAX_FILE_BYTES

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with open("/dev/zero", "rb") as zeros:
        proc = subprocess.run([sys.executable, "-m", "ecslint", "check", "-"], stdin=zeros, capture_output=True,
                              timeout=120, env=env)
    assert proc.returncode == 2 and b"-:1:1: error[ECS001] file too large (the limit is 50 MiB)" in proc.stdout
    assert MAX_FILE_BYTES >= 1024 * 1024
    closed = subprocess.run([sys.executable, "-m", "ecslint", "check", "-"], stdin=subprocess.DEVNULL,
                            capture_output=True, timeout=60, env=env, preexec_fn=lambda: os.close(0))
    assert closed.returncode == 2 and b"standard input is closed" in closed.stdout, closed.stderr


def test_pre_commit_file_names_are_never_options(tmp_path, monkeypatch):
    from ecslint.cli import split_hook_arguments

    for name in ("-o.json", "--output=README.md"):
        (tmp_path / name).write_bytes(GOOD)
    monkeypatch.chdir(tmp_path)
    assert split_hook_arguments(["--select", "ECS2", "-f", "json", "-o.json", "--output=README.md"]) == (
        ["--select", "ECS2", "-f", "json"], ["-o.json", "--output=README.md"])
    (tmp_path / "--select").write_bytes(GOOD)  # a file named like an option is a file: the worst is a lost option
    assert split_hook_arguments(["--config", "-o.json", "--select"]) == (["--config", "-o.json"], ["--select"])
    assert split_hook_arguments(["--fail-level=error", "--", "-x"]) == (["--fail-level=error"], ["-x"])
    (tmp_path / "README.md").write_text("keep me\n")
    proc = subprocess.run([sys.executable, "-m", "ecslint", "pre-commit", "--select=ECS2", "-o.json",
                           "--output=README.md"], capture_output=True, timeout=60, cwd=tmp_path,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.count(b"error[ECS201]") == 2 and (tmp_path / "README.md").read_text() == "keep me\n"


def test_the_hook_runs_in_one_process():
    import yaml

    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hook["require_serial"] is True, "parallel batches would split a service from its task definition"
    assert hook["entry"] == "ecslint pre-commit"
