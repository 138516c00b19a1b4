"""The errors crosswheel expects: each reaches the user as one message, never as a traceback."""

from __future__ import annotations


class CrosswheelError(Exception):
    """A failure caused by the user's project, configuration or tools, not by a crosswheel bug."""


class ConfigError(CrosswheelError):
    """Invalid configuration or metadata; the message names the file and the key."""


class BuildError(CrosswheelError):
    """An external step (CMake, a compiler, stubgen) failed, or its output cannot be packaged."""
