"""Small helpers shared by the unit tests: throwaway projects written into tmp_path."""

from __future__ import annotations

import textwrap
from pathlib import Path

from crosswheel.config import WheelConfig

PROJECT = '[project]\nname = "{name}"\nversion = "{version}"\n'


def write_project(root: Path, tool: str = "", files: dict[str, str] | None = None,
                  name: str = "pkg", version: str = "1.0", project: str | None = None,
                  module: bool = True) -> Path:
    """A project folder: pyproject.toml ([project] + `tool` text) and the given files.

    Unless `module` is false or files are given, it holds the package `<name>/__init__.py`.
    """
    root.mkdir(parents=True, exist_ok=True)
    head = project if project is not None else PROJECT.format(name=name, version=version)
    (root / "pyproject.toml").write_text(head + "\n" + textwrap.dedent(tool), encoding="utf-8")
    if files is None and module:
        files = {f"{name.replace('-', '_')}/__init__.py": ""}
    for rel, text in (files or {}).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def wheel_cfg(**kw: object) -> WheelConfig:
    """A WheelConfig with the defaults of options.py, for a non-pure build unless told."""
    values: dict[str, object] = dict(pure_python=False, python_tag=["auto"], python_abi="auto",
                                     abi3_minimum_cpython_version=32, abi_tag=None,
                                     platform_tag=None, build_tag=None)
    values.update(kw)
    return WheelConfig(**values)  # type: ignore[arg-type]
