"""The import-time rebuild of an editable install (editable.build_hook), for real.

Each test installs examples/c-api with `pip install -e` into a fresh venv (helpers from
test_editable.py) and changes the project the way a developer does, then imports in new
interpreters:
- an edit whose rebuilt module CMake's own install would have called up to date (the installed
  copy's time within a second of the new module's) is seen, and after every import that rebuilt,
  the file system's clock has moved past everything the build wrote;
- a source saved while the build runs (held at a gate in the build), stamped with its object
  file's own time as a coarse clock would, is compiled again;
- an edited CMakeLists.txt that adds a module built from a new .c file, then removes it again:
  the module imports, then no longer does;
- a file CMake installs straight from the source tree (no build output) is installed again
  after an edit;
- a new .py file in the package imports without reinstalling, and a deleted one no longer does;
- with Make or Ninja Multi-Config the rebuild goes through the real cmake binary and still
  sees an edit;
- a no-op import installs nothing (the staged module is the same file), and the build folder
  uses Ninja although the project names no generator;
- two interpreters importing at once after an edit, both blocked on the build folder's lock
  while the test holds it: one rebuilds, the other finds nothing to do, both get the new module,
  and the build folder is left consistent.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import pytest

from test_editable import (
    C_API,
    IMPORT_ERROR_PROBE,
    TIMEOUT,
    Venv,
    copy_example,
    edit_native,
    runtime_config,
    runtime_env,
)

EXTRA_C = """\
#define PY_SSIZE_T_CLEAN
#include <Python.h>
static PyObject *value(PyObject *self, PyObject *unused) { return PyLong_FromLong(42); }
static PyMethodDef methods[] = {{"value", value, METH_NOARGS, ""}, {NULL, NULL, 0, NULL}};
static struct PyModuleDef mod = {PyModuleDef_HEAD_INIT, "_extra", NULL, -1, methods};
PyMODINIT_FUNC PyInit__extra(void) { return PyModule_Create(&mod); }
"""
EXTRA_CMAKE = """
Python3_add_library(_extra MODULE WITH_SOABI src/extra.c)
install(TARGETS _extra EXCLUDE_FROM_ALL COMPONENT python_modules
        DESTINATION ${PY_BUILD_CMAKE_IMPORT_NAME})
"""
ADD = "import c_api_example as m; print(m.add(2, 3))"
# After linking _core, and only when CW_TEST_GATE names a folder: say so, then wait until the
# test has edited the source (a file appears): an edit while the build runs.
GATE_CMAKE = """
add_custom_command(TARGET _core POST_BUILD
                   COMMAND ${CMAKE_COMMAND} -P ${CMAKE_CURRENT_SOURCE_DIR}/gate.cmake)
"""
GATE_SCRIPT = """
if(DEFINED ENV{CW_TEST_GATE})
  file(TOUCH "$ENV{CW_TEST_GATE}/linked")
  while(NOT EXISTS "$ENV{CW_TEST_GATE}/edited")
    execute_process(COMMAND ${CMAKE_COMMAND} -E sleep 0.02)
  endwhile()
endif()
"""


def installed(tmp_path: Path, mode: str = "symlink") -> tuple[Path, Venv, dict]:
    """c-api installed editable with the build hook; the project, the venv, the runtime's config."""
    project = copy_example(C_API.folder, tmp_path)
    venv = Venv(tmp_path / "venv")
    venv.install_editable(project, f'editable.mode="{mode}"', "editable.build_hook=true")
    config = runtime_config((venv.site / "_crosswheel_editable_c_api_example.py").read_text())
    return project, venv, config


def add(venv: Venv) -> int:
    return int(venv.python_code(ADD).stdout.strip())


def import_error(venv: Venv, module: str) -> dict:
    out = venv.python_code(IMPORT_ERROR_PROBE.replace("{module}.add(2, 3)", "None").format(
        module=module)).stdout
    return json.loads(out.strip().splitlines()[-1])


def staged_core(config: dict) -> Path:
    (core,) = Path(config["staging"], "c_api_example").glob("_core*")
    return core


def newest_in(folder: Path) -> int:
    return max(p.lstat().st_mtime_ns for p in folder.rglob("*"))


def clock_has_moved_past(folder: Path, scratch: Path) -> bool:
    """A file written now is newer than everything in `folder`: an edit now would be seen."""
    probe = scratch / "probe"
    probe.write_text("x")
    return probe.stat().st_mtime_ns > newest_in(folder)


