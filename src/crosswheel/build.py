"""From configuration to artefacts: config -> plan -> CMake steps -> staged files -> wheel.

A Plan is plain data: the project, the target and the CMake steps to run. A cross build with
`copy_from_native_build` is just a plan whose first steps are a native build of the same project.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fnmatch
import hashlib
import os
import platform
import shutil
import sys
import sysconfig
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

# sdist, stubgen and toolchain are imported where used: a no-op rebuild pays for none of them.
from . import (
    __version__,
    cmake,
    config,
    elf,
    manylinux,
    metadata,
    pure,
    staging,
    target,
    wheel,
    wheelcache,
)
from .archive import check_output, output_path, source_date_epoch
from .cmake import CMakeStep, Runner
from .config import CMakeConfig, Config, Settings, StubgenConfig
from .errors import BuildError, ConfigError
from .lock import build_folder_lock, make_folder
from .metadata import Project
from .target import Tags, Target

# The py-build-cmake interface version these variables follow, for projects that test it.
PBC_COMPAT_VERSION = "0.5.1"


@dataclass(frozen=True)
class Plan:
    cfg: Config
    project: Project
    target: Target
    tags: Tags
    staging: Path
    steps: list[CMakeStep] = field(default_factory=list)  # in order; native ones first
    native_install: Path | None = None
    copy_from_native: list[str] = field(default_factory=list)

    @property
    def pure(self) -> bool:
        return self.cfg.wheel.pure_python


def _build_dir(c: CMakeConfig, tags: Tags) -> Path:
    """`{build_config}` is the wheel's tags, as py-build-cmake names it (cp37-abi3-linux_x86_64)."""
    name = str(tags) + (f"-{c.index}" if c.index else "")
    return Path(c.build_path.replace("{build_config}", name))


def _python_hints(prefix: str, t: Target, build_python: Target) -> dict[str, tuple[str, str]]:
    """FindPython hints: the interpreter running us natively, the target's files when crossing."""
    h: dict[str, tuple[str, str]] = {
        f"{prefix}_FIND_REGISTRY": ("STRING", "NEVER"),
        f"{prefix}_FIND_FRAMEWORK": ("STRING", "NEVER"),
        f"{prefix}_FIND_STRATEGY": ("STRING", "LOCATION"),
        f"{prefix}_FIND_VIRTUALENV": ("STRING", "FIRST"),
    }
    # Natively the interpreter is the target; when crossing it is the build interpreter, for the
    # Interpreter component (code generators run at build time), as py-build-cmake passes it.
    h[f"{prefix}_EXECUTABLE"] = ("FILEPATH", str(build_python.executable or sys.executable))
    if not t.cross:
        h[f"{prefix}_ROOT_DIR"] = ("PATH", str(t.prefix))
        h[f"{prefix}_FIND_IMPLEMENTATIONS"] = ("STRING", {"cp": "CPython", "pp": "PyPy"}.get(
            t.implementation, "CPython"))
    elif t.prefix:
        h[f"{prefix}_ROOT_DIR"] = ("PATH", str(t.prefix))
    for key, value, kind in (("INCLUDE_DIR", t.include_dir, "PATH"),
                             ("LIBRARY", t.library, "FILEPATH"),
                             ("SABI_LIBRARY", t.sabi_library, "FILEPATH")):
        if value is not None:
            h[f"{prefix}_{key}"] = (kind, str(value))
    if t.cross:
        h[f"{prefix}_INTERPRETER_ID"] = ("STRING", t.interpreter_id)
    if t.soabi:
        h[f"{prefix}_SOABI"] = ("STRING", t.soabi)
    h[f"{prefix}_SOSABI"] = ("STRING", "" if t.os == "windows" else "abi3")
    return h


