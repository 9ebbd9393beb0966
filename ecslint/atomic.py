"""Files replaced whole: a reader (another ecslint, an editor) sees the old content or the new, never a part."""

from __future__ import annotations

import os
from pathlib import Path


def write_atomically(path: str | Path, data: bytes, mode: int | None = None) -> None:
    """Replace ``path`` with ``data`` through a temporary file in the same folder; ``mode``: the
    permissions the new file gets (the temporary file's own, 0600, otherwise)."""
    import tempfile  # (not on the path of a run that writes nothing)

    descriptor, temporary = tempfile.mkstemp(prefix=".ecslint-", suffix=".tmp", dir=os.path.dirname(path))
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
