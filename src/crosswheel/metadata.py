"""Project metadata: PEP 621 through pyproject-metadata, the module's files, dynamic fields."""

from __future__ import annotations

import ast
import base64
import hashlib
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .config import Config, ModuleConfig
from .errors import ConfigError

_SKIP_DIRS = {"__pycache__"}
_SKIP_SUFFIXES = {".pyc", ".pyo"}


@dataclass(frozen=True)
class Module:
    name: str  # import name, may be dotted for a package inside a namespace
    source: Path | None  # package folder or .py file; None when CMake generates it
    base: Path | None  # the folder the import name is relative to
    project_dir: Path | None = None  # resolved; every file of the module must be inside it

    def files(self) -> list[tuple[Path, str]]:
        """(source file, path in the wheel) of every file of the module, sorted.

        A symbolic link to a file inside the project is stored as that file's content; links
        leaving the project, folder links and broken links are refused, naming the link.
        """
        if self.source is None or self.base is None:
            return []
        if self.source.is_file():
            return [(self.source, self.source.relative_to(self.base).as_posix())]
        out = []
        for path in sorted(self.source.rglob("*")):
            rel = path.relative_to(self.base)
            if _SKIP_DIRS & set(rel.parts) or path.suffix in _SKIP_SUFFIXES:
                continue
            if path.is_symlink():
                _check_link(path, self.root)
            elif path.is_dir():
                continue
            elif not path.is_file():
                raise ConfigError(f"{path}: not a regular file (a FIFO, socket or device); a "
                                  "module may hold only files and folders")
            out.append((path, rel.as_posix()))
        return out

    @property
    def root(self) -> Path:
        """The project folder the module's files must stay in."""
        return self.project_dir if self.project_dir is not None else (self.base or Path("/"))

    @property
    def main_file(self) -> Path | None:
        if self.source is None:
            return None
        return self.source if self.source.is_file() else self.source / "__init__.py"


@dataclass(frozen=True)
class Project:
    name: str  # canonical name, e.g. "my-pkg"
    version: str  # normalised
    metadata: bytes  # METADATA / PKG-INFO
    entry_points: str
    license_files: list[str]  # relative to the project folder, posix
    readme: str | None  # relative to the project folder, posix
    module: Module
    # What the metadata was made from (metadata cache), when it came from a pyproject.toml.
    cache_key: str = field(default="", compare=False, repr=False)

    @property
    def dist_name(self) -> str:
        """The name as it appears in file names: my_pkg."""
        return re.sub(r"[-_.]+", "_", self.name).lower()

    @property
    def dist_info(self) -> str:
        return f"{self.dist_name}-{self.version}.dist-info"

    @property
    def data_dir(self) -> str:
        return f"{self.dist_name}-{self.version}.data"


def inside(path: Path, root: Path) -> bool:
    """Whether `path`, with every symbolic link followed, is in the folder `root` (resolved)."""
    try:
        return path.resolve().is_relative_to(root)
    except (OSError, RuntimeError):  # RuntimeError: a link loop, before Python 3.13
        return False


def _check_link(path: Path, root: Path) -> None:
    """A module file that is a symbolic link: only to a file inside the project."""
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):
        raise ConfigError(f"{path}: a broken symbolic link (or a loop) in the module") from None
    if not target.is_relative_to(root):
        raise ConfigError(f"{path}: a symbolic link to {target}, outside the project folder "
                          f"{root}; a wheel or sdist may hold only files from inside the project")
    if target.is_dir():
        raise ConfigError(f"{path}: a symbolic link to a folder ({target}) in the module; "
                          "replace it with the folder itself")


