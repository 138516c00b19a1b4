"""What each example must produce: examples/README.md turned into data."""

from __future__ import annotations

import platform
import sys
import sysconfig
from dataclasses import dataclass

PY = f"cp{sys.version_info[0]}{sys.version_info[1]}"
PLAT = sysconfig.get_platform().replace("-", "_").replace(".", "_")  # linux_x86_64
TAG = f"{PY}-{PY}-{PLAT}"
EXT = sysconfig.get_config_var("EXT_SUFFIX")  # .cpython-311-x86_64-linux-gnu.so
MACHINE = platform.machine()

COMMON_SDIST = ["LICENSE", "PKG-INFO", "README.md", "pyproject.toml"]


@dataclass(frozen=True)
class Example:
    folder: str
    name: str  # [project] name as written
    dist: str  # normalised, as in file names
    version: str
    tag: str
    files: list[str]  # wheel contents outside .dist-info
    sdist: list[str]  # sdist contents besides COMMON_SDIST
    probe: str  # Python run in the venv; prints one JSON object
    expected: dict  # what the probe must print
    summary: str
    cmake_projects: int = 1  # how many build folders
    entry_points: str = ""
    executables: frozenset[str] = frozenset()  # stored 0o755 in the wheel

    @property
    def wheel(self) -> str:
        return f"{self.dist}-{self.version}-{self.tag}.whl"

    @property
    def sdist_name(self) -> str:
        return f"{self.dist}-{self.version}.tar.gz"

    @property
    def dist_info(self) -> str:
        return f"{self.dist}-{self.version}.dist-info"

    @property
    def all_files(self) -> list[str]:
        info = self.dist_info
        return sorted(self.files + [f"{info}/{n}" for n in (
            "METADATA", "WHEEL", "RECORD", "entry_points.txt", "licenses/LICENSE")])

    @property
    def all_sdist(self) -> list[str]:
        return sorted(COMMON_SDIST + self.sdist)

    @property
    def pure(self) -> bool:
        return self.tag == "py3-none-any"


# Every probe also reports where the package was imported from, to prove it is the installed copy.
_WHERE = "import os; where = os.path.dirname(m.__file__)"

