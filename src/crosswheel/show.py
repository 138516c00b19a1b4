"""`crosswheel config show`: the effective configuration, each value with where it came from."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from . import options as O
from .config import Config


def _value(v: Any) -> str:
    if isinstance(v, Path):
        v = str(v)
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k} = {_value(x)}" for k, x in v.items()) + " }" if v else "{}"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    return json.dumps(v)


def _line(key: str, value: Any, sources: list[str] | None, derived: str = "") -> str:
    where = ", ".join(sources) if sources else ("default" + (f": {derived}" if derived else ""))
    return f"{key} = {_value(value)}  # {where}"


def _section(name: str, values: Any, section: O.Section, prov: dict[str, list[str]],
             prov_keys: tuple[str, ...]) -> list[str]:
    out = [f"[{name}]"]
    for opt in section.options:
        value = getattr(values, opt.name)
        sources = next((prov[f"{k}.{opt.name}"] for k in prov_keys if f"{k}.{opt.name}" in prov),
                       None)
        if opt.kind == "cmake-options":
            for opt_name, o in value.items():
                src = next((prov[f"{k}.options.{opt_name}"] for k in prov_keys
                            if f"{k}.options.{opt_name}" in prov), None)
                out.append(_line(f"options.{opt_name}", o.define(opt_name).split("=", 1)[1], src))
            continue
        out.append(_line(opt.name, value, sources, opt.default_doc))
    return out


def show(cfg: Config) -> str:
    table = f"[tool.{cfg.table_name}]" if cfg.table_name else "no tool table"
    lines = [f"# {cfg.project_dir / 'pyproject.toml'} ({table})",
             "# sources, in the order applied: " + "; ".join(cfg.sources), ""]
    p = cfg.provenance
    for name, values in (("module", cfg.module), ("sdist", cfg.sdist),
                         ("editable", cfg.editable), ("wheel", cfg.wheel)):
        lines += [*_section(name, values, O.SECTIONS[name], p, (name,)), ""]
    if cfg.stubgen is not None:
        lines += [*_section("stubgen", cfg.stubgen, O.STUBGEN, p, ("stubgen",)), ""]
    for c in cfg.cmake:
        keys = (f"cmake.{c.index}", "cmake") if len(cfg.cmake) > 1 else ("cmake",)
        title = f"cmake.{c.index}" if len(cfg.cmake) > 1 else "cmake"
        lines += [*_section(title, c, O.CMAKE, p, keys), ""]
    if not cfg.cmake:
        lines += ["# no [cmake] section: a pure-Python wheel", ""]
    if cfg.cross is not None:
        lines.append("[cross]")
        for f in dataclasses.fields(cfg.cross):
            v = getattr(cfg.cross, f.name)
            if v is not None:
                lines.append(_line(f.name, v, p.get(f"cross.{f.name}")))
    return "\n".join(lines).rstrip() + "\n"



