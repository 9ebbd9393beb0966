"""Where the user's repository is: the nearest folder upward that holds ``.git``.

Configuration is searched up to it and no further, and SARIF paths are relative to it, as GitHub
code scanning expects. Outside a repository, the working directory stands in for it.
"""

from __future__ import annotations

from pathlib import Path


def repository_root(start: str | Path = ".") -> Path | None:
    """The nearest folder at or above ``start`` with a ``.git`` folder or file (a worktree or a
    submodule has a file); None outside a repository."""
    directory = Path(start).resolve()
    for folder in (directory, *directory.parents):
        if (folder / ".git").exists():
            return folder
    return None


def source_root(start: str | Path = ".") -> Path:
    """The repository root, or the working directory outside a repository."""
    return repository_root(start) or Path(start).resolve()
