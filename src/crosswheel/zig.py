"""zig as a C/C++ compiler: where the ziglang PyPI package keeps it, and which glibcs it offers.

zig carries the headers and symbol lists of every glibc release, so `zig cc -target
aarch64-linux-gnu.2.17` links against glibc 2.17 whatever the build machine or sysroot has.
Everything here reads zig's own data; nothing runs a compiler.
"""

from __future__ import annotations

import functools
import importlib.util
import re
import subprocess
from pathlib import Path

from .errors import ConfigError

# GNU triple architecture -> zig's name for it (the others are spelled alike).
_ARCH = {"i386": "x86", "i486": "x86", "i586": "x86", "i686": "x86", "armv7": "arm",
         "armv7l": "arm", "armv7a": "arm", "ppc64le": "powerpc64le", "ppc64": "powerpc64"}
# No glibc older than this by default: manylinux2014's, and the oldest zig's C++ runtime is
# built against in practice. zig's own floor for an architecture wins when it is newer.
DEFAULT_GLIBC = (2, 17)

Version = tuple[int, ...]


def executable() -> Path | None:
    """The zig binary inside the importable ziglang package, if there is one."""
    try:
        spec = importlib.util.find_spec("ziglang")
    except (ImportError, ValueError):
        return None
    if spec is None or spec.origin is None:
        return None
    folder = Path(spec.origin).parent
    for name in ("zig", "zig.exe"):
        if (folder / name).is_file():
            return folder / name
    return None


def package_version() -> str:
    from importlib import metadata

    try:
        return metadata.version("ziglang")
    except metadata.PackageNotFoundError:
        return "?"


def target_parts(triple: str) -> tuple[str, str]:
    """(zig arch, abi) of a GNU triple: 'i686-linux-gnu' -> ('x86', 'gnu')."""
    parts = triple.split("-")
    return _ARCH.get(parts[0], parts[0]), parts[-1]


def parse_version(text: str) -> Version | None:
    m = re.fullmatch(r"(\d+)\.(\d+)(?:\.(\d+))?", text.strip())
    if not m:
        return None
    major, minor, patch = int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)
    return (major, minor, patch) if patch else (major, minor)


def show(v: Version) -> str:
    return ".".join(map(str, v))


@functools.cache
def _targets(zig: Path) -> str:
    """`zig targets`: zig's target data as a ZON document (about 0.3 s)."""
    try:
        return subprocess.run([str(zig), "targets"], capture_output=True, text=True,
                              check=True, timeout=120).stdout
    except (OSError, subprocess.SubprocessError) as e:
        raise ConfigError(f"cross.compiler: cannot run {zig} targets: {e}") from None


def _zon_list(text: str, name: str) -> list[str]:
    """A list of strings: `.name = .{ "a", ... }` (ZON), or `"name": [ "a", ... ]` (JSON, as
    zig printed it before 0.14)."""
    m = re.search(rf'(?:\.{name}\s*=\s*\.\{{|"{name}"\s*:\s*\[)(.*?)[\]}}]', text, re.S)
    return re.findall(r'"([^"]+)"', m.group(1)) if m else []


def glibc_versions(zig: Path) -> tuple[Version, ...]:
    """Every glibc version zig has symbol lists for."""
    versions = [parse_version(v) for v in _zon_list(_targets(zig), "glibc")]
    found = tuple(sorted(_short(v) for v in versions if v))
    if not found:
        raise ConfigError(f"cross.compiler: {zig} targets lists no glibc versions")
    return found


def supports_linux_gnu(zig: Path, arch: str, abi: str) -> bool:
    """zig can build a glibc for this arch and ABI."""
    return f"{arch}-linux-{abi}" in _zon_list(_targets(zig), "libc")


def _short(v: Version) -> Version:
    return v[:2] if len(v) == 3 and v[2] == 0 else v


@functools.cache
def glibc_floor(zig: Path, arch: str, abi: str) -> Version | None:
    """The oldest glibc zig builds for an arch and ABI (its `available_libcs` table), if it
    names one; zig refuses older ones for that target."""
    source = zig.parent / "lib" / "std" / "zig" / "target.zig"
    try:
        text = source.read_text(encoding="utf-8")
    except OSError:
        return None
    row = re.compile(r"\.arch = \.(\w+), \.os = \.linux, \.abi = \.(\w+),[^\n]*?"
                     r"\.glibc_min = \.\{ \.major = (\d+), \.minor = (\d+), \.patch = (\d+)")
    for m in row.finditer(text):
        if (m.group(1), m.group(2)) == (arch, abi):
            return _short((int(m.group(3)), int(m.group(4)), int(m.group(5))))
    return None
