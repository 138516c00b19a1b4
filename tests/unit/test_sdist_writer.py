"""sdist.write: contents, PKG-INFO, ownership, dates, exclusions and reproducibility."""

from __future__ import annotations

import gzip
import os
import shutil
import tarfile
from pathlib import Path

import pytest

from crosswheel import config, metadata, sdist
from crosswheel.errors import ConfigError

from .util import write_project

TOOL = """\
[tool.crosswheel.cmake]
build_type = "Release"
[tool.crosswheel.sdist]
include = ["CMakeLists.txt", "src/**", "data/*"]
exclude = ["src/secret.cpp"]
"""
FILES = {
    "my_pkg/__init__.py": "__version__ = '1.0'\n",
    "my_pkg/sub/mod.py": "x = 1\n",
    "my_pkg/__pycache__/mod.cpython-311.pyc": "junk",
    "my_pkg/stale.pyc": "junk",
    "CMakeLists.txt": "project(x)\n",
    "src/core.cpp": "int f() { return 1; }\n",
    "src/secret.cpp": "no\n",
    "src/__pycache__/gen.txt": "cached\n",
    "data/a.txt": "a\n",
    "README.md": "# my-pkg\n",
    "LICENSE": "MIT\n",
    "not-included.txt": "n\n",
    ".git/config": "[core]\n",
    ".py-build-cmake_cache/cp311/CMakeCache.txt": "cache\n",
}
PROJECT = """\
[project]
name = "My.Pkg"
version = "1.0"
readme = "README.md"
license = "MIT"
license-files = ["LICENSE"]
"""


def make(root: Path, tool: str = TOOL, files: dict[str, str] | None = None) -> Path:
    return write_project(root, tool, files=FILES if files is None else files, project=PROJECT)


def build(root: Path, out: Path) -> Path:
    cfg = config.load(root)
    return sdist.write(out, cfg, metadata.load(cfg))


EXPECTED = [
    "my_pkg-1.0/CMakeLists.txt",
    "my_pkg-1.0/LICENSE",
    "my_pkg-1.0/PKG-INFO",
    "my_pkg-1.0/README.md",
    "my_pkg-1.0/data/a.txt",
    "my_pkg-1.0/my_pkg/__init__.py",
    "my_pkg-1.0/my_pkg/sub/mod.py",
    "my_pkg-1.0/pyproject.toml",
    "my_pkg-1.0/src/core.cpp",
]


def test_contents_names_and_order(tmp_path: Path) -> None:
    out = build(make(tmp_path / "proj"), tmp_path / "dist")
    assert out == tmp_path / "dist" / "my_pkg-1.0.tar.gz"
    with tarfile.open(out) as tar:
        assert tar.getnames() == EXPECTED
        assert all(m.isfile() for m in tar.getmembers())


def test_pax_format_ownership_modes_and_pkg_info(tmp_path: Path) -> None:
    root = make(tmp_path / "proj")
    (root / "data" / "a.txt").chmod(0o775)
    out = build(root, tmp_path / "dist")
    with tarfile.open(out) as tar:
        assert tar.format == tarfile.PAX_FORMAT
        for m in tar.getmembers():
            assert (m.uid, m.gid, m.uname, m.gname) == (0, 0, "", ""), m.name
            assert m.mtime == 315532800, m.name
        modes = {m.name: m.mode for m in tar.getmembers()}
        assert modes["my_pkg-1.0/data/a.txt"] == 0o755
        assert modes["my_pkg-1.0/README.md"] == 0o644
        pkg_info = tar.extractfile("my_pkg-1.0/PKG-INFO").read()  # type: ignore[union-attr]
        assert pkg_info == metadata.load(config.load(root)).metadata
        assert pkg_info.startswith(b"Metadata-Version: 2.4\nName: My.Pkg\nVersion: 1.0\n")
        assert tar.extractfile("my_pkg-1.0/src/core.cpp").read() == (  # type: ignore[union-attr]
            b"int f() { return 1; }\n")


def test_mtime_from_source_date_epoch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    out = build(make(tmp_path / "proj"), tmp_path / "dist")
    with tarfile.open(out) as tar:
        assert {m.mtime for m in tar.getmembers()} == {1700000000}
    with gzip.open(out) as gz:
        gz.read()
    assert out.read_bytes()[4:8] == b"\0\0\0\0"  # the gzip header's own timestamp is zero


def test_byte_identical_across_two_copies(tmp_path: Path) -> None:
    a = make(tmp_path / "a" / "proj")
    b = tmp_path / "elsewhere" / "deeper" / "proj"
    shutil.copytree(a, b)
    for i, path in enumerate(p for p in b.rglob("*") if p.is_file()):
        os.utime(path, (1_200_000_000 + i, 1_200_000_000 + 13 * i))
    one = build(a, tmp_path / "d1")
    two = build(b, tmp_path / "d2")
    assert one.name == two.name
    assert one.read_bytes() == two.read_bytes()


