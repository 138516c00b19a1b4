"""The component backend: a -dev wheel from the main project's build folder."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def build(project: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "-o",
                           str(out), str(project)], capture_output=True, text=True, check=False)


def test_dev_component_wheel_holds_only_the_dev_component(tmp_path: Path) -> None:
    main = tmp_path / "component"
    shutil.copytree(REPO / "examples/component", main,
                    ignore=shutil.ignore_patterns(".py-build-cmake_cache", "dist"))
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
