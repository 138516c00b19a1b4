"""Real build isolation: crosswheel comes from a wheel of this repository, not from src/."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from . import helpers as h
from .expected import EXAMPLES


@pytest.fixture
def fresh_venv(work: Path, uv_cache: Path):
    """A venv of its own, apart from the session's (which holds the --no-isolation wheels)."""
    return lambda name: h.Venv(work / f"venv-{name}", uv_cache)


def test_crosswheel_wheel(crosswheel_wheel: Path) -> None:
    names = h.wheel_names(crosswheel_wheel)
    assert "crosswheel/backend.py" in names
    assert not any(n.startswith(("tests/", "examples/")) for n in names)
    h.check_record(crosswheel_wheel)


def test_isolated_python_build(work: Path, isolated_env: dict[str, str], fresh_venv) -> None:
    ex = EXAMPLES["c-api"]
    project = h.copy_example("c-api", work / "isolated")
    out = work / "isolated-dist"
    res = h.python_build(project, out, "--wheel", isolated=True, env=isolated_env)
    # Isolated: the backend ran in an environment of its own, not in this interpreter (the
    # interpreter crosswheel hands to CMake is recorded in the build folder's cache).
    (cache,) = (project / ".py-build-cmake_cache").glob("*/CMakeCache.txt")
    (line,) = [ln for ln in cache.read_text().splitlines()
               if ln.startswith("PY_BUILD_CMAKE_BUILD_PYTHON_INTERPRETER:")]
    interpreter = line.split("=", 1)[1]
    assert not Path(interpreter).is_relative_to(sys.prefix), (interpreter, res.describe())
    assert h.listdir(out) == [ex.wheel]
    wheel = out / ex.wheel
    assert h.wheel_names(wheel) == ex.all_files
    h.check_record(wheel)
    venv = fresh_venv("isolated")
    venv.install(wheel)
    got = venv.probe(ex.probe)
    got.pop("where")
    assert got == ex.expected


@pytest.mark.parametrize("name", ["pure-python", "c-api"])
def test_uv_build(work: Path, isolated_env: dict[str, str], crosswheel_wheel: Path,
                  fresh_venv, name: str) -> None:
    ex = EXAMPLES[name]
    project = h.copy_example(name, work / f"uv-{name}")
    out = work / f"uv-{name}-dist"
    # Default uv build: the sdist, then the wheel from the unpacked sdist, each isolated.
    h.run([h.uv(), "build", "--python", sys.executable, "--find-links", crosswheel_wheel.parent,
           "--out-dir", out, project], cwd=project, env=isolated_env)
    # (uv also writes a .gitignore into its output folder)
    assert [f for f in h.listdir(out) if f != ".gitignore"] == sorted([ex.wheel, ex.sdist_name])
    assert h.wheel_names(out / ex.wheel) == ex.all_files
    assert h.sdist_names(out / ex.sdist_name) == ex.all_sdist
    h.check_record(out / ex.wheel)
    venv = fresh_venv(f"uv-{name}")
    venv.install(out / ex.wheel)
    got = venv.probe(ex.probe)
    got.pop("where")
    assert got == ex.expected


def test_pip_install_dot(work: Path, isolated_env: dict[str, str], fresh_venv) -> None:
    """`pip install .` (not editable, isolated build) of c-api into a venv."""
    ex = EXAMPLES["c-api"]
    project = h.copy_example("c-api", work / "pip-install")
    venv = fresh_venv("pip-install")
    h.run([sys.executable, "-m", "pip", "--python", venv.python, "install", "--no-deps",
           "--disable-pip-version-check", "."], cwd=project, env=isolated_env)
    got = venv.probe(ex.probe)
    assert Path(got.pop("where")) == venv.site_packages / "c_api_example"
    assert got == ex.expected
    # A real install, not a link to the project folder.
    dist_info = venv.site_packages / ex.dist_info
    assert (dist_info / "RECORD").is_file()
    direct_url = json.loads((dist_info / "direct_url.json").read_text())
    assert direct_url["dir_info"].get("editable", False) is False, direct_url
    assert not list(venv.site_packages.glob("*.pth"))
    assert (venv.site_packages / "c_api_example" / "__init__.py").is_file()
