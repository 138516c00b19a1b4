"""config.load: the tool table, defaults, sub-tables, per-OS sections and merge semantics."""

from __future__ import annotations

from pathlib import Path

import pytest

from crosswheel import config
from crosswheel import options as O
from crosswheel.cmake import expand_env
from crosswheel.config import CMakeOption, Settings
from crosswheel.errors import ConfigError

from .util import write_project


def load(root: Path, **settings: object) -> config.Config:
    return config.load(root, Settings(**settings))  # type: ignore[arg-type]


# ------------------------------------------------------------------ which table


@pytest.mark.parametrize("table", ["crosswheel", "py-build-cmake"])
def test_either_tool_table_is_read(tmp_path: Path, table: str) -> None:
    root = write_project(tmp_path, f'[tool.{table}.cmake]\nbuild_type = "Debug"\n')
    cfg = load(root)
    assert cfg.table_name == table
    assert cfg.cmake[0].build_type == "Debug"
    assert cfg.sources == [f"{root / 'pyproject.toml'} [tool.{table}]"]


def test_both_tool_tables_is_an_error_naming_both(tmp_path: Path) -> None:
    root = write_project(tmp_path, '[tool.crosswheel.cmake]\n[tool.py-build-cmake.cmake]\n')
    with pytest.raises(ConfigError) as e:
        load(root)
    msg = str(e.value)
    assert msg.startswith(f"{root / 'pyproject.toml'}: ")
    assert "[tool.crosswheel]" in msg and "[tool.py-build-cmake]" in msg


def test_other_tools_tables_are_ignored(tmp_path: Path) -> None:
    root = write_project(tmp_path, "[tool.black]\nline-length = 3\n[tool.scikit-build]\nx = 1\n")
    cfg = load(root)
    assert cfg.table_name is None
    assert cfg.cmake == []
    assert cfg.wheel.pure_python is True


# ------------------------------------------------------------------ defaults


def test_defaults_without_a_tool_table(tmp_path: Path) -> None:
    root = write_project(tmp_path, name="My.Cool-Project_x", module=False).resolve()
    cfg = load(root)
    assert cfg.project_dir == root
    assert cfg.table_name is None
    assert cfg.module == config.ModuleConfig(name="my_cool_project_x", directory=root,
                                             namespace=False, generated=None)
    assert cfg.sdist == config.SdistConfig(include=[], exclude=[])
    assert cfg.editable == config.EditableConfig(mode="symlink", build_hook=False)
    assert cfg.wheel == config.WheelConfig(
        pure_python=True, python_tag=["auto"], python_abi="auto", abi3_minimum_cpython_version=32,
        abi_tag=None, platform_tag=None, build_tag=None)
    assert cfg.cmake == []
    assert cfg.stubgen is None
    assert cfg.cross is None
    assert cfg.verbose is False


def test_defaults_of_an_empty_cmake_section(tmp_path: Path) -> None:
    root = write_project(tmp_path, "[tool.crosswheel.cmake]\n").resolve()
    cfg = load(root)
    assert cfg.wheel.pure_python is False
    assert cfg.cmake == [config.CMakeConfig(
        index=0, minimum_version="3.15", build_type=None, config=[], preset=None,
        build_presets=None, generator=None, source_path=root,
        build_path=str(root / ".py-build-cmake_cache" / "{build_config}"), options={}, args=[],
        find_python=True, find_python3=True, build_args=[], build_tool_args=[],
        install_config=[], install_args=[], install_components=[""], env={})]


def test_plain_defaults_agree_with_options_py(tmp_path: Path) -> None:
    """Every option with a literal default in options.py gets exactly that default."""
    root = write_project(tmp_path, "[tool.crosswheel.cmake]\n[tool.crosswheel.stubgen]\n"
                                   ).resolve()
    cfg = load(root)
    loaded = {"module": cfg.module, "sdist": cfg.sdist, "editable": cfg.editable,
              "wheel": cfg.wheel, "cmake": cfg.cmake[0], "stubgen": cfg.stubgen}
    checked = 0
    for name, obj in loaded.items():
        for opt in O.SECTIONS[name].options:
            if opt.default_doc:
                continue  # computed: tested on its own
            value = getattr(obj, opt.name)
            if opt.kind == "path":
                assert Path(value) == root / opt.default, (name, opt.name)
            else:
                assert value == opt.default, (name, opt.name)
            checked += 1
    assert checked >= 25


