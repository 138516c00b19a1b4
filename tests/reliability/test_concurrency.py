"""Builds at the same time: of one project (they take turns in its build folder), into one
output folder (each artefact appears whole), native and cross side by side."""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

import pytest

from . import util as u

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import crossutil

EPOCH_ENV = {"SOURCE_DATE_EPOCH": str(u.EPOCH)}
C_API_WHEEL = "c_api_example-1.2.3-cp311-cp311-linux_x86_64.whl"
WAITING = "crosswheel: waiting for another build using "


RENDEZVOUS_PY = """\
import glob, os, time
# Hold the build folder until another build says it waits for it. (The other build always
# comes to wait, however loaded the machine; the deadline only ends a test that has failed.)
logs = os.environ.get("RELIABILITY_LOGS")
deadline = time.monotonic() + 600
while logs and time.monotonic() < deadline:
    if any("waiting for another build" in open(f, errors="replace").read()
           for f in glob.glob(logs)):
        break
    time.sleep(0.05)
"""


def c_api(dest: Path, rendezvous: bool = False) -> Path:
    """The c-api example; with `rendezvous`, a build of it keeps its build folder until the
    log of another build (files $RELIABILITY_LOGS) says it is waiting for that folder."""
    project = u.copy_example("c-api", dest).resolve()
    if rendezvous:
        (project / "rendezvous.py").write_text(RENDEZVOUS_PY)
        with (project / "CMakeLists.txt").open("a") as f:
            f.write("add_custom_target(reliability_rendezvous ALL COMMAND "
                    "${PY_BUILD_CMAKE_BUILD_PYTHON_INTERPRETER} "
                    "${CMAKE_CURRENT_SOURCE_DIR}/rendezvous.py VERBATIM)\n")
    return project


def start_all(builds: list[tuple[Path, Path, tuple[str, ...]]], tmp_path: Path,
              extra_env: dict[str, str] | None = None) -> list[u.Result]:
    """Start every (project, output folder, arguments) build at once; wait for all."""
    started = []
    try:
        for i, (project, out, args) in enumerate(builds):
            started.append(u.Background(project, out, *args, log=tmp_path / f"log{i}",
                                        extra_env=extra_env))
        return [bg.wait() for bg in started]
    finally:
        for bg in started:
            bg.kill()


def import_check(wheel: Path, tmp: Path) -> str:
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(tmp)
    res = u.subprocess.run([sys.executable, "-E", "-s", "-c",
                            "import c_api_example as m; print(m.add(2, 3))"],
                           cwd=tmp, capture_output=True, text=True, check=True)
    return res.stdout.strip()


def test_two_builds_of_one_project_take_turns(tmp_path: Path) -> None:
    """Two python -m build processes started together on one project folder (and an sdist
    build beside them): both wheels are built, valid, and byte for byte the same."""
    project = c_api(tmp_path / "c-api", rendezvous=True)
    before = u.snapshot(project)
    outs = [tmp_path / "dist1", tmp_path / "dist2", tmp_path / "dist-sdist"]
    results = start_all([(project, outs[0], ("--wheel",)), (project, outs[1], ("--wheel",)),
                         (project, outs[2], ("--sdist",))], tmp_path,
                        {**EPOCH_ENV, "RELIABILITY_LOGS": str(tmp_path / "log*")})
    for res in results:
        assert res.returncode == 0, res.describe()
    # They met at the build folder's lock: one of them waited for the other.
    waited = [res for res in results[:2] if WAITING in res.output]
    assert len(waited) == 1, "\n\n".join(r.describe() for r in results)
    assert f"{WAITING}{project}/{u.CACHE}/cp311-cp311-linux_x86_64" in waited[0].output
    for out in outs[:2]:
        u.check_output_folder(out, [C_API_WHEEL])
    u.check_output_folder(outs[2], ["c_api_example-1.2.3.tar.gz"])
    first, second = ((out / C_API_WHEEL).read_bytes() for out in outs[:2])
    assert first == second
    assert import_check(outs[0] / C_API_WHEEL, tmp_path / "installed") == "5"
    assert u.snapshot(project) == before


def test_builds_into_one_output_folder(tmp_path: Path) -> None:
    """Two wheel and three sdist builds of one project, all into the same folder at once: it
    ends up with one complete wheel and one complete sdist, and nothing else."""
    project = u.write_project(tmp_path / "project", u.CMAKE_TOOL).resolve()
    out = tmp_path / "dist"
    builds = [(project, out, ("--wheel",))] * 2 + [(project, out, ("--sdist",))] * 3
    for res in start_all(builds, tmp_path, EPOCH_ENV):
        assert res.returncode == 0, res.describe()
    u.check_output_folder(out, ["rel_pkg-1.0.0-cp311-cp311-linux_x86_64.whl",
                                "rel_pkg-1.0.0.tar.gz"])


def test_native_and_cross_build_at_once(tmp_path: Path) -> None:
    """A native and an aarch64 build of one project folder at the same time: different build
    folders, so neither waits, and each wheel has its own tags and binaries."""
    try:
        sysroot = crossutil.sysroot("aarch64")
    except RuntimeError as e:
        pytest.fail(f"{e} (tools/cross/setup.sh sets it up)")
    project = c_api(tmp_path / "c-api")
    cross = tmp_path / "aarch64.cross.toml"  # outside the project: only the cross build has it
    cross.write_text(f'triple = "aarch64-linux-gnu"\nsysroot = "{sysroot}"\n')
    before = u.snapshot(project)
    native_out, cross_out = tmp_path / "native", tmp_path / "cross"
    results = start_all([(project, native_out, ("--wheel",)),
                         (project, cross_out, ("--wheel", f"-Ccross={cross}"))], tmp_path)
    for res in results:
        assert res.returncode == 0, res.describe()
        assert WAITING not in res.output, res.describe()
    native = u.only(native_out, "*.whl")
    target = u.only(cross_out, "*.whl")
    assert native.name == C_API_WHEEL
    assert target.name == "c_api_example-1.2.3-cp311-cp311-linux_aarch64.whl"
    assert u.wheel_tags(native) == ["cp311-cp311-linux_x86_64"]
    assert u.wheel_tags(target) == ["cp311-cp311-linux_aarch64"]
    for wheel, suffix, machine in ((native, "x86_64", 62), (target, "aarch64", 183)):
        u.check_artefact(wheel)
        with zipfile.ZipFile(wheel) as zf:
            (so,) = [n for n in zf.namelist() if n.endswith(".so")]
            assert so.endswith(f".cpython-311-{suffix}-linux-gnu.so"), so
            assert u.elf_machine(zf.read(so)) == machine
    assert sorted(p.name for p in (project / u.CACHE).iterdir() if p.is_dir()) == [
        "cp311-cp311-linux_aarch64", "cp311-cp311-linux_x86_64"]
    assert import_check(native, tmp_path / "installed") == "5"
    assert u.snapshot(project) == before