_EXAMPLES = [
    Example(
        "pure-python", "pure-python-example", "pure_python_example", "0.3.1", "py3-none-any",
        ["pure_python_example/__init__.py", "pure_python_example/__main__.py"],
        ["src/pure_python_example/__init__.py", "src/pure_python_example/__main__.py"],
        f"""import json, pure_python_example as m; {_WHERE}
print(json.dumps({{"greet": m.greet("x"), "version": m.__version__, "where": where}}))""",
        {"greet": "Hello from pure_python_example, x!", "version": "0.3.1"},
        "A pure-Python example package without any CMake build.",
        cmake_projects=0,
        entry_points="[console_scripts]\npure-python-example=pure_python_example:main\n",
    ),
    Example(
        "c-api", "c-api-example", "c_api_example", "1.2.3", TAG,
        ["c_api_example/__init__.py", f"c_api_example/_core{EXT}"],
        ["CMakeLists.txt", "c_api_example/__init__.py", "src/core.c"],
        f"""import json, c_api_example as m; {_WHERE}
print(json.dumps({{"add": m.add(2, 3), "platform": m.platform(),
                  "core_version": m._core.__version__, "where": where}}))""",
        {"add": 5, "platform": MACHINE, "core_version": "1.2.3"},
        "A CPython C-API extension module built with CMake by crosswheel",
    ),
    Example(
        "pybind11-project", "pybind11-example", "pybind11_example", "2.0.0", TAG,
        ["pybind11_example/__init__.py", f"pybind11_example/_core{EXT}",
         "pybind11_example/_core.pyi", "pybind11_example/py.typed"],
        ["CMakeLists.txt", "src/cpp/core.cpp", "src/pybind11_example/__init__.py",
         "src/pybind11_example/_core.pyi", "src/pybind11_example/py.typed"],
        f"""import json, pybind11_example as m; {_WHERE}
c = m.Counter(10); c.increment(); c.increment(5)
print(json.dumps({{"add": m.add(2, 3), "mul": m.mul(1.5, 4), "value": c.value,
                  "repr": repr(c), "version": m.__version__,
                  "typed": sorted(f for f in os.listdir(where) if f.endswith(("pyi", "typed"))),
                  "where": where}}))""",
        {"add": 5, "mul": 6.0, "value": 16, "repr": "Counter(16)", "version": "2.0.0",
         "typed": ["_core.pyi", "py.typed"]},
        "Example package with a pybind11 extension module.",
    ),
    Example(
        "nanobind-project", "nanobind-example", "nanobind_example", "0.9.0", TAG,
        ["nanobind_example/__init__.py", f"nanobind_example/_core{EXT}"],
        ["CMakeLists.txt", "src/cpp/core.cpp", "src/nanobind_example/__init__.py"],
        f"""import json, nanobind_example as m; {_WHERE}
print(json.dumps({{"add": m.add(40, 2), "where": where}}))""",
        {"add": 42},
        "A nanobind extension module built with CMake by crosswheel",
    ),
    Example(
        "generated-module", "generated-example", "generated_example", "0.4.0", TAG,
        [f"generated_example{EXT}"],
        ["CMakeLists.txt", "src/module.c.in"],
        """import json, os, generated_example as m
where = os.path.dirname(m.__file__)
print(json.dumps({"answer": m.answer(), "version": m.__version__,
                  "hello": m.hello("crosswheel"), "file": os.path.basename(m.__file__),
                  "where": where}))""",
        {"answer": 42, "version": "0.4.0", "hello": "Hello, crosswheel, from generated_example!",
         "file": f"generated_example{EXT}"},
        "A top-level extension module generated entirely by CMake",
    ),
    Example(
        "namespace-package", "nspkg-sub", "nspkg_sub", "0.2.0", TAG,
        ["nspkg/sub/__init__.py", f"nspkg/sub/_core{EXT}"],
        ["CMakeLists.txt", "src/c/core.c", "src/nspkg/sub/__init__.py"],
        """import json, os, nspkg, nspkg.sub
m = nspkg.sub
where = os.path.dirname(os.path.dirname(m.__file__))
print(json.dumps({"mul": m.mul(6, 7), "square": m.square(9),
                  "ns_file": getattr(nspkg, "__file__", None),
                  "ns_path": [os.path.normpath(p) for p in nspkg.__path__], "where": where}))""",
        {"mul": 42, "square": 81, "ns_file": None},
        "A PEP 420 namespace package (nspkg) containing nspkg.sub with a C extension",
    ),
    Example(
        "multi-config", "multi-config-example", "multi_config_example", "0.5.0", TAG,
        ["multi_config_example/__init__.py", f"multi_config_example/_core{EXT}",
         f"multi_config_example/_core_d{EXT}"],
        ["CMakeLists.txt", "multi_config_example/__init__.py", "src/core.c"],
        f"""import json, multi_config_example as m; {_WHERE}
print(json.dumps({{"release": m.release.build_config(), "debug": m.debug.build_config(),
                  "release_asserts": m.release.assertions_enabled(),
                  "debug_asserts": m.debug.assertions_enabled(), "add": m.add(1, 2),
                  "where": where}}))""",
        {"release": "Release", "debug": "Debug", "release_asserts": False,
         "debug_asserts": True, "add": 3},
        "Debug and Release builds of one extension module in one wheel",
    ),
    Example(
        "two-projects", "two-projects-example", "two_projects_example", "0.6.0", TAG,
        ["two_projects_example/__init__.py", f"two_projects_example/_alpha{EXT}",
         f"two_projects_example/_beta{EXT}"],
        ["cpp/alpha/CMakeLists.txt", "cpp/alpha/alpha.c", "cpp/beta/CMakeLists.txt",
         "cpp/beta/beta.c", "two_projects_example/__init__.py"],
        f"""import json, two_projects_example as m; {_WHERE}
print(json.dumps({{"names": m.names(), "add": m.add(1, 2), "scale": m.scale(7),
                  "factor": m._beta.FACTOR, "where": where}}))""",
        {"names": ["alpha", "beta"], "add": 3, "scale": 70, "factor": 10},
        "Two CMake projects, each contributing one extension module to one package",
        cmake_projects=2,
    ),
    Example(
        "scripts-data", "Scripts.Data-Example", "scripts_data_example", "0.1.0",
        f"py3-none-{PLAT}",
        ["scripts_data_example/__init__.py",
         "scripts_data_example-0.1.0.data/headers/scripts_data_example.h",
         "scripts_data_example-0.1.0.data/scripts/hello-cw",
         "scripts_data_example-0.1.0.data/data/share/scripts-data-example/greeting.txt"],
        ["CMakeLists.txt", "include/scripts_data_example.h", "scripts_data_example/__init__.py",
         "share/greeting.txt", "src/hello.c"],
        f"""import json, subprocess, scripts_data_example as m; {_WHERE}
out = subprocess.run([m.hello_path()], check=True, capture_output=True, text=True).stdout
print(json.dumps({{"hello": out, "greeting": m.read_greeting(), "hello_path": m.hello_path(),
                  "greeting_path": m.greeting_path(), "where": where}}))""",
        {"hello": "Hello from hello-cw!\n", "greeting": "greetings from the scripts-data example"},
        "Installs an executable, a header and a data file through the wheel's .data folder",
        executables=frozenset({"scripts_data_example-0.1.0.data/scripts/hello-cw"}),
    ),
    Example(
        "copy-native", "copy-native-example", "copy_native_example", "0.7.0", TAG,
        ["copy_native_example/__init__.py", f"copy_native_example/_core{EXT}",
         "copy_native_example/_core.pyi"],
        ["CMakeLists.txt", "aarch64-linux-gnu.example.cmake", "copy_native_example/__init__.py",
         "py-build-cmake.cross.example.toml", "src/core.c", "src/squares.h", "tools/gen.c"],
        f"""import json, copy_native_example as m; {_WHERE}
print(json.dumps({{"squares": list(m.squares()), "square": m.square(12),
                  "size": m.TABLE_SIZE, "generated_on": m.generated_on(),
                  "platform": m.platform(), "where": where}}))""",
        {"squares": [i * i for i in range(16)], "square": 144, "size": 16,
         "generated_on": MACHINE, "platform": MACHINE},
        "Runs a natively built code generator while cross-compiling; stubs come from the "
        "native build",
    ),
]

EXAMPLES: dict[str, Example] = {e.folder: e for e in _EXAMPLES}
NAMES = list(EXAMPLES)
CMAKE_NAMES = [n for n in NAMES if EXAMPLES[n].cmake_projects]
