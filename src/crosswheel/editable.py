"""Editable installs (PEP 660): a small wheel that points Python at the sources and the build.

Three modes, as in py-build-cmake:
- symlink: the package is mirrored with symlinks in <build>/editable, beside the compiled modules
  CMake installs there; the wheel holds a .pth naming that folder.
- wrapper: the wheel holds a stand-in __init__.py that runs the real one from the source tree and
  extends __path__ with the folder of the compiled modules.
- hook: a .pth imports a module that puts a meta-path finder in front for the package.
With editable.build_hook, the first import in a process re-runs `cmake --build` and `--install`.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from .build import Plan, locked, make_plan
from .cmake import Runner
from .config import Settings
from .wheel import Entry, staged_entries, write

# The module the wheel installs for hook mode and for build hooks. It must run without
# crosswheel, which is only a build dependency, so it is self-contained text.
RUNTIME = '''\
"""Editable install of {dist!r}, written by crosswheel. Safe to delete with the install."""
import importlib.abc
import importlib.util
import os
import subprocess
import sys

NAME = {name!r}
SOURCES = {sources!r}  # where the package's files are found, in order
MAIN = {main!r}  # the real __init__.py (or module file), or None
COMMANDS = {commands!r}  # (command, environment) pairs to rebuild, when the build hook is on
CWD = {cwd!r}
_GUARD = "CROSSWHEEL_EDITABLE_REBUILDING"
_done = False


def rebuild():
    """Bring the compiled modules up to date before the first import (at most once)."""
    global _done
    if _done or not COMMANDS or os.environ.get(_GUARD):
        return
    _done = True  # also guards against the build importing the package itself
    for cmd, extra in COMMANDS:
        env = dict(os.environ, **extra)
        env[_GUARD] = "1"
        if not os.path.exists(cmd[0]):  # the cmake of an isolated build env is gone by now
            import shutil

            cmd = [shutil.which("cmake") or cmd[0], *cmd[1:]]
        try:
            # errors="replace": compilers echo source lines, whatever their encoding.
            proc = subprocess.run(cmd, cwd=CWD, env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True, errors="replace",
                                  check=False)
        except OSError as e:  # no cmake on PATH (any more), or the project folder is gone
            raise ImportError("crosswheel build hook: rebuilding {{}} failed: cannot run {{}} "
                              "in {{}}: {{}}".format(NAME, cmd[0], CWD, e), name=NAME) from None
        if proc.returncode != 0:
            raise ImportError("crosswheel build hook: rebuilding {{}} failed ({{}}):\\n{{}}".format(
                NAME, " ".join(cmd), proc.stdout[-4000:]), name=NAME)


class Finder(importlib.abc.MetaPathFinder):
    def __init__(self, serve):
        self.serve = serve

    def find_spec(self, fullname, path=None, target=None):
        if fullname != NAME:
            return None
        rebuild()
        if not self.serve:
            return None  # the path entry from the .pth finds it
        if MAIN is None or not MAIN.endswith("__init__.py"):
            if MAIN is not None:
                return importlib.util.spec_from_file_location(NAME, MAIN)
            return None
        return importlib.util.spec_from_file_location(
            NAME, MAIN, submodule_search_locations=list(SOURCES))


def install(serve):
    if not any(isinstance(f, Finder) for f in sys.meta_path):
        sys.meta_path.insert(0, Finder(serve))
'''

WRAPPER = '''\
# Editable install of {dist!r}, written by crosswheel: runs the package from its source tree.
__path__ = {sources!r}
__file__ = {main!r}
# Resources (importlib.resources.files) are read next to the real __init__.py.
import importlib.machinery as _m
__spec__.loader = __loader__ = _m.SourceFileLoader(__name__, __file__)
__spec__.origin = __file__
del _m
with open(__file__, "rb") as _f:
    exec(compile(_f.read(), __file__, "exec"))
del _f
'''


def _mirror(src_files: list[tuple[Path, str]], folder: Path) -> None:
    """Symlink every source file into `folder` unless CMake installed a file at that path."""
    for src, rel in src_files:
        dst = folder / rel
        if dst.exists() or dst.is_symlink():
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(src.resolve(), dst)


def build_editable(project_dir: Path, out_dir: Path, settings: Settings) -> Path:
    plan = make_plan(project_dir, settings, editable=True)
    runner = Runner(verbose=plan.cfg.verbose)
    with locked(plan, runner):
        return _build(plan, out_dir, runner)


def _build(plan: Plan, out_dir: Path, runner: Runner) -> Path:
    cfg, project = plan.cfg, plan.project
    mode = cfg.editable.mode
    module = project.module
    # CMake installs into a folder of its own; sources are linked in afterwards, so an install
    # never writes through a link into the source tree.
    if plan.staging.exists():
        shutil.rmtree(plan.staging)
    plan.staging.mkdir(parents=True)
    for step in plan.steps:
        runner.configure(step)
        runner.build(step)
        runner.install(step)
    if module.source is not None and module.source.is_dir() and not (
            module.source / "__init__.py").is_file() and mode != "symlink":
        runner.log(f"editable mode {mode!r} needs a regular package; using 'symlink' for the "
                   "namespace package")
        mode = "symlink"
    if mode == "symlink":
        _mirror(module.files(), plan.staging)

    name = module.name
    rel_pkg = Path(*name.split("."))
    main = module.main_file
    sources = []
    if module.source is not None and module.source.is_dir():
        sources = [str(module.source.resolve()), str((plan.staging / rel_pkg).resolve())]
    commands = []
    if cfg.editable.build_hook:
        for step in plan.steps:
            commands += [(cmd, step.env) for cmd in step.build_commands() + step.install_commands()]
    runtime_name = f"_crosswheel_editable_{project.dist_name}"
    runtime = RUNTIME.format(
        dist=project.name, name=name, sources=sources,
        main=str(main.resolve()) if main is not None else None, commands=commands,
        cwd=str(cfg.project_dir))

    extra: list[Entry] = []
    pth_lines = []
    if mode == "symlink":
        pth_lines.append(str(plan.staging.resolve()))
    elif mode == "wrapper":
        if module.source is not None and module.source.is_file():
            # A single-file module: its folder on sys.path is the whole trick.
            pth_lines.append(str(module.source.parent.resolve()))
        elif main is not None:
            extra.append(Entry(f"{rel_pkg.as_posix()}/__init__.py", data=WRAPPER.format(
                dist=project.name, sources=sources, main=str(main.resolve())).encode()))
        pth_lines.append(str(plan.staging.resolve()))  # modules CMake installs at top level
    if mode == "hook" or commands:
        extra.append(Entry(f"{runtime_name}.py", data=runtime.encode()))
        serve = mode == "hook" and main is not None
        pth_lines.append(f"import {runtime_name}; {runtime_name}.install({serve})")
        if mode == "hook":
            pth_lines.insert(0, str(plan.staging.resolve()))
    extra.append(Entry(f"_crosswheel_editable_{project.dist_name}.pth",
                       data=("\n".join(pth_lines) + "\n").encode()))
    # Scripts, headers and data CMake installed still go through the wheel's .data folder.
    data = [e for e in staged_entries(plan.staging, project, links_out=True)
            if e.arcname.startswith(project.data_dir + "/")]
    return write(out_dir, project, plan.tags, plan.pure, data + extra, cfg.project_dir)

