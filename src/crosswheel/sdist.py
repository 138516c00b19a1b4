"""The sdist writer: the project's sources as a reproducible .tar.gz."""

from __future__ import annotations

import gzip
import io
import json
import tarfile
from pathlib import Path, PurePosixPath

from .archive import atomic_output, normalized_mode, output_path, source_date_epoch
from .config import Config
from .errors import ConfigError
from .metadata import Project

# Files a CMake project is likely built from: what the sdist.include suggestion looks for.
_SOURCE_SUFFIXES = {".c", ".cc", ".cpp", ".cxx", ".c++", ".h", ".hh", ".hpp", ".hxx", ".inl",
                    ".cu", ".cuh", ".f", ".f90", ".rs", ".pyx", ".pxd", ".cmake", ".in", ".def"}

# Never worth shipping, and the build cache can hold gigabytes.
_NEVER = {".git", ".hg", ".svn", "__pycache__", ".py-build-cmake_cache", ".crosswheel_cache",
          ".mypy_cache", ".ruff_cache", ".pytest_cache", ".tox", ".nox", ".venv"}


def _check_pattern(pattern: str, key: str) -> None:
    p = PurePosixPath(pattern)
    if p.is_absolute() or pattern.startswith(("/", "\\")) or ".." in p.parts or ":" in pattern:
        raise ConfigError(f"sdist.{key}: pattern {pattern!r} must be relative to the project "
                          "folder and stay inside it")


def _matches(root: Path, pattern: str) -> set[Path]:
    out: set[Path] = set()
    for hit in root.glob(pattern):
        if hit.is_dir():
            out |= {p for p in hit.rglob("*") if not p.is_dir()}
        else:
            out.add(hit)
    return out


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root)
        return True
    except ValueError:
        return False


def collect(cfg: Config, project: Project, out_dir: Path | None = None) -> list[tuple[Path, str]]:
    """(file, path relative to the project) for everything the sdist holds, sorted.

    Never the output folder itself (an sdist must not contain earlier sdists).
    """
    root = cfg.project_dir.resolve()
    out = out_dir.resolve() if out_dir is not None else None
    essential = {root / "pyproject.toml"}
    essential |= {root / f for f in project.license_files}
    if project.readme:
        essential.add(root / project.readme)
    chosen = {src for src, _ in project.module.files()}
    for pattern in cfg.sdist.include:
        _check_pattern(pattern, "include")
        chosen |= _matches(root, pattern)
    for pattern in cfg.sdist.exclude:
        _check_pattern(pattern, "exclude")
        dropped = _matches(root, pattern)
        clash = sorted(p.relative_to(root).as_posix() for p in dropped & essential)
        if clash:
            raise ConfigError(f"sdist.exclude: pattern {pattern!r} excludes {', '.join(clash)}, "
                              "which every sdist needs")
        chosen -= dropped
    files = []
    for path in chosen | essential:
        if not path.is_file():
            continue  # essential files are checked by metadata loading
        rel = path.relative_to(root)
        if _NEVER & set(rel.parts[:-1]) or path.suffix in (".pyc", ".pyo"):
            continue
        if out is not None and path.parent.resolve().is_relative_to(out):
            continue
        # Glob patterns never reach outside through a link (skipped); the files named explicitly
        # (readme, licences, the module) were already refused by metadata if they do.
        if path not in essential and not _inside(path, root):
            continue
        files.append((path, rel.as_posix()))
    return sorted(files, key=lambda x: x[1])


def check_buildable(cfg: Config, files: list[tuple[Path, str]]) -> None:
    """Refuse an sdist a wheel cannot be built from: each CMake project's CMakeLists.txt (and
    CMakePresets.json when presets are used) must be in it. Like py-build-cmake, crosswheel
    ships only the module and what sdist.include names; the message says what to add."""
    root = cfg.project_dir.resolve()
    have = {rel for _, rel in files}
    missing: list[str] = []
    folders: list[Path] = []
    for c in cfg.cmake:
        src = c.source_path.resolve()
        if not src.is_relative_to(root):
            raise ConfigError(f"{root / 'pyproject.toml'}: cmake.source_path {str(src)!r} is "
                              "outside the project folder, so no sdist can hold it; build "
                              "wheels from the project folder instead")
        base = src.relative_to(root).as_posix()
        names = ["CMakeLists.txt"]
        if c.preset or c.build_presets:
            names.append("CMakePresets.json")
        for name in names:
            rel = name if base == "." else f"{base}/{name}"
            if rel not in have and (src / name).is_file() and rel not in missing:
                missing.append(rel)
                folders.append(src)
    if not missing:
        return
    suggested = [*cfg.sdist.include]
    for rel in missing:
        if rel not in suggested:
            suggested.append(rel)
    for src in folders:
        for pattern in _source_patterns(src, root, cfg, have):
            if pattern not in suggested:
                suggested.append(pattern)
    table = f"[tool.{cfg.table_name or 'crosswheel'}.sdist]"
    raise ConfigError(
        f"{root / 'pyproject.toml'}: the sdist would lack {', '.join(missing)}, so no wheel "
        f"could be built from it. An sdist holds the module, pyproject.toml, the readme and "
        f"licences, plus what sdist.include names; add the CMake sources there, e.g. in "
        f"{table}: include = {json.dumps(suggested)}")


def _source_patterns(src: Path, root: Path, cfg: Config, have: set[str]) -> list[str]:
    """sdist.include patterns for the folders under `src` that hold sources not yet shipped."""
    out = []
    module_top = {rel.split("/", 1)[0] for rel in have}
    for child in sorted(src.iterdir()):
        rel = child.relative_to(root).as_posix()
        if (child.name.startswith(".") or child.name in _NEVER or rel in module_top
                or (child / "CMakeCache.txt").exists()):  # a build folder
            continue
        if child.is_dir():
            if any(p.suffix.lower() in _SOURCE_SUFFIXES or p.name == "CMakeLists.txt"
                   for p in child.rglob("*") if p.is_file()):
                out.append(f"{rel}/**")
        elif child.suffix.lower() in _SOURCE_SUFFIXES and rel not in have:
            out.append(rel)
    return out


def planned(out_dir: Path, cfg: Config, project: Project) -> tuple[Path, list[tuple[Path, str]]]:
    """The sdist's path and its files, checked, without writing anything (also --dry-run's)."""
    files = collect(cfg, project, out_dir)
    check_buildable(cfg, files)
    return output_path(out_dir, f"{project.dist_name}-{project.version}.tar.gz"), files


def write(out_dir: Path, cfg: Config, project: Project) -> Path:
    prefix = f"{project.dist_name}-{project.version}"
    final, files = planned(out_dir, cfg, project)
    mtime = source_date_epoch()

    def info(name: str, size: int, mode: int) -> tarfile.TarInfo:
        ti = tarfile.TarInfo(f"{prefix}/{name}")
        ti.size, ti.mode, ti.mtime = size, mode, mtime
        ti.uid = ti.gid = 0
        ti.uname = ti.gname = ""
        return ti

    entries = [(rel, path) for path, rel in files] + [("PKG-INFO", None)]
    with atomic_output(final) as tmp, open(tmp, "wb") as raw, \
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz, \
            tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for rel, path in sorted(entries, key=lambda x: x[0]):
            if path is None:
                tar.addfile(info(rel, len(project.metadata), 0o644), io.BytesIO(project.metadata))
            else:
                with open(path, "rb") as f:
                    tar.addfile(info(rel, path.stat().st_size, normalized_mode(path)), f)
    return final
