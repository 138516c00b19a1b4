"""cmake.compiler_launcher: a compiler cache wraps every compile."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from crosswheel.errors import BuildError
from crosswheel.plan import compiler_launcher

REPO = Path(__file__).resolve().parent.parent


def fake_launcher(folder: Path, name: str, log: Path) -> Path:
    folder.mkdir(exist_ok=True)
    exe = folder / name
    exe.write_text(f'#!/bin/sh\necho "$@" >> "{log}"\nexec "$@"\n')
    exe.chmod(0o755)
    return exe


def test_auto_picks_ccache_then_sccache_and_is_quiet_without_either(tmp_path: Path,
                                                                    monkeypatch) -> None:
    bin_dir = tmp_path / "bin"
    monkeypatch.setenv("PATH", str(bin_dir))
    assert compiler_launcher("auto") is None
    sccache = fake_launcher(bin_dir, "sccache", tmp_path / "log")
    assert compiler_launcher("auto") == str(sccache)
    ccache = fake_launcher(bin_dir, "ccache", tmp_path / "log")
    assert compiler_launcher("auto") == str(ccache)
    assert compiler_launcher(None) is None
    with pytest.raises(BuildError, match="'distcc' is not on PATH"):
        compiler_launcher("distcc")


def test_launcher_wraps_the_compiles_of_a_real_build(tmp_path: Path) -> None:
    project = tmp_path / "c-api"
    shutil.copytree(REPO / "examples/c-api", project,
                    ignore=shutil.ignore_patterns(".py-build-cmake_cache", "dist"))
    log = tmp_path / "launcher.log"
    fake_launcher(tmp_path / "bin", "ccache", log)
    env = {**os.environ, "PATH": f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    r = subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "-o",
                        str(tmp_path / "dist"), "-Coverride=cmake.compiler_launcher=auto",
                        str(project)],
                       env=env, capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stdout + r.stderr
    calls = log.read_text()
    assert "core.c" in calls and " -c " in calls
