"""The wheel writer: a staged folder plus metadata becomes a reproducible .whl."""

from __future__ import annotations

import base64
import re
import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from . import __version__, zipwriter
from .archive import atomic_output, normalized_mode, output_path, source_date_epoch
from .errors import BuildError
from .metadata import Project
from .target import Tags

_DATA_SCHEMES = ("data", "headers", "platlib", "purelib", "scripts")


@dataclass(frozen=True)
class Entry:
    arcname: str
    source: Path | None = None  # a file to stream in, or
    data: bytes | None = None  # bytes made in memory (metadata)


def wheel_name(project: Project, tags: Tags) -> str:
    build = f"-{tags.build}" if tags.build else ""
    return f"{project.dist_name}-{project.version}{build}-{tags}.whl"


def staged_entries(staging: Path, project: Project, top_level: str | None = None,
                   links_out: bool = False) -> list[Entry]:
    """The files of the staging folder with their paths in the wheel, checked for safety.

    `top_level`, when given, is the only top-level name (package, module or `name.*` file) the
    wheel may install besides its .data folder and .pth files: anything else would land loose
    in site-packages. Symbolic links leading out of the staging folder are refused unless
    `links_out` (editable installs link to the sources on purpose).
    """
    entries = []
    root = staging.resolve()
    for path in sorted(staging.rglob("*")):
        rel = path.relative_to(staging).as_posix()
        if path.is_dir():
            # rglob does not enter a linked folder, so its files would vanish unsaid; a wheel
            # cannot hold links, and copying could duplicate or escape the staging folder.
            if path.is_symlink() and not links_out:
                raise BuildError(f"{rel}: a symbolic link to a folder in the staged files (to "
                                 f"{path.resolve()}); install the files themselves")
            continue
        try:
            rel.encode("utf-8")
        except UnicodeEncodeError:
            raise BuildError(f"{rel!r}: a file name that is not valid UTF-8, which a wheel "
                             "cannot hold") from None
        top, _, rest = rel.partition("/")
        if path.is_symlink() and not links_out:
            try:
                target = path.resolve()
            except (OSError, RuntimeError):  # RuntimeError: a loop, before Python 3.13
                raise BuildError(f"{rel}: a symbolic link in the staged files that leads to "
                                 "itself (a loop)") from None
            if not target.is_relative_to(root):
                raise BuildError(f"{rel}: a symbolic link in the staged files pointing out of the "
                                 f"staging folder (to {target}); install the file itself")
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
        if not path.exists():
            raise BuildError(f"{rel}: a broken symbolic link in the staged files")
        entries.append(Entry(rel, source=path))
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
          project_dir: Path) -> Path:
    """Write the wheel; the result appears under its final name only once it is complete."""
    info = project.dist_info
    meta = dist_info_entries(project, tags, pure, project_dir)
    ordered = sorted(files, key=lambda e: e.arcname) + sorted(meta, key=lambda e: e.arcname)
    seen: set[str] = set()
    for e in ordered:
        if e.arcname in seen:
            raise BuildError(f"{e.arcname}: two files want this path in the wheel")
        seen.add(e.arcname)
    date_time = time.gmtime(source_date_epoch())[:6]
    final = output_path(out_dir, wheel_name(project, tags))
    with atomic_output(final) as tmp, open(tmp, "wb") as f, \
            zipwriter.ZipWriter(f, date_time) as zw:
        record = []
        for e in ordered:
            if e.source is not None:
                digest, size = zw.add(e.arcname, zipwriter.file_blocks(e.source),
                                      normalized_mode(e.source), e.source.stat().st_size)
            else:
                assert e.data is not None
                digest, size = zw.add(e.arcname, zipwriter.bytes_blocks(e.data), 0o644,
                                      len(e.data))
            record.append(f"{_csv(e.arcname)},{_record_hash(digest)},{size}")
        record.append(f"{info}/RECORD,,")
        text = ("\n".join(record) + "\n").encode()
        zw.add(f"{info}/RECORD", zipwriter.bytes_blocks(text), 0o644, len(text))
    return final


def _csv(field: str) -> str:
    if "," in field or '"' in field:
        return '"' + field.replace('"', '""') + '"'
    return field
