"""One package, two CMake projects: _alpha (cmake.0) and _beta (cmake.1)."""

from . import _alpha, _beta

__version__ = "0.6.0"


def names() -> list:
    """Names reported by the two extension modules, in build order."""
    return [_alpha.name(), _beta.name()]


add = _alpha.add
scale = _beta.scale

__all__ = ["names", "add", "scale", "__version__"]
