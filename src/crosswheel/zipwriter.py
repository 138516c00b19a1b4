"""A streaming zip writer that deflates large members on all cores, with reproducible bytes.

zipfile compresses on one core. Here a member is cut into fixed 1 MiB blocks, each deflated on its
own (ending with a sync flush, which leaves the stream byte-aligned), and the blocks are written in
order followed by an empty final block: one valid deflate stream. The block boundaries depend only
on the data, so the output is identical whatever the number of threads. Memory stays bounded:
only a few blocks are in flight at a time, never a whole member.

Members and archives past 4 GiB get zip64 records, only where needed, like zipfile.
"""

from __future__ import annotations

import hashlib
import os
import struct
import zlib
from collections import deque
from collections.abc import Iterator
from typing import TYPE_CHECKING, BinaryIO, NamedTuple

if TYPE_CHECKING:  # imported when first needed: small wheels never start a thread
    from concurrent.futures import Future, ThreadPoolExecutor

BLOCK = 1 << 20
LEVEL = 6
_MAX32 = 0xFFFFFFFF
_MAX16 = 0xFFFF
# Where zip64 starts (module variables so that tests can move them): a member whose size may
# not fit 32 bits once deflated (incompressible data grows slightly), an offset or a count.
ZIP64_SIZE = _MAX32 - (1 << 24)
ZIP64_OFFSET = _MAX32
ZIP64_ENTRIES = _MAX16
_FINAL = zlib.compressobj(LEVEL, zlib.DEFLATED, -15).flush(zlib.Z_FINISH)  # empty last block


def _deflate(block: bytes) -> bytes:
    c = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
    return c.compress(block) + c.flush(zlib.Z_SYNC_FLUSH)


def _dos_time(date_time: tuple[int, int, int, int, int, int]) -> tuple[int, int]:
    y, mo, d, h, mi, s = date_time
    return h << 11 | mi << 5 | s // 2, (y - 1980) << 9 | mo << 5 | d


class Member(NamedTuple):
    """What `ZipWriter.add` learnt about a member: enough to copy it into a later archive."""

    digest: bytes  # sha256 of the content
    size: int
    crc: int
    csize: int  # deflated size
    data_offset: int  # where the deflated bytes start in the archive


