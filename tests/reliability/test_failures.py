"""Failures in the middle of a build: CMake steps failing, Ctrl-C and SIGTERM during the compile
and during the wheel's writing, a full disk, a read-only output folder.

After each: the output folder holds the complete artefact or nothing (never a .part file), the
sources are unchanged, no process of the build lives on, and the next build succeeds.
"""

from __future__ import annotations

import hashlib
import os
import resource
import shutil
import signal
import subprocess
import zipfile
from pathlib import Path

import pytest

from . import util as u

CMAKE = '[tool.crosswheel.cmake]\nbuild_type = "Release"\n'
WHEEL = "rel_pkg-1.0.0-cp311-cp311-linux_x86_64.whl"

# The slow project, plus a way to make each CMake step fail on request.
FAILING_CMAKELISTS = u.SLOW_CMAKELISTS.replace("project(slow LANGUAGES NONE)\n", """\
project(slow LANGUAGES NONE)
if(DEFINED ENV{RELIABILITY_FAIL_CONFIGURE})
  message(FATAL_ERROR "configure failed on purpose")
endif()
""") + """\
install(CODE [[
  if(DEFINED ENV{RELIABILITY_FAIL_INSTALL})
    message(FATAL_ERROR "install failed on purpose")
  endif()
]])
"""
FAILING_SLOW_PY = u.SLOW_PY.replace("import os, sys, time\n", """\
import os, sys, time
if os.environ.get("RELIABILITY_FAIL_BUILD"):
    sys.exit("build failed on purpose")
""")


def failing_project(root: Path) -> Path:
    return u.write_project(root, CMAKE, FAILING_CMAKELISTS, "rel-pkg",
                           files={"slow.py": FAILING_SLOW_PY}).resolve()


def next_build_succeeds(project: Path, out: Path, expect_in_wheel: str) -> Path:
    """The build after the failure: it works, and the folder holds just its wheel."""
    res = u.build(project, out, "--wheel")
    u.check_output_folder(out, [WHEEL])
    assert expect_in_wheel in u.wheel_names(out / WHEEL), res.describe()
    return out / WHEEL


# --------------------------------------------------------------------------- CMake step failures


@pytest.mark.parametrize("step", ["configure", "build", "install"])
def test_a_failing_cmake_step(tmp_path: Path, step: str) -> None:
    project = failing_project(tmp_path / "project")
    before = u.snapshot(project)
    out = tmp_path / "dist"
    res = u.build(project, out, "--wheel", check=False,
                  extra_env={f"RELIABILITY_FAIL_{step.upper()}": "1"})
    assert res.returncode != 0, res.describe()
    assert f"{step} failed on purpose" in res.output, res.describe()  # CMake's own output
    assert f"crosswheel: error: CMake {step} (native) failed with exit code" in res.output
    assert "Traceback" not in res.output, res.describe()
    u.check_output_folder(out)
    assert u.snapshot(project) == before
    next_build_succeeds(project, out, "rel_pkg/generated.txt")
    assert u.snapshot(project) == before


# --------------------------------------------------------------------------- signals


def interrupt(bg: u.Background, target: str, sig: int) -> None:
    if target == "group":  # Ctrl-C in a terminal, or a CI runner stopping the job
        bg.signal_group(sig)
    else:  # the backend alone: `kill <pid>`, or a frontend stopping its hook subprocess
        os.kill(bg.backend_pid(), sig)


# SIGHUP: the terminal went away.
SIGNALS = [("group", signal.SIGINT), ("group", signal.SIGTERM), ("group", signal.SIGHUP),
           ("backend", signal.SIGINT), ("backend", signal.SIGTERM)]
SIGNAL_IDS = [f"{t}-{signal.Signals(s).name}" for t, s in SIGNALS]


