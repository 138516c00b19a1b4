"""One build at a time per build folder: two pip processes on the same project take turns."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def build_folder_lock(folder: Path, log: object = None) -> Iterator[None]:
    """Hold an exclusive lock on `folder` (created if needed) for the duration of the block."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / ".crosswheel.lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
            import msvcrt

            msvcrt.locking(fd, msvcrt.LK_LOCK, 1)
        else:
            import fcntl

            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if callable(log):
                    log(f"waiting for another build using {folder}")
                fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock
