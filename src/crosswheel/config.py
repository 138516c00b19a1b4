"""Configuration: load every source, validate each against options.py, merge them in order.

Sources, in the order they apply (py-build-cmake's order):
pyproject.toml -> OS section -> *.local.toml -> *.local.pbc -> each `-C local` -> *.cross.toml ->
*.cross.pbc -> each `-C cross` -> each `-C override`.
Each source is validated on its own, so an error names the file it is in; relative paths are made
absolute against the folder of the file that holds them.
"""

from __future__ import annotations

import copy
import difflib
import os
import platform
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import options as O
from .errors import ConfigError
from .overrides import CLEAR, parse_line, parse_lines
from .toml import read_toml

TRUTHY = {"", "1", "true", "yes", "y", "on"}
FALSY = {"0", "false", "no", "n", "off"}
NAMES = ("crosswheel", "py-build-cmake")
CMAKE_TYPES = ("BOOL", "FILEPATH", "PATH", "STRING", "INTERNAL")
# Edits of an environment variable (py-build-cmake's string operators; "(path)" joins with
# os.pathsep).
_ENV_OPS = {"=": "=", "value": "=", "+": "+", "append": "+", "prepend": "prepend",
            "+(path)": "+(path)", "append_path": "+(path)", "prepend(path)": "prepend(path)",
            "prepend_path": "prepend(path)", "-": "-", "remove": "-"}
_LIST_OPS = {"=": "=", "value": "=", "+": "+", "append": "+", "-": "-", "remove": "-",
             "prepend": "prepend"}


# --------------------------------------------------------------------------- the result


@dataclass(frozen=True)
class CMakeOption:
    values: tuple[str | bool, ...]
    type: str | None = None

    def define(self, name: str) -> str:
        """The `-D` argument for this option."""
        kind = self.type
        if kind is None and self.values and all(isinstance(v, bool) for v in self.values):
            kind = "BOOL"
        text = ";".join(
            ("On" if v else "Off") if isinstance(v, bool) else v.replace(";", "\\;")
            for v in self.values
        )
        return f"{name}:{kind}={text}" if kind else f"{name}={text}"


@dataclass(frozen=True)
class ModuleConfig:
    name: str
    directory: Path
    namespace: bool
    generated: str | None


@dataclass(frozen=True)
class CMakeConfig:
    index: int
    minimum_version: str
    build_type: str | None
    config: list[str]
    preset: str | None
    build_presets: list[str] | None
    generator: str | None
    source_path: Path
    build_path: str
    options: dict[str, CMakeOption]
    args: list[str]
    find_python: bool
    find_python3: bool
    build_args: list[str]
    build_tool_args: list[str]
    install_config: list[str]
    install_args: list[str]
    install_components: list[str]
    env: dict[str, str]
    compiler_launcher: str | None = None


@dataclass(frozen=True)
class WheelConfig:
    pure_python: bool
    python_tag: list[str]
    python_abi: str
    abi3_minimum_cpython_version: int
    abi_tag: list[str] | None
    platform_tag: list[str] | None
    build_tag: str | None


@dataclass(frozen=True)
class SdistConfig:
    include: list[str]
    exclude: list[str]


@dataclass(frozen=True)
class EditableConfig:
    mode: str
    build_hook: bool


@dataclass(frozen=True)
class StubgenConfig:
    packages: list[str] | None
    modules: list[str] | None
    files: list[str] | None
    args: list[str]


@dataclass(frozen=True)
class CrossConfig:
    os: str | None = None
    implementation: str | None = None
    version: str | None = None
    abi: str | None = None
    arch: str | None = None
    prefix: Path | None = None
    library: Path | None = None
    sabi_library: Path | None = None
    include_dir: Path | None = None
    soabi: str | None = None
    toolchain_file: Path | None = None
    generator_platform: str | None = None
    copy_from_native_build: list[str] | None = None
    sysroot: Path | None = None
    python: Path | None = None
    triple: str | None = None


