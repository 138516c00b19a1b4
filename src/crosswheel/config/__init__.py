"""Configuration: load every source, validate each against options.py, merge them in order.

- model.py: the frozen result the build reads (Config and one class per section);
- validate.py: one source checked against options.py;
- merge.py: validated fragments folded into a section's values (no I/O);
- sources.py: the sources as labelled layers, in py-build-cmake's order (`load`);
- finalize.py: defaults and derived values, from the merged sections to Config.
"""

from __future__ import annotations

from ..errors import unknown_key
from .merge import merge_section
from .model import (
    FALSY,
    TRUTHY,
    CMakeConfig,
    CMakeOption,
    Config,
    CrossConfig,
    EditableConfig,
    ModuleConfig,
    SdistConfig,
    Settings,
    StubgenConfig,
    WheelConfig,
    is_truthy,
)
from .sources import NAMES, host_os, load, tool_table
from .validate import CMAKE_TYPES, ROOT, Validator, validate

__all__ = [
    "CMAKE_TYPES", "FALSY", "NAMES", "ROOT", "TRUTHY", "CMakeConfig", "CMakeOption", "Config",
    "CrossConfig", "EditableConfig", "ModuleConfig", "SdistConfig", "Settings", "StubgenConfig",
    "Validator", "WheelConfig", "host_os", "is_truthy", "load", "merge_section", "tool_table",
    "unknown_key", "validate",
]