@pytest.mark.parametrize(("target", "sig"), SIGNALS, ids=SIGNAL_IDS)
def test_signal_during_the_compile(tmp_path: Path, target: str, sig: int) -> None:
    """The compile step leaves a marker and then holds (it is never released): the signal
    certainly comes while it runs."""
    project = failing_project(tmp_path / "project")
    before = u.snapshot(project)
    out = tmp_path / "dist"
    marker = tmp_path / "compile-started"
    bg = u.Background(project, out, "--wheel", log=tmp_path / "log",
                      extra_env={"RELIABILITY_MARKER": str(marker),
                                 "RELIABILITY_RELEASE": str(tmp_path / "never")})
    try:
        u.wait_for(marker.exists, u.TIMEOUT, "the compile to start")
        interrupt(bg, target, sig)
        res = bg.wait()  # also: nothing of the build (make, the compile step) lives on
    finally:
        bg.kill()
    assert res.returncode != 0, res.describe()
    assert "never released" not in res.output, res.describe()
    u.check_output_folder(out)
    assert u.snapshot(project) == before
    next_build_succeeds(project, out, "rel_pkg/generated.txt")


BIG_MB = 16


@pytest.fixture(scope="module")
def big_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project whose wheel has a 16 MiB member (deflated in blocks on the writer's threads)
    and whose install step holds until released."""
    return u.blobs_project(tmp_path_factory.mktemp("big") / "project", 1, BIG_MB,
                           name="big-pkg", hold=True).resolve()


def forget_last_wheel(project: Path) -> None:
    """The next wheel is written afresh: with the reuse cache (wheelcache.py) the writer would
    copy the blob and LICENSE from the last wheel without opening them, and these tests wait for
    those very reads."""
    for cached in (project / u.CACHE).rglob("crosswheel-wheel-cache.*"):
        cached.unlink()


@pytest.mark.parametrize(("target", "sig"), SIGNALS, ids=SIGNAL_IDS)
def test_signal_while_the_wheel_is_written(tmp_path: Path, big_project: Path, target: str,
                                          sig: int) -> None:
    """The signal comes while the writer opens LICENSE, the last file it reads (after the
    16 MiB member). Once CMake's install step holds, the test takes a lease on LICENSE, so the
    writer's open() blocks and the test sees it happen: no timing involved."""
    forget_last_wheel(big_project)
    before = u.snapshot(big_project)
    out = tmp_path / "dist"
    installed, release = tmp_path / "installed", tmp_path / "release"
    bg = u.Background(big_project, out, "--wheel", log=tmp_path / "log",
                      extra_env={"RELIABILITY_HOLD_MARKER": str(installed),
                                 "RELIABILITY_HOLD_RELEASE": str(release)})
    try:
        u.wait_for(installed.exists, u.TIMEOUT, "CMake's install step")
        with u.Lease(big_project / "LICENSE") as lease:
            release.touch()
            u.wait_for(lease.broken, u.TIMEOUT, "the wheel writer to open LICENSE")
            parts = [n for n in u.listdir(out) if n.endswith(".part")]
            assert parts, f"LICENSE was opened before the wheel's .part file existed\n{bg.log}"
            assert (out / parts[0]).stat().st_size > BIG_MB << 19  # the blob is in it
            interrupt(bg, target, sig)
            res = bg.wait()
    finally:
        bg.kill()
    assert res.returncode != 0, f"the build went on after the signal\n{res.describe()}"
    assert not (out / parts[0]).exists()
    u.check_output_folder(out)
    assert u.snapshot(big_project) == before
    res = u.build(big_project, out, "--wheel")
    wheel = u.only(out, "*.whl")
    u.check_output_folder(out, [wheel.name])
    with zipfile.ZipFile(wheel) as zf:
        assert zf.getinfo("big_pkg/blob1.bin").file_size == BIG_MB << 20


def test_sigkill_while_the_wheel_is_written(tmp_path: Path, big_project: Path) -> None:
    """SIGKILL: nothing can clean up, so the .part file stays; the next build of the same wheel
    removes it (issue 12 §5) and the folder holds just the new wheel."""
    forget_last_wheel(big_project)
    out = tmp_path / "dist"
    bg = u.Background(big_project, out, "--wheel", log=tmp_path / "log")
    try:
        parts = u.wait_for(lambda: [n for n in u.listdir(out) if n.endswith(".part")],
                           u.TIMEOUT, "the wheel's .part file")
        os.kill(bg.backend_pid(), signal.SIGKILL)
        res = bg.wait(60)
    finally:
        bg.kill()
    assert res.returncode != 0, res.describe()
    assert "Traceback" not in res.output, res.describe()
    assert u.listdir(out) == parts  # what a killed build leaves behind
    (out / "unrelated.txt").write_text("kept\n")
    u.build(big_project, out, "--wheel")
    wheel = u.only(out, "*.whl")
    assert u.listdir(out) == sorted([wheel.name, "unrelated.txt"])
    u.check_artefact(wheel)


# --------------------------------------------------------------------------- the disk


@pytest.fixture(scope="module")
def chunky(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    """A project with a 12 MiB wheel (three random 4 MiB files), and that wheel, built once."""
    root = tmp_path_factory.mktemp("chunky")
    project = u.blobs_project(root / "project", 3, 4, name="chunky").resolve()
    u.build(project, root / "first", "--wheel")
    return project, u.only(root / "first", "*.whl").read_bytes()


CHUNKY_WHEEL = "chunky-1.0.0-cp311-cp311-linux_x86_64.whl"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def assert_clean_failure(res: u.Result, message: str) -> None:
    assert res.returncode != 0, res.describe()
    assert "crosswheel: error: cannot write " in res.output, res.describe()
    assert message in res.output, res.describe()
    assert "Traceback" not in res.output, res.describe()


def private_mounts(script: str) -> list[str]:
    """A command prefix that runs the build in a mount namespace of its own, after `script`
    (mounts over $OUT); the namespace, and so the mounts, go when the build ends."""
    return ["unshare", "--mount", "--propagation", "private", "sh", "-c",
            script + ' || exit 97\n"$@"; rc=$?\nls -A "$OUT" > "$LISTING"\n'
                     'sha256sum "$OUT"/*.whl > "$SUMS" 2>/dev/null\nexit $rc', "sh"]


def can_mount(tmp_path: Path) -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "--mount", "--propagation", "private", "mount", "-t",
                            "tmpfs", "-o", "size=64k", "tmpfs", str(tmp_path)],
                           capture_output=True, check=False)
    return probe.returncode == 0


