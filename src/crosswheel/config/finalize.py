"""Defaults and derived values: the merged sections become the frozen Config."""

from __future__ import annotations

import copy
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .. import options as O
from ..errors import ConfigError
from ..manylinux import SETTING as MANYLINUX_SETTING
from .merge import merge_section
from .model import (
    CMakeConfig,
    CMakeOption,
    Config,
    CrossConfig,
    EditableConfig,
    ModuleConfig,
    SdistConfig,
    StubgenConfig,
    WheelConfig,
)


def _resolve_env(name: str, value: str | list[tuple[str, str]], env: Mapping[str, str]) -> str:
    """An environment setting as one string; edits start from the variable's current value.

    That value is escaped ($ -> $$), so only the configuration's own ${VAR} expand later.
    """
    if isinstance(value, str):
        return value
    result: str | None = None
    for op, x in value:
        if op == "=":
            result = x
            continue
        if result is None:
            result = env.get(name, "").replace("$", "$$")
        if op == "+":
            result += x
        elif op == "prepend":
            result = x + result
        elif op == "+(path)":
            result = f"{result}{os.pathsep}{x}" if result else x
        elif op == "prepend(path)":
            result = f"{x}{os.pathsep}{result}" if result else x
        else:  # "-"
            result = result.replace(x, "")
    return result or ""


def _defaults(section: O.Section, values: dict[str, Any], project_dir: Path) -> dict[str, Any]:
    out = {}
    for opt in section.options:
        v = values.get(opt.name, copy.deepcopy(opt.default))
        if opt.kind == "path" and isinstance(v, str) and not os.path.isabs(v):
            v = str(project_dir / v)
        out[opt.name] = v
    return out


def _cmake_projects(patches: list[tuple[dict[str, Any], str]]) -> list[tuple[int, dict[str, Any]]]:
    """The values of each cmake.N project: every patch's plain keys, then its own cmake.N keys.

    Applying them patch by patch keeps the source order: a plain `cmake` key in a later source
    (a cross file, say) overrides a `cmake.N` key of pyproject.toml.
    """
    indices: list[str | None] = [*sorted({k for frag, _ in patches for k in frag if k.isdigit()},
                                          key=int)]
    out = []
    for index in indices or [None]:
        values: dict[str, Any] = {}
        for frag, source in patches:
            plain = {k: v for k, v in frag.items() if not k.isdigit()}
            values = merge_section(values, plain, O.CMAKE, source)
            if index is not None and index in frag:
                values = merge_section(values, frag[index], O.CMAKE, source)
        out.append((int(index or 0), values))
    return out


def finalize(project_dir: Path, pyproject: dict[str, Any], table_name: str | None,
              merged: dict[str, dict[str, Any]], cross: CrossConfig | None, verbose: bool,
              sources: list[str], cmake_patches: list[tuple[dict[str, Any], str]],
             provenance: dict[str, list[str]], env: Mapping[str, str]) -> Config:
    project_name = pyproject["project"].get("name")
    if not isinstance(project_name, str):
        raise ConfigError(f"{project_dir / 'pyproject.toml'}: project.name: expected a string")
    if not re.fullmatch(r"[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?", project_name):
        # Checked here, before the module lookup that derives its name from it.
        raise ConfigError(f"{project_dir / 'pyproject.toml'}: project.name: {project_name!r} is "
                          "not a valid distribution name (letters, digits, '.', '_' and '-', "
                          "starting and ending with a letter or digit)")
    m = _defaults(O.MODULE, merged.get("module", {}), project_dir)
    module = ModuleConfig(
        # PEP 503 normalisation (as packaging.utils.canonicalize_name), with '_' for '-'.
        name=m["name"] or re.sub(r"[-_.]+", "_", project_name).lower(),
        directory=Path(m["directory"]), namespace=m["namespace"], generated=m["generated"])

    cmake_cfgs: list[CMakeConfig] = []
    if "cmake" in merged:
        for index, values in _cmake_projects(cmake_patches):
            c = _defaults(O.CMAKE, values, project_dir)
            config = c["config"] if c["config"] is not None else (
                [c["build_type"]] if c["build_type"] else [])
            c["config"] = config
            if c["install_config"] is None:
                c["install_config"] = config
            if c["generator"] is None:
                c["generator"] = env.get("CMAKE_GENERATOR") or None
            c["source_path"] = Path(c["source_path"])
            c["env"] = {k: _resolve_env(k, v, env) for k, v in c["env"].items()}
            c["options"] = {k: CMakeOption(tuple(o["value"]), o["type"])
                            for k, o in c["options"].items()}
            cmake_cfgs.append(CMakeConfig(index=index, **c))

    w = _defaults(O.WHEEL, merged.get("wheel", {}), project_dir)
    if w["pure_python"] is None:
        w["pure_python"] = not cmake_cfgs
    # The wheel spec's build tag: a digit, then letters, digits, '_' or '.'; it becomes part of
    # the wheel's file name, so nothing else (no '/', '-' or space) may get through.
    if w["build_tag"] is not None and not re.fullmatch(r"[0-9][A-Za-z0-9_.]*", w["build_tag"]):
        where = (provenance.get("wheel.build_tag") or ["configuration"])[-1]
        raise ConfigError(f"{where}: wheel.build_tag: expected a string starting with a digit "
                          f"and without '-', found {w['build_tag']!r} (the wheel spec allows a "
                          "digit, then letters, digits, '_' and '.')")
    if not MANYLINUX_SETTING.fullmatch(w["manylinux"]):
        where = (provenance.get("wheel.manylinux") or ["configuration"])[-1]
        raise ConfigError(f"{where}: wheel.manylinux: expected 'off', 'auto' or a level like "
                          f"'manylinux_2_17', 'manylinux2014' or 'musllinux_1_2' (without the "
                          f"architecture), found {w['manylinux']!r}")
    if w["manylinux"] != "off" and w["platform_tag"] is not None:
        where = (provenance.get("wheel.manylinux") or ["configuration"])[-1]
        raise ConfigError(f"{where}: wheel.manylinux: {w['manylinux']!r} chooses the platform "
                          "tag itself; it cannot be combined with wheel.platform_tag")
    stub = merged.get("stubgen")
    return Config(
        project_dir=project_dir,
        pyproject=pyproject,
        table_name=table_name,
        module=module,
        sdist=SdistConfig(**_defaults(O.SDIST, merged.get("sdist", {}), project_dir)),
        editable=EditableConfig(**_defaults(O.EDITABLE, merged.get("editable", {}), project_dir)),
        wheel=WheelConfig(**w),
        cmake=cmake_cfgs,
        stubgen=StubgenConfig(**_defaults(O.STUBGEN, stub, project_dir)) if stub is not None
        else None,
        cross=cross,
        verbose=verbose,
        sources=sources,
        provenance=provenance,
    )
