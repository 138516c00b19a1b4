"""cross.compiler = "zig": manylinux2014 wheels from Debian 12 with nothing but PyPI and Debian.

Each wheel is built with zig against glibc 2.17 and `wheel.manylinux = "auto"`, then judged by
readelf (binutils) and `auditwheel show`, neither of which is crosswheel's code, checked with
`twine check --strict`, and imported: under qemu with the Debian sysroot's python3.11 for a
foreign arch, by this Python for x86_64.

The first build for a target makes zig compile glibc stubs and compiler-rt (about 20 s) and,
for C++, libc++ (about 2 minutes on 2 cores); zig caches them in ZIG_GLOBAL_CACHE_DIR, which
tests/conftest.py shares between all tests of a run.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import crossutil
import manylinuxutil as m

REPO = Path(__file__).resolve().parents[2]
ZIG_217 = 'compiler = "zig"\nglibc = "2.17"\n[wheel]\nmanylinux = "auto"\n'
# What the manylinux2014 policy lets a module link to; libstdc++ is not needed: libc++ is static.
# (libc++'s thread_local storage calls __tls_get_addr, from the dynamic loader.)
LIBC = {"libc.so.6", "libm.so.6", "libpthread.so.0", "libdl.so.2", "librt.so.1",
        "ld-linux-x86-64.so.2", "ld-linux-aarch64.so.1", "ld-linux-armhf.so.3"}

CHECKS = {
    "c-api": ("import c_api_example as c; print(c.add(2, 40), c.platform())", "42 {machine}"),
    "pybind11-project": ("import pybind11_example as m\n"
                         "c = m.Counter(10); c.increment(); c.increment(5)\n"
                         "print(m.add(2, 3), m.mul(1.5, 4), c.value, repr(c))",
                         "5 6.0 16 Counter(16)"),
    "nanobind-project": ("import nanobind_example as m; print(m.add(40, 2))", "42"),
}
MACHINE = {"aarch64": "aarch64", "armhf": "arm", "x86_64": "x86_64"}
WHEEL_ARCH = {"aarch64": "aarch64", "armhf": "armv7l", "x86_64": "x86_64"}


def copy_example(name: str, dest: Path) -> Path:
    import shutil

    out = dest / name
    shutil.copytree(REPO / "examples" / name, out, ignore=shutil.ignore_patterns(
        ".py-build-cmake_cache", "dist", "__pycache__"))
    return out


def zig_cross_file(project: Path, arch: str, extra: str = "") -> Path:
    """aarch64/armhf: the Debian sysroot supplies Python; x86_64: this machine, no sysroot."""
    f = project / "zig.cross.toml"
    if arch == "x86_64":
        f.write_text(f'triple = "x86_64-linux-gnu"\n{ZIG_217}{extra}')
    else:
        f.write_text(f'triple = "{crossutil.target(arch).triple}"\n'
                     f'sysroot = "{crossutil.sysroot(arch)}"\n{ZIG_217}{extra}')
    return f


def run_module(arch: str, code: str, site: Path) -> str:
    if arch != "x86_64":
        return crossutil.run_target_python(arch, code, [site]).stdout
    env = {**os.environ, "PYTHONPATH": str(site), "PYTHONNOUSERSITE": "1"}
    proc = subprocess.run([sys.executable, "-c", code], env=env, cwd=site, capture_output=True,
                          text=True, check=True, timeout=300)
    return proc.stdout


def check_manylinux_wheel(whl: Path, arch: str, tmp: Path) -> Path:
    """The tag, two independent verdicts on it, twine; returns the unpacked wheel."""
    tags = m.platform_tags(whl)
    site = tmp / "site"
    needed, versions = m.scan_wheel(whl, site)
    assert m.newest_glibc(versions) <= (2, 17), versions
    assert needed <= LIBC, needed
    assert not any(v.startswith(("GLIBCXX_", "CXXABI_")) for v in versions), versions
    if arch == "x86_64":
        # A module that needs no symbol newer than glibc 2.5 is manylinux1, as auditwheel says.
        aliases = {(2, 5): "manylinux1", (2, 12): "manylinux2010", (2, 17): "manylinux2014"}
        assert m.newest_glibc(versions) <= m.level(tags[0]) <= (2, 17), tags
        assert tags[1:] == [f"{aliases[m.level(tags[0])]}_x86_64"], tags
    else:
        wheel_arch = WHEEL_ARCH[arch]
        assert tags == [f"manylinux_2_17_{wheel_arch}", f"manylinux2014_{wheel_arch}"], tags
    assert m.wheel_tags(whl) == [f"cp311-cp311-{t}" for t in tags]
    assert m.auditwheel_overall_tag(whl) == tags[0]
    m.twine_check(whl)
    for p in site.rglob("*.so"):
        assert crossutil.elf_machine(p) == MACHINE[arch], p
        # zig's clang and LLD made it, not a GCC (whose .comment says "GCC: (Debian ...)").
        comment = subprocess.run(["readelf", "-p", ".comment", str(p)], capture_output=True,
                                 text=True, check=True).stdout
        assert "Linker: LLD" in comment and "GCC:" not in comment, comment
    return site


@pytest.mark.parametrize(("example", "arch"), [
    ("c-api", "aarch64"), ("pybind11-project", "aarch64"), ("nanobind-project", "aarch64"),
    ("c-api", "armhf"), ("c-api", "x86_64"), ("pybind11-project", "x86_64"),
])
def test_zig_glibc_2_17_wheels_are_manylinux2014_and_work(tmp_path: Path, example: str,
                                                          arch: str) -> None:
    project = copy_example(example, tmp_path)
    cross = zig_cross_file(project, arch)
    built = m.build(project, tmp_path / "dist", cross=cross)
    assert built.returncode == 0, built.output
    [whl] = built.wheels
    site = check_manylinux_wheel(whl, arch, tmp_path)
    code, expected = CHECKS[example]
    assert run_module(arch, code, site).strip() == expected.format(machine=MACHINE[arch])


GETRANDOM = """
#include <errno.h>
#include <unistd.h>
#include <sys/syscall.h>
#if __GLIBC_PREREQ(2, 25)
#include <sys/random.h>
#endif

