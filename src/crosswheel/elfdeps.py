"""What an ELF file asks of the system it loads on: libraries, symbol versions, interpreter.

Read with pyelftools, the library auditwheel reads wheels with, so the facts the manylinux check
decides on are the facts `auditwheel show` sees. pyelftools comes with auditwheel, which
crosswheel adds to the build requirements when a manylinux check is wanted; it is imported only
here, and only then. Every value is plain data (tuples, strings) that a test can write by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Dynamic:
    interpreter: str | None  # PT_INTERP: the dynamic loader of an executable
    soname: str | None
    needed: tuple[str, ...]  # DT_NEEDED, in order
    # (library, version, symbols): e.g. ("libc.so.6", "GLIBC_2.25", ("getrandom",)); the
    # symbols are the undefined dynamic symbols bound to that version, sorted.
    version_needs: tuple[tuple[str, str, tuple[str, ...]], ...]
    undefined: frozenset[str]  # undefined, non-weak dynamic symbols (weak ones are optional)
    # x86-64 micro-architecture levels the binary declares it needs (GNU property note,
    # GNU_PROPERTY_X86_ISA_1_NEEDED): bit 0 baseline, 1 v2, 2 v3, 3 v4; 0 when not declared.
    x86_isa_needed: int = 0


def is_elf(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(4) == b"\x7fELF"
    except OSError:
        return False


class Unreadable(ValueError):
    """An ELF file pyelftools cannot parse (truncated, or corrupt)."""


def read(path: Path) -> Dynamic:
    """The dynamic-linking facts of one ELF file (a static one has none of them)."""
    from elftools.common.exceptions import ELFError

    try:
        return _read(path)
    except (ELFError, OSError, ValueError, KeyError, IndexError, AssertionError) as e:
        raise Unreadable(str(e) or type(e).__name__) from None


def _read(path: Path) -> Dynamic:
    from elftools.elf.dynamic import DynamicSection
    from elftools.elf.elffile import ELFFile
    from elftools.elf.gnuversions import GNUVerNeedSection, GNUVerSymSection
    from elftools.elf.sections import NoteSection, SymbolTableSection
    from elftools.elf.segments import InterpSegment

    with open(path, "rb") as f:
        elf = ELFFile(f)
        interpreter = None
        for seg in elf.iter_segments():
            if isinstance(seg, InterpSegment):
                interpreter = seg.get_interp_name()
        soname = None
        needed: list[str] = []
        index: dict[int, tuple[str, str]] = {}  # version index -> (library, version)
        dynsym = versym = None
        isa = 0
        for sec in elf.iter_sections():
            if isinstance(sec, DynamicSection):
                for tag in sec.iter_tags():
                    if tag.entry.d_tag == "DT_NEEDED":
                        needed.append(tag.needed)  # type: ignore[attr-defined]
                    elif tag.entry.d_tag == "DT_SONAME":
                        soname = tag.soname  # type: ignore[attr-defined]
            elif isinstance(sec, GNUVerNeedSection):
                for verneed, auxes in sec.iter_versions():
                    for aux in auxes:
                        index[aux["vna_other"]] = (str(verneed.name), str(aux.name))
            elif isinstance(sec, GNUVerSymSection):
                versym = sec
            elif isinstance(sec, SymbolTableSection) and sec.name == ".dynsym":
                dynsym = sec
            elif isinstance(sec, NoteSection) and elf["e_machine"] == "EM_X86_64":
                isa |= _x86_isa_needed(sec)
        by_version: dict[tuple[str, str], list[str]] = {v: [] for v in index.values()}
        undefined = set()
        if dynsym is not None:
            for i, sym in enumerate(dynsym.iter_symbols()):
                if i == 0 or sym["st_shndx"] != "SHN_UNDEF":
                    continue
                if sym["st_info"]["bind"] != "STB_WEAK":
                    undefined.add(sym.name)
                if versym is not None:
                    ndx = versym.get_symbol(i)["ndx"]
                    if isinstance(ndx, int) and (ndx & 0x7FFF) in index:
                        by_version[index[ndx & 0x7FFF]].append(sym.name)
    return Dynamic(
        interpreter=interpreter, soname=soname, needed=tuple(needed),
        version_needs=tuple((lib, ver, tuple(sorted(set(syms))))
                            for (lib, ver), syms in sorted(by_version.items())),
        undefined=frozenset(undefined), x86_isa_needed=isa)


def _x86_isa_needed(notes: Any) -> int:
    out = 0
    for note in notes.iter_notes():
        if note["n_type"] != "NT_GNU_PROPERTY_TYPE_0" or note["n_name"] != "GNU":
            continue
        for prop in note["n_desc"]:
            if prop.pr_type == "GNU_PROPERTY_X86_ISA_1_NEEDED" and prop.pr_datasz == 4:
                out |= prop.pr_data
    return out