def _preload(cfg: Config, c: CMakeConfig, project: Project, t: Target, tags: Tags,
             install_prefix: Path, build_python: Target) -> dict[str, tuple[str, str]]:
    v = sys.version_info
    s = "STRING"
    p: dict[str, tuple[str, str]] = {
        "PY_BUILD_CMAKE_VERSION": (s, PBC_COMPAT_VERSION),
        "CROSSWHEEL_VERSION": (s, __version__),
        "PY_BUILD_CMAKE_PROJECT_NAME": (s, project.dist_name),
        "PY_BUILD_CMAKE_PACKAGE_NAME": (s, project.dist_name),
        "PY_BUILD_CMAKE_PROJECT_VERSION": (s, project.version),
        "PY_BUILD_CMAKE_PACKAGE_VERSION": (s, project.version),
        "PY_BUILD_CMAKE_IMPORT_NAME": (s, project.module.name),
        "PY_BUILD_CMAKE_MODULE_NAME": (s, project.module.name),
        # CMake lists, as py-build-cmake passes them ("py2;py3").
        "PY_BUILD_CMAKE_PACKAGE_PYTHON_TAG": (s, ";".join(tags.python)),
        "PY_BUILD_CMAKE_PACKAGE_ABI_TAG": (s, ";".join(tags.abi)),
    }
    # PY_BUILD_CMAKE_PYTHON_* are py-build-cmake's older names for the same facts; when crossing
    # they would claim the build interpreter is the target, so only BUILD_PYTHON_* are set.
    for kind in ("BUILD_PYTHON",) if t.cross else ("BUILD_PYTHON", "PYTHON"):
        p |= {
            f"PY_BUILD_CMAKE_{kind}_INTERPRETER": ("FILEPATH", sys.executable),
            f"PY_BUILD_CMAKE_{kind}_VERSION": (s, platform.python_version()),  # "3.14.0rc1"
            f"PY_BUILD_CMAKE_{kind}_VERSION_MAJOR": (s, str(v.major)),
            f"PY_BUILD_CMAKE_{kind}_VERSION_MINOR": (s, str(v.minor)),
            f"PY_BUILD_CMAKE_{kind}_VERSION_PATCH": (s, str(v.micro)),
            f"PY_BUILD_CMAKE_{kind}_RELEASE_LEVEL": (s, v.releaselevel),
            f"PY_BUILD_CMAKE_{kind}_ABIFLAGS": (s, sysconfig.get_config_var("ABIFLAGS") or ""),
        }
    if t.uses_abi3(cfg.wheel):
        n = cfg.wheel.abi3_minimum_cpython_version
        major, minor = (n // 100, n % 100) if n >= 100 else (n // 10, n % 10)
        p["PY_BUILD_CMAKE_PACKAGE_LIMITED_API"] = (s, f"0x{major:02X}{minor:02X}0000")
        p["PY_BUILD_CMAKE_PACKAGE_USE_SABI"] = (s, f"{major}.{minor}")
    p["CMAKE_INSTALL_PREFIX"] = ("PATH", str(install_prefix))
    p["CMAKE_FIND_NO_INSTALL_PREFIX"] = ("BOOL", "On")
    for name, wanted, prefix in (("Python", c.find_python, c.find_python_build_artifacts_prefix),
                                 ("Python3", c.find_python3, c.find_python3_build_artifacts_prefix)):
        if wanted:
            hints = _python_hints(name, t, build_python)
            if prefix is not None:
                # The build interpreter's hints move to the prefixed names (py-build-cmake 0.5).
                hints.pop(f"{name}_EXECUTABLE", None)
                hints |= _python_hints(name + prefix, build_python, build_python)
            p |= hints
    if t.cross:
        # pybind11 and nanobind take the module suffix from SKBUILD_SOABI and must not run the
        # target interpreter.
        if t.soabi:
            p["SKBUILD_SOABI"] = (s, t.soabi)
        p["PYBIND11_USE_CROSSCOMPILING"] = ("BOOL", "ON")
        p |= _package_dirs()
    return p


def _package_dirs() -> dict[str, tuple[str, str]]:
    """<Pkg>_DIR for CMake packages shipped in the build environment's site-packages.

    A cross toolchain usually re-roots every package search into the sysroot, where pip's
    pybind11 and nanobind are not; their config files are architecture-independent, so point
    CMake at them directly.
    """
    out = {}
    for site in _site_dirs():
        for pkg, rel in (("pybind11", "pybind11/share/cmake/pybind11"),
                         ("nanobind", "nanobind/cmake")):
            if f"{pkg}_DIR" not in out and (site / rel).is_dir():
                out[f"{pkg}_DIR"] = ("PATH", str(site / rel))
    return out


def _site_dirs() -> list[Path]:
    paths = sysconfig.get_paths()
    seen: list[Path] = []
    for key in ("purelib", "platlib"):
        p = Path(paths[key])
        if p not in seen:
            seen.append(p)
    for entry in sys.path:  # build isolation puts the build requirements here
        p = Path(entry)
        if entry and p.name == "site-packages" and p not in seen:
            seen.append(p)
    return seen


def compiler_launcher(setting: str | None) -> str | None:
    """The launcher program for cmake.compiler_launcher; 'auto' picks ccache or sccache."""
    if not setting:
        return None
    names = ("ccache", "sccache") if setting == "auto" else (setting,)
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    if setting == "auto":
        return None  # nothing to speed up with: build as usual
    raise BuildError(f"cmake.compiler_launcher: {setting!r} is not on PATH")


def _steps(cfg: Config, project: Project, t: Target, tags: Tags, install_prefix: Path,
           label: str, extra_defines: list[str]) -> list[CMakeStep]:
    build_python = target.native()
    out = []
    for c in cfg.cmake:
        build_dir = _build_dir(c, tags)
        if not (c.source_path / "CMakeLists.txt").is_file() and not c.preset:
            raise BuildError(f"cmake.source_path: no CMakeLists.txt in {c.source_path}")
        defines = [opt.define(name) for name, opt in sorted(c.options.items())]
        if c.build_type:
            defines.insert(0, f"CMAKE_BUILD_TYPE:STRING={c.build_type}")
        launcher = compiler_launcher(c.compiler_launcher)
        if launcher:
            defines += [f"CMAKE_{lang}_COMPILER_LAUNCHER:FILEPATH={launcher}"
                        for lang in ("C", "CXX", "CUDA")]
        files: dict[Path, str] = {}
        toolchain_file = t.toolchain_file
        if toolchain_file is None and t.triple:
            toolchain_file = build_dir / "crosswheel-toolchain.cmake"
            from . import toolchain

            try:
                files |= toolchain.generate(t, toolchain_file, toolchain.uses_cxx(c.source_path))
            except ConfigError as e:
                raise target.in_cross_file(cfg, e) from None
        elif toolchain_file is not None and not toolchain_file.is_file():
            raise BuildError(f"cross.toolchain_file: {toolchain_file} does not exist")
        if toolchain_file:
            defines.insert(0, f"CMAKE_TOOLCHAIN_FILE:FILEPATH={toolchain_file}")
        if t.osx_architectures:
            defines.insert(0, f"CMAKE_OSX_ARCHITECTURES:STRING={t.osx_architectures}")
        if t.generator_platform:
            defines.insert(0, f"CMAKE_GENERATOR_PLATFORM:STRING={t.generator_platform}")
        env = {
            "PY_BUILD_CMAKE_VERSION": PBC_COMPAT_VERSION,
            "PY_BUILD_CMAKE_PROJECT_NAME": project.dist_name,
            "PY_BUILD_CMAKE_PROJECT_VERSION": project.version,
            "PY_BUILD_CMAKE_IMPORT_NAME": project.module.name,
            # py-build-cmake's older names, in the environment too.
            "PY_BUILD_CMAKE_PACKAGE_NAME": project.dist_name,
            "PY_BUILD_CMAKE_PACKAGE_VERSION": project.version,
            "PY_BUILD_CMAKE_MODULE_NAME": project.module.name,
            "PY_BUILD_CMAKE_BINARY_DIR": str(build_dir),
            "PY_BUILD_CMAKE_INSTALL_PREFIX": str(install_prefix),
        }
        prefix_path = os.pathsep.join(
            [os.environ.get("CMAKE_PREFIX_PATH", "")] + [str(s) for s in _site_dirs()]).lstrip(
            os.pathsep)
        env["CMAKE_PREFIX_PATH"] = prefix_path
        expanded_from = {**os.environ, **env}
        env |= {k: cmake.expand_env(v, expanded_from) for k, v in c.env.items()}
        out.append(CMakeStep(
            label=label + (f".{c.index}" if c.index else ""),
            source_dir=c.source_path, build_dir=build_dir, install_prefix=install_prefix,
            cwd=cfg.project_dir, generator=c.generator, preset=c.preset,
            build_presets=c.build_presets,
            preload=_preload(cfg, c, project, t, tags, install_prefix, build_python),
            defines=defines + extra_defines, args=c.args, build_args=c.build_args,
            build_tool_args=c.build_tool_args, configs=c.config,
            install_configs=c.install_config, components=c.install_components,
            install_args=c.install_args, env=env, files=files,
            # An absolute path: editable build hooks re-run exactly this cmake later.
            cmake=shutil.which("cmake") or "cmake", minimum_version=c.minimum_version))
    return out


def _temp_dir() -> Path:
    import tempfile

    return Path(tempfile.mkdtemp(prefix="crosswheel-"))


def make_plan(project_dir: Path, settings: Settings, editable: bool = False) -> Plan:
    """The plan for a wheel; `editable` installs into the persistent `editable` folder instead."""
    cfg = config.load(project_dir, settings)
    project = metadata.load(cfg)
    t = target.for_config(cfg)
    tags = t.tags(cfg.wheel)
    if not cfg.cmake:
        staging = (cfg.project_dir / ".py-build-cmake_cache" / str(tags) / "editable"
                   if editable else _temp_dir())
        return Plan(cfg, project, t, tags, staging=staging)
    staging = _build_dir(cfg.cmake[0], tags) / ("editable" if editable else "crosswheel-staging")
    copy_from = (cfg.cross.copy_from_native_build if cfg.cross else None)
    if editable and cfg.cross is not None:
        raise BuildError("an editable install cannot be cross-compiled: the target's modules "
                         "would not import here")
    if copy_from is None:
        return Plan(cfg, project, t, tags, staging,
                    steps=_steps(cfg, project, t, tags, staging, "target" if t.cross else
                                 "native", []))
    # The native half: the same project and configuration, minus everything cross.
    native_cfg = config.load(project_dir, settings, with_cross=False)
    nt = target.native()
    native_tags = nt.tags(native_cfg.wheel)
    native_dir = _build_dir(native_cfg.cmake[0], native_tags) / "crosswheel-native-install"
    define = [f"PY_BUILD_CMAKE_NATIVE_INSTALL_DIR:PATH={native_dir}"]
    steps = _steps(native_cfg, project, nt, native_tags, native_dir, "native", define)
    steps += _steps(cfg, project, t, tags, staging, "target", define)
    return Plan(cfg, project, t, tags, staging, steps, native_dir, copy_from)


def stage_module(plan: Plan, folder: Path) -> None:
    """A fresh folder holding the module's sources, for CMake to install into."""
    try:
        if folder.is_symlink() or folder.is_file():
            folder.unlink()
        elif folder.exists():
            shutil.rmtree(folder)
    except OSError as e:
        raise BuildError(f"cannot clear the staging folder {folder}: {e.strerror or e}") from None
    make_folder(folder, "staging folder")
    for src, rel in plan.project.module.files():
        dst = folder / rel
        try:
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
        except OSError as e:  # a full disk, most likely
            raise BuildError(f"cannot stage {src} into {folder}: {e.strerror or e}") from None


def copy_from_native(plan: Plan, runner: Runner) -> None:
    """Step 7 of the native-then-cross build: move matching native files into the staging."""
    assert plan.native_install is not None
    root = plan.native_install
    # Regular files only: opening a FIFO to read its ELF header would block.
    files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    for pattern in plan.copy_from_native:
        hits = [f for f in files if fnmatch.fnmatchcase(f, pattern)]
        if not hits:
            raise BuildError(f"cross.copy_from_native_build: pattern {pattern!r} matched nothing "
                             f"in the native install {root} (it holds: "
                             f"{', '.join(files[:20]) or 'no files'})")
        for rel in hits:
            src = root / rel
            header = elf.header(src)
            row = plan.target.arch_row
            why = row.mismatch(header) if header is not None and row is not None else None
            if header is not None and row is None and plan.target.os != "linux":
                why = f"an ELF binary for {elf.machine(src)}"
            if why:
                expects = row.elf if row else plan.target.os
                raise BuildError(f"cross.copy_from_native_build: {rel} is {why}, but the wheel "
                                 f"is for {plan.target.platform} ({expects}); refusing to copy it")
            dst = plan.staging / rel
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(src), dst)
            runner.log(f"copied {rel} from the native build")
        files = [f for f in files if f not in hits]


