"""A corpus of bad inputs, each through a real frontend and the real hook subprocess.

For every case: a non-zero exit, one message naming the file (or setting) and the key, no
traceback, nothing in the output folder (no artefact, no .part file) and the project untouched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from . import util as u

CMAKE = '[tool.crosswheel.cmake]\nbuild_type = "Release"\n'
NAME = "rel-pkg"
MOD = "rel_pkg"


@dataclass(frozen=True)
class Case:
    id: str
    expect: list[str]  # regular expressions; {root} is the project folder
    tool: str = CMAKE
    files: dict[str, str] = field(default_factory=dict)
    remove: tuple[str, ...] = ()
    pyproject: str | None = None  # replaces the [build-system] + [project] head
    args: tuple[str, ...] = ()  # more arguments for python -m build (-C...)
    dist: str = "--wheel"
    env: dict[str, str] = field(default_factory=dict)
    # python -m build parses pyproject.toml itself and stops before calling the backend: then its
    # message is checked too, and crosswheel's own through the hook subprocess.
    frontend_parses: bool = False


def head(**project: str) -> str:
    """pyproject.toml's head with some [project] values replaced (given as TOML text)."""
    values = {"name": f'"{NAME}"', "version": '"1.0.0"', "description": '"bad input"',
              "license": '"MIT"', "license-files": '["LICENSE"]'}
    values.update(project)
    lines = [f"{k} = {v}" for k, v in values.items() if v]
    return ('[build-system]\nrequires = ["crosswheel"]\nbuild-backend = "crosswheel.backend"\n\n'
            "[project]\n" + "\n".join(lines) + "\n\n")


def cross(text: str, name: str = "bad.cross.toml") -> dict[str, str]:
    return {name: text}


PP = r"{root}/pyproject\.toml"

