"""A CMake toolchain file written from a GNU triple (and sysroot), for `cross.triple`."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from .cmake import cmake_escape
from .errors import ConfigError
from .target import Target, emulator_for

_SYSTEM = {"linux": "Linux", "windows": "Windows", "mac": "Darwin"}


def generate(t: Target, cxx: bool = True) -> str:
    """The toolchain file text for a target that names a triple.

    `cxx`: the project compiles C++, so its compiler must exist too (checked here, before CMake
    runs, rather than failing deep inside CMake's compiler detection).
    """
    assert t.triple is not None
    row = t.arch_row
    cc, cxx_name = f"{t.triple}-gcc", f"{t.triple}-g++"
    for name, is_cxx, needed in ((cc, False, True), (cxx_name, True, cxx)):
        if needed and shutil.which(name) is None:
            package = row.compiler_package(is_cxx) if row else \
                f"{'g++' if is_cxx else 'gcc'}-{t.triple}"
            raise ConfigError(f"cross.triple: the compiler {name} is not on PATH (on Debian: "
                              f"apt-get install {package})")

    def s(v: object) -> str:
        return f'"{cmake_escape(str(v))}"'

    lines = [
        f"# Written by crosswheel for cross.triple = {t.triple!r}.",
        f"set(CMAKE_SYSTEM_NAME {_SYSTEM[t.os]})",
        f"set(CMAKE_SYSTEM_PROCESSOR {row.cmake_processor if row else t.arch})",
        f"set(CMAKE_C_COMPILER {s(cc)})",
        f"set(CMAKE_CXX_COMPILER {s(cxx_name)})",
    ]
    if t.sysroot is not None:
        lines += [
            f"set(CMAKE_SYSROOT {s(t.sysroot)})",
            # Debian's folder name, which is not always the triple (i386-linux-gnu for i686).
            f"set(CMAKE_LIBRARY_ARCHITECTURE {row.multiarch if row else t.triple})",
            f"set(CMAKE_FIND_ROOT_PATH {s(t.sysroot)})",
            "set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)",
            "set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)",
            "set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)",
            "set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)",
        ]
    emulator = emulator_for(t)
    if emulator:
        lines.append(f"set(CMAKE_CROSSCOMPILING_EMULATOR {s(';'.join(emulator))})")
    return "\n".join(lines) + "\n"


_PROJECT = re.compile(r"^\s*project\s*\(([^)]*)\)", re.I | re.M)
_ENABLE_CXX = re.compile(r"^\s*enable_language\s*\([^)]*\bCXX\b", re.I | re.M)
_PROJECT_KEYWORDS = {"VERSION", "DESCRIPTION", "HOMEPAGE_URL", "LANGUAGES"}


def uses_cxx(source_dir: Path) -> bool:
    """Whether a CMake project compiles C++ (when unsure: yes, the stricter check)."""
    try:
        text = (source_dir / "CMakeLists.txt").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return True
    text = re.sub(r"#.*", "", text)
    if _ENABLE_CXX.search(text):
        return True
    m = _PROJECT.search(text)
    if m is None:
        return True
    args = m.group(1).split()[1:]
    if "LANGUAGES" in args:
        langs = args[args.index("LANGUAGES") + 1:]
    else:  # project(name [lang...]) or project(name VERSION x ...): no LANGUAGES means C and CXX
        langs = []
        for a in args:
            if a in _PROJECT_KEYWORDS:
                break
            langs.append(a)
        if not langs:
            return True
    langs = [x for x in langs if x not in _PROJECT_KEYWORDS]
    return "CXX" in langs or not langs
