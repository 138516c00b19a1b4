"""The staging folder kept between builds, members reused from the last wheel, and what CMake's
install manifests say: files that vanish, installs outside the staging folder, installs of
nothing, and staged files a wheel cannot hold."""

from __future__ import annotations

import os
import re
import shutil
import signal
import time
import zipfile
from pathlib import Path

from . import util as u

EPOCH_ENV = {"SOURCE_DATE_EPOCH": str(u.EPOCH)}
WHEEL = "rel_pkg-1.0.0-cp311-cp311-linux_x86_64.whl"
C_API_WHEEL = "c_api_example-1.2.3-cp311-cp311-linux_x86_64.whl"


def build_dir(project: Path) -> Path:
    (found,) = (project / u.CACHE).glob("cp*")
    return found


def copied(res: u.Result) -> tuple[int, int]:
    """(copied, total) from crosswheel's line about the reused members."""
    whole = re.search(r"wheel: all (\d+) files unchanged, the last wheel copied whole", res.output)
    if whole:
        return int(whole.group(1)), int(whole.group(1))
    m = re.search(r"wheel: (\d+) of (\d+) files copied still compressed", res.output)
    assert m, res.describe()
    return int(m.group(1)), int(m.group(2))


def later(path: Path, seconds: float) -> None:
    """A new mtime well past the old one: CMake's install takes mtimes less than a second apart
    for equal, and tests synchronise on file times, never on sleeps."""
    st = path.stat()
    t = st.st_mtime_ns + int(seconds * 1e9)
    os.utime(path, ns=(t, t))


def clean_build(project: Path, out: Path) -> bytes:
    shutil.rmtree(project / u.CACHE)
    u.build(project, out, "--wheel", extra_env=EPOCH_ENV)
    return u.only(out, "*.whl").read_bytes()


# --------------------------------------------------------------------------- incremental wheels


def test_files_no_longer_installed_vanish_from_the_next_wheel(tmp_path: Path) -> None:
    cmakelists = u.DATA_CMAKELISTS + (
        "install(FILES extra.txt DESTINATION ${PY_BUILD_CMAKE_IMPORT_NAME}/sub)\n"
        'install(CODE [[file(WRITE "${CMAKE_INSTALL_PREFIX}/rel_pkg/by_code.txt" "made")]])\n')
    project = u.write_project(tmp_path / "p", u.CMAKE_TOOL, cmakelists,
                              files={"extra.txt": "extra\n", "rel_pkg/old.py": "x = 1\n"})
    out = tmp_path / "dist"
    u.build(project, out, "--wheel", extra_env=EPOCH_ENV)
    assert {"rel_pkg/data.txt", "rel_pkg/sub/extra.txt", "rel_pkg/by_code.txt",
            "rel_pkg/old.py"} <= set(u.wheel_names(out / WHEEL))

    # The project stops installing extra.txt and writing by_code.txt, and old.py is deleted.
    (project / "CMakeLists.txt").write_text(u.DATA_CMAKELISTS)
    (project / "extra.txt").unlink()
    (project / "rel_pkg" / "old.py").unlink()
    res = u.build(project, out, "--wheel", extra_env=EPOCH_ENV)
    assert "staging folder emptied" not in res.output  # the folder was kept...
    names = u.wheel_names(out / WHEEL)
    assert names == ["rel_pkg-1.0.0.dist-info/METADATA", "rel_pkg-1.0.0.dist-info/RECORD",
                     "rel_pkg-1.0.0.dist-info/WHEEL", "rel_pkg-1.0.0.dist-info/entry_points.txt",
                     "rel_pkg-1.0.0.dist-info/licenses/LICENSE", "rel_pkg/__init__.py",
                     "rel_pkg/data.txt"]
    staged = build_dir(project) / "crosswheel-staging"
    assert sorted(str(p.relative_to(staged)) for p in staged.rglob("*") if p.is_file()) == [
        "rel_pkg/__init__.py", "rel_pkg/data.txt"]
    u.check_output_folder(out, [WHEEL])
    # ...and the wheel is the one a clean build makes.
    assert (out / WHEEL).read_bytes() == clean_build(project, tmp_path / "clean")