def test_edit_within_a_second_of_the_last_build_is_seen(tmp_path: Path) -> None:
    project, venv, config = installed(tmp_path)
    build = Path(config["steps"][0]["build_dir"])
    assert add(venv) == 5
    steps = [("a + b)", "a + b + 1000)", 1005), ("a + b + 1000)", "a + b + 7)", 12),
             ("a + b + 7)", "a + b + 8)", 13)]
    for old, new, expected in steps:
        edit_native(project, C_API, old, new)
        # The installed copy as CMake's install leaves it within the second: its time now.
        # `cmake --install` calls a file up to date when the times differ by less than a
        # second, so it would keep the old module; the hook must not ask it.
        os.utime(staged_core(config))
        assert add(venv) == expected, new
        assert clock_has_moved_past(build, tmp_path)
        assert clock_has_moved_past(Path(config["staging"]), tmp_path)


def test_edit_saved_while_the_build_runs_with_a_coarse_clock(tmp_path: Path) -> None:
    project = copy_example(C_API.folder, tmp_path)
    (project / "gate.cmake").write_text(GATE_SCRIPT)
    (project / "CMakeLists.txt").write_text((project / "CMakeLists.txt").read_text() + GATE_CMAKE)
    venv = Venv(tmp_path / "venv")
    venv.install_editable(project, "editable.build_hook=true")
    config = runtime_config((venv.site / "_crosswheel_editable_c_api_example.py").read_text())
    build = Path(config["steps"][0]["build_dir"])
    (obj,) = build.glob("CMakeFiles/_core.dir/**/core.c.o")
    gate = tmp_path / "gate"
    gate.mkdir()
    edit_native(project, C_API, "a + b)", "a + b + 1000)")
    proc = subprocess.Popen([str(venv.python), "-c", ADD], cwd=venv.elsewhere,
                            env=runtime_env(CW_TEST_GATE=str(gate)), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + TIMEOUT
        while not (gate / "linked").exists():  # compiled and linked with "+ 1000"
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the build never reached the gate"
            time.sleep(0.01)
        # Saved now, after the compiler read the file. With a clock as coarse as the file
        # system's can be, the save gets the object file's own time stamp: ninja alone would
        # call the object up to date, now and at every later import.
        edit_native(project, C_API, "a + b + 1000)", "a + b + 2000)")
        os.utime(project / C_API.native, ns=(obj.stat().st_atime_ns, obj.stat().st_mtime_ns))
        (gate / "edited").touch()
        out, err = proc.communicate(timeout=TIMEOUT)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert out.strip() == "2005"  # this import compiled the file again
    assert add(venv) == 2005


def test_no_op_import_installs_nothing_and_uses_ninja(tmp_path: Path) -> None:
    project, venv, config = installed(tmp_path)
    build = Path(config["steps"][0]["build_dir"])
    cache = (build / "CMakeCache.txt").read_text()
    assert "CMAKE_GENERATOR:INTERNAL=Ninja" in cache  # c-api names no generator
    (build_cmd,) = config["steps"][0]["build"]  # ninja itself, no cmake process in front
    assert Path(build_cmd[0]).name.startswith("ninja") and build_cmd[1:3] == ["-C", str(build)]
    assert add(venv) == 5
    before = staged_core(config).stat()
    assert add(venv) == 5
    after = staged_core(config).stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    edit_native(project, C_API, "a + b)", "a + b + 1000)")
    assert add(venv) == 1005
    assert staged_core(config).stat().st_ino != before.st_ino  # replaced, not rewritten


@pytest.mark.parametrize("generator", ["Unix Makefiles", "Ninja Multi-Config"])
def test_other_generators_go_through_cmake(tmp_path: Path, generator: str) -> None:
    project = copy_example(C_API.folder, tmp_path)
    venv = Venv(tmp_path / "venv")
    venv.install_editable(project, f'cmake.generator="{generator}"', "editable.build_hook=true")
    config = runtime_config((venv.site / "_crosswheel_editable_c_api_example.py").read_text())
    (step,) = config["steps"]
    (build_cmd,) = step["build"]
    assert build_cmd[1] == "--build" and Path(build_cmd[0]).read_bytes()[:4] == b"\x7fELF"
    assert add(venv) == 5
    edit_native(project, C_API, "a + b)", "a + b + 1000)")
    assert add(venv) == 1005
    assert add(venv) == 1005


def test_edited_cmakelists_adds_then_removes_a_module(tmp_path: Path) -> None:
    project, venv, _ = installed(tmp_path)
    assert import_error(venv, "c_api_example._extra")["type"] == "ModuleNotFoundError"
    (project / "src" / "extra.c").write_text(EXTRA_C)
    cmakelists = project / "CMakeLists.txt"
    original = cmakelists.read_text()
    cmakelists.write_text(original + EXTRA_CMAKE)
    out = venv.python_code("import c_api_example._extra as e, c_api_example as m; "
                           "print(e.value(), m.add(2, 3))").stdout.split()
    assert out == ["42", "5"]
    cmakelists.write_text(original)
    err = import_error(venv, "c_api_example._extra")
    assert err["type"] == "ModuleNotFoundError", err
    assert add(venv) == 5


def test_edited_file_cmake_installs_from_the_source_tree(tmp_path: Path) -> None:
    project = copy_example(C_API.folder, tmp_path)
    (project / "share").mkdir()
    greeting = project / "share" / "greeting.txt"
    greeting.write_text("hello\n")
    # Not a build output: ninja's log does not change when it is edited.
    (project / "CMakeLists.txt").write_text((project / "CMakeLists.txt").read_text() + (
        "install(FILES share/greeting.txt COMPONENT python_modules "
        "DESTINATION ${PY_BUILD_CMAKE_IMPORT_NAME})\n"))
    venv = Venv(tmp_path / "venv")
    venv.install_editable(project, "editable.build_hook=true")
    read = ("import importlib.resources as r; "
            "print(r.files('c_api_example').joinpath('greeting.txt').read_text().strip())")
    assert venv.python_code(read).stdout.strip() == "hello"
    greeting.write_text("edited\n")
    config = runtime_config((venv.site / "_crosswheel_editable_c_api_example.py").read_text())
    os.utime(Path(config["staging"], "c_api_example", "greeting.txt"))  # as in the first test
    assert venv.python_code(read).stdout.strip() == "edited"


def test_new_and_deleted_python_files(tmp_path: Path) -> None:
    project, venv, _ = installed(tmp_path)
    sub = project / "c_api_example" / "tools"
    sub.mkdir()
    (sub / "__init__.py").write_text("")
    (sub / "later.py").write_text("WHAT = 'added later'\n")
    (project / "c_api_example" / "extra.py").write_text("WHAT = 'extra'\n")
    out = venv.python_code("import c_api_example.tools.later as a, c_api_example.extra as b; "
                           "print(a.WHAT, '|', b.WHAT)").stdout.strip()
    assert out == "added later | extra"
    (project / "c_api_example" / "extra.py").unlink()
    (sub / "later.py").unlink()
    assert import_error(venv, "c_api_example.extra")["type"] == "ModuleNotFoundError"
    assert import_error(venv, "c_api_example.tools.later")["type"] == "ModuleNotFoundError"
    assert add(venv) == 5


def _blocked_on(lock_file: Path) -> int:
    """How many processes wait for a flock on `lock_file` (Linux: /proc/locks, `->` lines)."""
    ino = lock_file.stat().st_ino
    return sum(1 for line in Path("/proc/locks").read_text().splitlines()
               if "->" in line and line.split()[-3].endswith(f":{ino}"))


def test_two_interpreters_at_once_take_turns(tmp_path: Path) -> None:
    import fcntl

    project, venv, config = installed(tmp_path)
    build = Path(config["steps"][0]["build_dir"])
    lock_file = build / ".crosswheel.lock"
    assert add(venv) == 5
    fd = os.open(lock_file, os.O_RDWR)
    procs = []
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # as a build would: both imports must wait for it
        for _ in range(2):
            procs.append(subprocess.Popen([str(venv.python), "-c", ADD], cwd=venv.elsewhere,
                                          env=runtime_env(), stdout=subprocess.PIPE,
                                          stderr=subprocess.PIPE, text=True))
        deadline = time.monotonic() + TIMEOUT
        while _blocked_on(lock_file) < 2:  # both interpreters are inside the rebuild, waiting
            assert time.monotonic() < deadline, "the imports never reached the lock"
            assert all(p.poll() is None for p in procs), [p.communicate() for p in procs]
            time.sleep(0.01)
        edit_native(project, C_API, "a + b)", "a + b + 1000)")
    finally:
        os.close(fd)  # releases the lock
    results = [p.communicate(timeout=TIMEOUT) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    assert [out.strip() for out, _ in results] == ["1005", "1005"], results
    # One of them rebuilt; the other found the build up to date: the folder is consistent.
    ninja = config["steps"][0]["build"][0][0]
    dry = subprocess.run([ninja, "-C", str(build), "-n"], capture_output=True, text=True,
                         check=True)
    assert "no work to do" in dry.stdout, dry.stdout
    assert add(venv) == 1005
