"""Find the files to lint: walk directories, honour excludes, read files and standard input.

Only what can be read in bounded time and memory is read: regular files (and a pipe named on the
command line, such as ``<(generate)``), never more than ``MAX_FILE_BYTES``, whatever size the file
system reports. A FIFO, device or socket met while walking a directory is an unreadable file, not
a read that blocks forever or never ends.
"""

from __future__ import annotations

import os
import re
import stat
import sys
from dataclasses import replace
from pathlib import Path
from typing import Callable, Iterator

from ecslint import observed
from ecslint.engine import Input
from ecslint.repository import repository_root

# CloudFormation's own .template; Terraform's .tf, and .json.tpl templates of container definitions
EXTENSIONS = (".json", ".yaml", ".yml", ".template", ".tf", ".json.tpl")
SKIP_DIRS = frozenset(
    {".git", ".hg", ".svn", "node_modules", ".venv", "venv", ".tox", ".nox", "__pycache__",
     ".mypy_cache", ".pytest_cache", ".ruff_cache", ".terraform", ".idea", ".vscode"}
)
MAX_FILE_BYTES = 50 * 1024 * 1024
_TOO_LARGE = f"file too large (the limit is {MAX_FILE_BYTES // (1024 * 1024)} MiB)"
_FILE_KINDS = {stat.S_IFIFO: "a FIFO", stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device",
               stat.S_IFSOCK: "a socket", stat.S_IFDIR: "a directory"}
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)


def display_path(path: str) -> str:
    """The path as shown in reports: relative to the working directory when below it, with '/'."""
    absolute = os.path.abspath(path)
    cwd = os.getcwd()
    if absolute == cwd or absolute.startswith(cwd + os.sep):
        return Path(os.path.relpath(absolute, cwd)).as_posix()
    return Path(path).as_posix()


def _is_virtualenv(directory: str) -> bool:
    return os.path.isfile(os.path.join(directory, "pyvenv.cfg"))


def walk(directory: str, excluded: Callable[[str], bool]) -> Iterator[tuple[str, str | None]]:
    """The JSON/YAML files below ``directory`` (each with None), and the folders that could not be
    listed (each with why)."""
    errors: list[OSError] = []
    for folder, dirs, files in os.walk(directory, onerror=errors.append):
        while errors:
            error = errors.pop()
            yield error.filename or folder, f"cannot read directory: {error.strerror or error}"
        dirs[:] = sorted(
            d for d in dirs
            if d not in SKIP_DIRS and not _is_virtualenv(os.path.join(folder, d))
            and not excluded(os.path.join(folder, d))
        )
        for name in sorted(files):
            full = os.path.join(folder, name)
            if name.lower().endswith(EXTENSIONS) and not excluded(full):
                yield full, None
    for error in errors:
        yield error.filename or directory, f"cannot read directory: {error.strerror or error}"


def _reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "no such file or directory"
    return f"cannot read: {exc.strerror or exc}"


def read_file(path: str, named: bool = True) -> Input:
    """The bytes of one file, or why they cannot be read. ``named``: the user gave this path
    itself (a pipe is read then), rather than ecslint finding it in a directory. What it gives is
    noted for the result cache (:mod:`ecslint.observed`)."""
    item = _read_file(path, named)
    observed.read(path, item.data, item.error)
    return item


def _read_file(path: str, named: bool) -> Input:
    shown = display_path(path)
    try:
        descriptor = os.open(path, _OPEN_FLAGS)  # never blocks, even on a FIFO with no writer
    except OSError as exc:
        return Input(shown, None, _reason(exc))
    with os.fdopen(descriptor, "rb") as handle:
        try:
            kind = stat.S_IFMT(os.fstat(descriptor).st_mode)
            if kind != stat.S_IFREG and not (named and kind == stat.S_IFIFO):
                what = _FILE_KINDS.get(kind, "not a regular file")
                return Input(shown, None, "is a directory" if kind == stat.S_IFDIR else
                             f"{what}, not a regular file: ecslint reads regular files only")
            if kind == stat.S_IFIFO:
                os.set_blocking(descriptor, True)
            data = handle.read(MAX_FILE_BYTES + 1)  # the bytes read are capped, not the size reported
        except OSError as exc:
            return Input(shown, None, _reason(exc))
    if len(data) > MAX_FILE_BYTES:
        return Input(shown, None, _TOO_LARGE)
    return Input(shown, data, file=path, named=named)


