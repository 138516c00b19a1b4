"""The component backend: a -dev wheel from the main project's build folder."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import manylinuxutil as m
from crosswheel import component, manylinux
from crosswheel.config import Settings

REPO = Path(__file__).resolve().parent.parent
PY = f"cp{sys.version_info[0]}{sys.version_info[1]}"
AUTO = "wheel.manylinux=auto"  # an override line for the main project


def build(project: Path, out: Path, *config: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "build", "--wheel", "--no-isolation", "-o", str(out)]
    cmd += [f"-C{c}" for c in config]
    return subprocess.run([*cmd, str(project)], capture_output=True, text=True, check=False)


def copy_example(dest: Path) -> Path:
    main = dest / "component"
    shutil.copytree(REPO / "examples/component", main,
                    ignore=shutil.ignore_patterns(".py-build-cmake_cache", "dist"))
    return main


def test_dev_component_wheel_holds_only_the_dev_component(tmp_path: Path) -> None:
    main = copy_example(tmp_path)
    out = tmp_path / "dist"

    r = build(main / "dev", out)  # the main project has not been built yet
    assert r.returncode != 0
    assert "has not been built here yet" in r.stdout + r.stderr
    assert "Traceback" not in r.stdout + r.stderr
    assert not out.exists() or not list(out.glob("*.whl"))

    r = build(main, out)
    assert r.returncode == 0, r.stdout + r.stderr
    r = build(main / "dev", out)
    assert r.returncode == 0, r.stdout + r.stderr
    dev = out / "component_example_dev-1.0.0-cp311-cp311-linux_x86_64.whl"
    with zipfile.ZipFile(dev) as zf:
        names = sorted(zf.namelist())
        meta = zf.read("component_example_dev-1.0.0.dist-info/METADATA").decode()
    assert names == [
        "component_example/include/component_example.h",
        "component_example/lib/cmake/component_example/component_example-config.cmake",
        "component_example_dev-1.0.0.dist-info/METADATA",
        "component_example_dev-1.0.0.dist-info/RECORD",
        "component_example_dev-1.0.0.dist-info/WHEEL",
        "component_example_dev-1.0.0.dist-info/entry_points.txt",
    ]
    assert "Requires-Dist: component-example==1.0.0" in meta

    # prepare_metadata_for_build_wheel gives the wheel's own .dist-info files, byte for byte.
    prepared = tmp_path / "meta"
    info = component.write_metadata(main / "dev", prepared, Settings())
    assert info == "component_example_dev-1.0.0.dist-info"
    files = {p.relative_to(prepared).as_posix(): p.read_bytes()
             for p in sorted(prepared.rglob("*")) if p.is_file()}
    assert sorted(files) == [f"{info}/METADATA", f"{info}/WHEEL", f"{info}/entry_points.txt"]
    with zipfile.ZipFile(dev) as zf:
        for arcname, data in files.items():
            assert zf.read(arcname) == data, arcname

    # get_requires_for_build_wheel: auditwheel's policy data once the main project wants a check.
    assert component.requirements(main / "dev", Settings()) == []
    assert component.requirements(main / "dev", Settings.parse({"override": AUTO})) == [
        manylinux.REQUIREMENT]

    # Headers and CMake files alone: the main project's manylinux check leaves the tag alone.
    r = build(main / "dev", tmp_path / "auto", f"override={AUTO}")
    assert r.returncode == 0, r.stdout + r.stderr
    assert (tmp_path / "auto" / dev.name).read_bytes() == dev.read_bytes()
    with zipfile.ZipFile(out / "component_example-1.0.0-cp311-cp311-linux_x86_64.whl") as zf:
        main_names = zf.namelist()
    assert "component_example/_core.cpython-311-x86_64-linux-gnu.so" in main_names
    assert not any("include" in n for n in main_names)

    # Both install side by side; the header sits in the package folder.
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = venv / "bin/python"
    subprocess.run([py, "-m", "pip", "install", "-q", "--no-index", "--find-links", str(out),
                    "component-example-dev"], check=True)
    r = subprocess.run([py, "-c", "import component_example as m, pathlib; print(m.triple(14)); "
                        "print((pathlib.Path(m.__file__).parent / 'include' / "
                        "'component_example.h').is_file())"],
                       capture_output=True, text=True, check=True, cwd=tmp_path)
    assert r.stdout.split() == ["42", "True"]


# A shared library the -dev package ships for C users; getrandom makes it need GLIBC_2.25.
LIB_CMAKE = """
add_library(cwrand SHARED src/cwrand.c)
install(TARGETS cwrand LIBRARY EXCLUDE_FROM_ALL COMPONENT dev
        DESTINATION ${PY_BUILD_CMAKE_IMPORT_NAME}/lib)
"""


def test_a_component_with_binaries_gets_the_main_wheels_manylinux_check(tmp_path: Path) -> None:
    main = copy_example(tmp_path)
    (main / "src/cwrand.c").write_text(m.GETRANDOM_C)
    (main / "CMakeLists.txt").write_text((main / "CMakeLists.txt").read_text() + LIB_CMAKE)
    r = build(main, tmp_path / "main", f"override={AUTO}")
    assert r.returncode == 0, r.stdout + r.stderr

    out = tmp_path / "dist"
    r = build(main / "dev", out, f"override={AUTO}")
    assert r.returncode == 0, r.stdout + r.stderr
    [dev] = out.glob("*.whl")
    with zipfile.ZipFile(dev) as zf:
        assert "component_example/lib/libcwrand.so" in zf.namelist()
    needed, versions = m.scan_wheel(dev, tmp_path / "unpacked")
    assert "GLIBC_2.25" in versions and "libc.so.6" in needed  # readelf, not crosswheel
    tags = m.platform_tags(dev)
    assert m.level(tags[0]) >= m.newest_glibc(versions), tags
    assert m.auditwheel_overall_tag(dev) == tags[0]
    assert dev.name.startswith(f"component_example_dev-1.0.0-{PY}-{PY}-manylinux_")
    assert m.wheel_tags(dev) == [f"{PY}-{PY}-{t}" for t in tags]
    assert f"wheel.manylinux = 'auto': {'.'.join(tags)}" in r.stdout + r.stderr

    # A level the library does not fit refuses the component wheel, naming file and version.
    strict = tmp_path / "strict"
    r = build(main / "dev", strict, "override=wheel.manylinux=manylinux_2_17")
    assert r.returncode != 0
    output = r.stdout + r.stderr
    assert "Traceback" not in output
    line = next(x for x in output.splitlines() if "GLIBC_2.25" in x)
    assert "component_example/lib/libcwrand.so" in line and "manylinux_2_17" in line
    assert not strict.exists() or not list(strict.glob("*.whl"))