CASES = [
    # ---- malformed TOML: the file, and the line and column of the mistake
    Case("toml-unterminated-string",
         [PP + r": invalid TOML: Illegal character '\\n' \(at line 13, column 22\)"],
         tool='[tool.crosswheel.cmake]\nbuild_type = "Release\n', frontend_parses=True),
    Case("toml-duplicate-key",
         [PP + r": invalid TOML: Cannot overwrite a value \(at line 14, column 21\)"],
         tool='[tool.crosswheel.cmake]\nbuild_type = "Release"\nbuild_type = "Debug"\n',
         frontend_parses=True),
    Case("toml-bad-local-file",
         [r"{root}/crosswheel\.local\.toml: invalid TOML: .*\(at line 2, column \d+\)"],
         files={"crosswheel.local.toml": '[cmake]\nbuild_type = = "Debug"\n'}),
    Case("toml-bad-cross-file",
         [r"{root}/bad\.cross\.toml: invalid TOML: .*\(at line 1, column 10\)"],
         files=cross("triple = aarch64-linux-gnu\n"), args=("-Ccross=bad.cross.toml",)),
    # ---- unknown keys: the file, the table and the closest valid key
    Case("unknown-section", [PP + r": \[tool\.crosswheel\]: unknown key 'wheels'\. "
                                  r"Did you mean 'wheel'\?"],
         tool=CMAKE + "[tool.crosswheel.wheels]\npure_python = false\n"),
    Case("unknown-key-py-build-cmake-table",
         [PP + r": \[tool\.py-build-cmake\.sdist\]: unknown key 'exclude_'\. "
               r"Did you mean 'exclude'\?"],
         tool='[tool.py-build-cmake.cmake]\n[tool.py-build-cmake.sdist]\nexclude_ = []\n'),
    Case("unknown-key-cross-file",
         [r"{root}/bad\.cross\.toml: unknown key 'tripple'\. Did you mean 'triple'\?"],
         files=cross('tripple = "aarch64-linux-gnu"\n'), args=("-Ccross=bad.cross.toml",)),
    Case("unknown-key-pbc-file",
         [r"{root}/crosswheel\.local\.pbc:2: \[cmake\]: unknown key 'biuld_type'\. "
          r"Did you mean 'build_type'\?"],
         files={"crosswheel.local.pbc": "# local tweaks\ncmake.biuld_type=Debug\n"}),
    Case("unknown-key-override",
         [r"-C override=cmake\.generater=Ninja: \[cmake\]: unknown key 'generater'\. "
          r"Did you mean 'generator'\?"],
         args=("-Coverride=cmake.generater=Ninja",)),
    Case("unknown-config-setting",
         [r"config settings \(-C\): unknown key 'overide'\. Did you mean 'override'\?"],
         args=("-Coveride=cmake.build_type=Debug",)),
    # ---- wrong types and choices: the file, the full key, what was expected and found
    Case("wrong-type-bool",
         [PP + r": tool\.crosswheel\.wheel\.pure_python: expected true or false, "
               r"found a string \('no'\)"],
         tool=CMAKE + '[tool.crosswheel.wheel]\npure_python = "no"\n'),
    Case("wrong-type-list-item",
         [PP + r": tool\.crosswheel\.sdist\.include: expected a string or a list of strings, "
               r"found a list \(\[1, 2\]\)"],
         tool=CMAKE + "[tool.crosswheel.sdist]\ninclude = [1, 2]\n"),
    Case("wrong-type-cmake-option",
         [PP + r": tool\.crosswheel\.cmake\.options\.WITH_X: expected a string, a boolean or a "
               r"list of them, found a list \(\[1\.5\]\)"],
         tool=CMAKE + "[tool.crosswheel.cmake.options]\nWITH_X = 1.5\n"),
    Case("wrong-type-cross-file",
         [r"{root}/bad\.cross\.toml: version: expected a string, found an integer \(311\)"],
         files=cross("version = 311\n"), args=("-Ccross=bad.cross.toml",)),
    Case("wrong-choice",
         [PP + r": tool\.crosswheel\.wheel\.python_abi: expected one of 'auto', 'none', "
               r"'abi3', found a string \('abi4'\)"],
         tool=CMAKE + '[tool.crosswheel.wheel]\npython_abi = "abi4"\n'),
    Case("wrong-verbose-setting",
         [r"config setting verbose: expected one of .*, found 'maybe'"],
         args=("-Cverbose=maybe",)),
    Case("wheel-tag-invalid",
         [r"wheel\.platform_tag: 'Linux-x86_64' is not a valid tag"],
         tool=CMAKE + '[tool.crosswheel.wheel]\nplatform_tag = ["Linux-x86_64"]\n'),
    Case("build-tag-invalid",
         [r"wheel\.build_tag: expected a string starting with a digit and without '-', "
          r"found 'b1'"],
         tool=CMAKE + '[tool.crosswheel.wheel]\nbuild_tag = "b1"\n'),
    # ---- CMake itself refuses: its message comes through, then which step failed
    Case("unknown-generator",
         [r"Could not create named generator Ninja Mutli-Config",
          r"CMake configure \(native\) failed with exit code 1",
          r"command: .*-G 'Ninja Mutli-Config'"],
         tool='[tool.crosswheel.cmake]\ngenerator = "Ninja Mutli-Config"\n'),
    Case("missing-cmakelists", [r"cmake\.source_path: no CMakeLists\.txt in {root}$"],
         remove=("CMakeLists.txt",)),
    Case("nonexistent-source-path",
         [r"cmake\.source_path: no CMakeLists\.txt in {root}/no/such/folder"],
         tool=CMAKE + 'source_path = "no/such/folder"\n'),
    Case("compiler-launcher-missing",
         [r"cmake\.compiler_launcher: 'no-such-ccache' is not on PATH"],
         tool=CMAKE + 'compiler_launcher = "no-such-ccache"\n'),
    # ---- cross files: the file and the key with the bad value
    Case("cross-toolchain-file-missing",
         [r"cross\.toolchain_file: {root}/toolchains/missing\.cmake does not exist"],
         files=cross('toolchain_file = "toolchains/missing.cmake"\narch = "linux_aarch64"\n'),
         args=("-Ccross=bad.cross.toml",)),
    Case("cross-version-with-a-dot",
         [r"bad\.cross\.toml", r"cross\.version: expected major and minor digits without a "
                               r"dot, like '311', found '3\.11'"],
         files=cross('version = "3.11"\narch = "linux_aarch64"\n'),
         args=("-Ccross=bad.cross.toml",)),
    Case("cross-abi-uppercase", [r"bad\.cross\.toml", r"cross\.abi: 'CP311' is not a valid tag"],
         files=cross('abi = "CP311"\narch = "linux_aarch64"\n'), args=("-Ccross=bad.cross.toml",)),
    Case("cross-arch-with-a-dash",
         [r"bad\.cross\.toml", r"cross\.arch: 'linux-aarch64' is not a valid tag"],
         files=cross('arch = "linux-aarch64"\n'), args=("-Ccross=bad.cross.toml",)),
    Case("cross-triple-unknown-platform",
         [r"bad\.cross\.toml", r"cross\.triple: cannot tell the wheel platform of "
                               r"'sparc-sun-solaris2'; set cross\.arch"],
         files=cross('triple = "sparc-sun-solaris2"\n'), args=("-Ccross=bad.cross.toml",)),
    Case("cross-triple-without-compiler",
         [r"cross\.triple: the compiler mips64el-linux-gnuabi64-gcc is not on PATH"],
         files=cross('triple = "mips64el-linux-gnuabi64"\narch = "linux_mips64"\n'),
         args=("-Ccross=bad.cross.toml",)),
    Case("cross-sysroot-missing",
         [r"bad\.cross\.toml", r"cross\.sysroot: folder {root}/no-sysroot does not exist"],
         files=cross('sysroot = "no-sysroot"\n'), args=("-Ccross=bad.cross.toml",)),
    Case("cross-file-missing", [r"{root}/not-there\.cross\.toml: file not found"],
         args=("-Ccross=not-there.cross.toml",)),
    Case("local-file-missing", [r"{root}/not-there\.toml: file not found"],
         args=("-Clocal=not-there.toml",)),
    # ---- the module
    Case("module-not-found",
         [r"module 'nothere' not found; looked for nothere, nothere\.py, src/nothere, "
          r"src/nothere\.py"],
         tool=CMAKE + '[tool.crosswheel.module]\nname = "nothere"\n'),
    Case("module-found-twice",
         [rf"module '{MOD}' found twice: {MOD} and src/{MOD}; set module\.directory"],
         files={f"src/{MOD}/__init__.py": ""}),
    Case("namespace-with-init",
         [rf"module '{MOD}': module\.namespace is true, but {MOD}/__init__\.py exists"],
         tool=CMAKE + "[tool.crosswheel.module]\nnamespace = true\n"),
    # ---- dynamic metadata
    Case("dynamic-version-not-a-string",
         [PP + r": project\.dynamic: version from __init__\.py must be a string, found float "
               r"1\.5"],
         pyproject=head(version="", dynamic='["version"]'),
         files={f"{MOD}/__init__.py": '"""Doc."""\n__version__ = 1.5\n'}),
    Case("dynamic-version-import-fails",
         [rf"dynamic metadata: importing '{MOD}' to read __version__ failed: "
          r"ZeroDivisionError: division by zero"],
         pyproject=head(version="", dynamic='["version"]'),
         files={f"{MOD}/__init__.py": '"""Doc."""\n__version__ = str(1 / 0)\n'}),
    Case("dynamic-version-missing",
         [PP + rf": project\.dynamic: {MOD}/__init__\.py has no __version__"],
         pyproject=head(version="", dynamic='["version"]')),
    Case("dynamic-unsupported-field",
         [PP + r": project\.dynamic: crosswheel fills in only 'version' and 'description' "
               r"from the module, not dependencies"],
         pyproject=head(dynamic='["dependencies"]')),
    # ---- PEP 621
    # (module.name is set: without it, the lookup of a module named after the bad project name
    # fails first, and the message is about the module, not the name)
    # Checked before the module lookup, which would otherwise report module '_bad_name_'.
    Case("invalid-name", [PP + r": project\.name: '-bad name-' is not a valid distribution name"],
         pyproject=head(name='"-bad name-"')),
    Case("invalid-version", [PP + r": invalid \[project\] table: .*project\.version.*one\.two"],
         pyproject=head(version='"one.two"')),
    Case("license-expression-incomplete", [PP + r": project\.license: .*'MIT OR'"],
         pyproject=head(license='"MIT OR"')),
    Case("license-expression-unknown-id",
         [PP + r": project\.license: Unknown license: 'not-a-licence'"],
         pyproject=head(license='"Not-A-Licence"')),
    Case("license-file-missing", [PP + r": invalid \[project\] table: .*COPYING"],
         pyproject=head(**{"license-files": '["COPYING"]'})),
    Case("readme-missing", [PP + r": invalid \[project\] table: .*NOPE\.md"],
         pyproject=head(readme='"NOPE.md"')),
    Case("project-table-missing", [PP + r": the \[project\] table is missing"],
         pyproject='[build-system]\nrequires = ["crosswheel"]\n'
                   'build-backend = "crosswheel.backend"\n\n'),
    Case("both-tool-tables", [PP + r": both \[tool\.crosswheel\] and \[tool\.py-build-cmake\] "
                                   r"are present"],
         tool=CMAKE + "[tool.py-build-cmake.cmake]\n"),
    # ---- sdist patterns that would leave the project
    Case("sdist-include-parent",
         [r"sdist\.include: pattern '\.\./secret\.txt' must be relative to the project folder "
          r"and stay inside it"],
         tool=CMAKE + '[tool.crosswheel.sdist]\ninclude = ["../secret.txt"]\n', dist="--sdist"),
    Case("sdist-include-absolute",
         [r"sdist\.include: pattern '/etc/passwd' must be relative to the project folder"],
         tool=CMAKE + '[tool.crosswheel.sdist]\ninclude = ["/etc/passwd"]\n', dist="--sdist"),
    Case("sdist-include-dotdot-inside",
         [r"sdist\.include: pattern 'src/\.\./\.\./\*' must be relative"],
         tool=CMAKE + '[tool.crosswheel.sdist]\ninclude = ["src/../../*"]\n', dist="--sdist"),
    Case("sdist-include-drive",
         [r"sdist\.include: pattern 'C:/Windows/\*' must be relative to the project folder"],
         tool=CMAKE + '[tool.crosswheel.sdist]\ninclude = ["C:/Windows/*"]\n', dist="--sdist"),
    Case("sdist-exclude-parent",
         [r"sdist\.exclude: pattern '\.\./\*\*' must be relative to the project folder"],
         tool=CMAKE + '[tool.crosswheel.sdist]\nexclude = ["../**"]\n', dist="--sdist"),
    Case("sdist-exclude-essential",
         [r"sdist\.exclude: pattern 'pyproject\.\*' excludes pyproject\.toml, which every "
          r"sdist needs"],
         tool=CMAKE + '[tool.crosswheel.sdist]\nexclude = ["pyproject.*"]\n', dist="--sdist"),
    # ---- -C override and .pbc lines: the column of the mistake
    Case("override-no-operator",
         [r"-C override=cmake\.build_type: expected one of = \+= =\+ -= =! \+=\(path\) "
          r"=\+\(path\), found the end of the line at column 17 in "
          r"'cmake\.build_type'"],
         args=("-Coverride=cmake.build_type",)),
    Case("override-bad-operator",
         [r"-C override=cmake\.build_type~Debug: expected one of = \+= =\+ -= =! \+=\(path\) "
          r"=\+\(path\), found '~' at column 17"],
         args=("-Coverride=cmake.build_type~Debug",)),
    Case("override-no-key",
         [r"-C override==Release: expected a key like cmake\.options\.NAME .*, found '=' at "
          r"column 1"],
         args=("-Coverride==Release",)),
    Case("override-unclosed-list",
         [r"-C override=cmake\.args\+=\[\"-DX=1\", : expected a value, found the end of the "
          r"line at column 23 in "],
         args=('-Coverride=cmake.args+=["-DX=1", ',)),
    Case("override-clear-with-value",
         [r"-C override=cmake\.build_type=!Debug: expected the end of the override, found 'D' "
          r"at column 19"],
         args=("-Coverride=cmake.build_type=!Debug",)),
    Case("pbc-bad-operator",
         [r"{root}/crosswheel\.local\.pbc:3: expected one of = \+= =\+ -= =! \+=\(path\) "
          r"=\+\(path\), found '~' at column 18"],
         files={"crosswheel.local.pbc": "# tweaks\ncmake.build_type=Debug\n"
                                        "cmake.build_type ~ Release\n"}),
    Case("override-wrong-type",
         [r"-C override=wheel\.pure_python=maybe: wheel\.pure_python: expected true or false, "
          r"found a string \('maybe'\)"],
         args=("-Coverride=wheel.pure_python=maybe",)),
    # ---- the environment
    Case("source-date-epoch-not-a-number",
         [r"SOURCE_DATE_EPOCH: expected an integer, found 'yesterday'"],
         env={"SOURCE_DATE_EPOCH": "yesterday"}),
]


