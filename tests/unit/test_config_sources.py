"""Where configuration comes from and in which order: local, cross and -C override layers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from crosswheel import config
from crosswheel.config import CrossConfig, Settings
from crosswheel.errors import ConfigError

from .util import write_project

BASE = """\
    [tool.crosswheel.cmake]
    build_type = "Base"
    args = ["pyproject"]
    [tool.crosswheel.linux.cmake]
    args = ["linux"]
    [tool.crosswheel.windows.cmake]
    args = ["windows"]
    """


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = write_project(tmp_path / "proj", BASE).resolve()
    monkeypatch.chdir(tmp_path)
    return root


def args_and_type(root: Path, settings: Settings | None = None) -> tuple[list[str], str | None]:
    c = config.load(root, settings)
    return c.cmake[0].args, c.cmake[0].build_type


# ------------------------------------------------------------------ local files


def test_local_files_next_to_pyproject_apply_in_a_fixed_order(project: Path) -> None:
    (project / "crosswheel.local.toml").write_text('[cmake]\nargs = ["cw.toml"]\n'
                                                   'build_type = "CwToml"\n')
    (project / "crosswheel.local.pbc").write_text('# a comment\n\ncmake.args+="cw.pbc"\n')
    (project / "py-build-cmake.local.toml").write_text('[cmake]\nargs = ["pbc.toml"]\n')
    (project / "py-build-cmake.local.pbc").write_text('cmake.args+=["pbc.pbc"]\n'
                                                      'cmake.build_type="PbcPbc"\n')
    cfg = config.load(project)
    os_arg = {"linux": ["linux"], "windows": ["windows"]}.get(config.host_os(), [])
    assert cfg.cmake[0].args == ["pyproject", *os_arg, "cw.toml", "cw.pbc", "pbc.toml", "pbc.pbc"]
    assert cfg.cmake[0].build_type == "PbcPbc"
    assert cfg.sources == [
        f"{project / 'pyproject.toml'} [tool.crosswheel]",
        str(project / "crosswheel.local.toml"),
        f"{project / 'crosswheel.local.pbc'}:3",
        str(project / "py-build-cmake.local.toml"),
        f"{project / 'py-build-cmake.local.pbc'}:1",
        f"{project / 'py-build-cmake.local.pbc'}:2",
    ]


def test_local_file_given_in_settings_comes_after_the_automatic_ones(project: Path) -> None:
    (project / "crosswheel.local.toml").write_text('[cmake]\nargs = ["auto"]\n')
    extra = project.parent / "conf" / "mine.toml"
    extra.parent.mkdir()
    extra.write_text('[cmake]\nargs = ["mine"]\nsource_path = "cmake-src"\n'
                     'build_path = "/abs/build"\n')
    s = Settings.parse({"local": "conf/mine.toml"}, project.parent)
    c = config.load(project, s).cmake[0]
    assert c.args[-2:] == ["auto", "mine"]
    # Relative paths in an override file resolve against that file's folder.
    assert c.source_path == extra.parent / "cmake-src"
    assert c.build_path == "/abs/build"


def test_an_empty_override_file_overrides_nothing(project: Path) -> None:
    (project / "crosswheel.local.toml").write_text("")
    (project / "crosswheel.local.pbc").write_text("\n# nothing\n")
    empty = project / "empty.cross.toml"
    empty.write_text("")
    assert config.load(project, Settings(local=[empty])).cmake == config.load(project).cmake


def test_missing_override_files_are_errors(project: Path) -> None:
    missing = project / "nope.toml"
    for settings in (Settings(local=[missing]), Settings(cross=[missing])):
        with pytest.raises(ConfigError, match=f"^{re.escape(str(missing))}: file not found$"):
            config.load(project, settings)


def test_errors_in_a_local_file_name_that_file(project: Path) -> None:
    local = project / "crosswheel.local.toml"
    local.write_text("[cmak]\n")
    with pytest.raises(ConfigError) as e:
        config.load(project)
    assert str(e.value) == f"{local}: unknown key 'cmak'. Did you mean 'cmake'?"
    local.unlink()
    pbc = project / "crosswheel.local.pbc"
    pbc.write_text("cmake.args+=[ok]\ncmake.biuld_type=x\n")
    with pytest.raises(ConfigError) as e:
        config.load(project)
    assert str(e.value).startswith(f"{pbc}:2: [cmake]: unknown key 'biuld_type'. ")
    assert "Did you mean 'build_type'?" in str(e.value)


# ------------------------------------------------------------------ cross files


def test_cross_file_top_level_keys_and_tables(project: Path) -> None:
    folder = project.parent / "toolchains"
    folder.mkdir()
    cross = folder / "aarch64.toml"
    cross.write_text("""\
