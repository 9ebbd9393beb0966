"""What a run learns from the file system beyond its inputs, recorded for the result cache.

Linting reads more than the files it was given: the task definition files that workflows ship,
the other ``.tf`` and ``.tfvars`` files of a Terraform module, the names in a folder, whether a
file exists. Every such look goes through this module; while :func:`recording` is active, each
one and its answer is noted, and :meth:`Observations.still_hold` tells whether they all would
give the same answers now (then a cached result is still the result).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager


def digest(data: bytes | None, error: str | None = None) -> str:
    """A file's content, or why it could not be read, in a few bytes."""
    return hashlib.sha256(data).hexdigest() if data is not None else f"unreadable: {error}"


class Observations:
    """The answers the file system gave during one run (path -> answer)."""

    def __init__(self) -> None:
        self.reads: dict[str, str] = {}  # path -> digest of what read_file gave
        self.listings: dict[str, tuple[str, ...] | None] = {}  # folder -> names, or None (cannot be listed)
        self.files: dict[str, bool] = {}  # path -> whether it is a file
        self.roots: dict[str, str | None] = {}  # folder -> its repository's root

    def still_hold(self) -> bool:
        """Whether the file system gives every recorded answer again."""
        from ecslint.discover import read_file
        from ecslint.repository import repository_root

        for folder, root in self.roots.items():
            if str(repository_root(folder) or "") != (root or ""):
                return False
        for path, answer in self.files.items():
            if os.path.isfile(path) != answer:
                return False
        for folder, names in self.listings.items():
            if _listing(folder) != names:
                return False
        for path, answer in self.reads.items():
            item = read_file(path, named=False)
            if digest(item.data, item.error) != answer:
                return False
        return True


_active: list[Observations] = []


@contextmanager
def recording() -> Iterator[Observations]:
    """Record the file system's answers until the block ends."""
    observations = Observations()
    _active.append(observations)
    try:
        yield observations
    finally:
        _active.remove(observations)


def _listing(folder: str) -> tuple[str, ...] | None:
    try:
        return tuple(sorted(os.listdir(folder)))
    except OSError:
        return None


def read(path: str, data: bytes | None, error: str | None) -> None:
    """Note what reading the file at ``path`` gave (called by :func:`ecslint.discover.read_file`)."""
    for observations in _active:
        observations.reads[path] = digest(data, error)


def listdir(folder: str) -> list[str]:
    """``os.listdir``, noted: the names in ``folder``, sorted (``OSError`` when it cannot be listed)."""
    try:
        names: tuple[str, ...] | None = tuple(sorted(os.listdir(folder)))
    except OSError:
        names = None
        raise
    finally:
        for observations in _active:
            observations.listings[folder] = names
    return list(names)


def root(folder: str, found: str | None) -> None:
    """Note the repository root found for ``folder`` (called by :func:`ecslint.repository.repository_root`)."""
    for observations in _active:
        observations.roots[folder] = found


def isfile(path: str) -> bool:
    """``os.path.isfile``, noted."""
    answer = os.path.isfile(path)
    for observations in _active:
        observations.files[path] = answer
    return answer


def merge(other: Observations) -> None:
    """Note what another process observed (a worker of :mod:`ecslint.partition`)."""
    for observations in _active:
        observations.reads.update(other.reads)
        observations.listings.update(other.listings)
        observations.files.update(other.files)
        observations.roots.update(other.roots)
