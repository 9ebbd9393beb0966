"""Find the files to lint: walk directories, honour excludes, read standard input."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Callable, Iterator

from ecslint.engine import Input

EXTENSIONS = (".json", ".yaml", ".yml")
SKIP_DIRS = frozenset(
    {".git", ".hg", ".svn", "node_modules", ".venv", "venv", ".tox", ".nox", "__pycache__",
     ".mypy_cache", ".pytest_cache", ".ruff_cache", ".terraform", ".idea", ".vscode"}
)
MAX_FILE_BYTES = 50 * 1024 * 1024


def display_path(path: str) -> str:
    """The path as shown in reports: relative to the working directory when below it, with '/'."""
    absolute = os.path.abspath(path)
    cwd = os.getcwd()
    if absolute == cwd or absolute.startswith(cwd + os.sep):
        return Path(os.path.relpath(absolute, cwd)).as_posix()
    return Path(path).as_posix()


def _is_virtualenv(directory: str) -> bool:
    return os.path.isfile(os.path.join(directory, "pyvenv.cfg"))


def walk(paths: list[str], excluded: Callable[[str], bool]) -> Iterator[str]:
    """Files named directly (whatever their extension) and JSON/YAML files below directories."""
    for path in paths:
        if os.path.isdir(path):
            for folder, dirs, files in os.walk(path):
                dirs[:] = sorted(
                    d for d in dirs
                    if d not in SKIP_DIRS and not _is_virtualenv(os.path.join(folder, d))
                    and not excluded(os.path.join(folder, d))
                )
                for name in sorted(files):
                    full = os.path.join(folder, name)
                    if name.lower().endswith(EXTENSIONS) and not excluded(full):
                        yield full
        elif not excluded(path):
            yield path


def read_file(path: str) -> Input:
    """The bytes of one file, or the reason they cannot be read."""
    shown = display_path(path)
    try:
        size = os.path.getsize(path)
        if size > MAX_FILE_BYTES:
            return Input(shown, None, f"file too large ({size // (1024 * 1024)} MiB; the limit is 50 MiB)")
        with open(path, "rb") as handle:
            return Input(shown, handle.read())
    except FileNotFoundError:
        return Input(shown, None, "no such file or directory")
    except IsADirectoryError:
        return Input(shown, None, "is a directory")
    except OSError as exc:
        return Input(shown, None, f"cannot read: {exc.strerror or exc}")


def read_stdin(name: str | None) -> Input:
    """Standard input, shown under ``--stdin-filename`` (or ``-``)."""
    data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
    shown = display_path(name) if name else "-"
    if len(data) > MAX_FILE_BYTES:
        return Input(shown, None, "input too large (the limit is 50 MiB)")
    return Input(shown, data)


def collect(paths: list[str], excluded: Callable[[str], bool], stdin_name: str | None = None) -> list[Input]:
    """Every input to lint, in a stable order, each file once."""
    inputs: list[Input] = []
    seen: set[str] = set()
    for path in paths:
        if path == "-":
            inputs.append(read_stdin(stdin_name))
            continue
        for file in walk([path], excluded):
            key = os.path.realpath(file)
            if key not in seen:
                seen.add(key)
                inputs.append(read_file(file))
    return inputs