implementation = "cp"
version = "312"
abi = "cp312"
arch = "linux_aarch64"
soabi = "cpython-312-aarch64-linux-gnu"
toolchain_file = "aarch64.cmake"
prefix = "../sysroot/usr"
include_dir = "/abs/include"
copy_from_native_build = ["pkg/*.py"]
[cmake]
args = ["cross"]
build_type = "CrossType"
[cmake.options]
CROSSING = true
[wheel]
python_abi = "abi3"
""")
    cfg = config.load(project, Settings.parse({"--cross": "toolchains/aarch64.toml"},
                                              project.parent))
    assert cfg.cross == CrossConfig(
        implementation="cp", version="312", abi="cp312", arch="linux_aarch64",
        soabi="cpython-312-aarch64-linux-gnu", toolchain_file=folder / "aarch64.cmake",
        prefix=folder / "../sysroot/usr", include_dir=Path("/abs/include"),
        copy_from_native_build=["pkg/*.py"])
    c = cfg.cmake[0]
    assert c.build_type == "CrossType"
    assert c.args[0] == "pyproject" and c.args[-1] == "cross"
    assert c.options["CROSSING"].define("CROSSING") == "CROSSING:BOOL=On"
    assert cfg.wheel.python_abi == "abi3"
    assert cfg.sources[-1] == str(cross)


def test_cross_file_with_os_uses_that_os_section(project: Path) -> None:
    cross = project / "win.toml"
    cross.write_text('os = "windows"\narch = "win_amd64"\n[cmake]\nargs = ["cross"]\n')
    cfg = config.load(project, Settings(cross=[cross]))
    assert cfg.cmake[0].args == ["pyproject", "windows", "cross"]


def test_cross_files_next_to_pyproject_and_without_cross(project: Path) -> None:
    (project / "crosswheel.cross.toml").write_text('arch = "linux_armv7l"\n[cmake]\n'
                                                   'args = ["cross.toml"]\n')
    (project / "py-build-cmake.cross.pbc").write_text('version="310"\n'
                                                      'cmake.args+="cross.pbc"\n')
    cfg = config.load(project)
    assert cfg.cross == CrossConfig(arch="linux_armv7l", version="310")
    assert cfg.cmake[0].args[-2:] == ["cross.toml", "cross.pbc"]
    native = config.load(project, with_cross=False)
    assert native.cross is None
    assert "cross.toml" not in native.cmake[0].args
    assert "cross.pbc" not in native.cmake[0].args


def test_cross_pbc_file_paths_resolve_against_its_folder(project: Path) -> None:
    folder = project.parent / "cross"
    folder.mkdir()
    pbc = folder / "arm.pbc"
    pbc.write_text('arch="linux_armv7l"\ntoolchain_file=arm.cmake\n'
                   "cmake.source_path=../src\n")
    cfg = config.load(project, Settings.parse({"cross": "cross/arm.pbc"}, project.parent))
    assert cfg.cross == CrossConfig(arch="linux_armv7l", toolchain_file=folder / "arm.cmake")
    assert cfg.cmake[0].source_path == folder / "../src"
    assert cfg.sources[-3:] == [f"{pbc}:1", f"{pbc}:2", f"{pbc}:3"]


def test_a_cross_pbc_file_is_the_cross_section(project: Path) -> None:
    """py-build-cmake's level: `os=linux` in a cross file is cross.os; `cross.os` is refused."""
    pbc = project / "t.pbc"
    pbc.write_text("os=linux\narch=linux_armv7l\ncmake.build_args+=[-j1]\n")
    cfg = config.load(project, Settings(cross=[pbc]))
    assert cfg.cross == CrossConfig(os="linux", arch="linux_armv7l")
    assert cfg.cmake[0].build_args[-1] == "-j1"
    with pytest.raises(ConfigError, match=r":1: unknown key 'os'"):  # a local file: top level
        config.load(project, Settings(local=[pbc]))
    pbc.write_text("arch=linux_armv7l\ncross.arch=linux_aarch64\n")
    with pytest.raises(ConfigError) as e:
        config.load(project, Settings(cross=[pbc]))
    assert str(e.value).startswith(f"{pbc}:2: a cross file is the [cross] section already: ")


