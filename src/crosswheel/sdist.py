"""The sdist writer: the project's sources as a reproducible .tar.gz."""

from __future__ import annotations

import gzip
import io
import tarfile
from pathlib import Path, PurePosixPath

from .archive import atomic_output, normalized_mode, output_path, source_date_epoch
from .config import Config
from .errors import ConfigError
from .metadata import Project

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


def write(out_dir: Path, cfg: Config, project: Project) -> Path:
    prefix = f"{project.dist_name}-{project.version}"
    final = output_path(out_dir, f"{prefix}.tar.gz")
    mtime = source_date_epoch()
    files = collect(cfg, project, out_dir)

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
