"""The errors crosswheel expects: each reaches the user as one message, never as a traceback."""

from __future__ import annotations

from typing import NoReturn


class CrosswheelError(Exception):
    """A failure caused by the user's project, configuration or tools, not by a crosswheel bug."""


class ConfigError(CrosswheelError):
    """Invalid configuration or metadata; the message names the file and the key."""


class BuildError(CrosswheelError):
    """An external step (CMake, a compiler, stubgen) failed, or its output cannot be packaged."""


def unknown_key(key: str, valid: list[str], where: str) -> NoReturn:
    """Refuse a misspelt key, suggesting the closest valid one."""
    import difflib

    close = difflib.get_close_matches(key, valid, n=1, cutoff=0.6)
    hint = f" Did you mean {close[0]!r}?" if close else f" Valid keys: {', '.join(valid)}."
    raise ConfigError(f"{where}: unknown key {key!r}.{hint}")
