"""Hostile values and hostile places to write: every format writes the report, escaped, or fails
with a clear error and exit 2; no value can forge a report line or a workflow command.

These run ecslint in a child process, so the report meets a real standard output (a pipe, a closed
descriptor, a full disk) with its real encoding, as in CI.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ("text", "json", "sarif", "github", "junit", "gitlab")
FORGERY = "\n/etc/x.json:1:1: error[ECS999] forged\n::error file=x::forged\n::add-mask::secret\r\x1b[2J\x07\x08\x00\x85"
UNSAFE_BYTES = [b"\x1b", b"\x07", b"\x08", b"\x00", b"\r", "\x85".encode(), "\u202e".encode()]


def ecslint(args: list[str], cwd: Path, stdout=subprocess.PIPE, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("NO_COLOR", None)
    return subprocess.run([sys.executable, "-m", "ecslint", *args], cwd=cwd, stdout=stdout, stderr=subprocess.PIPE,
                          env=env, timeout=120, **kwargs)


def task_definition(family: str) -> bytes:
    return json.dumps({"family": family, "requiresCompatibilities": ["FARGATE"], "networkMode": "bridge",
                       "containerDefinitions": [{"name": family, "image": "nginx"}]}).encode()


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    (tmp_path / "surrogate.json").write_bytes(b'{"family": "a\\ud800b", "containerDefinitions": [{"name": "\\udfff"}]}')
    (tmp_path / "forged.json").write_bytes(task_definition(FORGERY))
    (tmp_path / "fine.json").write_bytes(task_definition("web"))
    return tmp_path


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_writes_lone_surrogates_and_control_characters_escaped(hostile, fmt):
    proc = ecslint(["check", "-f", fmt, "."], hostile)
    assert proc.returncode == 1, proc.stderr
    assert b"Traceback" not in proc.stderr
    proc.stdout.decode("utf-8")  # strict: valid UTF-8
    for byte in UNSAFE_BYTES:
        assert byte not in proc.stdout, byte
    assert b"fine.json" in proc.stdout, "the other files' findings are all there"
    if fmt in ("json", "sarif", "gitlab"):
        json.loads(proc.stdout)
    if fmt == "junit":
        ElementTree.fromstring(proc.stdout)  # well-formed XML 1.0: no control character in it


def test_text_output_cannot_be_forged(hostile):
    lines = ecslint(["check", "-f", "text", "."], hostile).stdout.decode().splitlines()
    assert lines and all(re.match(r"^(forged|fine|surrogate)\.json:\d+:\d+: (error|warning|info)\[ECS\d{3}\] ", line)
                         for line in lines), lines
    assert any("\\n/etc/x.json:1:1: error[ECS999] forged\\n::error" in line for line in lines)


def test_github_commands_cannot_be_forged(hostile):
    lines = ecslint(["check", "-f", "github", "."], hostile).stdout.decode().splitlines()
    assert lines and all(re.match(r"^::(error|warning|notice) file=", line) for line in lines), lines
    findings = json.loads(ecslint(["check", "-f", "json", "."], hostile).stdout)["findings"]
    assert len(lines) == len(findings), "one command a finding: the runner reads commands at line starts only"


def test_color_output_escapes_values_too(hostile):
    proc = ecslint(["check", "--color", "always", "forged.json"], hostile)
    assert b"\x1b[2J" not in proc.stdout and b"\\x1b[2J" in proc.stdout
    assert b"\x1b[1m" in proc.stdout, "ecslint's own colours stay"


@pytest.mark.skipif(sys.platform != "linux", reason="file names that are not UTF-8 are a POSIX matter")
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_file_name_that_is_not_utf8(tmp_path, fmt):
    name = b"caf\xe9-\x1b[31m.json"
    (tmp_path / os.fsdecode(name)).write_bytes(task_definition("web"))
    proc = ecslint(["check", "-f", fmt, "."], tmp_path)
    assert proc.returncode == 1, proc.stderr
    proc.stdout.decode("utf-8")
    assert b"\x1b[31m" not in proc.stdout
    if fmt == "sarif":
        [result, *_] = json.loads(proc.stdout)["runs"][0]["results"]
        assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "caf%E9-%1B%5B31m.json"
    elif fmt in ("text", "github"):
        assert b"caf\\xe9-\\x1b[31m.json" in proc.stdout


def test_report_into_a_missing_folder_is_an_error(hostile):
    proc = ecslint(["check", "-f", "sarif", "-o", "reports/x.sarif", "fine.json"], hostile)
    assert proc.returncode == 2
    assert proc.stderr.decode().startswith("ecslint: error: cannot write the report to reports/x.sarif: ")
    assert b"Traceback" not in proc.stderr


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("target", [["-o", "/dev/full"], []])
def test_full_disk_is_an_error(hostile, target):
    with open("/dev/full", "w") as full:
        proc = ecslint(["check", *target, "fine.json"], hostile, stdout=subprocess.PIPE if target else full)
    assert proc.returncode == 2
    assert b"cannot write the report" in proc.stderr and b"No space left on device" in proc.stderr
    assert b"Traceback" not in proc.stderr and b"Exception ignored" not in proc.stderr


def test_closed_standard_output_is_an_error(hostile):
    proc = ecslint(["check", "fine.json"], hostile, stdout=subprocess.DEVNULL, preexec_fn=lambda: os.close(1))
    assert proc.returncode == 2
    assert b"cannot write the report to standard output" in proc.stderr
    assert b"Traceback" not in proc.stderr


def test_a_reader_that_went_away_is_an_error(hostile):
    read_end, write_end = os.pipe()
    os.close(read_end)  # like `ecslint check . | head -c 10`, once head has exited
    try:
        proc = ecslint(["check", "."], hostile, stdout=write_end)
    finally:
        os.close(write_end)
    assert proc.returncode == 2
    assert b"cannot write the report to standard output: Broken pipe" in proc.stderr
    assert b"Traceback" not in proc.stderr and b"Exception ignored" not in proc.stderr


def test_the_report_never_overwrites_a_linted_file(hostile):
    before = (hostile / "fine.json").read_bytes()
    for args in (["-o", "fine.json", "fine.json"], ["-o", "./fine.json", "."], ["-o", "fine.json", "forged.json", "."]):
        proc = ecslint(["check", *args], hostile)
        assert proc.returncode == 2, args
        assert b"is one of the files to lint" in proc.stderr
        assert (hostile / "fine.json").read_bytes() == before
