"""wheel.manylinux on native (x86_64) builds: the tag agrees with readelf and with auditwheel."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import manylinuxutil as m

PY = f"cp{sys.version_info[0]}{sys.version_info[1]}"


def test_auto_tags_the_c_api_example_as_readelf_and_auditwheel_say(tmp_path):
    project = m.make_project(tmp_path)
    built = m.build(project, tmp_path / "dist", "wheel.manylinux=auto")
    assert built.returncode == 0, built.output
    [whl] = built.wheels
    tags = m.platform_tags(whl)
    # The oldest level first (PEP 600), then its legacy alias where one exists.
    assert tags[0].startswith("manylinux_") and tags[0].endswith("_x86_64"), tags
    _, versions = m.scan_wheel(whl, tmp_path / "unpacked")
    assert m.level(tags[0]) >= m.newest_glibc(versions)
    assert m.auditwheel_overall_tag(whl) == tags[0]
    aliases = {"manylinux_2_5": "manylinux1", "manylinux_2_12": "manylinux2010",
               "manylinux_2_17": "manylinux2014"}
    alias = aliases.get(tags[0][: -len("_x86_64")])
    assert tags[1:] == ([f"{alias}_x86_64"] if alias else [])
    assert m.wheel_tags(whl) == [f"{PY}-{PY}-{t}" for t in tags]
    assert f"wheel.manylinux = 'auto': {'.'.join(tags)}" in built.output
    m.twine_check(whl)


def test_getrandom_is_glibc_2_25_auto_tags_above_it_and_a_2_17_level_refuses(tmp_path):
    project = m.make_project(tmp_path, getrandom=True)
    built = m.build(project, tmp_path / "auto", "wheel.manylinux=auto")
    assert built.returncode == 0, built.output
    [whl] = built.wheels
    _, versions = m.scan_wheel(whl, tmp_path / "unpacked")
    assert "GLIBC_2.25" in versions  # what the scan says the module needs
    tags = m.platform_tags(whl)
    assert m.level(tags[0]) >= (2, 25) and m.level(tags[0]) >= m.newest_glibc(versions)
    assert m.auditwheel_overall_tag(whl) == tags[0]
    m.twine_check(whl)

    out = tmp_path / "strict"
    refused = m.build(project, out, "wheel.manylinux=manylinux_2_17")
    assert refused.returncode != 0
    assert "Traceback" not in refused.output
    module = next(p for p in (tmp_path / "unpacked" / "c_api_example").iterdir()
                  if p.name.startswith("_core."))
    line = next(x for x in refused.output.splitlines() if "GLIBC_2.25" in x)
    assert f"c_api_example/{module.name}" in line and "getrandom" in line
    assert "manylinux_2_17" in line
    assert not out.exists() or not any(out.iterdir())  # nothing written

    # A claim made by the platform tag itself is checked in the same way.
    claimed = m.build(project, out, "wheel.platform_tag=manylinux2014_x86_64")
    assert claimed.returncode != 0
    assert "wheel.platform_tag claims manylinux2014_x86_64" in claimed.output
    assert "GLIBC_2.25" in claimed.output
    assert not out.exists() or not any(out.iterdir())


def test_a_library_outside_the_policy_keeps_linux_with_auto_and_refuses_a_level(tmp_path):
    project = m.make_project(tmp_path, helper=True)
    built = m.build(project, tmp_path / "auto", "wheel.manylinux=auto")
    assert built.returncode == 0, built.output
    [whl] = built.wheels
    needed, _ = m.scan_wheel(whl, tmp_path / "unpacked")
    assert "libcwhelper.so" in needed
    assert m.platform_tags(whl) == ["linux_x86_64"]
    [why] = [x for x in built.output.splitlines() if "keeping linux_x86_64" in x]
    assert "libcwhelper.so" in why
    assert m.auditwheel_overall_tag(whl) == "linux_x86_64"

    out = tmp_path / "strict"
    refused = m.build(project, out, "wheel.manylinux=manylinux_2_28")
    assert refused.returncode != 0 and "Traceback" not in refused.output
    assert "needs libcwhelper.so" in refused.output and "manylinux_2_28" in refused.output
    assert not out.exists() or not any(out.iterdir())


@pytest.mark.parametrize(("value", "expected"), [
    ("manylinux_2_17_x86_64", "wheel.manylinux: expected 'off', 'auto' or a level"),
    ("manylinux-2.17", "wheel.manylinux: expected 'off', 'auto' or a level"),
    ("yes", "wheel.manylinux: expected 'off', 'auto' or a level"),
])
def test_a_bad_level_is_one_config_error_naming_the_key(tmp_path, value, expected):
    project = m.make_project(tmp_path)
    (project / "crosswheel.local.toml").write_text(f'[wheel]\nmanylinux = "{value}"\n')
    out = tmp_path / "dist"
    built = m.build(project, out)
    assert built.returncode != 0
    assert "Traceback" not in built.output
    [line] = [x for x in built.output.splitlines() if "error" in x]
    assert "crosswheel.local.toml" in line and expected in line and repr(value) in line
    assert not (project / ".py-build-cmake_cache").exists()  # refused before building
    assert not out.exists() or not any(out.iterdir())


def test_a_level_the_policy_data_does_not_define_is_refused_naming_the_known_ones(tmp_path):
    project = m.make_project(tmp_path)
    out = tmp_path / "dist"
    built = m.build(project, out, "wheel.manylinux=manylinux_2_25")
    assert built.returncode != 0 and "Traceback" not in built.output
    assert "'manylinux_2_25' is not a level" in built.output
    assert "manylinux_2_24" in built.output and "manylinux_2_26" in built.output
    assert not out.exists() or not any(out.iterdir())


def test_a_module_built_for_x86_64_v3_stays_linux_as_auditwheel_says(tmp_path):
    project = m.make_project(tmp_path)
    built = m.build(project, tmp_path / "dist", "wheel.manylinux=auto",
                    "cmake.options.CMAKE_C_FLAGS=-march=x86-64-v3 -mneeded")
    assert built.returncode == 0, built.output
    [whl] = built.wheels
    assert m.platform_tags(whl) == ["linux_x86_64"]
    [why] = [x for x in built.output.splitlines() if "keeping linux_x86_64" in x]
    assert "x86-64-v3" in why
    assert m.auditwheel_overall_tag(whl) == "linux_x86_64"


def test_a_required_levels_tags_are_in_the_prepared_metadata_too(tmp_path):
    import zipfile

    from crosswheel import build
    from crosswheel.config import Settings

    project = m.make_project(tmp_path)
    settings = Settings.parse({"override": "wheel.manylinux=manylinux2014"})
    name = build.write_metadata(project, tmp_path / "meta", settings)
    prepared = (tmp_path / "meta" / name / "WHEEL").read_bytes()
    assert (f"Tag: {PY}-{PY}-manylinux_2_17_x86_64\nTag: {PY}-{PY}-manylinux2014_x86_64\n"
            .encode() in prepared)
    whl = build.build_wheel(project, tmp_path / "dist", settings)
    assert m.platform_tags(whl) == ["manylinux_2_17_x86_64", "manylinux2014_x86_64"]
    with zipfile.ZipFile(whl) as zf:
        assert zf.read(f"{name}/WHEEL") == prepared
    m.twine_check(whl)


def test_auditwheel_is_a_build_requirement_only_when_a_level_is_checked(tmp_path):
    from crosswheel import backend

    project = m.make_project(tmp_path)
    (project / "claims.toml").write_text("arch = 'manylinux_2_28_aarch64'\n")

    def requires(**settings: str) -> list[str]:
        old = Path.cwd()
        os.chdir(project)
        try:
            return backend.get_requires_for_build_wheel(settings)
        finally:
            os.chdir(old)

    assert not any(r.startswith("auditwheel") for r in requires())
    for settings in ({"override": "wheel.manylinux=auto"}, {"cross": "claims.toml"},
                     {"override": "wheel.platform_tag=manylinux2014_x86_64"}):
        assert [r for r in requires(**settings) if r.startswith("auditwheel")] == [
            "auditwheel>=6.4"], settings


def test_an_isolated_build_gets_auditwheel_itself(work: Path, isolated_env: dict[str, str]):
    from . import helpers as h

    project = m.make_project(work / "manylinux-isolated")
    out = work / "manylinux-isolated-dist"
    res = h.python_build(project, out, "--wheel", "-Coverride=wheel.manylinux=auto",
                         isolated=True, env=isolated_env)
    assert "auditwheel>=6.4" in res.output, res.describe()  # what crosswheel asked for
    [whl] = sorted(out.glob("*.whl"))
    tags = m.platform_tags(whl)
    assert tags[0].startswith("manylinux_") and tags[0].endswith("_x86_64"), tags
    assert m.auditwheel_overall_tag(whl) == tags[0]