@dataclass(frozen=True)
class Config:
    project_dir: Path
    pyproject: dict[str, Any]
    table_name: str | None  # "crosswheel", "py-build-cmake", or None without a tool table
    module: ModuleConfig
    sdist: SdistConfig
    editable: EditableConfig
    wheel: WheelConfig
    cmake: list[CMakeConfig]  # empty for a pure-Python package
    stubgen: StubgenConfig | None
    cross: CrossConfig | None
    verbose: bool = False
    sources: list[str] = field(default_factory=list)
    provenance: dict[str, list[str]] = field(default_factory=dict)  # "cmake.args" -> sources


@dataclass(frozen=True)
class Settings:
    """What the frontend passed as config settings (`-C key=value`)."""

    local: list[Path] = field(default_factory=list)
    cross: list[Path] = field(default_factory=list)
    override: list[str] = field(default_factory=list)
    verbose: bool = False

    @classmethod
    def parse(cls, settings: Mapping[str, Any] | None, cwd: Path | None = None) -> Settings:
        cwd = cwd or Path.cwd()
        local: list[Path] = []
        cross: list[Path] = []
        override: list[str] = []
        verbose = False
        for raw_key, raw in (settings or {}).items():
            key = raw_key.lstrip("-")
            values = raw if isinstance(raw, list) else [raw]
            if key == "local":
                local += [cwd / v for v in values]
            elif key == "cross":
                cross += [cwd / v for v in values]
            elif key in ("override", "o"):
                override += values
            elif key in ("verbose", "V", "v"):
                text = str(values[-1]).strip().lower()
                if text not in TRUTHY | FALSY:
                    raise ConfigError(f"config setting {raw_key}: expected one of "
                                      f"{sorted(TRUTHY | FALSY)}, found {values[-1]!r}")
                verbose = text in TRUTHY
            else:
                unknown_key(key, ["local", "cross", "override", "o", "verbose", "V"],
                         "config settings (-C)")
        return cls(local, cross, override, verbose)


# --------------------------------------------------------------------------- validation


def unknown_key(key: str, valid: list[str], where: str) -> None:
    close = difflib.get_close_matches(key, valid, n=1, cutoff=0.6)
    hint = f" Did you mean {close[0]!r}?" if close else f" Valid keys: {', '.join(valid)}."
    raise ConfigError(f"{where}: unknown key {key!r}.{hint}")


def _type_name(value: Any) -> str:
    return {bool: "a boolean", int: "an integer", str: "a string", list: "a list",
            dict: "a table", float: "a number"}.get(type(value), type(value).__name__)