/* getrandom() is glibc 2.25's; against an older glibc the system call does the same. */
static PyObject *core_random_bytes(PyObject *self, PyObject *args) {
    unsigned char buf[16];
    (void)self;
    (void)args;
#if __GLIBC_PREREQ(2, 25)
    long n = getrandom(buf, sizeof buf, 0);
#else
    long n = syscall(SYS_getrandom, buf, sizeof buf, 0);
#endif
    if (n < 0)
        return PyErr_SetFromErrno(PyExc_OSError);
    return PyBytes_FromStringAndSize((const char *)buf, n);
}
"""
METHOD = '{"random_bytes", core_random_bytes, METH_NOARGS, "16 random bytes."},\n    '


def getrandom_project(dest: Path) -> Path:
    project = copy_example("c-api", dest)
    core = project / "src" / "core.c"
    text = core.read_text()
    text = text.replace("static PyMethodDef core_methods[] = {\n    ",
                        GETRANDOM + "\nstatic PyMethodDef core_methods[] = {\n    " + METHOD)
    assert "random_bytes" in text.split("core_methods[]")[1]
    core.write_text(text)
    return project


def test_getrandom_falls_back_at_compile_time_with_zig_and_glibc_2_17(tmp_path: Path) -> None:
    project = getrandom_project(tmp_path)
    # The sysroot's glibc (2.36) has getrandom: gcc's build needs GLIBC_2.25.
    gcc = project / "gcc.cross.toml"
    gcc.write_text(f'triple = "aarch64-linux-gnu"\nsysroot = "{crossutil.sysroot("aarch64")}"\n')
    built = m.build(project, tmp_path / "gcc", cross=gcc)
    assert built.returncode == 0, built.output
    _, versions = m.scan_wheel(built.wheels[0], tmp_path / "gcc-site")
    assert "GLIBC_2.25" in versions

    # zig's glibc 2.17 headers say __GLIBC_MINOR__ 17: the same source takes the syscall.
    built = m.build(project, tmp_path / "zig", cross=zig_cross_file(project, "aarch64"))
    assert built.returncode == 0, built.output
    # Same build folder, other compilers: CMake only reads a toolchain file into a new cache.
    assert "from scratch: the toolchain file changed" in built.output
    [whl] = built.wheels
    site = check_manylinux_wheel(whl, "aarch64", tmp_path)
    strong, by_version = m.readelf_undefined(next(site.rglob("*.so")))
    assert "getrandom" not in strong and "syscall" in strong
    assert "syscall" in by_version["GLIBC_2.17"]
    out = crossutil.run_target_python(
        "aarch64", "from c_api_example import _core\n"
        "b = _core.random_bytes(); print(len(b), type(b).__name__)", [site])
    assert out.stdout.split() == ["16", "bytes"]
