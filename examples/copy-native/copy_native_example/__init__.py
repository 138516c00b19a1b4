"""Lookup table computed at build time by a code generator run natively."""

from ._core import TABLE_SIZE, generated_on, platform, square, squares

__version__ = "0.7.0"

__all__ = ["TABLE_SIZE", "generated_on", "platform", "square", "squares", "__version__"]
