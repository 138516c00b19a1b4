"""The configuration's sources as labelled layers, folded in py-build-cmake's order.

pyproject.toml -> OS section -> *.local.toml -> *.local.pbc -> each `-C local` -> *.cross.toml ->
*.cross.pbc -> each `-C cross` -> each `-C override`.
Each source is validated on its own, so an error names the file it is in; relative paths are made
absolute against the folder of the file that holds them.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import options as O
from ..errors import ConfigError
from ..overrides import CLEAR, parse_cli, parse_file, to_fragment
from ..toml import read_text, read_toml
from .finalize import finalize
from .merge import merge_section
from .model import Config, CrossConfig, Settings
from .validate import _type_name, validate

NAMES = ("crosswheel", "py-build-cmake")


def host_os() -> str:
    return {"win32": "windows", "darwin": "mac"}.get(sys.platform, "linux")


def tool_table(pyproject: dict[str, Any], path: Path) -> tuple[str | None, dict[str, Any]]:
    tool = pyproject.get("tool", {})
    if not isinstance(tool, dict):
        raise ConfigError(f"{path}: tool: expected a table, found {_type_name(tool)}")
    present = [n for n in NAMES if n in tool]
    if len(present) == 2:
        raise ConfigError(f"{path}: both [tool.crosswheel] and [tool.py-build-cmake] are present; "
                          "keep one (they have the same schema)")
    if not present:
        return None, {}
    return present[0], tool[present[0]]


@dataclass
class _Layer:
    source: str
    tree: dict[str, Any]  # validated, same shape as the tool table


def _file_layers(path: Path, cross: bool) -> list[_Layer]:
    """A .toml or .pbc override file as layers, one per .pbc line.

    As in py-build-cmake, a cross file (either kind) is the cross section: its `os`, `arch` and
    `cmake.build_args` are cross.os, cross.arch and cross.cmake.build_args. A local file is the
    top level of the tool table.
    """
    if not path.is_file():
        raise ConfigError(f"{path}: file not found")
    if path.suffix not in (".toml", ".pbc"):
        raise ConfigError(f"{path}: unsupported extension (a config file is .toml or .pbc)")
    base = path.parent.resolve()
    if path.suffix == ".pbc":
        text = read_text(path)
        items = [(to_fragment(o), f"{path}:{n}") for o, n in parse_file(text, str(path))]
    else:
        items = [(read_toml(path), str(path))]
    if not cross:
        return [_Layer(src, validate(data, src, base, "", lines=path.suffix == ".pbc"))
                for data, src in items]
    root = O.Section("", "", O.CROSS.options, overrides=O.OVERRIDABLE)
    out = []
    for data, src in items:
        if isinstance(data, dict) and "cross" in data:
            # crosswheel used to read a cross .pbc file at the top level (`cross.arch=...`).
            raise ConfigError(f"{src}: a cross file is the [cross] section already: write "
                              f"`arch = ...`, `cmake.args += ...`, not `cross.arch = ...`")
        out.append(_Layer(src, {"cross": validate(data, src, base, "", root,
                                                  lines=path.suffix == ".pbc")}))
    return out


def _override_layers(lines: list[str], cwd: Path) -> list[_Layer]:
    out = []
    for line in lines:
        src = f"-C override={line}"
        frag = to_fragment(parse_cli(line, src))
        out.append(_Layer(src, validate(frag, src, cwd, "", lines=True)))
    return out


def load(project_dir: Path, settings: Settings | None = None, with_cross: bool = True,
         env: Mapping[str, str] | None = None) -> Config:
    """Read and merge every configuration source of the project.

    with_cross=False leaves out the cross files and section: the native half of a
    native-then-cross build.
    """
    settings = settings or Settings()
    project_dir = project_dir.resolve()
    pyproject_path = project_dir / "pyproject.toml"
    if not pyproject_path.is_file():
        raise ConfigError(f"{pyproject_path}: file not found (is this a Python project folder?)")
    pyproject = read_toml(pyproject_path)
    if not isinstance(pyproject.get("project"), dict):
        raise ConfigError(f"{pyproject_path}: the [project] table is missing")
    table_name, table = tool_table(pyproject, pyproject_path)
    src = f"{pyproject_path} [tool.{table_name}]"
    # Messages name the file and the full key ([tool.x.cmake]); provenance names the table.
    base = validate(table, str(pyproject_path), project_dir, f"tool.{table_name}.")

    locals_, crosses = [], []
    for stem in NAMES:
        for suffix in (".toml", ".pbc"):
            p = project_dir / f"{stem}.local{suffix}"
            if p.is_file():
                locals_ += _file_layers(p, cross=False)
    for p in settings.local:
        locals_ += _file_layers(p, cross=False)
    for stem in NAMES if with_cross else ():
        for suffix in (".toml", ".pbc"):
            p = project_dir / f"{stem}.cross{suffix}"
            if p.is_file():
                crosses += _file_layers(p, cross=True)
    for p in settings.cross if with_cross else ():
        crosses += _file_layers(p, cross=True)
    overrides = _override_layers(settings.override, Path.cwd())
    layers = [_Layer(src, base), *locals_, *crosses, *overrides]

    # The cross keys decide which OS section applies, so they are settled first.
    provenance: dict[str, list[str]] = {}
    cross_keys: dict[str, Any] = {}
    for layer in layers if with_cross else []:
        keys = {k: v for k, v in layer.tree.get("cross", {}).items() if k not in O.OVERRIDABLE}
        cross_keys = merge_section(cross_keys, keys, O.CROSS, layer.source, provenance)
    crossing = bool(cross_keys)
    os_name = cross_keys.get("os") or host_os()

    # Section patches in order: base, OS section, local files, cross overrides, -C override.
    patches: list[tuple[str, dict[str, Any], str]] = []

    def sections_of(tree: dict[str, Any], source: str) -> None:
        for name in O.OVERRIDABLE:
            if name in tree:
                patches.append((name, tree[name], source))

    sections_of(base, src)
    sections_of(base.get(os_name, {}), f"{src} [{os_name}]")
    for layer in locals_:
        sections_of(layer.tree, layer.source)
        sections_of(layer.tree.get(os_name, {}), f"{layer.source} [{os_name}]")
    if crossing:
        sections_of(base.get("cross", {}), f"{src} [cross]")
    for layer in [*crosses, *overrides]:
        # A cross file's tables apply even if it names no target: it was given to apply them.
        if crossing or layer in crosses:
            sections_of(layer.tree.get("cross", {}), layer.source)
        sections_of(layer.tree, layer.source)
        sections_of(layer.tree.get(os_name, {}), f"{layer.source} [{os_name}]")

    merged: dict[str, dict[str, Any]] = {}
    cmake_patches: list[tuple[dict[str, Any], str]] = []
    for name, frag, source in patches:
        if frag is CLEAR:  # `cmake=!` and the like: everything before it is dropped
            merged.pop(name, None)
            for key in [k for k in provenance if k.startswith(f"{name}.")]:
                del provenance[key]
            provenance[name] = [f"cleared by {source}"]
        else:
            merged[name] = merge_section(merged.get(name, {}), frag, O.SECTIONS[name], source,
                                         provenance)
        if name == "cmake":
            cmake_patches = [] if frag is CLEAR else [*cmake_patches, (frag, source)]

    cross = None
    if crossing:
        values: dict[str, Any] = {k: (Path(v) if O.CROSS.by_name[k].kind == "path" else v)
                                  for k, v in cross_keys.items()}
        cross = CrossConfig(**values)
    return finalize(project_dir, pyproject, table_name, merged, cross, settings.verbose,
                    [layer.source for layer in layers], cmake_patches, provenance,
                    os.environ if env is None else env)
