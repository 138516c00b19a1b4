"""nspkg.sub: a regular package inside the PEP 420 namespace package nspkg."""

from ._core import mul

__version__ = "0.2.0"


def square(x: int) -> int:
    """Square ``x`` using the C extension."""
    return mul(x, x)


__all__ = ["mul", "square", "__version__"]
