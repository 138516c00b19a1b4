"""README: the set-up commands work as printed; the configuration reference (docs/) is the one
generated from options.py."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_readme_reference_is_current() -> None:
    spec = importlib.util.spec_from_file_location("update_readme", ROOT / "tools/update_readme.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert [p.relative_to(ROOT).as_posix() for p in mod.FILES] == ["docs/configuration.md"]
    for path in mod.FILES:
        text = path.read_text(encoding="utf-8")
        assert "| `build_type` |" in text, path
        assert mod.updated(text) == text, f"{path}: run python tools/update_readme.py"


def setup_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    m = re.search(r"<!-- setup:start -->\n```sh\n(.*?)```\n<!-- setup:end -->", text, re.S)
    assert m, "README lost its set-up commands"
    return [ln for ln in m.group(1).splitlines() if ln and not ln.startswith("#")]


def test_readme_setup_commands_are_the_ones_ci_runs() -> None:
    first, second = setup_commands()
    assert first.startswith("python3 -m venv .venv && ")
    assert second == "bash tools/test.sh"
    assert "bash tools/test.sh" in (ROOT / ".ci/run").read_text()


def test_readme_first_setup_command_with_debians_python(tmp_path: Path) -> None:
    """The first set-up command as printed, in a copy of the repository, with Debian's own
    python3 first on PATH: it is externally managed (PEP 668), so a plain pip install would
    be refused; the command must not need one."""
    debian = Path("/usr/bin/python3")
    assert debian.is_file(), "Debian's python3 (apt-get install python3-venv) is missing"
    managed = subprocess.run([debian, "-c", "import sysconfig; print(sysconfig.get_path('stdlib'))"],
                             capture_output=True, text=True, check=True).stdout.strip()
    assert (Path(managed) / "EXTERNALLY-MANAGED").is_file()
    repo = tmp_path / "repo"
    repo.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(ROOT / name, repo / name)
    shutil.copytree(ROOT / "src", repo / "src", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "examples/c-api", repo / "examples/c-api",
                    ignore=shutil.ignore_patterns(".py-build-cmake_cache", "dist"))
    bindir = tmp_path / "bin"
    bindir.mkdir()
    (bindir / "python3").symlink_to(debian)
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env["PATH"] = f"{bindir}{os.pathsep}{env['PATH']}"
    first = setup_commands()[0]
    proc = subprocess.run(["bash", "-euo", "pipefail", "-c", first], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=900, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert sorted(p.name for p in (repo / "dist").iterdir()) == [
        "c_api_example-1.2.3-cp311-cp311-linux_x86_64.whl"]
    version = subprocess.run([repo / ".venv/bin/python", "-c", "import sys; print(sys.prefix, "
                              "sys.base_prefix)"], capture_output=True, text=True, check=True)
    prefix, base = version.stdout.split()
    assert Path(prefix) == repo / ".venv" and base == "/usr", version.stdout
