"""The rules of a rule directory, parsed once and kept under the user's cache directory.

Reading sixty rule files with PyYAML takes a tenth of a second; unpickling them takes a millisecond.
A directory's entry is used only when its identity is the same as when it was written: ecslint's
version, the Python version, the code that builds rules (``ecslint/registry.py`` and what it
validates against), and each rule file's name, modification time and size. Editing a rule file
in a checkout, or upgrading ecslint, makes the next run read the files again. A cache that cannot
be read or written is no cache: the files are parsed, silently.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from pathlib import Path
from typing import Any, Callable

from ecslint import __version__
from ecslint.atomic import write_atomically

_PACKAGE = Path(__file__).resolve().parent
# The modules whose code decides what a rule file becomes (its fields, defaults and validation).
_BUILDERS = ("registry.py", "findings.py", "model/__init__.py", "rule_cache.py")


def cache_dir() -> Path:
    """``$XDG_CACHE_HOME/ecslint``, or ``~/.cache/ecslint``."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "ecslint"


def _stat(path: Path) -> tuple[str, int, int]:
    info = path.stat()
    return path.name, info.st_mtime_ns, info.st_size


def identity(directory: Path) -> tuple[Any, ...]:
    """What the cached rules of ``directory`` were made from (the rules name their files as the
    directory is spelled, so the spelling is part of it)."""
    files = sorted(directory.glob("*.y*ml"))
    return (__version__, sys.version_info[:2], [_stat(_PACKAGE / name) for name in _BUILDERS],
            str(directory), str(directory.resolve()), [_stat(path) for path in files])


def cached_rules(directory: Path, load: Callable[[Path], list]) -> list:
    """``load(directory)``, or what it returned last time if nothing it read has changed since."""
    try:
        key = identity(directory)
        entry = cache_dir() / f"rules-{hashlib.sha256(repr(key[3:5]).encode()).hexdigest()[:20]}.pickle"
    except OSError:
        return load(directory)
    try:
        with open(entry, "rb") as handle:
            stored_key, rules = pickle.load(handle)
        if stored_key == key:
            return rules
    except Exception:  # absent, unreadable, truncated or of another version: read the files
        pass
    rules = load(directory)
    _write(entry, (key, rules))
    return rules


def _write(entry: Path, value: Any) -> None:
    """Write ``value`` to ``entry`` atomically (a concurrent run reads the old entry or the new one)."""
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(entry, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    except (OSError, pickle.PicklingError):
        pass
