"""Example package with a nanobind extension module."""

from ._core import add

__version__ = "0.9.0"

__all__ = ["add", "__version__"]
