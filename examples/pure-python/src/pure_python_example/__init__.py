"""A pure-Python example package without any CMake build."""

__version__ = "0.3.1"

GREETING = "Hello from pure_python_example"


def greet(name: str = "world") -> str:
    """Return a greeting for ``name``."""
    return f"{GREETING}, {name}!"


def main(argv=None) -> int:
    """Entry point of the ``pure-python-example`` console script."""
    import sys

    args = sys.argv[1:] if argv is None else list(argv)
    print(greet(args[0] if args else "world"))
    return 0