def test_clean_noop_and_changed_back_give_the_same_bytes(tmp_path: Path) -> None:
    project = u.copy_example("c-api", tmp_path / "c-api").resolve()
    module = project / "c_api_example" / "__init__.py"
    c_source = project / "src" / "core.c"
    for p in project.rglob("*"):  # sources from yesterday: nothing is "racy" below
        if p.is_file():
            os.utime(p, (time.time() - 86400,) * 2)
    first = tmp_path / "first"
    u.build(project, first, "--wheel", extra_env=EPOCH_ENV)
    clean = (first / C_API_WHEEL).read_bytes()

    res = u.build(project, tmp_path / "noop", "--wheel", extra_env=EPOCH_ENV)
    assert (tmp_path / "noop" / C_API_WHEEL).read_bytes() == clean
    n, total = copied(res)
    assert total == 3 and n >= 2, res.describe()  # the fresh .so may be compressed again
    res = u.build(project, tmp_path / "noop2", "--wheel", extra_env=EPOCH_ENV)
    assert (tmp_path / "noop2" / C_API_WHEEL).read_bytes() == clean
    n, total = copied(res)
    assert total == 3 and n >= 2, res.describe()  # the .so: until it is 3 s old

    # One Python file, then the C source changed, then changed back.
    for path, comment in ((module, "#\n"), (c_source, "int crosswheel_test_value = 42;\n")):
        original = path.read_text()
        path.write_text(original + comment)
        later(path, 10)
        res = u.build(project, tmp_path / "changed", "--wheel", extra_env=EPOCH_ENV)
        changed = (tmp_path / "changed" / C_API_WHEEL).read_bytes()
        assert changed != clean and SKIPPED not in res.output
        assert copied(res)[0] >= 1, res.describe()
        u.check_artefact(tmp_path / "changed" / C_API_WHEEL)
        path.write_text(original)
        later(path, 10)
        res = u.build(project, tmp_path / "back", "--wheel", extra_env=EPOCH_ENV)
        assert (tmp_path / "back" / C_API_WHEEL).read_bytes() == clean, res.describe()
    assert clean_build(project, tmp_path / "clean") == clean


