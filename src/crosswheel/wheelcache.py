"""The reuse cache: members of the last wheel copied, still deflated, into the next one.

It lives in the build folder, under the build folder's lock: `crosswheel-wheel-cache.whl` is a
hard link to (or, across file systems, a copy of) the last wheel written, and
`crosswheel-wheel-cache.json` says, for each of its members, the (size, mtime_ns, st_mode) of the
staged file it was made from, its sha256, CRC, deflated size and where the deflated bytes are.

A staged file is taken as unchanged when its one stat matches exactly. That is the same bet
make, ninja and CMake's own up-to-date check place, made safer in two ways:
- a file modified less than RACY_NS before the wheel was written is not recorded (git's "racily
  clean" case: a second change within the same clock tick, or within a coarse file system's
  time step, could keep size and mtime);
- the index is written last, after the wheel it describes, and names that file's identity
  (size, mtime_ns, inode) and the configuration it was made for. A build killed half way, a
  wheel edited in place, or another configuration (options, target, build type, crosswheel or
  zlib version) finds no usable index and compresses everything afresh.
The deflated bytes depend only on the content (fixed level and block size), so a copied member
is byte for byte the member a clean build writes.

When every staged file is unchanged and the wheel's name, date and in-memory members (METADATA,
WHEEL, ...) are too, the wheel a clean build would write is the cached one, byte for byte: the
index keeps a fingerprint of all that, and such a build copies the cached file whole.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from . import zipwriter

FORMAT = 1
RACY_NS = 3_000_000_000  # FAT and some network file systems keep mtimes in 1-2 s steps
WHEEL = "crosswheel-wheel-cache.whl"
INDEX = "crosswheel-wheel-cache.json"


@dataclass(frozen=True)
class Hit:
    fd: int  # the cached wheel, open for reading
    data_offset: int
    crc: int
    csize: int
    size: int
    digest: bytes


class Reuse:
    """One build's view of the cache: lookups in the last wheel, records for the next."""

    def __init__(self, folder: Path, key: str) -> None:
        self.folder = folder
        self.key = key
        self.started = time.time_ns()
        self.old: dict[str, list] = {}
        self.new: dict[str, list] = {}
        self.fd: int | None = None
        self.reused = self.seen = 0
        self.whole = ""  # the fingerprint of the cached wheel, if it can be copied whole
        self.copied_whole = False
        self._fingerprint = ""  # of the wheel being written
        self._load()

    def _load(self) -> None:
        try:
            data = json.loads((self.folder / INDEX).read_text(encoding="utf-8"))
            if data["format"] != FORMAT or data["key"] != self.key:
                return
            members = data["members"]
            fd = os.open(self.folder / WHEEL, os.O_RDONLY)
        except (OSError, ValueError, KeyError, TypeError):
            return  # no cache, or one this build cannot trust: compress everything
        st = os.fstat(fd)
        if [st.st_size, st.st_mtime_ns, st.st_ino] != data.get("wheel") or \
                not isinstance(members, dict):
            os.close(fd)
            return
        self.fd, self.old = fd, members
        self.whole = data.get("whole") or ""

    def unchanged(self, arcname: str, st: os.stat_result) -> bool:
        """The last wheel holds this member, made from a file with the same stat."""
        row = self.old.get(arcname)
        return (self.fd is not None and row is not None and row[0] == st.st_size
                and row[1] == st.st_mtime_ns and row[2] == st.st_mode)

    def lookup(self, arcname: str, st: os.stat_result) -> Hit | None:
        """The cached member for a staged file with this stat, if it is unchanged."""
        if not self.unchanged(arcname, st):
            return None
        row = self.old[arcname]
        assert self.fd is not None
        return Hit(self.fd, row[6], row[4], row[5], st.st_size, base64.b64decode(row[3]))

    def record(self, arcname: str, st: os.stat_result, m: zipwriter.Member,
               copied: bool = False) -> None:
        self.seen += 1
        self.reused += copied
        if st.st_mtime_ns >= self.started - RACY_NS:
            return  # may change again without its stat changing: compress it next time too
        self.new[arcname] = [st.st_size, st.st_mtime_ns, st.st_mode,
                             base64.b64encode(m.digest).decode(), m.crc, m.csize, m.data_offset]

    def fingerprint(self, name: str, date_time: tuple[int, ...],
                    members: list[tuple[str, os.stat_result | None, bytes | None]]) -> str:
        """What makes the wheel's bytes: its name and date, and each member in order, by the
        stat of the file it is made from or by its bytes."""
        h = hashlib.sha256(f"{FORMAT}\0{name}\0{date_time}\0".encode())
        for arcname, st, data in members:
            h.update(arcname.encode("utf-8", "surrogateescape") + b"\0")
            if st is not None:
                h.update(b"%d %d %d\0" % (st.st_size, st.st_mtime_ns, st.st_mode))
            else:
                h.update(hashlib.sha256(data or b"").digest())
        self._fingerprint = h.hexdigest()
        return self._fingerprint

    def copy_whole(self, fingerprint: str, out: BinaryIO, files: int) -> bool:
        """Copy the cached wheel into `out` if it is the wheel with this fingerprint and every
        file it was made from passed the stat test then (none was racy); False otherwise."""
        if self.fd is None or not self.whole or self.whole != fingerprint:
            return False
        offset = 0
        while chunk := os.pread(self.fd, 1 << 20, offset):
            out.write(chunk)
            offset += len(chunk)
        self.seen = self.reused = files
        self.copied_whole = True
        return True

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def save(self, wheel: Path) -> None:
        """Make `wheel` (complete, under its final name) the cache of the next build.

        A cache that cannot be written (a full disk, say) is dropped: the wheel is fine, and
        the next build compresses everything. After a whole copy the cache is still right."""
        self.close()
        if self.copied_whole:
            return
        try:
            self._save(wheel)
        except OSError:
            forget(self.folder)

    def _save(self, wheel: Path) -> None:
        index, cached = self.folder / INDEX, self.folder / WHEEL
        index.unlink(missing_ok=True)  # from here on, no index until both files agree
        tmp = self.folder / (WHEEL + ".tmp")
        tmp.unlink(missing_ok=True)
        try:
            os.link(wheel, tmp)
        except OSError:  # another file system, or no hard links: a copy does
            shutil.copyfile(wheel, tmp)
        os.replace(tmp, cached)
        st = cached.stat()
        # Whole copies only when every file member is recorded: a racy one must be read again.
        whole = self._fingerprint if len(self.new) == self.seen else ""
        text = json.dumps({"format": FORMAT, "key": self.key,
                           "wheel": [st.st_size, st.st_mtime_ns, st.st_ino],
                           "whole": whole, "members": self.new}, separators=(",", ":"))
        tmp_index = self.folder / (INDEX + ".tmp")
        tmp_index.write_text(text, encoding="utf-8")
        os.replace(tmp_index, index)


def forget(folder: Path) -> None:
    """Drop the cache (e.g. when the staging folder was wiped by hand)."""
    for name in (INDEX, WHEEL):
        with contextlib.suppress(OSError):
            (folder / name).unlink()
