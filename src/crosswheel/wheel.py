"""The wheel writer: a staged folder plus metadata becomes a reproducible .whl."""

from __future__ import annotations

import base64
import csv
import errno
import io
import os
import re
import shutil
import stat
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from stat import S_IXUSR
from typing import TYPE_CHECKING, BinaryIO

from . import __version__, zipwriter
from .archive import atomic_output, output_path, source_date_epoch
from .errors import BuildError
from .metadata import Project
from .target import Tags

if TYPE_CHECKING:
    from .wheelcache import Reuse

_DATA_SCHEMES = ("data", "headers", "platlib", "purelib", "scripts")


@dataclass(frozen=True)
class Entry:
    arcname: str
    source: str | Path | None = None  # a file to stream in (staged files: a str, cheaper), or
    data: bytes | None = None  # bytes made in memory (metadata)
    stat: os.stat_result | None = None  # of `source` (its target, for a link), when known


def wheel_name(project: Project, tags: Tags) -> str:
    build = f"-{tags.build}" if tags.build else ""
    return f"{project.dist_name}-{project.version}{build}-{tags}.whl"


# Names a RECORD row, a terminal or a frontend's log could not show faithfully.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _walk(staging: Path, links_out: bool) -> list[tuple[str, str, os.stat_result]]:
    """(relative name, path, stat) of every file below `staging`, sorted by name.

    One lstat per regular file (scandir's d_type tells folders and links apart for free);
    links cost one more stat for their target. Nothing is opened: a FIFO must not block us.
    """
    out = []
    root: Path | None = None  # resolved when the first link needs it
    todo = [(str(staging), "")]
    while todo:
        folder, prefix = todo.pop()
        with os.scandir(folder) as it:
            for d in sorted(it, key=lambda d: d.name):
                rel = prefix + d.name
                if _CONTROL.search(rel):
                    raise BuildError(f"{rel!r}: a file name with a control character in the "
                                     "staged files, which a wheel's RECORD cannot hold")
                if d.is_dir(follow_symlinks=False):
                    todo.append((d.path, rel + "/"))
                    continue
                link = d.is_symlink()
                try:
                    st = os.stat(d.path) if link else d.stat(follow_symlinks=False)
                except FileNotFoundError:
                    raise BuildError(f"{rel}: a broken symbolic link in the staged files") \
                        from None
                except OSError as e:
                    what = ("leads to itself (a loop)" if e.errno == errno.ELOOP else
                            f"cannot be followed ({e.strerror})")
                    raise BuildError(f"{rel}: a symbolic link in the staged files that {what}") \
                        from None
                if stat.S_ISDIR(st.st_mode):
                    # A wheel cannot hold links, and copying the linked folder could duplicate
                    # files or escape the staging folder.
                    if links_out:
                        continue
                    raise BuildError(f"{rel}: a symbolic link to a folder in the staged files "
                                     f"(to {os.path.realpath(d.path)}); install the files "
                                     "themselves")
                if not stat.S_ISREG(st.st_mode):
                    kind = ("a FIFO" if stat.S_ISFIFO(st.st_mode) else
                            "a socket" if stat.S_ISSOCK(st.st_mode) else "a device")
                    raise BuildError(f"{rel}: {kind} in the staged files; a wheel holds regular "
                                     "files only")
                if link and not links_out:
                    target = os.path.realpath(d.path)
                    root = root or staging.resolve()
                    if not Path(target).is_relative_to(root):
                        raise BuildError(f"{rel}: a symbolic link in the staged files pointing "
                                         f"out of the staging folder (to {target}); install the "
                                         "file itself")
                out.append((rel, d.path, st))
    out.sort(key=lambda t: t[0])
    return out


def staged_entries(staging: Path, project: Project, top_level: str | None = None,
                   links_out: bool = False) -> list[Entry]:
    """The files of the staging folder with their paths in the wheel, checked for safety.

    `top_level`, when given, is the only top-level name (package, module or `name.*` file) the
    wheel may install besides its .data folder and .pth files: anything else would land loose
    in site-packages. Symbolic links leading out of the staging folder are refused unless
    `links_out` (editable installs link to the sources on purpose). Only regular files (or
    links to them) are accepted, with names a RECORD can hold.
    """
    entries = []
    for rel, path, st in _walk(staging, links_out):
        try:
            rel.encode("utf-8")
        except UnicodeEncodeError:
            raise BuildError(f"{rel!r}: a file name that is not valid UTF-8, which a wheel "
                             "cannot hold") from None
        top, _, rest = rel.partition("/")
        if top.endswith(".data"):
            if _normalize_data_dir(top) != project.data_dir:
                raise BuildError(f"{rel}: CMake installed into {top}/, but this wheel's data "
                                 f"folder is {project.data_dir}/")
            scheme = rest.split("/", 1)[0]
            if scheme not in _DATA_SCHEMES or "/" not in rest:
                raise BuildError(f"{rel}: files under {top}/ must be in one of "
                                 f"{', '.join(_DATA_SCHEMES)}")
            rel = f"{project.data_dir}/{rest}"
        elif top.endswith(".dist-info"):
            raise BuildError(f"{rel}: the build installed into a .dist-info folder; crosswheel "
                             "writes that folder itself")
        elif (top_level is not None and top != top_level and not top.startswith(top_level + ".")
              and not top.endswith(".pth")):
            raise BuildError(f"{rel}: installed outside the package {top_level!r}; it would land "
                             f"loose in site-packages. Install it under {top_level}/, or under "
                             f"{project.data_dir}/{{scripts,headers,data}}/")
        entries.append(Entry(rel, source=path, stat=st))
    return entries


