"""Odd and hostile inputs: paths with spaces and non-ASCII characters, odd file names, symbolic
links out of the project, CMake installing outside the package."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from . import util as u

EPOCH_ENV = {"SOURCE_DATE_EPOCH": str(u.EPOCH)}


def unpack_sdist(sdist: Path, dest: Path) -> Path:
    """Extract with the 'data' filter, after checking no member would be rejected by it."""
    with tarfile.open(sdist, "r:gz") as tf:
        members = tf.getmembers()
        for m in members:
            tarfile.data_filter(m, str(dest))  # raises FilterError for a rejected member
            assert m.isfile(), f"{m.name}: not a regular file (type {m.type!r})"
            assert (m.uid, m.gid, m.uname, m.gname) == (0, 0, "", ""), m.name
            assert m.mode in (0o644, 0o755), (m.name, oct(m.mode))
        tf.extractall(dest, filter="data")
    top = dest / sdist.name[: -len(".tar.gz")]
    assert top.is_dir()
    return top


def run_from(site: Path, code: str) -> str:
    """Run `code` with `site` (an unpacked wheel) first on the path, from another folder."""
    cwd = site.parent / f"{site.name}-cwd"
    cwd.mkdir(exist_ok=True)
    env = u.env(PYTHONPATH=str(site))
    res = subprocess.run([sys.executable, "-s", "-c", code], cwd=cwd, env=env,
                         capture_output=True, text=True, check=False)
    assert res.returncode == 0, res.stderr
    return res.stdout.strip()


def unzip(wheel: Path, dest: Path) -> Path:
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(dest)
    return dest


# --------------------------------------------------------------------------- odd paths


def test_project_in_a_folder_with_spaces_and_non_ascii(tmp_path: Path) -> None:
    """c-api in "my proj ü/c api ü": wheel and sdist build, the wheel imports, and its sdist,
    unpacked under another such name, gives the same wheel byte for byte."""
    project = u.copy_example("c-api", tmp_path / "my proj ü" / "c api ü").resolve()
    before = u.snapshot(project)
    out = tmp_path / "dist ü"
    u.build(project, out, "--sdist", "--wheel", extra_env=EPOCH_ENV)
    wheel = out / "c_api_example-1.2.3-cp311-cp311-linux_x86_64.whl"
    sdist = out / "c_api_example-1.2.3.tar.gz"
    u.check_output_folder(out, [wheel.name, sdist.name])
    site = unzip(wheel, tmp_path / "site ü x")
    assert run_from(site, "import c_api_example as m; print(m.add(20, 22))") == "42"

    top = unpack_sdist(sdist, tmp_path / "unpacked ü x")
    out2 = tmp_path / "dist from sdist ü"
    u.build(top, out2, "--wheel", extra_env=EPOCH_ENV)
    assert (out2 / wheel.name).read_bytes() == wheel.read_bytes()
    assert u.snapshot(project) == before


ODD_FILES = {  # in the package, so both in the wheel and in the sdist
    "rel_pkg/data dir/naïve café.txt": "accents\n",
    'rel_pkg/a,b "quoted".txt': "comma and quotes: RECORD is CSV\n",
    "rel_pkg/日本語.txt": "CJK\n",
    "rel_pkg/-leading-dash.txt": "dash\n",
    "rel_pkg/empty.txt": "",
    "rel_pkg/" + "deep/" * 20 + "long-name-" * 8 + ".txt": "over ustar's 100 characters\n",
}


def test_odd_file_names_in_wheel_and_sdist(tmp_path: Path) -> None:
    project = u.write_project(tmp_path / "project", u.CMAKE_TOOL + '[tool.crosswheel.sdist]\n'
                              'include = ["CMakeLists.txt", "data.txt", "odd/*"]\n',
                              files=ODD_FILES).resolve()
    script = project / "rel_pkg" / "run.sh"
    script.write_text("#!/bin/sh\necho run\n")
    script.chmod(0o755)
    # Not UTF-8: no wheel may hold it, but an sdist can (PAX hdrcharset=BINARY) and it
    # round-trips.
    (project / "odd").mkdir()
    bad_name = os.fsdecode(b"odd/bytes-\xff-name.txt")
    (project / bad_name).write_bytes(b"latin-1 name\n")
    out = tmp_path / "dist"
    u.build(project, out, "--sdist", "--wheel", extra_env=EPOCH_ENV)
    wheel = out / "rel_pkg-1.0.0-cp311-cp311-linux_x86_64.whl"
    sdist = out / "rel_pkg-1.0.0.tar.gz"
    u.check_output_folder(out, [wheel.name, sdist.name])  # RECORD rows read as CSV, hashed
    names = u.wheel_names(wheel)
    for rel in ODD_FILES:
        assert rel in names
    with zipfile.ZipFile(wheel) as zf:
        assert zf.getinfo("rel_pkg/run.sh").external_attr >> 16 == 0o100755

    top = unpack_sdist(sdist, tmp_path / "unpacked")
    for rel, text in ODD_FILES.items():
        assert (top / rel).read_text() == text
    assert os.access(top / "rel_pkg" / "run.sh", os.X_OK)
    assert (top / bad_name).read_bytes() == b"latin-1 name\n"
    out2 = tmp_path / "dist2"
    u.build(top, out2, "--wheel", extra_env=EPOCH_ENV)
    assert (out2 / wheel.name).read_bytes() == wheel.read_bytes()


# --------------------------------------------------------------------------- the sdist's reach


def test_sdist_globs_stay_in_the_project(tmp_path: Path) -> None:
    """Links out of the project are not followed by glob patterns; VCS folders and the build
    cache are never packed, even by '**'; the sdist unpacks with the 'data' filter."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("TOP SECRET\n")
    project = u.write_project(tmp_path / "project", u.CMAKE_TOOL + '[tool.crosswheel.sdist]\n'
                              'include = ["**", "extra/*", "extra/**/*", "**/*.txt"]\n',
                              files={"extra/real.txt": "real\n"}).resolve()
    extra = project / "extra"
    (extra / "leak.txt").symlink_to(outside / "secret.txt")
    (extra / "relative-leak.txt").symlink_to("../../outside/secret.txt")
    (extra / "outside-dir").symlink_to(outside, target_is_directory=True)
    (extra / "inside.txt").symlink_to("../data.txt")
    (extra / "loop.txt").symlink_to("loop.txt")
    (extra / "dangling.txt").symlink_to("nowhere.txt")
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    (project / "__pycache__").mkdir()
    (project / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"\0")
    u.build(project, tmp_path / "wheel", "--wheel")  # makes .py-build-cmake_cache
    assert (project / u.CACHE).is_dir() and (project / ".git" / "HEAD").is_file()
    before = u.snapshot(project)

    out = tmp_path / "dist"
    u.build(project, out, "--sdist")
    sdist = u.only(out, "*.tar.gz")
    top = unpack_sdist(sdist, tmp_path / "unpacked")
    names = sorted(p.relative_to(top).as_posix() for p in top.rglob("*") if p.is_file())
    assert names == ["CMakeLists.txt", "LICENSE", "PKG-INFO", "data.txt", "extra/inside.txt",
                     "extra/real.txt", "pyproject.toml", "rel_pkg/__init__.py"]
    assert (top / "extra" / "inside.txt").read_text() == "some data\n"  # its content, no link
    with tarfile.open(sdist) as tf:
        for m in tf.getmembers():
            f = tf.extractfile(m)
            assert f is not None and b"TOP SECRET" not in f.read(), m.name
    assert u.snapshot(project) == before


