"""The override language and the extra config files, proven by what reaches CMake in real builds.

The test project's CMakeLists.txt writes the cache type and value of some options and the
environment it ran with into `values.txt`, installed into the wheel; a custom target (built only
when `--target special` reaches `cmake --build`) adds `special.txt`. Each grammar rule of
overrides.py and each file level is used once here, written as py-build-cmake users write them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

CMAKELISTS = """\
cmake_minimum_required(VERSION 3.17)
project(ovr NONE)
set(text "")
foreach(v OPT_STR OPT_BOOL OPT_LIST OPT_PRE OPT_NEW CMAKE_BUILD_TYPE
          PY_BUILD_CMAKE_PACKAGE_PYTHON_TAG PY_BUILD_CMAKE_PACKAGE_ABI_TAG
          Python3_EXECUTABLE Python3_BUILD_EXECUTABLE)
  get_property(type CACHE ${v} PROPERTY TYPE)
  string(APPEND text "${v}:${type}=${${v}}\\n")
endforeach()
foreach(v MY_PATH OTHER PY_BUILD_CMAKE_PACKAGE_NAME PY_BUILD_CMAKE_MODULE_NAME)
  string(APPEND text "ENV ${v}=$ENV{${v}}\\n")
endforeach()
file(WRITE "${CMAKE_BINARY_DIR}/values.txt" "${text}")
add_custom_target(special COMMAND "${CMAKE_COMMAND}" -E touch "${CMAKE_BINARY_DIR}/special.txt")
install(FILES "${CMAKE_BINARY_DIR}/values.txt" DESTINATION ${PY_BUILD_CMAKE_IMPORT_NAME})
install(FILES "${CMAKE_BINARY_DIR}/special.txt" DESTINATION ${PY_BUILD_CMAKE_IMPORT_NAME}
        OPTIONAL)
"""

PYPROJECT = """\
[build-system]
requires = ["crosswheel"]
build-backend = "crosswheel.backend"

[project]
name = "ovr"
version = "1.0"
description = "override language proof"

