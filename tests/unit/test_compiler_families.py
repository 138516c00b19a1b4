"""cross.compiler and cross.glibc: the toolchain each compiler family writes, and bad input.

No compiler runs here (tests/cross/test_zig_builds.py builds and runs real wheels); zig's own
target data is read from the ziglang package of the test environment.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from crosswheel import build, config, target, toolchain
from crosswheel.config import Settings

from .util import write_project

SRC = Path(__file__).resolve().parents[2] / "src"
CMAKE = '[tool.crosswheel.cmake]\nminimum_version = "3.15"\n'


def fake_sysroot(root: Path) -> Path:
    """The parts of a Debian arm64 sysroot crosswheel reads: Python's build facts and headers."""
    lib = root / "usr/lib/python3.11"
    lib.mkdir(parents=True)
    (lib / "_sysconfigdata__linux_aarch64-linux-gnu.py").write_text(
        "build_time_vars = {'VERSION': '3.11', 'SOABI': 'cpython-311-aarch64-linux-gnu', "
        "'EXT_SUFFIX': '.cpython-311-aarch64-linux-gnu.so', 'ABIFLAGS': '', "
        "'INCLUDEPY': '/usr/include/python3.11', 'MULTIARCH': 'aarch64-linux-gnu'}\n")
    inc = root / "usr/include"
    (inc / "python3.11").mkdir(parents=True)
    (inc / "python3.11/pyconfig.h").write_text(
        "#include <aarch64-linux-gnu/python3.11/pyconfig.h>\n")
    (inc / "python3.11/Python.h").write_text('#include "pyconfig.h"\n')
    (inc / "aarch64-linux-gnu/python3.11").mkdir(parents=True)
    (inc / "aarch64-linux-gnu/python3.11/pyconfig.h").write_text("#define HAVE_X 1\n")
    (inc / "stdio.h").write_text("#error the sysroot's libc headers must not be used\n")
    return root


def project_with_cross(tmp_path: Path, cross: str) -> tuple[Path, Path]:
    root = write_project(tmp_path / "proj", CMAKE)
    cross_file = root / "crosswheel.cross.toml"
    cross_file.write_text(cross, encoding="utf-8")
    return root, cross_file


def target_of(root: Path) -> target.Target:
    return target.for_config(config.load(root, Settings()))


def toolchain_files(t: target.Target, folder: Path) -> tuple[str, dict[Path, str]]:
    path = folder / "crosswheel-toolchain.cmake"
    files = toolchain.generate(t, path)
    return files.pop(path), files


def test_zig_for_a_sysroot_takes_only_pythons_headers_from_it(tmp_path: Path) -> None:
    sysroot = fake_sysroot(tmp_path / "sysroot")
    root, _ = project_with_cross(
        tmp_path, f'triple = "aarch64-linux-gnu"\nsysroot = "{sysroot}"\ncompiler = "zig"\n')
    t = target_of(root)
    assert (t.cross, t.platform, t.compiler, t.glibc) == (True, "linux_aarch64", "zig", "2.17")
    text, files = toolchain_files(t, tmp_path / "b")
    assert "CMAKE_SYSROOT" not in text  # its libc headers would mix with zig's glibc 2.17
    assert f'set(CMAKE_FIND_ROOT_PATH "{sysroot}")' in text
    assert "set(CMAKE_SYSTEM_PROCESSOR aarch64)" in text
    assert "qemu-aarch64" in text  # the emulator stays
    cc = files[tmp_path / "b/crosswheel-zig/cc"]
    assert cc.startswith("#!/bin/sh\n") and ' cc -target aarch64-linux-gnu.2.17 "$@"' in cc
    assert ' c++ -target aarch64-linux-gnu.2.17 "$@"' in files[tmp_path / "b/crosswheel-zig/c++"]
    for tool in ("CMAKE_AR", "CMAKE_RANLIB"):
        name = tool.split("_")[1].lower()
        assert f'set({tool} "{tmp_path}/b/crosswheel-zig/{name}" CACHE FILEPATH "" FORCE)' in text
    strip = next(line for line in text.splitlines() if line.startswith("set(CMAKE_STRIP "))
    assert "aarch64-linux-gnu-strip" in strip or "llvm-strip" in strip
    # The shim forwards exactly the multiarch Python header, nothing else of usr/include.
    shim = tmp_path / "b/crosswheel-zig/include"
    headers = {p: s for p, s in files.items() if p.is_relative_to(shim)}
    forward = sysroot / "usr/include/aarch64-linux-gnu/python3.11/pyconfig.h"
    assert headers == {shim / "aarch64-linux-gnu/python3.11/pyconfig.h": f'#include "{forward}"\n'}
    assert f'set(CMAKE_CXX_FLAGS_INIT "-idirafter {shim}")' in text


