"""Architecture checks of cross builds: refusals before CMake runs, the ELF header check, the
emulator and FindPython's interpreter when crossing. Helpers come from test_cross_builds.py."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from test_cross_builds import build, check_target_wheel, copy_example, triple_cross_file

import crossutil

# ------------------------------------------------------------------ refusals before CMake runs


def fake_sysroot_without_headers(tmp: Path, arch: str) -> Path:
    """Only the target Python's build facts: as if libpython3.x-dev were not unpacked."""
    t = crossutil.target(arch)
    src = crossutil.sysroot(arch) / f"usr/lib/python{t.python}"
    dest = tmp / "headerless" / f"usr/lib/python{t.python}"
    dest.mkdir(parents=True)
    for f in src.glob("_sysconfigdata_*.py"):
        shutil.copy(f, dest)
    return tmp / "headerless"


def fake_gcc(tmp: Path, triple: str) -> dict[str, str]:
    """An environment whose PATH has a C compiler for `triple` but no C++ compiler."""
    bin_dir = tmp / "bin"
    bin_dir.mkdir()
    gcc = bin_dir / f"{triple}-gcc"
    gcc.write_text("#!/bin/sh\nexit 1\n")
    gcc.chmod(0o755)
    return {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}


@pytest.mark.parametrize(("example", "cross", "key", "message"), [
    ("c-api", 'arch = "linux_arm64"\ntriple = "aarch64-linux-gnu"\n', "cross.arch",
     "'linux_arm64': 'arm64' is not a wheel architecture; did you mean linux_aarch64?"),
    ("c-api", 'arch = "manylinux_2_28_ppc64el"\n', "cross.arch",
     "'manylinux_2_28_ppc64el': 'ppc64el' is not a wheel architecture; did you mean "
     "manylinux_2_28_ppc64le?"),
    ("c-api", 'arch = "linux_armv8l"\nsysroot = "{s390x}"\n', "cross.arch",
     "'linux_armv8l': unknown architecture 'armv8l' (known: aarch64, armv6l, armv7l, "),
    ("c-api", 'arch = "linux_ppc64"\nsysroot = "{ppc64le}"\n', "cross.arch",
     "'linux_ppc64' is ppc64, but cross.sysroot {ppc64le} holds a Python for "
     "powerpc64le-linux-gnu"),
    ("c-api", 'triple = "aarch64-linux-gnu"\nsysroot = "{s390x}"\n', "cross.triple",
     "'aarch64-linux-gnu' compiles for aarch64, but cross.sysroot {s390x} holds a Python for "
     "s390x-linux-gnu"),
    ("c-api", 'triple = "powerpc64le-linux-gnu"\narch = "linux_ppc64"\n', "cross.triple",
     "'powerpc64le-linux-gnu' compiles for ppc64le, but the wheel is tagged linux_ppc64"),
    ("c-api", 'triple = "aarch64-linux-gnu"\nsysroot = "{headerless}"\n', "cross.sysroot",
     "no Python.h for Python 3.11 in {headerless}/usr/include/python3.11 (on Debian, unpack "
     "libpython3.11-dev:arm64 into the sysroot)"),
    ("c-api", 'triple = "powerpc64-linux-gnu"\n', "cross.triple",
     "the compiler powerpc64-linux-gnu-gcc is not on PATH (on Debian: apt-get install "
     "gcc-powerpc64-linux-gnu)"),
    ("pybind11-project", 'triple = "loongarch64-linux-gnu"\n', "cross.triple",
     "the compiler loongarch64-linux-gnu-g++ is not on PATH (on Debian: apt-get install "
     "g++-loongarch64-linux-gnu)"),
    ("c-api", 'triple = "i686-pc-linux-gnu"\n', "cross.triple",
     "the compiler i686-pc-linux-gnu-gcc is not on PATH (on Debian: apt-get install "
     "gcc-i686-linux-gnu)"),
    ("c-api", 'triple = "aarch64-linux-gnu"\nsysroot = "{aarch64}"\nversion = "313"\n',
     "cross.version", "'313', but cross.sysroot {aarch64} holds Python 3.11"),
], ids=["alias", "alias-manylinux", "unknown-arch", "arch-vs-sysroot", "triple-vs-sysroot",
        "triple-vs-arch", "no-python-h", "no-c-compiler", "no-cxx-compiler", "debian-package",
        "version-vs-sysroot"])