class Validator:
    def __init__(self, source: str, base_dir: Path, prefix: str, lines: bool = False) -> None:
        self.source = source
        self.base_dir = base_dir
        self.prefix = prefix
        # Override lines are typed bare (`cross.version=312`): a number where a string is
        # expected is the string the user meant.
        self.lines = lines

    def fail(self, key: str, expected: str, value: Any) -> None:
        name = f"{self.prefix}{key}".rstrip(".") or "the top level"
        raise ConfigError(f"{self.source}: {name}: expected {expected}, found "
                          f"{_type_name(value)} ({value!r})")

    def section(self, section: O.Section, data: Any, key: str) -> dict[str, Any]:
        if not isinstance(data, dict):
            self.fail(key, "a table", data)
        out: dict[str, Any] = {}
        for k, v in data.items():
            path = f"{key}.{k}"
            if k in section.by_name:
                out[k] = v if v is CLEAR else self.value(section.by_name[k], v, path)
            elif k in section.overrides:
                out[k] = self.section(O.SECTIONS[k], v, path)
            elif section is O.CMAKE and k.isascii() and k.isdigit():  # not '²'
                out[k] = self.section(O.CMAKE, v, path)
            else:
                valid = list(section.by_name) + list(section.overrides)
                unknown_key(k, valid, f"{self.source}: [{self.prefix}{key}]")
        return out

    def value(self, opt: O.Option, v: Any, key: str) -> Any:
        kind = opt.kind
        if kind == "str":
            if self.lines and isinstance(v, int) and not isinstance(v, bool):
                v = str(v)
            if not isinstance(v, str):
                self.fail(key, "a string", v)
            if opt.choices and v not in opt.choices:
                self.fail(key, "one of " + ", ".join(map(repr, opt.choices)), v)
            return v
        if kind == "bool":
            if not isinstance(v, bool):
                self.fail(key, "true or false", v)
            return v
        if kind == "int":
            if not isinstance(v, int) or isinstance(v, bool):
                self.fail(key, "an integer", v)
            return v
        if kind == "path":
            if not isinstance(v, str) or "\0" in v:  # a NUL would crash expanduser and open
                self.fail(key, "a path (string)", v)
            return str(self.base_dir / os.path.expanduser(v))
        if kind in ("list", "list+"):
            if isinstance(v, dict):
                ops = {}
                for op, items in v.items():
                    if op not in _LIST_OPS:
                        self.fail(key, "a list or a table with keys =, +, -, prepend", v)
                    ops[_LIST_OPS[op]] = self.str_list(items, f"{key}.{op}")
                return ops
            return self.str_list(v, key)
        if kind == "dict":
            if not isinstance(v, dict):
                self.fail(key, "a table of strings", v)
            return {name: x if x is CLEAR else self.env_value(x, f"{key}.{name}")
                    for name, x in v.items()}
        if kind == "cmake-options":
            if not isinstance(v, dict):
                self.fail(key, "a table of CMake options", v)
            return {name: x if x is CLEAR else self.cmake_option(x, f"{key}.{name}")
                    for name, x in v.items()}
        raise AssertionError(kind)

    def env_value(self, v: Any, key: str) -> str | list[tuple[str, str]]:
        """A string, or edits of the variable's value: {"+" = ..., "prepend(path)" = ...}."""
        if isinstance(v, str):
            return v
        if not isinstance(v, dict) or not v or not all(k in _ENV_OPS for k in v):
            self.fail(key, "a string or a table with keys " + ", ".join(sorted(set(_ENV_OPS))), v)
        ops = []
        for op, x in v.items():
            for item in (x if isinstance(x, list) and _ENV_OPS[op] == "-" else [x]):
                if not isinstance(item, str):
                    self.fail(f"{key}.{op}", "a string", item)
                ops.append((_ENV_OPS[op], item))
        # A value set outright comes first; the edits then apply to it, in the order given.
        return sorted(ops, key=lambda o: o[0] != "=")

    def str_list(self, v: Any, key: str) -> list[str]:
        if isinstance(v, str):
            return [v]
        if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
            self.fail(key, "a string or a list of strings", v)
        return list(v)

    def cmake_option(self, v: Any, key: str) -> dict[str, Any]:
        def items(x: Any, k: str) -> list[str | bool]:
            x = x if isinstance(x, list) else [x]
            if not all(isinstance(e, (str, bool)) for e in x):
                self.fail(k, "a string, a boolean or a list of them", x)
            return list(x)

        if not isinstance(v, dict):
            return {"value": items(v, key), "type": None, "strict": True}
        spec: dict[str, Any] = {"type": None, "strict": True}
        for k, x in v.items():
            if k in _LIST_OPS:
                spec[_LIST_OPS[k]] = items(x, f"{key}.{k}")
            elif k == "type":
                if not isinstance(x, str) or x.upper() not in CMAKE_TYPES:
                    self.fail(f"{key}.type", "one of " + ", ".join(CMAKE_TYPES), x)
                spec["type"] = x.upper()
            elif k == "strict":
                if not isinstance(x, bool):
                    self.fail(f"{key}.strict", "true or false", x)
                spec["strict"] = x
            else:
                unknown_key(k, ["value", "append", "prepend", "remove", "type", "strict",
                             "=", "+", "-"], f"{self.source}: {self.prefix}{key}")
        # _apply_cmake_option reads the long names.
        for short, long in (("=", "value"), ("+", "append"), ("-", "remove")):
            if short in spec:
                spec[long] = spec.pop(short)
        return spec


ROOT = O.Section("", "", (), overrides=tuple(O.SECTIONS))


