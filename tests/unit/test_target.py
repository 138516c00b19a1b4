"""The target platform: native facts, wheel tags, cross targets and sysroot facts."""

from __future__ import annotations

import json
import re
import sys
import sysconfig
from dataclasses import replace
from pathlib import Path

import pytest
from packaging import tags as ptags

from crosswheel import config, elf, target
from crosswheel.config import CrossConfig, Settings
from crosswheel.errors import ConfigError
from crosswheel.target import Tags, Target, cross_target, native, platform_from_triple

from .util import wheel_cfg, write_project

THIS_MACHINE = (sys.implementation.name == "cpython" and sys.version_info[:2] == (3, 11)
                and sysconfig.get_platform() == "linux-x86_64"
                and not sysconfig.get_config_var("Py_GIL_DISABLED"))
here = pytest.mark.skipif(not THIS_MACHINE, reason="expects CPython 3.11 on linux-x86_64")


def aarch64(**kw: object) -> Target:
    c = CrossConfig(**{"implementation": "cp", "version": "312", "abi": "cp312",  # type: ignore
                       "arch": "linux_aarch64", **kw})
    return cross_target(c, native())


# ------------------------------------------------------------------ native


@here
def test_native_values_on_this_machine() -> None:
    t = native()
    assert (t.cross, t.os, t.implementation, t.version, t.abi, t.platform) == (
        False, "linux", "cp", "311", "cp311", "linux_x86_64")
    assert t.soabi == "cpython-311-x86_64-linux-gnu"
    assert t.ext_suffix == ".cpython-311-x86_64-linux-gnu.so"
    assert t.python_tag == "cp311"
    assert t.version_tuple == (3, 11)
    assert t.build_config == "cp311-cp311-linux_x86_64"
    assert t.arch == "x86_64"
    assert t.elf_machine == "x86_64"
    assert t.interpreter_id == "Python"
    assert t.executable == Path(sys.executable)
    assert t.prefix == Path(sys.base_prefix)
    assert t.include_dir == Path(sysconfig.get_paths()["include"])
    assert (t.library, t.toolchain_file, t.triple, t.sysroot) == (None, None, None, None)
    assert t.free_threaded is False


