"""ELF inspection: which machine a binary is for, and whether a wheel's binaries fit its target."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import BuildError

if TYPE_CHECKING:
    from .target import Target
    from .wheel import Entry

_MACHINES = {3: "x86", 8: "mips", 20: "ppc", 21: "ppc64", 22: "s390", 40: "arm", 62: "x86_64",
             183: "aarch64", 243: "riscv"}
# name.<tag>.so: the tag CPython's importer matches against its own SOABI (or abi3).
_EXT = re.compile(r"^[^.]+\.(?P<tag>[^.]+)\.so$")


def machine(path: Path) -> str | None:
    """The e_machine of an ELF file as a short name, or None if it is not ELF."""
    try:
        with open(path, "rb") as f:
            head = f.read(20)
    except OSError:
        return None
    if len(head) < 20 or head[:4] != b"\x7fELF":
        return None
    code = int.from_bytes(head[18:20], "little" if head[5] == 1 else "big")
    return _MACHINES.get(code, f"machine {code}")


def check_entries(entries: Iterable[Entry], target: Target, abi3: bool = False) -> None:
    """Refuse a wheel whose binaries or extension suffixes do not belong to its platform tag."""
    expected = target.elf_machine
    for e in entries:
        if e.source is None:
            continue
        got = machine(e.source)
        if got is not None and expected is not None and got != expected:
            raise BuildError(f"{e.arcname}: an ELF binary for {got}, but the wheel is tagged "
                             f"{target.platform} (expects {expected})")
        m = _EXT.match(e.arcname.rsplit("/", 1)[-1])
        if m and got is not None and target.soabi:
            tag = m.group("tag")
            if tag != target.soabi and not (tag == "abi3" or abi3):
                raise BuildError(f"{e.arcname}: extension suffix .{tag}.so does not match the "
                                 f"target's SOABI {target.soabi} ({target.platform})")
