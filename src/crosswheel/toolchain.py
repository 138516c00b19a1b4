"""A CMake toolchain file written from a GNU triple (and sysroot), for `cross.triple`."""

from __future__ import annotations

import shutil

from .cmake import cmake_escape
from .errors import ConfigError
from .target import Target, emulator_for

_PROCESSOR = {"aarch64": "aarch64", "armv7l": "armv7l", "armv6l": "armv6l", "x86_64": "x86_64",
              "i686": "i686", "ppc64le": "ppc64le", "s390x": "s390x", "riscv64": "riscv64"}
_SYSTEM = {"linux": "Linux", "windows": "Windows", "mac": "Darwin"}


def generate(t: Target) -> str:
    """The toolchain file text for a target that names a triple."""
    assert t.triple is not None
    cc, cxx = f"{t.triple}-gcc", f"{t.triple}-g++"
    if shutil.which(cc) is None:
        raise ConfigError(f"cross.triple: the compiler {cc} is not on PATH (on Debian: "
                          f"apt-get install g++-{t.triple})")

    def s(v: object) -> str:
        return f'"{cmake_escape(str(v))}"'

    lines = [
        f"# Written by crosswheel for cross.triple = {t.triple!r}.",
        f"set(CMAKE_SYSTEM_NAME {_SYSTEM[t.os]})",
        f"set(CMAKE_SYSTEM_PROCESSOR {_PROCESSOR.get(t.arch, t.arch)})",
        f"set(CMAKE_C_COMPILER {s(cc)})",
        f"set(CMAKE_CXX_COMPILER {s(cxx)})",
    ]
    if t.sysroot is not None:
        lines += [
            f"set(CMAKE_SYSROOT {s(t.sysroot)})",
            f"set(CMAKE_LIBRARY_ARCHITECTURE {t.triple})",
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
