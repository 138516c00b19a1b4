"""The CMake toolchain file crosswheel writes for `cross.triple`, by compiler family.

A compiler family (gcc, zig) is a property of the target's toolchain: it names the tools that
compile, archive and strip, the flags every compile gets, whether the sysroot's libc is used,
what the build environment must install, and it checks its own configuration keys. Everything
else in the toolchain file (system, processor, sysroot search paths, emulator) is common.
"""

from __future__ import annotations

import re
import shlex
import shutil
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path

from .cmake import cmake_escape
from .errors import ConfigError
from .target import Target, emulator_for

_SYSTEM = {"linux": "Linux", "windows": "Windows", "mac": "Darwin"}


@dataclass(frozen=True)
class Tools:
    """What a family puts into the toolchain file."""

    cc: str
    cxx: str
    ar: str | None = None  # None: CMake finds them from the compiler's name
    ranlib: str | None = None
    strip: str | None = None
    flags: tuple[str, ...] = ()  # for every C and C++ compile
    sysroot_libc: bool = True  # CMAKE_SYSROOT: headers and libraries of the sysroot's libc
    files: dict[Path, str] = field(default_factory=dict)  # written beside the toolchain file


class Family:
    name = ""
    requirements: tuple[str, ...] = ()  # what get_requires_for_build_wheel asks for

    def resolve(self, t: Target) -> Target:
        """Check the family's keys and tools; fill in its defaults. Raises ConfigError."""
        return t

    def tools(self, t: Target, folder: Path, cxx: bool) -> Tools:
        """`cxx`: the project compiles C++, so its compiler must exist too."""
        raise NotImplementedError


class Gcc(Family):
    """`<triple>-gcc` and `<triple>-g++`, as Debian's cross compiler packages name them."""

    name = "gcc"

    def resolve(self, t: Target) -> Target:
        _need_gcc(t, cxx=False)
        return t

    def tools(self, t: Target, folder: Path, cxx: bool) -> Tools:
        if cxx:  # checked before CMake runs, not deep inside its compiler detection
            _need_gcc(t, cxx=True)
        return Tools(cc=f"{t.triple}-gcc", cxx=f"{t.triple}-g++")


def _need_gcc(t: Target, cxx: bool) -> None:
    assert t.triple is not None
    name = f"{t.triple}-{'g++' if cxx else 'gcc'}"
    if shutil.which(name) is None:
        row = t.arch_row
        package = row.compiler_package(cxx) if row else f"{'g++' if cxx else 'gcc'}-{t.triple}"
        raise ConfigError(f"cross.triple: the compiler {name} is not on PATH (on Debian: "
                          f"apt-get install {package})")


class Zig(Family):
    """`zig cc` / `zig c++` from the ziglang package, against zig's glibc of version `glibc`.

    Only the target Python's headers come from the sysroot: its libc headers belong to a newer
    glibc and must not mix with zig's. CMake wants one executable per tool, so small scripts in
    the build folder call zig.
    """

    name = "zig"
    requirements = ("ziglang",)

    def resolve(self, t: Target) -> Target:
        from . import zig

        exe = zig.executable()
        if exe is None:
            raise ConfigError(f"cross.compiler: 'zig' needs the ziglang package, which this "
                              f"Python ({sys.executable}) cannot import: pip install ziglang, "
                              "or build with build isolation so that crosswheel asks for it")
        assert t.triple is not None
        arch, abi = zig.target_parts(t.triple)
        if t.os != "linux" or not zig.supports_linux_gnu(exe, arch, abi):
            raise ConfigError(f"cross.triple: zig cannot build glibc programs for {t.triple!r} "
                              f"(zig target {arch}-linux-{abi})")
        versions = zig.glibc_versions(exe)
        floor = zig.glibc_floor(exe, arch, abi)
        offered = [v for v in versions if floor is None or v >= floor]
        if t.glibc is None:
            wanted = max(zig.DEFAULT_GLIBC, floor or zig.DEFAULT_GLIBC)
        else:
            parsed = zig.parse_version(t.glibc)
            if parsed is None:
                raise ConfigError(f"cross.glibc: expected a glibc version like '2.17', found "
                                  f"{t.glibc!r}")
            wanted = parsed
        if wanted not in offered:
            raise ConfigError(f"cross.glibc: zig {zig.package_version()} has no glibc "
                              f"{zig.show(wanted)} for {arch}-linux-{abi}; it offers "
                              f"{zig.show(offered[0])} to {zig.show(offered[-1])}")
        return replace(t, glibc=zig.show(wanted))

    def tools(self, t: Target, folder: Path, cxx: bool) -> Tools:
        from . import zig

        exe = zig.executable()
        assert exe is not None and t.triple is not None and t.glibc is not None
        arch, abi = zig.target_parts(t.triple)
        target = f"{arch}-linux-{abi}.{t.glibc}"
        bin_dir = folder / "crosswheel-zig"
        files = {}
        for name, command in (("cc", f"cc -target {target}"), ("c++", f"c++ -target {target}"),
                              ("ar", "ar"), ("ranlib", "ranlib")):
            files[bin_dir / name] = _script(f"exec {shlex.quote(str(exe))} {command} \"$@\"")
        strip = _strip_for(t)
        if strip is None:
            strip = str(bin_dir / "strip")
            files[bin_dir / "strip"] = _script(
                f"echo \"crosswheel: no strip for {t.triple} (install binutils-{t.triple} or "
                "llvm): $* left unstripped\" >&2")
        flags: tuple[str, ...] = ()
        if t.sysroot is not None:
            shim = bin_dir / "include"
            files |= _python_header_shim(t.sysroot, shim)
            flags = ("-idirafter", str(shim))
        return Tools(cc=str(bin_dir / "cc"), cxx=str(bin_dir / "c++"), ar=str(bin_dir / "ar"),
                     ranlib=str(bin_dir / "ranlib"), strip=strip, flags=flags,
                     sysroot_libc=False, files=files)


