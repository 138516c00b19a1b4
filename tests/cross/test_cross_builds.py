"""Cross builds to six architectures and two Python versions, proven by importing the wheels
under qemu with the sysroot's own python.

Needs tools/cross/setup.sh (cross compilers, qemu-user-static, sysroots). A missing tool makes
these tests fail, not skip: CI installs them.
"""

from __future__ import annotations

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
                       "override=stubgen.packages=[pybind11_example]")
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
    wheel, log = build(project, "override=stubgen.packages=[c_api_example]")
    assert "stubs for pure-Python modules only: the cross-compiled modules cannot be imported" \
        in log
    with zipfile.ZipFile(wheel) as zf:
        stubs = sorted(n for n in zf.namelist() if n.endswith(".pyi"))
        helpers = zf.read("c_api_example/helpers.pyi").decode()
    # No stub for the aarch64 extension module _core: nothing here can import it.
    assert stubs == ["c_api_example/__init__.pyi", "c_api_example/helpers.pyi"]
    assert "def double(x: int) -> int: ..." in helpers
    check_target_wheel(wheel, "aarch64", tmp_path)