def test_disk_full_while_writing_the_wheel(tmp_path: Path, chunky: tuple[Path, bytes]) -> None:
    """A real full disk: a 16 MiB tmpfs as the output folder, already holding the earlier 12 MiB
    wheel, so the new one runs out of space. The earlier wheel stays, whole."""
    project, first = chunky
    if not can_mount(tmp_path):
        pytest.fail("cannot mount a tmpfs here (needs CAP_SYS_ADMIN in a mount namespace)")
    before = u.snapshot(project)
    out, old = tmp_path / "dist", tmp_path / "old.whl"
    out.mkdir()
    old.write_bytes(first)
    listing, sums = tmp_path / "listing", tmp_path / "sums"
    wrap = private_mounts('mount -t tmpfs -o size=16m tmpfs "$OUT" && '
                          f'cp "{old}" "$OUT/{CHUNKY_WHEEL}"')
    res = u.build(project, out, "--wheel", check=False, wrap=wrap,
                  extra_env={"OUT": str(out), "LISTING": str(listing), "SUMS": str(sums)})
    assert res.returncode != 97, res.describe()
    assert_clean_failure(res, "No space left on device")
    assert listing.read_text().split() == [CHUNKY_WHEEL]  # no .part beside it
    assert sums.read_text().split()[0] == sha(first)
    u.check_output_folder(out)  # the folder under the tmpfs was never written
    assert u.snapshot(project) == before
    u.build(project, out, "--wheel")
    u.check_output_folder(out, [CHUNKY_WHEEL])


