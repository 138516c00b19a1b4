"""The main package; `component-example-dev` adds its C header and CMake config file."""

from ._core import triple

__all__ = ["triple"]