def validate(data: Any, source: str, base_dir: Path, prefix: str, root: O.Section = ROOT,
             lines: bool = False) -> dict:
    v = Validator(source, base_dir, prefix, lines)
    if not isinstance(data, dict):
        v.fail("", "a table", data)
    out = {}
    for k, x in data.items():
        if k in root.overrides:
            out[k] = v.section(O.SECTIONS[k], x, k)
        elif k in root.by_name:
            out[k] = x if x is CLEAR else v.value(root.by_name[k], x, k)
        else:
            valid = list(root.by_name) + list(root.overrides)
            where = f"{source}: [{prefix.rstrip('.')}]" if prefix else source
            unknown_key(k, valid, where)
    return out


# --------------------------------------------------------------------------- merging


def _apply_list(current: list[str] | None, new: Any, append_default: bool) -> list[str]:
    cur = list(current or [])
    if isinstance(new, list):
        return cur + new if append_default else list(new)
    if "=" in new:
        cur = list(new["="])
    cur = list(new.get("prepend", [])) + cur + list(new.get("+", []))
    removed = set(new.get("-", []))
    return [x for x in cur if x not in removed]


def _apply_cmake_option(current: dict[str, Any] | None, spec: dict[str, Any], where: str,
                        name: str) -> dict[str, Any]:
    cur = dict(current or {"value": [], "type": None})
    if spec.get("value") is not None:
        cur["value"] = list(spec["value"])
    cur["value"] = spec.get("prepend", []) + cur["value"] + spec.get("append", [])
    if spec.get("remove"):
        cur["value"] = [x for x in cur["value"] if x not in spec["remove"]]
    if spec["type"]:
        if cur["type"] and cur["type"] != spec["type"] and spec["strict"]:
            raise ConfigError(f"{where}: cmake.options.{name}: type {spec['type']} conflicts with "
                              f"{cur['type']} set earlier (add strict = false to allow)")
        cur["type"] = spec["type"]
    return cur


def _record(prov: dict[str, list[str]], key: str, opt: O.Option, v: Any, had: bool,
            where: str) -> None:
    """Remember who set a value: the last source when it replaces, all when they combine."""
    if v is CLEAR:
        prov[key] = [f"cleared by {where}"]
    elif opt.kind == "cmake-options":
        for name, spec in v.items():
            edits = spec is not CLEAR and any(spec.get(x) for x in ("append", "prepend", "remove"))
            prov[f"{key}.{name}"] = [*prov.get(f"{key}.{name}", []), where] if edits else [where]
    elif (opt.kind == "dict" or isinstance(v, dict)
          or (opt.kind == "list+" and had)):
        prov[key] = [*prov.get(key, []), where]
    else:
        prov[key] = [where]


def merge_section(base: dict[str, Any], frag: dict[str, Any], section: O.Section,
                  where: str, prov: dict[str, list[str]] | None = None,
                  path: str = "") -> dict[str, Any]:
    """Apply one validated fragment to a section's current values.

    `prov`, when given, collects which sources set each key (for `crosswheel config show`).
    """
    out = dict(base)
    path = path or section.name
    for k, v in frag.items():
        key = f"{path}.{k}"
        if prov is not None and section.by_name.get(k) is not None:
            _record(prov, key, section.by_name[k], v, k in base, where)
        if v is CLEAR:
            out.pop(k, None)
            continue
        opt = section.by_name.get(k)
        if opt is None:  # a nested section: cmake.N, or an OS/cross override section
            sub = O.CMAKE if k.isdigit() else O.SECTIONS[k]
            out[k] = merge_section(out.get(k, {}), v, sub, where, prov, key)
        elif opt.kind in ("list", "list+"):
            if k not in out and isinstance(v, dict):
                out[k] = _apply_list(copy.copy(opt.default), v, False)
            else:
                out[k] = _apply_list(out.get(k), v, opt.kind == "list+" and k in out)
        elif opt.kind == "cmake-options":
            opts = dict(out.get(k, {}))
            for name, spec in v.items():
                if spec is CLEAR:
                    opts.pop(name, None)
                else:
                    opts[name] = _apply_cmake_option(opts.get(name), spec, where, name)
            out[k] = opts
        elif opt.kind == "dict":
            values = dict(out.get(k, {}))
            for name, x in v.items():
                if x is CLEAR:
                    values.pop(name, None)
                elif isinstance(x, str) or x[0][0] == "=":
                    values[name] = x
                else:
                    old = values.get(name)
                    values[name] = ([("=", old)] if isinstance(old, str) else old or []) + x
            out[k] = values
        else:
            out[k] = v
    return out


