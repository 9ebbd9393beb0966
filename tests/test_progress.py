"""Progress and the summary line: progress only on a terminal (standard error a pseudo-terminal here),
never in piped output or with a JSON or SARIF report on standard output; every text run ends
with a summary of files, findings by level, fixes and time."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from ecslint.engine import Result
from ecslint.findings import Finding
from ecslint.report.text_format import summary
from test_cli import CLEAN, FARGATE_BRIDGE, run, write

ROOT = Path(__file__).resolve().parent.parent
SUMMARY = re.compile(r"(?:^|[\r\n])1 error \(30 files linted; 1 skipped \(not ECS content; --verbose lists them\)\); "
                     r"0 fixed; \d+\.\d\d s\n$")


def many(tmp_path: Path) -> Path:
    for index in range(29):
        write(tmp_path, f"td{index:02}.json", CLEAN)
    write(tmp_path, "td99.json", FARGATE_BRIDGE)
    write(tmp_path, "package.json", '{"name": "web"}')
    return tmp_path


def ecslint_on_a_terminal(args: list[str], cwd: Path) -> tuple[bytes, bytes]:
    """Standard output piped, standard error a pseudo-terminal: what each received. Each run lints
    (``--no-cache``: a run the result cache answers reads no file, and shows no progress)."""
    args = [args[0], "--no-cache", *args[1:]]
    controller, terminal = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    stdout = tempfile.TemporaryFile()  # (a pipe that nobody reads yet would fill up and block ecslint)
    proc = subprocess.Popen([sys.executable, "-m", "ecslint", *args], cwd=cwd, stdout=stdout, stderr=terminal, env=env)
    os.close(terminal)
    received = b""
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # EIO: the terminal's other end is closed
            break
        if not chunk:
            break
        received += chunk
    os.close(controller)
    proc.wait(timeout=120)
    stdout.seek(0)
    return stdout.read(), received.replace(b"\r\n", b"\n")


def test_progress_on_a_terminal_is_erased_before_the_summary(tmp_path):
    stdout, terminal = ecslint_on_a_terminal(["check", "."], many(tmp_path))
    assert b"\rlinting 1/31 files" in terminal and b"\rlinting 31/31 files" in terminal
    erased = terminal.rsplit(b"\rlinting 31/31 files", 1)[1]
    assert erased.startswith(b"\r" + b" " * len(b"linting 31/31 files") + b"\r")
    assert SUMMARY.search(terminal.decode())
    assert stdout.decode().startswith("td99.json:4:18: error[ECS201]") and b"linting" not in stdout


def test_no_progress_with_a_report_on_standard_output_that_is_not_text(tmp_path):
    for fmt in ("json", "sarif", "github", "junit", "gitlab"):
        stdout, terminal = ecslint_on_a_terminal(["check", "-f", fmt, "."], many(tmp_path))
        assert b"linting" not in terminal + stdout, fmt
    stdout, terminal = ecslint_on_a_terminal(["check", "-f", "sarif", "-o", "../report.sarif", "."], tmp_path)
    assert b"linting 31/31" in terminal and stdout == b""
    stdout, terminal = ecslint_on_a_terminal(["check", "--quiet", "."], tmp_path)
    assert terminal == b"" and stdout


def test_no_progress_when_standard_error_is_not_a_terminal(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "ecslint", "check", "."], cwd=many(tmp_path), capture_output=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    assert b"linting" not in proc.stderr + proc.stdout
    assert SUMMARY.search(proc.stderr.decode())


def test_every_text_run_ends_with_a_summary(tmp_path):
    write(tmp_path, "td.json", FARGATE_BRIDGE)
    result = run(["check", "td.json"], tmp_path)
    assert re.fullmatch(r"1 error \(1 file linted\); 0 fixed; \d+\.\d\d s\n", result.stderr)
    assert run(["check", "-q", "td.json"], tmp_path).stderr == ""


def test_the_summary_counts_findings_by_level_and_fixes():
    finding = Finding("td.json", 1, 1, "ECS201", "m", 1, 2, "error", "n")
    warning = Finding("td.json", 2, 1, "ECS602", "m", 2, 2, "warning", "n")
    result = Result(findings=[finding, warning, warning], linted=["td.json", "b.json"], baselined=4, fixed=3)
    assert summary(result, elapsed=1.5) == \
        "1 error, 2 warnings (2 files linted; 4 in the baseline); 3 fixed; 1.50 s"
    assert summary(Result()) == "nothing linted (0 files linted); 0 fixed"


def test_the_summary_says_how_many_fixes_were_applied(tmp_path):
    write(tmp_path, "td.json", FARGATE_BRIDGE)
    result = run(["check", "--fix", "td.json"], tmp_path)
    assert result.exit_code == 0
    assert re.search(r"^no problems \(1 file linted\); 1 fixed; \d+\.\d\d s$", result.stderr, re.M), result.stderr
