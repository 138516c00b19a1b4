"""The PEP 517 hooks turn expected failures into one line on stderr and exit status 1."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .util import write_project

SRC = Path(__file__).resolve().parents[2] / "src"


def run_hook(cwd: Path, code: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    return subprocess.run([sys.executable, "-c", "import crosswheel.backend as b\n" + code],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(("tool", "message"), [
    ('[tool.crosswheel.cmake]\nbiuld_type = "Release"\n',
     "unknown key 'biuld_type'. Did you mean 'build_type'?"),
    ('[tool.crosswheel.wheel]\npython_abi = "abi4"\n',
     "tool.crosswheel.wheel.python_abi: expected one of 'auto', 'none', 'abi3', found a string "
     "('abi4')"),
])
def test_build_wheel_with_a_bad_config(tmp_path: Path, tool: str, message: str) -> None:
    root = write_project(tmp_path / "proj", tool)
    proc = run_hook(root, f"b.build_wheel({str(tmp_path / 'out')!r})")
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.startswith("crosswheel: error: ")
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


def test_build_sdist_with_a_missing_module(tmp_path: Path) -> None:
    root = write_project(tmp_path / "proj", module=False)
    proc = run_hook(root, f"b.build_sdist({str(tmp_path / 'out')!r})")
    assert proc.returncode == 1
    assert proc.stderr == ("crosswheel: error: module 'pkg' not found; looked for pkg, pkg.py, "
                           "src/pkg, src/pkg.py (set module.name and module.directory in the "
                           "tool table)\n")


def test_bad_config_setting(tmp_path: Path) -> None:
    root = write_project(tmp_path / "proj")
    proc = run_hook(root, f"b.build_wheel({str(tmp_path / 'out')!r}, {{'--crosss': 'x'}})")
    assert proc.returncode == 1
    assert proc.stderr == ("crosswheel: error: config settings (-C): unknown key 'crosss'. "
                           "Did you mean 'cross'?\n")


def test_not_a_project_folder(tmp_path: Path) -> None:
    proc = run_hook(tmp_path, "b.get_requires_for_build_wheel()")
    assert proc.returncode == 1
    assert proc.stderr == (f"crosswheel: error: {tmp_path.resolve() / 'pyproject.toml'}: file not "
                           "found (is this a Python project folder?)\n")


def test_good_pure_project_builds(tmp_path: Path) -> None:
    root = write_project(tmp_path / "proj")
    proc = run_hook(root, f"print(b.build_wheel({str(tmp_path / 'out')!r}))")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "pkg-1.0-py3-none-any.whl"
    assert (tmp_path / "out" / "pkg-1.0-py3-none-any.whl").is_file()


def test_an_unforeseen_os_error_is_one_line(tmp_path: Path) -> None:
    """A file-system failure no step turned into a message still names the path, without a
    traceback (the user's disk, not a crosswheel bug)."""
    root = write_project(tmp_path / "proj")
    code = ("import crosswheel.build as B\n"
            "def boom(*a, **k):\n"
            "    raise PermissionError(13, 'Permission denied', '/srv/locked/file')\n"
            "B.build_wheel = boom\n"
            f"b.build_wheel({str(tmp_path / 'out')!r})\n")
    proc = run_hook(root, code)
    assert proc.returncode == 1
    assert proc.stderr == "crosswheel: error: /srv/locked/file: Permission denied\n"
