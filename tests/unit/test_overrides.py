"""The -C override line grammar (overrides.parse_line / parse_lines), with a fuzz test."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crosswheel.errors import ConfigError
from crosswheel.overrides import CLEAR, parse_line, parse_lines, parse_value
from crosswheel.toml import tomllib


@pytest.mark.parametrize(("line", "expected"), [
    ("cmake.build_type=Debug", {"cmake": {"build_type": "Debug"}}),
    ("cmake.build_type = 'Debug'", {"cmake": {"build_type": "Debug"}}),
    ('cmake.args+=["-DA=1", "-DB=2"]', {"cmake": {"args": {"+": ["-DA=1", "-DB=2"]}}}),
    ("cmake.args += -Wdev", {"cmake": {"args": {"+": "-Wdev"}}}),
    ('cmake.args=+"--first"', {"cmake": {"args": {"prepend": "--first"}}}),
    ("cmake.args -= x", {"cmake": {"args": {"-": "x"}}}),
    ("cmake.options.X-=a", {"cmake": {"options": {"X": {"-": "a"}}}}),
    ("cmake.options.MY-OPT=1", {"cmake": {"options": {"MY-OPT": 1}}}),
    ("cmake.build_type=!", {"cmake": {"build_type": CLEAR}}),
    ("cmake.options.X =!  ", {"cmake": {"options": {"X": CLEAR}}}),
    ("wheel.pure_python=true", {"wheel": {"pure_python": True}}),
    ("wheel.pure_python=false", {"wheel": {"pure_python": False}}),
    ("wheel.abi3_minimum_cpython_version=312",
     {"wheel": {"abi3_minimum_cpython_version": 312}}),
    ('cmake.options={A = "1", B = true, C = {value = "x", type = "PATH"}}',
     {"cmake": {"options": {"A": "1", "B": True, "C": {"value": "x", "type": "PATH"}}}}),
    ("cmake.generator=Ninja Multi-Config", {"cmake": {"generator": "Ninja Multi-Config"}}),
    ("cmake.generator=", {"cmake": {"generator": ""}}),
    ('  "cmake" . "options" . "A.B" = 1', {"cmake": {"options": {"A.B": 1}}}),
    ("cmake.env.PATH=/usr/bin:${PATH}", {"cmake": {"env": {"PATH": "/usr/bin:${PATH}"}}}),
    ("cmake.args=[]", {"cmake": {"args": []}}),
    # '=' inside the value belongs to the value.
    ("cmake.args+=-DX=1", {"cmake": {"args": {"+": "-DX=1"}}}),
])
def test_parse_line(line: str, expected: dict[str, Any]) -> None:
    assert parse_line(line, "src") == expected


@pytest.mark.parametrize(("line", "message"), [
    ("=3", "src: expected a key like cmake.options.NAME at column 1 in '=3'"),
    ("", "src: expected a key like cmake.options.NAME at column 1 in ''"),
    ("cmake.args", "src: expected one of = += =+ -= =! at column 11 in 'cmake.args'"),
    ("cmake.args ?= 3", "src: expected one of = += =+ -= =! at column 12 in 'cmake.args ?= 3'"),
    ("a.b=! 3", "src: '=!' (clear) takes no value, found '3' at column 6 in 'a.b=! 3'"),
])
def test_parse_line_errors(line: str, message: str) -> None:
    with pytest.raises(ConfigError) as e:
        parse_line(line, "src")
    assert str(e.value) == message


@pytest.mark.parametrize(("line", "column"), [
    ("cmake.args=[1,", 12),
    ("cmake.args += [1, 2", 15),
    ('a="unterminated', 3),
    ("a.b={x=1", 5),
])
def test_malformed_toml_value_names_its_column(line: str, column: int) -> None:
    with pytest.raises(ConfigError) as e:
        parse_line(line, "-C override")
    assert str(e.value).startswith(f"-C override: invalid value at column {column} in {line!r}: ")


def test_parse_value_bare_strings_and_toml() -> None:
    assert parse_value(" 42 ") == 42
    assert parse_value("[1, 'a']") == [1, "a"]
    assert parse_value("hello world") == "hello world"
    assert parse_value("C:\\path\\to") == "C:\\path\\to"
    assert parse_value("1.2.3") == "1.2.3"
    with pytest.raises(tomllib.TOMLDecodeError):
        parse_value("[unclosed")


def test_parse_lines_skips_comments_and_names_lines() -> None:
    text = "# comment\n\n  cmake.args += a\n   # indented comment\ncmake.build_type=!\n"
    assert parse_lines(text, "f.pbc") == [
        ({"cmake": {"args": {"+": "a"}}}, "f.pbc:3"),
        ({"cmake": {"build_type": CLEAR}}, "f.pbc:5"),
    ]
    with pytest.raises(ConfigError, match=r"^f\.pbc:2: expected one of = \+= =\+ -= =! at column 6"):
        parse_lines("a.b=1\nwrong\n", "f.pbc")


def test_clear_is_a_singleton_with_a_readable_repr() -> None:
    assert repr(CLEAR) == "CLEAR"
    assert parse_line("a=!", "s")["a"] is CLEAR


# ------------------------------------------------------------------ fuzz


def _is_tree(value: Any) -> bool:
    """A parse result: nested single-key dicts down to a leaf."""
    while isinstance(value, dict) and len(value) == 1:
        key, value = next(iter(value.items()))
        if not isinstance(key, str):
            return False
    return True


_ALPHABET = st.sampled_from(list("abcXY_-.=+!\"' []{},#\\\t\n:0123\u00e9\x00"))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(), st.text(_ALPHABET, max_size=30)))
def test_parse_line_returns_a_tree_or_raises_config_error(line: str) -> None:
    try:
        result = parse_line(line, "fuzz")
    except ConfigError as e:
        assert str(e).startswith("fuzz: ")
        return
    assert isinstance(result, dict) and result
    assert _is_tree(result)


_KEYS = st.lists(st.from_regex(r"[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?", fullmatch=True),
                 min_size=1, max_size=4)
_VALUES = st.recursive(
    st.one_of(st.booleans(), st.integers(-10**6, 10**6),
              st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
                      max_size=10)),
    lambda inner: st.lists(inner, max_size=3), max_leaves=6)


@settings(max_examples=200, deadline=None)
@given(_KEYS, st.sampled_from(["=", "+=", "=+", "-="]), _VALUES)
def test_parse_line_round_trips_toml_values(keys: list[str], op: str, value: Any) -> None:
    import tomli_w

    text = tomli_w.dumps({"v": value}).strip()[len("v = "):].replace("\n", " ")
    tree = parse_line(f"{'.'.join(keys)} {op} {text}", "s")
    for k in keys:
        assert list(tree) == [k]
        tree = tree[k]
    wrap = {"=": lambda v: v, "+=": lambda v: {"+": v}, "=+": lambda v: {"prepend": v},
            "-=": lambda v: {"-": v}}[op]
    assert tree == wrap(value)