def find_module(cfg: ModuleConfig, project_dir: Path) -> Module:
    if cfg.generated:
        return Module(cfg.name, None, None)
    root = project_dir.resolve()
    if not inside(cfg.directory, root):
        raise ConfigError(f"module.directory: {os.path.normpath(cfg.directory)} is outside the "
                          f"project folder {root}; a wheel or sdist may hold only files from "
                          "inside the project")
    parts = cfg.name.split(".")
    found: list[tuple[Path, Path]] = []
    looked = []
    for base in (cfg.directory, cfg.directory / "src"):
        pkg = base.joinpath(*parts)
        mod = base.joinpath(*parts[:-1], parts[-1] + ".py")
        looked += [pkg, mod]
        if pkg.is_dir() and (cfg.namespace or (pkg / "__init__.py").is_file()):
            found.append((pkg, base))
        if mod.is_file():
            found.append((mod, base))
    rel = [_rel(p, project_dir) for p in looked]
    if not found:
        raise ConfigError(f"module {cfg.name!r} not found; looked for {', '.join(rel)} "
                          "(set module.name and module.directory in the tool table)")
    if len(found) > 1:
        raise ConfigError(f"module {cfg.name!r} found twice: "
                          f"{' and '.join(_rel(p, project_dir) for p, _ in found)}; "
                          "set module.directory to say which one")
    source, base = found[0]
    if cfg.namespace and (source / "__init__.py").is_file():
        raise ConfigError(f"module {cfg.name!r}: module.namespace is true, but "
                          f"{_rel(source / '__init__.py', project_dir)} exists. Namespace "
                          "packages should not contain __init__.py")
    if not inside(source, root):
        raise ConfigError(f"module {cfg.name!r}: {_rel(source, project_dir)} leads to "
                          f"{source.resolve()}, outside the project folder {root}; a wheel or "
                          "sdist may hold only files from inside the project")
    return Module(cfg.name, source, base, root)


def _rel(p: Path, base: Path) -> str:
    try:
        return p.relative_to(base).as_posix()
    except ValueError:
        return str(p)


def _static_fields(main: Path) -> dict[str, Any]:
    """__version__ and the docstring, read without importing the module."""
    try:
        tree = ast.parse(main.read_bytes(), filename=str(main))
    except (OSError, SyntaxError):
        return {}
    out: dict[str, Any] = {}
    doc = ast.get_docstring(tree)
    if doc is not None:
        out["description"] = doc
    for node in tree.body:
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        if any(isinstance(t, ast.Name) and t.id == "__version__" for t in targets):
            if isinstance(value, ast.Constant):
                out["version"] = value.value
            else:
                out.pop("version", None)  # computed: only importing can tell
    return out


# The child writes its answer to a file named by argv[2], not to stdout: the module may print,
# print at exit (atexit), or end the interpreter itself (os._exit) before anything is reported.
_IMPORT_CODE = """\
import importlib, json, sys
m = importlib.import_module(sys.argv[1])
fields = {'version': getattr(m, '__version__', None), 'description': m.__doc__}
with open(sys.argv[2], 'w', encoding='utf-8') as f:
    json.dump(fields, f, default=lambda o: '<' + type(o).__name__ + '>')
"""


