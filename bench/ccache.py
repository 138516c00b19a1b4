"""Compiler cache: a wheel rebuilt after `rm -rf` of the build folder, with ccache cold and warm.

    python bench/ccache.py [--reps N]

Builds examples/pybind11-project with crosswheel (no isolation) three ways, N times each:
without a launcher, with `cmake.compiler_launcher = "ccache"` and an empty cache (cold), and again
after deleting the build folder with the cache filled (warm). Writes bench/CCACHE.md.
Needs ccache on PATH (Debian: apt-get install ccache).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "pybind11-project"


def build(project: Path, out: Path, env: dict[str, str], launcher: bool) -> float:
    shutil.rmtree(project / ".py-build-cmake_cache", ignore_errors=True)
    cmd = [sys.executable, "-m", "crosswheel", "wheel", "--project", str(project), "-d", str(out)]
    if launcher:
        cmd += ["-o", "cmake.compiler_launcher='ccache'"]
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    if shutil.which("ccache") is None:
        sys.exit("bench/ccache.py: ccache is not on PATH (apt-get install ccache)")
    times: dict[str, list[float]] = {"no launcher": [], "ccache cold": [], "ccache warm": []}
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "project"
        shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns(".py-build-cmake_cache"))
        env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
        for rep in range(args.reps):
            cache = Path(tmp) / f"ccache-{rep}"
            env["CCACHE_DIR"] = str(cache)
            times["no launcher"].append(build(project, Path(tmp) / "dist", env, False))
            times["ccache cold"].append(build(project, Path(tmp) / "dist", env, True))
            times["ccache warm"].append(build(project, Path(tmp) / "dist", env, True))
    version = subprocess.run(["ccache", "--version"], capture_output=True, text=True,
                             check=True).stdout.splitlines()[0]
    base = statistics.median(times["no launcher"])
    rows = [f"| {k} | {statistics.median(v):.2f} s | {statistics.median(v) / base:.2f}x |"
            for k, v in times.items()]
    text = "\n".join([
        "# Compiler cache: rebuild after `rm -rf` of the build folder",
        "",
        f"examples/pybind11-project, clean wheel build with crosswheel's CLI, median of "
        f"{args.reps}. {version}; {platform.machine()}, {os.cpu_count()} cores; "
        f"Python {platform.python_version()}. Made by `python bench/ccache.py`.",
        "",
        "| build | time | vs. no launcher |",
        "|---|---:|---:|",
        *rows,
        "",
    ])
    (REPO / "bench" / "CCACHE.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