# --------------------------------------------------------------------------- loading


def host_os() -> str:
    return {"Windows": "windows", "Darwin": "mac"}.get(platform.system(), "linux")


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
    """A .toml or .pbc override file as layers; a cross file's top level is the cross section."""
    if not path.is_file():
        raise ConfigError(f"{path}: file not found")
    base = path.parent.resolve()
    if path.suffix == ".pbc":
        text = path.read_text(encoding="utf-8")
        return [_Layer(src, validate(frag, src, base, "", lines=True))
                for frag, src in parse_lines(text, str(path))]
    data = read_toml(path)
    if cross:
        root = O.Section("", "", O.CROSS.options, overrides=O.OVERRIDABLE)
        return [_Layer(str(path), {"cross": validate(data, str(path), base, "", root)})]
    return [_Layer(str(path), validate(data, str(path), base, ""))]


def _override_layers(lines: list[str], cwd: Path) -> list[_Layer]:
    out = []
    for line in lines:
        src = f"-C override={line}"
        out.append(_Layer(src, validate(parse_line(line, src), src, cwd, "", lines=True)))
    return out


def load(project_dir: Path, settings: Settings | None = None, with_cross: bool = True) -> Config:
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
                crosses += _file_layers(p, cross=p.suffix == ".toml")
    for p in settings.cross if with_cross else ():
        crosses += _file_layers(p, cross=p.suffix != ".pbc")
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
    for name, frag, source in patches:
        merged[name] = merge_section(merged.get(name, {}), frag, O.SECTIONS[name], source,
                                     provenance)

    cross = None
    if crossing:
        values: dict[str, Any] = {k: (Path(v) if O.CROSS.by_name[k].kind == "path" else v)
                                  for k, v in cross_keys.items()}
        cross = CrossConfig(**values)
    cmake_patches = [(frag, source) for name, frag, source in patches if name == "cmake"]
    return _finalize(project_dir, pyproject, table_name, merged, cross, settings.verbose,
                     [layer.source for layer in layers], cmake_patches, provenance)


def _resolve_env(name: str, value: str | list[tuple[str, str]]) -> str:
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
            result = os.environ.get(name, "").replace("$", "$$")
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


def _finalize(project_dir: Path, pyproject: dict[str, Any], table_name: str | None,
              merged: dict[str, dict[str, Any]], cross: CrossConfig | None, verbose: bool,
              sources: list[str], cmake_patches: list[tuple[dict[str, Any], str]],
              provenance: dict[str, list[str]]) -> Config:
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
                c["generator"] = os.environ.get("CMAKE_GENERATOR") or None
            c["source_path"] = Path(c["source_path"])
            c["env"] = {k: _resolve_env(k, v) for k, v in c["env"].items()}
            c["options"] = {k: CMakeOption(tuple(o["value"]), o["type"])
                            for k, o in c["options"].items()}
            cmake_cfgs.append(CMakeConfig(index=index, **c))

    w = _defaults(O.WHEEL, merged.get("wheel", {}), project_dir)
    if w["pure_python"] is None:
        w["pure_python"] = not cmake_cfgs
    if w["build_tag"] is not None and (not w["build_tag"][:1].isdigit() or "-" in w["build_tag"]):
        where = (provenance.get("wheel.build_tag") or ["configuration"])[-1]
        raise ConfigError(f"{where}: wheel.build_tag: expected a string starting with a digit "
                          f"and without '-', found {w['build_tag']!r}")
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


def is_truthy(value: str) -> bool:
    return value.strip().lower() in TRUTHY

