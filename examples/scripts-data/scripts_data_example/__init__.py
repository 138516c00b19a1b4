"""Helpers to find the files that the scripts-data example installs."""

import os
import sysconfig

__version__ = "0.1.0"

GREETING = "Hello from hello-cw!"


def _scheme_path(key: str) -> str:
    return sysconfig.get_path(key)


def hello_path() -> str:
    """Path of the installed ``hello-cw`` executable."""
    exe = "hello-cw.exe" if os.name == "nt" else "hello-cw"
    return os.path.join(_scheme_path("scripts"), exe)


def greeting_path() -> str:
    """Path of the installed data file ``share/scripts-data-example/greeting.txt``."""
    return os.path.join(_scheme_path("data"), "share", "scripts-data-example", "greeting.txt")


def read_greeting() -> str:
    with open(greeting_path(), encoding="utf-8") as f:
        return f.read().strip()


__all__ = ["GREETING", "hello_path", "greeting_path", "read_greeting", "__version__"]