def _normalize_data_dir(name: str) -> str:
    dist, _, version = name[: -len(".data")].rpartition("-")
    return f"{re.sub(r'[-_.]+', '_', dist).lower()}-{version}.data"


def _record_hash(digest: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def wheel_file(tags: Tags, pure: bool) -> bytes:
    lines = ["Wheel-Version: 1.0", f"Generator: crosswheel {__version__}",
             f"Root-Is-Purelib: {'true' if pure else 'false'}"]
    lines += [f"Tag: {t}" for t in tags.expanded()]
    if tags.build:
        lines.append(f"Build: {tags.build}")
    return ("\n".join(lines) + "\n").encode()


def dist_info_entries(project: Project, tags: Tags, pure: bool, project_dir: Path) -> list[Entry]:
    """The .dist-info files, but RECORD (which is made while the wheel is written)."""
    info = project.dist_info
    meta = [
        Entry(f"{info}/METADATA", data=project.metadata),
        Entry(f"{info}/WHEEL", data=wheel_file(tags, pure)),
        Entry(f"{info}/entry_points.txt", data=project.entry_points.encode()),
    ]
    return meta + [Entry(f"{info}/licenses/{lic}", source=project_dir / lic)
                   for lic in project.license_files]


def write_dist_info(out_dir: Path, project: Project, tags: Tags, pure: bool,
                    project_dir: Path) -> str:
    """prepare_metadata_for_build_wheel: the .dist-info files the wheel will hold, byte for byte."""
    for e in dist_info_entries(project, tags, pure, project_dir):
        dst = out_dir / e.arcname
        dst.parent.mkdir(parents=True, exist_ok=True)
        if e.source is not None:
            shutil.copyfile(e.source, dst)
        else:
            dst.write_bytes(e.data or b"")
    return project.dist_info


def write(out_dir: Path, project: Project, tags: Tags, pure: bool, files: Iterable[Entry],
          project_dir: Path, reuse: Reuse | None = None) -> Path:
    """Write the wheel; the result appears under its final name only once it is complete.

    With `reuse`, members it vouches for are copied still deflated from an earlier wheel (the
    whole wheel, when nothing changed), and every member written is reported back to it.
    """
    meta = dist_info_entries(project, tags, pure, project_dir)
    ordered = sorted(files, key=lambda e: e.arcname) + sorted(meta, key=lambda e: e.arcname)
    seen: set[str] = set()
    for e in ordered:
        if e.arcname in seen:
            raise BuildError(f"{e.arcname}: two files want this path in the wheel")
        seen.add(e.arcname)
    date_time = time.gmtime(source_date_epoch())[:6]
    final = output_path(out_dir, wheel_name(project, tags))
    with atomic_output(final) as tmp, open(tmp, "wb") as f:
        stats = [e.stat or os.stat(e.source) if e.source is not None else None for e in ordered]
        if reuse is not None:
            key = reuse.fingerprint(final.name, date_time,
                                    [(e.arcname, st, e.data) for e, st in zip(ordered, stats)])
            if reuse.copy_whole(key, f, sum(st is not None for st in stats)):
                return final
        _write_members(f, date_time, project.dist_info, list(zip(ordered, stats)), reuse)
    return final


def _write_members(f: BinaryIO, date_time: tuple[int, int, int, int, int, int], info: str,
                   members: list[tuple[Entry, os.stat_result | None]],
                   reuse: Reuse | None) -> None:
    with zipwriter.ZipWriter(f, date_time) as zw:
        out = io.StringIO()
        record = csv.writer(out, lineterminator="\n")
        for e, st in members:
            if e.source is not None:
                assert st is not None
                mode = 0o755 if st.st_mode & S_IXUSR else 0o644
                hit = reuse.lookup(e.arcname, st) if reuse is not None else None
                if hit is not None:
                    start = zw.add_raw(e.arcname, hit.fd, hit.data_offset, hit.crc, hit.csize,
                                       hit.size, mode)
                    m = zipwriter.Member(hit.digest, hit.size, hit.crc, hit.csize, start)
                else:
                    m = zw.add(e.arcname, zipwriter.file_blocks(e.source), mode, st.st_size)
                if reuse is not None:
                    reuse.record(e.arcname, st, m, copied=hit is not None)
            else:
                assert e.data is not None
                m = zw.add(e.arcname, zipwriter.bytes_blocks(e.data), 0o644, len(e.data))
            record.writerow([e.arcname, _record_hash(m.digest), m.size])
        record.writerow([f"{info}/RECORD", "", ""])
        text = out.getvalue().encode()
        zw.add(f"{info}/RECORD", zipwriter.bytes_blocks(text), 0o644, len(text))
