"""Check one configuration source against options.py; paths become absolute."""

from __future__ import annotations

import keyword
import os
import re
from pathlib import Path, PurePosixPath
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


# A CMake cache variable name as `-D NAME:TYPE=VALUE` can carry it.
_CMAKE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.+/-]*")
_VERSION = re.compile(r"[0-9]+(\.[0-9]+){0,3}")


def _strings(v: Any) -> list[str]:
    """Every string inside a value (keys of tables too)."""
    if isinstance(v, str):
        return [v]
    if isinstance(v, list):
        return [s for x in v for s in _strings(x)]
    if isinstance(v, dict):
        return [s for k, x in v.items() for s in [k, *_strings(x)]]
    return []


def _module_name(v: str) -> str | None:
    parts = v.split(".")
    if all(p.isidentifier() and not keyword.iskeyword(p) for p in parts):
        return None
    return "a Python import name (identifiers joined by '.', like 'pkg' or 'ns.pkg')"


def _cmake_version(v: str) -> str | None:
    return None if _VERSION.fullmatch(v) else "a version like '3.17' or '3.26.4'"


def _abi3_version(v: int) -> str | None:
    # cp32 is the first CPython with the stable ABI; 3XY for 3.10 and later.
    if 32 <= v <= 39 or 310 <= v <= 399:
        return None
    return "a CPython version from 32 to 39 or 310 to 399 (like 38 or 312)"


def _patterns(v: Any) -> str | None:
    items = [x for x in v if isinstance(x, str)] if isinstance(v, list) else (
        [x for xs in v.values() for x in xs] if isinstance(v, dict) else [])
    for pattern in items:
        p = PurePosixPath(pattern)
        if not pattern.strip():
            return f"pattern {pattern!r} is empty; expected a glob pattern like 'src/**'"
        if p.is_absolute() or pattern.startswith(("/", "\\")) or ".." in p.parts or ":" in pattern:
            return (f"pattern {pattern!r} must be relative to the project folder and stay "
                    "inside it")
    return None