def test_unknown_key_in_a_cross_file(project: Path) -> None:
    cross = project / "bad.toml"
    cross.write_text('archh = "linux_aarch64"\n')
    with pytest.raises(ConfigError) as e:
        config.load(project, Settings(cross=[cross]))
    assert str(e.value) == f"{cross}: unknown key 'archh'. Did you mean 'arch'?"


def test_unknown_table_in_a_cross_file_suggests(project: Path) -> None:
    cross = project / "bad.toml"
    cross.write_text('[stubgn]\n')
    with pytest.raises(ConfigError, match=re.escape("unknown key 'stubgn'. Did you mean 'stubgen'?")):
        config.load(project, Settings(cross=[cross]))


# ------------------------------------------------------------------ -C override


def test_override_relative_paths_resolve_against_the_working_directory(project: Path) -> None:
    s = Settings.parse({"o": ["cmake.source_path=native", 'cross.toolchain_file="tc.cmake"']},
                       project.parent)
    cfg = config.load(project, s)
    assert cfg.cmake[0].source_path == project.parent / "native"
    assert cfg.cross is not None and cfg.cross.toolchain_file == project.parent / "tc.cmake"


def test_override_operators_on_loaded_config(project: Path) -> None:
    s = Settings(override=["cmake.args=+first", "cmake.args+=last", "cmake.build_type=!",
                           "cmake.install_components+=[py]", "cmake.args-=pyproject"])
    c = config.load(project, s).cmake[0]
    assert c.args[0] == "first" and c.args[-1] == "last" and "pyproject" not in c.args
    assert c.build_type is None
    assert c.config == []
    assert c.install_components == ["", "py"]


def test_override_syntax_error_names_the_setting(project: Path) -> None:
    with pytest.raises(ConfigError) as e:
        config.load(project, Settings(override=["cmake.args ~ 3"]))
    assert str(e.value) == ("-C override=cmake.args ~ 3: expected one of = += =+ -= =! +=(path) "
                            "=+(path), found '~' at column 12 in 'cmake.args ~ 3'")
    with pytest.raises(ConfigError) as e:
        config.load(project, Settings(override=["cmake.generatr=Ninja"]))
    assert str(e.value) == ("-C override=cmake.generatr=Ninja: [cmake]: unknown key 'generatr'. "
                            "Did you mean 'generator'?")


# ------------------------------------------------------------------ the whole order


def test_order_pyproject_os_local_cross_override(project: Path) -> None:
    if config.host_os() != "linux":
        pytest.skip("the OS layer is checked with the Linux section")
    (project / "crosswheel.local.toml").write_text('[cmake]\nargs = ["local"]\n'
                                                   'build_type = "Local"\n')
    cross = project / "c.toml"
    cross.write_text('arch = "linux_aarch64"\n[cmake]\nargs = ["cross"]\nbuild_type = "Cross"\n')
    s = Settings(cross=[cross], override=['cmake.args+="override"'])
    assert args_and_type(project, s) == (["pyproject", "linux", "local", "cross", "override"],
                                         "Cross")
    s = Settings(cross=[cross], override=['cmake.build_type="Override"'])
    assert args_and_type(project, s)[1] == "Override"
    s = Settings(override=['cmake.build_type="Override"'])
    assert args_and_type(project, s)[1] == "Override"
    assert args_and_type(project)[1] == "Local"


def test_cross_keys_merge_across_layers(project: Path) -> None:
    cross = project / "c.toml"
    cross.write_text('arch = "linux_aarch64"\nversion = "311"\n')
    s = Settings(cross=[cross], override=['cross.version="312"', 'cross.abi="cp312"'])
    assert config.load(project, s).cross == CrossConfig(arch="linux_aarch64", version="312",
                                                        abi="cp312")


