"""Check one configuration source against options.py; paths become absolute."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, NoReturn

from .. import options as O
from ..errors import ConfigError, unknown_key
from ..overrides import CLEAR

CMAKE_TYPES = ("BOOL", "FILEPATH", "PATH", "STRING", "INTERNAL")
# Edits of an environment variable (py-build-cmake's string operators; "(path)" joins with
# os.pathsep).
_ENV_OPS = {"=": "=", "value": "=", "+": "+", "append": "+", "prepend": "prepend",
            "+(path)": "+(path)", "append_path": "+(path)", "prepend(path)": "prepend(path)",
            "prepend_path": "prepend(path)", "-": "-", "remove": "-"}
_LIST_OPS = {"=": "=", "value": "=", "+": "+", "append": "+", "-": "-", "remove": "-",
             "prepend": "prepend"}


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

    def fail(self, key: str, expected: str, value: Any) -> NoReturn:
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
