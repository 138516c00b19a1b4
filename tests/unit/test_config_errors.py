"""What a user sees for a bad configuration or [project] table: one precise message."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from crosswheel import config, metadata
from crosswheel.errors import ConfigError

from .util import write_project


def error(root: Path) -> str:
    with pytest.raises(ConfigError) as e:
        metadata.load(config.load(root))
    return str(e.value)


def test_unknown_key_names_table_file_and_closest_key(tmp_path: Path) -> None:
    root = write_project(tmp_path, '[tool.crosswheel.cmake]\nbiuld_type = "Release"\n').resolve()
    assert error(root) == (f"{root / 'pyproject.toml'}: "
                           "[tool.crosswheel.cmake]: unknown key 'biuld_type'. "
                           "Did you mean 'build_type'?")


def test_unknown_key_in_a_nested_section(tmp_path: Path) -> None:
    root = write_project(tmp_path, '[tool.py-build-cmake.linux.wheel]\npython_ab = "none"\n')
    assert error(root).endswith("[tool.py-build-cmake.linux.wheel]: unknown key 'python_ab'. "
                                "Did you mean 'python_abi'?")


def test_unknown_section_without_a_close_match_lists_the_valid_ones(tmp_path: Path) -> None:
    root = write_project(tmp_path, "[tool.crosswheel.zzzz]\n")
    msg = error(root)
    assert "[tool.crosswheel]: unknown key 'zzzz'. Valid keys: " in msg
    for name in ("module", "editable", "sdist", "cmake", "wheel", "stubgen", "cross", "linux",
                 "windows", "mac"):
        assert name in msg


def test_unknown_key_in_a_cmake_option_table(tmp_path: Path) -> None:
    root = write_project(tmp_path, '[tool.crosswheel.cmake.options]\nX = { vaule = "1" }\n')
    assert error(root).endswith("tool.crosswheel.cmake.options.X: unknown key 'vaule'. "
                                "Did you mean 'value'?")


@pytest.mark.parametrize(("tool", "tail"), [
    ("[tool.crosswheel.cmake]\nargs = 3\n",
     "tool.crosswheel.cmake.args: expected a string or a list of strings, found an integer (3)"),
    ("[tool.crosswheel.cmake]\nargs = [1, 2]\n",
     "tool.crosswheel.cmake.args: expected a string or a list of strings, found a list ([1, 2])"),
    ('[tool.crosswheel.wheel]\npure_python = "yes"\n',
     "tool.crosswheel.wheel.pure_python: expected true or false, found a string ('yes')"),
    ("[tool.crosswheel.wheel]\nabi3_minimum_cpython_version = true\n",
     "tool.crosswheel.wheel.abi3_minimum_cpython_version: expected an integer, found a boolean "
     "(True)"),
    ('[tool.crosswheel.wheel]\nabi3_minimum_cpython_version = "312"\n',
     "tool.crosswheel.wheel.abi3_minimum_cpython_version: expected an integer, found a string "
     "('312')"),
    ("[tool.crosswheel.cmake]\nbuild_type = 1.5\n",
     "tool.crosswheel.cmake.build_type: expected a string, found a number (1.5)"),
    ("[tool.crosswheel.module]\ndirectory = []\n",
     "tool.crosswheel.module.directory: expected a path (string), found a list ([])"),
    ("[tool.crosswheel.cmake]\nenv = { A = 1 }\n",
     "tool.crosswheel.cmake.env.A: expected a string or a table with keys +, +(path), -, =, "
     "append, append_path, prepend, prepend(path), prepend_path, remove, value, found an "
     "integer (1)"),
    ("[tool.crosswheel]\ncmake = 3\n",
     "tool.crosswheel.cmake: expected a table, found an integer (3)"),
    ("[tool.crosswheel.cmake]\nconfig = { add = ['x'] }\n",
     "tool.crosswheel.cmake.config: expected a list or a table with keys =, +, -, prepend, "
     "found a table ({'add': ['x']})"),
    ('[tool.crosswheel.cmake.options]\nX = { value = "a", type = "TEXT" }\n',
     "tool.crosswheel.cmake.options.X.type: expected one of BOOL, FILEPATH, PATH, STRING, "
     "INTERNAL, found a string ('TEXT')"),
    ('[tool.crosswheel.cmake.options]\nX = { value = "a", strict = "no" }\n',
     "tool.crosswheel.cmake.options.X.strict: expected true or false, found a string ('no')"),
    ("[tool.crosswheel.cmake.options]\nX = 3\n",
     "tool.crosswheel.cmake.options.X: expected a string, a boolean or a list of them, found a "
     "list ([3])"),
    ("[tool.crosswheel.cmake]\noptions = []\n",
     "tool.crosswheel.cmake.options: expected a table of CMake options, found a list ([])"),
])
def test_wrong_type_names_key_expected_type_and_value(tmp_path: Path, tool: str,
                                                      tail: str) -> None:
    root = write_project(tmp_path, tool).resolve()
    msg = error(root)
    assert msg.startswith(f"{root / 'pyproject.toml'}: ")
    assert msg.endswith(tail)


@pytest.mark.parametrize(("key", "value", "choices"), [
    ("wheel.python_abi", "abi4", "'auto', 'none', 'abi3'"),
    ("editable.mode", "copy", "'symlink', 'wrapper', 'hook'"),
    ("module.generated", "yes", "'module', 'package'"),
    ("cross.os", "darwin", "'linux', 'mac', 'windows'"),
])
def test_invalid_choice(tmp_path: Path, key: str, value: str, choices: str) -> None:
    section, name = key.split(".")
    root = write_project(tmp_path, f'[tool.crosswheel.{section}]\n{name} = "{value}"\n')
    assert error(root).endswith(f"tool.crosswheel.{key}: expected one of {choices}, found a "
                                f"string ({value!r})")


def test_invalid_choice_in_an_override(tmp_path: Path) -> None:
    root = write_project(tmp_path)
    with pytest.raises(ConfigError) as e:
        config.load(root, config.Settings(override=["wheel.python_abi=abi5"]))
    assert str(e.value) == ("-C override=wheel.python_abi=abi5: wheel.python_abi: expected one of "
                            "'auto', 'none', 'abi3', found a string ('abi5')")


def test_malformed_toml_gives_line_and_column(tmp_path: Path) -> None:
    root = write_project(tmp_path, "[tool.crosswheel.cmake]\nbuild_type = Release\n").resolve()
    msg = error(root)
    assert msg.startswith(f"{root / 'pyproject.toml'}: invalid TOML: ")
    assert msg.endswith("(at line 6, column 14)")


def test_malformed_local_file_names_it(tmp_path: Path) -> None:
    root = write_project(tmp_path).resolve()
    (root / "crosswheel.local.toml").write_text("[cmake\n")
    msg = error(root)
    assert msg.startswith(f"{root / 'crosswheel.local.toml'}: invalid TOML: ")
    assert "(at line 1, column 7)" in msg


def test_missing_pyproject_and_missing_project_table(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=re.escape("pyproject.toml: file not found")):
        config.load(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[tool.crosswheel.cmake]\n")
    with pytest.raises(ConfigError, match=r"pyproject.toml: the \[project\] table is missing"):
        config.load(tmp_path)


def test_tool_must_be_a_table(tmp_path: Path) -> None:
    root = write_project(tmp_path, project='tool = "crosswheel"\n[project]\nname = "pkg"\n'
                                           'version = "1"\n')
    assert error(root).endswith("pyproject.toml: tool: expected a table, found a string")


@pytest.mark.parametrize("tag", ["x1", "1-2", "", "1/../../escaped", "1 a", "1+local"])
def test_bad_build_tag(tmp_path: Path, tag: str) -> None:
    root = write_project(tmp_path, f'[tool.crosswheel.wheel]\nbuild_tag = "{tag}"\n')
    assert error(root) == (f"{root / 'pyproject.toml'} [tool.crosswheel]: wheel.build_tag: "
                           f"expected a string starting with a digit and without '-', found {tag!r}"
                           " (the wheel spec allows a digit, then letters, digits, '_' and '.')")


def test_good_build_tag(tmp_path: Path) -> None:
    root = write_project(tmp_path, '[tool.crosswheel.wheel]\nbuild_tag = "12abc"\n')
    assert config.load(root).wheel.build_tag == "12abc"


# ------------------------------------------------------------------ module lookup


def test_module_not_found_lists_where_it_looked(tmp_path: Path) -> None:
    root = write_project(tmp_path, module=False, name="my-pkg")
    assert error(root) == ("module 'my_pkg' not found; looked for my_pkg, my_pkg.py, src/my_pkg, "
                           "src/my_pkg.py (set module.name and module.directory in the tool "
                           "table)")


def test_a_folder_without_init_is_not_a_package_unless_namespace(tmp_path: Path) -> None:
    root = write_project(tmp_path, files={"pkg/mod.py": ""})
    assert error(root).startswith("module 'pkg' not found")
    root = write_project(tmp_path / "b", "[tool.crosswheel.module]\nnamespace = true\n",
                         files={"pkg/mod.py": ""}).resolve()
    project = metadata.load(config.load(root))
    assert project.module.source == root / "pkg"


def test_module_found_twice(tmp_path: Path) -> None:
    root = write_project(tmp_path, files={"pkg/__init__.py": "", "src/pkg.py": ""})
    assert error(root) == ("module 'pkg' found twice: pkg and src/pkg.py; set module.directory "
                           "to say which one")


@pytest.mark.parametrize("layout", ["pkg/__init__.py", "src/pkg/__init__.py", "pkg.py",
                                    "src/pkg.py"])
def test_module_layouts(tmp_path: Path, layout: str) -> None:
    root = write_project(tmp_path, files={layout: ""}).resolve()
    module = metadata.load(config.load(root)).module
    source = root / layout.removesuffix("/__init__.py")
    assert (module.name, module.source, module.base) == ("pkg", source, source.parent)


def test_generated_module_needs_no_sources(tmp_path: Path) -> None:
    root = write_project(tmp_path, '[tool.crosswheel.module]\ngenerated = "module"\n',
                         module=False)
    module = metadata.load(config.load(root)).module
    assert (module.source, module.files()) == (None, [])


# ------------------------------------------------------------------ [project] / dynamic


def test_dynamic_version_must_be_a_string(tmp_path: Path) -> None:
    root = write_project(tmp_path, project='[project]\nname = "pkg"\ndynamic = ["version"]\n',
                         files={"pkg/__init__.py": "__version__ = 1\n"}).resolve()
    assert error(root) == (f"{root / 'pyproject.toml'}: project.dynamic: version from "
                           "__init__.py must be a string, found int 1")


def test_dynamic_version_and_description_from_the_module(tmp_path: Path) -> None:
    root = write_project(tmp_path, project='[project]\nname = "pkg"\n'
                                           'dynamic = ["version", "description"]\n',
                         files={"pkg/__init__.py": '"""\n  First line.\n\nMore."""\n'
                                                   '__version__: str = "2.0.1"\n'})
    project = metadata.load(config.load(root))
    assert project.version == "2.0.1"
    assert b"\nSummary: First line.\n" in project.metadata


def test_dynamic_field_not_supported(tmp_path: Path) -> None:
    root = write_project(tmp_path, project='[project]\nname = "pkg"\nversion = "1"\n'
                                           'dynamic = ["dependencies", "readme"]\n')
    assert error(root).endswith("project.dynamic: crosswheel fills in only 'version' and "
                                "'description' from the module, not dependencies, readme")


def test_dynamic_version_missing(tmp_path: Path) -> None:
    root = write_project(tmp_path, project='[project]\nname = "pkg"\ndynamic = ["version"]\n',
                         files={"pkg.py": "x = 1\n"})
    msg = error(root)
    assert msg.endswith("has no __version__")


@pytest.mark.parametrize(("field", "fragment"), [
    ('name = "bad name!"\nversion = "1"',
     "project.name: 'bad name!' is not a valid distribution name"),
    ('name = "pkg"\nversion = "1.0.x"',
     "Invalid \"project.version\" value, expecting a valid PEP 440 version (got '1.0.x')"),
])
def test_invalid_pep621_fields(tmp_path: Path, field: str, fragment: str) -> None:
    root = write_project(tmp_path, "[tool.crosswheel.module]\nname = \"pkg\"\n",
                         project=f"[project]\n{field}\n").resolve()
    msg = error(root)
    assert msg.startswith(f"{root / 'pyproject.toml'}: ")
    assert fragment in msg


@pytest.mark.parametrize(("expression", "message"), [
    ("MIT AND", "Invalid license expression: 'MIT AND'"),
    ("MIT OR Nonsense-9", "Unknown license: 'nonsense-9'"),
])
def test_invalid_license_expression(tmp_path: Path, expression: str, message: str) -> None:
    root = write_project(tmp_path, project=f'[project]\nname = "pkg"\nversion = "1"\n'
                                           f'license = "{expression}"\n').resolve()
    assert error(root) == f"{root / 'pyproject.toml'}: project.license: {message}"


def test_valid_license_expression_and_files(tmp_path: Path) -> None:
    root = write_project(tmp_path, project='[project]\nname = "pkg"\nversion = "1"\n'
                                           'license = "MIT OR Apache-2.0"\n'
                                           'license-files = ["LICENSE*"]\n',
                         files={"pkg.py": "", "LICENSE": "m", "LICENSE.apache": "a"})
    project = metadata.load(config.load(root))
    assert project.license_files == ["LICENSE", "LICENSE.apache"]
    text = project.metadata.decode()
    assert "License-Expression: MIT OR Apache-2.0\n" in text
    assert "License-File: LICENSE\nLicense-File: LICENSE.apache\n" in text


def test_path_with_a_nul_character(tmp_path: Path) -> None:
    root = write_project(tmp_path, '[tool.crosswheel.cross]\nprefix = "~\\u0000"\n')
    assert error(root).endswith("tool.crosswheel.cross.prefix: expected a path (string), found a "
                                "string ('~\\x00')")
