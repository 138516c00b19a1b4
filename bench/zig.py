"""zig vs Debian's cross g++: a clean aarch64 wheel of the pybind11 example, and its size.

    python bench/zig.py [--reps N] [--cold]

Builds examples/pybind11-project for aarch64 (Debian 12 sysroot from tools/cross/setup.sh) with
crosswheel's CLI after deleting the build folder, interleaving `compiler = "gcc"` (the sysroot's
glibc 2.36, libstdc++) and `compiler = "zig"` with glibc 2.17 (libc++ linked in), both with
`wheel.manylinux = "auto"`. zig's cache is warm for these runs; `--cold` first times one build
with an empty zig cache (glibc stubs, compiler-rt and libc++ compiled from source).
Wall time is what a user waits; CPU time (user + system of every process) is less disturbed by
other work on the machine. Writes bench/ZIG.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "pybind11-project"
SYSROOT = REPO / ".cache" / "sysroots" / "aarch64"
CROSS = {
    "g++ (Debian 12 cross)": "",
    "zig, glibc 2.17": 'compiler = "zig"\nglibc = "2.17"\n',
}


def build(project: Path, out: Path, cross: Path, env: dict[str, str]) -> tuple[float, float, Path]:
    shutil.rmtree(project / ".py-build-cmake_cache", ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, "-m", "crosswheel", "wheel", "--project", str(project), "-d", str(out),
           "--cross", str(cross), "-o", "wheel.manylinux=auto"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    [wheel] = out.glob("*.whl")
    return wall, cpu, wheel


def describe(wheel: Path, tmp: Path) -> tuple[str, int, int, str, str]:
    """(platform tag, wheel bytes, module bytes, newest GLIBC_, C++ runtime needed)."""
    site = tmp / "site"
    shutil.rmtree(site, ignore_errors=True)
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(site)
    [module] = site.rglob("*.so")
    versions = subprocess.run(["readelf", "-V", "-W", str(module)], capture_output=True,
                              text=True, check=True).stdout
    glibc = max((tuple(map(int, v.split("."))) for v in re.findall(r"GLIBC_(\d+\.\d+)", versions)),
                default=(0, 0))
    dynamic = subprocess.run(["readelf", "-d", "-W", str(module)], capture_output=True,
                             text=True, check=True).stdout
    runtime = "libstdc++.so.6 (shared)" if "libstdc++" in dynamic else "libc++ (static)"
    tag = wheel.name[:-4].split("-")[-1]
    return (tag, wheel.stat().st_size, module.stat().st_size, ".".join(map(str, glibc)), runtime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--cold", action="store_true", help="also time one cold zig build")
    args = parser.parse_args()
    if not (SYSROOT / "usr/bin/python3.11").is_file():
        sys.exit("bench/zig.py: no aarch64 sysroot; run bash tools/cross/setup.sh")
    times: dict[str, list[tuple[float, float]]] = {k: [] for k in CROSS}
    facts = {}
    cold = None
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        project = tmp / "project"
        shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns(".py-build-cmake_cache",
                                                                        "dist"))
        env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
        files = {}
        for i, (name, extra) in enumerate(CROSS.items()):
            files[name] = tmp / f"{i}.cross.toml"
            files[name].write_text(f'triple = "aarch64-linux-gnu"\nsysroot = "{SYSROOT}"\n{extra}')
        zig = files["zig, glibc 2.17"]
        if args.cold:
            cold_env = {**env, "ZIG_GLOBAL_CACHE_DIR": str(tmp / "zig-cache")}
            cold = build(project, tmp / "dist", zig, cold_env)[:2]
        build(project, tmp / "dist", zig, env)  # warm zig's cache (no-op when it is)
        for _ in range(args.reps):
            for name, cross in files.items():
                wall, cpu, wheel = build(project, tmp / "dist", cross, env)
                times[name].append((wall, cpu))
                facts[name] = describe(wheel, tmp)
    zig_version = subprocess.run([sys.executable, "-m", "ziglang", "version"], capture_output=True,
                                 text=True, check=True).stdout.strip()
    gcc_version = subprocess.run(["aarch64-linux-gnu-g++", "--version"], capture_output=True,
                                 text=True, check=True).stdout.splitlines()[0]
    rows = []
    for name, samples in times.items():
        wall = statistics.median(s[0] for s in samples)
        cpu = statistics.median(s[1] for s in samples)
        tag, whl, so, glibc, runtime = facts[name]
        rows.append(f"| {name} | {wall:.1f} s | {cpu:.1f} s | {whl / 1024:.0f} KiB | "
                    f"{so / 1024:.0f} KiB | {glibc} | {runtime} | `{tag}` |")
    if cold:
        rows.append(f"| zig, glibc 2.17, empty zig cache | {cold[0]:.1f} s | {cold[1]:.1f} s "
                    "| | | | | |")
    text = "\n".join([
        "# zig vs Debian's cross g++: the pybind11 example for aarch64",
        "",
        f"Clean wheel build (build folder deleted) with crosswheel's CLI and "
        f"`wheel.manylinux = \"auto\"`, median of {args.reps}, interleaved; zig's cache warm "
        f"unless said. zig {zig_version} (PyPI ziglang); {gcc_version}; {platform.machine()}, "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end. "
        "Made by `python bench/zig.py" + (" --cold" if cold else "") + "`.",
        "",
        "| compiler | wall | CPU | wheel | module | newest GLIBC_ | C++ runtime | tag |",
        "|---|---:|---:|---:|---:|---:|---|---|",
        *rows,
        "",
    ])
    (REPO / "bench" / "ZIG.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
