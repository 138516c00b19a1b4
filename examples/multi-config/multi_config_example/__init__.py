"""Ships a Release (_core) and a Debug (_core_d) build of the same module."""

from . import _core, _core_d
from ._core import add, build_config

__version__ = "0.5.0"

release = _core
debug = _core_d

__all__ = ["add", "build_config", "release", "debug", "__version__"]