def test_bad_cross_files_are_refused_before_cmake(tmp_path: Path, example: str, cross: str,
                                                   key: str, message: str) -> None:
    project = copy_example(example, tmp_path)
    where = {"s390x": str(crossutil.sysroot("s390x")), "aarch64": str(crossutil.sysroot("aarch64")),
             "ppc64le": str(crossutil.sysroot("ppc64le")),
             "headerless": str(fake_sysroot_without_headers(tmp_path, "aarch64"))}
    f = project / "bad.cross.toml"
    f.write_text(cross.format(**where))
    env = fake_gcc(tmp_path, "loongarch64-linux-gnu") if "loongarch64" in cross else None
    _, log = build(project, f"cross={f}", env=env, expect_fail=True)
    assert f"{f}: {key}: {message.format(**where)}" in log
    assert "-- Configuring" not in log  # refused before CMake ran
    assert not (project / ".py-build-cmake_cache").exists() or not any(
        (project / ".py-build-cmake_cache").rglob("CMakeCache.txt"))


def ppc64le_toolchain_file(tmp: Path) -> Path:
    """A hand-written toolchain file: crosswheel cannot tell from it which machine it targets."""
    root = crossutil.sysroot("ppc64le")
    f = tmp / "ppc64le.cmake"
    f.write_text("set(CMAKE_SYSTEM_NAME Linux)\nset(CMAKE_SYSTEM_PROCESSOR ppc64le)\n"
                 "set(CMAKE_C_COMPILER powerpc64le-linux-gnu-gcc)\n"
                 f'set(CMAKE_SYSROOT "{root}")\n'
                 f'set(CMAKE_FIND_ROOT_PATH "{root}")\n'
                 "set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)\n"
                 "set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)\n"
                 "set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)\n")
    return f


def test_a_little_endian_module_is_refused_in_a_big_endian_wheel(tmp_path: Path) -> None:
    """linux_ppc64 is big-endian; the same e_machine in little-endian must not pass."""
    project = copy_example("c-api", tmp_path)
    root = crossutil.sysroot("ppc64le")
    f = project / "be.cross.toml"
    f.write_text("implementation = 'cp'\nversion = '311'\nabi = 'cp311'\narch = 'linux_ppc64'\n"
                 f"toolchain_file = '{ppc64le_toolchain_file(tmp_path)}'\n"
                 f"include_dir = '{root}/usr/include/python3.11'\n")
    _, log = build(project, f"cross={f}", expect_fail=True)
    assert ("c_api_example/_core.cpython-311-powerpc64-linux-gnu.so: an ELF binary for ppc64 "
            "(64-bit, little-endian), but the wheel is tagged linux_ppc64 (expects ppc64 "
            "(64-bit, big-endian))") in log


# ------------------------------------------------------------------ FindPython when crossing

