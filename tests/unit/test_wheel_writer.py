"""wheel.write and wheel.staged_entries: contents, RECORD, WHEEL, modes, dates, reproducibility."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import os
import re
import time
import zipfile
from pathlib import Path

import pytest

from crosswheel import __version__, wheel
from crosswheel.errors import BuildError
from crosswheel.metadata import Module, Project
from crosswheel.target import Tags
from crosswheel.wheel import Entry

METADATA = b"Metadata-Version: 2.4\nName: my-pkg\nVersion: 1.0\n\n"
PURE = Tags(["py3"], ["none"], ["any"])
NATIVE = Tags(["cp311"], ["cp311"], ["linux_x86_64", "manylinux_2_17_x86_64"], "3")
INFO = "my_pkg-1.0.dist-info"


def project(license_files: list[str] | None = None, entry_points: str = "") -> Project:
    return Project(name="my-pkg", version="1.0", metadata=METADATA, entry_points=entry_points,
                   license_files=license_files or [], readme=None,
                   module=Module("my_pkg", None, None))


def stage(root: Path, files: dict[str, bytes], modes: dict[str, int] | None = None) -> Path:
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        path.chmod((modes or {}).get(rel, 0o644))
    return root


FILES = {
    "my_pkg/__init__.py": b"from ._core import f\n",
    "my_pkg/_core.cpython-311-x86_64-linux-gnu.so": b"\x7fELF-not-really" * 100,
    "my_pkg/sub/data.txt": b"data,with,commas\n",
    "my_pkg-1.0.data/scripts/tool": b"#!/bin/sh\necho hi\n",
    "my_pkg-1.0.data/headers/h.h": b"int f(void);\n",
    "aaa_first.pth": b"import os\n",
    "zzz_last.pth": b"",  # sorts after the .dist-info name, but the .dist-info still comes last
}


def write(out: Path, staging: Path, tags: Tags = NATIVE, pure: bool = False,
          proj: Project | None = None, project_dir: Path | None = None) -> Path:
    p = proj or project()
    entries = wheel.staged_entries(staging, p)
    return wheel.write(out, p, tags, pure, entries, project_dir or staging)


def record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).decode().rstrip("=")


def test_file_list_order_and_name(tmp_path: Path) -> None:
    staging = stage(tmp_path / "s", FILES)
    whl = write(tmp_path / "out", staging)
    assert whl == tmp_path / "out" / "my_pkg-1.0-3-cp311-cp311-linux_x86_64.manylinux_2_17_x86_64.whl"
    with zipfile.ZipFile(whl) as zf:
        names = zf.namelist()
    assert names == [
        "aaa_first.pth",
        "my_pkg-1.0.data/headers/h.h",
        "my_pkg-1.0.data/scripts/tool",
        "my_pkg/__init__.py",
        "my_pkg/_core.cpython-311-x86_64-linux-gnu.so",
        "my_pkg/sub/data.txt",
        "zzz_last.pth",
        f"{INFO}/METADATA",
        f"{INFO}/WHEEL",
        f"{INFO}/entry_points.txt",
        f"{INFO}/RECORD",
    ]
    assert sorted(os.listdir(tmp_path / "out")) == [whl.name]


def test_record_hashes_and_sizes(tmp_path: Path) -> None:
    staging = stage(tmp_path / "s", FILES)
    with zipfile.ZipFile(write(tmp_path / "out", staging)) as zf:
        contents = {n: zf.read(n) for n in zf.namelist()}
    record = contents[f"{INFO}/RECORD"].decode()
    assert record.endswith(f"{INFO}/RECORD,,\n")
    rows = list(csv.reader(io.StringIO(record)))
    assert [r[0] for r in rows] == list(contents)  # the same order, RECORD last
    for name, digest, size in rows[:-1]:
        assert digest == record_hash(contents[name]), name
        assert "=" not in digest[len("sha256="):]
        assert int(size) == len(contents[name])
    assert rows[-1] == [f"{INFO}/RECORD", "", ""]
    # Names with a comma or a quote are quoted in the CSV and read back whole.
    odd = stage(tmp_path / "odd", {"my_pkg/a,b.txt": b"1", 'my_pkg/q"uote.txt': b"2"})
    with zipfile.ZipFile(write(tmp_path / "out-odd", odd)) as zf:
        text = zf.read(f"{INFO}/RECORD").decode()
    assert '"my_pkg/a,b.txt",' in text and '"my_pkg/q""uote.txt",' in text
    assert [r[0] for r in csv.reader(io.StringIO(text))] == [
        "my_pkg/a,b.txt", 'my_pkg/q"uote.txt', f"{INFO}/METADATA", f"{INFO}/WHEEL",
        f"{INFO}/entry_points.txt", f"{INFO}/RECORD"]


def test_wheel_metadata_files(tmp_path: Path) -> None:
    staging = stage(tmp_path / "s", FILES)
    with zipfile.ZipFile(write(tmp_path / "out", staging, proj=project(
            entry_points="[console_scripts]\nx = my_pkg:main\n"))) as zf:
        assert zf.read(f"{INFO}/WHEEL").decode() == (
            f"Wheel-Version: 1.0\nGenerator: crosswheel {__version__}\nRoot-Is-Purelib: false\n"
            "Tag: cp311-cp311-linux_x86_64\nTag: cp311-cp311-manylinux_2_17_x86_64\nBuild: 3\n")
        assert zf.read(f"{INFO}/METADATA") == METADATA
        assert zf.read(f"{INFO}/entry_points.txt") == b"[console_scripts]\nx = my_pkg:main\n"


def test_pure_wheel_and_empty_entry_points(tmp_path: Path) -> None:
    staging = stage(tmp_path / "s", {"my_pkg/__init__.py": b""})
    whl = write(tmp_path / "out", staging, tags=PURE, pure=True)
    assert whl.name == "my_pkg-1.0-py3-none-any.whl"
    with zipfile.ZipFile(whl) as zf:
        assert zf.read(f"{INFO}/WHEEL").decode() == (
            f"Wheel-Version: 1.0\nGenerator: crosswheel {__version__}\nRoot-Is-Purelib: true\n"
            "Tag: py3-none-any\n")
        assert zf.read(f"{INFO}/entry_points.txt") == b""


def test_license_files_go_under_dist_info_licenses(tmp_path: Path) -> None:
    proj_dir = stage(tmp_path / "proj", {"LICENSE": b"MIT\n", "licenses/extra/NOTICE": b"n\n"})
    staging = stage(tmp_path / "s", {"my_pkg/__init__.py": b""})
    whl = write(tmp_path / "out", staging, PURE, True,
                project(["LICENSE", "licenses/extra/NOTICE"]), proj_dir)
    with zipfile.ZipFile(whl) as zf:
        assert zf.namelist()[-4:] == [f"{INFO}/entry_points.txt", f"{INFO}/licenses/LICENSE",
                                      f"{INFO}/licenses/licenses/extra/NOTICE", f"{INFO}/RECORD"]
        assert zf.read(f"{INFO}/licenses/LICENSE") == b"MIT\n"


def test_modes_are_normalised(tmp_path: Path) -> None:
    files = {"my_pkg/a.py": b"a", "my_pkg/b.so": b"b", "my_pkg/c": b"c", "my_pkg/d": b"d"}
    staging = stage(tmp_path / "s", files, {"my_pkg/a.py": 0o600, "my_pkg/b.so": 0o700,
                                            "my_pkg/c": 0o777, "my_pkg/d": 0o664})
    with zipfile.ZipFile(write(tmp_path / "out", staging)) as zf:
        modes = {i.filename: i.external_attr >> 16 for i in zf.infolist()}
    assert modes == {"my_pkg/a.py": 0o100644, "my_pkg/b.so": 0o100755, "my_pkg/c": 0o100755,
                     "my_pkg/d": 0o100644, f"{INFO}/METADATA": 0o100644,
                     f"{INFO}/WHEEL": 0o100644, f"{INFO}/entry_points.txt": 0o100644,
                     f"{INFO}/RECORD": 0o100644}
    assert (tmp_path / "out").iterdir().__next__().stat().st_mode & 0o777 == 0o644


@pytest.mark.parametrize(("epoch", "date"), [
    (None, (1980, 1, 1, 0, 0, 0)),
    ("1700000000", (2023, 11, 14, 22, 13, 20)),
    ("315532800", (1980, 1, 1, 0, 0, 0)),  # the first time a zip can hold
    ("4354819199", (2107, 12, 31, 23, 59, 58)),  # the last (in 2-second steps)
])
def test_dates_from_source_date_epoch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      epoch: str | None, date: tuple[int, ...]) -> None:
    if epoch is not None:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    staging = stage(tmp_path / "s", FILES)
    with zipfile.ZipFile(write(tmp_path / "out", staging)) as zf:
        assert {i.date_time for i in zf.infolist()} == {date}


@pytest.mark.parametrize("epoch", ["yesterday", "1e9", "-1", "+1700000000", "1_700_000_000",
                                   "0x6553f100", "\u0661\u0667" + "\u0660" * 8])
def test_bad_source_date_epoch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                               epoch: str) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    staging = stage(tmp_path / "s", FILES)
    with pytest.raises(BuildError) as e:
        write(tmp_path / "out", staging)
    assert str(e.value) == f"SOURCE_DATE_EPOCH: expected an integer, found {epoch!r}"
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("epoch", ["0", "315532799", "4354819200", "99999999999"])
def test_source_date_epoch_a_zip_cannot_hold(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             epoch: str) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    staging = stage(tmp_path / "s", FILES)
    with pytest.raises(BuildError) as e:
        write(tmp_path / "out", staging)
    assert str(e.value) == (f"SOURCE_DATE_EPOCH: {epoch} is outside the dates a zip file can "
                            "hold; expected an integer from 315532800 (1980-01-01) to "
                            "4354819199 (2107-12-31)")


def test_byte_identical_from_different_staging_folders(tmp_path: Path) -> None:
    a = stage(tmp_path / "one" / "staging", FILES)
    b = stage(tmp_path / "two" / "deeper" / "staging", dict(reversed(FILES.items())))
    for i, path in enumerate(p for p in b.rglob("*") if p.is_file()):
        os.utime(path, (1_000_000_000 + i, 1_000_000_000 + i * 7))
    wa = write(tmp_path / "out-a", a)
    wb = write(tmp_path / "out-b", b)
    assert wa.name == wb.name
    assert wa.read_bytes() == wb.read_bytes()


def test_data_folder_name_is_normalised_or_refused(tmp_path: Path) -> None:
    staging = stage(tmp_path / "s", {"My.Pkg-1.0.data/data/share/x": b"x"})
    entries = wheel.staged_entries(staging, project())
    assert [e.arcname for e in entries] == ["my_pkg-1.0.data/data/share/x"]

    staging = stage(tmp_path / "t", {"other-1.0.data/data/x": b"x"})
    with pytest.raises(BuildError) as e:
        wheel.staged_entries(staging, project())
    assert str(e.value) == ("other-1.0.data/data/x: CMake installed into other-1.0.data/, but "
                            "this wheel's data folder is my_pkg-1.0.data/")
    staging = stage(tmp_path / "u", {"my_pkg-2.0.data/data/x": b"x"})
    with pytest.raises(BuildError, match=re.escape("this wheel's data folder is my_pkg-1.0.data/")):
        wheel.staged_entries(staging, project())


@pytest.mark.parametrize("rel", ["my_pkg-1.0.data/bogus/x", "my_pkg-1.0.data/x",
                                 "my_pkg-1.0.data/scripts"])
def test_data_folder_needs_a_scheme(tmp_path: Path, rel: str) -> None:
    staging = stage(tmp_path / "s", {rel: b"x"})
    with pytest.raises(BuildError) as e:
        wheel.staged_entries(staging, project())
    assert str(e.value) == (f"{rel}: files under my_pkg-1.0.data/ must be in one of data, "
                            "headers, platlib, purelib, scripts")


def test_dist_info_from_the_staging_is_refused(tmp_path: Path) -> None:
    staging = stage(tmp_path / "s", {"my_pkg/__init__.py": b"", "x-1.dist-info/METADATA": b""})
    with pytest.raises(BuildError) as e:
        wheel.staged_entries(staging, project())
    assert str(e.value) == ("x-1.dist-info/METADATA: the build installed into a .dist-info "
                            "folder; crosswheel writes that folder itself")


def test_symlinks_in_the_staging(tmp_path: Path) -> None:
    staging = stage(tmp_path / "s", {"my_pkg/__init__.py": b"x"})
    (staging / "my_pkg" / "dangling").symlink_to("nowhere.py")
    with pytest.raises(BuildError) as e:
        wheel.staged_entries(staging, project())
    assert str(e.value) == "my_pkg/dangling: a broken symbolic link in the staged files"
    (staging / "my_pkg" / "dangling").unlink()

    (staging / "my_pkg" / "inside.py").symlink_to("__init__.py")
    entries = wheel.staged_entries(staging, project())
    assert [e.arcname for e in entries] == ["my_pkg/__init__.py", "my_pkg/inside.py"]

    outside = stage(tmp_path / "elsewhere", {"f.py": b"y"}) / "f.py"
    (staging / "my_pkg" / "out.py").symlink_to(outside)
    with pytest.raises(BuildError) as e:
        wheel.staged_entries(staging, project())
    assert str(e.value) == ("my_pkg/out.py: a symbolic link in the staged files pointing out of "
                            f"the staging folder (to {outside.resolve()}); install the file "
                            "itself")
    # Editable wheels link to the sources on purpose.
    entries = wheel.staged_entries(staging, project(), links_out=True)
    assert [e.arcname for e in entries][-1] == "my_pkg/out.py"


def test_top_level_names_are_checked(tmp_path: Path) -> None:
    staging = stage(tmp_path / "s", {"my_pkg/__init__.py": b"", "my_pkg.libs/l.so": b"",
                                     "x.pth": b"", "my_pkg-1.0.data/scripts/t": b""})
    assert len(wheel.staged_entries(staging, project(), top_level="my_pkg")) == 4
    stage(staging, {"lib/stray.so": b""})
    with pytest.raises(BuildError) as e:
        wheel.staged_entries(staging, project(), top_level="my_pkg")
    assert str(e.value) == ("lib/stray.so: installed outside the package 'my_pkg'; it would land "
                            "loose in site-packages. Install it under my_pkg/, or under "
                            "my_pkg-1.0.data/{scripts,headers,data}/")


def test_duplicate_paths_are_refused_and_nothing_is_written(tmp_path: Path) -> None:
    src = stage(tmp_path / "s", {"a.py": b"a"})
    entries = [Entry("my_pkg/a.py", source=src / "a.py"), Entry("my_pkg/a.py", data=b"b")]
    out = tmp_path / "out"
    with pytest.raises(BuildError, match=r"^my_pkg/a\.py: two files want this path in the wheel$"):
        wheel.write(out, project(), PURE, True, entries, tmp_path)
    assert not out.exists() or list(out.iterdir()) == []
    meta = [Entry(f"{INFO}/METADATA", data=b"")]
    with pytest.raises(BuildError, match="two files want this path"):
        wheel.write(out, project(), PURE, True, meta, tmp_path)


def test_nothing_left_in_the_output_folder_when_writing_fails(tmp_path: Path) -> None:
    staging = stage(tmp_path / "s", FILES)
    entries = wheel.staged_entries(staging, project())
    entries.append(Entry("my_pkg/zzz.py", source=staging / "vanished.py"))
    out = tmp_path / "out"
    out.mkdir()
    (out / "other.txt").write_text("kept")
    with pytest.raises(BuildError, match=r"^cannot write .*\.whl: .*/vanished\.py: No such file"):
        wheel.write(out, project(), NATIVE, False, entries, staging)
    assert sorted(os.listdir(out)) == ["other.txt"]
    # A license file that is missing fails the same way.
    with pytest.raises(BuildError, match=r"^cannot write .*\.whl: .*/LICENSE: No such file"):
        wheel.write(out, project(["LICENSE"]), NATIVE, False, entries[:-1], staging)
    assert sorted(os.listdir(out)) == ["other.txt"]


def test_an_existing_wheel_is_replaced_whole(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = write(out, stage(tmp_path / "a", {"my_pkg/__init__.py": b"1"}), PURE, True)
    second = write(out, stage(tmp_path / "b", {"my_pkg/__init__.py": b"22"}), PURE, True)
    assert first == second
    with zipfile.ZipFile(second) as zf:
        assert zf.read("my_pkg/__init__.py") == b"22"
    assert os.listdir(out) == [second.name]


def test_wheel_is_a_valid_zip_with_deflate(tmp_path: Path) -> None:
    staging = stage(tmp_path / "s", FILES)
    with zipfile.ZipFile(write(tmp_path / "out", staging)) as zf:
        assert zf.testzip() is None
        assert {i.compress_type for i in zf.infolist()} == {zipfile.ZIP_DEFLATED}
        assert zf.read("my_pkg/sub/data.txt") == FILES["my_pkg/sub/data.txt"]


@pytest.mark.parametrize("name", ["a\nb.txt", "a\rb.txt", "tab\there", "del\x7f", "esc\x1b[0m"])
def test_control_characters_in_names_are_refused(tmp_path: Path, name: str) -> None:
    staging = stage(tmp_path / "s", {"my_pkg/__init__.py": b"", f"my_pkg/{name}": b"x"})
    with pytest.raises(BuildError) as e:
        wheel.staged_entries(staging, project())
    assert str(e.value) == (f"{'my_pkg/' + name!r}: a file name with a control character in the "
                            "staged files, which a wheel's RECORD cannot hold")


def test_fifos_and_sockets_are_refused_without_opening_them(tmp_path: Path) -> None:
    """A FIFO nobody writes to would block forever if it were opened."""
    import socket

    staging = stage(tmp_path / "s", {"my_pkg/__init__.py": b""})
    os.mkfifo(staging / "my_pkg" / "pipe")
    with pytest.raises(BuildError) as e:
        wheel.staged_entries(staging, project())
    assert str(e.value) == ("my_pkg/pipe: a FIFO in the staged files; a wheel holds regular "
                            "files only")
    (staging / "my_pkg" / "pipe").unlink()
    # A link to a FIFO is no better.
    os.mkfifo(tmp_path / "s" / "my_pkg" / "real-pipe")
    (staging / "my_pkg" / "link").symlink_to("real-pipe")
    with pytest.raises(BuildError, match=r"^my_pkg/link: a FIFO in the staged files"):
        wheel.staged_entries(staging, project())
    (staging / "my_pkg" / "link").unlink()
    (staging / "my_pkg" / "real-pipe").unlink()
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(staging / "my_pkg" / "sock"))
        with pytest.raises(BuildError) as e:
            wheel.staged_entries(staging, project())
        assert str(e.value) == ("my_pkg/sock: a socket in the staged files; a wheel holds "
                                "regular files only")
    finally:
        sock.close()


def test_link_loops_are_errors_naming_the_path(tmp_path: Path) -> None:
    staging = stage(tmp_path / "s", {"my_pkg/__init__.py": b""})
    (staging / "my_pkg" / "a").symlink_to("b")
    (staging / "my_pkg" / "b").symlink_to("a")
    with pytest.raises(BuildError) as e:
        wheel.staged_entries(staging, project())
    assert str(e.value) == "my_pkg/a: a symbolic link in the staged files that leads to itself " \
        "(a loop)"


def test_entries_carry_one_stat_each(tmp_path: Path, monkeypatch) -> None:
    """Listing costs one stat per regular file, and writing the wheel adds none."""
    staging = stage(tmp_path / "s", {f"my_pkg/m{i}.py": b"x" * i for i in range(50)},
                    modes={"my_pkg/m7.py": 0o755})
    calls = []
    real_stat, real_lstat = os.stat, os.lstat
    monkeypatch.setattr(os, "stat", lambda *a, **k: calls.append(a) or real_stat(*a, **k))
    monkeypatch.setattr(os, "lstat", lambda *a, **k: calls.append(a) or real_lstat(*a, **k))
    entries = wheel.staged_entries(staging, project())
    assert [e.stat.st_size for e in entries if e.stat] == sorted(range(50), key=lambda i: f"{i}")
    wheel.write(tmp_path / "out", project(), NATIVE, False, entries, staging)
    # DirEntry.stat is the only one, and it does not go through os.stat (the output folder
    # and the wheel's own name are checked, once per wheel).
    assert [c for c in calls if str(c[0]).startswith(str(staging))] == []
    with zipfile.ZipFile(tmp_path / "out" / wheel.wheel_name(project(), NATIVE)) as zf:
        assert zf.getinfo("my_pkg/m7.py").external_attr >> 16 == 0o100755


def aged_staging(tmp_path: Path) -> tuple[Path, Path, float]:
    """FILES staged an hour ago (nothing "racy"), an empty cache folder, and that time."""
    staging = stage(tmp_path / "s", FILES)
    old = time.time() - 3600
    for p in staging.rglob("*"):
        os.utime(p, (old, old))
    cache = tmp_path / "cache"
    cache.mkdir()
    return staging, cache, old


def test_reuse_copies_unchanged_members_byte_for_byte(tmp_path: Path) -> None:
    from crosswheel import wheelcache

    staging, cache, old = aged_staging(tmp_path)

    def build(out: str, key: str = "k") -> tuple[bytes, wheelcache.Reuse]:
        reuse = wheelcache.Reuse(cache, key)
        entries = wheel.staged_entries(staging, project())
        whl = wheel.write(tmp_path / out, project(), NATIVE, False, entries, staging, reuse)
        reuse.save(whl)
        return whl.read_bytes(), reuse

    first, r = build("a")
    assert (r.reused, r.seen) == (0, len(FILES))
    assert os.stat(cache / wheelcache.WHEEL).st_ino == os.stat(
        tmp_path / "a" / wheel.wheel_name(project(), NATIVE)).st_ino  # a link, not a copy
    again, r = build("b")
    assert again == first and r.reused == len(FILES) and r.copied_whole
    assert os.stat(cache / wheelcache.WHEEL).st_ino == os.stat(
        tmp_path / "a" / wheel.wheel_name(project(), NATIVE)).st_ino  # still valid, kept

    # Changed now (same size): compressed again, and not recorded while its mtime is recent.
    init = staging / "my_pkg" / "__init__.py"
    init.write_bytes(b"from ._core import g\n")
    changed, r = build("c")
    assert r.reused == len(FILES) - 1 and changed != first and not r.copied_whole
    with zipfile.ZipFile(io.BytesIO(changed)) as zf:
        assert zf.read("my_pkg/__init__.py") == b"from ._core import g\n"
    assert wheelcache.Reuse(cache, "k").lookup("my_pkg/__init__.py", init.stat()) is None
    # Another configuration's key finds nothing.
    assert wheelcache.Reuse(cache, "other").lookup("my_pkg/sub/data.txt",
                                                   (staging / "my_pkg/sub/data.txt").stat()) is None
    init.write_bytes(FILES["my_pkg/__init__.py"])
    os.utime(init, (old + 1, old + 1))
    back, r = build("d")
    assert back == first and r.reused == len(FILES) - 1


def test_a_whole_copy_only_when_every_byte_would_be_the_same(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch
                                                              ) -> None:
    """The cached wheel is copied whole only if nothing that shapes its bytes changed: not the
    files, not the metadata made in memory, not the tags, not the date stamped on members."""
    from crosswheel import wheelcache

    staging, cache, _ = aged_staging(tmp_path)
    n = 0

    def build(proj: Project, tags: Tags = NATIVE) -> tuple[bytes, wheelcache.Reuse]:
        nonlocal n
        n += 1
        reuse = wheelcache.Reuse(cache, "k")
        entries = wheel.staged_entries(staging, proj)
        whl = wheel.write(tmp_path / str(n), proj, tags, False, entries, staging, reuse)
        reuse.save(whl)
        fresh = wheel.write(tmp_path / f"{n}-fresh", proj, tags, False, entries, staging)
        assert whl.read_bytes() == fresh.read_bytes()  # whatever was reused
        return whl.read_bytes(), reuse

    first, r = build(project())
    assert not r.copied_whole
    assert build(project())[1].copied_whole
    other_meta = Project(name="my-pkg", version="1.0", metadata=METADATA + b"Keywords: x\n",
                         entry_points="", license_files=[], readme=None,
                         module=Module("my_pkg", None, None))
    data, r = build(other_meta)
    assert not r.copied_whole and r.reused == len(FILES) and data != first
    data, r = build(project(entry_points="[console_scripts]\nx = my_pkg:f\n"))
    assert not r.copied_whole and data != first
    data, r = build(project(), Tags(["cp311"], ["cp311"], ["linux_x86_64"], "3"))
    assert not r.copied_whole and data != first
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    data, r = build(project())
    assert not r.copied_whole and data != first
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert build(project())[0] == first
    # The same size and mtime, another mode: the stat tells (only the stat is compared, as by
    # make and CMake's install).
    (staging / "my_pkg/sub/data.txt").chmod(0o755)
    data, r = build(project())
    assert not r.copied_whole and data != first
