"""The configuration as the build reads it: frozen values, one class per section."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ConfigError, unknown_key

TRUTHY = {"", "1", "true", "yes", "y", "on"}
FALSY = {"0", "false", "no", "n", "off"}


@dataclass(frozen=True)
class CMakeOption:
    values: tuple[str | bool, ...]
    type: str | None = None

    def define(self, name: str) -> str:
        """The `-D` argument for this option."""
        kind = self.type
        if kind is None and self.values and all(isinstance(v, bool) for v in self.values):
            kind = "BOOL"
        text = ";".join(
            ("On" if v else "Off") if isinstance(v, bool) else v.replace(";", "\\;")
            for v in self.values
        )
        return f"{name}:{kind}={text}" if kind else f"{name}={text}"


@dataclass(frozen=True)
class ModuleConfig:
    name: str
    directory: Path
    namespace: bool
    generated: str | None


@dataclass(frozen=True)
class CMakeConfig:
    index: int
    minimum_version: str
    build_type: str | None
    config: list[str]
    preset: str | None
    build_presets: list[str] | None
    generator: str | None
    source_path: Path
    build_path: str
    options: dict[str, CMakeOption]
    args: list[str]
    find_python: bool
    find_python3: bool
    build_args: list[str]
    build_tool_args: list[str]
    install_config: list[str]
    install_args: list[str]
    install_components: list[str]
    env: dict[str, str]
    compiler_launcher: str | None = None
    find_python_build_artifacts_prefix: str | None = None
    find_python3_build_artifacts_prefix: str | None = None


@dataclass(frozen=True)
class WheelConfig:
    pure_python: bool
    python_tag: list[str]
    python_abi: str
    abi3_minimum_cpython_version: int
    abi_tag: list[str] | None
    platform_tag: list[str] | None
    build_tag: str | None
    manylinux: str = "off"


@dataclass(frozen=True)
class SdistConfig:
    include: list[str]
    exclude: list[str]


@dataclass(frozen=True)
class EditableConfig:
    mode: str
    build_hook: bool


@dataclass(frozen=True)
class StubgenConfig:
    packages: list[str] | None
    modules: list[str] | None
    files: list[str] | None
    args: list[str]


@dataclass(frozen=True)
class CrossConfig:
    os: str | None = None
    implementation: str | None = None
    version: str | None = None
    abi: str | None = None
    arch: str | None = None
    prefix: Path | None = None
    library: Path | None = None
    sabi_library: Path | None = None
    include_dir: Path | None = None
    soabi: str | None = None
    toolchain_file: Path | None = None
    generator_platform: str | None = None
    copy_from_native_build: list[str] | None = None
    sysroot: Path | None = None
    python: Path | None = None
    triple: str | None = None


@dataclass(frozen=True)
class Config:
    project_dir: Path
    pyproject: dict[str, Any]
    table_name: str | None  # "crosswheel", "py-build-cmake", or None without a tool table
    module: ModuleConfig
    sdist: SdistConfig
    editable: EditableConfig
    wheel: WheelConfig
    cmake: list[CMakeConfig]  # empty for a pure-Python package
    stubgen: StubgenConfig | None
    cross: CrossConfig | None
    verbose: bool = False
    sources: list[str] = field(default_factory=list)
    provenance: dict[str, list[str]] = field(default_factory=dict)  # "cmake.args" -> sources


# The names Python's logging module gives levels (py-build-cmake's -C loglevel=...).
_LOG_LEVELS = ("CRITICAL", "FATAL", "ERROR", "WARNING", "WARN", "INFO", "DEBUG", "NOTSET")


@dataclass(frozen=True)
class Settings:
    """What the frontend passed as config settings (`-C key=value`)."""

    local: list[Path] = field(default_factory=list)
    cross: list[Path] = field(default_factory=list)
    override: list[str] = field(default_factory=list)
    verbose: bool = False

    @classmethod
    def parse(cls, settings: Mapping[str, Any] | None, cwd: Path | None = None,
              env: Mapping[str, str] | None = None) -> Settings:
        """`env` (the hooks pass os.environ) gives py-build-cmake's verbose default:
        PY_BUILD_CMAKE_VERBOSE, else a GitHub Actions re-run (GITHUB_RUN_ATTEMPT > 1);
        `-C verbose` wins over both."""
        cwd = cwd or Path.cwd()
        env = env or {}
        local: list[Path] = []
        cross: list[Path] = []
        override: list[str] = []
        attempt = env.get("GITHUB_RUN_ATTEMPT", "")
        verbose = (env["PY_BUILD_CMAKE_VERBOSE"].strip().lower() in TRUTHY
                   if "PY_BUILD_CMAKE_VERBOSE" in env
                   else attempt.isdigit() and int(attempt) > 1)
        for raw_key, raw in (settings or {}).items():
            key = raw_key.lstrip("-")
            values = raw if isinstance(raw, list) else [raw]
            if key == "local":
                local += [cwd / v for v in values]
            elif key == "cross":
                cross += [cwd / v for v in values]
            elif key in ("override", "o"):
                override += values
            elif key in ("verbose", "V", "v"):
                text = str(values[-1]).strip().lower()
                if text not in TRUTHY | FALSY:
                    raise ConfigError(f"config setting {raw_key}: expected one of "
                                      f"{sorted(TRUTHY | FALSY)}, found {values[-1]!r}")
                verbose = text in TRUTHY
            elif key == "verbose-env":  # py-build-cmake's: print the environment when verbose
                if str(values[-1]).strip().lower() not in TRUTHY | FALSY:
                    raise ConfigError(f"config setting {raw_key}: expected one of "
                                      f"{sorted(TRUTHY | FALSY)}, found {values[-1]!r}")
            elif key == "loglevel":  # py-build-cmake's logging level; crosswheel does not log
                if str(values[-1]).strip().upper() not in _LOG_LEVELS:
                    raise ConfigError(f"config setting {raw_key}: expected one of "
                                      f"{', '.join(_LOG_LEVELS)}, found {values[-1]!r}")
            else:
                unknown_key(key, ["local", "cross", "override", "o", "verbose", "V",
                                  "verbose-env", "loglevel"], "config settings (-C)")
        return cls(local, cross, override, verbose)


def is_truthy(value: str) -> bool:
    return value.strip().lower() in TRUTHY
