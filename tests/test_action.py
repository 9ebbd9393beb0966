"""The composite action (``action.yml``): each ``run`` step executed locally as the runner would
(``bash --noprofile --norc -eo pipefail``), with its ``${{ }}`` expressions filled in from the
inputs. ``uses`` steps (setup-python) are GitHub's; ``python`` is a stand-in that records the
install command, so the test installs nothing, and ``ecslint`` is this checkout's."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

from test_cli import CLEAN, FARGATE_BRIDGE, write

ROOT = Path(__file__).resolve().parent.parent
EXPRESSION = re.compile(r"\$\{\{\s*([^}]*?)\s*\}\}")


def _action() -> dict:
    return yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))


def run_action(workspace: Path, **inputs: str) -> tuple[int, str, Path]:
    """Run the action's steps in ``workspace``; the exit code of the first that fails (or 0), the
    output of all, and the step outputs file."""
    action = _action()
    values = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()}
    values.update(inputs)
    context = {f"inputs.{name}": value for name, value in values.items()}
    context["github.action_path"] = str(ROOT)

    def fill(text: str) -> str:
        return EXPRESSION.sub(lambda m: context[m.group(1)], text)  # KeyError: an expression no test knows

    shims = workspace.parent / "shims"
    shims.mkdir(exist_ok=True)
    shim = shims / "python"
    shim.write_text(f'#!/bin/sh\necho "$@" >> "{workspace.parent / "python.log"}"\n', encoding="utf-8")
    shim.chmod(0o755)
    outputs = workspace.parent / "github_output"
    outputs.touch()
    env = {**os.environ, "PATH": f"{shims}{os.pathsep}{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
           "GITHUB_OUTPUT": str(outputs), "PYTHONPATH": str(ROOT)}
    printed = []
    for step in action["runs"]["steps"]:
        if "uses" in step:
            continue
        assert step["shell"] == "bash"
        assert "${{" not in step["run"], "inputs reach a script through env, never pasted into it"
        step_env = {**env, **{key: fill(str(value)) for key, value in step.get("env", {}).items()}}
        proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                              cwd=workspace, env=step_env, capture_output=True, text=True, timeout=120)
        printed.append(proc.stdout + proc.stderr)
        if proc.returncode:
            return proc.returncode, "".join(printed), outputs
    return 0, "".join(printed), outputs


def test_the_action_writes_sarif_and_annotations_and_fails_on_findings(tmp_path):
    workspace = tmp_path / "repo"
    write(workspace, "deploy/td.json", FARGATE_BRIDGE)
    write(workspace, "deploy/ok.json", CLEAN)
    code, printed, outputs = run_action(workspace, paths="deploy")
    assert code == 1
    assert "::error file=deploy/td.json,line=" in printed and "ECS201" in printed
    log = json.loads((workspace / "ecslint.sarif").read_text(encoding="utf-8"))
    assert {r["ruleId"] for r in log["runs"][0]["results"]} == {"ECS201"}
    assert "sarif-file=ecslint.sarif" in outputs.read_text(encoding="utf-8")
    assert (tmp_path / "python.log").read_text(encoding="utf-8").split()[-1] == str(ROOT), "installs the checkout"


def test_a_clean_run_passes_and_the_inputs_are_used(tmp_path):
    workspace = tmp_path / "repo"
    write(workspace, "a/td.json", CLEAN)
    write(workspace, "b/td.json", FARGATE_BRIDGE)
    code, printed, _ = run_action(workspace, paths="a", **{"sarif-file": "out/report.sarif", "version": "ecslint==9.9"})
    assert code == 2 and "cannot write the report to out/report.sarif" in printed  # (no such folder)
    (workspace / "out").mkdir()
    code, printed, _ = run_action(workspace, paths="a", **{"sarif-file": "out/report.sarif", "version": "ecslint==9.9"})
    assert code == 0 and "::" not in printed
    assert json.loads((workspace / "out/report.sarif").read_text(encoding="utf-8"))["runs"][0]["results"] == []
    assert (tmp_path / "python.log").read_text(encoding="utf-8").split()[-1] == "ecslint==9.9"
    code, printed, _ = run_action(workspace, paths="a b", **{"fail-level": "none", "sarif-file": ""})
    assert code == 0 and "::error file=b/td.json" in printed


def test_an_input_cannot_inject_a_command(tmp_path):
    workspace = tmp_path / "repo"
    write(workspace, "td.json", CLEAN)
    code, _, _ = run_action(workspace, paths="td.json; touch pwned $(touch pwned2) *")
    assert code == 2  # the words are file names that do not exist
    assert not (workspace / "pwned").exists() and not (workspace / "pwned2").exists()