# Checks of single values beyond their kind: (section, option) -> what was expected, or None.
_CHECKS: dict[tuple[str, str], Any] = {
    ("module", "name"): _module_name,
    ("cmake", "minimum_version"): _cmake_version,
    ("wheel", "abi3_minimum_cpython_version"): _abi3_version,
    ("sdist", "include"): _patterns,
    ("sdist", "exclude"): _patterns,
}


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
        hint = ""
        if self.lines and isinstance(value, str) and value != value.strip():
            # py-build-cmake's language keeps the spaces around a bare value.
            hint = " (spaces around a bare value are part of it: write KEY=VALUE)"
        raise ConfigError(f"{self.source}: {name}: expected {expected}, found "
                          f"{_type_name(value)} ({value!r}){hint}")

    def section(self, section: O.Section, data: Any, key: str) -> dict[str, Any]:
        if data is CLEAR:
            name = f"{self.prefix}{key}".rstrip(".")
            raise ConfigError(f"{self.source}: {name}: '=!' clears an option, or one of the "
                              f"sections {', '.join(O.OVERRIDABLE)} of the tool table as a whole, "
                              f"not [{name}]")
        if not isinstance(data, dict):
            self.fail(key, "a table", data)
        out: dict[str, Any] = {}
        for k, v in data.items():
            path = f"{key}.{k}"
            if k in section.by_name:
                out[k] = v if v is CLEAR else self.value(section.by_name[k], v, path)
                check = _CHECKS.get((section.name, k))
                expected = check(out[k]) if check is not None and v is not CLEAR else None
                if expected and expected.startswith("pattern"):
                    raise ConfigError(f"{self.source}: {self.prefix}{path}: {expected}")
                if expected:
                    self.fail(path, expected, v)
                if section is O.CMAKE and v is not CLEAR:
                    self.no_newlines(v, path)
            elif k in section.overrides:
                out[k] = self.section(O.SECTIONS[k], v, path)
            elif section is O.CMAKE and k.isascii() and k.isdigit():  # not '²'
                if str(int(k)) != k:  # cmake."00" would be a second cmake.0
                    self.fail(path, f"a project number without leading zeros (cmake.{int(k)})",
                              v)
                out[k] = self.section(O.CMAKE, v, path)
            else:
                valid = list(section.by_name) + list(section.overrides)
                unknown_key(k, valid, f"{self.source}: [{self.prefix}{key}]")
        return out

    def no_newlines(self, v: Any, key: str) -> None:
        """CMake's arguments, options and environment are single lines."""
        if any("\n" in s or "\r" in s for s in _strings(v)):
            self.fail(key, "text without line breaks", v)

    def value(self, opt: O.Option, v: Any, key: str) -> Any:
        kind = opt.kind
        # No argument, variable or file name can hold a NUL (paths say so themselves, below).
        if kind != "path" and any("\0" in s for s in _strings(v)):
            self.fail(key, "text without NUL bytes", v)
        if kind == "str":
            if self.lines and isinstance(v, int) and not isinstance(v, bool):
                v = str(v)
            if self.lines and not opt.choices and isinstance(v, dict) and v \
                    and all(k in _ENV_OPS for k in v):
                # `cmake.build_type+=x`: py-build-cmake's text edits work on any string option.
                return self.env_value(v, key)
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
            self.whole_table(v, key)
            for name in v:
                if not name or "=" in name:
                    self.fail(f"{key}.{name}", "an environment variable name (not empty, "
                              "without '=')", name)
            return {name: x if x is CLEAR else self.env_value(x, f"{key}.{name}")
                    for name, x in v.items()}
        if kind == "cmake-options":
            if not isinstance(v, dict):
                self.fail(key, "a table of CMake options", v)
            self.whole_table(v, key)
            for name in v:
                if not _CMAKE_NAME.fullmatch(name):
                    self.fail(f"{key}.{name}", "a CMake variable name (letters, digits and "
                              "_ . + - /)", name)
            return {name: x if x is CLEAR else self.cmake_option(x, f"{key}.{name}")
                    for name, x in v.items()}
        raise AssertionError(kind)

    def whole_table(self, v: dict[str, Any], key: str) -> None:
        """A table option takes `=` and `+=` (merge keys in), as in py-build-cmake; the other
        override operators name no variable (`cmake.env-=...` becomes a key "-")."""
        written = {"+": "+=", "-": "-=", "prepend": "=+", "+(path)": "+=(path)",
                   "prepend(path)": "=+(path)"}
        op = next((k for k in v if k in written), None)
        if op is not None:
            raise ConfigError(f"{self.source}: {self.prefix}{key}: a whole table takes = or += "
                              f"only, found the edit {op!r}; edit one entry instead "
                              f"({self.prefix}{key}.NAME{written[op]}...)")

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

        def bool_type(values: list[Any]) -> str | None:
            # py-build-cmake types an option BOOL when every value given is a boolean, and a
            # later plain string keeps that type (`X = true`, then `X=OFF`: -D X:BOOL=OFF).
            return "BOOL" if values and all(isinstance(e, bool) for e in values) else None

        if not isinstance(v, dict):
            values = items(v, key)
            # A plain value is not strict: it may change a type set earlier (py-build-cmake).
            return {"value": values, "type": bool_type(values), "strict": False}
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
        if spec["type"] is None:
            spec["type"] = bool_type([e for k in ("value", "append", "remove", "prepend")
                                      for e in spec.get(k, [])])
        return spec


ROOT = O.Section("", "", (), overrides=tuple(O.SECTIONS))


def validate(data: Any, source: str, base_dir: Path, prefix: str, root: O.Section = ROOT,
             lines: bool = False) -> dict:
    v = Validator(source, base_dir, prefix, lines)
    if not isinstance(data, dict):
        v.fail("", "a table", data)
    out = {}
    for k, x in data.items():
        if x is CLEAR and root is ROOT and k in O.OVERRIDABLE:
            out[k] = x  # `cmake=!`: the whole section back to its default (no CMake build)
        elif k in root.overrides:
            out[k] = v.section(O.SECTIONS[k], x, k)
        elif k in root.by_name:
            out[k] = x if x is CLEAR else v.value(root.by_name[k], x, k)
        else:
            valid = list(root.by_name) + list(root.overrides)
            where = f"{source}: [{prefix.rstrip('.')}]" if prefix else source
            unknown_key(k, valid, where)
    return out