def test_file_size_limit_while_writing_the_wheel(tmp_path: Path,
                                                 chunky: tuple[Path, bytes]) -> None:
    """RLIMIT_FSIZE below the wheel's size: the write fails with EFBIG (SIGXFSZ ignored)."""
    project, first = chunky
    before = u.snapshot(project)
    out = tmp_path / "dist"
    out.mkdir()
    (out / CHUNKY_WHEEL).write_bytes(first)

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (8 << 20, 8 << 20))

    res = u.build(project, out, "--wheel", check=False, preexec_fn=limit)
    assert_clean_failure(res, "File too large")
    u.check_output_folder(out, [CHUNKY_WHEEL])
    assert sha((out / CHUNKY_WHEEL).read_bytes()) == sha(first)
    assert u.snapshot(project) == before
    u.build(project, out, "--wheel")
    u.check_output_folder(out, [CHUNKY_WHEEL])


def test_disk_full_while_writing_the_sdist(tmp_path: Path) -> None:
    project = u.write_project(tmp_path / "project", CMAKE + '[tool.crosswheel.sdist]\n'
                              'include = ["CMakeLists.txt", "big.bin"]\n').resolve()
    (project / "big.bin").write_bytes(os.urandom(2 << 20))
    if not can_mount(tmp_path):
        pytest.fail("cannot mount a tmpfs here")
    before = u.snapshot(project)
    out, listing = tmp_path / "dist", tmp_path / "listing"
    out.mkdir()
    wrap = private_mounts('mount -t tmpfs -o size=1m tmpfs "$OUT"')
    res = u.build(project, out, "--sdist", check=False, wrap=wrap,
                  extra_env={"OUT": str(out), "LISTING": str(listing),
                             "SUMS": str(tmp_path / "sums")})
    assert_clean_failure(res, "No space left on device")
    assert listing.read_text().split() == []
    assert u.snapshot(project) == before
    u.build(project, out, "--sdist")
    u.check_output_folder(out, ["rel_pkg-1.0.0.tar.gz"])


def test_read_only_output_folder(tmp_path: Path, chunky: tuple[Path, bytes]) -> None:
    """chmod 0o555 does not stop root: a read-only bind mount of the folder does."""
    project, first = chunky
    if not can_mount(tmp_path):
        pytest.fail("cannot mount a read-only folder here")
    before = u.snapshot(project)
    out, listing = tmp_path / "dist", tmp_path / "listing"
    out.mkdir()
    (out / CHUNKY_WHEEL).write_bytes(first)
    wrap = private_mounts('mount --bind "$OUT" "$OUT" && mount -o remount,bind,ro "$OUT"')
    res = u.build(project, out, "--wheel", check=False, wrap=wrap,
                  extra_env={"OUT": str(out), "LISTING": str(listing),
                             "SUMS": str(tmp_path / "sums")})
    assert_clean_failure(res, "Read-only file system")
    u.check_output_folder(out, [CHUNKY_WHEEL])
    assert sha((out / CHUNKY_WHEEL).read_bytes()) == sha(first)
    assert u.snapshot(project) == before
    u.build(project, out, "--wheel")
    u.check_output_folder(out, [CHUNKY_WHEEL])


@pytest.mark.parametrize("hook", ["build_wheel", "build_sdist"])
def test_output_folder_under_a_file(tmp_path: Path, hook: str) -> None:
    """An output folder that cannot be made (its parent is a regular file); a frontend checks
    this itself, so the hook is called directly."""
    project = u.write_project(tmp_path / "project", CMAKE).resolve()
    before = u.snapshot(project)
    (tmp_path / "file").write_text("not a folder\n")
    res = u.call_hook(project, hook, str(tmp_path / "file" / "dist"))
    assert_clean_failure(res, f"{tmp_path / 'file'} is not a folder")
    assert (tmp_path / "file").read_text() == "not a folder\n"
    assert u.snapshot(project) == before
    res = u.call_hook(project, hook, str(tmp_path / "dist"))
    assert res.returncode == 0, res.describe()
    assert len(u.listdir(tmp_path / "dist")) == 1


