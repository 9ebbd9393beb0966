"""A workspace folder as the server sees it: its configuration, found as the command line finds
it, and its files on disk, read once as link context for the buffers being edited (a service in
the buffer, its task definition in another file) and read again after they change."""

from __future__ import annotations

import os
from dataclasses import replace
from itertools import islice

from ecslint.config import CONFIG_FILES, Config, ConfigError, load_config
from ecslint.discover import EXTENSIONS, SKIP_DIRS, read_file, walk
from ecslint.engine import Input
from ecslint.registry import Registry

# A workspace is read whole for context, so bound what that costs on every change.
MAX_CONTEXT_FILES = 1000
MAX_CONTEXT_BYTES = 2 * 1024 * 1024  # a file larger than this is not read as context


class Folder:
    """One workspace folder (or, for a file outside every folder, the file's directory, which is
    not read for context: ``scan`` False)."""

    def __init__(self, root: str, registry: Registry, scan: bool = True) -> None:
        self.root = root
        self.registry = registry
        self.scan = scan
        self.config_error: str | None = None
        self._config: Config | None = None
        self._context: dict[str, Input] | None = None

    @property
    def config(self) -> Config:
        """The folder's configuration (the defaults, with ``config_error`` set, when it cannot be used)."""
        if self._config is None:
            try:
                config = load_config(start=self.root)
                config.resolve(self.registry)  # unknown selectors are an error here too
                self.config_error = None
            except ConfigError as exc:
                config, self.config_error = Config(root=self.root), str(exc)
            self._config = config
        return self._config

    def context(self) -> dict[str, Input]:
        """The folder's lintable files, by absolute path, as context inputs."""
        if self._context is None:
            self._context = {}
            found = (path for path, error in walk(self.root, self.config.excluded) if error is None)
            for path in islice(found, MAX_CONTEXT_FILES) if self.scan else ():
                item = _context_input(os.path.abspath(path))
                if item is not None:
                    self._context[item.path] = item
        return self._context

    def changed(self, path: str) -> None:
        """The file at ``path`` (absolute) changed on disk: read it again, or the configuration and
        then every file (what it excludes may have changed)."""
        if os.path.basename(path) in CONFIG_FILES:
            self._config = None
            self._context = None
            return
        if self._context is None:
            return
        known = self._context.pop(path, None) is not None
        if self.scan and self._wanted(path) and (known or len(self._context) < MAX_CONTEXT_FILES):
            item = _context_input(path)
            if item is not None:
                self._context[path] = item

    def _wanted(self, path: str) -> bool:
        """Whether a scan of the folder would read ``path``."""
        parts = os.path.relpath(path, self.root).split(os.sep)
        return (path.lower().endswith(EXTENSIONS) and parts[0] != os.pardir and not self.config.excluded(path)
                and not any(part in SKIP_DIRS for part in parts[:-1]))


def _context_input(path: str) -> Input | None:
    """The file at ``path`` (absolute) as a context input; None when it is gone or too large."""
    try:
        if os.path.getsize(path) > MAX_CONTEXT_BYTES:
            return None
    except OSError:
        return None
    return replace(read_file(path, named=False), path=path, context=True)
