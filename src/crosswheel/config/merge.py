"""Fold validated fragments into a section's values, recording who set what. No I/O."""

from __future__ import annotations

import copy
import os
from typing import Any

from .. import options as O
from ..errors import ConfigError
from ..overrides import CLEAR


def edit_string(current: str | None, edits: list[tuple[str, str]]) -> str:
    """Apply text edits (as validate.env_value lists them) to a string option's value."""
    result = current or ""
    for op, x in edits:
        if op == "=":
            result = x
        elif op == "+":
            result += x
        elif op == "prepend":
            result = x + result
        elif op in ("+(path)", "prepend(path)"):
            first, last = (result, x) if op == "+(path)" else (x, result)
            result = f"{first}{os.pathsep}{last}" if first and last else first + last
        else:  # "-"
            result = result.replace(x, "")
    return result


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
        # A PATH may be made more specific (FILEPATH), as py-build-cmake allows.
        refines = (cur["type"], spec["type"]) == ("PATH", "FILEPATH")
        if cur["type"] and cur["type"] != spec["type"] and spec["strict"] and not refines:
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
    elif (opt.kind == "dict" or isinstance(v, dict) or (opt.kind == "list+" and had)
          or (opt.kind == "str" and isinstance(v, list))):  # text edits of a string
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
        elif opt.kind == "str" and isinstance(v, list):  # text edits from an override line
            out[k] = edit_string(out.get(k), v)
        else:
            out[k] = v
    return out