def test_never_ships_vcs_cache_or_bytecode_even_when_asked(tmp_path: Path) -> None:
    tool = '[tool.crosswheel.sdist]\ninclude = ["**/*"]\n'
    files = {**FILES, ".hg/store": "x", ".venv/bin/python": "x", ".tox/log": "x",
             ".crosswheel_cache/x": "x", "deep/.git/HEAD": "x", "keep/.gitignore": "x"}
    out = build(make(tmp_path / "proj", tool, files), tmp_path / "dist")
    with tarfile.open(out) as tar:
        names = [n.removeprefix("my_pkg-1.0/") for n in tar.getnames()]
    assert names == sorted(names)
    assert "keep/.gitignore" in names and "not-included.txt" in names
    assert "src/secret.cpp" in names  # no exclude in this configuration
    for name in names:
        parts = name.split("/")
        assert not {".git", ".hg", ".venv", ".tox", ".py-build-cmake_cache", ".crosswheel_cache",
                    "__pycache__"} & set(parts), name
        assert not name.endswith(".pyc"), name


def test_symlink_out_of_the_project_is_skipped_or_refused(tmp_path: Path) -> None:
    """Reached by a glob: skipped. Part of the module (which must go in whole): refused."""
    root = make(tmp_path / "proj")
    secret = tmp_path / "outside.txt"
    secret.write_text("private\n")
    (root / "data" / "link.txt").symlink_to(secret)
    (root / "my_pkg" / "outlink.py").symlink_to(secret)
    (root / "data" / "inlink.txt").symlink_to(root / "data" / "a.txt")
    with pytest.raises(ConfigError) as e:
        build(root, tmp_path / "dist")
    assert str(e.value).startswith(f"{root}/my_pkg/outlink.py: a symbolic link to {secret}, "
                                   f"outside the project folder {root}")
    assert not (tmp_path / "dist").exists()
    (root / "my_pkg" / "outlink.py").unlink()
    out = build(root, tmp_path / "dist")
    with tarfile.open(out) as tar:
        names = tar.getnames()
        assert "my_pkg-1.0/data/link.txt" not in names
        inlink = tar.getmember("my_pkg-1.0/data/inlink.txt")
        assert inlink.isfile()  # stored as the file it points to
        assert tar.extractfile(inlink).read() == b"a\n"  # type: ignore[union-attr]


@pytest.mark.parametrize("pattern", ["pyproject.toml", "*.toml", "LICENSE", "README.*"])
def test_excluding_an_essential_file_is_an_error(tmp_path: Path, pattern: str) -> None:
    tool = f'[tool.crosswheel.sdist]\nexclude = ["{pattern}"]\n'
    root = make(tmp_path / "proj", tool)
    with pytest.raises(ConfigError) as e:
        build(root, tmp_path / "dist")
    assert str(e.value).startswith(f"sdist.exclude: pattern {pattern!r} excludes ")
    assert str(e.value).endswith(", which every sdist needs")
    assert not (tmp_path / "dist").exists() or list((tmp_path / "dist").iterdir()) == []


@pytest.mark.parametrize(("key", "pattern"), [
    ("include", "../x"), ("include", "/abs"), ("include", "src/../../x"),
    ("exclude", "/etc/passwd"), ("include", "C:/x"), ("exclude", "\\\\server\\share"),
])
def test_patterns_must_stay_inside_the_project(tmp_path: Path, key: str, pattern: str) -> None:
    tool = f"[tool.crosswheel.sdist]\n{key} = ['{pattern}']\n"  # a TOML literal string
    root = make(tmp_path / "proj", tool)
    with pytest.raises(ConfigError) as e:
        build(root, tmp_path / "dist")
    assert str(e.value) == (f"{root / 'pyproject.toml'}: tool.crosswheel.sdist.{key}: pattern "
                            f"{pattern!r} must be relative to the project folder and stay inside "
                            "it")


def test_module_files_are_always_included(tmp_path: Path) -> None:
    out = build(make(tmp_path / "proj", "", {"my_pkg.py": "", "README.md": "r", "LICENSE": "l",
                                             "other.py": ""}), tmp_path / "dist")
    with tarfile.open(out) as tar:
        assert tar.getnames() == ["my_pkg-1.0/LICENSE", "my_pkg-1.0/PKG-INFO",
                                  "my_pkg-1.0/README.md", "my_pkg-1.0/my_pkg.py",
                                  "my_pkg-1.0/pyproject.toml"]


def test_output_folder_inside_the_project_is_never_packed(tmp_path: Path) -> None:
    tool = TOOL.replace('"data/*"', '"data/*", "**/*.tar.gz"')
    root = make(tmp_path / "proj", tool)
    first = build(root, root / "dist")
    second = build(root, root / "dist")  # the first sdist sits in dist/ now
    assert first == second
    with tarfile.open(second) as tar:
        assert not [n for n in tar.getnames() if n.endswith(".tar.gz")]


def test_explicitly_named_licence_symlinked_from_outside_is_refused(tmp_path: Path) -> None:
    """Issue 12: nothing from outside the project, not even a licence named explicitly (a
    monorepo's shared licence must be copied into the project)."""
    shared = tmp_path / "monorepo-LICENSE"
    shared.write_text("shared licence\n")
    files = {k: v for k, v in FILES.items() if k != "LICENSE"}
    root = make(tmp_path / "proj", files=files)
    (root / "LICENSE").symlink_to(shared)
    with pytest.raises(ConfigError) as e:
        build(root, tmp_path / "dist")
    assert str(e.value) == (f"{root / 'pyproject.toml'}: project.license-files: 'LICENSE' leads "
                            f"to {shared}, which is outside the project folder {root}; a wheel "
                            "or sdist may hold only files from inside the project")
    assert not (tmp_path / "dist").exists()
