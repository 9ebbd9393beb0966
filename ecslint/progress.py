"""Progress on a terminal: ``linting 120/4000 files`` on standard error, rewritten in place.

Shown only when standard error is a terminal and the run asks for it (the command line: not with
``--quiet``, and only for text output or a report written to a file), so piped output, CI logs and
SARIF or JSON on standard output never carry it. Updates are throttled, and the line is erased
when linting ends, before the report and the summary are written.
"""

from __future__ import annotations

import sys
import time
from types import TracebackType

INTERVAL = 0.1  # seconds between two updates
MIN_FILES = 2  # one file needs no progress


class Progress:
    """Counts the files read; a context manager that erases its line on exit."""

    def __init__(self, total: int, enabled: bool = True) -> None:
        stream = sys.stderr
        self.total = total
        self.done = 0
        self.width = 0  # of the line shown, to erase it
        self._next = 0.0
        self.active = enabled and total >= MIN_FILES and stream is not None and stream.isatty()

    def advance(self) -> None:
        """One more file read."""
        self.done += 1
        now = time.monotonic()
        if self.active and (now >= self._next or self.done == self.total):
            self._next = now + INTERVAL
            line = f"linting {self.done}/{self.total} files"
            self._write(f"\r{line}")
            self.width = len(line)

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self.width:
            self._write(f"\r{' ' * self.width}\r")

    def _write(self, text: str) -> None:
        try:
            sys.stderr.write(text)
            sys.stderr.flush()
        except (OSError, ValueError):  # a terminal that went away: no progress, the run goes on
            self.active = False
