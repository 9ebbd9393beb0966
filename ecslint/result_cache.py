"""The result cache: a run on unchanged files reports what the last such run found, without linting.

Entries live in ``.ecslint_cache/`` of the project root (the configuration file's folder, else the
repository root, else the working directory), a folder that ignores itself in git. An entry's key
is everything the result is made from:

- ecslint's version and code (each module's and schema's name, modification time and size), and
  the Python version;
- the enabled rules, each with every field of its rule file and its level after the configuration;
- the configuration (every setting of :class:`ecslint.config.Config`) and the working directory
  (reported paths are relative to it);
- every input: its path, how it was given, and its content.

Rules link files to each other (a service to the task definition of the same family, wherever it
is; a workflow to the file it ships), so no file's findings can be reused without all the others:
the key is the whole linked set, every input of the run. A run also reads beyond its inputs (the
files a workflow ships, a Terraform module's other files, folder listings): the entry records each
answer (:mod:`ecslint.observed`) and is used only while the file system still gives them all.
Anything that goes wrong reading or writing an entry means linting, silently.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
import sys
from pathlib import Path
from typing import Any, Callable

from ecslint import __version__
from ecslint.atomic import write_atomically
from ecslint.config import Config
from ecslint.engine import Input, Result
from ecslint.observed import Observations, digest
from ecslint.registry import Registry, Rule
from ecslint.repository import repository_root
from ecslint.resources import data_dir

FOLDER = ".ecslint_cache"
MAX_ENTRIES = 64  # the oldest beyond these are removed when an entry is written
_FORMAT = 1  # of an entry; a change makes older entries unused


def cache_root(config: Config) -> Path:
    """Where ``.ecslint_cache/`` goes: beside the configuration file, else at the repository root,
    else in the working directory."""
    if config.path:
        return Path(config.root)
    return repository_root(".") or Path.cwd()


def _code_identity() -> list[tuple[str, int, int]]:
    """ecslint's modules and schemas, by name, modification time and size."""
    found = []
    for top in (Path(__file__).resolve().parent, data_dir("schemas")):
        for folder, dirs, files in os.walk(top):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(files):
                if name.endswith((".py", ".json")):
                    info = os.stat(os.path.join(folder, name))
                    found.append((os.path.join(folder, name), info.st_mtime_ns, info.st_size))
    return found


def _rule_identity(rule: Rule) -> list[tuple[str, Any]]:
    return [(field.name, getattr(rule, field.name)) for field in dataclasses.fields(rule)
            if not field.name.startswith("_")]


def run_key(inputs: list[Input], enabled: dict[str, Rule], config: Config) -> str:
    """The key of a run's entry (see the module's documentation)."""
    parts = [
        _FORMAT, __version__, sys.version_info[:3], _code_identity(), os.getcwd(),
        [_rule_identity(rule) for rule in enabled.values()],
        [(field.name, getattr(config, field.name)) for field in dataclasses.fields(config)],
        [(path, digest(*_read(path))) for path in config.var_files],
        [(item.path, item.file, item.named, item.context, digest(item.data, item.error)) for item in inputs],
    ]
    return hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()


def lint(inputs: list[Input], registry: Registry, config: Config,
         progress: Callable[[], None] | None = None, jobs: int | None = None, min_files: int | None = None) -> Result:
    """:func:`ecslint.partition.lint`, or the result of the same run from the cache."""
    from ecslint import observed, partition

    try:
        root = cache_root(config)
        key = run_key(inputs, config.resolve(registry), config)
    except (OSError, ValueError):  # a working directory that is gone, a folder that cannot be listed
        return partition.lint(inputs, registry, config, progress, jobs, min_files)
    cached = load(root, key)
    if cached is not None:
        return cached
    with observed.recording() as observations:
        result = partition.lint(inputs, registry, config, progress, jobs, min_files)
    store(root, key, result, observations)
    return result


def _read(path: str) -> tuple[bytes | None, str | None]:
    try:
        return Path(path).read_bytes(), None
    except OSError as exc:
        return None, str(exc)


def load(root: Path, key: str) -> Result | None:
    """The result of the entry ``key``, if there is one and what it observed still holds."""
    try:
        with open(root / FOLDER / f"{key}.pickle", "rb") as handle:
            stored_key, observations, result = pickle.load(handle)
        if stored_key == key and isinstance(result, Result) and observations.still_hold():
            os.utime(root / FOLDER / f"{key}.pickle")  # recently used: pruned last
            return result
    except Exception:  # absent, unreadable, truncated, of another version: lint
        pass
    return None


def store(root: Path, key: str, result: Result, observations: Observations) -> None:
    """Write the entry ``key`` (a run with internal errors is not kept: they may not recur)."""
    if result.internal_errors:
        return
    kept = dataclasses.replace(result, documents=[])
    folder = root / FOLDER
    try:
        if not folder.is_dir():
            folder.mkdir()
            (folder / ".gitignore").write_text("# Created by ecslint: its result cache.\n*\n", encoding="utf-8")
        _write(folder / f"{key}.pickle", (key, observations, kept))
        _prune(folder)
    except (OSError, pickle.PicklingError, RecursionError):
        pass


def _write(entry: Path, value: Any) -> None:
    write_atomically(entry, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


def _prune(folder: Path) -> None:
    entries = sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for entry in entries[MAX_ENTRIES:]:
        entry.unlink(missing_ok=True)
