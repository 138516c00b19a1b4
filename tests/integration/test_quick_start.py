"""README's Quick start, exactly as printed: its files, and each of its commands in a venv of
its own (isolated builds get crosswheel from a wheel of this repository through
PIP_FIND_LINKS / UV_FIND_LINKS, as README says)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from . import helpers as h

BLOCK = re.compile(r"```(\w+)\n(.*?)```", re.S)
FIRST_LINE = re.compile(r"(?:#|//) (\S+)$")
WHEEL = f"my_ext-0.1.0-cp{sys.version_info[0]}{sys.version_info[1]}-" \
        f"cp{sys.version_info[0]}{sys.version_info[1]}-linux_x86_64.whl"
SDIST = "my_ext-0.1.0.tar.gz"
IN_WHEEL = {"my_ext/__init__.py", f"my_ext/_core{sysconfig.get_config_var('EXT_SUFFIX')}"}


def quick_start() -> tuple[dict[str, str], list[str]]:
    """The files ({path: text}, each block's first line names it) and the shell commands."""
    text = (h.REPO / "README.md").read_text(encoding="utf-8")
    m = re.search(r"<!-- quick-start:start -->\n(.*?)<!-- quick-start:end -->", text, re.S)
    assert m, "README lost its Quick start"
    files, commands = {}, []
    for lang, body in BLOCK.findall(m.group(1)):
        if lang == "sh":
            commands += [ln.split("  #")[0].strip() for ln in body.splitlines() if ln.strip()]
        else:
            name = FIRST_LINE.match(body.splitlines()[0])
            assert name, f"a {lang} block of the Quick start does not start with its file name"
            files[name.group(1)] = body
    return files, commands


def test_quick_start_shows_every_file() -> None:
    files, commands = quick_start()
    assert sorted(files) == ["CMakeLists.txt", "my_ext/__init__.py", "pyproject.toml",
                             "src/core.c"]
    assert commands == ["python -m build", "uv build", "pip wheel -w dist .", "pip install -e .",
                        'python -c "import my_ext; print(my_ext.add(2, 3))"']


@pytest.fixture(scope="module")
def frontend_env(work: Path, crosswheel_wheel: Path, uv_cache: Path) -> dict[str, str]:
    """A venv with pip and build (what a user has), first on PATH; uv comes after it."""
    venv = work / "quick-start-venv"
    h.run([sys.executable, "-m", "venv", venv], env=h.env_without_source_tree())
    h.run([venv / "bin/python", "-m", "pip", "install", "--quiet", "build"],
          env=h.env_without_source_tree())
    env = h.env_without_source_tree(
        PATH=f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}", VIRTUAL_ENV=str(venv),
        PIP_FIND_LINKS=str(crosswheel_wheel.parent), UV_FIND_LINKS=str(crosswheel_wheel.parent),
        UV_CACHE_DIR=str(uv_cache), UV_NO_CONFIG="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    env.pop("PYTHONHOME", None)
    return env


def project(dest: Path) -> Path:
    files, _ = quick_start()
    for rel, text in files.items():
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        (dest / rel).write_text(text, encoding="utf-8")
    return dest


def sh(command: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    p = subprocess.run(["bash", "-euo", "pipefail", "-c", command], cwd=cwd, env=env,
                       capture_output=True, text=True, timeout=h.TIMEOUT, check=False)
    assert p.returncode == 0, f"$ {command}\n{p.stdout[-6000:]}\n{p.stderr[-6000:]}"
    return p


@pytest.mark.parametrize(("index", "expected"), [(0, [SDIST, WHEEL]), (1, [SDIST, WHEEL]),
                                                 (2, [WHEEL])], ids=["build", "uv", "pip-wheel"])
def test_quick_start_builds(work: Path, frontend_env: dict[str, str], index: int,
                            expected: list[str]) -> None:
    command = quick_start()[1][index]
    root = project(work / f"quick-start-{index}")
    sh(command, root, frontend_env)
    dist = root / "dist"
    assert [n for n in h.listdir(dist) if n != ".gitignore"] == sorted(expected)
    names = set(h.wheel_names(dist / WHEEL))
    assert IN_WHEEL <= names, names
    h.check_record(dist / WHEEL)
    if SDIST in expected:  # the wheel was built from it, so the sources are in it
        assert {"CMakeLists.txt", "src/core.c", "my_ext/__init__.py"} <= set(
            h.sdist_names(dist / SDIST))


def test_quick_start_editable(work: Path, frontend_env: dict[str, str]) -> None:
    install, probe = quick_start()[1][3:]
    root = project(work / "quick-start-editable")
    sh(install, root, frontend_env)
    shutil.rmtree(root / "dist", ignore_errors=True)
    elsewhere = work / "quick-start-elsewhere"
    elsewhere.mkdir()
    assert sh(probe, elsewhere, frontend_env).stdout == "5\n"
    # Editable: the installed package is the project's folder, so a change shows at once.
    (root / "my_ext/__init__.py").write_text(
        (root / "my_ext/__init__.py").read_text() + "\nEDITED = True\n")
    assert sh('python -c "import my_ext; print(my_ext.EDITED)"', elsewhere,
              frontend_env).stdout == "True\n"
