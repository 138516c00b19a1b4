"""The parallel deflate writer: valid zips, identical bytes whatever the thread count."""

from __future__ import annotations

import os
import random
import zipfile
from pathlib import Path

from crosswheel import zipwriter

DT = (2020, 2, 29, 13, 37, 58)


def write(path: Path, members: list[tuple[str, bytes, int]], threads: int) -> None:
    with open(path, "wb") as f, zipwriter.ZipWriter(f, DT, threads) as zw:
        for name, data, mode in members:
            zw.add(name, zipwriter.bytes_blocks(data), mode, len(data))


def test_large_members_are_split_into_blocks_and_read_back(tmp_path: Path) -> None:
    rng = random.Random(7)
    words = [os.urandom(3).hex().encode() for _ in range(300)]
    big = b" ".join(rng.choice(words) for _ in range(700_000))  # ~5 MiB: several blocks
    assert len(big) > 4 * zipwriter.BLOCK
    members = [("pkg/big.bin", big, 0o644), ("pkg/tool", b"#!/bin/sh\n", 0o755),
               ("pkg/empty", b"", 0o644), ("pkg/ünïcode.txt", b"text", 0o644)]
    write(tmp_path / "one.zip", members, threads=1)
    write(tmp_path / "four.zip", members, threads=4)
    assert (tmp_path / "one.zip").read_bytes() == (tmp_path / "four.zip").read_bytes()
    with zipfile.ZipFile(tmp_path / "four.zip") as zf:
        assert zf.testzip() is None
        assert [i.filename for i in zf.infolist()] == [m[0] for m in members]
        for name, data, mode in members:
            info = zf.getinfo(name)
            assert zf.read(name) == data
            assert info.compress_type == zipfile.ZIP_DEFLATED
            assert info.external_attr >> 16 == 0o100000 | mode
            assert info.date_time == DT
        assert zf.getinfo("pkg/big.bin").compress_size < len(big) // 2


def test_add_returns_the_sha256_and_size(tmp_path: Path) -> None:
    import hashlib

    data = os.urandom(3 * zipwriter.BLOCK + 5)
    with open(tmp_path / "x.zip", "wb") as f, zipwriter.ZipWriter(f, DT, 2) as zw:
        m = zw.add("x", zipwriter.bytes_blocks(data), 0o644, len(data))
    assert (m.digest, m.size) == (hashlib.sha256(data).digest(), len(data))
    with zipfile.ZipFile(tmp_path / "x.zip") as zf:
        info = zf.getinfo("x")
        assert (m.crc, m.csize) == (info.CRC, info.compress_size)
    raw = (tmp_path / "x.zip").read_bytes()
    assert raw[m.data_offset - 1:m.data_offset] == b"x"  # the name ends the local header


def test_add_raw_copies_a_member_byte_for_byte(tmp_path: Path, monkeypatch) -> None:
    """A member copied raw from an earlier archive gives the bytes a fresh `add` gives, zip64
    members and offsets included."""
    monkeypatch.setattr(zipwriter, "ZIP64_SIZE", 1000)
    monkeypatch.setattr(zipwriter, "ZIP64_OFFSET", 3000)
    members = [(f"pkg/m{i}.bin", os.urandom(900 * i) + b"z" * 5000, 0o644 | (i % 2) * 0o111)
               for i in range(5)]
    members.append(("pkg/big.bin", os.urandom(3 * zipwriter.BLOCK + 7), 0o644))  # kernel copy
    write(tmp_path / "fresh.zip", members, threads=2)
    with open(tmp_path / "first.zip", "wb") as f, zipwriter.ZipWriter(f, DT, 2) as zw:
        done = [zw.add(n, zipwriter.bytes_blocks(d), mode, len(d)) for n, d, mode in members]
    with open(tmp_path / "first.zip", "rb") as old, open(tmp_path / "copy.zip", "wb") as f, \
            zipwriter.ZipWriter(f, DT, 2) as zw:
        for (name, data, mode), m in zip(members, done):
            if name.endswith(("1.bin", "3.bin")):  # a mix: some deflated again, some copied
                zw.add(name, zipwriter.bytes_blocks(data), mode, len(data))
            else:
                zw.add_raw(name, old.fileno(), m.data_offset, m.crc, m.csize, m.size, mode)
    assert (tmp_path / "copy.zip").read_bytes() == (tmp_path / "fresh.zip").read_bytes()


def test_zip64_records_where_sizes_offsets_or_counts_need_them(tmp_path: Path,
                                                             monkeypatch) -> None:
    """The thresholds are lowered so that a small archive takes every zip64 path."""
    import subprocess

    monkeypatch.setattr(zipwriter, "ZIP64_SIZE", 1000)
    monkeypatch.setattr(zipwriter, "ZIP64_OFFSET", 3000)
    monkeypatch.setattr(zipwriter, "ZIP64_ENTRIES", 3)
    members = [(f"pkg/m{i}.bin", os.urandom(700 * i), 0o644) for i in range(6)]
    write(tmp_path / "z64.zip", members, threads=2)
    raw = (tmp_path / "z64.zip").read_bytes()
    assert b"PK\x06\x06" in raw and b"PK\x06\x07" in raw  # zip64 end record and locator
    with zipfile.ZipFile(tmp_path / "z64.zip") as zf:
        assert zf.testzip() is None
        assert [zf.read(name) for name, _, _ in members] == [data for _, data, _ in members]
    # Another implementation agrees.
    subprocess.run(["unzip", "-tq", str(tmp_path / "z64.zip")], check=True)
