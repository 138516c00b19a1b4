"""Example package wrapping a plain CPython C-API extension module."""

from ._core import add, platform

__version__ = "1.2.3"

__all__ = ["add", "platform", "__version__"]
