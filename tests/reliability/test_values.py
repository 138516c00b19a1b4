"""Issue 12 §4: values validated before use. Each bad value is refused while the configuration is
read (before CMake runs), naming the file, the key and what was expected. Hypothesis then throws
generated names and values at the same checks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crosswheel import archive, config
from crosswheel.errors import CrosswheelError

from .corpus import CMAKE, MOD, PP, Case, head, run

T = r"{root}/pyproject\.toml: tool\.crosswheel\."
NUL = "expected text without NUL bytes"
NEWLINE = "expected text without line breaks"
ENV_NAME = r"expected an environment variable name \(not empty, without '='\)"
OPT_NAME = r"expected a CMake variable name \(letters, digits and _ \. \+ - /\)"
ABI3 = r"expected a CPython version from 32 to 39 or 310 to 399 \(like 38 or 312\)"
VERSION = r"expected a version like '3\.17' or '3\.26\.4'"
IDENT = r"expected a Python import name \(identifiers joined by '\.', like 'pkg' or 'ns\.pkg'\)"
SDE = "SOURCE_DATE_EPOCH: expected an integer, found "
SDE_RANGE = (r" is outside the dates a zip file can hold; expected an integer from 315532800 "
             r"\(1980-01-01\) to 4354819199 \(2107-12-31\)")


def cmake(text: str) -> str:
    return CMAKE + text


def table(name: str, text: str) -> str:
    return CMAKE + f"[tool.crosswheel.{name}]\n{text}"


CASES = [
    # ---- environment variables: names and values
    Case("env-name-with-equals", [T + r"cmake\.env\.A=B: " + ENV_NAME + r", found a string"],
         tool=table("cmake.env", '"A=B" = "x"\n')),
    Case("env-name-empty", [T + r"cmake\.env: " + ENV_NAME + r", found a string \(''\)"],
         tool=table("cmake.env", '"" = "x"\n')),
    Case("env-name-with-nul", [T + r"cmake\.env: " + NUL],
         tool=table("cmake.env", '"A\\u0000B" = "x"\n')),
    Case("env-value-with-nul", [T + r"cmake\.env: " + NUL + r", found a table \({'A': 'x\\x00y'}"],
         tool=table("cmake.env", 'A = "x\\u0000y"\n')),
    Case("env-value-with-newline", [T + r"cmake\.env: " + NEWLINE],
         tool=table("cmake.env", 'A = "x\\ny"\n')),
    Case("env-value-with-carriage-return", [T + r"cmake\.env: " + NEWLINE],
         tool=table("cmake.env", 'A = "x\\ry"\n')),
    Case("env-edit-with-nul", [T + r"cmake\.env: " + NUL],
         tool=table("cmake.env", 'PATH = { "+(path)" = "/opt\\u0000" }\n')),
    Case("env-name-in-a-local-file",
         [r"{root}/crosswheel\.local\.toml: cmake\.env\.X=1: " + ENV_NAME],
         files={"crosswheel.local.toml": '[cmake.env]\n"X=1" = "y"\n'}),
    Case("env-in-an-os-section", [T + r"linux\.cmake\.env: " + NEWLINE],
         tool=table("linux.cmake.env", 'A = "1\\n2"\n')),
    # ---- CMake options: names and values
    Case("option-value-with-nul", [T + r"cmake\.options: " + NUL],
         tool=table("cmake.options", 'A = "x\\u0000y"\n')),
    Case("option-value-with-newline",
         [T + r"cmake\.options: " + NEWLINE + r", found a table \({'A': 'x\\ny'}\)"],
         tool=table("cmake.options", 'A = "x\\ny"\n')),
    Case("option-list-item-with-newline", [T + r"cmake\.options: " + NEWLINE],
         tool=table("cmake.options", 'A = ["x", "y\\nz"]\n')),
    Case("option-append-with-nul", [T + r"cmake\.options: " + NUL],
         tool=table("cmake.options", 'A = { append = ["\\u0000"] }\n')),
    Case("option-name-empty", [T + r"cmake\.options: " + OPT_NAME + r", found a string \(''\)"],
         tool=table("cmake.options", '"" = "x"\n')),
    Case("option-name-with-colon", [T + r"cmake\.options\.A:B: " + OPT_NAME],
         tool=table("cmake.options", '"A:B" = "x"\n')),
    Case("option-name-with-equals", [T + r"cmake\.options\.A=B: " + OPT_NAME],
         tool=table("cmake.options", '"A=B" = "x"\n')),
    Case("option-name-with-space", [T + r"cmake\.options\.A B: " + OPT_NAME],
         tool=table("cmake.options", '"A B" = "x"\n')),
    Case("option-name-with-semicolon", [T + r"cmake\.options\.A;B: " + OPT_NAME],
         tool=table("cmake.options", '"A;B" = "x"\n')),
    Case("option-name-with-a-variable", [T + r"cmake\.options\.\$\{X\}: " + OPT_NAME],
         tool=table("cmake.options", '"${X}" = "x"\n')),
    Case("option-name-starting-with-dash", [T + r"cmake\.options\.-DX: " + OPT_NAME],
         tool=table("cmake.options", '"-DX" = "x"\n')),
    Case("option-name-in-a-local-file",
         [r"{root}/crosswheel\.local\.toml: cmake\.options\.A B: " + OPT_NAME],
         files={"crosswheel.local.toml": '[cmake.options]\n"A B" = "1"\n'}),
    # ---- arguments
    Case("args-with-nul", [T + r"cmake\.args: " + NUL + r", found a list \(\['-DX=\\x00'\]\)"],
         tool=cmake('args = ["-DX=\\u0000"]\n')),
    Case("args-with-newline", [T + r"cmake\.args: " + NEWLINE],
         tool=cmake('args = ["-DX=a\\nb"]\n')),
    Case("build-args-with-nul", [T + r"cmake\.build_args: " + NUL],
         tool=cmake('build_args = ["\\u0000"]\n')),
    Case("build-tool-args-with-newline", [T + r"cmake\.build_tool_args: " + NEWLINE],
         tool=cmake('build_tool_args = ["-j\\n2"]\n')),
    Case("install-args-with-nul", [T + r"cmake\.install_args: " + NUL],
         tool=cmake('install_args = ["--strip\\u0000"]\n')),
    Case("args-edit-with-newline", [T + r"cmake\.args: " + NEWLINE],
         tool=cmake('args = { "+" = ["a\\nb"] }\n')),
    Case("generator-with-newline", [T + r"cmake\.generator: " + NEWLINE],
         tool=cmake('generator = "Ninja\\n"\n')),
    Case("build-type-with-carriage-return", [T + r"cmake\.build_type: " + NEWLINE],
         tool='[tool.crosswheel.cmake]\nbuild_type = "Release\\r"\n'),
    Case("numbered-project-args-with-nul", [T + r"cmake\.0\.args: " + NUL],
         tool=table("cmake.0", 'args = ["\\u0000"]\n')),
    Case("os-section-args-with-newline", [T + r"linux\.cmake\.args: " + NEWLINE],
         tool=table("linux.cmake", 'args = ["a\\nb"]\n')),
    Case("stubgen-args-with-nul", [T + r"stubgen\.args: " + NUL],
         tool=table("stubgen", 'args = ["\\u0000"]\n')),
    Case("python-tag-with-nul", [T + r"wheel\.python_tag: " + NUL],
         tool=table("wheel", 'python_tag = ["cp3\\u0000"]\n')),
    # ---- numbered CMake projects
    Case("cmake-00-beside-cmake-0",
         [T + r"cmake\.00: expected a project number without leading zeros \(cmake\.0\)"],
         tool=table("cmake.0", 'build_type = "Debug"\n') + '[tool.crosswheel.cmake."00"]\n'
                                                           'build_type = "Release"\n'),
    Case("cmake-01", [T + r"cmake\.01: expected a project number without leading zeros "
                          r"\(cmake\.1\)"], tool=table('cmake."01"', 'build_type = "Debug"\n')),
    Case("cmake-007-in-a-local-file",
         [r"{root}/crosswheel\.local\.toml: cmake\.007: expected a project number without "
          r"leading zeros \(cmake\.7\)"],
         files={"crosswheel.local.toml": '[cmake."007"]\nbuild_type = "Debug"\n'}),
    # ---- module.name
    *[Case(f"module-name-{i}", [T + r"module\.name: " + IDENT + rf", found a string \('{rx}'\)"],
           tool=table("module", f'name = "{name}"\n'))
      for i, (name, rx) in enumerate([("a-b", "a-b"), ("1pkg", "1pkg"), ("class", "class"),
                                      ("a..b", r"a\.\.b"), (".pkg", r"\.pkg"),
                                      ("../pkg", r"\.\./pkg"), ("my pkg", "my pkg"),
                                      ("pkg.", r"pkg\."), ("", "")])],
    Case("module-name-from-override", [r"-C override=module\.name=a/b: .*" + IDENT],
         args=("-Coverride=module.name=a/b",)),
    # ---- wheel.abi3_minimum_cpython_version
    *[Case(f"abi3-minimum-{v}", [T + r"wheel\.abi3_minimum_cpython_version: " + ABI3
                                 + rf", found an integer \({re.escape(v)}\)"],
           tool=table("wheel", f'python_abi = "abi3"\nabi3_minimum_cpython_version = {v}\n'))
      for v in ("-1", "2", "31", "40", "309", "400", "99999")],
    Case("abi3-minimum-from-override",
         [r"-C override=wheel\.abi3_minimum_cpython_version=3: .*" + ABI3],
         args=("-Coverride=wheel.abi3_minimum_cpython_version=3",)),
    # ---- cmake.minimum_version
    *[Case(f"cmake-minimum-version-{i}", [T + r"cmake\.minimum_version: " + VERSION],
           tool=cmake(f'minimum_version = "{v}"\n'))
      for i, v in enumerate(("banana", "3.x", "", ">=3.17", "3.17.0.1.2", "3..17", "v3.17"))],
    Case("cmake-minimum-version-newer-than-the-cmake-found",
         [r"cmake\.minimum_version: the project needs CMake 99\.1 or newer, but \S*cmake is "
          r"version \d+\.\d+\.\d+; install a newer CMake \(pip install 'cmake>=99\.1'\)"],
         tool=cmake('minimum_version = "99.1"\n')),
    # ---- SOURCE_DATE_EPOCH
    *[Case(f"source-date-epoch-{i}", [SDE + re.escape(repr(v)) + "$"],
           env={"SOURCE_DATE_EPOCH": v})
      for i, v in enumerate(("1e9", "-1", "+1700000000", "1_700_000_000", "0x6553f100",
                             "1700000000.5", "١٧٠٠٠٠٠٠٠٠", "17 00"))],
    *[Case(f"source-date-epoch-out-of-range-{v}", [f"SOURCE_DATE_EPOCH: {v}" + SDE_RANGE],
           env={"SOURCE_DATE_EPOCH": v}) for v in ("0", "315532799", "4354819200", "99999999999")],
    Case("source-date-epoch-sdist", [SDE + "'yesterday'$"], env={"SOURCE_DATE_EPOCH": "yesterday"},
         command="sdist"),
    Case("source-date-epoch-pure-python", [SDE + "'-5'$"], env={"SOURCE_DATE_EPOCH": "-5"},
         tool="", cmakelists=None),
    # ---- project.dynamic
    *[Case(f"dynamic-entry-{i}", [PP + r": project\.dynamic: expected a list of strings, found "
                                       + rx + " in it"],
           pyproject=head(dynamic=f"[{entry}]"))
      for i, (entry, rx) in enumerate([("1", "int 1"), ('["version"]', r"list \['version'\]"),
                                       ("true", "bool True"), ("{a = 1}", r"dict \{'a': 1\}"),
                                       ("1.5", "float 1.5")])],
    Case("version-static-and-dynamic",
         [PP + r": project\.version: set statically and listed in project\.dynamic; keep one of "
               r"them"], pyproject=head(dynamic='["version"]'),
         files={f"{MOD}/__init__.py": '__version__ = "2.0"\n'}),
    Case("description-static-and-dynamic",
         [PP + r": project\.description: set statically and listed in project\.dynamic"],
         pyproject=head(dynamic='["description"]')),
    # ---- empty patterns
    Case("license-files-empty-pattern",
         [PP + r": project\.license-files: expected glob patterns, found an empty one \(''\)"],
         pyproject=head(**{"license-files": '["LICENSE", ""]'})),
    Case("license-files-blank-pattern",
         [PP + r": project\.license-files: expected glob patterns, found an empty one \(' '\)"],
         pyproject=head(**{"license-files": '[" "]'})),
    Case("sdist-include-empty-pattern-in-a-wheel-build",
         [T + r"sdist\.include: pattern '' is empty; expected a glob pattern like 'src/\*\*'"],
         tool=table("sdist", 'include = [""]\n')),
    Case("sdist-exclude-empty-pattern",
         [T + r"sdist\.exclude: pattern '' is empty"], tool=table("sdist", 'exclude = [""]\n'),
         command="sdist"),
    Case("sdist-include-empty-pattern-in-an-edit",
         [T + r"sdist\.include: pattern '' is empty"],
         tool=table("sdist", 'include = { "+" = ["src/*", ""] }\n')),
    Case("sdist-include-empty-pattern-in-a-local-file",
         [r"{root}/crosswheel\.local\.toml: sdist\.include: pattern '' is empty"],
         files={"crosswheel.local.toml": '[sdist]\ninclude = [""]\n'}),
    Case("sdist-include-parent-in-a-wheel-build",
         [T + r"sdist\.include: pattern '\.\./x' must be relative to the project folder and "
              r"stay inside it"], tool=table("sdist", 'include = ["../x"]\n')),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_refused_before_cmake(tmp_path: Path, case: Case) -> None:
    _, res = run(tmp_path, case)
    assert "configure: " not in res.output, res.describe()  # CMake never ran


# --------------------------------------------------------------------------- generated values


PYPROJECT = head() + "[tool.crosswheel.cmake]\n"
CONTROL = st.characters(codec="utf-8", categories=["Cc", "Zs", "Ll", "Lu", "Nd", "Po", "Sm"])


def load_with(root: Path, tool: str) -> config.Config:
    root.mkdir(exist_ok=True)
    (root / "pyproject.toml").write_text(PYPROJECT + tool, encoding="utf-8")
    return config.load(root, env={})


def toml_str(s: str) -> str:
    return '"' + "".join(c if c.isascii() and (c.isalnum() or c in " -_.:=;/+$")
                         else f"\\U{ord(c):08x}" for c in s) + '"'


fuzz = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


@fuzz
@given(name=st.text(CONTROL, max_size=8), value=st.text(CONTROL, max_size=8))
def test_generated_cmake_options(tmp_path: Path, name: str, value: str) -> None:
    """Any name and value: accepted only if -D NAME=VALUE carries it intact; otherwise one
    ConfigError naming the key."""
    tool = f"[tool.crosswheel.cmake.options]\n{toml_str(name)} = {toml_str(value)}\n"
    try:
        cfg = load_with(tmp_path / "p", tool)
    except CrosswheelError as e:
        assert "tool.crosswheel.cmake.options" in str(e)
        return
    assert re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.+/-]*", name)
    assert not set(value) & {"\0", "\n", "\r"}
    assert cfg.cmake[0].options[name].define(name).startswith(name)


@fuzz
@given(name=st.text(CONTROL, max_size=8), value=st.text(CONTROL, max_size=8))
def test_generated_environment(tmp_path: Path, name: str, value: str) -> None:
    tool = f"[tool.crosswheel.cmake.env]\n{toml_str(name)} = {toml_str(value)}\n"
    try:
        cfg = load_with(tmp_path / "p", tool)
    except CrosswheelError as e:
        assert "tool.crosswheel.cmake.env" in str(e)
        return
    assert name and "=" not in name and "\0" not in name
    assert not set(value) & {"\0", "\n", "\r"}
    assert cfg.cmake[0].env[name] == value


@fuzz
@given(name=st.text(st.characters(codec="utf-8"), max_size=10))
def test_generated_module_names(tmp_path: Path, name: str) -> None:
    tool = f"[tool.crosswheel.module]\nname = {toml_str(name)}\n"
    try:
        cfg = load_with(tmp_path / "p", tool)
    except CrosswheelError as e:
        assert "tool.crosswheel.module.name" in str(e) or "NUL" in str(e)
        return
    assert all(p.isidentifier() for p in cfg.module.name.split("."))
    assert "/" not in cfg.module.name and ".." not in cfg.module.name


@settings(max_examples=200, deadline=None)
@given(raw=st.one_of(st.text(max_size=14), st.integers(-10**12, 10**12).map(str)))
def test_generated_source_date_epochs(raw: str) -> None:
    """Either a time a zip can hold, or one BuildError; never a crash later in the zip writer."""
    import os

    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = raw.replace("\0", "")
    try:
        value = archive.source_date_epoch()
    except CrosswheelError as e:
        assert str(e).startswith("SOURCE_DATE_EPOCH: ")
    else:
        assert archive.DEFAULT_EPOCH <= value <= archive.LAST_EPOCH
    finally:
        if old is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old