def _imported_fields(module: Module) -> dict[str, Any]:
    """The fallback: import the module in a child interpreter and ask it."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="crosswheel-") as tmp:
        answer = Path(tmp) / "fields.json"
        proc = subprocess.run([sys.executable, "-c", _IMPORT_CODE, module.name, str(answer)],
                              cwd=module.base, stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, errors="replace", check=False)
        try:
            data = json.loads(answer.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = None
    if proc.returncode != 0 or not isinstance(data, dict):
        last = (proc.stderr.strip().splitlines() or [""])[-1]
        why = last or (f"it exited (status {proc.returncode}) before its __version__ could be "
                       "read; set project.version instead of making it dynamic")
        raise ConfigError(f"dynamic metadata: importing {module.name!r} to read __version__ "
                          f"failed: {why}")
    return {k: v for k, v in data.items() if v is not None}


def _dynamic(project: dict[str, Any], module: Module, where: str) -> dict[str, Any]:
    dynamic = project.get("dynamic", [])
    if not isinstance(dynamic, list):
        raise ConfigError(f"{where}: project.dynamic: expected a list of strings")
    for entry in dynamic:
        if not isinstance(entry, str):
            raise ConfigError(f"{where}: project.dynamic: expected a list of strings, found "
                              f"{type(entry).__name__} {entry!r} in it")
    both = sorted(k for k in set(dynamic) if k in project)
    if both:
        # PEP 621: a field is given either statically or as dynamic, never both.
        raise ConfigError(f"{where}: project.{both[0]}: set statically and listed in "
                          f"project.dynamic; keep one of them")
    unsupported = sorted(set(dynamic) - {"version", "description"})
    if unsupported:
        raise ConfigError(f"{where}: project.dynamic: crosswheel fills in only 'version' and "
                          f"'description' from the module, not {', '.join(unsupported)}")
    if not dynamic:
        return project
    main = module.main_file
    if main is None or not main.is_file():
        raise ConfigError(f"{where}: project.dynamic {dynamic}: the module has no source file "
                          "to read them from (module.generated is set, or a namespace package)")
    fields = _static_fields(main)
    if not all(k in fields for k in dynamic):
        fields = {**_imported_fields(module), **fields}
    out = {k: v for k, v in project.items() if k != "dynamic"}
    for key in dynamic:
        if key not in fields:
            what = "__version__" if key == "version" else "a docstring"
            raise ConfigError(f"{where}: project.dynamic: {_rel(main, main.parent.parent)} has "
                              f"no {what}")
        value = fields[key]
        if not isinstance(value, str):
            raise ConfigError(f"{where}: project.dynamic: {key} from {main.name} must be a "
                              f"string, found {type(value).__name__} {value!r}")
        if key == "description":
            value = next((line.strip() for line in value.splitlines() if line.strip()), "")
        out[key] = value
    return out


def load(cfg: Config) -> Project:
    module = find_module(cfg.module, cfg.project_dir)
    return from_pyproject(cfg.pyproject, cfg.project_dir, module)


CACHE_DIR = ".py-build-cmake_cache"
_CACHE_FILE = "crosswheel-metadata.json"


def _cache_key(project: dict[str, Any], project_dir: Path) -> str:
    """Everything the METADATA file is made from: the [project] table and the files it names."""
    from . import __version__

    digest = hashlib.sha256(json.dumps([__version__, project], sort_keys=True,
                                       default=str).encode())
    named: list[Path] = []
    readme, lic = project.get("readme"), project.get("license")
    for ref in (readme, readme.get("file") if isinstance(readme, dict) else None,
                lic.get("file") if isinstance(lic, dict) else None):
        if isinstance(ref, str):
            named.append(project_dir / ref)
    patterns = project.get("license-files")
    for pattern in patterns if isinstance(patterns, list) else []:
        if isinstance(pattern, str) and ".." not in pattern and not pattern.startswith("/"):
            named += sorted(project_dir.glob(pattern))
    for path in named:
        digest.update(str(path).encode() + b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"missing")
    return digest.hexdigest()


def _cached(project: dict[str, Any], project_dir: Path, module: Module) -> tuple[str, Path,
                                                                                  Project | None]:
    """The project's metadata from the last build, if nothing it depends on has changed.

    Parsing with pyproject-metadata costs more than the rest of a no-op rebuild's Python, so
    once a build folder exists the result is kept there.
    """
    key = _cache_key(project, project_dir)
    path = project_dir / CACHE_DIR / _CACHE_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.pop("key") == key:
            data["metadata"] = base64.b64decode(data["metadata"])
            return key, path, Project(module=module, cache_key=key, **data)
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return key, path, None


def _store(path: Path, p: Project) -> None:
    if not path.parent.is_dir():
        return  # no build folder (a pure-Python project): nothing to cache into
    data = {"key": p.cache_key, "name": p.name, "version": p.version,
            "metadata": base64.b64encode(p.metadata).decode(), "entry_points": p.entry_points,
            "license_files": p.license_files, "readme": p.readme}
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        tmp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)  # a read-only project: build without the cache


def _check_named_files(project: dict[str, Any], project_dir: Path, where: str) -> None:
    """The readme and licence files go into the wheel and sdist: each must be inside the project
    (after following links), and no licence pattern may be empty."""
    root = project_dir.resolve()
    readme, lic = project.get("readme"), project.get("license")
    named = [("readme", readme), ("readme.file", readme.get("file") if isinstance(readme, dict)
                                  else None),
             ("license.file", lic.get("file") if isinstance(lic, dict) else None)]
    patterns = project.get("license-files")
    for pattern in patterns if isinstance(patterns, list) else []:
        if isinstance(pattern, str) and not pattern.strip():
            raise ConfigError(f"{where}: project.license-files: expected glob patterns, found an "
                              f"empty one ({pattern!r})")
        if (isinstance(pattern, str) and ".." not in pattern and not pattern.startswith("/")
                and "\0" not in pattern):
            named += [("license-files", str(p.relative_to(project_dir)))
                      for p in sorted(project_dir.glob(pattern))]
    for key, ref in named:
        if not isinstance(ref, str) or "\0" in ref:
            continue
        path = root / ref
        if path.exists() and not (path.is_file() or path.is_dir()):
            # Reading a FIFO would wait forever for a writer.
            raise ConfigError(f"{where}: project.{key}: {ref!r} is not a regular file (a FIFO, "
                              "socket or device)")
        if not inside(path, root):
            through_link = path.resolve() != Path(os.path.normpath(path))
            leads = f"leads to {path.resolve()}, which " if through_link else ""
            raise ConfigError(f"{where}: project.{key}: {ref!r} {leads}is outside the project "
                              f"folder {root}; a wheel or sdist may hold only files from "
                              "inside the project")


def from_pyproject(pyproject: dict[str, Any], project_dir: Path, module: Module) -> Project:
    """Validated PEP 621 metadata, with dynamic version/description read from `module`."""
    where = str(project_dir / "pyproject.toml")
    _check_named_files(pyproject["project"], project_dir, where)
    project = _dynamic(pyproject["project"], module, where)
    key, cache, hit = _cached(project, project_dir, module)
    if hit is not None:
        return hit
    result = replace(_validated(pyproject, project, project_dir, module, where), cache_key=key)
    _store(cache, result)
    return result


def remember(project_dir: Path, p: Project) -> None:
    """Keep `p` for the next build, now that a build made the cache folder (a clean build
    reads the metadata before that folder exists)."""
    path = project_dir / CACHE_DIR / _CACHE_FILE
    if p.cache_key and not path.exists():
        _store(path, p)


def _validated(pyproject: dict[str, Any], project: dict[str, Any], project_dir: Path,
               module: Module, where: str) -> Project:
    from pyproject_metadata import StandardMetadata

    pyproject = {**pyproject, "project": project}
    classic_license = isinstance(project.get("license"), dict)
    if isinstance(project.get("license"), str):
        # pyproject-metadata passes the expression through unchecked; PyPI would refuse it.
        from packaging.licenses import InvalidLicenseExpression, canonicalize_license_expression

        try:
            canonicalize_license_expression(project["license"])
        except InvalidLicenseExpression as e:
            raise ConfigError(f"{where}: project.license = {project['license']!r}: {e}") from None
    try:
        meta = StandardMetadata.from_pyproject(
            pyproject, project_dir=project_dir,
            metadata_version=None if classic_license else "2.4")
        message = meta.as_rfc822()
    except Exception as e:  # ConfigurationError or ExceptionGroup of them
        errors = getattr(e, "exceptions", [e])
        raise ConfigError(f"{where}: invalid [project] table: "
                          + "; ".join(_describe(x, project) for x in errors)) from None
    license_files = [_rel(project_dir / p, project_dir) for p in meta.license_files or []]
    if meta.license_files is None and classic_license and "file" in project["license"]:
        license_files = [str(project["license"]["file"])]
    readme = project.get("readme")
    if isinstance(readme, dict):
        readme = readme.get("file")
    return Project(
        name=meta.canonical_name,
        version=str(meta.version),
        metadata=bytes(message),
        entry_points=_entry_points(meta),
        license_files=sorted(license_files),
        readme=readme if isinstance(readme, str) else None,
        module=module,
    )


def _describe(error: Exception, project: dict[str, Any]) -> str:
    """pyproject-metadata's message, led by the key and value it is about: the library's wording
    changes between versions, the key (its ConfigurationError.key) and the value do not."""
    key = getattr(error, "key", None)
    m = re.fullmatch(r"project\.([\w-]+)(?:\[(\d+)\])?", key or "")
    if not m:
        return str(error) if not key else f"{key}: {error}"
    value = project.get(m[1])
    if m[2] is not None and isinstance(value, list) and int(m[2]) < len(value):
        value = value[int(m[2])]
    shown = f" = {value!r}" if isinstance(value, (str, int, float, bool)) else ""
    return f"{key}{shown}: {error}"


def _entry_points(meta: Any) -> str:
    groups: dict[str, dict[str, str]] = {}
    if meta.scripts:
        groups["console_scripts"] = meta.scripts
    if meta.gui_scripts:
        groups["gui_scripts"] = meta.gui_scripts
    groups.update(meta.entrypoints or {})
    out = []
    for group in sorted(groups):
        out.append(f"[{group}]")
        out += [f"{k} = {v}" for k, v in sorted(groups[group].items())]
        out.append("")
    return "\n".join(out)
