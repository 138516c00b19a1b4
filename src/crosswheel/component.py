"""`build-backend = "crosswheel.component"`: a wheel of some install components of another project.

A `-dev` package with headers and CMake config files, or a `-debug` package with debug symbols,
comes from the main project's existing build folder: no configure, no sdist, no editable install.
"""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import backend
from . import options as O
from .errors import ConfigError

if TYPE_CHECKING:
    from .config import Settings
    from .metadata import Project

_ROOT = O.Section("", "", (O.Option("main_project", "path", "Folder of the main project.",
                                    default=".."),), overrides=("component",))


def _load(project_dir: Path) -> tuple[dict[str, Any], dict[str, Any], Path]:
    from . import config as C
    from .toml import read_toml

    path = project_dir / "pyproject.toml"
    pyproject = read_toml(path)
    name, table = C.tool_table(pyproject, path)
    src = f"{path} [tool.{name}]"
    validator = C.Validator(src, project_dir, f"tool.{name}.")
    if not isinstance(table, dict):
        validator.fail("", "a table", table)
    values: dict[str, Any] = {}
    for k, v in table.items():
        if k == "main_project":
            values[k] = validator.value(_ROOT.by_name[k], v, k)
        elif k == "component":
            values[k] = validator.section(O.COMPONENT, v, k)
        else:
            C.unknown_key(k, ["main_project", "component"], src)
    comp = {o.name: values.get("component", {}).get(o.name, o.default) for o in O.COMPONENT.options}
    if not comp["install_components"]:
        raise ConfigError(f"{src}: component.install_components is required (the components of "
                          "the main project this package holds)")
    main = Path(values.get("main_project", str(project_dir / "..")))
    if not (main / "pyproject.toml").is_file():
        raise ConfigError(f"{src}: main_project: no pyproject.toml in {main}")
    return pyproject, comp, main.resolve()


def _project(project_dir: Path, pyproject: dict[str, Any]) -> Project:
    from . import metadata

    name = str(pyproject["project"].get("name"))
    return metadata.from_pyproject(pyproject, project_dir, metadata.Module(name, None, None))


def write_metadata(project_dir: Path, out_dir: Path, settings: Settings) -> str:
    """The component's .dist-info folder as its wheel will hold it, without building anything.

    The tags are the main project's before any manylinux check: the check needs the built
    binaries (like wheel.manylinux = "auto" for the main wheel), and a component without
    binaries keeps them anyway.
    """
    from . import config, target, wheel

    pyproject, _, main_dir = _load(project_dir)
    cfg = config.load(main_dir, settings)
    tags = target.for_config(cfg).tags(cfg.wheel)
    return wheel.write_dist_info(out_dir, _project(project_dir, pyproject), tags,
                                 cfg.wheel.pure_python, project_dir)


def requirements(project_dir: Path, settings: Settings) -> list[str]:
    """auditwheel when the main project wants a manylinux check (binaries get the same one)."""
    from . import config, manylinux

    _, _, main_dir = _load(project_dir)
    return manylinux.requirements(config.load(main_dir, settings))


def make_wheel(project_dir: Path, out_dir: Path, settings: Settings) -> Path:
    from . import build, elfdeps, wheel
    from .cmake import Runner

    pyproject, comp, main_dir = _load(project_dir)
    project = _project(project_dir, pyproject)
    plan = build.make_plan(main_dir, settings)
    if not plan.steps:
        raise ConfigError(f"{main_dir / 'pyproject.toml'}: the main project has no CMake build "
                          "to take components from")
    runner = Runner(verbose=plan.cfg.verbose)
    with tempfile.TemporaryDirectory(prefix="crosswheel-component-") as tmp:
        staging = Path(tmp)
        for step in plan.steps:
            if not (step.build_dir / "CMakeCache.txt").is_file():
                raise ConfigError(f"{step.build_dir}: the main project has not been built here "
                                  f"yet; build {main_dir} first")
            step = replace(step, install_prefix=staging, components=comp["install_components"],
                           build_presets=comp["build_presets"] or step.build_presets,
                           build_args=step.build_args + comp["build_args"],
                           build_tool_args=step.build_tool_args + comp["build_tool_args"],
                           install_args=step.install_args + comp["install_args"])
            if not comp["install_only"]:
                runner.build(step)
            runner.install(step)
        entries = wheel.staged_entries(staging, project)
        tags = plan.tags
        # Binaries (a library, a tool, debug symbols) pass the main wheel's checks and get its
        # kind of tag; headers and CMake files alone keep the main project's plain tags.
        if any(e.source is not None and elfdeps.is_elf(e.source) for e in entries):
            tags = build.checked_tags(plan, entries, runner.log)
        return wheel.write(out_dir, project, tags, plan.pure, entries, project_dir)


@backend.hook
def get_requires_for_build_wheel(config_settings: dict[str, Any] | None = None) -> list[str]:
    return requirements(Path.cwd(), backend.settings(config_settings))


@backend.hook
def prepare_metadata_for_build_wheel(metadata_directory: str,
                                     config_settings: dict[str, Any] | None = None) -> str:
    return write_metadata(Path.cwd(), Path(metadata_directory), backend.settings(config_settings))


@backend.hook
def build_wheel(wheel_directory: str, config_settings: dict[str, Any] | None = None,
                metadata_directory: str | None = None) -> str:
    return make_wheel(Path.cwd(), Path(wheel_directory), backend.settings(config_settings)).name
