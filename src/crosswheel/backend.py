"""The PEP 517 hooks: a thin layer over build.py.

Expected failures (configuration, metadata, CMake, the file system) become one message on stderr
and exit status 1: pip shows the backend's output, and a traceback there would bury the message.
Anything else is a crosswheel bug and keeps its traceback.
"""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, TypeVar

from .errors import CrosswheelError

if TYPE_CHECKING:
    from .config import Settings

F = TypeVar("F", bound=Callable[..., Any])


def _terminate(signum: int, frame: object) -> None:
    # Unwind like Ctrl-C so that half-written artefacts are removed and CMake is stopped.
    raise SystemExit(128 + signum)


def install_signal_handlers() -> None:
    """SIGTERM, and SIGHUP unless ignored on purpose (nohup), unwind like Ctrl-C."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return
    signal.signal(signal.SIGTERM, _terminate)
    hup = getattr(signal, "SIGHUP", None)
    if hup is not None and signal.getsignal(hup) == signal.SIG_DFL:
        signal.signal(hup, _terminate)


def os_error_message(e: OSError) -> str:
    """One line for a file-system failure that no step foresaw: the path and the reason."""
    where = ": ".join(str(f) for f in (e.filename, e.filename2) if f is not None)
    return f"{where}: {e.strerror or e}" if where else str(e.strerror or e)


def hook(fn: F) -> F:
    """A PEP 517 hook: signals unwind cleanly, a CrosswheelError is one stderr line and exit 1."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        install_signal_handlers()
        try:
            return fn(*args, **kwargs)
        except CrosswheelError as e:
            print(f"crosswheel: error: {e}", file=sys.stderr, flush=True)
            raise SystemExit(1) from None
        except OSError as e:
            # The user's file system, not a crosswheel bug: a full disk, a folder that is a
            # file, a read-only tree. The path and the reason say what to fix.
            print(f"crosswheel: error: {os_error_message(e)}", file=sys.stderr, flush=True)
            raise SystemExit(1) from None

    return wrapper  # type: ignore[return-value]


def settings(config_settings: dict[str, Any] | None) -> Settings:
    """The frontend's config_settings (`-C key=value`) as crosswheel reads them."""
    from .config import Settings

    return Settings.parse(config_settings, env=os.environ)


@hook
def get_requires_for_build_wheel(config_settings: dict[str, Any] | None = None) -> list[str]:
    from .build import cmake_requirements

    return cmake_requirements(Path.cwd(), settings(config_settings))


@hook
def get_requires_for_build_sdist(config_settings: dict[str, Any] | None = None) -> list[str]:
    return []


@hook
def prepare_metadata_for_build_wheel(metadata_directory: str,
                                     config_settings: dict[str, Any] | None = None) -> str:
    from .build import write_metadata

    return write_metadata(Path.cwd(), Path(metadata_directory), settings(config_settings))


@hook
def build_wheel(wheel_directory: str, config_settings: dict[str, Any] | None = None,
                metadata_directory: str | None = None) -> str:
    from .build import build_wheel as build

    return build(Path.cwd(), Path(wheel_directory), settings(config_settings)).name


@hook
def build_sdist(sdist_directory: str, config_settings: dict[str, Any] | None = None) -> str:
    from .build import build_sdist as build

    return build(Path.cwd(), Path(sdist_directory), settings(config_settings)).name


@hook
def get_requires_for_build_editable(config_settings: dict[str, Any] | None = None) -> list[str]:
    return get_requires_for_build_wheel(config_settings)


@hook
def prepare_metadata_for_build_editable(metadata_directory: str,
                                        config_settings: dict[str, Any] | None = None) -> str:
    return prepare_metadata_for_build_wheel(metadata_directory, config_settings)


@hook
def build_editable(wheel_directory: str, config_settings: dict[str, Any] | None = None,
                   metadata_directory: str | None = None) -> str:
    from .editable import build_editable as build

    return build(Path.cwd(), Path(wheel_directory), settings(config_settings)).name