# ------------------------------------------------------------------ Settings.parse


@pytest.mark.parametrize("key", ["cross", "--cross"])
def test_settings_cross_spellings(key: str) -> None:
    s = Settings.parse({key: ["a.toml", "/abs/b.toml"]}, Path("/work"))
    assert s == Settings(cross=[Path("/work/a.toml"), Path("/abs/b.toml")])


@pytest.mark.parametrize("key", ["local", "--local"])
def test_settings_local_spellings(key: str) -> None:
    assert Settings.parse({key: "x.toml"}, Path("/w")) == Settings(local=[Path("/w/x.toml")])


@pytest.mark.parametrize("key", ["override", "--override", "o", "-o"])
def test_settings_override_spellings(key: str) -> None:
    s = Settings.parse({key: ["cmake.args+=a", "wheel.python_abi=none"]}, Path("/w"))
    assert s == Settings(override=["cmake.args+=a", "wheel.python_abi=none"])


@pytest.mark.parametrize("value", ["", "1", 1, "true", True, "yes", "y", "on", "ON", " Yes "])
@pytest.mark.parametrize("key", ["verbose", "--verbose", "V", "-V"])
def test_settings_verbose_truthy(key: str, value: object) -> None:
    assert Settings.parse({key: value}).verbose is True


@pytest.mark.parametrize("value", ["0", 0, "false", False, "no", "n", "off"])
def test_settings_verbose_falsy(value: object) -> None:
    assert Settings.parse({"verbose": value}).verbose is False


def test_settings_verbose_reaches_the_config(project: Path) -> None:
    assert config.load(project, Settings.parse({"V": ""})).verbose is True


def test_settings_bad_verbose_value() -> None:
    with pytest.raises(ConfigError) as e:
        Settings.parse({"verbose": "maybe"})
    assert str(e.value).startswith("config setting verbose: expected one of [")
    assert str(e.value).endswith("found 'maybe'")


def test_settings_unknown_key_suggests() -> None:
    with pytest.raises(ConfigError) as e:
        Settings.parse({"--crosss": "x"})
    assert str(e.value) == "config settings (-C): unknown key 'crosss'. Did you mean 'cross'?"
    with pytest.raises(ConfigError) as e:
        Settings.parse({"builddir": "x"})
    assert str(e.value) == ("config settings (-C): unknown key 'builddir'. Valid keys: local, "
                            "cross, override, o, verbose, V, verbose-env, loglevel.")


def test_settings_empty() -> None:
    assert Settings.parse(None) == Settings()
    assert Settings.parse({}) == Settings()


def test_os_section_inside_a_local_file_applies_on_that_os(tmp_path: Path) -> None:
    from crosswheel.config import host_os

    root = write_project(tmp_path, '[tool.crosswheel.cmake]\nbuild_type = "Release"\n')
    other = "windows" if host_os() != "windows" else "linux"
    (root / "crosswheel.local.toml").write_text(
        f'[{host_os()}.cmake]\nbuild_type = "Debug"\n[{other}.cmake]\nbuild_type = "MinSizeRel"\n')
    cfg = config.load(root)
    assert cfg.cmake[0].build_type == "Debug"


def test_plain_cmake_key_in_a_later_source_beats_a_cmake_n_key(tmp_path: Path) -> None:
    root = write_project(tmp_path, '[tool.crosswheel.cmake]\nbuild_type = "Release"\n'
                                   '[tool.crosswheel.cmake.0]\nsource_path = "a"\n'
                                   'build_type = "Debug"\n'
                                   '[tool.crosswheel.cmake.1]\nsource_path = "b"\n')
    (root / "crosswheel.local.toml").write_text('[cmake]\nbuild_type = "MinSizeRel"\n')
    cfgs = config.load(root).cmake
    assert [c.index for c in cfgs] == [0, 1]
    assert [c.build_type for c in cfgs] == ["MinSizeRel", "MinSizeRel"]
    assert [c.source_path.name for c in cfgs] == ["a", "b"]
    # Without the later source, each project keeps its own value.
    (root / "crosswheel.local.toml").unlink()
    assert [c.build_type for c in config.load(root).cmake] == ["Debug", "Release"]


