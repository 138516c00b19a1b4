"""Example package with a pybind11 extension module."""

__version__ = "2.0.0"

from ._core import Counter, add, mul

__all__ = ["Counter", "add", "mul", "__version__"]
