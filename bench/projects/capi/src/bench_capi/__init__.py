"""C-API benchmark package."""

from ._core import add, total

__all__ = ["add", "total"]
