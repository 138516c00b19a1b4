"""The guide "Publishing cross-built wheels to PyPI" of docs/publishing.md works as written (in a
copy of the repository)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import manylinuxutil as m

REPO = Path(__file__).resolve().parents[2]


def guide() -> str:
    text = (REPO / "docs/publishing.md").read_text(encoding="utf-8")
    found = re.search(r"<!-- publish-guide:start -->\n(?:<!-- doc-test: [^\n]* -->\n)?```sh\n"
                      r"(.*?)```\n<!-- publish-guide:end -->", text, re.S)
    assert found, "docs/publishing.md lost its guide"
    return found.group(1)


def test_readme_publishing_guide(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "examples").mkdir(parents=True)
    shutil.copytree(REPO / "examples/pybind11-project", repo / "examples/pybind11-project",
                    ignore=shutil.ignore_patterns(".py-build-cmake_cache", "dist"))
    shutil.copytree(REPO / "tools", repo / "tools")
    (repo / ".cache").symlink_to(REPO / ".cache")  # the sysroots setup.sh made
    proc = subprocess.run(["bash", "-euo", "pipefail", "-c", guide()], cwd=repo,
                          capture_output=True, text=True, env=dict(os.environ), check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    dist = repo / "examples/pybind11-project/dist"
    wheels = sorted(dist.glob("*.whl"))
    assert [m.platform_tags(w) for w in wheels] == [
        ["manylinux_2_17_aarch64", "manylinux2014_aarch64"],
        ["manylinux_2_17_x86_64", "manylinux2014_x86_64"]]
    assert sorted(p.name for p in dist.glob("*.tar.gz")) == ["pybind11_example-2.0.0.tar.gz"]
