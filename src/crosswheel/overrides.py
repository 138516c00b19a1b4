"""The override language of `-C override=...` lines and `*.pbc` files, as py-build-cmake 0.5 reads it.

The grammar is py-build-cmake 0.5.0's `src/py_build_cmake/config/cli_override.lark`, restated here
as EBNF (terminals in capitals, tried in the order listed where several could match; `?` optional):

    lines       = EOL* line* SOL?                                    (a .pbc file)
    line        = SOL? option EOL+
    option      = keys OPERATOR value | keys "=!"                    (a -C override line)
    keys        = key ("." key)* WS?
    OPERATOR    = "+=(path)" | "=+(path)" | "+=" | "=+" | "-=" | "="
    value       = object | array | NUMBER | FALSE | TRUE | ESCAPED_STRING | UNQUOTED_STRING
    sub_value   = object | array | NUMBER | FALSE | TRUE | ESCAPED_STRING | UNQUOTED_STRING_NO_WS
    object      = "{" (pair ("," pair)*)? "}"
    pair        = WS? dict_key WS? "=" WS? sub_value WS?
    dict_key    = ESCAPED_STRING | UNQUOTED_DICT_KEY
    array       = "[" (WS? sub_value WS? ("," WS? sub_value WS?)* ("," WS?)?)? "]"
    key         = ESCAPED_STRING | UNQUOTED_KEY

    NUMBER = -?[0-9]+   TRUE = true | True   FALSE = false | False
    ESCAPED_STRING = "..." with backslash escapes (Python's unicode_escape), on one line
    UNQUOTED_KEY          = [a-zA-Z0-9_-]*[a-zA-Z0-9_]
    UNQUOTED_STRING       = [^"[]{}\\r\\n#]+          (spaces and commas included, kept as typed)
    UNQUOTED_STRING_NO_WS = [^"[]{},\\r\\n# \\t\\f]+
    UNQUOTED_DICT_KEY     = [^"[]{},\\r\\n# \\t\\f=]+
    WS = [ \\t\\f\\r\\n]+   SOL = [ \\t]+   EOL = [ \\t\\f\\r]*\\n
    COMMENT = WS? #[^\\n]*   skipped before any terminal

Consequences users meet (all py-build-cmake's): a bare string keeps the spaces around it
(`a= x` is " x"), so lists, tables and quoted strings must follow the operator directly; `5x`
and `1.5` are refused (a number, then garbage); `[ ]` and `{x=1,}` are refused; every line of a
.pbc file ends with a newline. One intended difference: `{}` is an empty table (py-build-cmake
crashes on it).

Each rule below is a function `(src, pos) -> (pos, value)`; `_error` turns a position into a line
and a column. `to_fragment` turns an Override into the configuration tree config/ validates.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from typing import Any

from .errors import ConfigError


class _Clear:
    """Sentinel: the option goes back to its default (operator `=!`)."""

    def __repr__(self) -> str:
        return "CLEAR"


CLEAR: Any = _Clear()

# Longest first: "+=(path)" before "+=", "=+" and "=!" before "=" (the grammar's priorities).
OPERATORS = ("+=(path)", "=+(path)", "+=", "=+", "-=", "=!", "=")


@dataclass(frozen=True)
class Override:
    op: str
    keys: tuple[str, ...]
    value: Any  # None for "=!"


class _Source:
    """The text being parsed and how to name a position in it."""

    def __init__(self, text: str, name: str, multiline: bool) -> None:
        self.text = text
        self.name = name
        self.multiline = multiline


def _error(src: _Source, pos: int, msg: str) -> ConfigError:
    line = src.text.count("\n", 0, pos) + 1
    column = pos - (src.text.rfind("\n", 0, pos) + 1) + 1
    if src.multiline:
        return ConfigError(f"{src.name}:{line}: {msg} at column {column}")
    return ConfigError(f"{src.name}: {msg} at column {column} in {src.text!r}")


def _found(src: _Source, pos: int) -> str:
    if pos >= len(src.text):
        return "the end of the " + ("file" if src.multiline else "line")
    return "a newline" if src.text[pos] == "\n" else repr(src.text[pos])


_COMMENT = re.compile(r"[ \t\f\r\n]*#[^\n]*")
_WS = re.compile(r"[ \t\f\r\n]+")
_SOL = re.compile(r"[ \t]+")
_EOL = re.compile(r"[ \t\f\r]*\n")
_NUMBER = re.compile(r"-?[0-9]+")
_BOOLEAN = re.compile(r"false|False|true|True")
_UNQUOTED_KEY = re.compile(r"[a-zA-Z0-9_-]*[a-zA-Z0-9_]")
_UNQUOTED_STRING = re.compile(r'[^"\[\]{}\r\n#]+')
_UNQUOTED_STRING_NO_WS = re.compile(r'[^"\[\]{},\r\n# \t\f]+')
_UNQUOTED_DICT_KEY = re.compile(r'[^"\[\]{},\r\n# \t\f=]+')


def _skip(src: _Source, pos: int) -> int:
    """Comments (with the whitespace before them) may stand before any terminal."""
    while m := _COMMENT.match(src.text, pos):
        pos = m.end()
    return pos


def _optional(src: _Source, pos: int, terminal: re.Pattern[str]) -> int:
    pos = _skip(src, pos)
    m = terminal.match(src.text, pos)
    return _skip(src, m.end()) if m else pos


def _expect(src: _Source, pos: int, literal: str, what: str) -> int:
    if not src.text.startswith(literal, pos):
        raise _error(src, pos, f"expected {what}, found {_found(src, pos)}")
    return _skip(src, pos + len(literal))


# --------------------------------------------------------------------------- the rules


def lines(src: _Source, pos: int = 0) -> tuple[int, list[tuple[Override, int]]]:
    """`lines = EOL* line* SOL?`: each option with the line number it starts on."""
    out: list[tuple[Override, int]] = []
    while True:
        pos = _skip(src, pos)
        if m := _EOL.match(src.text, pos):
            pos = m.end()
            continue
        if m := _SOL.match(src.text, pos):
            pos = _skip(src, m.end())
        if pos == len(src.text):
            return pos, out
        pos, item = line(src, pos)
        out.append(item)


def line(src: _Source, pos: int) -> tuple[int, tuple[Override, int]]:
    """`line = SOL? option EOL+` (the SOL is consumed by `lines`)."""
    number = src.text.count("\n", 0, pos) + 1
    pos, opt = option(src, pos)
    pos = _skip(src, pos)
    m = _EOL.match(src.text, pos)
    if not m:
        raise _error(src, pos, f"expected the end of the line after the value, found "
                               f"{_found(src, pos)}"
                     + (" (every line of a .pbc file ends with a newline)"
                        if pos == len(src.text) else ""))
    return m.end(), (opt, number)


def option(src: _Source, pos: int) -> tuple[int, Override]:
    """`option = keys OPERATOR value | keys "=!"`."""
    end, names = keys(src, pos)
    pos = _optional(src, end, _WS)
    try:
        pos, op = operator(src, pos)
    except ConfigError:
        if "\n" not in src.text[end:pos]:
            raise
        # The WS before the operator may span lines; name the line of the key instead.
        raise _error(src, end, "expected one of = += =+ -= =! +=(path) =+(path) after the key, "
                               "found a newline") from None
    if op == "=!":
        return pos, Override(op, names, None)
    pos, v = value(src, pos)
    return pos, Override(op, names, v)


def keys(src: _Source, pos: int) -> tuple[int, tuple[str, ...]]:
    """`keys = key ("." key)* WS?`: no spaces around the dots (`option` reads the WS)."""
    pos, first = key(src, pos)
    names = [first]
    while src.text.startswith(".", pos):
        pos, name = key(src, _skip(src, pos + 1))
        names.append(name)
    return pos, tuple(names)


def key(src: _Source, pos: int) -> tuple[int, str]:
    """`key = ESCAPED_STRING | UNQUOTED_KEY`."""
    pos = _skip(src, pos)
    if src.text.startswith('"', pos):
        return escaped_string(src, pos)
    m = _UNQUOTED_KEY.match(src.text, pos)
    if not m:
        raise _error(src, pos, "expected a key like cmake.options.NAME (letters, digits, _ and -, "
                               f'or "quoted"), found {_found(src, pos)}')
    return _skip(src, m.end()), m.group()


def operator(src: _Source, pos: int) -> tuple[int, str]:
    """`OPERATOR`: the longest of the operators that matches."""
    pos = _skip(src, pos)
    for op in OPERATORS:
        if src.text.startswith(op, pos):
            return _skip(src, pos + len(op)), op
    raise _error(src, pos, f"expected one of = += =+ -= =! +=(path) =+(path), found "
                           f"{_found(src, pos)}")


def value(src: _Source, pos: int, bare: re.Pattern[str] = _UNQUOTED_STRING,
          ) -> tuple[int, Any]:
    """`value`, or `sub_value` inside lists and tables (where a bare string has no spaces)."""
    pos = _skip(src, pos)
    text = src.text
    if text.startswith("{", pos):
        return object_(src, pos)
    if text.startswith("[", pos):
        return array(src, pos)
    if m := _NUMBER.match(text, pos):
        return _skip(src, m.end()), int(m.group())
    if m := _BOOLEAN.match(text, pos):
        return _skip(src, m.end()), m.group() in ("true", "True")
    if text.startswith('"', pos):
        return escaped_string(src, pos)
    if m := bare.match(text, pos):
        return _skip(src, m.end()), m.group()
    raise _error(src, pos, f"expected a value, found {_found(src, pos)}")


def sub_value(src: _Source, pos: int) -> tuple[int, Any]:
    return value(src, pos, _UNQUOTED_STRING_NO_WS)


def object_(src: _Source, pos: int) -> tuple[int, dict[str, Any]]:
    """`object = "{" (pair ("," pair)*)? "}"`: no trailing comma, `{ }` is not empty."""
    pos = _expect(src, pos, "{", "'{'")
    out: dict[str, Any] = {}
    if src.text.startswith("}", pos):
        return _skip(src, pos + 1), out
    while True:
        pos, (k, v) = pair(src, pos)
        out[k] = v
        if src.text.startswith("}", pos):
            return _skip(src, pos + 1), out
        pos = _expect(src, pos, ",", "',' or '}'")


def pair(src: _Source, pos: int) -> tuple[int, tuple[str, Any]]:
    """`pair = WS? dict_key WS? "=" WS? sub_value WS?`."""
    pos, k = dict_key(src, _optional(src, pos, _WS))
    pos = _expect(src, _optional(src, pos, _WS), "=", "'=' after a table key")
    pos, v = sub_value(src, _optional(src, pos, _WS))
    return _optional(src, pos, _WS), (k, v)


def dict_key(src: _Source, pos: int) -> tuple[int, str]:
    """`dict_key = ESCAPED_STRING | UNQUOTED_DICT_KEY`."""
    pos = _skip(src, pos)
    if src.text.startswith('"', pos):
        return escaped_string(src, pos)
    m = _UNQUOTED_DICT_KEY.match(src.text, pos)
    if not m:
        raise _error(src, pos, f"expected a table key, found {_found(src, pos)}")
    return _skip(src, m.end()), m.group()


def array(src: _Source, pos: int) -> tuple[int, list[Any]]:
    """`array = "[" (WS? sub_value WS? ("," WS? sub_value WS?)* ("," WS?)?)? "]"`.

    `[]` is empty; `[ ]` and `[,]` are refused; one trailing comma is allowed.
    """
    pos = _expect(src, pos, "[", "'['")
    out: list[Any] = []
    if src.text.startswith("]", pos):
        return _skip(src, pos + 1), out
    pos, v = sub_value(src, _optional(src, pos, _WS))
    out.append(v)
    while True:
        pos = _optional(src, pos, _WS)
        if src.text.startswith("]", pos):
            return _skip(src, pos + 1), out
        pos = _optional(src, _expect(src, pos, ",", "',' or ']'"), _WS)
        if src.text.startswith("]", pos):
            return _skip(src, pos + 1), out
        pos, v = sub_value(src, pos)
        out.append(v)


def escaped_string(src: _Source, pos: int) -> tuple[int, str]:
    """`ESCAPED_STRING`: a double-quoted string on one line; escapes as Python's unicode_escape."""
    text = src.text
    end = pos + 1
    while end < len(text) and text[end] not in '"\n':
        # A backslash takes the next character with it, unless that ends the line.
        end += 2 if text[end] == "\\" and text[end + 1:end + 2] not in ("", "\n") else 1
    if end >= len(text) or text[end] != '"':
        raise _error(src, pos, "unterminated quoted string")
    raw = text[pos + 1:end]
    try:
        with warnings.catch_warnings():  # "\d" stays "\d", as in py-build-cmake
            warnings.simplefilter("ignore")
            decoded = raw.encode("raw_unicode_escape").decode("unicode_escape")
    except UnicodeDecodeError as e:
        raise _error(src, pos, f"invalid escape in quoted string ({e.reason})") from None
    return _skip(src, end + 1), decoded


