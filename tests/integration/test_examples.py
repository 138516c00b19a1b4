"""Every example built for real with `python -m build` and `pip wheel`, checked, installed and run."""

from __future__ import annotations

import configparser
import os
import sys
import tarfile
from pathlib import Path

import pytest
from packaging.utils import canonicalize_name

from . import helpers as h
from .conftest import build_dirs
from .expected import NAMES

pytestmark = pytest.mark.parametrize("name", NAMES)


def test_artefact_names(builds, name: str) -> None:
    b = builds(name)
    ex = b.ex
    res = b.direct
    # Exactly the two artefacts: nothing half-written or left over beside them.
    assert h.listdir(b.root / "dist") == sorted([ex.wheel, ex.sdist_name])
    assert res.returncode == 0, res.describe()


def test_wheel_file_list(builds, name: str) -> None:
    b = builds(name)
    assert h.wheel_names(b.wheel) == b.ex.all_files


def test_wheel_record(builds, name: str) -> None:
    h.check_record(builds(name).wheel)


def test_wheel_file_modes(builds, name: str) -> None:
    b = builds(name)
    for arcname, mode in h.wheel_modes(b.wheel).items():
        assert mode & 0o170000 == 0o100000, f"{arcname}: not a regular file ({oct(mode)})"
        perms = mode & 0o7777
        if arcname in b.ex.executables:
            assert perms == 0o755, f"{arcname}: {oct(perms)}"
        elif arcname.endswith(".so"):
            # CMake installs shared modules 0644 on Debian (CMAKE_INSTALL_SO_NO_EXE) and 0755
            # elsewhere; the wheel keeps the owner's execute bit, normalised.
            assert perms in (0o644, 0o755), f"{arcname}: {oct(perms)}"
        else:
            assert perms == 0o644, f"{arcname}: {oct(perms)}"


def test_wheel_metadata(builds, name: str) -> None:
    b = builds(name)
    ex = b.ex
    info = ex.dist_info

    wheel = h.parse_headers(h.wheel_read(b.wheel, f"{info}/WHEEL"))
    assert wheel["Wheel-Version"] == "1.0"
    assert wheel["Root-Is-Purelib"] == ("true" if ex.pure else "false")
    assert wheel.get_all("Tag") == [ex.tag]

    meta = h.parse_headers(h.wheel_read(b.wheel, f"{info}/METADATA"))
    assert meta["Metadata-Version"] == "2.4"
    assert canonicalize_name(meta["Name"]) == canonicalize_name(ex.name)
    assert meta["Version"] == ex.version
    assert meta["Summary"] == ex.summary
    assert meta["License-Expression"] == "MIT"
    assert meta.get_all("License-File") == ["LICENSE"]
    assert meta["Requires-Python"] == (">=3.9" if name == "nanobind-project" else ">=3.8")
    assert meta.get_content_type() == "text/plain"  # the README is the body, not a MIME part
    assert meta.get_payload().startswith("# ")  # README.md as the long description
    assert meta["Description-Content-Type"] == "text/markdown"

    # Compared as INI data: "name=value" (README) and "name = value" are the same entry point.
    assert parse_ini(h.wheel_read(b.wheel, f"{info}/entry_points.txt").decode()) == \
        parse_ini(ex.entry_points)
    license_text = (h.EXAMPLES / name / "LICENSE").read_bytes()
    assert h.wheel_read(b.wheel, f"{info}/licenses/LICENSE") == license_text


def parse_ini(text: str) -> dict[str, dict[str, str]]:
    cp = configparser.ConfigParser(delimiters=("=",), interpolation=None)
    cp.optionxform = str  # type: ignore[assignment,method-assign]
    cp.read_string(text)
    return {s: dict(cp[s]) for s in cp.sections()}


def test_sdist(builds, name: str) -> None:
    b = builds(name)
    ex = b.ex
    assert h.sdist_names(b.sdist) == ex.all_sdist
    prefix = ex.sdist_name[: -len(".tar.gz")]
    for m in h.sdist_members(b.sdist):
        assert m.type == tarfile.REGTYPE, f"{m.name}: type {m.type!r}"
        assert (m.uid, m.gid, m.uname, m.gname) == (0, 0, "", ""), m.name
        assert m.mode == 0o644, f"{m.name}: {oct(m.mode)}"
        rel = m.name[len(prefix) + 1:]
        if rel != "PKG-INFO":  # every other member is the project's file, byte for byte
            assert h.sdist_read(b.sdist, rel) == (h.EXAMPLES / name / rel).read_bytes(), rel
    pkg_info = h.sdist_read(b.sdist, "PKG-INFO")
    assert pkg_info == h.wheel_read(b.wheel, f"{ex.dist_info}/METADATA")


