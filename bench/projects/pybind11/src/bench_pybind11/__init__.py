"""pybind11 benchmark package."""

from ._core import Accumulator, add, total

__all__ = ["Accumulator", "add", "total"]
