"""The hook of ``.pre-commit-hooks.yaml`` run by the real pre-commit, in a temporary git repository:
with ``pre-commit try-repo`` on staged files, and installed as the git hook of real commits.

This checkout (its files as they are now, committed or not) is copied into a temporary repository
that pre-commit clones and installs ecslint from (pip fetches ecslint's dependencies, as for any
user: PyPI must be reachable, or its cache warm); ``PRE_COMMIT_HOME`` is temporary too.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from test_cli import CLEAN, FARGATE_BRIDGE, write

pytest.importorskip("pre_commit")
ROOT = Path(__file__).resolve().parent.parent
# What installing ecslint needs (pyproject.toml's wheel: the package, its rules and schemas).
HOOK_REPO_FILES = (".pre-commit-hooks.yaml", "pyproject.toml", "README.md", "ecslint", "rules", "schemas")
NOT_ECS = {
    "package.json": '{"name": "web", "version": "1.0.0", "scripts": {"start": "node ."}}\n',
    ".github/dependabot.yml": "version: 2\nupdates:\n  - package-ecosystem: npm\n    directory: /\n",
    "docker-compose.yaml": "services:\n  web:\n    image: nginx\n    ports: ['80:80']\n",
    "broken-but-not-ecs.yaml": "key: [unclosed\n",
}


def git(repo: Path, *args: str, check: bool = True, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=check, env=env,
                          timeout=300)


def init(repo: Path) -> None:
    repo.mkdir(parents=True, exist_ok=True)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "test@example.com")
    git(repo, "config", "user.name", "test")
    git(repo, "config", "commit.gpgsign", "false")


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory) -> tuple[Path, str]:
    """A git repository of this checkout's hook and package, committed; its path and commit."""
    if shutil.which("git") is None:
        pytest.skip("needs git")
    repo = tmp_path_factory.mktemp("hook") / "ecslint"
    init(repo)
    for name in HOOK_REPO_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, repo / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, repo / name)
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "ecslint")
    return repo, git(repo, "rev-parse", "HEAD").stdout.strip()


@pytest.fixture(scope="module")
def environment(tmp_path_factory) -> dict[str, str]:
    home = tmp_path_factory.mktemp("pre-commit-home")
    env = {key: value for key, value in os.environ.items() if not key.startswith(("GIT_", "PRE_COMMIT"))}
    env["PRE_COMMIT_HOME"] = str(home)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"  # pre-commit's own script
    return env


def pre_commit(repo: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pre_commit", *args], cwd=repo, capture_output=True, text=True,
                          env=env, timeout=600)


def project(tmp_path: Path) -> Path:
    repo = tmp_path / "project"
    init(repo)
    write(repo, "README.md", "a project\n")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "start")
    return repo


def staged(tmp_path: Path, task_definition: str) -> Path:
    """A project with a task definition and the non-ECS files staged."""
    repo = project(tmp_path)
    write(repo, "deploy/task-definition.json", task_definition)
    for name, text in NOT_ECS.items():
        write(repo, name, text)
    git(repo, "add", ".")
    return repo


def test_try_repo_passes_clean_and_non_ecs_files_silently(tmp_path, hook_repo, environment):
    repo = staged(tmp_path, CLEAN)
    proc = pre_commit(repo, environment, "try-repo", str(hook_repo[0]), "ecslint", "--ref", hook_repo[1],
                      "--verbose")
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    assert "ecslint" in output and "Passed" in output
    assert "no problems (1 file linted; 4 skipped (not ECS content; --verbose lists them))" in output
    for name in NOT_ECS:
        assert f"skipped {name}" not in output and f"{name}:" not in output


def test_try_repo_fails_on_a_bad_task_definition(tmp_path, hook_repo, environment):
    repo = staged(tmp_path, FARGATE_BRIDGE)
    proc = pre_commit(repo, environment, "try-repo", str(hook_repo[0]), "ecslint", "--ref", hook_repo[1])
    output = proc.stdout + proc.stderr
    assert proc.returncode == 1, output
    assert "Failed" in output and "deploy/task-definition.json:4:18: error[ECS201]" in output
    assert all(f"{name}:" not in output for name in NOT_ECS)


def test_the_installed_hook_lets_a_clean_commit_through_and_stops_a_failing_one(tmp_path, hook_repo, environment):
    repo = project(tmp_path)
    write(repo, ".pre-commit-config.yaml",
          f"repos:\n  - repo: {hook_repo[0]}\n    rev: {hook_repo[1]}\n    hooks:\n      - id: ecslint\n")
    proc = pre_commit(repo, environment, "install")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    write(repo, "deploy/task-definition.json", CLEAN)
    write(repo, "package.json", NOT_ECS["package.json"])
    git(repo, "add", ".")
    commit = git(repo, "commit", "-m", "clean", check=False, env=environment)
    assert commit.returncode == 0, commit.stdout + commit.stderr
    write(repo, "deploy/task-definition.json", FARGATE_BRIDGE)
    git(repo, "add", ".")
    commit = git(repo, "commit", "-m", "bridge on Fargate", check=False, env=environment)
    assert commit.returncode == 1
    assert "error[ECS201]" in commit.stdout + commit.stderr
    assert git(repo, "log", "--format=%s").stdout.split("\n")[0] == "clean", "the failing commit was not made"
