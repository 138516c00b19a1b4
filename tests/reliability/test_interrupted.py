"""Issue 12 §5: a build killed while writing (SIGKILL, power loss) leaves a .part file that no
handler could remove; the next build of the same artefact removes it, but never the .part file of
a build still writing (it holds a lock on it). The real SIGKILL is in test_failures.py."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from . import util as u
from .corpus import MOD

WHEEL = f"{MOD}-1.0.0-py3-none-any.whl"
SDIST = f"{MOD}-1.0.0.tar.gz"


@pytest.mark.parametrize(("command", "artefact"), [("wheel", WHEEL), ("sdist", SDIST)])
def test_stale_part_files_are_removed(tmp_path: Path, command: str, artefact: str) -> None:
    project = u.write_project(tmp_path / "project", "", cmakelists=None).resolve()
    out = tmp_path / "dist"
    out.mkdir()
    stale = [f".{artefact}.k1ll3d.part", f".{artefact}.x_y-z.part"]
    for name in stale:
        (out / name).write_bytes(b"PK\x03\x04 half a zip")
    kept = {"notes.txt": "mine\n", ".other_pkg-2.0.tar.gz.abc.part": "another artefact's\n",
            f".{artefact}.abc.new": "not a .part file\n"}
    for name, text in kept.items():
        (out / name).write_text(text)
    res = u.cli(project, command, out)
    assert res.returncode == 0 and "Traceback" not in res.output, res.describe()
    assert u.listdir(out) == sorted([artefact, *kept])
    u.check_artefact(out / artefact)


HOLDER = """\
import sys
from pathlib import Path
from crosswheel import archive
fd, part = archive._locked_part(Path(sys.argv[1]))
print(part, flush=True)
sys.stdin.read()
"""


def test_a_live_writers_part_file_is_kept(tmp_path: Path) -> None:
    """Another build writing the same wheel name into the same folder (two copies of a project):
    its locked .part file survives our build's clean-up."""
    project = u.write_project(tmp_path / "project", "", cmakelists=None).resolve()
    out = tmp_path / "dist"
    out.mkdir()
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(out / WHEEL)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None
        live = Path(holder.stdout.readline().strip())
        assert live.name.startswith(f".{WHEEL}.") and live.name.endswith(".part")
        res = u.cli(project, "wheel", out)
        assert res.returncode == 0, res.describe()
        assert u.listdir(out) == sorted([WHEEL, live.name])
    finally:
        holder.communicate("", timeout=60)
    u.check_artefact(out / WHEEL)
