"""The override line grammar of `-C override=...` and `*.pbc` files.

A line is `KEY OP VALUE` with KEY a dotted path below the tool table (`cmake.options.X`) and OP one of
`=` (set), `+=` (append), `=+` (prepend), `-=` (remove) and `=!` (clear: back to the default).
VALUE is a TOML value; anything that does not parse as one is taken as a bare string.
The result is a fragment of the configuration tree that the config package validates like any other layer.
"""

from __future__ import annotations

import re
from typing import Any

from .errors import ConfigError
from .toml import loads


class _Clear:
    """Sentinel: the option goes back to its default (operator `=!`)."""

    def __repr__(self) -> str:
        return "CLEAR"


CLEAR: Any = _Clear()

# A bare key does not end in '-', so that `NAME-=value` is NAME with the operator -= (as in
# py-build-cmake's grammar).
_BARE = r'(?:[A-Za-z0-9_\-]*[A-Za-z0-9_]|"[^"]*")'
_KEY = re.compile(rf'\s*{_BARE}(?:\s*\.\s*{_BARE})*\s*')
# Longest operators first so that `=+` and `=!` are not read as `=` followed by a value.
_OPERATORS = ("+=(path)", "=+(path)", "=!", "=+", "+=", "-=", "=")


def parse_value(text: str) -> Any:
    text = text.strip()
    try:
        return loads(f"v = {text}")["v"]
    except Exception:
        if text[:1] in ("[", "{", '"', "'"):
            raise
        return text


def parse_line(line: str, source: str) -> dict[str, Any]:
    """Parse one override line into a configuration fragment."""
    m = _KEY.match(line)
    if not m or not m.group().strip():
        raise ConfigError(f"{source}: expected a key like cmake.options.NAME at column 1 in {line!r}")
    keys = [k.strip().strip('"') for k in _split_key(m.group())]
    rest = line[m.end():]
    col = m.end() + 1
    op = next((o for o in _OPERATORS if rest.startswith(o)), None)
    if op is None:
        raise ConfigError(
            f"{source}: expected one of = += =+ -= =! at column {col} in {line!r}"
        )
    raw = rest[len(op):]
    if op == "=!":
        if raw.strip():
            raise ConfigError(f"{source}: '=!' (clear) takes no value, found {raw.strip()!r} "
                              f"at column {col + 2} in {line!r}")
        leaf: Any = CLEAR
    else:
        try:
            value = parse_value(raw)
        except Exception as e:
            at = col + len(op) + len(raw) - len(raw.lstrip())  # where the value starts
            raise ConfigError(f"{source}: invalid value at column {at} in {line!r}: "
                              f"{e}") from None
        leaf = {"=": value, "+=": {"+": value}, "=+": {"prepend": value}, "-=": {"-": value},
                "+=(path)": {"+(path)": value}, "=+(path)": {"prepend(path)": value}}[op]
    tree: Any = leaf
    for k in reversed(keys):
        tree = {k: tree}
    return tree


def _split_key(key: str) -> list[str]:
    return [p for p in re.findall(r'"[^"]*"|[^.\s]+', key)]


def parse_lines(text: str, source: str) -> list[tuple[dict[str, Any], str]]:
    """Parse a `.pbc` file: one override per line, `#` comments and blank lines skipped."""
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        where = f"{source}:{n}"
        out.append((parse_line(line, where), where))
    return out
