"""The cross-compilation guide of docs/cross-compilation.md works as written (run in a copy of the
repository)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def guide() -> str:
    text = (REPO / "docs/cross-compilation.md").read_text(encoding="utf-8")
    m = re.search(r"<!-- cross-guide:start -->\n(?:<!-- doc-test: [^\n]* -->\n)?```sh\n(.*?)```\n"
                  r"<!-- cross-guide:end -->", text, re.S)
    assert m, "docs/cross-compilation.md lost its guide"
    return m.group(1)


def test_readme_cross_guide(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "examples").mkdir(parents=True)
    shutil.copytree(REPO / "examples/c-api", repo / "examples/c-api",
                    ignore=shutil.ignore_patterns(".py-build-cmake_cache", "dist"))
    shutil.copytree(REPO / "tools", repo / "tools")
    (repo / ".cache").symlink_to(REPO / ".cache")  # the sysroots setup.sh made
    proc = subprocess.run(["bash", "-euo", "pipefail", "-c", guide()], cwd=repo,
                          capture_output=True, text=True, env=dict(os.environ), check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "5 aarch64"
