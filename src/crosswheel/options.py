"""The one definition of crosswheel's configuration options.

Validation (config/validate.py), merging, the CLI's reference and the docs' reference table are all derived
from the tables below, so an option is added, renamed or documented in exactly one place.
The names, types and defaults follow py-build-cmake 0.5, so existing projects keep working.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Value kinds. "list" is replaced by an override, "list+" is appended to (py-build-cmake's rule);
# both accept a single string as a one-element list.
KINDS = (
    "str",
    "bool",
    "int",
    "list",
    "list+",
    "path",
    "dict",
    "cmake-options",
)


@dataclass(frozen=True)
class Option:
    name: str
    kind: str
    doc: str
    default: Any = None
    default_doc: str = ""  # for defaults computed from other values
    choices: tuple[str, ...] = ()
    example: str = ""

    @property
    def shown_default(self) -> str:
        if self.default_doc:
            return self.default_doc
        if self.default is None:
            return "none"
        if isinstance(self.default, bool):
            return "true" if self.default else "false"
        return repr(self.default).replace("'", '"')


@dataclass(frozen=True)
class Section:
    name: str
    doc: str
    options: tuple[Option, ...]
    # Sections nested inside this one that override the top-level section of the same name.
    overrides: tuple[str, ...] = ()
    by_name: dict[str, Option] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {o.name: o for o in self.options})


MODULE = Section(
    "module",
    "The import name of the module or package, and where its sources are.",
    (
        Option("name", "str", "Import name in Python (identifiers joined by '.').",
               default_doc="the project name, normalised, with '-' replaced by '_'"),
        Option("directory", "path", "Folder holding the module: it is looked for as `<dir>/<name>/`, "
               "`<dir>/src/<name>/`, `<dir>/<name>.py` or `<dir>/src/<name>.py`.", default="."),
        Option("namespace", "bool", "The module is a PEP 420 namespace package.", default=False),
        Option("generated", "str", "CMake generates the whole module: no source lookup and no "
               "dynamic metadata.", choices=("module", "package")),
    ),
)

EDITABLE = Section(
    "editable",
    "How an editable install (PEP 660) is made.",
    (
        Option("mode", "str", "How the installed package reaches the sources.", default="symlink",
               choices=("symlink", "wrapper", "hook")),
        Option("build_hook", "bool", "Rebuild with CMake when the package is first imported.",
               default=False),
    ),
)

SDIST = Section(
    "sdist",
    "Files of the source distribution besides the module, pyproject.toml, readme and licenses.",
    (
        Option("include", "list", "Glob patterns ('*', '**') of files to include.", default=[],
               example='include = ["CMakeLists.txt", "src/**"]'),
        Option("exclude", "list", "Glob patterns of files to leave out.", default=[]),
    ),
)

CMAKE = Section(
    "cmake",
    "How CMake builds the project. Without this section the wheel is pure Python. Numbered "
    "sub-tables cmake.0, cmake.1, ... each describe one CMake project, inheriting these keys.",
    (
        Option("minimum_version", "str", "Oldest CMake that will do; a newer one comes from PyPI "
               "when the one on PATH is older.", default="3.15"),
        Option("build_type", "str", "CMAKE_BUILD_TYPE for the configure step."),
        Option("config", "list", "Configurations to build (--config); multi-config generators "
               "build each.", default_doc="build_type"),
        Option("preset", "str", "Configure preset (--preset)."),
        Option("build_presets", "list", "Build presets, one build step each."),
        Option("generator", "str", "CMake generator (-G).", default_doc="$CMAKE_GENERATOR",
               example='generator = "Ninja"'),
        Option("source_path", "path", "Folder holding CMakeLists.txt.", default="."),
        Option("build_path", "path", "Persistent build folder; {build_config} becomes e.g. "
               "cp311-cp311-linux_x86_64.", default=".py-build-cmake_cache/{build_config}"),
        Option("options", "cmake-options", "Cache variables (-D NAME:TYPE=VALUE). A value is a "
               "string, a bool (BOOL On/Off), a list (joined with ';') or a table with value/=, "
               "append/+, prepend, remove/-, type and strict.", default={},
               example='options = { WITH_X = true, CMAKE_PREFIX_PATH = { "+" = ["/opt"] } }'),
        Option("args", "list+", "Extra arguments of the configure step.", default=[]),
        Option("find_python", "bool", "Set FindPython hints (Python_*).", default=True),
        Option("find_python3", "bool", "Set FindPython3 hints (Python3_*).", default=True),
        Option("find_python_build_artifacts_prefix", "str", "The Python_ARTIFACTS_PREFIX (CMake "
               "4) under which your CMakeLists.txt looks for the build machine's interpreter: "
               "its hints are set as Python<prefix>_*, and Python_EXECUTABLE is left unset.",
               example='find_python_build_artifacts_prefix = "_BUILD"'),
        Option("find_python3_build_artifacts_prefix", "str", "The same for FindPython3 "
               "(Python3<prefix>_*)."),
        Option("build_args", "list+", "Extra arguments of the build step.", default=[]),
        Option("build_tool_args", "list+", "Arguments for the build tool (after --).", default=[]),
        Option("install_config", "list", "Configurations to install.", default_doc="config"),
        Option("install_args", "list+", "Extra arguments of the install step.", default=[]),
        Option("install_components", "list", "Components to install, one install step each; '' "
               "is the default component.", default=[""]),
        Option("env", "dict", "Environment of the CMake steps; ${VAR} expands, $$ is a literal $. "
               "A value may instead edit the variable's current value: a table with "
               "`+`/`prepend` (concatenate), `+(path)`/`prepend(path)` (join with the path "
               "separator) or `-` (remove); on the command line `-o cmake.env.PATH+=(path)/opt/bin`.",
               default={}),
        Option("compiler_launcher", "str", "Compiler cache or distributed compiler for C, C++ "
               "and CUDA (CMAKE_<LANG>_COMPILER_LAUNCHER), e.g. 'ccache', 'sccache', or 'auto' "
               "for whichever of them is on PATH.", example='compiler_launcher = "auto"'),
    ),
)

WHEEL = Section(
    "wheel",
    "How the wheel is tagged.",
    (
        Option("pure_python", "bool", "The wheel holds no binaries: tags py3-none-any, purelib "
               "(a compiled file in it is an error).",
               default_doc="true exactly when there is no cmake section"),
        Option("python_tag", "list", "Python tags; 'auto' is the computed one.", default=["auto"]),
        Option("python_abi", "str", "ABI of the extension modules.", default="auto",
               choices=("auto", "none", "abi3")),
        Option("abi3_minimum_cpython_version", "int", "With python_abi = 'abi3': the oldest "
               "CPython (like 312; 32 to 39 or 310 to 399) the stable ABI applies to.", default=32),
        Option("abi_tag", "list", "Override the ABI tags."),
        Option("platform_tag", "list", "Override the platform tags; 'guess' picks the most "
               "specific tag of this interpreter (e.g. manylinux).", example="platform_tag = ['guess']"),
        Option("build_tag", "str", "Build number: starts with a digit, then letters, digits, '_' "
               "or '.' (no '-')."),
        Option("manylinux", "str", "Linux targets: prove a manylinux (or musllinux) platform "
               "tag from the wheel's ELF files, with auditwheel's policy data. 'off' keeps "
               "linux_<arch> (a level claimed by cross.arch or platform_tag is still checked); "
               "'auto' tags the oldest level that the symbol versions (GLIBC_, GLIBCXX_, "
               "CXXABI_, GCC_) and linked libraries allow, plus its legacy alias, or keeps "
               "linux_<arch> and says why; a level such as 'manylinux_2_17', 'manylinux2014', "
               "'manylinux_2_28' or 'musllinux_1_2' fails the build, naming each file and "
               "symbol version or library beyond it.", default="off",
               example="manylinux = 'auto'"),
    ),
)

STUBGEN = Section(
    "stubgen",
    "Run mypy's stubgen on the staged package.",
    (
        Option("packages", "list", "Packages (-p)."),
        Option("modules", "list", "Modules (-m)."),
        Option("files", "list", "Files."),
        Option("args", "list+", "Extra stubgen arguments.", default=[]),
    ),
)

CROSS = Section(
    "cross",
    "Cross-compilation: the target platform. Also the top level of a cross file.",
    (
        Option("os", "str", "OS section to inherit from.", choices=("linux", "mac", "windows")),
        Option("implementation", "str", "Python implementation tag, e.g. 'cp'.",
                default_doc="the target's, else this interpreter's"),
        Option("version", "str", "Python version without dot, e.g. '311'.",
               default_doc="the target's, else this interpreter's"),
        Option("abi", "str", "ABI tag, e.g. 'cp311'.", default_doc="the target's, else this interpreter's"),
        Option("arch", "str", "Platform tag, e.g. 'linux_aarch64'.",
               default_doc="from the toolchain triple or sysroot"),
        Option("prefix", "path", "Root of the target Python (Python3_ROOT_DIR)."),
        Option("library", "path", "Target libpython (Python3_LIBRARY)."),
        Option("sabi_library", "path", "Target stable-ABI library (Python3_SABI_LIBRARY)."),
        Option("include_dir", "path", "Target Python.h folder (Python3_INCLUDE_DIR)."),
        Option("soabi", "str", "Target SOABI, e.g. 'cpython-311-aarch64-linux-gnu'."),
        Option("toolchain_file", "path", "CMake toolchain file."),
        Option("generator_platform", "str", "CMAKE_GENERATOR_PLATFORM (Visual Studio)."),
        Option("copy_from_native_build", "list", "Build natively first; files of the native install "
               "matching these patterns go into the target wheel."),
        Option("sysroot", "path", "Target root filesystem: its Python's build facts fill in "
               "version, abi, soabi, include_dir and library."),
        Option("python", "path", "Path of the target python inside a sysroot (alternative to sysroot)."),
        Option("triple", "str", "GNU triple, e.g. 'aarch64-linux-gnu': crosswheel writes the "
               "toolchain file. The build machine's own triple without a sysroot is a native "
               "build with that toolchain.",
               default_doc="the build machine's when `compiler` is not 'gcc'"),
        Option("compiler", "str", "Compiler family of the toolchain crosswheel writes for "
               "`triple`: 'gcc' runs `<triple>-gcc`/`-g++` against the sysroot's glibc; 'zig' "
               "runs `zig cc`/`zig c++` from the ziglang PyPI package (added to the build "
               "requirements) against zig's own glibc of version `glibc`, taking only the "
               "target Python's headers from the sysroot, and links libc++ statically.",
               default="gcc", choices=("gcc", "zig")),
        Option("glibc", "str", "With compiler = 'zig': the oldest glibc the binaries need, "
               "e.g. '2.17' (manylinux2014).",
               default_doc="2.17, or the oldest zig supports for the arch when newer"),
    ),
    overrides=("editable", "sdist", "cmake", "wheel"),
)

COMPONENT = Section(
    "component",
    "For `build-backend = \"crosswheel.component\"`: a second distribution made from some "
    "install components of the main project's build folder (e.g. a -dev or -debug package). "
    "The main project is named by the top-level key `main_project` (default \"..\").",
    (
        Option("install_components", "list", "Components to install (required)."),
        Option("install_only", "bool", "Do not build first, only install.", default=False),
        Option("build_presets", "list", "Build presets, one build step each."),
        Option("build_args", "list+", "Extra arguments of the build step.", default=[]),
        Option("build_tool_args", "list+", "Arguments for the build tool.", default=[]),
        Option("install_args", "list+", "Extra arguments of the install step.", default=[]),
    ),
)

# "pyodide" is accepted so py-build-cmake projects load; crosswheel never builds for Pyodide, so
# that section never applies (as with py-build-cmake on any other platform).
OS_DOC = {"linux": "Linux", "windows": "Windows", "mac": "macOS",
          "pyodide": "Pyodide (accepted; crosswheel does not build for Pyodide)"}
OS_SECTIONS = {
    name: Section(name, f"Overrides on {label}.", (), overrides=("editable", "sdist", "cmake", "wheel"))
    for name, label in OS_DOC.items()
}

SECTIONS: dict[str, Section] = {
    s.name: s for s in (MODULE, EDITABLE, SDIST, CMAKE, WHEEL, STUBGEN, CROSS)
} | OS_SECTIONS

# Sections a cross file or local file may hold at its top level.
OVERRIDABLE = ("module", "editable", "sdist", "cmake", "wheel", "stubgen")


def reference_markdown() -> str:
    """The configuration reference as Markdown, for docs/ and `crosswheel config reference`."""
    out = ["Tables live under `[tool.crosswheel]` (or `[tool.py-build-cmake]`).", ""]
    for section in [*SECTIONS.values(), COMPONENT]:
        out += [f"### `{section.name}`", "", section.doc, ""]
        if section.overrides:
            keys = ", ".join(f"`{section.name}.{o}`" for o in section.overrides)
            out += [f"Holds {keys}: the same keys as the top-level sections, overriding them.", ""]
        if section.options:
            out += ["| Option | Type | Default | Description |", "|---|---|---|---|"]
            for o in section.options:
                kind = " \\| ".join(f"`{c}`" for c in o.choices) if o.choices else o.kind
                desc = o.doc + (f" Example: `{o.example}`" if o.example else "")
                out.append(f"| `{o.name}` | {kind} | {o.shown_default} | {desc} |")
            out.append("")
    return "\n".join(out)
