"""prepare_metadata_for_build_wheel gives the same .dist-info files as the wheel, without building."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

from crosswheel import build
from crosswheel.config import Settings

REPO = Path(__file__).resolve().parent.parent


def test_prepared_metadata_matches_the_wheel(tmp_path: Path) -> None:
    project = tmp_path / "c-api"
    shutil.copytree(REPO / "examples/c-api", project,
                    ignore=shutil.ignore_patterns(".py-build-cmake_cache", "dist"))
    meta_dir = tmp_path / "meta"
    name = build.write_metadata(project, meta_dir, Settings())
    assert name == "c_api_example-1.2.3.dist-info"
    assert not (project / ".py-build-cmake_cache").exists()  # nothing was built
    prepared = {p.relative_to(meta_dir).as_posix(): p.read_bytes()
                for p in sorted(meta_dir.rglob("*")) if p.is_file()}
    assert sorted(prepared) == [f"{name}/METADATA", f"{name}/WHEEL", f"{name}/entry_points.txt",
                                f"{name}/licenses/LICENSE"]
    wheel = build.build_wheel(project, tmp_path / "dist", Settings())
    with zipfile.ZipFile(wheel) as zf:
        for arcname, data in prepared.items():
            assert zf.read(arcname) == data, arcname
