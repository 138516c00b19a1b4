"""The wheel's staging folder, kept between builds so that CMake re-installs only what changed.

What a build leaves in the staging folder is trusted by the next build only if the build
finished: `crosswheel-staging.json` (beside the folder, in the build folder, under its lock) is
removed before the folder is touched and written again once the wheel is complete. Without it,
or made for another configuration, the folder is emptied first, exactly like a clean build.

The state lists what the last build put there: the files CMake's install manifests named and
the module's own files (`listed`), everything else the wheel took from the folder (`extra`: files
written by install(CODE), stubs, files copied from a native build) and the `racy` files, modified
too shortly before the install to trust CMake's up-to-date check (it treats mtimes less than a
second apart as equal). Before installing, the extra and racy files are removed, so they are
made afresh; after installing, listed files that nothing installed this time are removed, so a
file deleted from the project vanishes from the next wheel.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import stat
import time
from collections.abc import Iterable
from pathlib import Path

from .errors import BuildError
from .wheelcache import RACY_NS

FORMAT = 1
STATE = "crosswheel-staging.json"


class Staging:
    def __init__(self, folder: Path, key: str) -> None:
        self.folder = folder
        self.key = key
        self.state = folder.parent / STATE
        self.before: set[str] = set()  # listed by the last build
        self.listed: set[str] = set()  # listed by this one
        self.install_started = 0

    def prepare(self) -> bool:
        """Make the folder ready for this build's install; True if the last one's is kept."""
        try:
            data = json.loads(self.state.read_text(encoding="utf-8"))
            ok = data["format"] == FORMAT and data["key"] == self.key
            before, drop = set(data["listed"]), [*data["extra"], *data["racy"]]
        except (OSError, ValueError, KeyError, TypeError):
            ok = False
        with contextlib.suppress(FileNotFoundError):
            self.state.unlink()
        if not ok or not self.folder.is_dir():
            if self.folder.exists() or self.folder.is_symlink():
                shutil.rmtree(self.folder)
            self.folder.mkdir(parents=True)
            return False
        self.before = before
        for rel in drop:
            _remove(self.folder / rel)
        return True

    def sync_module(self, files: Iterable[tuple[Path, str]]) -> None:
        """Copy the module's files in, but those already there (same size, mtime and mode)."""
        for src, rel in files:
            dst = self.folder / rel
            s = os.stat(src)
            try:
                d = os.lstat(dst)
                same = (stat.S_ISREG(d.st_mode) and d.st_size == s.st_size
                        and d.st_mtime_ns == s.st_mtime_ns and d.st_mode == s.st_mode)
            except FileNotFoundError:
                same = False
            if not same:
                try:
                    _remove(dst)
                    dst.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(src, dst)
                except OSError as e:  # a full disk, most likely
                    raise BuildError(f"cannot stage {src} into {self.folder}: "
                                     f"{e.strerror or e}") from None
            self.listed.add(rel)
        self.install_started = time.time_ns()

    def installed(self, rels: set[str]) -> None:
        self.listed |= rels

    def prune(self) -> list[str]:
        """Remove what the last build installed and this one did not; the names removed."""
        gone = sorted(self.before - self.listed)
        for rel in gone:
            _remove(self.folder / rel)
        return gone

    def save(self, sources: Iterable[tuple[str, os.stat_result]]) -> None:
        """After a complete wheel: what the next build may keep. `sources` are the staged files
        the wheel holds (relative name, stat)."""
        extra, racy = [], []
        for rel, st in sources:
            if rel not in self.listed:
                extra.append(rel)
            if st.st_mtime_ns >= self.install_started - RACY_NS:
                racy.append(rel)
        tmp = self.state.with_name(STATE + ".tmp")
        try:
            tmp.write_text(json.dumps({"format": FORMAT, "key": self.key,
                                       "listed": sorted(self.listed), "extra": extra,
                                       "racy": racy}), encoding="utf-8")
            os.replace(tmp, self.state)
        except OSError:
            pass  # no state: the next build starts from an empty folder, which is always right


def _remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