def test_override_lines_take_bare_numbers_for_string_options(tmp_path: Path) -> None:
    root = write_project(tmp_path, '[tool.crosswheel.cmake]\nbuild_type = "Release"\n')
    cfg = config.load(root, Settings(override=["wheel.build_tag=1", "cross.version=312",
                                               "cross.arch=linux_aarch64"]))
    assert cfg.wheel.build_tag == "1"
    assert cfg.cross is not None and cfg.cross.version == "312"
    # In a TOML file a number stays a type error: there the quotes are the user's to write.
    (root / "crosswheel.local.toml").write_text("[wheel]\nbuild_tag = 1\n")
    with pytest.raises(ConfigError, match=r"wheel\.build_tag: expected a string, found an integer"):
        config.load(root)


def test_cross_file_without_target_keys_still_applies_its_tables(tmp_path: Path) -> None:
    root = write_project(tmp_path, '[tool.crosswheel.cmake]\nbuild_type = "Release"\n')
    (root / "crosswheel.cross.toml").write_text('[cmake]\nbuild_type = "Debug"\n')
    cfg = config.load(root)
    assert cfg.cross is None  # nothing says which target: a native build
    assert cfg.cmake[0].build_type == "Debug"


def test_environment_edits_start_from_the_current_value(tmp_path: Path, monkeypatch) -> None:
    import os

    monkeypatch.setenv("CW_PATHS", "/usr/bin")
    monkeypatch.setenv("CW_FLAGS", "-O2 -g $x")
    monkeypatch.delenv("CW_UNSET", raising=False)
    root = write_project(tmp_path, '[tool.crosswheel.cmake]\nbuild_type = "Release"\n'
                                   'env = { CW_FLAGS = { "+" = " -Wall", "-" = "-g " } }\n')
    cfg = config.load(root, Settings(override=[
        "cmake.env.CW_PATHS+=(path)/opt/bin", "cmake.env.CW_PATHS=+(path)/first",
        "cmake.env.CW_UNSET+=(path)\"${HOME}/bin\"", "cmake.env.CW_NEW=plain"]))
    env = cfg.cmake[0].env
    assert env["CW_PATHS"] == os.pathsep.join(["/first", "/usr/bin", "/opt/bin"])
    assert env["CW_FLAGS"] == "-O2 $$x -Wall"  # the inherited $ stays literal
    assert env["CW_UNSET"] == "${HOME}/bin"  # nothing to append to; ${HOME} expands later
    assert env["CW_NEW"] == "plain"
    # A later plain value replaces the edits.
    cfg = config.load(root, Settings(override=["cmake.env.CW_FLAGS=-O0"]))
    assert cfg.cmake[0].env["CW_FLAGS"] == "-O0"


@pytest.mark.parametrize(("line", "hint"), [
    ("cmake.env-={A=x}", "found the edit '-'; edit one entry instead (cmake.env.NAME-=...)"),
    ("cmake.options=+{A=x}", "found the edit 'prepend'; edit one entry instead "
                             "(cmake.options.NAME=+...)"),
    ("cmake.env+=(path){A=x}", "found the edit '+(path)'"),
])
def test_a_whole_table_takes_assign_and_merge_only(project: Path, line: str, hint: str) -> None:
    with pytest.raises(ConfigError) as e:
        config.load(project, Settings(override=[line]))
    assert str(e.value).startswith(f"-C override={line}: ")
    assert "a whole table takes = or += only, " + hint in str(e.value)


def test_merging_a_whole_table_keeps_the_other_keys(project: Path) -> None:
    c = config.load(project, Settings(override=[
        "cmake.env.OLD=keep", "cmake.options.OLD_OPT=keep",
        'cmake.env+={NEW = "1"}', "cmake.options+={NEW_OPT = True}"])).cmake[0]
    assert c.env["OLD"] == "keep" and c.env["NEW"] == "1"
    assert c.options["OLD_OPT"].define("OLD_OPT") == "OLD_OPT=keep"
    assert c.options["NEW_OPT"].define("NEW_OPT") == "NEW_OPT:BOOL=On"


