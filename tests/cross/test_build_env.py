"""The environment variables cibuildwheel and friends use to retarget a build (unit level)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from crosswheel.config import WheelConfig
from crosswheel.target import Target, apply_environment, native

WHEEL = WheelConfig(pure_python=False, python_tag=["auto"], python_abi="auto",
                    abi3_minimum_cpython_version=32, abi_tag=None, platform_tag=None,
                    build_tag=None)


def mac(platform: str = "macosx_10_9_x86_64") -> Target:
    return replace(native(), os="mac", platform=platform)


def windows() -> Target:
    return replace(native(), os="windows", platform="win_amd64", version="312", abi="cp312")


def test_python_host_platform_sets_the_platform_tag() -> None:
    t = apply_environment(native(), {"_PYTHON_HOST_PLATFORM": "linux-aarch64"})
    assert t.platform == "linux_aarch64"
    assert str(t.tags(WHEEL)) == "cp311-cp311-linux_aarch64"


def test_archflags_single_arch_retargets_macos_and_raises_the_minimum_for_arm64() -> None:
    t = apply_environment(mac(), {"ARCHFLAGS": "-arch arm64"})
    assert t.platform == "macosx_11_0_arm64"
    assert t.osx_architectures == "arm64"


def test_archflags_both_arches_make_universal2() -> None:
    t = apply_environment(mac("macosx_11_0_arm64"), {"ARCHFLAGS": "-arch x86_64 -arch arm64"})
    assert t.platform == "macosx_11_0_universal2"
    assert t.osx_architectures == "arm64;x86_64"


def test_archflags_x86_64_keeps_the_deployment_target() -> None:
    t = apply_environment(mac("macosx_10_13_universal2"), {"ARCHFLAGS": "-arch x86_64"})
    assert t.platform == "macosx_10_13_x86_64"


def test_archflags_ignored_off_macos() -> None:
    t = apply_environment(native(), {"ARCHFLAGS": "-arch arm64"})
    assert t.platform == native().platform and t.osx_architectures is None


def test_dist_extra_config_retargets_windows_to_arm64(tmp_path: Path) -> None:
    cfg = tmp_path / "extra.cfg"
    libs = tmp_path / "arm64 libs"
    cfg.write_text(f"[build_ext]\nplat_name=win-arm64\nlibrary_dirs={libs}\n")
    t = apply_environment(windows(), {"DIST_EXTRA_CONFIG": str(cfg)})
    assert t.platform == "win_arm64"
    assert t.generator_platform == "ARM64"
    assert t.library == libs / "python312.lib"
    assert t.sabi_library == libs / "python3.lib"
    assert str(t.tags(WHEEL)) == "cp312-cp312-win_arm64"


def test_dist_extra_config_ignored_off_windows(tmp_path: Path) -> None:
    cfg = tmp_path / "extra.cfg"
    cfg.write_text("[build_ext]\nplat_name=win-arm64\n")
    assert apply_environment(native(), {"DIST_EXTRA_CONFIG": str(cfg)}).platform == native().platform


def test_target_described_by_its_python_in_a_real_sysroot() -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import crossutil
    from crosswheel.config import CrossConfig
    from crosswheel.target import cross_target

    for arch, facts in crossutil.TARGETS.items():
        root = crossutil.sysroot(arch)
        t = cross_target(CrossConfig(python=root / f"usr/bin/python{facts.python}"), native())
        assert t.sysroot == root
        tag = facts.python_tag
        assert (t.implementation, t.version, t.abi) == ("cp", facts.version, tag)
        assert t.platform == facts.platform_tag and t.soabi == facts.soabi
        assert t.ext_suffix == f".{facts.soabi}.so"
        assert t.include_dir == root / f"usr/include/python{facts.python}"
        assert t.library is not None and t.library.name == f"libpython{facts.python}.so"
        assert t.elf_machine == facts.machine
        assert str(t.tags(WHEEL)) == f"{tag}-{tag}-{facts.platform_tag}"