def write_case(root: Path, case: Case) -> Path:
    project = u.write_project(root, case.tool, name=NAME, pyproject=case.pyproject)
    for rel, text in case.files.items():
        p = project / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    for rel in case.remove:
        (project / rel).unlink()
    return project


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(tmp_path: Path, case: Case) -> None:
    project = write_case(tmp_path / "project", case).resolve()
    before = u.snapshot(project)
    out = tmp_path / "dist"
    res = u.build(project, out, case.dist, *case.args, extra_env=case.env, check=False)
    if case.frontend_parses:
        assert res.returncode != 0 and "Traceback" not in res.output, res.describe()
        where = re.search(r"at line (\d+), column (\d+)", case.expect[0])
        assert where, case.expect[0]
        assert f"Failed to parse {project / 'pyproject.toml'}: " in res.output, res.describe()
        assert f"(at line {where[1]}, column {where[2]})" in res.output, res.describe()
        u.check_output_folder(out)
        res = u.call_hook(project, "build_wheel", str(out), extra_env=case.env)
    assert res.returncode != 0, res.describe()
    assert "Traceback" not in res.output, res.describe()
    # One message, from the backend, saying what is wrong.
    messages = [line for line in res.output.splitlines() if line.startswith("crosswheel: error")]
    assert len(messages) == 1, res.describe()
    for pattern in case.expect:
        rx = pattern.replace("{root}", re.escape(str(project)))
        assert re.search(rx, res.output, re.M), f"no match for {rx!r}\n{res.describe()}"
    # Nothing written: no artefact and no half-written .part file, and the sources unchanged.
    u.check_output_folder(out)
    assert u.snapshot(project) == before


def test_corpus_size() -> None:
    """The report counts these; keep the corpus from silently shrinking."""
    assert len(CASES) >= 50
    assert len({c.id for c in CASES}) == len(CASES)
