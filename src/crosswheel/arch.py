"""Linux architectures as data: one row per architecture a wheel can be tagged for.

Every fact crosswheel needs about an architecture lives in its row: the wheel tag, the GNU
triple, what its ELF headers say, CMake's processor name, the qemu user-mode emulator, Debian's
architecture and multiarch names and zig's target. A new architecture is one row plus a cross
test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

# e_flags of 32-bit ARM EABI binaries: which float calling convention they use.
EF_ARM_ABI_FLOAT_SOFT = 0x200
EF_ARM_ABI_FLOAT_HARD = 0x400


class ElfHeader(NamedTuple):
    """The facts of an ELF header that decide which machine a binary runs on."""

    machine: int  # e_machine
    bits: int  # 32 or 64 (EI_CLASS)
    big_endian: bool  # EI_DATA
    flags: int  # e_flags


@dataclass(frozen=True)
class Arch:
    wheel: str  # the architecture part of a platform tag: linux_<wheel>
    triple: str  # Debian's GNU triple, the cross compiler's prefix
    elf_machine: int
    elf_name: str  # a short name for elf_machine, used in messages
    bits: int
    big_endian: bool
    hard_float: bool | None  # 32-bit ARM only: EF_ARM_ABI_FLOAT_HARD expected
    cmake_processor: str  # CMAKE_SYSTEM_PROCESSOR (what `uname -m` says there)
    qemu: str | None  # qemu-<qemu>-static runs its binaries
    debian: str | None  # Debian architecture (apt's :<arch> suffix)
    multiarch: str  # Debian's multiarch folder, also the SOABI's platform part
    zig: str | None  # zig's -target (without the glibc version)
    triple_cpus: tuple[str, ...]  # first parts of GNU triples that mean this architecture

    @property
    def elf(self) -> str:
        """What its binaries' headers say, in words."""
        return elf_words(ElfHeader(self.elf_machine, self.bits, self.big_endian,
                                   EF_ARM_ABI_FLOAT_HARD if self.hard_float else 0),
                         arm=self.hard_float is not None)

    def mismatch(self, h: ElfHeader) -> str | None:
        """Why a binary with header `h` cannot run on this architecture, or None if it can."""
        if (h.machine, h.bits, h.big_endian) != (self.elf_machine, self.bits, self.big_endian):
            return f"an ELF binary for {elf_words(h)}"
        if self.hard_float is not None and self.hard_float != bool(h.flags & EF_ARM_ABI_FLOAT_HARD):
            return f"an ELF binary for {elf_words(h, arm=True)}"
        return None

    def dev_package(self, python_version: str) -> str:
        """The Debian package that holds Python.h for `python_version` ("3.11")."""
        return f"libpython{python_version}-dev:{self.debian or self.wheel}"

    def compiler_package(self, cxx: bool) -> str:
        return f"{'g++' if cxx else 'gcc'}-{self.triple}"


ARCHES: tuple[Arch, ...] = (
    Arch("x86_64", "x86_64-linux-gnu", 62, "x86_64", 64, False, None, "x86_64", "x86_64",
         "amd64", "x86_64-linux-gnu", "x86_64-linux-gnu", ("x86_64", "amd64")),
    Arch("i686", "i686-linux-gnu", 3, "x86", 32, False, None, "i686", "i386",
         "i386", "i386-linux-gnu", "x86-linux-gnu", ("i686", "i586", "i486", "i386")),
    Arch("aarch64", "aarch64-linux-gnu", 183, "aarch64", 64, False, None, "aarch64", "aarch64",
         "arm64", "aarch64-linux-gnu", "aarch64-linux-gnu", ("aarch64", "arm64")),
    Arch("armv7l", "arm-linux-gnueabihf", 40, "arm", 32, False, True, "armv7l", "arm",
         "armhf", "arm-linux-gnueabihf", "arm-linux-gnueabihf", ("arm", "armv7", "armv7l",
                                                                 "armv7a", "armv7hl")),
    Arch("armv6l", "arm-linux-gnueabihf", 40, "arm", 32, False, True, "armv6l", "arm",
         None, "arm-linux-gnueabihf", "arm-linux-gnueabihf", ("armv6", "armv6l")),
    Arch("ppc64le", "powerpc64le-linux-gnu", 21, "ppc64", 64, False, None, "ppc64le", "ppc64le",
         "ppc64el", "powerpc64le-linux-gnu", "powerpc64le-linux-gnu", ("powerpc64le", "ppc64le")),
    Arch("ppc64", "powerpc64-linux-gnu", 21, "ppc64", 64, True, None, "ppc64", "ppc64",
         "ppc64", "powerpc64-linux-gnu", "powerpc64-linux-gnu", ("powerpc64", "ppc64")),
    Arch("s390x", "s390x-linux-gnu", 22, "s390", 64, True, None, "s390x", "s390x",
         "s390x", "s390x-linux-gnu", "s390x-linux-gnu", ("s390x",)),
    Arch("riscv64", "riscv64-linux-gnu", 243, "riscv", 64, False, None, "riscv64", "riscv64",
         "riscv64", "riscv64-linux-gnu", "riscv64-linux-gnu", ("riscv64",)),
    Arch("mips64", "mips64el-linux-gnuabi64", 8, "mips", 64, False, None, "mips64", "mips64el",
         "mips64el", "mips64el-linux-gnuabi64", "mips64el-linux-gnuabi64", ("mips64el",)),
    Arch("loongarch64", "loongarch64-linux-gnu", 258, "loongarch", 64, False, None,
         "loongarch64", "loongarch64", "loong64", "loongarch64-linux-gnu",
         "loongarch64-linux-gnu", ("loongarch64",)),
)
BY_WHEEL = {a.wheel: a for a in ARCHES}