def test_python_host_platform_retargets_native(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("_PYTHON_HOST_PLATFORM", "linux-armv7l")
    t = native()
    assert t.platform == "linux_armv7l"
    assert t.elf_machine == ("arm" if t.os == "linux" else None)


# ------------------------------------------------------------------ tags


@here
@pytest.mark.parametrize(("kw", "expected"), [
    ({}, "cp311-cp311-linux_x86_64"),
    ({"pure_python": True}, "py3-none-any"),
    ({"pure_python": True, "python_abi": "abi3"}, "py3-none-any"),
    ({"pure_python": True, "python_tag": ["py2", "auto"]}, "py2.py3-none-any"),
    ({"python_abi": "none"}, "cp311-none-linux_x86_64"),
    ({"python_abi": "abi3"}, "cp32-abi3-linux_x86_64"),
    ({"python_abi": "abi3", "abi3_minimum_cpython_version": 32}, "cp32-abi3-linux_x86_64"),
    ({"python_abi": "abi3", "abi3_minimum_cpython_version": 38}, "cp38-abi3-linux_x86_64"),
    ({"python_abi": "abi3", "abi3_minimum_cpython_version": 310}, "cp310-abi3-linux_x86_64"),
    ({"python_abi": "abi3", "abi3_minimum_cpython_version": 311}, "cp311-abi3-linux_x86_64"),
    ({"python_abi": "abi3", "abi3_minimum_cpython_version": 312}, "cp311-cp311-linux_x86_64"),
    ({"python_abi": "abi3", "abi3_minimum_cpython_version": 40}, "cp311-cp311-linux_x86_64"),
    ({"python_abi": "auto", "abi3_minimum_cpython_version": 38}, "cp311-cp311-linux_x86_64"),
    ({"python_tag": ["auto", "py3"]}, "cp311.py3-cp311-linux_x86_64"),
    ({"python_tag": ["py3"], "abi_tag": ["none"]}, "py3-none-linux_x86_64"),
    ({"abi_tag": ["abi3", "cp311"]}, "cp311-abi3.cp311-linux_x86_64"),
    ({"platform_tag": ["manylinux_2_17_x86_64", "manylinux2014_x86_64"]},
     "cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64"),
    ({"pure_python": True, "platform_tag": ["linux_x86_64"]}, "py3-none-linux_x86_64"),
    ({"python_abi": "abi3", "abi3_minimum_cpython_version": 38, "python_tag": ["auto", "cp39"]},
     "cp38.cp39-abi3-linux_x86_64"),
])
def test_native_tags(kw: dict[str, object], expected: str) -> None:
    assert str(native().tags(wheel_cfg(**kw))) == expected


def test_tags_expanded_and_build() -> None:
    tags = Tags(["cp311", "py3"], ["abi3"], ["a", "b"], "7")
    assert str(tags) == "cp311.py3-abi3-a.b"
    assert tags.expanded() == ["cp311-abi3-a", "cp311-abi3-b", "py3-abi3-a", "py3-abi3-b"]
    t = native().tags(wheel_cfg(pure_python=True, build_tag="7x"))
    assert t.build == "7x"


def test_abi3_never_for_free_threaded_or_pypy() -> None:
    w = wheel_cfg(python_abi="abi3", abi3_minimum_cpython_version=32)
    t = replace(native(), implementation="cp", version="313", abi="cp313t", free_threaded=True)
    assert str(t.tags(w)).startswith("cp313-cp313t-")
    assert t.uses_abi3(w) is False
    p = replace(native(), implementation="pp", version="310", abi="pypy310_pp73")
    assert str(p.tags(w)).startswith("pp310-pypy310_pp73-")


@pytest.mark.parametrize(("kind", "value"), [("python_tag", ["CP311"]),
                                              ("abi_tag", ["cp311-x"]),
                                              ("platform_tag", ["linux x86_64"])])
def test_invalid_tag(kind: str, value: list[str]) -> None:
    with pytest.raises(ConfigError) as e:
        native().tags(wheel_cfg(**{kind: value}))
    assert str(e.value) == (f"wheel.{kind}: {value[0]!r} is not a valid tag (lowercase letters, "
                            "digits, '_' and '.')")


def test_platform_tag_guess_natively() -> None:
    platforms = list(ptags.platform_tags())
    expected = next((p for p in platforms if p.startswith(("manylinux_", "musllinux_"))),
                    platforms[0])
    tags = native().tags(wheel_cfg(platform_tag=["guess"]))
    assert tags.platform == [expected]
    if THIS_MACHINE:
        assert expected.startswith(("manylinux_", "musllinux_"))
        assert expected.endswith("_x86_64")


def test_platform_tag_guess_refused_when_crossing() -> None:
    with pytest.raises(ConfigError) as e:
        aarch64().tags(wheel_cfg(platform_tag=["guess"]))
    assert str(e.value) == ("wheel.platform_tag: 'guess' is not supported when cross-compiling; "
                            "set cross.arch (or wheel.platform_tag) to the target's tag")


# ------------------------------------------------------------------ cross targets


def test_cross_linux_aarch64() -> None:
    t = aarch64(soabi="cpython-312-aarch64-linux-gnu")
    assert (t.cross, t.os, t.implementation, t.version, t.abi, t.platform) == (
        True, "linux", "cp", "312", "cp312", "linux_aarch64")
    assert t.ext_suffix == ".cpython-312-aarch64-linux-gnu.so"
    assert t.elf_machine == "aarch64"
    assert t.executable is None
    assert t.build_config == "cp312-cp312-linux_aarch64"
    assert str(t.tags(wheel_cfg())) == "cp312-cp312-linux_aarch64"
    assert str(t.tags(wheel_cfg(python_abi="abi3", abi3_minimum_cpython_version=312))) == \
        "cp312-abi3-linux_aarch64"
    assert str(t.tags(wheel_cfg(pure_python=True))) == "py3-none-any"


@pytest.mark.parametrize(("kw", "soabi"), [
    ({}, "cpython-312-aarch64-linux-gnu"),
    ({"arch": "linux_armv7l"}, "cpython-312-arm-linux-gnueabihf"),
    ({"arch": "manylinux_2_17_i686"}, "cpython-312-i386-linux-gnu"),  # Debian's multiarch name
    ({"arch": "linux_ppc64le", "version": "313", "abi": "cp313t"},
     "cpython-313t-powerpc64le-linux-gnu"),
])
def test_cross_without_soabi_derives_the_targets_suffix(kw: dict[str, str], soabi: str) -> None:
    """The seed's form (no sysroot, no soabi) still names modules like the target would."""
    t = aarch64(**kw)
    assert (t.soabi, t.ext_suffix) == (soabi, f".{soabi}.so")


def test_pypy_cross_target_without_soabi_keeps_a_plain_suffix() -> None:
    t = cross_target(CrossConfig(implementation="pp", version="310", arch="linux_aarch64"),
                     native())
    assert (t.soabi, t.ext_suffix) == (None, ".so")


def test_cross_paths_are_passed_through(tmp_path: Path) -> None:
    t = aarch64(prefix=tmp_path / "usr", library=tmp_path / "libpython3.12.so",
                include_dir=tmp_path / "inc", toolchain_file=tmp_path / "tc.cmake",
                sabi_library=tmp_path / "libpython3.so", triple="aarch64-linux-gnu")
    assert (t.prefix, t.library, t.include_dir, t.toolchain_file, t.sabi_library, t.triple) == (
        tmp_path / "usr", tmp_path / "libpython3.12.so", tmp_path / "inc",
        tmp_path / "tc.cmake", tmp_path / "libpython3.so", "aarch64-linux-gnu")


@pytest.mark.parametrize("arch", ["win_amd64", "win32", "win_arm64"])
def test_cross_windows(arch: str) -> None:
    t = cross_target(CrossConfig(arch=arch, implementation="cp", version="311",
                                 generator_platform="x64"), native())
    assert (t.os, t.platform, t.abi) == ("windows", arch, "cp311")
    assert t.ext_suffix == f".cp311-{arch}.pyd"
    assert t.elf_machine is None
    assert t.generator_platform == "x64"
    assert str(t.tags(wheel_cfg())) == f"cp311-cp311-{arch}"


def test_cross_windows_with_explicit_os() -> None:
    t = cross_target(CrossConfig(os="windows", arch="win_amd64", implementation="cp",
                                 version="311"), native())
    assert (t.os, t.ext_suffix) == ("windows", ".cp311-win_amd64.pyd")


def test_cross_macos() -> None:
    b = native()
    t = cross_target(CrossConfig(arch="macosx_11_0_arm64"), b)
    assert (t.os, t.platform, t.arch, t.elf_machine) == ("mac", "macosx_11_0_arm64", "arm64", None)
    # Without implementation and version the python tag and abi stay the build's.
    assert (t.python_tag, t.abi) == (b.python_tag, b.abi)


def test_python_tag_only_from_implementation_and_version_together() -> None:
    b = native()
    only_version = cross_target(CrossConfig(version="312", arch="linux_aarch64"), b)
    assert (only_version.python_tag, only_version.abi) == (b.python_tag, b.abi)
    only_impl = cross_target(CrossConfig(implementation="pp", arch="linux_aarch64"), b)
    assert only_impl.python_tag == b.python_tag
    both = cross_target(CrossConfig(implementation="cp", version="310", arch="linux_aarch64"), b)
    assert (both.python_tag, both.abi) == ("cp310", "cp310" if b.implementation == "cp"
                                            else b.abi)
    explicit_abi = cross_target(CrossConfig(abi="cp312d", arch="linux_aarch64"), b)
    assert (explicit_abi.python_tag, explicit_abi.abi) == (b.python_tag, "cp312d")


@pytest.mark.parametrize(("cross", "message"), [
    (CrossConfig(version="3.12"), "cross.version: expected major and minor digits without a dot, "
                                  "like '311', found '3.12'"),
    (CrossConfig(version="3"), "cross.version: expected major and minor digits without a dot, "
                               "like '311', found '3'"),
    (CrossConfig(arch="Linux-AArch64"), "cross.arch: 'Linux-AArch64' is not a valid tag part"),
    (CrossConfig(abi="cp 312"), "cross.abi: 'cp 312' is not a valid tag part"),
    (CrossConfig(triple="aarch64-apple-darwin"),
     "cross.triple: cannot tell the wheel platform of 'aarch64-apple-darwin'; set cross.arch"),
])
def test_cross_errors(cross: CrossConfig, message: str) -> None:
    with pytest.raises(ConfigError) as e:
        cross_target(cross, native())
    assert str(e.value) == message


@pytest.mark.parametrize(("platform", "machine"), [
    ("linux_aarch64", "aarch64"),
    ("manylinux_2_28_aarch64", "aarch64"),
    ("musllinux_1_2_aarch64", "aarch64"),
    ("linux_armv7l", "arm"),
    ("manylinux_2_17_armv7l", "arm"),
    ("linux_x86_64", "x86_64"),
    ("linux_i686", "x86"),
    ("linux_ppc64le", "ppc64"),
    ("linux_s390x", "s390"),
    ("linux_riscv64", "riscv"),
    ("linux_sparc64", None),
])
def test_elf_machine(platform: str, machine: str | None) -> None:
    assert replace(native(), os="linux", platform=platform).elf_machine == machine


def test_elf_machine_is_none_off_linux() -> None:
    assert replace(native(), os="windows", platform="win_amd64").elf_machine is None
    assert replace(native(), os="mac", platform="macosx_11_0_x86_64").elf_machine is None


def test_elf_machine_of_a_file(tmp_path: Path) -> None:
    def header(machine: int, little: bool = True) -> bytes:
        order = "little" if little else "big"
        return (b"\x7fELF" + bytes([2, 1 if little else 2]) + bytes(12)
                + machine.to_bytes(2, order) + bytes(40))

    for code, name in ((183, "aarch64"), (62, "x86_64"), (40, "arm"), (999, "machine 999")):
        (tmp_path / "f").write_bytes(header(code))
        assert elf.machine(tmp_path / "f") == name
    (tmp_path / "f").write_bytes(header(22, little=False))
    assert elf.machine(tmp_path / "f") == "s390"
    (tmp_path / "f").write_bytes(b"#!/bin/sh\n" * 4)
    assert elf.machine(tmp_path / "f") is None
    assert elf.machine(tmp_path / "missing") is None


@pytest.mark.parametrize(("triple", "platform"), [
    ("aarch64-linux-gnu", "linux_aarch64"),
    ("aarch64-unknown-linux-gnu", "linux_aarch64"),
    ("arm-linux-gnueabihf", "linux_armv7l"),
    ("armv7-unknown-linux-gnueabihf", "linux_armv7l"),
    ("x86_64-linux-gnu", "linux_x86_64"),
    ("i686-linux-gnu", "linux_i686"),
    ("powerpc64le-linux-gnu", "linux_ppc64le"),
    ("riscv64-linux-gnu", "linux_riscv64"),
    ("s390x-linux-gnu", "linux_s390x"),
    ("x86_64-w64-mingw32", "win_amd64"),
    ("i686-w64-mingw32", "win32"),
    ("aarch64-w64-mingw32", "win_arm64"),
])
def test_platform_from_triple(triple: str, platform: str) -> None:
    assert platform_from_triple(triple) == platform


def test_triple_gives_the_platform_of_a_cross_target() -> None:
    t = cross_target(CrossConfig(triple="arm-linux-gnueabihf"), native())
    assert (t.os, t.platform, t.elf_machine, t.triple) == ("linux", "linux_armv7l", "arm",
                                                          "arm-linux-gnueabihf")


# ------------------------------------------------------------------ sysroots


SYSCONFIGDATA = """\
# Generated by the target's build; crosswheel must parse it, never run it.
raise SystemExit("this file was executed")
build_time_vars = {
    'ABIFLAGS': '',
    'EXT_SUFFIX': '.cpython-312-aarch64-linux-gnu.so',
    'INCLUDEPY': '/usr/include/python3.12',
    'LDLIBRARY': 'libpython3.12.so',
    'LIBDIR': '/usr/lib/aarch64-linux-gnu',
    'MULTIARCH': 'aarch64-linux-gnu',
    'SOABI': 'cpython-312-aarch64-linux-gnu',
    'VERSION': '3.12',
}
"""


@pytest.fixture
def sysroot(tmp_path: Path) -> Path:
    root = tmp_path / "sysroot"
    lib = root / "usr" / "lib" / "python3.12"
    lib.mkdir(parents=True)
    (lib / "_sysconfigdata__linux_aarch64-linux-gnu.py").write_text(SYSCONFIGDATA)
    include = root / "usr" / "include" / "python3.12"
    include.mkdir(parents=True)
    (include / "Python.h").write_text("/* the target's */\n")
    return root


def test_read_sysconfigdata_parses_without_executing(sysroot: Path) -> None:
    facts = target.read_sysconfigdata(sysroot)
    assert facts["VERSION"] == "3.12"
    assert facts["SOABI"] == "cpython-312-aarch64-linux-gnu"
    assert facts["MULTIARCH"] == "aarch64-linux-gnu"
    assert len(facts) == 8


def test_sysroot_fills_in_the_target(sysroot: Path) -> None:
    t = cross_target(CrossConfig(sysroot=sysroot), native())
    assert (t.os, t.implementation, t.version, t.abi, t.platform) == (
        "linux", "cp", "312", "cp312", "linux_aarch64")
    assert t.soabi == "cpython-312-aarch64-linux-gnu"
    assert t.ext_suffix == ".cpython-312-aarch64-linux-gnu.so"
    assert t.include_dir == sysroot / "usr/include/python3.12"
    assert t.library == sysroot / "usr/lib/aarch64-linux-gnu/libpython3.12.so"
    assert t.sysroot == sysroot
    assert t.elf_machine == "aarch64"
    assert str(t.tags(wheel_cfg())) == "cp312-cp312-linux_aarch64"


def test_explicit_cross_keys_win_over_the_sysroot(sysroot: Path, tmp_path: Path) -> None:
    (tmp_path / "inc").mkdir()
    (tmp_path / "inc" / "Python.h").write_text("")
    t = cross_target(CrossConfig(sysroot=sysroot, arch="manylinux_2_28_aarch64",
                                 include_dir=tmp_path / "inc", library=tmp_path / "lib.so",
                                 soabi="custom"), native())
    assert (t.platform, t.include_dir, t.library, t.soabi) == (
        "manylinux_2_28_aarch64", tmp_path / "inc", tmp_path / "lib.so", "custom")


def test_target_python_inside_a_sysroot_finds_the_sysroot(sysroot: Path) -> None:
    t = cross_target(CrossConfig(python=sysroot / "usr" / "bin" / "python3.12"), native())
    assert (t.sysroot, t.version, t.platform) == (sysroot, "312", "linux_aarch64")


def test_build_details_json(tmp_path: Path) -> None:
    lib = tmp_path / "usr" / "lib" / "python3.14"
    lib.mkdir(parents=True)
    (lib / "build-details.json").write_text(json.dumps({
        "schema_version": "1.0", "platform": "linux-aarch64-linux-gnu",
        "language": {"version": "3.14"},
        "abi": {"flags": [], "extension_suffix": ".cpython-314-aarch64-linux-gnu.so"},
        "c_api": {"headers": "/usr/include/python3.14"}}))
    facts = target.read_sysconfigdata(tmp_path)
    assert facts["VERSION"] == "3.14"
    assert facts["SOABI"] == "cpython-314-aarch64-linux-gnu"
    assert facts["INCLUDEPY"] == "/usr/include/python3.14"


def test_sysroot_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as e:
        cross_target(CrossConfig(sysroot=tmp_path / "missing"), native())
    assert str(e.value) == f"cross.sysroot: folder {tmp_path / 'missing'} does not exist"
    with pytest.raises(ConfigError) as e:
        cross_target(CrossConfig(sysroot=tmp_path), native())
    assert str(e.value) == (f"cross.sysroot: no Python found in {tmp_path} (looked for "
                            "usr/lib/python3*/_sysconfigdata_*.py and build-details.json)")
    lib = tmp_path / "usr" / "lib" / "python3.12"
    lib.mkdir(parents=True)
    bad = lib / "_sysconfigdata__x.py"
    bad.write_text("other = {}\n")
    with pytest.raises(ConfigError, match=f"^{re.escape(str(bad))}: no build_time_vars found$"):
        target.read_sysconfigdata(tmp_path)


# ------------------------------------------------------------------ from a configuration


def test_for_config(tmp_path: Path, sysroot: Path) -> None:
    root = write_project(tmp_path / "p", "[tool.crosswheel.cmake]\n")
    assert target.for_config(config.load(root)) == native()
    cross = tmp_path / "p" / "x.toml"
    cross.write_text('sysroot = "../sysroot"\n')
    cfg = config.load(root, Settings(cross=[cross]))
    t = target.for_config(cfg)
    assert t.sysroot is not None and t.sysroot.resolve() == sysroot.resolve()
    assert (t.cross, t.platform, t.version) == (True, "linux_aarch64", "312")


def test_pypy_cross_target_gets_pypys_abi_tag() -> None:
    t = cross_target(CrossConfig(implementation="pp", version="310", arch="linux_aarch64"),
                     native())
    assert str(t.tags(wheel_cfg())) == "pp310-pypy310_pp73-linux_aarch64"
    assert t.interpreter_id == "PyPy"


# ------------------------------------------------------------------ the architecture table


def elf_file(path: Path, machine: int, bits: int = 64, big: bool = False, flags: int = 0) -> Path:
    """A minimal ELF header: e_ident, e_type, e_machine, ..., e_flags where the class puts it."""
    order = "big" if big else "little"
    word = 4 if bits == 32 else 8
    head = (b"\x7fELF" + bytes([1 if bits == 32 else 2, 2 if big else 1, 1]) + bytes(9)
            + (3).to_bytes(2, order) + machine.to_bytes(2, order) + (1).to_bytes(4, order)
            + bytes(3 * word) + flags.to_bytes(4, order) + bytes(16))
    path.write_bytes(head)
    return path


def test_elf_header_reads_class_byte_order_and_flags(tmp_path: Path) -> None:
    assert elf.header(elf_file(tmp_path / "a", 40, 32, flags=0x5000400)) == (40, 32, False,
                                                                             0x5000400)
    assert elf.header(elf_file(tmp_path / "b", 22, 64, big=True, flags=7)) == (22, 64, True, 7)
    (tmp_path / "c").write_bytes(b"#!/bin/sh\n" * 8)
    assert elf.header(tmp_path / "c") is None


@pytest.mark.parametrize(("platform", "header", "refusal"), [
    ("linux_aarch64", (183, 64, False, 0), None),
    ("linux_armv7l", (40, 32, False, 0x5000400), None),
    ("linux_armv7l", (40, 32, False, 0x5000200),
     "an ELF binary for arm (32-bit, little-endian, soft-float), but the wheel is tagged "
     "linux_armv7l (expects arm (32-bit, little-endian, hard-float))"),
    ("linux_ppc64", (21, 64, False, 0),
     "an ELF binary for ppc64 (64-bit, little-endian), but the wheel is tagged linux_ppc64 "
     "(expects ppc64 (64-bit, big-endian))"),
    ("linux_ppc64le", (21, 64, False, 0), None),
    ("linux_i686", (62, 64, False, 0),
     "an ELF binary for x86_64 (64-bit, little-endian), but the wheel is tagged linux_i686 "
     "(expects x86 (32-bit, little-endian))"),
    ("manylinux_2_17_s390x", (22, 64, True, 0), None),
    ("linux_s390x", (22, 32, True, 0),
     "an ELF binary for s390 (32-bit, big-endian), but the wheel is tagged linux_s390x "
     "(expects s390 (64-bit, big-endian))"),
    ("linux_riscv64", (243, 64, False, 5), None),
])
def test_elf_check_compares_the_whole_header(tmp_path: Path, platform: str,
                                             header: tuple[int, int, bool, int],
                                             refusal: str | None) -> None:
    from crosswheel.errors import BuildError
    from crosswheel.wheel import Entry

    machine, bits, big, flags = header
    so = elf_file(tmp_path / "m.so", machine, bits, big, flags)
    t = replace(native(), os="linux", platform=platform, soabi=None, cross=True)
    entries = [Entry("pkg/m.so", source=so)]
    if refusal is None:
        elf.check_entries(entries, t)
    else:
        with pytest.raises(BuildError) as e:
            elf.check_entries(entries, t)
        assert str(e.value) == f"pkg/m.so: {refusal}"


@pytest.mark.parametrize(("arch", "message"), [
    ("linux_arm64", "cross.arch: 'linux_arm64': 'arm64' is not a wheel architecture; did you "
                    "mean linux_aarch64?"),
    ("linux_amd64", "cross.arch: 'linux_amd64': 'amd64' is not a wheel architecture; did you "
                    "mean linux_x86_64?"),
    ("musllinux_1_2_i386", "cross.arch: 'musllinux_1_2_i386': 'i386' is not a wheel "
                           "architecture; did you mean musllinux_1_2_i686?"),
    ("linux_ppc64el", "cross.arch: 'linux_ppc64el': 'ppc64el' is not a wheel architecture; "
                      "did you mean linux_ppc64le?"),
    ("manylinux2014_armhf", "cross.arch: 'manylinux2014_armhf': 'armhf' is not a wheel "
                            "architecture; did you mean manylinux2014_armv7l?"),
    ("linux_armv8l", "cross.arch: 'linux_armv8l': unknown architecture 'armv8l' (known: "
                     "aarch64, armv6l, armv7l, i686, loongarch64, mips64, ppc64, ppc64le, "
                     "riscv64, s390x, x86_64)"),
    ("aarch64", "cross.arch: 'aarch64' is not a Linux platform tag (expected linux_<arch>, "
                "manylinux_<x>_<y>_<arch> or musllinux_<x>_<y>_<arch>)"),
])
def test_arch_names_are_checked(arch: str, message: str) -> None:
    with pytest.raises(ConfigError) as e:
        cross_target(CrossConfig(arch=arch, os="linux"), native())
    assert str(e.value) == message


@pytest.mark.parametrize("platform", ["linux_x86_64", "linux_i686", "manylinux_2_28_aarch64",
                                      "musllinux_1_2_armv7l", "manylinux1_x86_64",
                                      "linux_armv6l", "linux_ppc64le", "linux_ppc64",
                                      "manylinux_2_31_s390x", "linux_riscv64",
                                      "manylinux_2_36_loongarch64"])
def test_known_linux_platform_tags_are_accepted(platform: str) -> None:
    assert cross_target(CrossConfig(arch=platform), native()).platform == platform


def test_every_row_is_consistent() -> None:
    from crosswheel import arch

    for a in arch.ARCHES:
        assert arch.for_platform(f"linux_{a.wheel}") is a
        assert arch.for_triple(a.triple) in (a, arch.for_platform("linux_armv7l"))
        assert "-linux-gnu" in a.multiarch
        assert (a.hard_float is not None) == (a.elf_machine == 40)
        assert a.zig and a.qemu and a.cmake_processor
    assert arch.for_triple("arm-linux-gnueabi") is None  # soft-float: no wheel tag names it
    assert arch.for_triple("i686-linux-gnu").multiarch == "i386-linux-gnu"
    assert arch.for_platform("linux_i686").qemu == "i386"


def test_toolchain_file_for_i686_uses_debians_multiarch_folder_and_qemu_i386(
        tmp_path: Path) -> None:
    import shutil

    from crosswheel import toolchain

    t = replace(cross_target(CrossConfig(triple="i686-linux-gnu"), native()), sysroot=tmp_path)
    text = toolchain.generate(t, cxx=True)
    assert "set(CMAKE_SYSTEM_PROCESSOR i686)" in text
    assert "set(CMAKE_LIBRARY_ARCHITECTURE i386-linux-gnu)" in text
    qemu = shutil.which("qemu-i386-static")
    assert qemu and f'set(CMAKE_CROSSCOMPILING_EMULATOR "{qemu};-L;{tmp_path}")' in text


@pytest.mark.parametrize(("cmakelists", "cxx"), [
    ("project(p LANGUAGES C)", False),
    ("project(p VERSION 1.0 LANGUAGES C DESCRIPTION x)", False),
    ("project(p C)", False),
    ("project(p)", True),
    ("project(p VERSION 1.0)", True),
    ("project(p LANGUAGES CXX)", True),
    ("project(p LANGUAGES C)\nenable_language(CXX)", True),
    ("# project(p CXX)\nproject(p LANGUAGES C)", False),
])
def test_uses_cxx(tmp_path: Path, cmakelists: str, cxx: bool) -> None:
    from crosswheel import toolchain

    (tmp_path / "CMakeLists.txt").write_text(f"cmake_minimum_required(VERSION 3.17)\n{cmakelists}\n")
    assert toolchain.uses_cxx(tmp_path) is cxx


def test_elf_check_of_an_unknown_native_arch_compares_with_the_interpreter(
        tmp_path: Path) -> None:
    from crosswheel.errors import BuildError
    from crosswheel.wheel import Entry

    own = elf.header(Path(sys.executable))
    assert own is not None
    t = replace(native(), os="linux", platform="linux_armv8l", executable=Path(sys.executable))
    same = elf_file(tmp_path / "same.so", own.machine, own.bits, own.big_endian)
    elf.check_entries([Entry("pkg/same.so", source=same)], t)
    other = elf_file(tmp_path / "other.so", 22, 64, big=True)
    with pytest.raises(BuildError, match=r"^pkg/other\.so: an ELF binary for s390 "):
        elf.check_entries([Entry("pkg/other.so", source=other)], t)
    with pytest.raises(BuildError, match="linux_armv8l, an architecture crosswheel does not"):
        elf.check_entries([Entry("pkg/other.so", source=other)], replace(t, cross=True))


def test_platform_tag_overrides_are_checked_like_cross_arch() -> None:
    with pytest.raises(ConfigError) as e:
        native().tags(wheel_cfg(platform_tag=["manylinux_2_28_amd64"]))
    assert str(e.value) == ("wheel.platform_tag: 'manylinux_2_28_amd64': 'amd64' is not a wheel "
                            "architecture; did you mean manylinux_2_28_x86_64?")
    assert native().tags(wheel_cfg(platform_tag=["win_amd64"])).platform == ["win_amd64"]


def test_version_must_match_the_sysroots_python(sysroot: Path) -> None:
    with pytest.raises(ConfigError) as e:
        cross_target(CrossConfig(sysroot=sysroot, version="311"), native())
    assert str(e.value) == f"cross.version: '311', but cross.sysroot {sysroot} holds Python 3.12"
    assert cross_target(CrossConfig(sysroot=sysroot, version="312"), native()).version == "312"


def test_sysroot_without_python_h_names_the_debian_package(sysroot: Path) -> None:
    (sysroot / "usr/include/python3.12/Python.h").unlink()
    with pytest.raises(ConfigError) as e:
        cross_target(CrossConfig(sysroot=sysroot), native())
    assert str(e.value) == (f"cross.sysroot: no Python.h for Python 3.12 in "
                            f"{sysroot}/usr/include/python3.12 (on Debian, unpack "
                            "libpython3.12-dev:arm64 into the sysroot)")


@pytest.mark.parametrize(("cross", "message"), [
    ({"triple": "s390x-linux-gnu"}, "cross.triple: 's390x-linux-gnu' compiles for s390x, but "
                                    "cross.sysroot {sysroot} holds a Python for aarch64-linux-gnu"),
    ({"arch": "linux_armv7l"}, "cross.arch: 'linux_armv7l' is armv7l, but cross.sysroot {sysroot} "
                               "holds a Python for aarch64-linux-gnu"),
])
def test_triple_arch_and_sysroot_must_agree(sysroot: Path, cross: dict[str, str],
                                            message: str) -> None:
    with pytest.raises(ConfigError) as e:
        cross_target(CrossConfig(sysroot=sysroot, **cross), native())  # type: ignore[arg-type]
    assert str(e.value) == message.format(sysroot=sysroot)
