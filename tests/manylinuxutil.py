"""Helpers for the manylinux tests: test projects, and checks that do not use crosswheel's code.

The scan reads binaries with binutils' `readelf` (not pyelftools, which crosswheel reads with), and
the verdict comes from `auditwheel show --json`, so a test compares crosswheel's tag with two
independent opinions.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SRC = REPO / "src"

GETRANDOM_C = """
#include <sys/random.h>
/* getrandom() came with glibc 2.25: a module calling it needs GLIBC_2.25. */
int crosswheel_random_byte(void) {
    unsigned char b = 0;
    return getrandom(&b, 1, 0) == 1 ? b : -1;
}
"""
HELPER_C = "int crosswheel_helper(void) { return 42; }\n"
USES_HELPER_C = """
int crosswheel_helper(void);
int crosswheel_call_helper(void) { return crosswheel_helper(); }
"""
# A shared library of the project's own that is not installed into the wheel: the module's
# DT_NEEDED then names a library no manylinux policy lists.
HELPER_CMAKE = """
add_library(cwhelper SHARED src/helper.c)
target_link_libraries(_core PRIVATE cwhelper)
"""


def make_project(dest: Path, *, getrandom: bool = False, helper: bool = False) -> Path:
    """A copy of examples/c-api, its module calling getrandom and/or linking an extra library."""
    project = dest / "c-api"
    shutil.copytree(REPO / "examples" / "c-api", project, ignore=shutil.ignore_patterns(
        ".py-build-cmake_cache", "dist", "__pycache__"))
    core = project / "src" / "core.c"
    if getrandom:
        core.write_text(core.read_text() + GETRANDOM_C)
    if helper:
        (project / "src" / "helper.c").write_text(HELPER_C)
        core.write_text(core.read_text() + USES_HELPER_C)
        cml = project / "CMakeLists.txt"
        cml.write_text(cml.read_text() + HELPER_CMAKE)
    return project


@dataclass
class Built:
    returncode: int
    output: str
    wheels: list[Path]


def build(project: Path, out: Path, *overrides: str, cross: Path | None = None) -> Built:
    """`crosswheel wheel` with `-o` overrides (the same code as the PEP 517 hooks)."""
    cmd = [sys.executable, "-m", "crosswheel", "wheel", "--project", str(project), "-d", str(out)]
    for o in overrides:
        cmd += ["-o", o]
    if cross is not None:
        cmd += ["--cross", str(cross)]
    p = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=900)
    return Built(p.returncode, p.stdout + p.stderr,
                 sorted(out.glob("*.whl")) if out.is_dir() else [])


def readelf_needs(path: Path) -> tuple[set[str], set[str]]:
    """(DT_NEEDED libraries, version needs like 'GLIBC_2.25') as binutils' readelf reports them."""
    dyn = subprocess.run(["readelf", "-d", "--wide", str(path)], capture_output=True, text=True,
                         check=True).stdout
    ver = subprocess.run(["readelf", "-V", "--wide", str(path)], capture_output=True, text=True,
                         check=True).stdout
    needed = set(re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", dyn))
    # Only the "Version needs" part: lines "Name: GLIBC_2.25  Flags: ...".
    part = ver.split("Version needs section", 1)[1] if "Version needs section" in ver else ""
    return needed, set(re.findall(r"Name: (\S+)\s+Flags", part))


def scan_wheel(wheel: Path, dest: Path) -> tuple[set[str], set[str]]:
    """readelf_needs over every ELF file in the wheel."""
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(dest)
    needed: set[str] = set()
    versions: set[str] = set()
    for p in sorted(dest.rglob("*")):
        if p.is_file() and p.read_bytes()[:4] == b"\x7fELF":
            n, v = readelf_needs(p)
            needed |= n
            versions |= v
    return needed, versions


def newest_glibc(versions: set[str]) -> tuple[int, int]:
    found = [tuple(int(x) for x in v[len("GLIBC_"):].split(".")[:2]) for v in versions
             if re.fullmatch(r"GLIBC_\d+\.\d+(\.\d+)?", v)]
    return max(found, default=(2, 0))  # type: ignore[return-value]


def level(tag: str) -> tuple[int, int]:
    m = re.match(r"manylinux_(\d+)_(\d+)_", tag)
    assert m, tag
    return int(m.group(1)), int(m.group(2))


def wheel_tags(wheel: Path) -> list[str]:
    """The Tag lines of the WHEEL file."""
    with zipfile.ZipFile(wheel) as zf:
        name = next(n for n in zf.namelist() if n.endswith(".dist-info/WHEEL"))
        return [line.split(": ", 1)[1] for line in zf.read(name).decode().splitlines()
                if line.startswith("Tag: ")]


def platform_tags(wheel: Path) -> list[str]:
    """The platform part of the file name, as a list (a compressed tag set)."""
    return wheel.name[:-len(".whl")].split("-")[-1].split(".")


def auditwheel_overall_tag(wheel: Path) -> str:
    p = subprocess.run([sys.executable, "-m", "auditwheel", "show", "--json", str(wheel)],
                       capture_output=True, text=True, check=False)
    assert p.returncode == 0, p.stdout + p.stderr
    return json.loads(p.stdout)["overall_tag"]


def twine_check(wheel: Path) -> None:
    p = subprocess.run([sys.executable, "-m", "twine", "check", "--strict", str(wheel)],
                       capture_output=True, text=True, check=False)
    assert p.returncode == 0, p.stdout + p.stderr


def readelf_undefined(path: Path) -> tuple[set[str], dict[str, set[str]]]:
    """(non-weak undefined dynamic symbols, {version: its undefined symbols}) per readelf."""
    out = subprocess.run(["readelf", "--dyn-syms", "--wide", str(path)], capture_output=True,
                         text=True, check=True).stdout
    strong: set[str] = set()
    by_version: dict[str, set[str]] = {}
    for line in out.splitlines():
        cols = line.split()
        # Num: Value Size Type Bind Vis Ndx Name [(n)]
        if len(cols) < 8 or not cols[0].rstrip(":").isdigit() or cols[6] != "UND":
            continue
        name, _, version = cols[7].partition("@")
        if cols[4] != "WEAK":
            strong.add(name)
        if version:
            by_version.setdefault(version.lstrip("@"), set()).add(name)
    return strong, by_version