# --------------------------------------------------------------------------- entry points


def parse_cli(text: str, source: str) -> Override:
    """One `-C override=` line: an option and nothing after it (not even spaces)."""
    src = _Source(text, source, multiline=False)
    pos, opt = option(src, 0)
    pos = _skip(src, pos)
    if pos != len(text):
        raise _error(src, pos, f"expected the end of the override, found {_found(src, pos)}")
    return opt


def parse_file(text: str, source: str) -> list[tuple[Override, int]]:
    """A `.pbc` file: its options with the line each starts on."""
    return lines(_Source(text, source, multiline=True))[1]


def to_fragment(o: Override) -> dict[str, Any]:
    """The configuration tree an override stands for, as the TOML files spell it.

    `+=` with a table merges its keys in (`cmake.env+={A="1"}`), as a table in a file does;
    the other operators become the edit tables of options.py (`{"+": v}`, `{"prepend": v}`...).
    """
    if o.op == "=!":
        leaf: Any = CLEAR
    elif o.op == "=" or (o.op == "+=" and isinstance(o.value, dict)):
        leaf = o.value
    else:
        leaf = {{"+=": "+", "=+": "prepend", "-=": "-", "+=(path)": "+(path)",
                 "=+(path)": "prepend(path)"}[o.op]: o.value}
    for k in reversed(o.keys):
        leaf = {k: leaf}
    return leaf