def run_stubgen(plan: Plan, runner: Runner) -> None:
    """Stubs come from importing the module, so from the build machine's own build."""
    assert plan.cfg.stubgen is not None
    from . import stubgen

    request: StubgenConfig = plan.cfg.stubgen
    if not plan.target.cross:
        importable = plan.staging
    elif plan.native_install is not None:
        importable = plan.native_install
    else:
        # The cross-compiled modules cannot be imported here; the pure-Python ones are parsed.
        pure = stubgen.pure_python_only(plan.cfg.stubgen, plan.project.module.name,
                                        plan.staging)
        runner.log("stubgen: stubs for pure-Python modules only: the cross-compiled modules "
                   "cannot be imported here (set cross.copy_from_native_build to generate "
                   "their stubs from a native build)")
        if pure is None:
            return
        request, importable = pure, plan.staging
    for rel in stubgen.generate(request, plan.project.module.name, importable, plan.staging):
        runner.log(f"stubgen: added {rel}")


@contextlib.contextmanager
def locked(plan: Plan, runner: Runner) -> Iterator[None]:
    """Lock every build folder the plan uses (sorted, so two plans cannot deadlock)."""
    with contextlib.ExitStack() as stack:
        for folder in sorted({s.build_dir for s in plan.steps}):
            stack.enter_context(build_folder_lock(folder, runner.log))
        yield


