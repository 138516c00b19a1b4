"""What an ELF file asks of the system it loads on: libraries, symbol versions, interpreter.

Read with pyelftools, the library auditwheel reads wheels with, so the facts the manylinux check
decides on are the facts `auditwheel show` sees. pyelftools comes with auditwheel, which
crosswheel adds to the build requirements when a manylinux check is wanted; it is imported only
here, and only then. Every value is plain data (tuples, strings) that a test can write by hand.
"""

from __future__ import annotations

import struct
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


def is_elf(path: str | Path) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(4) == b"\x7fELF"
    except OSError:
        return False


class Unreadable(ValueError):
    """An ELF file pyelftools cannot parse (truncated, or corrupt)."""


def read(path: str | Path) -> Dynamic:
    """The dynamic-linking facts of one ELF file (a static one has none of them)."""
    from elftools.common.exceptions import ELFError

    try:
        return _read(path)
    except (ELFError, OSError, ValueError, KeyError, IndexError, AssertionError) as e:
        raise Unreadable(str(e) or type(e).__name__) from None


def _read(path: str | Path) -> Dynamic:
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
        # One version index per dynamic symbol, read as a whole: pyelftools' per-symbol
        # lookup re-reads each symbol and costs seconds on big C++ modules.
        ndx: tuple[int, ...] = ()
        if versym is not None:
            raw = versym.data()
            ndx = struct.unpack(f"{'<' if elf.little_endian else '>'}{len(raw) // 2}H",
                                raw[: len(raw) // 2 * 2])
        if dynsym is not None:
            for i, name, weak in _undefined_symbols(elf, dynsym):
                if not weak:
                    undefined.add(name)
                version = index.get(ndx[i] & 0x7FFF) if i < len(ndx) else None
                if version is not None:
                    by_version[version].append(name)
    return Dynamic(
        interpreter=interpreter, soname=soname, needed=tuple(needed),
        version_needs=tuple((lib, ver, tuple(sorted(set(syms))))
                            for (lib, ver), syms in sorted(by_version.items())),
        undefined=frozenset(undefined), x86_isa_needed=isa)


def _undefined_symbols(elf: Any, dynsym: Any) -> list[tuple[int, str, bool]]:
    """(index, name, weak) of each undefined dynamic symbol, unpacked from the raw table.

    pyelftools parses symbols one by one (about 0.25 ms each); a C++ module can have tens of
    thousands, so the fixed-size records are unpacked here instead.
    """
    end = "<" if elf.little_endian else ">"
    if elf.elfclass == 64:  # st_name, st_info, st_other, st_shndx, st_value, st_size
        rec, name_i, info_i, shndx_i = struct.Struct(end + "IBBHQQ"), 0, 1, 3
    else:  # st_name, st_value, st_size, st_info, st_other, st_shndx
        rec, name_i, info_i, shndx_i = struct.Struct(end + "IIIBBH"), 0, 3, 5
    data = dynsym.data()
    strtab = elf.get_section(dynsym["sh_link"]).data()
    out = []
    for i, fields in enumerate(rec.iter_unpack(data[: len(data) // rec.size * rec.size])):
        if i == 0 or fields[shndx_i] != 0:  # SHN_UNDEF = 0
            continue
        start = fields[name_i]
        name = strtab[start: strtab.index(b"\0", start)].decode("utf-8", "replace")
        out.append((i, name, fields[info_i] >> 4 == 2))  # STB_WEAK = 2
    return out


def _x86_isa_needed(notes: Any) -> int:
    out = 0
    for note in notes.iter_notes():
        if note["n_type"] != "NT_GNU_PROPERTY_TYPE_0" or note["n_name"] != "GNU":
            continue
        for prop in note["n_desc"]:
            if prop.pr_type == "GNU_PROPERTY_X86_ISA_1_NEEDED" and prop.pr_datasz == 4:
                out |= prop.pr_data
    return out
