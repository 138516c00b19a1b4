"""The override language (overrides.py), rule by rule, as py-build-cmake 0.5's grammar reads it."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crosswheel.errors import ConfigError
from crosswheel.overrides import CLEAR, Override, parse_cli, parse_file, to_fragment


def cli(line: str) -> tuple[str, tuple[str, ...], Any]:
    o = parse_cli(line, "-C override")
    return o.op, o.keys, o.value


def refused(line: str) -> str:
    with pytest.raises(ConfigError) as e:
        parse_cli(line, "src")
    return str(e.value)


# ------------------------------------------------------------------ option and OPERATOR


@pytest.mark.parametrize(("line", "op", "value"), [
    ("a=x", "=", "x"),
    ("a+=x", "+=", "x"),
    ("a=+x", "=+", "x"),
    ("a-=x", "-=", "x"),
    ("a=!", "=!", None),
    ("a+=(path)x", "+=(path)", "x"),
    ("a=+(path)x", "=+(path)", "x"),
    # The longest operator wins; what follows belongs to the value.
    ("a==x", "=", "=x"),
    ("a=-x", "=", "-x"),          # `=-` is not an operator (the docs' `=-` means `-=`)
    ("a+=(pat)", "+=", "(pat)"),
    ("a=+(path)(path)", "=+(path)", "(path)"),
    ("a+=+=", "+=", "+="),
])
def test_option_and_operator(line: str, op: str, value: Any) -> None:
    assert cli(line) == (op, ("a",), value)


@pytest.mark.parametrize(("line", "column", "fragment"), [
    ("a", 2, "expected one of = += =+ -= =! +=(path) =+(path), found the end of the line"),
    ("a ~ 3", 3, "found '~'"),
    ("a=!x", 4, "expected the end of the override, found 'x'"),
    ("a=!  ", 4, "expected the end of the override, found ' '"),   # even spaces
    ("a=", 3, "expected a value, found the end of the line"),
    ("a+=(path)", 10, "expected a value"),
])
def test_option_refused(line: str, column: int, fragment: str) -> None:
    msg = refused(line)
    assert msg.startswith("src: ") and f" at column {column} in {line!r}" in msg
    assert fragment in msg


# ------------------------------------------------------------------ keys and key


@pytest.mark.parametrize(("line", "keys"), [
    ("cmake.options.X=1", ("cmake", "options", "X")),
    ("cmake.0.args=1", ("cmake", "0", "args")),
    ("a-b_c.D-1=1", ("a-b_c", "D-1")),
    ("X-=1", ("X",)),                       # a bare key does not end in '-'
    ("X--1-=1", ("X--1",)),
    ('"a b".c=1', ("a b", "c")),
    ('a."b.c".d=1', ("a", "b.c", "d")),
    ('"😄"=1', ("😄",)),
    ('""=1', ("",)),
    (r'"a\"b\\"=1', ('a"b\\',)),
    ("a =1", ("a",)),                       # WS before the operator
    ("a\t\n +=1", ("a",)),
    ("a # note\n=1", ("a",)),               # a comment wherever a terminal may start
])
def test_keys(line: str, keys: tuple[str, ...]) -> None:
    assert cli(line)[1] == keys


@pytest.mark.parametrize(("line", "column", "fragment"), [
    ("=1", 1, "expected a key like cmake.options.NAME"),
    (" a=1", 1, "found ' '"),           # no leading space on the command line
    ("a .b=1", 3, "found '.'"),
    ("a. b=1", 3, "found ' '"),
    ("a..b=1", 3, "found '.'"),
    ("a.=1", 3, "found '='"),
    ("😄=1", 1, "found '😄'"),
    ("a-.b=1", 2, "found '-'"),
    ('"a=1', 1, "unterminated quoted string"),
    ('"\\x4"=1', 1, "invalid escape in quoted string"),
])
def test_keys_refused(line: str, column: int, fragment: str) -> None:
    msg = refused(line)
    assert f" at column {column} in " in msg and fragment in msg


# ------------------------------------------------------------------ value (top level)


@pytest.mark.parametrize(("text", "expected"), [
    ("Debug", "Debug"),
    (" Debug", " Debug"),                  # a bare string keeps its spaces, as typed
    ("a, b, c   ", "a, b, c   "),
    ("Ninja Multi-Config", "Ninja Multi-Config"),
    ("-DX=1", "-DX=1"),
    ("'quoted'", "'quoted'"),              # single quotes are characters, not quotes
    ("C:\\path\\to", "C:\\path\\to"),
    ("x # note", "x "),                    # the comment is dropped, the space kept
    ("$HOME/opt", "$HOME/opt"),
    ("1.2.3", None),                       # a number, then garbage: refused below
    ("42", 42),
    ("-7", -7),
    ("007", 7),
    ("true", True), ("True", True), ("false", False), ("False", False),
    ("TRUE", "TRUE"),
    (" true", " true"),                    # after a space it is a string
    ('"quoted # not a comment"', "quoted # not a comment"),
    ('"tab\\tnewline\\n\\u00e9\\x41"', "tab\tnewline\n\u00e9A"),
    ('"\\d"', "\\d"),                      # unknown escapes stay
    ('""', ""),
    ("[]", []),
    ("{}", {}),
])
def test_value(text: str, expected: Any) -> None:
    if expected is None:
        assert "expected the end of the override" in refused(f"a={text}")
    else:
        assert cli(f"a={text}")[2] == expected


@pytest.mark.parametrize(("text", "column"), [
    ("5abc", 4),          # NUMBER, then garbage
    ("1.5", 4),
    ("Truex", 7),
    ("1 ", 4),            # trailing space after a number or a list
    ("[1] ", 6),
    (" [1]", 4),          # a space, then a list: the bare string " " then garbage
    (' "x"', 4),
    ("x]", 4),
    ("x{", 4),
    ('x"', 4),
    ("# only a comment", 19),  # the comment is skipped: no value before the end
    ('"open', 3),
    ("a\nb", 4),          # a newline does not belong to a command-line value
])
def test_value_refused_with_its_column(text: str, column: int) -> None:
    line = f"a={text}"
    assert f" at column {column} in {line!r}" in refused(line)


# ------------------------------------------------------------------ array and sub_value


@pytest.mark.parametrize(("text", "expected"), [
    ("[a, b, c]", ["a", "b", "c"]),
    ("[-j4]", ["-j4"]),
    ("[a,b,]", ["a", "b"]),
    ("[ a , b , ]", ["a", "b"]),
    ("[\n a,\n b\n]", ["a", "b"]),
    ("[a, # note\n b]", ["a", "b"]),
    ("[1, -2, true, False, x=y]", [1, -2, True, False, "x=y"]),
    ('["a b", "c,d"]', ["a b", "c,d"]),
    ("[[a], [], {k=v}]", [["a"], [], {"k": "v"}]),
    ("[a'b]", ["a'b"]),
    ("[/some/path]", ["/some/path"]),
])
def test_array(text: str, expected: list[Any]) -> None:
    assert cli(f"x={text}")[2] == expected


@pytest.mark.parametrize(("text", "fragment"), [
    ("[ ]", "expected a value, found ']'"),
    ("[,]", "expected a value, found ','"),
    ("[a,,b]", "expected a value, found ','"),
    ("[a b]", "expected ',' or ']', found 'b'"),       # no spaces inside a bare string here
    ("[1.5]", "expected ',' or ']', found '.'"),
    ("[4j]", "expected ',' or ']', found 'j'"),
    ("[a", "expected ',' or ']', found the end of the line"),
    ("[a}", "found '}'"),
])
def test_array_refused(text: str, fragment: str) -> None:
    assert fragment in refused(f"x={text}")


# ------------------------------------------------------------------ object, pair, dict_key


@pytest.mark.parametrize(("text", "expected"), [
    ("{a = 1, b= 2, c =3, d=4}", {"a": 1, "b": 2, "c": 3, "d": 4}),
    ("{e=foo=5, f= foo=5, g = foo=5 }", {"e": "foo=5", "f": "foo=5", "g": "foo=5"}),
    ("{prepend = /some/path}", {"prepend": "/some/path"}),
    ('{MY_PATH = "/opt/some-package" }', {"MY_PATH": "/opt/some-package"}),
    ('{"a b" = x, 1 = 2, a.b+ = c}', {"a b": "x", "1": 2, "a.b+": "c"}),
    ("{a=1, a=2}", {"a": 2}),                            # the last one wins
    ("{value = [a, b], type = PATH}", {"value": ["a", "b"], "type": "PATH"}),
    ("{x = {y = [true]}}", {"x": {"y": [True]}}),
    ("{\n a = 1,\n b = 2\n}", {"a": 1, "b": 2}),
])
def test_object_pair_dict_key(text: str, expected: dict[str, Any]) -> None:
    assert cli(f"x={text}")[2] == expected


@pytest.mark.parametrize(("text", "fragment"), [
    ("{ }", "expected a table key, found '}'"),
    ("{a=1,}", "expected a table key, found '}'"),
    ("{a}", "expected '=' after a table key, found '}'"),
    ("{a=}", "expected a value, found '}'"),
    ("{a=b c}", "expected ',' or '}', found 'c'"),
    ("{a=1", "expected ',' or '}', found the end of the line"),
    ("{=1}", "expected a table key, found '='"),
])
def test_object_refused(text: str, fragment: str) -> None:
    assert fragment in refused(f"x={text}")


# ------------------------------------------------------------------ lines and line (.pbc files)


def test_lines_in_a_file() -> None:
    text = (
        "\n"
        "   \n"
        '    "a b c"    =+foo=5\n'
        "    y= d, e, f# Comment\n"
        "\tz=[a, b]   # Comment\r\n"
        "# a comment\n"
        "    # an indented comment\n"
        "a.b.c=!   \n"
        "w\n"
        "  +=1\n"
        "q=[1,\n"
        "2]\n"
        "\n\n"
        "  "
    )
    assert [(o.op, o.keys, o.value, n) for o, n in parse_file(text, "f.pbc")] == [
        ("=+", ("a b c",), "foo=5", 3),
        ("=", ("y",), " d, e, f", 4),
        ("=", ("z",), ["a", "b"], 5),
        ("=!", ("a", "b", "c"), None, 8),
        ("+=", ("w",), 1, 9),
        ("=", ("q",), [1, 2], 11),
    ]


@pytest.mark.parametrize("text", ["", "\n", "  ", "# only\n", "# only", "\n\n  # x\n  "])
def test_lines_empty_files(text: str) -> None:
    assert parse_file(text, "f.pbc") == []


@pytest.mark.parametrize(("text", "line", "column", "fragment"), [
    ("a=1", 1, 4, "every line of a .pbc file ends with a newline"),
    ("a=1\nb=x\n# last", 3, 7, "ends with a newline"),
    ("a=1 b=2\n", 1, 4, "expected the end of the line after the value, found ' '"),
    ("a=1\n\x0cb=2\n", 2, 1, "expected a key"),
    ("a=1\nwrong\n", 2, 6, "expected one of = += =+ -= =! +=(path) =+(path) after the key"),
    ("a=[1,\n2\n", 3, 1, "expected ',' or ']'"),
])
def test_lines_refused_name_line_and_column(text: str, line: int, column: int,
                                            fragment: str) -> None:
    with pytest.raises(ConfigError) as e:
        parse_file(text, "f.pbc")
    assert str(e.value).startswith(f"f.pbc:{line}: ")
    assert str(e.value).endswith(f" at column {column}")
    assert fragment in str(e.value)


# ------------------------------------------------------------------ to_fragment


@pytest.mark.parametrize(("line", "fragment"), [
    ("cmake.build_type=Debug", {"cmake": {"build_type": "Debug"}}),
    ("cmake.args+=[a, b]", {"cmake": {"args": {"+": ["a", "b"]}}}),
    ("cmake.args=+x", {"cmake": {"args": {"prepend": "x"}}}),
    ("cmake.args-=x", {"cmake": {"args": {"-": "x"}}}),
    ("cmake.build_type=!", {"cmake": {"build_type": CLEAR}}),
    ("cmake.env.P+=(path)/x", {"cmake": {"env": {"P": {"+(path)": "/x"}}}}),
    ("cmake.env.P=+(path)/x", {"cmake": {"env": {"P": {"prepend(path)": "/x"}}}}),
    # `+=` with a table merges its keys in, like a table in a TOML file.
    ('cmake.env+={MY_PATH = "/opt/x"}', {"cmake": {"env": {"MY_PATH": "/opt/x"}}}),
    ('cmake.options+={A = "1"}', {"cmake": {"options": {"A": "1"}}}),
    ("cmake.options.D=True", {"cmake": {"options": {"D": True}}}),
])
def test_to_fragment(line: str, fragment: dict[str, Any]) -> None:
    assert to_fragment(parse_cli(line, "s")) == fragment


def test_clear_is_a_singleton_with_a_readable_repr() -> None:
    assert repr(CLEAR) == "CLEAR"
    assert to_fragment(Override("=!", ("a",), None))["a"] is CLEAR


# ------------------------------------------------------------------ properties


_ALPHABET = st.sampled_from([*"abcXY_-.=+!\"' []{},#\\\t\n\r\x0c:0123\u00e9()", "(path)"])


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(), st.lists(_ALPHABET, max_size=30).map("".join)))
def test_any_text_parses_or_is_refused_with_a_position(text: str) -> None:
    for parse, source in ((parse_cli, "cli"), (parse_file, "f.pbc")):
        try:
            parse(text, source)
        except ConfigError as e:
            assert str(e).startswith(f"{source}")
            assert " at column " in str(e)


_KEY = st.one_of(st.from_regex(r"[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?", fullmatch=True),
                 st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
                         max_size=6))
_BARE = st.from_regex(r'[^"\[\]{},\r\n# \t\x0c=\\]+', fullmatch=True)
_ITEM = st.recursive(
    st.one_of(st.booleans(), st.integers(-10**9, 10**9), _BARE,
              st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=8)),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(_BARE, inner, max_size=3)), max_leaves=6)


def _quote(v: str) -> str:
    return '"' + v.encode("unicode_escape").decode("ascii").replace('"', '\\"') + '"'


def _write(v: Any) -> str:
    """One way among many to spell v in the override language."""
    if isinstance(v, bool):
        return "True" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        try:
            if v and v == v.strip() and parse_cli(f"a=[{v}]", "s").value == [v]:
                return v
        except ConfigError:
            pass
        return _quote(v)
    if isinstance(v, list):
        return "[" + ", ".join(_write(x) for x in v) + "]"
    return "{" + ",".join(f" {k} = {_write(x)}" for k, x in v.items()) + "}"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_KEY, min_size=1, max_size=4),
       st.sampled_from(["=", "+=", "=+", "-=", "+=(path)", "=+(path)"]), _ITEM)
def test_written_values_read_back(keys: list[str], op: str, value: Any) -> None:
    def spell(k: str) -> str:
        bare = k and all(c.isascii() and (c.isalnum() or c in "_-") for c in k) \
            and not k.endswith("-")
        return k if bare else _quote(k)

    line = ".".join(spell(k) for k in keys) + op + _write(value)
    assert parse_cli(line, "s") == Override(op, tuple(keys), value)
    # The same line in a file, indented and commented, means the same.
    assert parse_file(f"# header\n  {line}# note\n", "f") == [(Override(op, tuple(keys),
                                                                              value), 2)]
