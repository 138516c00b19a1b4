"""wheel.manylinux on aarch64 cross builds with Debian's cross gcc and the Debian 12 sysroot.

The tag is compared with binutils' readelf and with `auditwheel show` (which reads a foreign
architecture's wheel), and the wheel's module is imported under qemu.
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import crossutil
import manylinuxutil as m

ARCH = "aarch64"


def cross_file(project: Path, name: str, extra: str = "", arch: str = ARCH) -> Path:
    f = project / name
    f.write_text(f'triple = "{crossutil.target(arch).triple}"\n'
                 f'sysroot = "{crossutil.sysroot(arch)}"\n{extra}')
    return f


@pytest.mark.parametrize(("arch", "wheel_arch", "machine"), [
    ("aarch64", "aarch64", "aarch64"), ("armhf", "armv7l", "arm")])
def test_auto_tags_the_c_api_module_manylinux2014_and_it_imports(tmp_path, arch, wheel_arch,
                                                                  machine):
    project = m.make_project(tmp_path)
    cross = cross_file(project, "auto.toml", '[wheel]\nmanylinux = "auto"\n', arch)
    built = m.build(project, tmp_path / "dist", cross=cross)
    assert built.returncode == 0, built.output
    [whl] = built.wheels
    tags = m.platform_tags(whl)
    needed, versions = m.scan_wheel(whl, tmp_path / "unpacked")
    # 2.17 is the oldest level with data for these architectures (glibc's aarch64 port
    # starts there), and a plain C module needs nothing newer.
    assert m.newest_glibc(versions) <= (2, 17), versions
    assert needed <= {"libc.so.6"}, needed
    assert tags == [f"manylinux_2_17_{wheel_arch}", f"manylinux2014_{wheel_arch}"]
    assert m.wheel_tags(whl) == [f"cp311-cp311-{t}" for t in tags]
    assert m.auditwheel_overall_tag(whl) == tags[0]
    m.twine_check(whl)
    site = tmp_path / "site"
    with zipfile.ZipFile(whl) as zf:
        zf.extractall(site)
    res = crossutil.run_target_python(
        arch, "import c_api_example as c; print(c.add(2, 40), c.platform())", [site])
    assert res.stdout.split() == ["42", machine]


def test_getrandom_on_aarch64_auto_above_2_25_and_claims_checked(tmp_path):
    project = m.make_project(tmp_path, getrandom=True)
    auto = cross_file(project, "auto.toml", '[wheel]\nmanylinux = "auto"\n')
    built = m.build(project, tmp_path / "auto", cross=auto)
    assert built.returncode == 0, built.output
    [whl] = built.wheels
    _, versions = m.scan_wheel(whl, tmp_path / "unpacked")
    assert "GLIBC_2.25" in versions
    tags = m.platform_tags(whl)
    assert tags[0].endswith("_aarch64") and m.level(tags[0]) >= m.newest_glibc(versions)
    assert m.level(tags[0]) >= (2, 25)
    assert m.auditwheel_overall_tag(whl) == tags[0]
    m.twine_check(whl)

    # py-build-cmake users write the level into cross.arch: the claim is verified.
    out = tmp_path / "claimed"
    low = cross_file(project, "low.toml", "arch = 'manylinux_2_17_aarch64'\n")
    refused = m.build(project, out, cross=low)
    assert refused.returncode != 0 and "Traceback" not in refused.output
    assert "low.toml: cross.arch claims manylinux_2_17_aarch64" in refused.output
    line = next(x for x in refused.output.splitlines() if "GLIBC_2.25" in x)
    assert "c_api_example/_core.cpython-311-aarch64-linux-gnu.so" in line
    assert "getrandom" in line and "manylinux_2_17 allows up to GLIBC_2." in line
    assert not out.exists() or not any(out.iterdir())

    # A required level refuses the same way.
    strict = cross_file(project, "strict.toml", '[wheel]\nmanylinux = "manylinux_2_17"\n')
    refused = m.build(project, out, cross=strict)
    assert refused.returncode != 0 and "GLIBC_2.25 (getrandom)" in refused.output
    assert not out.exists() or not any(out.iterdir())

    # A claim the binaries meet is kept as written.
    high = cross_file(project, "high.toml", "arch = 'manylinux_2_28_aarch64'\n")
    ok = m.build(project, out, cross=high)
    assert ok.returncode == 0, ok.output
    [whl] = ok.wheels
    assert m.platform_tags(whl) == ["manylinux_2_28_aarch64"]
    m.twine_check(whl)


def test_the_elf_reader_agrees_with_readelf_on_64_and_32_bit_debian_binaries():
    from crosswheel import elfdeps

    files = []
    for arch in ("aarch64", "armhf"):  # ELF64 and ELF32 (both little-endian)
        dynload = crossutil.sysroot(arch) / "usr/lib/python3.11/lib-dynload"
        files += sorted(dynload.glob("_[bcs]*.so"))[:6]
    assert len(files) == 12
    for path in files:
        got = elfdeps.read(path)
        needed, versions = m.readelf_needs(path)
        strong, by_version = m.readelf_undefined(path)
        assert set(got.needed) == needed, path
        assert {v for _, v, _ in got.version_needs} == versions, path
        assert got.undefined == strong, path
        mine: dict[str, set[str]] = {}
        for _, version, syms in got.version_needs:
            if syms:
                mine.setdefault(version, set()).update(syms)
        assert mine == by_version, path
