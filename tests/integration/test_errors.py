"""Bad projects through a real frontend: one clear message, no traceback, no artefact."""

from __future__ import annotations

from pathlib import Path

from . import helpers as h

BROKEN_CMAKELISTS = """\
cmake_minimum_required(VERSION 3.17...4.4)
project(broken LANGUAGES NONE
install(FILES CMakeLists.txt DESTINATION share)
"""


def assert_failed_cleanly(res: h.Result, out: Path) -> None:
    assert res.returncode != 0, res.describe()
    assert "Traceback" not in res.output, res.describe()
    # Neither a wheel nor a half-written temporary file: the output folder is empty.
    assert h.listdir(out) == [], res.describe()


def test_misspelt_key(tmp_path: Path) -> None:
    project = h.write_project(tmp_path / "typo", '[tool.py-build-cmake.cmake]\n'
                                                 'biuld_type = "Release"\n')
    out = tmp_path / "dist"
    res = h.python_build(project, out, "--wheel", check=False)
    assert_failed_cleanly(res, out)
    assert "Did you mean 'build_type'" in res.output, res.describe()
    assert "biuld_type" in res.output
    assert not (project / ".py-build-cmake_cache").exists()


def test_misspelt_key_sdist(tmp_path: Path) -> None:
    """The sdist hook reads the same configuration and fails the same way."""
    project = h.write_project(tmp_path / "typo", '[tool.py-build-cmake.cmake]\n'
                                                 'biuld_type = "Release"\n')
    out = tmp_path / "dist"
    res = h.python_build(project, out, "--sdist", check=False)
    assert_failed_cleanly(res, out)
    assert "Did you mean 'build_type'" in res.output, res.describe()


def test_cmake_syntax_error(tmp_path: Path) -> None:
    project = h.write_project(tmp_path / "broken", '[tool.py-build-cmake.cmake]\n'
                                                   'minimum_version = "3.17"\n',
                              cmakelists=BROKEN_CMAKELISTS)
    out = tmp_path / "dist"
    res = h.python_build(project, out, "--wheel", check=False)
    assert_failed_cleanly(res, out)
    assert "CMake configure" in res.output, res.describe()
    assert "CMakeLists.txt" in res.output  # CMake's own message, passed through