def test_cmake_generator_defaults_to_the_environment(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CMAKE_GENERATOR", "Ninja Multi-Config")
    root = write_project(tmp_path, "[tool.crosswheel.cmake]\n")
    assert load(root).cmake[0].generator == "Ninja Multi-Config"
    root2 = write_project(tmp_path / "b", '[tool.crosswheel.cmake]\ngenerator = "Unix Makefiles"\n')
    assert load(root2).cmake[0].generator == "Unix Makefiles"


def test_config_defaults_to_build_type_and_install_config_to_config(tmp_path: Path) -> None:
    root = write_project(tmp_path, '[tool.crosswheel.cmake]\nbuild_type = "RelWithDebInfo"\n')
    c = load(root).cmake[0]
    assert c.config == ["RelWithDebInfo"]
    assert c.install_config == ["RelWithDebInfo"]
    root = write_project(tmp_path / "b", '[tool.crosswheel.cmake]\nbuild_type = "Release"\n'
                                         'config = ["Debug", "Release"]\n')
    c = load(root).cmake[0]
    assert (c.build_type, c.config, c.install_config) == ("Release", ["Debug", "Release"],
                                                           ["Debug", "Release"])
    root = write_project(tmp_path / "c", '[tool.crosswheel.cmake]\nconfig = ["Debug", "Release"]\n'
                                         'install_config = ["Release"]\n')
    c = load(root).cmake[0]
    assert (c.config, c.install_config) == (["Debug", "Release"], ["Release"])


def test_a_single_string_is_a_one_element_list(tmp_path: Path) -> None:
    root = write_project(tmp_path, '[tool.crosswheel.cmake]\nconfig = "Debug"\nargs = "-Wdev"\n'
                                   'install_components = "python_modules"\n')
    c = load(root).cmake[0]
    assert (c.config, c.args, c.install_components) == (["Debug"], ["-Wdev"], ["python_modules"])


def test_build_path_is_made_absolute_and_keeps_the_placeholder(tmp_path: Path) -> None:
    root = write_project(tmp_path, '[tool.crosswheel.cmake]\nbuild_path = "out/{build_config}"\n'
                                   'source_path = "native"\n').resolve()
    c = load(root).cmake[0]
    assert c.build_path == str(root / "out" / "{build_config}")
    assert c.source_path == root / "native"


def test_pure_python_can_be_forced_either_way(tmp_path: Path) -> None:
    root = write_project(tmp_path, "[tool.crosswheel.cmake]\n[tool.crosswheel.wheel]\n"
                                   "pure_python = true\n")
    assert load(root).wheel.pure_python is True
    root = write_project(tmp_path / "b", "[tool.crosswheel.wheel]\npure_python = false\n")
    assert load(root).wheel.pure_python is False
    # A cmake section that only appears in a per-OS table still makes the wheel non-pure.
    root = write_project(tmp_path / "c", '[tool.crosswheel.linux.cmake]\nbuild_type = "Debug"\n')
    cfg = load(root)
    assert cfg.wheel.pure_python is (config.host_os() != "linux")


def test_module_name_and_directory(tmp_path: Path) -> None:
    root = write_project(tmp_path, '[tool.crosswheel.module]\nname = "fast_thing"\n'
                                   'directory = "python"\nnamespace = true\n'
                                   'generated = "package"\n', name="Fast-Thing").resolve()
    assert load(root).module == config.ModuleConfig("fast_thing", root / "python", True, "package")


def test_stubgen_section_present_gets_defaults(tmp_path: Path) -> None:
    root = write_project(tmp_path, '[tool.crosswheel.stubgen]\npackages = ["pkg"]\n')
    assert load(root).stubgen == config.StubgenConfig(packages=["pkg"], modules=None, files=None,
                                                      args=[])


# ------------------------------------------------------------------ cmake.0, cmake.1


def test_numeric_subtables_inherit_plain_keys_in_index_order(tmp_path: Path) -> None:
    root = write_project(tmp_path, """\
        [tool.crosswheel.cmake]
        build_type = "Release"
        args = ["-DCOMMON=1"]
        options = { SHARED = "yes" }
        [tool.crosswheel.cmake.10]
        source_path = "ten"
        [tool.crosswheel.cmake.2]
        build_type = "Debug"
        args = ["-DTWO=1"]
        options = { ONLY_TWO = true }
        """).resolve()
    cs = load(root).cmake
    assert [c.index for c in cs] == [2, 10]
    two, ten = cs
    assert (two.build_type, two.config, two.source_path) == ("Debug", ["Debug"], root)
    assert two.args == ["-DCOMMON=1", "-DTWO=1"]
    assert two.options == {"SHARED": CMakeOption(("yes",)), "ONLY_TWO": CMakeOption((True,), "BOOL")}
    assert (ten.build_type, ten.config, ten.source_path) == ("Release", ["Release"], root / "ten")
    assert ten.args == ["-DCOMMON=1"]
    assert ten.options == {"SHARED": CMakeOption(("yes",))}


def test_numeric_subtable_key_must_be_ascii_digits(tmp_path: Path) -> None:
    root = write_project(tmp_path, '[tool.crosswheel.cmake."\u00b2"]\nargs = []\n')
    with pytest.raises(ConfigError, match=r"\[tool\.crosswheel\.cmake\]: unknown key '\u00b2'"):
        load(root)


# ------------------------------------------------------------------ per-OS sections


OS_PROJECT = """\
    [tool.crosswheel.cmake]
    build_type = "Release"
    args = ["-DBASE=1"]
    [tool.crosswheel.linux.cmake]
    build_type = "Debug"
    args = ["-DLINUX=1"]
    [tool.crosswheel.windows.cmake]
    build_type = "MinSizeRel"
    args = ["-DWINDOWS=1"]
    [tool.crosswheel.windows.wheel]
    python_abi = "abi3"
    [tool.crosswheel.mac.cmake]
    args = ["-DMAC=1"]
    """


@pytest.mark.skipif(config.host_os() != "linux", reason="checks the Linux section natively")
def test_linux_section_overrides_the_base_natively(tmp_path: Path) -> None:
    cfg = load(write_project(tmp_path, OS_PROJECT))
    c = cfg.cmake[0]
    assert c.build_type == "Debug"
    assert c.args == ["-DBASE=1", "-DLINUX=1"]  # args is list+: the OS section appends
    assert cfg.wheel.python_abi == "auto"  # the windows section is not applied here
    assert cfg.cross is None


@pytest.mark.parametrize(("os_name", "build_type", "args"), [
    ("windows", "MinSizeRel", ["-DBASE=1", "-DWINDOWS=1"]),
    ("mac", "Release", ["-DBASE=1", "-DMAC=1"]),
    ("linux", "Debug", ["-DBASE=1", "-DLINUX=1"]),
])
def test_cross_os_selects_that_os_section(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          os_name: str, build_type: str, args: list[str]) -> None:
    monkeypatch.chdir(tmp_path)
    cfg = load(write_project(tmp_path, OS_PROJECT), override=[f'cross.os="{os_name}"'])
    assert cfg.cross == config.CrossConfig(os=os_name)
    assert (cfg.cmake[0].build_type, cfg.cmake[0].args) == (build_type, args)
    assert cfg.wheel.python_abi == ("abi3" if os_name == "windows" else "auto")


def test_cross_section_in_pyproject_applies_only_with_cross_keys(tmp_path: Path) -> None:
    root = write_project(tmp_path, """\
        [tool.crosswheel.cmake]
        args = ["-DBASE=1"]
        [tool.crosswheel.cross]
        arch = "linux_aarch64"
        [tool.crosswheel.cross.cmake]
        args = ["-DCROSS=1"]
        """)
    cfg = load(root)
    assert cfg.cross == config.CrossConfig(arch="linux_aarch64")
    assert cfg.cmake[0].args[0] == "-DBASE=1" and cfg.cmake[0].args[-1] == "-DCROSS=1"
    native = config.load(root, Settings(), with_cross=False)
    assert native.cross is None
    assert native.cmake[0].args[-1] != "-DCROSS=1"


# ------------------------------------------------------------------ merge semantics


def test_list_plus_appends_and_list_replaces_in_a_local_file(tmp_path: Path) -> None:
    root = write_project(tmp_path, """\
        [tool.crosswheel.cmake]
        config = ["Release"]
        args = ["-DA=1"]
        build_args = ["--verbose"]
        install_components = ["python_modules"]
        [tool.crosswheel.sdist]
        include = ["CMakeLists.txt"]
        """)
    (root / "crosswheel.local.toml").write_text(
        '[cmake]\nconfig = ["Debug"]\nargs = ["-DB=2"]\nbuild_args = ["-j2"]\n'
        'install_components = ["other"]\n[sdist]\ninclude = ["src/**"]\n')
    c = load(root).cmake[0]
    assert c.config == ["Debug"]
    assert c.install_config == ["Debug"]
    assert c.args == ["-DA=1", "-DB=2"]
    assert c.build_args == ["--verbose", "-j2"]
    assert c.install_components == ["other"]
    assert load(root).sdist.include == ["src/**"]


@pytest.mark.parametrize(("form", "expected"), [
    ('{ "+" = ["C"] }', ["A", "B", "C"]),
    ('{ append = ["C"] }', ["A", "B", "C"]),
    ('{ prepend = ["P", "Q"] }', ["P", "Q", "A", "B"]),
    ('{ "-" = ["A"] }', ["B"]),
    ('{ remove = ["A", "nothing"] }', ["B"]),
    ('{ "=" = ["Z"] }', ["Z"]),
    ('{ value = [] }', []),
    ('{ "=" = ["Z"], "+" = ["Y"], prepend = ["X"], "-" = ["Z"] }', ["X", "Y"]),
    ('["C"]', ["C"]),  # a plain list replaces a "list" option
])
def test_dict_merge_forms_on_a_list(tmp_path: Path, form: str, expected: list[str]) -> None:
    root = write_project(tmp_path, '[tool.crosswheel.cmake]\nconfig = ["A", "B"]\n')
    (root / "crosswheel.local.toml").write_text(f"[cmake]\nconfig = {form}\n")
    assert load(root).cmake[0].config == expected


def test_dict_merge_forms_on_list_plus(tmp_path: Path) -> None:
    root = write_project(tmp_path, '[tool.crosswheel.cmake]\nargs = ["-DA", "-DB"]\n')
    (root / "crosswheel.local.toml").write_text('[cmake]\nargs = { "=" = ["-DONLY"] }\n')
    assert load(root).cmake[0].args == ["-DONLY"]
    (root / "crosswheel.local.toml").write_text('[cmake]\nargs = { "-" = ["-DA"] }\n')
    assert load(root).cmake[0].args == ["-DB"]


def test_dict_form_without_an_earlier_value_starts_from_the_default(tmp_path: Path) -> None:
    root = write_project(tmp_path, '[tool.crosswheel.cmake]\n'
                                   'install_components = { "+" = ["python_modules"] }\n')
    assert load(root).cmake[0].install_components == ["", "python_modules"]
    root = write_project(tmp_path / "b", '[tool.crosswheel.wheel]\n'
                                         'python_tag = { prepend = ["py2"] }\n')
    assert load(root).wheel.python_tag == ["py2", "auto"]


def test_env_is_merged_key_by_key_and_kept_unexpanded(tmp_path: Path) -> None:
    root = write_project(tmp_path, '[tool.crosswheel.cmake]\n'
                                   'env = { A = "${HOME}/a", B = "$$literal" }\n')
    (root / "crosswheel.local.toml").write_text('[cmake]\nenv = { B = "b", C = "${A}c" }\n')
    assert load(root).cmake[0].env == {"A": "${HOME}/a", "B": "b", "C": "${A}c"}


def test_expand_env() -> None:
    env = {"HOME": "/home/me", "A": "x"}
    assert expand_env("${HOME}/a", env) == "/home/me/a"
    assert expand_env("$$", env) == "$"
    assert expand_env("$${A}", env) == "${A}"
    assert expand_env("pre-${A}-${A}-post", env) == "pre-x-x-post"
    assert expand_env("${MISSING}|", env) == "|"
    assert expand_env("$HOME and $", env) == "$HOME and $"
    assert expand_env("a$$$${A}", env) == "a$${A}"


# ------------------------------------------------------------------ cmake.options


@pytest.mark.parametrize(("toml", "define"), [
    ('"hello world"', "X=hello world"),
    ("true", "X:BOOL=On"),
    ("false", "X:BOOL=Off"),
    ('["a", "b;c", "d"]', r"X=a;b\;c;d"),
    ("[true, false]", "X:BOOL=On;Off"),
    ('{ value = "/usr/lib", type = "PATH" }', "X:PATH=/usr/lib"),
    ('{ "=" = ["1"], type = "string" }', "X:STRING=1"),
    ('{ value = true, type = "BOOL" }', "X:BOOL=On"),
    ('{ value = ["a"], append = ["b"], prepend = ["p"] }', "X=p;a;b"),
    ('{ value = ["a", "b", "c"], remove = ["b"] }', "X=a;c"),
    ('{ value = ["a", "b"], "-" = ["a"], "+" = ["z"] }', "X=b;z"),
    ("[]", "X="),
])
def test_cmake_option_forms(tmp_path: Path, toml: str, define: str) -> None:
    root = write_project(tmp_path, f"[tool.crosswheel.cmake.options]\nX = {toml}\n")
    assert load(root).cmake[0].options["X"].define("X") == define


def test_cmake_option_define_directly() -> None:
    assert CMakeOption(("a;b",)).define("N") == r"N=a\;b"
    assert CMakeOption((True,), "STRING").define("N") == "N:STRING=On"
    assert CMakeOption(("x", True)).define("N") == "N=x;On"
    assert CMakeOption((), "FILEPATH").define("N") == "N:FILEPATH="


def test_cmake_options_are_merged_across_layers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                ) -> None:
    monkeypatch.chdir(tmp_path)
    root = write_project(tmp_path, """\
        [tool.crosswheel.cmake.options]
        CMAKE_PREFIX_PATH = { value = ["/opt/a"], type = "PATH" }
        KEEP = "k"
        DROP = "d"
        """)
    (root / "crosswheel.local.toml").write_text(
        '[cmake.options]\nCMAKE_PREFIX_PATH = { "+" = ["/opt/b"], prepend = ["/opt/0"] }\n'
        'NEW = false\n')
    cfg = load(root, override=['cmake.options.CMAKE_PREFIX_PATH-="/opt/a"',
                               "cmake.options.DROP=!", "cmake.options.KEEP+=more"])
    opts = cfg.cmake[0].options
    assert sorted(opts) == ["CMAKE_PREFIX_PATH", "KEEP", "NEW"]
    assert opts["CMAKE_PREFIX_PATH"].define("CMAKE_PREFIX_PATH") == \
        "CMAKE_PREFIX_PATH:PATH=/opt/0;/opt/b"
    assert opts["KEEP"].define("KEEP") == "KEEP=k;more"
    assert opts["NEW"].define("NEW") == "NEW:BOOL=Off"


