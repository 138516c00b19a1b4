"""Fuzzing config.load: whatever the tool table holds, the result is a Config or a ConfigError."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from crosswheel import config, target
from crosswheel import options as O
from crosswheel.errors import ConfigError

EXAMPLES = int(os.environ.get("CROSSWHEEL_FUZZ_EXAMPLES", "150"))

def _mostly(common: st.SearchStrategy[Any], rare: st.SearchStrategy[Any],
            odds: int = 10) -> st.SearchStrategy[Any]:
    """`common` about odds times in odds + 1 (one_of would flatten and weigh every branch)."""
    return st.integers(0, odds).flatmap(lambda n: rare if n == 0 else common)


_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=8)
_word = st.one_of(st.sampled_from(["", "x", "Release", "~", "~x/y", "..", "/abs", "a;b", "${A}",
                                   "$$", "3", "32", "312", "linux", "abi3", "auto", "guess",
                                   "cp311", "linux_aarch64", "win_amd64", "macosx_11_0_arm64",
                                   "Debug", "PATH", "BOOL", "\u00b2", "a\x00b", "~\x00"]), _text)
_scalar = st.one_of(st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=False),
                    _word)
_any = st.recursive(_scalar, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(_word, inner, max_size=3)), max_leaves=6)
_list_ops = st.dictionaries(st.sampled_from(["=", "+", "-", "prepend", "value", "append",
                                             "remove", "bogus"]), st.lists(_word, max_size=3),
                            max_size=3)
_cmake_value = st.one_of(
    _word, st.booleans(), st.lists(st.one_of(_word, st.booleans()), max_size=3),
    st.dictionaries(st.sampled_from(["value", "=", "append", "+", "prepend", "remove", "-",
                                     "type", "strict", "other"]),
                    st.one_of(_word, st.booleans(), st.lists(_word, max_size=2)), max_size=4))


def _typed(opt: O.Option) -> st.SearchStrategy[Any]:
    kind = opt.kind
    if kind == "str":
        return st.sampled_from(opt.choices) if opt.choices else _word
    if kind == "bool":
        return st.booleans()
    if kind == "int":
        return st.one_of(st.integers(0, 400), st.integers())
    if kind in ("list", "list+"):
        return st.one_of(_word, st.lists(_word, max_size=3), _list_ops)
    if kind == "path":
        return _word
    if kind == "dict":
        return st.dictionaries(_word, _word, max_size=3)
    if kind == "cmake-options":
        return st.dictionaries(_word, _cmake_value, max_size=3)
    raise AssertionError(kind)


def _section(name: str, depth: int = 0) -> st.SearchStrategy[Any]:
    section = O.SECTIONS[name]
    # Mostly well-typed values, so that examples get past the first check; sometimes anything.
    optional: dict[str, st.SearchStrategy[Any]] = {
        o.name: _mostly(_typed(o), _any) for o in section.options}
    if depth == 0:
        for sub in section.overrides:
            optional[sub] = _section(sub, 1)
        if name == "cmake":
            for i in ("0", "1", "7"):
                optional[i] = _section("cmake", 1)
    tables = st.fixed_dictionaries({}, optional=optional)  # type: ignore[arg-type]
    extra = st.dictionaries(_word, _any, max_size=1)
    return _mostly(tables, st.one_of(st.builds(lambda a, b: {**a, **b}, tables, extra),
                                     _scalar), odds=15)


_tool = st.fixed_dictionaries({}, optional={name: _section(name) for name in O.SECTIONS})


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fuzz")
    (root / "pkg").mkdir()
    (root / "pkg" / "__init__.py").write_text("")
    return root


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(tool=_tool, table=st.sampled_from(["crosswheel", "py-build-cmake"]),
       overrides=st.lists(_mostly(st.sampled_from(
           ["cmake.args+=x", "cross.os=windows", "cmake.options.X=!", "wheel.python_abi=abi3",
            "cross.arch=linux_aarch64", "cmake.0.build_type=Debug", "wheel=3",
            "cmake.source_path=~", "cross.version=312"]), _text), max_size=2))
def test_load_gives_config_or_config_error(folder: Path, tool: dict[str, Any], table: str,
                                           overrides: list[str]) -> None:
    doc = {"project": {"name": "pkg", "version": "1.0"}, "tool": {table: tool}}
    (folder / "pyproject.toml").write_text(tomli_w.dumps(doc), encoding="utf-8")
    try:
        cfg = config.load(folder, config.Settings(override=overrides))
    except ConfigError as e:
        assert str(e)
        event("ConfigError: " + str(e).split(": ")[-1][:40])
        return
    event("loaded")
    assert isinstance(cfg, config.Config)
    assert cfg.table_name == table
    assert cfg.wheel.pure_python in (True, False)
    for c in cfg.cmake:
        assert all(isinstance(a, str) for a in c.args)
        assert all(isinstance(name, str) and opt.define(name).startswith(name)
                   for name, opt in c.options.items())
    # The target and tags follow from a valid config, or fail with a ConfigError too.
    try:
        t = target.for_config(cfg)
        tags = t.tags(cfg.wheel)
    except ConfigError:
        return
    assert all(tags.expanded())
