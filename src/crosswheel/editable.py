"""Editable installs (PEP 660): a small wheel that points Python at the sources and the build.

Three modes, as in py-build-cmake:
- symlink: the package is mirrored with symlinks in <build>/editable, beside the compiled modules
  CMake installs there; the wheel holds a .pth naming that folder.
- wrapper: the wheel holds a stand-in __init__.py that runs the real one from the source tree and
  extends __path__ with the folder of the compiled modules.
- hook: a .pth imports a module that puts a meta-path finder in front for the package.
With editable.build_hook, the first import in a process brings the build up to date; the code
that does it (editable_runtime.py) also makes the staging folder at install time.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
from pathlib import Path

from . import cmake, editable_runtime
from .build import Plan, locked, make_plan
from .cmake import CMakeStep, Runner
from .config import Settings
from .errors import BuildError
from .metadata import _SKIP_DIRS, _SKIP_SUFFIXES
from .wheel import Entry, staged_entries, write

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


def real_binary(name: str) -> str | None:
    """The first `name` on PATH that is a program itself, not a script in front of one.

    pyenv's shims (shell scripts) and pip's console-script wrappers (Python) each cost tens of
    milliseconds a call, more than a no-op build; an import-time rebuild runs the real binary.
    """
    for folder in os.environ.get("PATH", "").split(os.pathsep):
        path = Path(folder or ".") / name
        try:
            with open(path, "rb") as f:
                script = f.read(2) == b"#!"
        except OSError:
            continue
        if not script and os.access(path, os.X_OK) and path.is_file():
            return str(path.resolve())
    return None


def prefer_ninja(step: CMakeStep) -> CMakeStep:
    """Ninja for a new editable build folder when the project leaves the generator open.

    A no-op Ninja build is a fraction of a no-op Make build (bench/EDITABLE.md), and Ninja's log
    tells whether it built anything. An existing build folder keeps its generator: switching would
    rebuild everything, and the wheel builds share the folder.
    """
    if (step.generator or step.preset or os.environ.get("CMAKE_GENERATOR")
            or (step.build_dir / "CMakeCache.txt").is_file()):
        return step
    ninja = real_binary("ninja")
    if ninja is None:
        return step
    return dataclasses.replace(step, generator="Ninja",
                               defines=[*step.defines, f"CMAKE_MAKE_PROGRAM:FILEPATH={ninja}"])


def runtime_step(step: CMakeStep) -> dict:
    """One build folder's commands for the runtime, with the real binaries (after configure)."""
    cache = cmake.cache_values(step.build_dir)
    cmake_exe = cache.get("CMAKE_COMMAND") or step.cmake
    generator = cache.get("CMAKE_GENERATOR", "")
    make_program = cache.get("CMAKE_MAKE_PROGRAM", "")
    direct = cmake.direct_build(step, cache)
    return {
        "build_dir": str(step.build_dir),
        "env": step.env,
        "build": [direct] if direct else [[cmake_exe, *cmd[1:]] for cmd in step.build_commands()],
        "direct": direct is not None,
        "install": [[cmake_exe, *cmd[1:]] for cmd in step.install_commands()],
        "ninja_log": (str(step.build_dir / ".ninja_log") if generator.startswith("Ninja")
                      else None),
        # For `ninja -t deps` after a build that did work (single-configuration Ninja only).
        "ninja": make_program if generator == "Ninja" and os.path.isabs(make_program) else None,
    }


def runtime_config(plan: Plan, steps: list[CMakeStep], mode: str, sources: list[str],
                   main: Path | None) -> dict:
    module = plan.project.module
    mirror = None
    if mode == "symlink" and module.source is not None and module.base is not None:
        mirror = {"source": str(module.source.resolve()), "base": str(module.base.resolve()),
                  "skip_dirs": sorted(_SKIP_DIRS), "skip_suffixes": sorted(_SKIP_SUFFIXES)}
    staging = plan.staging.resolve()
    return {
        "name": module.name,
        "main": str(main.resolve()) if main is not None else None,
        "sources": sources,
        "steps": [runtime_step(s) for s in steps],
        "locks": sorted({str(s.build_dir) for s in steps}),
        "cwd": str(plan.cfg.project_dir),
        "staging": str(staging),
        "state_dir": str(staging.parent),
        "mirror": mirror,
    }


def build_editable(project_dir: Path, out_dir: Path, settings: Settings) -> Path:
    plan = make_plan(project_dir, settings, editable=True)
    plan = dataclasses.replace(plan, steps=[prefer_ninja(s) for s in plan.steps])
    runner = Runner(verbose=plan.cfg.verbose)
    with locked(plan, runner):
        return _build(plan, out_dir, runner)


def _build(plan: Plan, out_dir: Path, runner: Runner) -> Path:
    cfg, project = plan.cfg, plan.project
    mode = cfg.editable.mode
    module = project.module
    if module.source is not None and module.source.is_dir() and not (
            module.source / "__init__.py").is_file() and mode != "symlink":
        runner.log(f"editable mode {mode!r} needs a regular package; using 'symlink' for the "
                   "namespace package")
        mode = "symlink"
    # CMake installs into a folder of its own; sources are linked in afterwards, so an install
    # never writes through a link into the source tree.
    if plan.staging.exists():
        shutil.rmtree(plan.staging)
    plan.staging.mkdir(parents=True)
    for step in plan.steps:
        runner.configure(step)

    name = module.name
    rel_pkg = Path(*name.split("."))
    main = module.main_file
    sources = []
    if module.source is not None and module.source.is_dir():
        sources = [str(module.source.resolve()), str((plan.staging / rel_pkg).resolve())]
    config = runtime_config(plan, plan.steps, mode, sources, main)
    try:
        # The same code an import runs later: the same staged layout, the same state.
        editable_runtime.update(config, lock=False, log_path=None, force=True)
    except editable_runtime.RebuildError as e:
        raise BuildError(f"editable install of {project.name}: {e}") from None
    if not cfg.editable.build_hook:
        config["steps"] = []
    runtime_name = f"_crosswheel_editable_{project.dist_name}"
    runtime = Path(editable_runtime.__file__).read_text(encoding="utf-8") + (
        f"\n# Written by crosswheel for {project.name!r}.\nCONFIG = {config!r}\n")

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
    if mode == "hook" or config["steps"]:
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