class ZipWriter:
    def __init__(self, f: BinaryIO, date_time: tuple[int, int, int, int, int, int],
                 threads: int | None = None) -> None:
        self.f = f
        self.time, self.date = _dos_time(date_time)
        self.central: list[bytes] = []
        self.threads = threads or min(8, os.cpu_count() or 1)
        self.pool: ThreadPoolExecutor | None = None

    def add(self, name: str, blocks: Iterator[bytes], mode: int,
            expected_size: int) -> Member:
        """Write one member from its data in blocks; returns its digest, size and place.

        `expected_size` decides, before any data is written, whether the local header needs
        zip64 sizes.
        """
        raw, flags, big, offset = self._begin(name, expected_size)
        self.f.write(self._local(raw, flags, 0, 0, 0, big))
        sha, crc, size, csize = hashlib.sha256(), 0, 0, 0
        inflight: deque[Future[bytes] | bytes] = deque()
        for block in blocks:
            sha.update(block)
            crc = zlib.crc32(block, crc)
            size += len(block)
            if len(block) < BLOCK and not inflight:  # a small member: no thread needed
                inflight.append(_deflate(block))
            else:
                inflight.append(self._pool().submit(_deflate, block))
            while len(inflight) > 2 * self.threads:
                csize += self._put(inflight.popleft())
        while inflight:
            csize += self._put(inflight.popleft())
        self.f.write(_FINAL)
        csize += len(_FINAL)
        if not big and max(size, csize) >= _MAX32:
            raise OSError(f"{name}: grew past 4 GiB while it was being written")
        end = self.f.tell()
        self.f.seek(offset)
        self.f.write(self._local(raw, flags, crc, csize, size, big))
        self.f.seek(end)
        self._central(raw, flags, big, offset, crc, csize, size, mode)
        return Member(sha.digest(), size, crc, csize, end - csize)

    def add_raw(self, name: str, src: int, data_offset: int, crc: int, csize: int, size: int,
                mode: int) -> int:
        """Write a member whose deflated bytes are taken unchanged from the file `src` (a file
        descriptor) at `data_offset`: a member of an earlier archive, made by `add` from the
        same content, so the result is byte for byte what `add` would write. Returns where the
        data starts in this archive."""
        raw, flags, big, offset = self._begin(name, size)
        self.f.write(self._local(raw, flags, crc, csize, size, big))
        start = self.f.tell()
        left, at = csize, data_offset
        if left >= BLOCK and hasattr(os, "copy_file_range"):
            # In the kernel, without passing through here (a reflink where the file system
            # can share blocks). Offsets are explicit: neither file's position moves.
            self.f.flush()
            dst = self.f.fileno()
            try:
                while left:
                    n = os.copy_file_range(src, dst, left, at, start + csize - left)
                    if n <= 0:
                        break
                    left -= n
                    at += n
            except OSError:  # not supported between these files: copy below
                pass
            self.f.seek(start + csize - left)
        while left:
            chunk = os.pread(src, min(left, BLOCK), at)
            if not chunk:
                raise OSError(f"{name}: the archive to copy from ends early")
            self.f.write(chunk)
            left -= len(chunk)
            at += len(chunk)
        self._central(raw, flags, big, offset, crc, csize, size, mode)
        return start

    def _begin(self, name: str, expected_size: int) -> tuple[bytes, int, bool, int]:
        raw = name.encode()
        flags = 0 if name.isascii() else 0x800  # UTF-8 name
        return raw, flags, expected_size >= ZIP64_SIZE, self.f.tell()

    def _central(self, raw: bytes, flags: int, big: bool, offset: int, crc: int, csize: int,
                 size: int, mode: int) -> None:
        extra_values = [size, csize] if big else []
        if offset >= ZIP64_OFFSET:
            extra_values.append(offset)
        extra = struct.pack(f"<HH{len(extra_values)}Q", 1, 8 * len(extra_values),
                            *extra_values) if extra_values else b""
        version = 45 if extra else 20
        self.central.append(struct.pack(
            "<IHHHHHHIIIHHHHHII", 0x02014B50, 3 << 8 | version, version, flags, 8, self.time,
            self.date, crc, _MAX32 if big else csize, _MAX32 if big else size, len(raw),
            len(extra), 0, 0, 0, (0o100000 | mode) << 16,
            _MAX32 if offset >= ZIP64_OFFSET else offset) + raw + extra)

    def __enter__(self) -> ZipWriter:
        return self

    def __exit__(self, kind: object, *rest: object) -> None:
        if kind is None:
            self.finish()
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)

    def finish(self) -> None:
        """Write the central directory."""
        start = self.f.tell()
        for record in self.central:
            self.f.write(record)
        n, size = len(self.central), self.f.tell() - start
        if n >= ZIP64_ENTRIES or start >= ZIP64_OFFSET or size >= ZIP64_OFFSET:
            here = self.f.tell()
            self.f.write(struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, n, n, size,
                                     start))
            self.f.write(struct.pack("<IIQI", 0x07064B50, 0, here, 1))
            n, size, start = min(n, _MAX16), min(size, _MAX32), min(start, _MAX32)
        self.f.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, n, n, size, start, 0))

    def _pool(self) -> ThreadPoolExecutor:
        if self.pool is None:
            from concurrent.futures import ThreadPoolExecutor

            self.pool = ThreadPoolExecutor(self.threads, thread_name_prefix="crosswheel-deflate")
        return self.pool

    def _put(self, item: Future[bytes] | bytes) -> int:
        data = item if isinstance(item, bytes) else item.result()
        self.f.write(data)
        return len(data)

    def _local(self, raw: bytes, flags: int, crc: int, csize: int, size: int,
               big: bool) -> bytes:
        if not big:
            return struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, flags, 8, self.time, self.date,
                               crc, csize, size, len(raw), 0) + raw
        return struct.pack("<IHHHHHIIIHH", 0x04034B50, 45, flags, 8, self.time, self.date, crc,
                           _MAX32, _MAX32, len(raw), 20) + raw + struct.pack("<HHQQ", 1, 16, size,
                                                                             csize)


def file_blocks(path: str | os.PathLike[str]) -> Iterator[bytes]:
    with open(path, "rb") as f:
        while block := f.read(BLOCK):
            yield block


def bytes_blocks(data: bytes) -> Iterator[bytes]:
    for i in range(0, len(data), BLOCK):
        yield data[i:i + BLOCK]