def test_gcc_for_a_sysroot_uses_its_libc(tmp_path: Path) -> None:
    sysroot = fake_sysroot(tmp_path / "sysroot")
    root, _ = project_with_cross(tmp_path, f'triple = "aarch64-linux-gnu"\nsysroot = "{sysroot}"\n')
    t = target_of(root)
    assert (t.compiler, t.glibc) == ("gcc", None)
    text, files = toolchain_files(t, tmp_path / "b")
    assert f'set(CMAKE_SYSROOT "{sysroot}")' in text
    assert 'set(CMAKE_C_COMPILER "aarch64-linux-gnu-gcc")' in text
    assert "CMAKE_STRIP" not in text and files == {}


@pytest.mark.parametrize(("triple", "zig_target"), [
    ("aarch64-linux-gnu", "aarch64-linux-gnu.2.17"),
    ("i686-linux-gnu", "x86-linux-gnu.2.17"),  # zig's name for i686
    ("arm-linux-gnueabihf", "arm-linux-gnueabihf.2.17"),
    ("powerpc64le-linux-gnu", "powerpc64le-linux-gnu.2.19"),  # zig's own floors
    ("riscv64-linux-gnu", "riscv64-linux-gnu.2.27"),
])
def test_default_glibc_is_2_17_or_the_oldest_zig_has(tmp_path: Path, triple: str,
                                                     zig_target: str) -> None:
    root, _ = project_with_cross(tmp_path, f'triple = "{triple}"\ncompiler = "zig"\n')
    t = target_of(root)
    _, files = toolchain_files(t, tmp_path / "b")
    assert f" cc -target {zig_target} " in files[tmp_path / "b/crosswheel-zig/cc"]


@pytest.mark.skipif(target.native().platform != "linux_x86_64", reason="x86_64 Linux CI")
def test_zig_without_a_triple_is_a_native_build(tmp_path: Path) -> None:
    root = write_project(tmp_path / "proj", CMAKE + '[tool.crosswheel.cross]\ncompiler = "zig"\n')
    t = target_of(root)
    native = target.native()
    assert (t.cross, t.triple, t.glibc) == (False, "x86_64-linux-gnu", "2.17")
    assert (t.platform, t.soabi, t.executable) == (native.platform, native.soabi, native.executable)
    text, files = toolchain_files(t, tmp_path / "b")
    # CMake stays in native mode (FindPython may run this Python), nothing is emulated.
    assert "CMAKE_SYSTEM_NAME" not in text and "EMULATOR" not in text
    assert " cc -target x86_64-linux-gnu.2.17 " in files[tmp_path / "b/crosswheel-zig/cc"]


def test_zig_is_a_build_requirement(tmp_path: Path) -> None:
    root, cross = project_with_cross(tmp_path, 'triple = "aarch64-linux-gnu"\ncompiler = "zig"\n')
    assert "ziglang" in build.cmake_requirements(root, Settings())
    cross.write_text('triple = "aarch64-linux-gnu"\n')
    assert "ziglang" not in build.cmake_requirements(root, Settings())


