"""Typed stubs from mypy's stubgen, run on the staged package (never overwriting shipped .pyi)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .config import StubgenConfig
from .errors import BuildError


def command(cfg: StubgenConfig, module: str, out: Path, root: Path) -> list[str]:
    """The stubgen command line; `files` are relative to the staged package's root."""
    # mypy ships compiled: `python -m mypy.stubgen` cannot run it, calling main() can.
    run = "import sys; from mypy.stubgen import main; sys.argv[0] = 'stubgen'; main()"
    cmd = [sys.executable, "-c", run, "-o", str(out)]
    for p in cfg.packages or []:
        cmd += ["-p", p]
    for m in cfg.modules or []:
        cmd += ["-m", m]
    cmd += [str(root / f) for f in cfg.files or []]
    if not (cfg.packages or cfg.modules or cfg.files):
        cmd += ["-p", module]
    return cmd + list(cfg.args)


def generate(cfg: StubgenConfig, module: str, importable: Path, staging: Path) -> list[str]:
    """Run stubgen with `importable` first on sys.path; add the new .pyi files to `staging`.

    Returns the stub paths added, relative to the staging folder.
    """
    with tempfile.TemporaryDirectory(prefix="crosswheel-stubs-") as tmp:
        out = Path(tmp) / "out"
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            p for p in (str(importable), os.environ.get("PYTHONPATH", "")) if p),
            # Importing the staged package must not leave __pycache__ in the wheel.
            "PYTHONDONTWRITEBYTECODE": "1"}
        # Run elsewhere: mypy leaves a .mypy_cache in its working folder.
        proc = subprocess.run(command(cfg, module, out, importable), cwd=tmp, env=env,
                              capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            if "No module named mypy" in proc.stderr:
                raise BuildError("stubgen: mypy is not installed in the build environment "
                                 "(it is requested only when [stubgen] is configured)")
            raise BuildError(f"stubgen failed (exit {proc.returncode}):\n{proc.stdout}{proc.stderr}")
        added = []
        for stub in sorted(out.rglob("*.pyi")):
            rel = stub.relative_to(out)
            if has_stubs(staging, rel):
                continue
            dst = staging / rel
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(stub, dst)
            added.append(rel.as_posix())
        return added


def pure_python_only(cfg: StubgenConfig, module: str, staging: Path) -> StubgenConfig | None:
    """The same request narrowed to the staged .py files, parsed instead of imported.

    For a cross build without a native one: its extension modules cannot be imported here, but
    the package's pure-Python modules still get stubs (as py-build-cmake gives them).
    """
    import dataclasses

    files: list[str] = []
    for name in (cfg.packages or []) + ([] if cfg.packages or cfg.modules or cfg.files
                                        else [module]):
        files += sorted(p.relative_to(staging).as_posix()
                        for p in (staging / name.replace(".", "/")).rglob("*.py"))
    for name in cfg.modules or []:
        for rel in (f"{name.replace('.', '/')}.py", f"{name.replace('.', '/')}/__init__.py"):
            if (staging / rel).is_file():
                files.append(rel)
    files += [f for f in cfg.files or [] if f.endswith(".py") and (staging / f).is_file()]
    if not files:
        return None
    return dataclasses.replace(cfg, packages=None, modules=None, files=sorted(set(files)),
                               args=["--no-import", *cfg.args])


def has_stubs(staging: Path, rel: Path) -> bool:
    """Whether the staged package already describes the module of the stub `rel`.

    A module has stubs as a file (`mod.pyi`) or as a folder (`mod/__init__.pyi`, as
    pybind11-stubgen writes them); a type checker given both picks one, so a second is never
    added: no `mod.pyi` beside `mod/__init__.pyi`, nothing in `mod/` beside `mod.pyi` (nor
    where `mod` is a file).
    """
    if (staging / rel).exists():
        return True  # the project ships its own: never overwrite it
    if rel.name != "__init__.pyi" and (staging / rel.with_suffix("") / "__init__.pyi").is_file():
        return True
    for folder in list(rel.parents)[:-1]:  # pkg/mod for pkg/mod/x.pyi, then pkg
        there = staging / folder
        if there.with_name(there.name + ".pyi").exists() or (there.exists() and not there.is_dir()):
            return True
    return False
