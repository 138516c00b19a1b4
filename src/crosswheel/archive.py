"""What the wheel and sdist writers share: timestamps, modes, and writing to a temporary name."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

from .errors import BuildError

# Failures of the output folder's file system that the user has to fix: a message, no traceback.
_NO_ROOM = {errno.ENOSPC, errno.EFBIG, errno.EROFS, getattr(errno, "EDQUOT", errno.ENOSPC)}

# 1980-01-01, the earliest time a zip can hold: used when SOURCE_DATE_EPOCH is not set, so that
# the same sources always give the same bytes.
DEFAULT_EPOCH = 315532800
# 2107-12-31 23:59:59, the latest: a zip's year is 7 bits counted from 1980.
LAST_EPOCH = 4354819199


def source_date_epoch() -> int:
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not raw:
        return DEFAULT_EPOCH
    # Only ASCII digits: int() would also take '1_000', '+5' and other scripts' digits.
    if not re.fullmatch(r"[0-9]+", raw):
        raise BuildError(f"SOURCE_DATE_EPOCH: expected an integer, found {raw!r}")
    value = int(raw)
    if not DEFAULT_EPOCH <= value <= LAST_EPOCH:
        raise BuildError(f"SOURCE_DATE_EPOCH: {raw} is outside the dates a zip file can hold; "
                         f"expected an integer from {DEFAULT_EPOCH} (1980-01-01) to "
                         f"{LAST_EPOCH} (2107-12-31)")
    return value


def output_path(out_dir: Path, name: str) -> Path:
    """`out_dir / name`, refusing a name that would land anywhere but directly in `out_dir`."""
    if not name or name in (".", "..") or "/" in name or "\\" in name or "\0" in name:
        raise BuildError(f"refusing to write {name!r} into {out_dir}: an artefact's name must "
                         "not contain a path separator")
    return out_dir / name


def check_output(final: Path) -> None:
    """Fail early (before any CMake step) when `final` cannot be written as a file."""
    if final.is_dir() and not final.is_symlink():
        raise BuildError(f"cannot write {final}: a folder of that name is in the way; remove it")
    parent = final.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if parent.exists() and not parent.is_dir():
        raise BuildError(f"cannot write {final}: {parent} is not a folder")


def _remove_stale_parts(final: Path) -> None:
    """Delete the .part files a killed build of the same artefact left behind (SIGKILL, power
    loss). A live writer holds a lock on its .part file, so a concurrent build's is kept."""
    try:
        names = os.listdir(final.parent)
    except OSError:
        return
    prefix = f".{final.name}."
    for name in names:
        if not (name.startswith(prefix) and name.endswith(".part")):
            continue
        path = final.parent / name
        if sys.platform == "win32":  # pragma: no cover - an open file cannot be deleted there
            with contextlib.suppress(OSError):
                os.unlink(path)
            continue
        import fcntl

        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            os.unlink(path)
        except OSError:  # locked: another build is writing it
            pass
        finally:
            os.close(fd)


def _locked_part(final: Path) -> tuple[int, str]:
    """A new, locked .part file beside `final`: made under another name and renamed once locked,
    so that every file named .part is locked for as long as its writer lives."""
    # Not tempfile.mkstemp: importing tempfile (and random with it) costs a no-op rebuild more
    # than the write itself.
    flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | \
        getattr(os, "O_BINARY", 0)
    for _ in range(100):
        new = str(final.parent / f".{final.name}.{os.urandom(6).hex()}.new")
        try:
            fd = os.open(new, flags, 0o600)
            break
        except FileExistsError:
            continue
    else:  # pragma: no cover - 100 collisions of 48 random bits
        raise FileExistsError(errno.EEXIST, "no free temporary name", str(final.parent))
    if sys.platform == "win32":  # pragma: no cover - an open file cannot be renamed there
        os.close(fd)
        fd = -1
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX)
    part = new[: -len(".new")] + ".part"
    os.rename(new, part)
    return fd, part


def normalized_mode(path: Path) -> int:
    """0o755 for anything executable by its owner, else 0o644."""
    return 0o755 if os.stat(path).st_mode & stat.S_IXUSR else 0o644


@contextlib.contextmanager
def atomic_output(final: Path) -> Iterator[Path]:
    """Yield a temporary path beside `final`; rename it to `final` only when the block succeeds.

    The output folder therefore holds the complete artefact or nothing, whatever goes wrong.
    """
    check_output(final)
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale_parts(final)
        fd, tmp = _locked_part(final)
    except OSError as e:  # read-only, not a folder, no permission...
        raise BuildError(f"cannot write {final}: {e.strerror or e}") from None
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, final)
    except BaseException as e:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(e, OSError) and e.errno in _NO_ROOM:
            raise BuildError(f"cannot write {final}: {e.strerror}") from None
        if isinstance(e, OSError) and e.filename is not None:
            what = "" if e.filename in (tmp, str(final)) else f"{e.filename}: "
            raise BuildError(f"cannot write {final}: {what}{e.strerror or e}") from None
        raise
    finally:
        if fd >= 0:
            os.close(fd)  # releases the lock
