"""Reproducible artefacts, beyond tests/integration/test_reproducible.py (which builds c-api in
two folders at once): different times, every source file's mtime and permissions changed, another
umask, time zone and locale, an incremental rebuild, and an sdist rebuilt from itself."""

from __future__ import annotations

import os
import shutil
import tarfile
import time
import zipfile
from pathlib import Path

from . import util as u

WHEEL = "c_api_example-1.2.3-cp311-cp311-linux_x86_64.whl"
SDIST = "c_api_example-1.2.3.tar.gz"
ZIP_CLOCK = 2.1  # a zip stores times in 2-second steps: builds further apart than that


def touch_all(project: Path, when: float, private: bool = False) -> None:
    """Give every file (not the build cache) a new mtime, one second apart in walk order;
    `private` also drops group/other permissions (as a umask of 077 would have made them)."""
    for i, p in enumerate(sorted(project.rglob("*"))):
        if u.CACHE in p.relative_to(project).parts or p.is_symlink():
            continue
        if private:
            p.chmod(p.stat().st_mode & 0o700)
        os.utime(p, (when + i, when + i))


def wait_past(moment: float) -> None:
    """Sleep only what is left of ZIP_CLOCK since `moment`."""
    time.sleep(max(0.0, moment + ZIP_CLOCK - time.time()))


def test_c_api_from_another_folder_at_another_time(tmp_path: Path) -> None:
    env_a = {"SOURCE_DATE_EPOCH": str(u.EPOCH), "TZ": "UTC", "LC_ALL": "C"}
    first = u.copy_example("c-api", tmp_path / "a" / "c-api").resolve()
    u.build(first, tmp_path / "dist-a", "--sdist", "--wheel", extra_env=env_a,
            preexec_fn=lambda: os.umask(0o022))
    done = time.time()
    wheel, sdist = (tmp_path / "dist-a" / WHEEL).read_bytes(), (tmp_path / "dist-a" / SDIST)\
        .read_bytes()

    # Another folder, sources a year newer and private, another umask, zone and locale.
    second = tmp_path / "elsewhere" / "much deeper" / "c-api"
    shutil.copytree(first, second, ignore=shutil.ignore_patterns(u.CACHE))
    touch_all(second, done + 365 * 86400, private=True)
    wait_past(done)
    env_b = {"SOURCE_DATE_EPOCH": str(u.EPOCH), "TZ": "Asia/Kathmandu", "LC_ALL": "C.UTF-8"}
    u.build(second, tmp_path / "dist-b", "--sdist", "--wheel", extra_env=env_b,
            preexec_fn=lambda: os.umask(0o077))
    assert (tmp_path / "dist-b" / WHEEL).read_bytes() == wheel
    assert (tmp_path / "dist-b" / SDIST).read_bytes() == sdist

    # The first folder again, every source touched: an incremental rebuild, same bytes.
    touch_all(first, time.time() + 60)
    res = u.build(first, tmp_path / "dist-a2", "--wheel", extra_env=env_a)
    assert "Building C object" in res.output, res.describe()  # it did recompile
    assert (tmp_path / "dist-a2" / WHEEL).read_bytes() == wheel

    # An sdist made from the unpacked sdist is the same sdist.
    with tarfile.open(tmp_path / "dist-a" / SDIST) as tf:
        tf.extractall(tmp_path / "unpacked", filter="data")
    top = tmp_path / "unpacked" / SDIST[: -len(".tar.gz")]
    touch_all(top, time.time() - 86400)
    u.build(top, tmp_path / "dist-c", "--sdist", extra_env=env_b)
    assert (tmp_path / "dist-c" / SDIST).read_bytes() == sdist


def test_without_source_date_epoch_the_bytes_do_not_depend_on_the_clock(tmp_path: Path) -> None:
    """No SOURCE_DATE_EPOCH: times are 1980-01-01 (the zip epoch), not the build's or the
    files', so two builds at different times from differently dated copies agree."""
    results = []
    done = 0.0
    for i, when in enumerate((1_000_000_000.0, time.time() + 86400)):
        project = u.write_project(tmp_path / f"p{i}" / "project", u.CMAKE_TOOL).resolve()
        touch_all(project, when)
        wait_past(done)
        u.build(project, tmp_path / f"dist{i}", "--sdist", "--wheel",
                extra_env={"SOURCE_DATE_EPOCH": None})
        done = time.time()
        results.append(sorted((p.name, p.read_bytes()) for p in (tmp_path / f"dist{i}").iterdir()))
    assert results[0] == results[1]
    wheel = tmp_path / "dist0" / "rel_pkg-1.0.0-cp311-cp311-linux_x86_64.whl"
    with zipfile.ZipFile(wheel) as zf:
        assert {zi.date_time for zi in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    with tarfile.open(tmp_path / "dist0" / "rel_pkg-1.0.0.tar.gz") as tf:
        assert {m.mtime for m in tf.getmembers()} == {315532800}
