"""One build at a time per build folder: two pip processes on the same project take turns.
The folder is made here too, with a message when it cannot be."""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from .errors import BuildError


def make_folder(folder: Path, what: str) -> None:
    """Create `folder` (and its parents), or say in one line why it cannot be."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        blocker = next((p for p in (folder, *folder.parents) if p.exists() and not p.is_dir()),
                       None)
        if blocker is not None:
            raise BuildError(f"cannot create the {what} {folder}: {blocker} is not a folder; "
                             "remove it or set cmake.build_path") from None
        hint = "; set cmake.build_path to a writable folder" if e.errno in (
            errno.EROFS, errno.EACCES, errno.EPERM) else ""
        raise BuildError(f"cannot create the {what} {folder}: {e.strerror or e}{hint}") from None


@contextlib.contextmanager
def build_folder_lock(folder: Path, log: object = None) -> Iterator[None]:
    """Hold an exclusive lock on `folder` (created if needed) for the duration of the block."""
    make_folder(folder, "build folder")
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