# Names people write for an architecture that are not its wheel tag.
ALIASES = {"arm64": "aarch64", "amd64": "x86_64", "x64": "x86_64", "i386": "i686", "i586": "i686",
           "x86": "i686", "ppc64el": "ppc64le", "armhf": "armv7l", "armv7": "armv7l",
           "powerpc64le": "ppc64le", "powerpc64": "ppc64", "loong64": "loongarch64"}

# e_machine names for machines no row describes, so messages still say what a binary is.
_OTHER_MACHINES = {2: "sparc", 20: "ppc", 43: "sparcv9", 50: "ia64"}
_MACHINE_NAMES = {a.elf_machine: a.elf_name for a in ARCHES} | _OTHER_MACHINES

_LINUX_PLATFORM = re.compile(
    r"^(?P<prefix>linux|manylinux(?:1|2010|2014)|manylinux_\d+_\d+|musllinux_\d+_\d+)_(?P<arch>.+)$")


def machine_name(code: int) -> str:
    return _MACHINE_NAMES.get(code, f"machine {code}")


def elf_words(h: ElfHeader, arm: bool = False) -> str:
    """e.g. 'ppc64 (64-bit, little-endian)' or 'arm (32-bit, little-endian, soft-float)'."""
    parts = [f"{h.bits}-bit", "big-endian" if h.big_endian else "little-endian"]
    if arm or h.machine == 40:
        parts.append("hard-float" if h.flags & EF_ARM_ABI_FLOAT_HARD else "soft-float")
    return f"{machine_name(h.machine)} ({', '.join(parts)})"


def is_linux_platform(platform: str) -> bool:
    return _LINUX_PLATFORM.match(platform) is not None


def for_platform(platform: str) -> Arch:
    """The row for a Linux platform tag; ValueError (a sentence) for an alias or unknown name."""
    m = _LINUX_PLATFORM.match(platform)
    if m is None:
        raise ValueError(f"{platform!r} is not a Linux platform tag (expected linux_<arch>, "
                         "manylinux_<x>_<y>_<arch> or musllinux_<x>_<y>_<arch>)")
    name = m.group("arch")
    if name in BY_WHEEL:
        return BY_WHEEL[name]
    if name in ALIASES:
        raise ValueError(f"{platform!r}: {name!r} is not a wheel architecture; did you mean "
                         f"{m.group('prefix')}_{ALIASES[name]}?")
    raise ValueError(f"{platform!r}: unknown architecture {name!r} (known: "
                     f"{', '.join(sorted(BY_WHEEL))})")


def for_triple(triple: str) -> Arch | None:
    """The row a Linux GNU triple (or Debian multiarch name) means, or None if none does."""
    parts = triple.split("-")
    if "linux" not in parts:
        return None
    cpu, abi = parts[0], parts[-1]
    for a in ARCHES:
        if cpu in a.triple_cpus:
            if a.hard_float and abi != "gnueabihf":
                return None  # arm-linux-gnueabi: soft-float, which no wheel tag names
            return a
    return None
