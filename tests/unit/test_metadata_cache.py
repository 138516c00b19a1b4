"""The validated metadata kept in the build folder is reused only while its inputs are unchanged."""

from __future__ import annotations

from pathlib import Path

from crosswheel import config, metadata

from .util import write_project

PROJECT = """\
[project]
name = "pkg"
version = "1.0"
readme = "README.md"
license = "MIT"
license-files = ["LICENSES/*"]
"""


def load(root: Path) -> metadata.Project:
    return metadata.load(config.load(root))


def make(tmp_path: Path) -> Path:
    root = write_project(tmp_path, project=PROJECT, files={
        "pkg/__init__.py": "", "README.md": "# one\n", "LICENSES/MIT.txt": "MIT\n"})
    (root / ".py-build-cmake_cache").mkdir()  # a build folder exists: the cache is used
    return root


def test_cache_is_written_and_reused(tmp_path: Path, monkeypatch) -> None:
    root = make(tmp_path)
    first = load(root)
    assert (root / ".py-build-cmake_cache/crosswheel-metadata.json").is_file()
    # A hit does not validate again: pyproject-metadata is not even called.
    monkeypatch.setattr(metadata, "_validated", lambda *a: (_ for _ in ()).throw(AssertionError))
    again = load(root)
    assert again == first


def test_every_input_invalidates_it(tmp_path: Path) -> None:
    root = make(tmp_path)
    assert b"Version: 1.0" in load(root).metadata
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('version = "1.0"', 'version = "1.1"'))
    assert load(root).version == "1.1"
    (root / "README.md").write_text("# two\n")
    assert b"# two" in load(root).metadata
    (root / "LICENSES/Apache.txt").write_text("Apache\n")
    assert load(root).license_files == ["LICENSES/Apache.txt", "LICENSES/MIT.txt"]


def test_no_build_folder_no_cache(tmp_path: Path) -> None:
    root = write_project(tmp_path, project=PROJECT, files={
        "pkg/__init__.py": "", "README.md": "# one\n", "LICENSES/MIT.txt": "MIT\n"})
    load(root)
    assert not (root / ".py-build-cmake_cache").exists()


def test_a_clean_build_keeps_it_once_the_folder_exists(tmp_path: Path, monkeypatch) -> None:
    """A clean build reads the metadata before CMake makes the build folder; it keeps the result
    afterwards, so the next build does not validate again."""
    root = write_project(tmp_path, project=PROJECT, files={
        "pkg/__init__.py": "", "README.md": "# one\n", "LICENSES/MIT.txt": "MIT\n"})
    first = load(root)
    (root / ".py-build-cmake_cache").mkdir()  # what the build made
    metadata.remember(root, first)
    monkeypatch.setattr(metadata, "_validated", lambda *a: (_ for _ in ()).throw(AssertionError))
    assert load(root) == first
    # A project's own Project (not from a pyproject.toml) has nothing to remember.
    other = tmp_path / "other"
    (other / ".py-build-cmake_cache").mkdir(parents=True)
    metadata.remember(other, metadata.Project("x", "1", b"", "", [], None, first.module))
    assert list((other / ".py-build-cmake_cache").iterdir()) == []


def test_a_corrupt_cache_is_ignored(tmp_path: Path) -> None:
    root = make(tmp_path)
    (root / ".py-build-cmake_cache/crosswheel-metadata.json").write_text("{not json")
    assert load(root).version == "1.0"