[tool.py-build-cmake.cmake]
build_type = "Release"
env = { OTHER = "base" }
[tool.py-build-cmake.cmake.options]
OPT_STR = "base"
OPT_LIST = ["x"]
OPT_PRE = "base"
"""


def make_project(root: Path) -> Path:
    project = root / "ovr-project"
    (project / "ovr").mkdir(parents=True)
    (project / "ovr/__init__.py").write_text("")
    (project / "CMakeLists.txt").write_text(CMAKELISTS)
    (project / "pyproject.toml").write_text(PYPROJECT)
    return project


def build(project: Path, *settings: str) -> tuple[str, dict[str, str], set[str]]:
    """Build with `-C` settings; the wheel's name, what CMake saw, and the wheel's files."""
    out = project / "dist"
    cmd = [sys.executable, "-m", "crosswheel", "wheel", "--project", str(project), "-d", str(out),
           *(f"-C{s}" for s in settings)]
    env = {k: v for k, v in os.environ.items() if k not in ("MY_PATH", "OTHER")
           and not k.startswith("PY_BUILD_CMAKE_")}
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=project,
                          env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (wheel,) = out.glob("*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        text = zf.read("ovr/values.txt").decode()
    values = dict(line.split("=", 1) for line in text.splitlines())
    wheel.unlink()
    return wheel.name, values, names


BASE = {"OPT_STR:UNINITIALIZED": "base", "OPT_LIST:UNINITIALIZED": "x",
        "OPT_PRE:UNINITIALIZED": "base", "ENV OTHER": "base",
        "Python3_EXECUTABLE:FILEPATH": sys.executable, "Python3_BUILD_EXECUTABLE:": ""}


# One override line per grammar rule (and operator); what CMake received for it.
@pytest.mark.parametrize(("lines", "expected"), [
    # value: a bare string, spaces and commas included; `=`
    (["cmake.options.OPT_STR=a b, c"], {"OPT_STR:UNINITIALIZED": "a b, c"}),
    # TRUE: a capitalised boolean is a CMake BOOL
    (["cmake.options.OPT_BOOL=True"], {"OPT_BOOL:BOOL": "On"}),
    # array of bare strings, `+=` / `=+` / `-=` on a list
    (["cmake.options.OPT_LIST+=[b, -j4]", "cmake.options.OPT_LIST=+[first]",
      "cmake.options.OPT_LIST-=x"], {"OPT_LIST:UNINITIALIZED": "first;b;-j4"}),
    # object with a bare string value
    (["cmake.options.OPT_PRE={prepend = /some/path}"],
     {"OPT_PRE:UNINITIALIZED": "/some/path;base"}),
    # `+=` of a whole table merges its keys in (env and options), keeping the others
    (['cmake.env+={MY_PATH = "/opt/x" }', 'cmake.options+={OPT_NEW = "1"}'],
     {"ENV MY_PATH": "/opt/x", "ENV OTHER": "base", "OPT_NEW:UNINITIALIZED": "1",
      "OPT_STR:UNINITIALIZED": "base"}),
    # `+=(path)` and `=+(path)` on a variable
    (["cmake.env.OTHER+=(path)/p2", "cmake.env.OTHER=+(path)/p0"],
     {"ENV OTHER": os.pathsep.join(["/p0", "base", "/p2"])}),
    # ESCAPED_STRING: a comment sign and brackets inside quotes; a comment after a value is
    # dropped (the value keeps the space before it, which cmake -D trims)
    (['cmake.options.OPT_STR="quoted # not a comment, [x]"', "cmake.build_type=Debug # why"],
     {"OPT_STR:UNINITIALIZED": "quoted # not a comment, [x]", "CMAKE_BUILD_TYPE:STRING": "Debug"}),
    # `=!` clears; NUMBER (a number where a string is expected is that string)
    (["cmake.options.OPT_PRE=!", "wheel.python_abi=abi3", "wheel.abi3_minimum_cpython_version=37"],
     {"OPT_PRE:": "", "PY_BUILD_CMAKE_PACKAGE_PYTHON_TAG:STRING": "cp37",
      "PY_BUILD_CMAKE_PACKAGE_ABI_TAG:STRING": "abi3"}),
    # a list of tags reaches CMake as a CMake list, as py-build-cmake passes it; the older
    # variable names are in CMake's environment too
    (["wheel.python_tag=[py2, py3]", "wheel.python_abi=none"],
     {"PY_BUILD_CMAKE_PACKAGE_PYTHON_TAG:STRING": "py2;py3",
      "PY_BUILD_CMAKE_PACKAGE_ABI_TAG:STRING": "none",
      "ENV PY_BUILD_CMAKE_PACKAGE_NAME": "ovr", "ENV PY_BUILD_CMAKE_MODULE_NAME": "ovr"}),
    # text operators on a plain string option; the build interpreter's FindPython3 hints under
    # an artifacts prefix
    (["cmake.build_type+=WithDebInfo", "cmake.build_type=+Rel", "cmake.build_type-=Release",
      "cmake.find_python3_build_artifacts_prefix=_BUILD"],
     {"CMAKE_BUILD_TYPE:STRING": "RelWithDebInfo", "Python3_EXECUTABLE:": "",
      "Python3_BUILD_EXECUTABLE:FILEPATH": sys.executable}),
], ids=["bare-string", "True", "array-ops", "object", "table+=", "path-ops", "quoted-comment",
        "clear-number", "tag-list", "string-ops"])
def test_each_rule_reaches_cmake(tmp_path: Path, lines: list[str], expected: dict[str, str]) -> None:
    project = make_project(tmp_path)
    _, values, _ = build(project, *(f"override={line}" for line in lines))
    assert {k: values.get(k) for k in expected} == expected
    for key, value in BASE.items():  # untouched options keep pyproject's values
        if not any(key.split(":")[0] == k.split(":")[0] for k in expected):
            assert values[key] == value


def test_the_same_lines_in_a_local_pbc_file(tmp_path: Path) -> None:
    """py-build-cmake.local.pbc beside pyproject.toml: the top level, comments and indentation."""
    project = make_project(tmp_path)
    (project / "py-build-cmake.local.pbc").write_text(
        "# local tweaks\n"
        "cmake.options.OPT_BOOL=False\n"
        "  cmake.options.OPT_STR=local # a comment\n"
        "linux.cmake.options.OPT_PRE={prepend = /linux/path}\n"
        "\n"
        "cmake.build_args+=[--target, special]\n")
    _, values, names = build(project)
    assert values["OPT_BOOL:BOOL"] == "Off"
    assert values["OPT_STR:UNINITIALIZED"] == "local"
    assert values["OPT_PRE:UNINITIALIZED"] == "/linux/path;base"
    assert "ovr/special.txt" in names  # --target special reached cmake --build


# The same settings in each kind of file at each level. A cross file's top-level keys are
# cross keys; its cmake table or `cmake.` lines are cross.cmake (py-build-cmake's levels).
FILES = {
    ("local", "toml"): '[cmake]\nbuild_args = ["--target", "special"]\n'
                       '[cmake.options]\nOPT_STR = "local-toml"\n'
                       '[linux.cmake.options]\nOPT_PRE = { prepend = "/linux" }\n',
    ("local", "pbc"): "cmake.build_args+=[--target, special]\ncmake.options.OPT_STR=local-pbc\n"
                      "linux.cmake.options.OPT_PRE={prepend = /linux}\n",
    ("cross", "toml"): 'os = "linux"\nimplementation = "cp"\nversion = "310"\n'
                       'arch = "linux_x86_64"\n[cmake]\nbuild_args = ["--target", "special"]\n'
                       '[cmake.options]\nOPT_STR = "cross-toml"\n',
    ("cross", "pbc"): "# a cross file: its lines are the [cross] section\n"
                      "os=linux\nimplementation=cp\nversion=310\narch=linux_x86_64\n"
                      "cmake.build_args+=[--target, special]\ncmake.options.OPT_STR=cross-pbc\n",
}


@pytest.mark.parametrize("how", ["beside-pyproject", "-C"])
@pytest.mark.parametrize(("level", "kind"), list(FILES))
def test_each_file_level(tmp_path: Path, level: str, kind: str, how: str) -> None:
    project = make_project(tmp_path)
    if how == "beside-pyproject":
        (project / f"py-build-cmake.{level}.{kind}").write_text(FILES[level, kind])
        settings: tuple[str, ...] = ()
    else:
        (tmp_path / f"extra.{kind}").write_text(FILES[level, kind])
        settings = (f"{level}={tmp_path / f'extra.{kind}'}",)
    name, values, names = build(project, *settings)
    assert values["OPT_STR:UNINITIALIZED"] == f"{level}-{kind}"
    assert "ovr/special.txt" in names  # --target special reached cmake --build
    py = "cp310" if level == "cross" else f"cp{sys.version_info[0]}{sys.version_info[1]}"
    tag = f"{py}-{py}-{sysconfig.get_platform().replace('-', '_').replace('.', '_')}"
    assert name == f"ovr-1.0-{tag}.whl"
    if level == "cross":  # os, implementation, version and arch were cross keys
        assert values["PY_BUILD_CMAKE_PACKAGE_PYTHON_TAG:STRING"] == "cp310"
    else:  # the OS sections exist only at the top level
        assert values["OPT_PRE:UNINITIALIZED"] == "/linux;base"
    # The build folder is named after the wheel's tags.
    assert (project / f".py-build-cmake_cache/{tag}/CMakeCache.txt").is_file()


def test_abi3_build_folder_is_named_after_the_wheel_tags(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    name, values, _ = build(project, "override=wheel.python_abi=abi3",
                            "override=wheel.abi3_minimum_cpython_version=37")
    assert name.endswith("-cp37-abi3-linux_x86_64.whl")
    assert values["PY_BUILD_CMAKE_PACKAGE_ABI_TAG:STRING"] == "abi3"
    cache = project / ".py-build-cmake_cache"
    assert [p.name for p in cache.iterdir() if p.is_dir()] == ["cp37-abi3-linux_x86_64"]
    assert (cache / "cp37-abi3-linux_x86_64/CMakeCache.txt").is_file()