# --------------------------------------------------------------------------- the staged files

INSTALLS = {
    "file-outside-the-package": (
        "install(FILES data.txt DESTINATION bin)",
        r"bin/data.txt: installed outside the package 'rel_pkg'; it would land loose in "
        r"site-packages"),
    "file-at-the-top-level": (
        "install(FILES data.txt DESTINATION .)",
        r"data.txt: installed outside the package 'rel_pkg'"),
    "link-to-etc-passwd": (
        r'install(CODE "file(CREATE_LINK /etc/passwd \${CMAKE_INSTALL_PREFIX}/rel_pkg/passwd '
        r'SYMBOLIC)")',
        r"rel_pkg/passwd: a symbolic link in the staged files pointing out of the staging "
        r"folder \(to /etc/passwd\)"),
    "relative-link-out": (
        r'install(CODE "file(CREATE_LINK ../../../../../../../../../../../../etc/passwd '
        r'\${CMAKE_INSTALL_PREFIX}/rel_pkg/passwd SYMBOLIC)")',
        r"rel_pkg/passwd: a symbolic link .* \(to /etc/passwd\)"),
    "folder-link-out": (
        r'install(CODE "file(CREATE_LINK /etc \${CMAKE_INSTALL_PREFIX}/rel_pkg/etc SYMBOLIC)")',
        r"rel_pkg/etc: a symbolic link to a folder in the staged files \(to /etc\)"),
    "folder-link-inside": (
        r'install(CODE "file(MAKE_DIRECTORY \${CMAKE_INSTALL_PREFIX}/rel_pkg/real)\n'
        r'file(CREATE_LINK real \${CMAKE_INSTALL_PREFIX}/rel_pkg/alias SYMBOLIC)")',
        r"rel_pkg/alias: a symbolic link to a folder in the staged files"),
    "link-loop": (
        r'install(CODE "file(CREATE_LINK loop \${CMAKE_INSTALL_PREFIX}/rel_pkg/loop SYMBOLIC)")',
        r"rel_pkg/loop: a symbolic link in the staged files that leads to itself"),
    "dangling-link": (
        r'install(CODE "file(CREATE_LINK nowhere \${CMAKE_INSTALL_PREFIX}/rel_pkg/gone '
        r'SYMBOLIC)")',
        r"rel_pkg/gone: a broken symbolic link in the staged files"),
    "dist-info": (
        "install(FILES data.txt DESTINATION rel_pkg-1.0.0.dist-info)",
        r"rel_pkg-1.0.0.dist-info/data.txt: the build installed into a .dist-info folder"),
    "foreign-data-folder": (
        "install(FILES data.txt DESTINATION other-2.0.data/scripts)",
        r"other-2.0.data/scripts/data.txt: CMake installed into other-2.0.data/, but this "
        r"wheel's data folder is rel_pkg-1.0.0.data/"),
    "data-folder-without-a-scheme": (
        "install(FILES data.txt DESTINATION rel_pkg-1.0.0.data/bin)",
        r"rel_pkg-1.0.0.data/bin/data.txt: files under rel_pkg-1.0.0.data/ must be in one of"),
    "name-not-utf8": (
        r'install(FILES data.txt DESTINATION rel_pkg RENAME "bytes-' + "\udcff" + '.txt")',
        r"'rel_pkg/bytes-\\udcff\.txt': a file name that is not valid UTF-8"),
}


@pytest.mark.parametrize("case", list(INSTALLS))
def test_refused_staged_files(tmp_path: Path, case: str) -> None:
    line, message = INSTALLS[case]
    cmakelists = u.DATA_CMAKELISTS + line + "\n"
    project = u.write_project(tmp_path / "project", u.CMAKE_TOOL, cmakelists=None).resolve()
    (project / "CMakeLists.txt").write_bytes(os.fsencode(cmakelists))
    before = u.snapshot(project)
    out = tmp_path / "dist"
    res = u.build(project, out, "--wheel", check=False)
    assert res.returncode != 0, res.describe()
    assert "Traceback" not in res.output, res.describe()
    assert re.search("crosswheel: error: " + message, res.output), res.describe()
    u.check_output_folder(out)
    assert u.snapshot(project) == before