def build_wheel(project_dir: Path, out_dir: Path, settings: Settings,
                runner: Runner | None = None) -> Path:
    plan = make_plan(project_dir, settings)
    # What can be known before CMake runs is checked before it runs.
    source_date_epoch()
    check_output(output_path(out_dir, wheel.wheel_name(plan.project, plan.tags)))
    runner = runner or Runner(verbose=plan.cfg.verbose)
    with locked(plan, runner):
        return _build_wheel(plan, out_dir, runner)


def _build_wheel(plan: Plan, out_dir: Path, runner: Runner) -> Path:
    if not plan.steps:
        try:
            stage_module(plan, plan.staging)
            entries = wheel.staged_entries(plan.staging, plan.project,
                                           top_level=plan.project.module.name.split(".")[0])
            if plan.pure:
                pure.check(entries)
            tags = checked_tags(plan, entries, runner.log)
            return wheel.write(out_dir, plan.project, tags, plan.pure, entries,
                               plan.cfg.project_dir)
        finally:
            if not plan.cfg.cmake:
                shutil.rmtree(plan.staging, ignore_errors=True)
    key = config_key(plan)
    stage = staging.Staging(plan.staging, key)
    if plan.native_install is not None:
        # The native install is a complete native package: stubgen imports it.
        stage_module(plan, plan.native_install)
    prepared = False
    for step in plan.steps:
        runner.configure(step)
        runner.build(step)
        if step.install_prefix == plan.staging and not prepared:
            # Only now: a failed compile leaves the last good staging folder trusted.
            prepared = True
            if not stage.prepare():
                runner.log(f"staging folder emptied: {plan.staging}")
            stage.sync_module(plan.project.module.files())
        installed = runner.install(step)
        if step.install_prefix == plan.staging:
            stage.installed(installed)
    for rel in stage.prune():
        runner.log(f"removed {rel} from the staging folder: no longer installed")
    if plan.copy_from_native:
        copy_from_native(plan, runner)
    if plan.cfg.stubgen is not None:
        run_stubgen(plan, runner)
    reuse = wheelcache.Reuse(plan.staging.parent, key)
    try:
        entries = wheel.staged_entries(plan.staging, plan.project,
                                       top_level=plan.project.module.name.split(".")[0])
        if plan.pure:
            pure.check(entries)
        # A member reused from the last wheel passed the ELF checks then, for this same
        # configuration: only new or changed files are opened.
        tags = checked_tags(plan, entries, runner.log,
                            [e for e in entries if e.stat is None or
                             not reuse.unchanged(e.arcname, e.stat)])
        whl = wheel.write(out_dir, plan.project, tags, plan.pure, entries,
                          plan.cfg.project_dir, reuse=reuse)
        reuse.save(whl)
        runner.log(f"wheel: {reuse.reused} of {reuse.seen} files copied still compressed from "
                   "the last wheel")
    finally:
        reuse.close()
    root = len(str(plan.staging)) + 1
    stage.save((str(e.source)[root:], e.stat) for e in entries
               if e.source is not None and e.stat is not None)
    return whl


