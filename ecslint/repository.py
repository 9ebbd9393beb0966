"""Where the user's repository is: the nearest folder upward that holds ``.git``.

Configuration is searched up to it and no further, and SARIF paths are relative to it, as GitHub
code scanning expects. Outside a repository, the working directory stands in for it.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath


def repository_root(start: str | Path = ".") -> Path | None:
    """The nearest folder at or above ``start`` with a ``.git`` folder or file (a worktree or a
    submodule has a file); None outside a repository."""
    from ecslint import observed

    directory = Path(start).resolve()
    found = next((folder for folder in (directory, *directory.parents) if (folder / ".git").exists()), None)
    observed.root(str(start), str(found) if found is not None else None)
    return found


def source_root(start: str | Path = ".") -> Path:
    """The repository root, or the working directory outside a repository."""
    return repository_root(start) or Path(start).resolve()


def repository_path(path: str, root: Path) -> str | None:
    """``path`` relative to ``root`` (``infra/web.json``, with ``/``), or None outside ``root``.
    The folders are resolved (a working directory reached through a symbolic link), not the file."""
    absolute = os.path.abspath(path)
    absolute_path = Path(os.path.realpath(os.path.dirname(absolute))) / os.path.basename(absolute)
    try:
        return PurePosixPath(*absolute_path.relative_to(root).parts).as_posix()
    except ValueError:
        return None
