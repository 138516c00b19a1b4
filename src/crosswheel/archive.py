"""What the wheel and sdist writers share: timestamps, modes, and writing to a temporary name."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .errors import BuildError

# Failures of the output folder's file system that the user has to fix: a message, no traceback.
_NO_ROOM = {errno.ENOSPC, errno.EFBIG, errno.EROFS, getattr(errno, "EDQUOT", errno.ENOSPC)}

# 1980-01-01, the earliest time a zip can hold: used when SOURCE_DATE_EPOCH is not set, so that
# the same sources always give the same bytes.
DEFAULT_EPOCH = 315532800


def source_date_epoch() -> int:
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not raw:
        return DEFAULT_EPOCH
    try:
        return max(int(raw), DEFAULT_EPOCH)
    except ValueError:
        raise BuildError(f"SOURCE_DATE_EPOCH: expected an integer, found {raw!r}") from None


def normalized_mode(path: Path) -> int:
    """0o755 for anything executable by its owner, else 0o644."""
    return 0o755 if os.stat(path).st_mode & stat.S_IXUSR else 0o644


@contextlib.contextmanager
def atomic_output(final: Path) -> Iterator[Path]:
    """Yield a temporary path beside `final`; rename it to `final` only when the block succeeds.

    The output folder therefore holds the complete artefact or nothing, whatever goes wrong.
    """
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".part", dir=final.parent)
    except OSError as e:  # read-only, not a folder, no permission...
        raise BuildError(f"cannot write {final}: {e.strerror or e}") from None
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, final)
    except BaseException as e:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(e, OSError) and e.errno in _NO_ROOM:
            raise BuildError(f"cannot write {final}: {e.strerror}") from None
        raise