def test_twine_check(builds, name: str) -> None:
    b = builds(name)
    res = h.run([sys.executable, "-m", "twine", "check", "--strict", b.wheel, b.sdist])
    assert res.stdout.count("PASSED") == 2, res.describe()


def test_check_wheel_contents(builds, name: str) -> None:
    b = builds(name)
    # No check needs ignoring: even scripts-data's .data folder and generated-module's
    # top-level extension module pass every default check.
    res = h.run([sys.executable, "-m", "check_wheel_contents", b.wheel], check=False)
    assert res.returncode == 0 and res.stdout.strip().endswith(": OK"), res.describe()


def test_pip_wheel_matches(builds, name: str) -> None:
    """pip's wheel of the same (already built) copy: same name and, file for file, same bytes."""
    b = builds(name)
    assert b.pip_wheel.name == b.ex.wheel
    h.check_record(b.pip_wheel)
    assert h.read_record(b.pip_wheel) == h.read_record(b.wheel)


def test_wheel_from_sdist(builds, name: str) -> None:
    b = builds(name)
    assert b.wheel_from_sdist.name == b.ex.wheel
    assert h.wheel_names(b.wheel_from_sdist) == h.wheel_names(b.wheel)
    h.check_record(b.wheel_from_sdist)
    # The Python files and metadata come from the sdist unchanged.
    direct = {r[0]: r[1] for r in h.read_record(b.wheel)}
    again = {r[0]: r[1] for r in h.read_record(b.wheel_from_sdist)}
    for arcname in direct:
        if not arcname.endswith((".so", "hello-cw", "RECORD")):
            assert again[arcname] == direct[arcname], arcname


def test_second_build_is_incremental(builds, name: str) -> None:
    b = builds(name)
    ex = b.ex
    cache = b.project / ".py-build-cmake_cache"
    if not ex.cmake_projects:
        assert b.direct
        assert not cache.exists(), "a pure-Python build made a CMake build folder"
        return
    dirs = build_dirs(b.project, ex)
    res, before, after = b.rebuild
    assert sorted(p.name for p in cache.iterdir() if p.is_dir()) == sorted(d.name for d in dirs)
    # Besides the build folders, only the validated metadata kept for the next build.
    assert sorted(p.name for p in cache.iterdir() if not p.is_dir()) == [
        "crosswheel-metadata.json"]
    for d in dirs:
        assert (d / "CMakeCache.txt").is_file(), d
    assert res.output.count("configuration unchanged") == ex.cmake_projects, res.describe()
    assert "Configuring done" not in res.output, res.describe()
    binaries = [p for p in before if p.endswith(".so") or p.endswith("hello-cw")]
    assert binaries, f"no built module found in {dirs}: {sorted(before)}"
    assert after == before, "the second build rebuilt something"
    # ... and it still packages the same files.
    assert h.wheel_names(h.only(b.root / "dist-again", "*.whl")) == ex.all_files


def test_installed_module_works(builds, venv: h.Venv, name: str) -> None:
    b = builds(name)
    venv.install(b.wheel)
    got = venv.probe(b.ex.probe)
    where = Path(got.pop("where"))
    assert where.is_relative_to(venv.site_packages), f"imported from {where}, not the venv"
    if name == "namespace-package":
        assert got.pop("ns_path") == [str(venv.site_packages / "nspkg")]
        assert not (venv.site_packages / "nspkg" / "__init__.py").exists()
    if name == "scripts-data":
        check_scripts_data(venv, got)
    assert got == b.ex.expected


def check_scripts_data(venv: h.Venv, got: dict) -> None:
    v = f"python{sys.version_info[0]}.{sys.version_info[1]}"
    hello = venv.path / "bin" / "hello-cw"
    assert got.pop("hello_path") == str(hello)
    assert os.access(hello, os.X_OK)
    assert venv.run([hello]).stdout == "Hello from hello-cw!\n"
    greeting = venv.path / "share" / "scripts-data-example" / "greeting.txt"
    assert got.pop("greeting_path") == str(greeting)
    assert greeting.read_text() == "greetings from the scripts-data example\n"
    header = venv.path / "include" / "site" / v / "scripts-data-example" / "scripts_data_example.h"
    assert header.read_text() == (h.EXAMPLES / "scripts-data" / "include" /
                                  "scripts_data_example.h").read_text()
