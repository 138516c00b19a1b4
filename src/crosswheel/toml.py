"""TOML reading with errors that name the file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from .errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on older Pythons only
    import tomli as tomllib

loads = tomllib.loads


def read_text(path: Path) -> str:
    """A configuration file's text, which must be UTF-8 (as TOML requires)."""
    try:
        data = path.read_bytes()
    except OSError as e:
        raise ConfigError(f"{path}: cannot read: {e.strerror}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise ConfigError(f"{path}: expected UTF-8 text, found byte 0x{data[e.start]:02x} at "
                          f"line {line}") from None


def read_toml(path: Path) -> dict[str, Any]:
    text = read_text(path)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        # The message already ends with "(at line L, column C)".
        raise ConfigError(f"{path}: invalid TOML: {e}") from None
    except RecursionError:  # tomllib nests one call per bracket
        raise ConfigError(f"{path}: invalid TOML: arrays or tables nested too deeply") from None
