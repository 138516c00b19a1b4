"""Same sources + same SOURCE_DATE_EPOCH -> the same bytes, wherever the project lies."""

from __future__ import annotations

import os
import tarfile
import time
import zipfile
from pathlib import Path

from . import helpers as h
from .expected import EXAMPLES

EPOCH = 1700000000
EX = EXAMPLES["c-api"]


def build_twice(tmp_path: Path, *args: str, flags=None) -> list[tuple[Path, Path, Path]]:
    """c-api from two folders of different depth; returns (project, wheel, sdist) for each."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(EPOCH)}
    out = []
    for where in (tmp_path / "a", tmp_path / "somewhere" / "much" / "deeper"):
        project = h.copy_example("c-api", where).resolve()
        extra = list(args) + (flags(project) if flags else [])
        h.python_build(project, where / "dist", "--sdist", "--wheel", *extra, env=env)
        out.append((project, where / "dist" / EX.wheel, where / "dist" / EX.sdist_name))
    return out


def extension(wheel: Path) -> bytes:
    (so,) = [n for n in h.wheel_names(wheel) if n.endswith(".so")]
    return h.wheel_read(wheel, so)


def test_release_build_is_byte_identical(tmp_path: Path) -> None:
    (p1, w1, s1), (p2, w2, s2) = build_twice(tmp_path)
    assert extension(w1) == extension(w2)
    assert w1.read_bytes() == w2.read_bytes()
    assert s1.read_bytes() == s2.read_bytes()
    # A Release build (no -g) embeds no path of the build machine.
    for project, wheel in ((p1, w1), (p2, w2)):
        assert str(project).encode() not in extension(wheel)
        assert str(tmp_path).encode() not in extension(wheel)
    # The timestamps are SOURCE_DATE_EPOCH's.
    with zipfile.ZipFile(w1) as zf:
        assert {zi.date_time for zi in zf.infolist()} == {time.gmtime(EPOCH)[:6]}
    with tarfile.open(s1) as tf:
        assert {m.mtime for m in tf.getmembers()} == {EPOCH}


def test_debug_info_build_is_identical_with_a_prefix_map(tmp_path: Path) -> None:
    """With -g the compiler records the source and build folders in DWARF (DW_AT_name,
    DW_AT_comp_dir): -ffile-prefix-map, passed through an override, removes them."""
    def prefix_map(project: Path) -> list[str]:
        return [f"-Coverride=cmake.options.CMAKE_C_FLAGS=-ffile-prefix-map={project}=."]

    (p1, w1, s1), (p2, w2, s2) = build_twice(
        tmp_path, "-Coverride=cmake.build_type=RelWithDebInfo", flags=prefix_map)
    so = extension(w1)
    assert b".debug_info" in so  # it really is a -g build
    assert str(p1).encode() not in so
    assert str(p2).encode() not in extension(w2)
    assert so == extension(w2)
    assert w1.read_bytes() == w2.read_bytes()
    assert s1.read_bytes() == s2.read_bytes()