def config_key(plan: Plan) -> str:
    """Everything that shapes the staged files and the wheel's bytes: neither the staging
    folder nor the deflated members of one configuration are used for another. Built from the
    configuration, not from the CMake command lines, which name the build environment's
    interpreter and site-packages: those differ in every isolated build."""
    import dataclasses
    import json
    import zlib

    from . import zipwriter

    facts = [__version__, zipwriter.LEVEL, zipwriter.BLOCK, zlib.ZLIB_RUNTIME_VERSION,
             repr(dataclasses.replace(plan.target, executable=None)), repr(plan.tags),
             plan.pure, repr(plan.cfg.cmake), repr(plan.cfg.wheel), repr(plan.cfg.cross),
             repr(plan.cfg.stubgen), str(plan.staging)]
    return hashlib.sha256(json.dumps(facts).encode()).hexdigest()


def checked_tags(plan: Plan, entries: list[wheel.Entry], log: Callable[[str], None],
                 elf_entries: list[wheel.Entry] | None = None) -> Tags:
    """The wheel's tags once its binaries are proven to fit the target (and a manylinux level).

    `elf_entries`: the entries to give the ELF checks, when the others are known to pass."""
    if not plan.pure:
        for t in _elf_targets(plan):
            elf.check_entries(entries if elf_entries is None else elf_entries, t,
                              plan.target.uses_abi3(plan.cfg.wheel))
    return manylinux.verify(entries, plan.target, plan.cfg, plan.tags, log)