GENERATOR_PROJECT = {
    "pyproject.toml": """\
[build-system]
requires = ["crosswheel"]
build-backend = "crosswheel.backend"

[project]
name = "gen-example"
version = "1.0"
description = "A build-time Python code generator in a cross build"

[tool.py-build-cmake.cmake]
minimum_version = "3.17"
source_path = "."
""",
    "CMakeLists.txt": """\
cmake_minimum_required(VERSION 3.17...4.4)
project(gen-example LANGUAGES C)
# The build machine's interpreter runs the generator ...
find_package(Python3 REQUIRED COMPONENTS Interpreter)
set(GEN_PYTHON "${Python3_EXECUTABLE}")
# ... the target's development files build the module.
find_package(Python3 REQUIRED COMPONENTS Development.Module)
add_custom_command(OUTPUT gen.h
    COMMAND "${GEN_PYTHON}" "${CMAKE_CURRENT_SOURCE_DIR}/gen.py" gen.h
    DEPENDS gen.py)
Python3_add_library(_core MODULE WITH_SOABI core.c "${CMAKE_CURRENT_BINARY_DIR}/gen.h")
target_include_directories(_core PRIVATE "${CMAKE_CURRENT_BINARY_DIR}")
install(TARGETS _core DESTINATION gen_example)
""",
    "gen.py": """\
import sys
with open(sys.argv[1], "w") as f:
    f.write('#define GENERATED_BY "%s %d.%d"\\n' % ((sys.executable,) + sys.version_info[:2]))
""",
    "core.c": """\
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include "gen.h"
static struct PyModuleDef m = {PyModuleDef_HEAD_INIT, "_core", NULL, -1, NULL};
PyMODINIT_FUNC PyInit__core(void) {
    PyObject *mod = PyModule_Create(&m);
    if (mod) PyModule_AddStringConstant(mod, "generated_by", GENERATED_BY);
    return mod;
}
""",
    "gen_example/__init__.py": "from ._core import generated_by\n",
}


def test_findpython_interpreter_is_the_build_interpreter_and_development_the_targets(
        tmp_path: Path) -> None:
    """A 3.13 aarch64 target built by this 3.11 x86_64 interpreter: the generator runs here."""
    project = tmp_path / "gen"
    for rel, text in GENERATOR_PROJECT.items():
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        (project / rel).write_text(text)
    triple_cross_file(project, "aarch64-py313")
    wheel, _ = build(project)
    root = check_target_wheel(wheel, "aarch64-py313", tmp_path)
    out = crossutil.run_target_python(
        "aarch64-py313", "import sys, gen_example as m; print(m.generated_by); "
        "print('%d.%d' % sys.version_info[:2])", [root])
    here = f"{sys.executable} {sys.version_info[0]}.{sys.version_info[1]}"
    assert out.stdout.splitlines() == [here, "3.13"]


def test_try_run_works_when_crossing_to_i686(tmp_path: Path) -> None:
    """check_c_source_runs runs its test program through qemu-i386-static."""
    project = copy_example("c-api", tmp_path)
    cmakelists = project / "CMakeLists.txt"
    text = cmakelists.read_text()
    check = ("include(CheckCSourceRuns)\n"
             'check_c_source_runs("int main(void) { return sizeof(void *) == 4 ? 0 : 1; }" '
             "CW_POINTERS_ARE_32_BIT)\n"
             "if(NOT CW_POINTERS_ARE_32_BIT)\n"
             '    message(FATAL_ERROR "the test program did not run as a 32-bit x86 program")\n'
             "endif()\n")
    anchor = "find_package(Python3"
    cmakelists.write_text(text.replace(anchor, check + anchor, 1))
    triple_cross_file(project, "i686")
    wheel, log = build(project, "verbose=true")
    assert "CW_POINTERS_ARE_32_BIT - Success" in log
    check_target_wheel(wheel, "i686", tmp_path)


def test_the_written_platform_tag_is_checked_too(tmp_path: Path) -> None:
    """A native x86_64 build whose wheel.platform_tag claims aarch64 must not be written."""
    project = copy_example("c-api", tmp_path)
    _, log = build(project, "override=wheel.platform_tag=[linux_aarch64]", expect_fail=True)
    assert ("an ELF binary for x86_64 (64-bit, little-endian), but the wheel is tagged "
            "linux_aarch64 (expects aarch64 (64-bit, little-endian))") in log
    _, log = build(project, "override=wheel.platform_tag=[linux_arm64]", expect_fail=True)
    assert ("wheel.platform_tag: 'linux_arm64': 'arm64' is not a wheel architecture; did you "
            "mean linux_aarch64?") in log