def read_stdin(name: str | None) -> Input:
    """Standard input, shown under ``--stdin-filename`` (or ``-``)."""
    shown = display_path(name) if name else "-"
    if sys.stdin is None:
        return Input(shown, None, "standard input is closed")
    try:
        data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return Input(shown, None, _reason(exc))
    if len(data) > MAX_FILE_BYTES:
        return Input(shown, None, _TOO_LARGE)
    return Input(shown, data, named=True)


# A Terraform module call with a local source: ``source = "../modules/service"``.
_LOCAL_MODULE = re.compile(rb'^[ \t]*source[ \t]*=[ \t]*"(\.\.?/[^"$\n]*)"', re.MULTILINE)


def _local_modules(item: Input) -> list[str]:
    """The directories of the modules a ``.tf`` file calls with a local source."""
    if item.data is None or item.file is None or not item.file.endswith(".tf") or b"source" not in item.data:
        return []
    base = os.path.dirname(item.file)
    return [os.path.normpath(os.path.join(base, m.group(1).decode("utf-8", "replace")))
            for m in _LOCAL_MODULE.finditer(item.data)]


def collect(paths: list[str], excluded: Callable[[str], bool], stdin_name: str | None = None) -> list[Input]:
    """Every input to lint, in a stable order, each file once; and the directories of the Terraform
    modules they call with a local source, each linted as a module of its own."""
    inputs: list[Input] = []
    seen: set[str] = set()
    pending = list(paths)
    walked: set[str] = set()
    while pending:
        path = pending.pop(0)
        if path == "-":
            inputs.append(read_stdin(stdin_name))
            continue
        if os.path.isdir(path):
            walked.add(os.path.realpath(path))
        found = walk(path, excluded) if os.path.isdir(path) else [] if excluded(path) else [(path, None)]
        for file, error in found:
            key = os.path.realpath(file)
            if key in seen:
                continue
            seen.add(key)
            item = Input(display_path(file), None, error) if error else read_file(file, named=file == path)
            inputs.append(item)
            for directory in _local_modules(item):
                real = os.path.realpath(directory)
                if os.path.isdir(directory) and real not in walked and not excluded(directory) and \
                        not any(real.startswith(w + os.sep) for w in walked):
                    walked.add(real)
                    pending.append(directory)
    return inputs + repository_workflows(inputs, seen, excluded)


WORKFLOWS = (".github", "workflows")


def repository_workflows(inputs: list[Input], seen: set[str], excluded: Callable[[str], bool]) -> list[Input]:
    """The GitHub Actions workflows of the repositories the inputs are in (those not among the
    inputs), as context: they tell how a task definition file is shipped, even to a pre-commit run
    given only that file."""
    folders: set[str] = set()
    repositories: set[Path] = set()
    found: list[Input] = []
    for item in inputs:
        folder = os.path.dirname(os.path.abspath(item.file)) if item.file is not None else None
        if folder is None or folder in folders:
            continue
        folders.add(folder)
        root = repository_root(folder)
        if root is None or root in repositories:
            continue
        repositories.add(root)
        workflows = root.joinpath(*WORKFLOWS)
        try:
            names = sorted(p.name for p in workflows.iterdir()) if workflows.is_dir() else []
        except OSError:
            continue
        for name in names:
            path = os.path.join(workflows, name)
            if name.lower().endswith((".yml", ".yaml")) and os.path.realpath(path) not in seen and not excluded(path):
                seen.add(os.path.realpath(path))
                found.append(replace(read_file(path, named=False), context=True))
    return found
