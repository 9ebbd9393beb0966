"""A workspace folder as the server sees it: its configuration, found as the command line finds
it, and its files on disk, read once as link context for the buffers being edited (a service in
the buffer, its task definition in another file) and read again after they change."""

from __future__ import annotations

import os
from dataclasses import replace
from itertools import islice

from ecslint.config import CONFIG_FILES, Config, ConfigError, load_config
from ecslint.discover import read_file, walk
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

    def contains(self, path: str) -> bool:
        return path == self.root or path.startswith(self.root.rstrip(os.sep) + os.sep)

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
                try:
                    if os.path.getsize(path) > MAX_CONTEXT_BYTES:
                        continue
                except OSError:
                    continue
                absolute = os.path.abspath(path)
                self._context[absolute] = replace(read_file(path, named=False), path=absolute, context=True)
        return self._context

    def changed(self, path: str) -> None:
        """A file of the folder changed on disk: read it again (and the configuration, if it is one)."""
        if os.path.basename(path) in CONFIG_FILES:
            self._config = None
        self._context = None