def run_hook(cwd: Path, code: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


BUILD = "import crosswheel.backend as b\nb.build_wheel({out!r})\n"
# ziglang cannot be imported: as in a build without isolation where nobody installed it.
NO_ZIG = "import sys\nsys.modules['ziglang'] = None\n" + BUILD


@pytest.mark.parametrize(("cross", "code", "message"), [
    ('compiler = "clang"\n', BUILD,
     "compiler: expected one of 'gcc', 'zig', found a string ('clang')"),
    ('compiler = "zig"\nglibc = "2.99"\n', BUILD,
     "cross.glibc: zig {zig} has no glibc 2.99 for aarch64-linux-gnu; it offers 2.17 to "),
    ('compiler = "zig"\nglibc = "2.16"\n', BUILD,  # zig's floor for aarch64 is 2.17
     "cross.glibc: zig {zig} has no glibc 2.16 for aarch64-linux-gnu; it offers 2.17 to "),
    ('compiler = "zig"\nglibc = "new"\n', BUILD,
     "cross.glibc: expected a glibc version like '2.17', found 'new'"),
    ('compiler = "zig"\nglibc = 2.17\n', BUILD,
     "glibc: expected a string, found a number (2.17)"),
    ('glibc = "2.17"\n', BUILD, "cross.glibc: applies only with compiler = 'zig'"),
    ('compiler = "zig"\ntoolchain_file = "x.cmake"\n', BUILD,
     "cross.compiler: 'zig' writes its own toolchain file"),
    ('compiler = "zig"\n', NO_ZIG, "cross.compiler: 'zig' needs the ziglang package"),
], ids=["unknown-compiler", "glibc-too-new", "glibc-below-zigs-floor", "glibc-not-a-version",
        "glibc-a-number", "glibc-with-gcc", "zig-with-toolchain-file", "zig-missing"])
def test_bad_compiler_settings_fail_cleanly(tmp_path: Path, cross: str, code: str,
                                           message: str) -> None:
    from importlib import metadata

    root, cross_file = project_with_cross(tmp_path, 'triple = "aarch64-linux-gnu"\n' + cross)
    out = tmp_path / "out"
    proc = run_hook(root, code.format(out=str(out)))
    assert proc.returncode == 1, proc.stderr
    # One line naming the file and the key; no traceback; nothing written.
    assert proc.stderr.startswith(f"crosswheel: error: {cross_file}: "), proc.stderr
    assert message.format(zig=metadata.version("ziglang")) in proc.stderr
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert not out.exists() or list(out.iterdir()) == []
    assert not (root / ".py-build-cmake_cache").exists()


@pytest.mark.parametrize(("cached", "ours", "on_disk", "reason"), [
    (None, "T", "same", "it was made with toolchain file none"),  # native -> zig natively
    ("/b/crosswheel-toolchain.cmake", None, None, "made with crosswheel's toolchain file"),
    ("/elsewhere.cmake", "T", "same", "it was made with toolchain file /elsewhere.cmake"),
    ("T", "T", "# gcc\n", "the toolchain file changed"),  # gcc -> zig, same folder
    ("T", "T", "same", None),
    ("/user.cmake", None, None, None),  # the user's own, given some other way: not ours to judge
])
def test_a_cache_made_with_other_compilers_is_configured_afresh(
        tmp_path: Path, cached: str | None, ours: str | None, on_disk: str | None,
        reason: str | None) -> None:
    from crosswheel.cmake import CMakeStep, Runner

    build_dir = tmp_path / "b"
    (build_dir / "CMakeFiles").mkdir(parents=True)
    tc = build_dir / "crosswheel-toolchain.cmake"
    cached = str(tc) if cached == "T" else cached
    lines = [f"CMAKE_HOME_DIRECTORY:INTERNAL={tmp_path}"]
    if cached:
        lines.append(f"CMAKE_TOOLCHAIN_FILE:FILEPATH={cached}")
    (build_dir / "CMakeCache.txt").write_text("\n".join(lines) + "\n")
    if on_disk:
        tc.write_text("# zig\n" if on_disk == "same" else on_disk)
    step = CMakeStep(label="target", source_dir=tmp_path, build_dir=build_dir,
                     install_prefix=tmp_path / "i", cwd=tmp_path,
                     defines=[f"CMAKE_TOOLCHAIN_FILE:FILEPATH={tc}"] if ours else [],
                     files={tc: "# zig\n"} if ours else {})
    logged: list[str] = []
    runner = Runner()
    runner.log = logged.append  # type: ignore[method-assign]
    runner._forget_foreign_cache(step)
    assert (build_dir / "CMakeCache.txt").exists() == (reason is None)
    assert (build_dir / "CMakeFiles").exists() == (reason is None)
    if reason:
        assert logged and reason in logged[0]
