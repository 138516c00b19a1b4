"""The plan: what a build will do, as plain data, before anything runs.

config -> Plan: the project, the target, its tags, the staging folder and the CMake steps (with
their preload scripts and FindPython hints). A cross build with `copy_from_native_build` is just a
plan whose first steps are a native build of the same project. build.py runs plans.
"""

from __future__ import annotations

import os
import shutil
import sys
import sysconfig
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__, cmake, config, metadata, target
from .cmake import CMakeStep
from .config import CMakeConfig, Config, Settings
from .errors import BuildError, ConfigError
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
            f"PY_BUILD_CMAKE_{kind}_VERSION": (s, sys.version.split()[0]),  # "3.14.0rc1"
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
