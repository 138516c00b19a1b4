"""A pure-Python wheel (py3-none-any) must hold no compiled code: it would install everywhere and
import nowhere but on the machine that built it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from .errors import BuildError

if TYPE_CHECKING:
    from .wheel import Entry

_SUFFIXES = (".so", ".pyd", ".dylib", ".dll")
# ELF; Mach-O 32/64-bit in both byte orders (not 0xcafebabe: Java class files share it).
_MAGIC = (b"\x7fELF", b"\xfe\xed\xfa\xce", b"\xce\xfa\xed\xfe", b"\xfe\xed\xfa\xcf",
          b"\xcf\xfa\xed\xfe")


def compiled(entry: Entry) -> str | None:
    """Why `entry` is compiled code ("ELF", "Mach-O", "a .so file"), or None."""
    head = entry.data[:4] if entry.data is not None else b""
    if entry.source is not None:
        try:
            with open(entry.source, "rb") as f:
                head = f.read(4)
        except OSError:
            head = b""
    if head == _MAGIC[0]:
        return "an ELF binary"
    if head in _MAGIC[1:]:
        return "a Mach-O binary"
    name = entry.arcname.lower()
    for suffix in _SUFFIXES:
        if name.endswith(suffix):
            return f"a {suffix} file"
    if re.search(r"\.so(\.\d+)+$", name):  # libfoo.so.1.2
        return "a .so file"
    return None


def check(entries: Iterable[Entry]) -> None:
    found = [(e.arcname, why) for e in entries if (why := compiled(e))]
    if found:
        listed = ", ".join(f"{name} ({why})" for name, why in found[:5])
        more = f" and {len(found) - 5} more" if len(found) > 5 else ""
        raise BuildError(f"wheel.pure_python is true, but the staged files hold compiled code: "
                         f"{listed}{more}. A py3-none-any wheel would install on machines it "
                         "cannot run on; set wheel.pure_python = false")
