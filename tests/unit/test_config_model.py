"""options.py and the result dataclasses name the same options, so neither can drift."""

from __future__ import annotations

import dataclasses

import pytest

from crosswheel import config
from crosswheel import options as O

PAIRS = [
    (O.MODULE, config.ModuleConfig, set()),
    (O.EDITABLE, config.EditableConfig, set()),
    (O.SDIST, config.SdistConfig, set()),
    (O.CMAKE, config.CMakeConfig, {"index"}),  # which cmake.N project: not an option
    (O.WHEEL, config.WheelConfig, set()),
    (O.STUBGEN, config.StubgenConfig, set()),
    (O.CROSS, config.CrossConfig, set()),
]


@pytest.mark.parametrize(("section", "model", "extra"), PAIRS, ids=lambda p: getattr(p, "name", ""))
def test_section_options_are_the_dataclass_fields(section, model, extra):
    fields = {f.name for f in dataclasses.fields(model)} - extra
    assert fields == set(section.by_name)


def test_every_option_kind_is_known():
    for section in O.SECTIONS.values():
        for opt in section.options:
            assert opt.kind in O.KINDS, (section.name, opt.name, opt.kind)