def _elf_targets(plan: Plan) -> list[Target]:
    """The target, and the same target once per other architecture the written tags name
    (wheel.platform_tag may say something else than the target: the binaries must fit it too)."""
    out = [plan.target]
    seen = {plan.target.arch_row}
    if plan.target.os == "linux":
        from .arch import is_linux_platform

        for tag in plan.tags.platform:
            t = dataclasses.replace(plan.target, platform=tag)
            if is_linux_platform(tag) and t.arch_row not in seen:
                seen.add(t.arch_row)
                out.append(t)
    return out


def build_sdist(project_dir: Path, out_dir: Path, settings: Settings,
                dry_run: bool = False) -> Path:
    """Write the sdist; with `dry_run`, list its files on stderr and write nothing."""
    from . import sdist

    cfg = config.load(project_dir, settings)
    if not dry_run:
        return sdist.write(out_dir, cfg, metadata.load(cfg))
    final, files = sdist.planned(out_dir, cfg, metadata.load(cfg))
    for _, rel in files:
        print(f"crosswheel: would add {rel}", file=sys.stderr)
    print(f"crosswheel: would write {final} (and PKG-INFO)", file=sys.stderr)
    return final


def write_metadata(project_dir: Path, out_dir: Path, settings: Settings) -> str:
    """prepare_metadata_for_build_wheel: the .dist-info folder without building anything."""
    cfg = config.load(project_dir, settings)
    project = metadata.load(cfg)
    t = target.for_config(cfg)
    tags = manylinux.declared(cfg, t, t.tags(cfg.wheel))
    return wheel.write_dist_info(out_dir, project, tags, cfg.wheel.pure_python, cfg.project_dir)


def cmake_requirements(project_dir: Path, settings: Settings) -> list[str]:
    """cmake and ninja from PyPI, but only when the machine lacks a suitable one."""
    cfg = config.load(project_dir, settings)
    reqs: list[str] = []
    if cfg.stubgen is not None:
        reqs.append("mypy")
    reqs += manylinux.requirements(cfg)
    if not cfg.cmake:
        return reqs
    if cfg.cross is not None:
        from . import toolchain

        reqs += toolchain.requirements(cfg.cross.compiler)
    minimum = max((c.minimum_version for c in cfg.cmake), key=cmake._vtuple)
    if cmake.find_cmake(minimum) is None:
        reqs.append(f"cmake>={minimum}")
    wants_ninja = any((c.generator or "").startswith("Ninja") for c in cfg.cmake)
    if wants_ninja and shutil.which("ninja") is None:
        reqs.append("ninja")
    return reqs
