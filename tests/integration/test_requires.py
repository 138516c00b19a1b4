"""get_requires_for_build_wheel asks for cmake/ninja from PyPI only when the machine lacks them."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from . import helpers as h

HOOK = ("import json, crosswheel.backend as b; "
        "print(json.dumps(b.get_requires_for_build_wheel()))")


def requires(project: Path, path: str | None = None) -> list[str]:
    """Run the hook in a fresh interpreter (crosswheel from src/ via PYTHONPATH) in `project`."""
    env = dict(os.environ)
    if path is not None:
        env["PATH"] = path
    res = h.run([sys.executable, "-c", HOOK], cwd=project, env=env)
    return json.loads(res.stdout.strip().splitlines()[-1])


def project(tmp_path: Path, **cmake: str) -> Path:
    table = "[tool.py-build-cmake.cmake]\n" + "".join(f'{k} = "{v}"\n' for k, v in cmake.items())
    return h.write_project(tmp_path / "p", table)


def test_cmake_on_path_is_enough(tmp_path: Path) -> None:
    assert shutil.which("cmake")
    assert requires(project(tmp_path, minimum_version="3.15")) == []


def test_ninja_on_path_is_enough(tmp_path: Path) -> None:
    assert shutil.which("ninja")
    assert requires(project(tmp_path, minimum_version="3.15", generator="Ninja")) == []


def test_too_old_cmake_asks_for_a_newer_one(tmp_path: Path) -> None:
    assert requires(project(tmp_path, minimum_version="99.0")) == ["cmake>=99.0"]


def test_missing_ninja_is_asked_for(tmp_path: Path) -> None:
    bindir = tmp_path / "bin"
    bindir.mkdir()
    (bindir / "cmake").symlink_to(h.real_cmake(tmp_path))
    path = str(bindir)
    assert shutil.which("ninja", path=path) is None
    assert shutil.which("cmake", path=path) is not None
    # cmake is found (and is new enough), so ninja is the only thing asked for.
    assert requires(project(tmp_path, minimum_version="3.15", generator="Ninja"), path) == \
        ["ninja"]


def test_no_cmake_table_needs_nothing(tmp_path: Path) -> None:
    project = h.copy_example("pure-python", tmp_path)
    assert requires(project, path=str(tmp_path / "empty-bin")) == []


@pytest.mark.parametrize("generator", ["Ninja Multi-Config"])
def test_missing_ninja_multi_config(tmp_path: Path, generator: str) -> None:
    bindir = tmp_path / "bin"
    bindir.mkdir()
    (bindir / "cmake").symlink_to(h.real_cmake(tmp_path))
    assert requires(project(tmp_path, minimum_version="3.17", generator=generator),
                    str(bindir)) == ["ninja"]