# --------------------------------------------------------------------------- stale build folders


def test_build_folder_copied_from_another_project_folder(tmp_path: Path) -> None:
    """A project copied with its .py-build-cmake_cache: CMake would refuse the cache (made for
    another source folder); crosswheel says so, starts the folder afresh, and builds."""
    first = u.write_project(tmp_path / "first", CMAKE).resolve()
    u.build(first, tmp_path / "dist1", "--wheel")
    second = tmp_path / "second"
    shutil.copytree(first, second, symlinks=True)
    res = u.build(second, tmp_path / "dist2", "--wheel")
    assert (f"reconfiguring {second}/{u.CACHE}/cp311-cp311-linux_x86_64 from scratch: it was "
            f"made for {first}") in res.output, res.describe()
    u.check_output_folder(tmp_path / "dist2", [WHEEL])
    cache = (second / u.CACHE / "cp311-cp311-linux_x86_64" / "CMakeCache.txt").read_text()
    assert f"CMAKE_HOME_DIRECTORY:INTERNAL={second}\n" in cache
    # and the original is still fine
    res = u.build(first, tmp_path / "dist1", "--wheel")
    assert "reconfiguring" not in res.output, res.describe()


def test_generator_switched_between_builds(tmp_path: Path) -> None:
    project = u.write_project(tmp_path / "project", CMAKE).resolve()
    out = tmp_path / "dist"
    u.build(project, out, "--wheel", "-Coverride=cmake.generator=Unix Makefiles")
    res = u.build(project, out, "--wheel", "-Coverride=cmake.generator=Ninja")
    assert "from scratch: it was made with generator 'Unix Makefiles'" in res.output, \
        res.describe()
    res = u.build(project, out, "--wheel", "-Coverride=cmake.generator=Unix Makefiles")
    assert "from scratch: it was made with generator 'Ninja'" in res.output, res.describe()
    u.check_output_folder(out, [WHEEL])


def test_build_folder_of_an_interrupted_configure(tmp_path: Path) -> None:
    """SIGKILL (nothing can clean up) in the middle of CMake's configure: the next build must
    not trust the half-made cache."""
    project = u.write_project(
        tmp_path / "project", CMAKE,
        u.DATA_CMAKELISTS.replace("project(data_only LANGUAGES NONE)\n",
                                  "project(data_only LANGUAGES NONE)\n"
                                  "file(TOUCH ${CMAKE_BINARY_DIR}/configure-started)\n"
                                  "execute_process(COMMAND "
                                  "${PY_BUILD_CMAKE_BUILD_PYTHON_INTERPRETER} "
                                  "${CMAKE_CURRENT_SOURCE_DIR}/hold.py)\n"),
        files={"hold.py": u.HOLD_PY}).resolve()
    out = tmp_path / "dist"
    # The configure step holds until released, which never happens: SIGKILL comes during it.
    bg = u.Background(project, out, "--wheel", log=tmp_path / "log",
                      extra_env={"RELIABILITY_HOLD_RELEASE": str(tmp_path / "never")})
    try:
        u.wait_for(lambda: list(project.glob(f"{u.CACHE}/*/configure-started")), u.TIMEOUT,
                   "CMake's configure")
        bg.signal_group(signal.SIGKILL)
        bg.wait()
    finally:
        bg.kill()
    u.check_output_folder(out)
    res = u.build(project, out, "--wheel")
    assert "configuration unchanged" not in res.output, res.describe()
    u.check_output_folder(out, [WHEEL])