def test_cmake_option_type_conflict_is_an_error_unless_not_strict(tmp_path: Path) -> None:
    root = write_project(tmp_path, '[tool.crosswheel.cmake.options]\n'
                                   'P = { value = "/x", type = "PATH" }\n')
    local = root / "crosswheel.local.toml"
    local.write_text('[cmake.options]\nP = { value = "/y", type = "STRING" }\n')
    with pytest.raises(ConfigError) as e:
        load(root)
    assert str(e.value) == (f"{local}: cmake.options.P: type STRING conflicts with PATH set "
                            "earlier (add strict = false to allow)")
    local.write_text('[cmake.options]\nP = { value = "/y", type = "STRING", strict = false }\n')
    assert load(root).cmake[0].options["P"] == CMakeOption(("/y",), "STRING")
    # A PATH may become a FILEPATH (py-build-cmake's one allowed refinement), not the reverse.
    local.write_text('[cmake.options]\nP = { value = "/y", type = "FILEPATH" }\n')
    assert load(root).cmake[0].options["P"] == CMakeOption(("/y",), "FILEPATH")
    with pytest.raises(ConfigError, match="type PATH conflicts with FILEPATH set earlier"):
        load(root, override=["cmake.options.P={type = PATH, value = /p}"])
    # The same type again, or no type, is no conflict; the earlier type is kept.
    local.write_text('[cmake.options]\nP = { value = "/z", type = "path" }\n')
    assert load(root).cmake[0].options["P"] == CMakeOption(("/z",), "PATH")
    local.write_text('[cmake.options]\nP = "/w"\n')
    assert load(root).cmake[0].options["P"] == CMakeOption(("/w",), "PATH")


