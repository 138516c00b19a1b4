#!/usr/bin/env python3
"""Build the examples with py-build-cmake itself, as a reference.

For each example: copy it to a temporary folder, point its build-system at
py-build-cmake (and rename [tool.crosswheel...] tables to
[tool.py-build-cmake...]), build a wheel with `python -m build --wheel
--no-isolation`, print the wheel's file list, install it into a throwaway venv
(--system-site-packages) and run a small import check.

Needs: pip install py-build-cmake build pybind11 nanobind
Usage: python examples/check-with-py-build-cmake.py [EXAMPLE ...] [--keep DIR]
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import venv
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

# Python code run in the venv after installing each example's wheel.
CHECKS = {
    "pure-python": """
import pure_python_example as m
assert m.__version__ == "0.3.1"
assert m.greet("x") == "Hello from pure_python_example, x!"
""",
    "c-api": """
import platform, c_api_example as m
assert m.add(2, 3) == 5
assert m.platform() == platform.machine(), m.platform()
assert m._core.__version__ == "1.2.3"
""",
    "pybind11-project": """
import pybind11_example as m
assert m.add(2, 3) == 5 and m.mul(1.5, 4) == 6.0
c = m.Counter(10); c.increment(); c.increment(5)
assert c.value == 16, c.value
assert m.__version__ == "2.0.0"
""",
    "nanobind-project": """
import nanobind_example as m
assert m.add(40, 2) == 42
""",
    "generated-module": """
import generated_example as m
assert m.answer() == 42 and m.__version__ == "0.4.0"
assert m.hello("crosswheel") == "Hello, crosswheel, from generated_example!"
""",
    "namespace-package": """
import nspkg, nspkg.sub
assert not hasattr(nspkg, "__file__") or nspkg.__file__ is None
assert nspkg.sub.mul(6, 7) == 42 and nspkg.sub.square(9) == 81
""",
    "multi-config": """
import multi_config_example as m
assert m.release.build_config() == "Release" and m.debug.build_config() == "Debug"
assert not m.release.assertions_enabled() and m.debug.assertions_enabled()
assert m.add(1, 2) == 3
""",
    "two-projects": """
import two_projects_example as m
assert m.names() == ["alpha", "beta"] and m.add(1, 2) == 3 and m.scale(7) == 70
assert m._beta.FACTOR == 10
""",
    "scripts-data": """
import subprocess, scripts_data_example as m
out = subprocess.run([m.hello_path()], check=True, capture_output=True, text=True).stdout
assert out == "Hello from hello-cw!\\n", out
assert m.read_greeting() == "greetings from the scripts-data example"
""",
    "copy-native": """
import platform, copy_native_example as m
assert m.squares() == tuple(i * i for i in range(16)) and m.square(12) == 144
assert m.TABLE_SIZE == 16
assert m.generated_on() == m.platform() == platform.machine()
""",
}


def to_py_build_cmake(pyproject: Path) -> None:
    text = pyproject.read_text()
    text = text.replace('build-backend = "crosswheel.backend"',
                        'build-backend = "py_build_cmake.build"')
    text = re.sub(r'"crosswheel"', '"py-build-cmake~=0.5"', text, count=1)
    text = text.replace("[tool.crosswheel", "[tool.py-build-cmake")
    pyproject.write_text(text)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("examples", nargs="*", default=list(CHECKS))
    ap.add_argument("--keep", type=Path, help="work folder to keep (default: temporary)")
    args = ap.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="cw-examples-"))
    work.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns(".py-build-cmake_cache", ".crosswheel_cache",
                                    "build", "dist", "__pycache__")
    failed = []
    for name in args.examples:
        print(f"=== {name}", flush=True)
        src = work / name / "src"
        dist = work / name / "dist"
        shutil.rmtree(work / name, ignore_errors=True)
        shutil.copytree(HERE / name, src, ignore=ignore)
        to_py_build_cmake(src / "pyproject.toml")
        r = subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation",
                            "--outdir", str(dist), str(src)],
                           capture_output=True, text=True)
        (work / name / "build.log").write_text(r.stdout + r.stderr)
        if r.returncode:
            print(f"BUILD FAILED (log: {work / name / 'build.log'})")
            print(r.stdout[-3000:], r.stderr[-3000:])
            failed.append(name)
            continue
        (whl,) = dist.glob("*.whl")
        print(whl.name)
        with zipfile.ZipFile(whl) as zf:
            for info in zf.infolist():
                mode = (info.external_attr >> 16) & 0o777
                print(f"  {info.filename}  ({oct(mode)})")
        env_dir = work / name / "venv"
        venv.create(env_dir, system_site_packages=True, with_pip=True)
        py = env_dir / "bin" / "python"
        subprocess.run([str(py), "-m", "pip", "install", "-q", "--no-deps", str(whl)],
                       check=True)
        r = subprocess.run([str(py), "-c", CHECKS[name]], cwd=work,
                           capture_output=True, text=True)
        if r.returncode:
            print("IMPORT CHECK FAILED\n" + r.stdout + r.stderr)
            failed.append(name)
        else:
            print("  import check: OK")
    print(f"work folder: {work}")
    if failed:
        print("FAILED:", ", ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