FAMILIES: dict[str, Family] = {f.name: f for f in (Gcc(), Zig())}


def family(t: Target) -> Family:
    return FAMILIES[t.compiler]


def requirements(compiler: str) -> list[str]:
    return list(FAMILIES[compiler].requirements)


def _script(body: str) -> str:
    # A file beginning with #! is written executable (cmake.Runner.configure).
    return f"#!/bin/sh\n# Written by crosswheel: CMake wants one executable per tool.\n{body}\n"


def _strip_for(t: Target) -> str | None:
    """zig cannot strip (its objcopy does not implement it); pybind11 strips Release builds."""
    names = [f"{t.triple}-strip", "llvm-strip"] + ([] if t.cross else ["strip"])
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    return None


def _python_header_shim(sysroot: Path, shim: Path) -> dict[Path, str]:
    """Forwarding headers for the sysroot Python's multiarch folder.

    Debian's python3.X/pyconfig.h includes <aarch64-linux-gnu/python3.X/pyconfig.h>; adding the
    sysroot's whole usr/include would bring its glibc's headers too. The shim holds only
    `<multiarch>/python3.X/*.h`, each including the sysroot's file.
    """
    files = {}
    for header in sorted(sysroot.glob("usr/include/*-*/python*/*.h")):
        rel = header.relative_to(sysroot / "usr/include")
        files[shim / rel] = f'#include "{header}"\n'
    return files


def generate(t: Target, path: Path, cxx: bool = True) -> dict[Path, str]:
    """The toolchain file (at `path`) and the files it uses, for a target that names a triple."""
    assert t.triple is not None
    tools = family(t).tools(t, path.parent, cxx)
    row = t.arch_row

    def s(v: object) -> str:
        return f'"{cmake_escape(str(v))}"'

    lines = [f"# Written by crosswheel for cross.triple = {t.triple!r}, compiler = {t.compiler!r}"
             + (f", glibc = {t.glibc!r}." if t.glibc else ".")]
    if t.cross:  # a native triple keeps CMake's native mode (FindPython may run Python)
        lines += [f"set(CMAKE_SYSTEM_NAME {_SYSTEM[t.os]})",
                  f"set(CMAKE_SYSTEM_PROCESSOR {row.cmake_processor if row else t.arch})"]
    lines += [f"set(CMAKE_C_COMPILER {s(tools.cc)})", f"set(CMAKE_CXX_COMPILER {s(tools.cxx)})"]
    for var, value in (("CMAKE_AR", tools.ar), ("CMAKE_C_COMPILER_AR", tools.ar),
                       ("CMAKE_CXX_COMPILER_AR", tools.ar), ("CMAKE_RANLIB", tools.ranlib),
                       ("CMAKE_C_COMPILER_RANLIB", tools.ranlib),
                       ("CMAKE_CXX_COMPILER_RANLIB", tools.ranlib), ("CMAKE_STRIP", tools.strip)):
        if value:
            lines.append(f'set({var} {s(value)} CACHE FILEPATH "" FORCE)')
    if tools.flags:
        flags = " ".join(tools.flags)
        lines += [f"set(CMAKE_C_FLAGS_INIT {s(flags)})", f"set(CMAKE_CXX_FLAGS_INIT {s(flags)})"]
    if t.sysroot is not None:
        if tools.sysroot_libc:
            lines.append(f"set(CMAKE_SYSROOT {s(t.sysroot)})")
        lines += [
            # Debian's folder name, which is not always the triple (i386-linux-gnu for i686).
            f"set(CMAKE_LIBRARY_ARCHITECTURE {row.multiarch if row else t.triple})",
            f"set(CMAKE_FIND_ROOT_PATH {s(t.sysroot)})",
            "set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)",
            "set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)",
            "set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)",
            "set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)",
        ]
    emulator = emulator_for(t) if t.cross else None
    if emulator:
        lines.append(f"set(CMAKE_CROSSCOMPILING_EMULATOR {s(';'.join(emulator))})")
    return {path: "\n".join(lines) + "\n", **tools.files}


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