def test_a_pyodide_section_is_accepted_and_never_applies(tmp_path: Path) -> None:
    """py-build-cmake projects may carry [pyodide] tables; crosswheel loads them, never uses them."""
    root = write_project(tmp_path, '[tool.py-build-cmake.cmake]\nbuild_type = "Release"\n'
                                   '[tool.py-build-cmake.pyodide.cmake]\nbuild_type = "Pyodide"\n')
    assert load(root).cmake[0].build_type == "Release"
    (root / "pyproject.toml").write_text((root / "pyproject.toml").read_text().replace(
        "[tool.py-build-cmake.pyodide.cmake]", "[tool.py-build-cmake.pyodide.cmak]"))
    with pytest.raises(ConfigError, match=r"unknown key 'cmak'"):
        load(root)


def test_a_boolean_cmake_option_stays_bool_as_in_py_build_cmake(tmp_path: Path) -> None:
    root = write_project(tmp_path, '[tool.crosswheel.cmake.options]\nX = true\n'
                                   'P = { value = "/x", type = "PATH" }\n'
                                   'L = { append = [true, false] }\n')
    opts = load(root, override=["cmake.options.X=OFF", "cmake.options.P=True"]).cmake[0].options
    assert opts["X"].define("X") == "X:BOOL=OFF"  # a later plain string keeps the BOOL type
    assert opts["P"].define("P") == "P:BOOL=On"  # a plain value is not strict: it may retype
    assert opts["L"].define("L") == "L:BOOL=On;Off"
    with pytest.raises(ConfigError, match="type STRING conflicts with BOOL set earlier"):
        load(root, override=["cmake.options.X={value = a, type = STRING}"])  # a table is strict