def test_py_build_cmake_logging_settings_are_accepted_and_checked(project: Path) -> None:
    s = Settings.parse({"--loglevel": "debug", "verbose-env": "1", "-o": "cmake.build_type=X"})
    assert s == Settings(override=["cmake.build_type=X"])
    with pytest.raises(ConfigError, match=r"^config setting loglevel: expected one of CRITICAL, "):
        Settings.parse({"loglevel": "chatty"})
    with pytest.raises(ConfigError, match=r"^config setting --verbose-env: expected one of "):
        Settings.parse({"--verbose-env": "maybe"})


def test_text_edits_of_a_string_option(project: Path) -> None:
    """py-build-cmake's string operators work on any string option, not only cmake.env."""
    import os

    c = config.load(project, Settings(override=[
        "cmake.build_type+=WithDebInfo", "cmake.build_type=+Rel", "cmake.build_type-=Base",
        "cmake.generator+=(path)b", "cmake.generator=+(path)a"])).cmake[0]
    assert c.build_type == "RelWithDebInfo"
    assert c.generator == os.pathsep.join(["a", "b"])  # no value yet: no separator at the end
    cfg = config.load(project, Settings(override=["cmake.build_type+=X"]))
    assert cfg.provenance["cmake.build_type"] == [
        f"{project / 'pyproject.toml'} [tool.crosswheel]", "-C override=cmake.build_type+=X"]
    with pytest.raises(ConfigError, match=r"editable\.mode: expected a string"):
        config.load(project, Settings(override=["editable.mode+=x"]))  # not on a choice


@pytest.mark.parametrize(("env", "settings", "verbose"), [
    ({}, {}, False),
    ({"PY_BUILD_CMAKE_VERBOSE": "1"}, {}, True),
    ({"PY_BUILD_CMAKE_VERBOSE": ""}, {}, True),           # empty is truthy, as for -C verbose
    ({"PY_BUILD_CMAKE_VERBOSE": "0", "GITHUB_RUN_ATTEMPT": "2"}, {}, False),
    ({"GITHUB_RUN_ATTEMPT": "2"}, {}, True),              # a re-run in GitHub Actions
    ({"GITHUB_RUN_ATTEMPT": "1"}, {}, False),
    ({"GITHUB_RUN_ATTEMPT": "x"}, {}, False),
    ({"PY_BUILD_CMAKE_VERBOSE": "1"}, {"verbose": "false"}, False),  # -C verbose wins
])
def test_verbose_from_the_environment(env: dict[str, str], settings: dict[str, str],
                                      verbose: bool) -> None:
    assert Settings.parse(settings, env=env).verbose is verbose


@pytest.mark.parametrize(("line", "value"), [
    ("editable.build_hook=True", True), ("editable.build_hook=true", True),
    ("editable.build_hook=False", False),
])
def test_capitalised_booleans(project: Path, line: str, value: bool) -> None:
    assert config.load(project, Settings(override=[line])).editable.build_hook is value


def test_a_bool_option_refuses_a_spaced_true(project: Path) -> None:
    """`key = true` is the string " true" in py-build-cmake's language: a clear error, not True."""
    with pytest.raises(ConfigError) as e:
        config.load(project, Settings(override=["editable.build_hook = true"]))
    assert str(e.value) == ("-C override=editable.build_hook = true: editable.build_hook: "
                            "expected true or false, found a string (' true') (spaces around a "
                            "bare value are part of it: write KEY=VALUE)")


def test_clearing_a_whole_section(project: Path) -> None:
    """`cmake=!` (py-build-cmake's clear on a section): no CMake build, a pure-Python wheel."""
    cfg = config.load(project, Settings(override=["cmake=!"]))
    assert cfg.cmake == [] and cfg.wheel.pure_python
    assert "cmake.build_type" not in cfg.provenance
    cfg = config.load(project, Settings(override=["cmake=!", "cmake.build_type=Again"]))
    assert [(c.build_type, c.args) for c in cfg.cmake] == [("Again", [])]
    assert cfg.provenance["cmake.build_type"] == ["-C override=cmake.build_type=Again"]
    for line in ("linux=!", "linux.cmake=!", "cross=!"):
        with pytest.raises(ConfigError, match=r"'=!' clears an option, or one of the sections "
                                              r"module, editable, sdist, cmake, wheel, stubgen"):
            config.load(project, Settings(override=[line]))
