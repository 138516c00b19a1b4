"""An isolated `python -m build` with cross.compiler = "zig" gets ziglang from PyPI itself."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import manylinuxutil as m


def test_an_isolated_build_gets_ziglang_itself(work: Path, isolated_env: dict[str, str]):
    from . import helpers as h

    project = m.make_project(work / "zig-isolated")
    # No triple, no sysroot: a native build with zig against glibc 2.17.
    (project / "crosswheel.cross.toml").write_text(
        'compiler = "zig"\nglibc = "2.17"\n[wheel]\nmanylinux = "auto"\n')
    out = work / "zig-isolated-dist"
    res = h.python_build(project, out, "--wheel", isolated=True, env=isolated_env)
    assert "ziglang" in res.output, res.describe()  # what crosswheel asked for
    [whl] = sorted(out.glob("*.whl"))
    tags = m.platform_tags(whl)
    _, versions = m.scan_wheel(whl, work / "zig-isolated-site")
    assert m.newest_glibc(versions) <= m.level(tags[0]) <= (2, 17), tags
    assert m.auditwheel_overall_tag(whl) == tags[0]
    # The toolchain's wrappers called the zig of the (now deleted) isolated environment.
    cc = next((project / ".py-build-cmake_cache").glob("*/crosswheel-zig/cc")).read_text()
    assert "ziglang/zig" in cc and sys.prefix not in cc
