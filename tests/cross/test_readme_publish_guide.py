"""The guide "Publishing cross-built wheels to PyPI" of docs/publishing.md works as written (in a
copy of the repository)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import crossutil
import manylinuxutil as m


def test_readme_publishing_guide(tmp_path: Path) -> None:
    crossutil.run_doc_guide(tmp_path, "publishing.md", "publish-guide", "pybind11-project")
    dist = tmp_path / "repo/examples/pybind11-project/dist"
    wheels = sorted(dist.glob("*.whl"))
    assert [m.platform_tags(w) for w in wheels] == [
        ["manylinux_2_17_aarch64", "manylinux2014_aarch64"],
        ["manylinux_2_17_x86_64", "manylinux2014_x86_64"]]
    assert sorted(p.name for p in dist.glob("*.tar.gz")) == ["pybind11_example-2.0.0.tar.gz"]