def test_a_damaged_or_foreign_cache_is_not_trusted(tmp_path: Path) -> None:
    project = u.write_project(tmp_path / "p", u.CMAKE_TOOL)
    for p in project.rglob("*"):
        os.utime(p, (time.time() - 86400,) * 2)
    out = tmp_path / "dist"
    u.build(project, out, "--wheel", extra_env=EPOCH_ENV)
    good = (out / WHEEL).read_bytes()
    # The clean build kept its validated metadata too: the no-op below does not validate again.
    assert (project / u.CACHE / "crosswheel-metadata.json").is_file()
    res = u.build(project, out, "--wheel", extra_env=EPOCH_ENV)
    assert copied(res) == (3, 3) and (out / WHEEL).read_bytes() == good  # the cache works
    assert "copied whole" in res.output  # nothing changed: not even the zip is rewritten
    cache = build_dir(project) / "crosswheel-wheel-cache.whl"

    # A cache wheel cut short (as by a build killed while copying it).
    data = cache.read_bytes()
    cache.unlink()  # the hard link to dist/ stays whole
    cache.write_bytes(data[: len(data) // 2])
    res = u.build(project, out, "--wheel", extra_env=EPOCH_ENV)
    assert copied(res)[0] == 0 and (out / WHEEL).read_bytes() == good

    # Another wheel in its place, the index left from before (a build killed between the two).
    index = build_dir(project) / "crosswheel-wheel-cache.json"
    saved = index.read_bytes()
    (project / "data.txt").write_text("other data, much longer than before\n")
    u.build(project, tmp_path / "other", "--wheel", extra_env=EPOCH_ENV)
    index.write_bytes(saved)
    (project / "data.txt").write_text("some data\n")
    os.utime(project / "data.txt", (time.time() - 86400,) * 2)
    res = u.build(project, out, "--wheel", extra_env=EPOCH_ENV)
    assert copied(res)[0] == 0 and (out / WHEEL).read_bytes() == good

    # Another configuration: neither its staging folder nor its members are used.
    res = u.build(project, tmp_path / "debug", "--wheel", "-Coverride=cmake.build_type=Debug",
                  extra_env=EPOCH_ENV)
    assert "staging folder emptied" in res.output and copied(res)[0] == 0
    res = u.build(project, out, "--wheel", extra_env=EPOCH_ENV)
    assert "staging folder emptied" in res.output and copied(res)[0] == 0
    assert (out / WHEEL).read_bytes() == good


# --------------------------------------------------------------------------- the install step

SKIPPED = "install: nothing it reads or writes changed, not run"
TREE_CMAKELISTS = u.DATA_CMAKELISTS + (
    "install(DIRECTORY tree/ DESTINATION ${PY_BUILD_CMAKE_IMPORT_NAME}/tree)\n")


def aged(project: Path) -> None:
    """Every file of the project from yesterday: nothing is "racy"."""
    for p in project.rglob("*"):
        if p.is_file() and u.CACHE not in p.parts:
            os.utime(p, (time.time() - 86400,) * 2)


def member(whl: Path, name: str) -> bytes:
    with zipfile.ZipFile(whl) as zf:
        return zf.read(name)


def test_the_install_runs_only_when_something_it_reads_or_writes_changed(tmp_path: Path) -> None:
    project = u.write_project(tmp_path / "p", u.CMAKE_TOOL, TREE_CMAKELISTS,
                              files={"tree/a.txt": "a\n", "tree/sub/b.txt": "b\n"})
    aged(project)
    out = tmp_path / "dist"

    def build() -> u.Result:
        res = u.build(project, out, "--wheel", extra_env=EPOCH_ENV)
        u.check_output_folder(out, [WHEEL])
        return res

    assert SKIPPED not in build().output
    res = build()
    assert SKIPPED in res.output and "copied whole" in res.output, res.describe()
    staged = build_dir(project) / "crosswheel-staging" / "rel_pkg"

    # Each change makes the install run, and the wheel shows it; then it is skipped again.
    def changed(what: str, expect: dict[str, bytes | None]) -> None:
        res = build()
        assert SKIPPED not in res.output, f"{what}\n{res.describe()}"
        names = u.wheel_names(out / WHEEL)
        for name, data in expect.items():
            if data is None:
                assert name not in names, what
            else:
                assert member(out / WHEEL, name) == data, what
        aged(project)
        assert SKIPPED not in build().output, what  # aged() moved every mtime, or it was racy
        assert SKIPPED in build().output, what

    a = project / "tree" / "a.txt"
    a.write_text("A\n")  # the same size
    later(a, 10)
    changed("a file changed", {"rel_pkg/tree/a.txt": b"A\n"})
    (project / "tree" / "sub" / "c.txt").write_text("c\n")
    changed("a file added to an installed folder", {"rel_pkg/tree/sub/c.txt": b"c\n"})
    (project / "tree" / "sub" / "b.txt").unlink()
    changed("a file removed from it", {"rel_pkg/tree/sub/b.txt": None})
    (staged / "tree" / "a.txt").write_text("edited by hand\n")
    changed("a staged file edited", {"rel_pkg/tree/a.txt": b"A\n"})
    (staged / "data.txt").unlink()
    changed("a staged file deleted", {"rel_pkg/data.txt": b"some data\n"})
    (project / "CMakeLists.txt").write_text(
        TREE_CMAKELISTS + "install(FILES extra.txt DESTINATION ${PY_BUILD_CMAKE_IMPORT_NAME})\n")
    (project / "extra.txt").write_text("extra\n")
    changed("a rule added", {"rel_pkg/extra.txt": b"extra\n"})
    res = u.build(project, out, "--wheel", extra_env={**EPOCH_ENV, "DESTDIR": ""})
    assert SKIPPED not in res.output  # another environment for the install
    assert (out / WHEEL).read_bytes() == clean_build(project, tmp_path / "clean")


def test_a_file_changed_just_now_vouches_for_nothing(tmp_path: Path) -> None:
    """A file modified within 3 s of an install could change again without its stat changing
    (a coarse clock): the install after it does not leave a record, so the next one runs too."""
    project = u.write_project(tmp_path / "p", u.CMAKE_TOOL, TREE_CMAKELISTS,
                              files={"tree/a.txt": "a\n"})
    aged(project)
    out = tmp_path / "dist"
    u.build(project, out, "--wheel", extra_env=EPOCH_ENV)
    assert SKIPPED in u.build(project, out, "--wheel", extra_env=EPOCH_ENV).output
    a = project / "tree" / "a.txt"
    a.write_text("b\n")
    # Stamped a minute ahead: "just now" for every build below, however slow the machine.
    os.utime(a, (time.time() + 60,) * 2)
    for _ in range(2):
        res = u.build(project, out, "--wheel", extra_env=EPOCH_ENV)
        assert SKIPPED not in res.output, res.describe()
        assert member(out / WHEEL, "rel_pkg/tree/a.txt") == b"b\n"
    assert not list(build_dir(project).glob("crosswheel-install-*"))


def test_an_install_with_code_always_runs(tmp_path: Path) -> None:
    cmakelists = u.DATA_CMAKELISTS + 'install(CODE [[message(STATUS "code ran")]])\n'
    project = u.write_project(tmp_path / "p", u.CMAKE_TOOL, cmakelists)
    aged(project)
    for _ in range(3):
        res = u.build(project, tmp_path / "dist", "--wheel", extra_env=EPOCH_ENV)
        assert "code ran" in res.output and SKIPPED not in res.output, res.describe()


KILLABLE_CMAKELISTS = u.DATA_CMAKELISTS + """\
install(CODE [[
  if(DEFINED ENV{RELIABILITY_MARKER})
    file(WRITE "$ENV{RELIABILITY_MARKER}" "")
    execute_process(COMMAND "${CMAKE_COMMAND}" -E sleep 600)
  endif()
]])
"""


def test_a_build_killed_during_the_install_leaves_nothing_trusted_wrongly(tmp_path: Path) -> None:
    project = u.write_project(tmp_path / "p", u.CMAKE_TOOL, KILLABLE_CMAKELISTS).resolve()
    out = tmp_path / "dist"
    u.build(project, out, "--wheel", extra_env=EPOCH_ENV)
    # data.txt changes (same size); CMake has installed it when the build is killed.
    (project / "data.txt").write_text("SOME DATA\n")
    m0 = (int(time.time()) + 10) * 10**9  # a whole second, as CMake's installed copy will have
    os.utime(project / "data.txt", ns=(m0, m0))
    marker = tmp_path / "installing"
    bg = u.Background(project, tmp_path / "killed", "--wheel", log=tmp_path / "log",
                      extra_env={"RELIABILITY_MARKER": str(marker), **EPOCH_ENV})
    try:
        u.wait_for(marker.exists, u.TIMEOUT, "the install to start")
        bg.signal_group(signal.SIGKILL)
        bg.proc.wait(60)
    finally:
        bg.kill()
    # Back to the first content, half a second later: CMake's install would take the staged
    # SOME DATA for up to date, so the killed build's staging folder must not be kept.
    (project / "data.txt").write_text("some data\n")
    os.utime(project / "data.txt", ns=(m0 + 5 * 10**8,) * 2)
    u.build(project, out, "--wheel", extra_env=EPOCH_ENV)
    assert (out / WHEEL).read_bytes() == clean_build(project, tmp_path / "clean")


# --------------------------------------------------------------------------- the install manifest


def failing(project: Path, out: Path, *args: str) -> str:
    res = u.build(project, out, "--wheel", *args, check=False)
    assert res.returncode != 0, res.describe()
    assert "Traceback" not in res.output, res.describe()
    u.check_output_folder(out)
    return res.output


def test_an_absolute_destination_is_refused_before_anything_is_installed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    cmakelists = u.DATA_CMAKELISTS + f'install(FILES data.txt DESTINATION "{outside}")\n'
    project = u.write_project(tmp_path / "p", u.CMAKE_TOOL, cmakelists)
    output = failing(project, tmp_path / "dist")
    assert f"the project would install outside the staging folder: {outside}/data.txt " \
           "(absolute DESTINATION); nothing was installed" in output
    assert not outside.exists()
    assert not (build_dir(project) / "crosswheel-staging" / "rel_pkg" / "data.txt").exists()


def test_a_destination_with_dotdot_is_refused(tmp_path: Path) -> None:
    cmakelists = u.DATA_CMAKELISTS + "install(FILES data.txt DESTINATION ../escaped)\n"
    project = u.write_project(tmp_path / "p", u.CMAKE_TOOL, cmakelists)
    output = failing(project, tmp_path / "dist")
    assert "${CMAKE_INSTALL_PREFIX}/../escaped (a DESTINATION with '..')" in output
    assert not (build_dir(project) / "escaped").exists()


def test_an_absolute_destination_inside_the_prefix_is_fine(tmp_path: Path) -> None:
    cmakelists = u.DATA_CMAKELISTS.replace("DESTINATION ${PY_BUILD_CMAKE_IMPORT_NAME}",
                                           "DESTINATION ${CMAKE_INSTALL_PREFIX}/rel_pkg")
    project = u.write_project(tmp_path / "p", u.CMAKE_TOOL, cmakelists)
    u.build(project, tmp_path / "dist", "--wheel")
    assert "rel_pkg/data.txt" in u.wheel_names(tmp_path / "dist" / WHEEL)


def test_components_that_install_nothing(tmp_path: Path) -> None:
    cmakelists = """\
cmake_minimum_required(VERSION 3.17...4.4)
project(data_only LANGUAGES NONE)
install(FILES data.txt DESTINATION ${PY_BUILD_CMAKE_IMPORT_NAME} COMPONENT python_modules)
install(CODE "message(STATUS hello)" COMPONENT empty)
"""
    tool = u.CMAKE_TOOL + 'install_components = ["python_modules", "{}"]\n'
    project = u.write_project(tmp_path / "p", tool.format("python_modulse"), cmakelists)
    output = failing(project, tmp_path / "dist")
    assert "install component 'python_modulse' installed no files" in output
    assert "the project's install rules name the components 'empty', 'python_modules'" in output

    u.write_project(project, tool.format("empty"), cmakelists)
    output = failing(project, tmp_path / "dist")
    assert "install component 'empty' installed no files" in output

    u.write_project(project, u.CMAKE_TOOL, "cmake_minimum_required(VERSION 3.17...4.4)\n"
                                           "project(nothing LANGUAGES NONE)\n")
    output = failing(project, tmp_path / "dist")
    assert "install (native): the project installs nothing" in output


# --------------------------------------------------------------------------- staged content


def test_a_fifo_in_the_staging_is_refused_without_hanging(tmp_path: Path) -> None:
    cmakelists = u.DATA_CMAKELISTS + (
        'install(CODE [[execute_process(COMMAND mkfifo "${CMAKE_INSTALL_PREFIX}/rel_pkg/pipe")]])\n')
    project = u.write_project(tmp_path / "p", u.CMAKE_TOOL, cmakelists)
    output = failing(project, tmp_path / "dist")
    assert "rel_pkg/pipe: a FIFO in the staged files; a wheel holds regular files only" in output
    # Fixed, the next build starts from an emptied staging folder and succeeds.
    (project / "CMakeLists.txt").write_text(u.DATA_CMAKELISTS)
    res = u.build(project, tmp_path / "dist", "--wheel")
    assert "staging folder emptied" in res.output
    u.check_output_folder(tmp_path / "dist", [WHEEL])


def test_control_characters_in_staged_names(tmp_path: Path) -> None:
    cmakelists = u.DATA_CMAKELISTS + (
        'install(CODE [[file(WRITE "${CMAKE_INSTALL_PREFIX}/rel_pkg/a\nb.txt" "x")]])\n')
    project = u.write_project(tmp_path / "p", u.CMAKE_TOOL, cmakelists)
    output = failing(project, tmp_path / "dist")
    assert "'rel_pkg/a\\nb.txt': a file name with a control character" in output


def test_names_with_commas_and_quotes_make_valid_record_rows(tmp_path: Path) -> None:
    cmakelists = u.DATA_CMAKELISTS + (
        'install(CODE [[file(WRITE "${CMAKE_INSTALL_PREFIX}/rel_pkg/a,b \\"c\\".txt" "x")]])\n')
    project = u.write_project(tmp_path / "p", u.CMAKE_TOOL, cmakelists)
    u.build(project, tmp_path / "dist", "--wheel")
    u.check_output_folder(tmp_path / "dist", [WHEEL])  # parses RECORD with csv
    assert 'rel_pkg/a,b "c".txt' in u.wheel_names(tmp_path / "dist" / WHEEL)
