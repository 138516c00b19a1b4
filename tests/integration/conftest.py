"""Session fixtures: each example is copied and built once per frontend, lazily, then reused."""

from __future__ import annotations

import os
import shutil
import sys
from functools import cached_property
from pathlib import Path

import pytest

from . import helpers as h
from .expected import EXAMPLES, Example


def build_dirs(project: Path, ex: Example) -> list[Path]:
    """crosswheel's persistent build folders: cmake.0 -> <tags>, cmake.N -> <tags>-N.

    As in py-build-cmake, a build folder is named after the wheel's tags (py3-none-<plat> for
    scripts-data).
    """
    cache = project / ".py-build-cmake_cache"
    return [cache / (ex.tag + (f"-{i}" if i else "")) for i in range(ex.cmake_projects)]


def build_products(project: Path, ex: Example) -> dict[str, int]:
    """mtime (ns) of every object file, library and executable in the build folders."""
    out = {}
    for d in build_dirs(project, ex):
        for p in d.rglob("*"):
            rel = p.relative_to(d)
            if not p.is_file() or p.is_symlink() or rel.parts[0] == "crosswheel-staging":
                continue
            if rel.parts[0] == "CMakeFiles" and p.suffix != ".o":  # compiler checks etc.
                continue
            if p.suffix in (".so", ".o", ".a") or (not p.suffix and os.access(p, os.X_OK)):
                out[str(p.relative_to(project))] = p.stat().st_mtime_ns
    return out


class ExampleBuild:
    """One example copied to a temporary folder; every build of it is made at most once."""

    def __init__(self, ex: Example, root: Path) -> None:
        self.ex = ex
        self.root = root
        root.mkdir(parents=True)
        self.project = h.copy_example(ex.folder, root / "copy")

    # python -m build --sdist --wheel --no-isolation: both straight from the copy
    @cached_property
    def direct(self) -> h.Result:
        return h.python_build(self.project, self.root / "dist", "--sdist", "--wheel")

    @property
    def wheel(self) -> Path:
        assert self.direct
        return h.only(self.root / "dist", "*.whl")

    @property
    def sdist(self) -> Path:
        assert self.direct
        return h.only(self.root / "dist", "*.tar.gz")

    # the same copy built again: must reuse the build folders
    @cached_property
    def rebuild(self) -> tuple[h.Result, dict[str, int], dict[str, int]]:
        assert self.direct
        before = build_products(self.project, self.ex)
        res = h.python_build(self.project, self.root / "dist-again", "--wheel")
        return res, before, build_products(self.project, self.ex)

    # pip wheel --no-build-isolation --no-deps (pip builds local folders in place)
    @cached_property
    def pip_wheel(self) -> Path:
        assert self.direct  # same copy: this build is incremental too
        h.pip_wheel(self.project, self.root / "dist-pip")
        return h.only(self.root / "dist-pip", "*.whl")

    # the sdist unpacked with the 'data' filter and built into a wheel
    @cached_property
    def wheel_from_sdist(self) -> Path:
        top = h.unpack_sdist(self.sdist, self.root / "unpacked")
        h.python_build(top, self.root / "dist-from-sdist", "--wheel")
        return h.only(self.root / "dist-from-sdist", "*.whl")


@pytest.fixture(scope="session")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("integration")


@pytest.fixture(scope="session")
def builds(work: Path):
    cache: dict[str, ExampleBuild] = {}

    def get(name: str) -> ExampleBuild:
        if name not in cache:
            cache[name] = ExampleBuild(EXAMPLES[name], work / "examples" / name)
        return cache[name]

    return get


@pytest.fixture(scope="session")
def uv_cache(work: Path) -> Path:
    """A private uv cache: nothing cached from an earlier run (e.g. an older crosswheel wheel)."""
    return work / "uv-cache"


@pytest.fixture(scope="session")
def venv(work: Path, uv_cache: Path) -> h.Venv:
    """One virtual environment for the session; each example's wheel is installed into it."""
    return h.Venv(work / "venv", uv_cache)


@pytest.fixture(scope="session")
def crosswheel_wheel(work: Path) -> Path:
    """crosswheel itself as a wheel (built in isolation from a copy of the repository)."""
    src = work / "crosswheel-src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(h.REPO / name, src / name)
    shutil.copytree(h.SRC, src / "src", ignore=shutil.ignore_patterns("__pycache__"))
    out = work / "crosswheel-wheel"
    h.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--wheel-dir", out, src],
          env=h.env_without_source_tree())
    return h.only(out, "crosswheel-*-py3-none-any.whl")


@pytest.fixture(scope="session")
def isolated_env(crosswheel_wheel: Path, uv_cache: Path) -> dict[str, str]:
    """Environment for isolated builds: crosswheel comes from our wheel, the rest from PyPI."""
    links = " ".join(filter(None, [str(crosswheel_wheel.parent),
                                   os.environ.get("PIP_FIND_LINKS", "")]))
    return h.env_without_source_tree(PIP_FIND_LINKS=links, UV_CACHE_DIR=str(uv_cache),
                                     UV_NO_CONFIG="1")
