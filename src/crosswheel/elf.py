"""ELF inspection: which machine a binary is for, and whether a wheel's binaries fit its target."""

from __future__ import annotations

import re
import struct
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from .arch import ElfHeader, elf_words, machine_name
from .errors import BuildError

if TYPE_CHECKING:
    from .target import Target
    from .wheel import Entry

# name.<tag>.so: the tag CPython's importer matches against its own SOABI (or abi3).
_EXT = re.compile(r"^[^.]+\.(?P<tag>[^.]+)\.so$")


def header(path: str | Path) -> ElfHeader | None:
    """(machine, class, byte order, flags) of an ELF file, or None if it is not ELF."""
    try:
        with open(path, "rb") as f:
            head = f.read(52)
    except OSError:
        return None
    if len(head) < 20 or head[:4] != b"\x7fELF" or head[4] not in (1, 2) or head[5] not in (1, 2):
        return None
    bits, big = (32 if head[4] == 1 else 64), head[5] == 2
    order = ">" if big else "<"
    (machine,) = struct.unpack_from(order + "H", head, 18)
    # e_flags follows e_entry, e_phoff and e_shoff, which are 4 or 8 bytes each.
    at = 24 + 3 * (4 if bits == 32 else 8)
    flags = struct.unpack_from(order + "I", head, at)[0] if len(head) >= at + 4 else 0
    return ElfHeader(machine, bits, big, flags)


def machine(path: Path) -> str | None:
    """The e_machine of an ELF file as a short name, or None if it is not ELF."""
    h = header(path)
    return None if h is None else machine_name(h.machine)


def check_entries(entries: Iterable[Entry], target: Target, abi3: bool = False) -> None:
    """Refuse a wheel whose binaries or extension suffixes do not belong to its platform tag."""
    expected = target.arch_row if target.os == "linux" else None
    # A Linux architecture the table lacks (e.g. armv8l userlands) is still checked: natively,
    # against the interpreter running this build, which is the target.
    own = None
    if target.os == "linux" and expected is None:
        if target.cross or target.executable is None:
            raise BuildError(f"the wheel is tagged {target.platform}, an architecture crosswheel "
                             "does not know, so its binaries cannot be checked")
        own = header(target.executable)
    for e in entries:
        if e.source is None:
            continue
        h = header(e.source)
        if h is not None and expected is not None:
            why = expected.mismatch(h)
            if why:
                raise BuildError(f"{e.arcname}: {why}, but the wheel is tagged "
                                 f"{target.platform} (expects {expected.elf})")
        if h is not None and own is not None and h[:3] != own[:3]:
            raise BuildError(f"{e.arcname}: an ELF binary for {elf_words(h)}, but this "
                             f"interpreter is {elf_words(own)} ({target.platform})")
        m = _EXT.match(e.arcname.rsplit("/", 1)[-1])
        if m and h is not None and target.soabi:
            tag = m.group("tag")
            if tag != target.soabi and not (tag == "abi3" or abi3):
                raise BuildError(f"{e.arcname}: extension suffix .{tag}.so does not match the "
                                 f"target's SOABI {target.soabi} ({target.platform})")
