"""Cross builds to six architectures and two Python versions, proven by importing the wheels
under qemu with the sysroot's own python.

Needs tools/cross/setup.sh (cross compilers, qemu-user-static, sysroots). A missing tool makes
these tests fail, not skip: CI installs them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import crossutil

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"


# What the C-API example's platform() says: the compiler's predefined macros of the target.
COMPILED_FOR = {"aarch64": "aarch64", "aarch64-py313": "aarch64", "armhf": "arm", "i686": "x86",
                "ppc64le": "ppc64", "s390x": "s390x", "riscv64": "riscv64"}


def copy_example(name: str, dest: Path) -> Path:
    out = dest / name
    shutil.copytree(EXAMPLES / name, out,
                    ignore=shutil.ignore_patterns(".py-build-cmake_cache", "dist", "__pycache__"))
    return out


def build(project: Path, *settings: str, env: dict[str, str] | None = None,
          expect_fail: bool = False, out: Path | None = None) -> tuple[Path | None, str]:
    out = out or project / "dist"
    cmd = [sys.executable, "-m", "build", "--wheel", "--no-isolation", "-o", str(out)]
    cmd += [f"-C{s}" for s in settings]
    proc = subprocess.run([*cmd, str(project)], capture_output=True, text=True, cwd=project,
                          env=env, check=False)
    log = proc.stdout + proc.stderr
    if expect_fail:
        # One clear message, and nothing half-written left behind.
        assert proc.returncode != 0, log
        assert "Traceback" not in log
        assert not out.exists() or not any(out.iterdir())
        return None, log
    assert proc.returncode == 0, log
    wheels = sorted(out.glob("*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0], log


def unpack(wheel: Path, dest: Path) -> Path:
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(dest)
    return dest


def binaries(root: Path) -> dict[str, str]:
    """ELF machine of every ELF file under root, by path relative to root."""
    out = {}
    for p in sorted(root.rglob("*")):
        if p.is_file() and p.read_bytes()[:4] == b"\x7fELF":
            out[p.relative_to(root).as_posix()] = crossutil.elf_machine(p)
    return out


def wheel_tags(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as zf:
        name = next(n for n in zf.namelist() if n.endswith(".dist-info/WHEEL"))
        return [line.split(": ", 1)[1] for line in zf.read(name).decode().splitlines()
                if line.startswith("Tag: ")]


def triple_cross_file(project: Path, arch: str, name: str = "crosswheel.cross.toml",
                      extra: str = "") -> Path:
    f = project / name
    f.write_text(f'triple = "{crossutil.target(arch).triple}"\n'
                 f'sysroot = "{crossutil.sysroot(arch)}"\n{extra}')
    return f


def toolchain_cross_file(project: Path, arch: str) -> Path:
    """The classic form: tags and hints written by hand, a toolchain file from tools/cross."""
    t = crossutil.target(arch)
    root = crossutil.sysroot(arch)
    f = project / f"{arch}.cross.toml"
    f.write_text(
        'implementation = "cp"\nversion = "311"\nabi = "cp311"\n'
        f'arch = "{t.platform_tag}"\n'
        f'toolchain_file = "{crossutil.toolchain_file(arch)}"\n'
        f'include_dir = "{root}/usr/include/python3.11"\n'
        f'soabi = "{t.soabi}"\n'
        "[cmake.options]\n"
        f'CROSSWHEEL_SYSROOT = "{root}"\n')
    return f


def check_target_wheel(wheel: Path, arch: str, tmp: Path, expected_ext: int = 1) -> Path:
    """Name, tags, ELF headers and module suffixes of a wheel for sysroot `arch`; unpacks it."""
    t = crossutil.target(arch)
    tag = f"{t.python_tag}-{t.python_tag}-{t.platform_tag}"
    assert wheel.name.endswith(f"-{tag}.whl"), wheel.name
    assert wheel_tags(wheel) == [tag]
    root = unpack(wheel, tmp / f"unpacked-{arch}")
    elf = binaries(root)
    assert elf and set(elf.values()) == {t.machine}, elf
    headers = {crossutil.elf_header(root / p) for p in elf}
    assert headers == {(t.machine, t.bits, t.endian, t.hard_float)}, headers
    exts = [p for p in elf if p.endswith(".so")]
    assert len(exts) == expected_ext, exts
    assert all(p.endswith(f".{t.soabi}.so") for p in exts), exts
    return root


@pytest.mark.parametrize("arch", ["aarch64", "armhf"])
def test_c_api_with_a_hand_written_toolchain_file(tmp_path: Path, arch: str) -> None:
    project = copy_example("c-api", tmp_path)
    cross = toolchain_cross_file(project, arch)
    wheel, _ = build(project, f"cross={cross}")
    root = check_target_wheel(wheel, arch, tmp_path)
    expected = {"aarch64": "aarch64", "armhf": "arm"}[arch]
    out = crossutil.run_target_python(
        arch, "import c_api_example as m; print(m.add(2, 3), m.platform())", [root])
    assert out.stdout.split() == ["5", expected]


@pytest.mark.parametrize("arch", crossutil.ARCHES)
def test_c_api_with_triple_and_sysroot_picked_up_beside_pyproject(tmp_path: Path,
                                                                    arch: str) -> None:
    t = crossutil.target(arch)
    project = copy_example("c-api", tmp_path)
    triple_cross_file(project, arch)  # crosswheel.cross.toml: found without -C cross
    wheel, _log = build(project)
    root = check_target_wheel(wheel, arch, tmp_path)
    # The generated toolchain file runs target binaries through qemu and names Debian's
    # multiarch folder (i386-linux-gnu for the i686 triple).
    tc = next((project / ".py-build-cmake_cache").glob("*/crosswheel-toolchain.cmake")).read_text()
    assert "CMAKE_CROSSCOMPILING_EMULATOR" in tc and t.qemu in tc
    assert f"set(CMAKE_LIBRARY_ARCHITECTURE {t.multiarch})" in tc
    code = ("import platform, sys, c_api_example as m\n"
            "print(m.add(40, 2), m.platform(), platform.machine(), sys.byteorder,\n"
            "      '%d.%d' % sys.version_info[:2])")
    out = crossutil.run_target_python(arch, code, [root])
    assert out.stdout.split() == ["42", COMPILED_FOR[arch], t.uname, t.endian, t.python]


def test_two_python_versions_of_one_arch_from_one_build_interpreter(tmp_path: Path) -> None:
    """aarch64 with Debian 12's CPython 3.11 and Debian 13's 3.13: each wheel for its own."""
    project = copy_example("c-api", tmp_path)
    wheels = {}
    for arch in ("aarch64", "aarch64-py313"):
        cross = triple_cross_file(project, arch, f"{arch}.toml")
        wheels[arch], _ = build(project, f"cross={cross}", out=tmp_path / arch)
    assert {a: w.name.split("-", 2)[2] for a, w in wheels.items()} == {
        "aarch64": "cp311-cp311-linux_aarch64.whl",
        "aarch64-py313": "cp313-cp313-linux_aarch64.whl"}
    for arch, wheel in wheels.items():
        root = check_target_wheel(wheel, arch, tmp_path)
        code = "import sys, c_api_example as m; print(m.add(1, 2), sys.version_info[:2])"
        out = crossutil.run_target_python(arch, code, [root])
        assert out.stdout.strip() == f"3 {tuple(map(int, crossutil.target(arch).python.split('.')))}"


# s390x is big-endian, i686 32-bit; aarch64 is built by test_seed_form_names_modules_like_the_sysroot_form.
@pytest.mark.parametrize("arch", ["s390x", "i686"])
def test_pybind11_cross_builds_unchanged(tmp_path: Path, arch: str) -> None:
    project = copy_example("pybind11-project", tmp_path)
    triple_cross_file(project, arch)
    wheel, _ = build(project)
    root = check_target_wheel(wheel, arch, tmp_path)
    code = ("import pybind11_example as m\n"
            "c = m.Counter(10); c.increment(); c.increment(5)\n"
            "print(m.add(2, 3), m.mul(1.5, 4), c.value, repr(c))")
    out = crossutil.run_target_python(arch, code, [root])
    assert out.stdout.strip() == "5 6.0 16 Counter(16)"


def seed_cross_file(project: Path, arch: str) -> Path:
    """py-build-cmake's documented form: tags, a toolchain file and FindPython hints; no
    sysroot and no soabi, so crosswheel has to derive the suffix itself."""
    t = crossutil.target(arch)
    root = crossutil.sysroot(arch)
    f = project / "py-build-cmake.cross.toml"
    f.write_text(
        f"implementation = 'cp'\nversion = '{t.version}'\nabi = 'cp{t.version}'\n"
        f"arch = '{t.platform_tag}'\n"
        f"toolchain_file = '{crossutil.toolchain_file(arch)}'\n"
        "[cmake.options]\n"
        f'Python3_LIBRARY = "{root}/usr/lib/{t.multiarch}/libpython{t.python}.so"\n'
        f'Python3_INCLUDE_DIR = "{root}/usr/include/python{t.python}"\n'
        f'CROSSWHEEL_SYSROOT = "{root}"\n')
    return f


def test_seed_form_names_modules_like_the_sysroot_form(tmp_path: Path) -> None:
    names = {}
    for form in ("seed", "sysroot"):
        project = copy_example("pybind11-project", tmp_path / form)
        if form == "seed":
            seed_cross_file(project, "aarch64")
        else:
            triple_cross_file(project, "aarch64")
        wheel, _ = build(project)
        root = check_target_wheel(wheel, "aarch64", tmp_path / form)
        with zipfile.ZipFile(wheel) as zf:
            names[form] = sorted(n for n in zf.namelist() if ".dist-info/RECORD" not in n)
        out = crossutil.run_target_python("aarch64", "import pybind11_example as m; "
                                          "print(m.add(2, 3))", [root])
        assert out.stdout.strip() == "5"
    assert "pybind11_example/_core.cpython-311-aarch64-linux-gnu.so" in names["seed"]
    assert names["seed"] == names["sysroot"]


def test_nanobind_cross_builds_unchanged(tmp_path: Path) -> None:
    project = copy_example("nanobind-project", tmp_path)
    triple_cross_file(project, "aarch64")
    wheel, _ = build(project)
    root = check_target_wheel(wheel, "aarch64", tmp_path)
    out = crossutil.run_target_python("aarch64", "import nanobind_example as m; print(m.add(40, 2))",
                                      [root])
    assert out.stdout.strip() == "42"


@pytest.mark.parametrize("arch", ["aarch64", "ppc64le"])
def test_copy_from_native_build_runs_a_native_generator_and_copies_native_stubs(
        tmp_path: Path, arch: str) -> None:
    t = crossutil.target(arch)
    project = copy_example("copy-native", tmp_path)
    cross = triple_cross_file(project, arch, "native-then-cross.toml",
                              'copy_from_native_build = ["copy_native_example/*.pyi"]\n')
    wheel, log = build(project, f"cross={cross}")
    assert "copied copy_native_example/_core.pyi from the native build" in log
    with zipfile.ZipFile(wheel) as zf:
        names = sorted(n for n in zf.namelist() if ".dist-info/" not in n)
        stub = zf.read("copy_native_example/_core.pyi").decode()
    assert names == ["copy_native_example/__init__.py",
                     f"copy_native_example/_core.{t.soabi}.so",
                     "copy_native_example/_core.pyi"]
    assert "def square" in stub
    root = check_target_wheel(wheel, arch, tmp_path)
    code = ("import platform, copy_native_example as m\n"
            "assert m.squares() == tuple(i * i for i in range(16))\n"
            "print(m.square(12), m.generated_on(), platform.machine())")
    out = crossutil.run_target_python(arch, code, [root])
    assert out.stdout.split() == ["144", "x86_64", t.uname]
    # The native half was installed where PY_BUILD_CMAKE_NATIVE_INSTALL_DIR pointed.
    native = project / ".py-build-cmake_cache/cp311-cp311-linux_x86_64/crosswheel-native-install"
    assert crossutil.elf_machine(native / "bin/gen") == "x86_64"


@pytest.mark.parametrize(("pattern", "message"), [
    # A native binary in an aarch64 wheel:
    ("bin/*", "bin/gen is an ELF binary for x86_64 (64-bit, little-endian)"),
    ("nothing/*.pyi", "pattern 'nothing/*.pyi' matched nothing"),
], ids=["native-binary", "matches-nothing"])
def test_copy_from_native_build_refuses_bad_patterns(tmp_path: Path, pattern: str,
                                                     message: str) -> None:
    project = copy_example("copy-native", tmp_path)
    cross = triple_cross_file(project, "aarch64", "bad.toml",
                              f'copy_from_native_build = ["{pattern}"]\n')
    _, log = build(project, f"cross={cross}", expect_fail=True)
    assert message in log


def test_binary_of_the_wrong_machine_fails_the_build(tmp_path: Path) -> None:
    """Tags say aarch64 but no toolchain: the x86_64 module must not be packaged."""
    project = copy_example("c-api", tmp_path)
    (project / "liar.toml").write_text('arch = "linux_aarch64"\n')
    _, log = build(project, f"cross={project / 'liar.toml'}", expect_fail=True)
    assert "an ELF binary for x86_64 (64-bit, little-endian), but the wheel is tagged linux_aarch64" in log


def test_platform_tag_guess_is_refused_when_crossing(tmp_path: Path) -> None:
    project = copy_example("c-api", tmp_path)
    triple_cross_file(project, "aarch64")
    _, log = build(project, "override=wheel.platform_tag=guess", expect_fail=True)
    assert "'guess' is not supported when cross-compiling" in log


def test_stubs_of_a_cross_build_come_from_the_native_build(tmp_path: Path) -> None:
    project = copy_example("pybind11-project", tmp_path)
    (project / "src/pybind11_example/_core.pyi").unlink()  # so stubgen has to write it
    # A native build first, though nothing is copied from it.
    cross = triple_cross_file(project, "aarch64", "stubs.toml", "copy_from_native_build = []\n")
    wheel, log = build(project, f"cross={cross}",
                       "override=stubgen.packages=['pybind11_example']")
    assert "stubgen: added pybind11_example/_core.pyi" in log
    with zipfile.ZipFile(wheel) as zf:
        stub = zf.read("pybind11_example/_core.pyi").decode()
    assert "def add(" in stub and "class Counter" in stub
    check_target_wheel(wheel, "aarch64", tmp_path)


def test_stubgen_without_a_native_build_stubs_the_pure_python_modules(tmp_path: Path) -> None:
    project = copy_example("c-api", tmp_path)
    pkg = project / "c_api_example"
    (pkg / "helpers.py").write_text("def double(x: int) -> int:\n    return 2 * x\n")
    triple_cross_file(project, "aarch64")
    wheel, log = build(project, "override=stubgen.packages=['c_api_example']")
    assert "stubs for pure-Python modules only: the cross-compiled modules cannot be imported" \
        in log
    with zipfile.ZipFile(wheel) as zf:
        stubs = sorted(n for n in zf.namelist() if n.endswith(".pyi"))
        helpers = zf.read("c_api_example/helpers.pyi").decode()
    # No stub for the aarch64 extension module _core: nothing here can import it.
    assert stubs == ["c_api_example/__init__.pyi", "c_api_example/helpers.pyi"]
    assert "def double(x: int) -> int: ..." in helpers
    check_target_wheel(wheel, "aarch64", tmp_path)


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
], ids=["alias", "alias-manylinux", "unknown-arch", "arch-vs-sysroot", "triple-vs-sysroot",
        "triple-vs-arch", "no-python-h", "no-c-compiler", "no-cxx-compiler", "debian-package"])
def test_bad_cross_files_are_refused_before_cmake(tmp_path: Path, example: str, cross: str,
                                                   key: str, message: str) -> None:
    project = copy_example(example, tmp_path)
    where = {"s390x": str(crossutil.sysroot("s390x")),
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
    _, log = build(project, "override=wheel.platform_tag=['linux_aarch64']", expect_fail=True)
    assert ("an ELF binary for x86_64 (64-bit, little-endian), but the wheel is tagged "
            "linux_aarch64 (expects aarch64 (64-bit, little-endian))") in log
    _, log = build(project, "override=wheel.platform_tag=['linux_arm64']", expect_fail=True)
    assert ("wheel.platform_tag: 'linux_arm64': 'arm64' is not a wheel architecture; did you "
            "mean linux_aarch64?") in log
