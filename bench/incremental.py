#!/usr/bin/env python3
"""Incremental rebuilds: what a rebuild costs as a package grows.

    python bench/incremental.py [--reps N] [--sizes 100,1000,10000] [--big-mb 200]

Packages whose files CMake installs (`install(DIRECTORY data/ ...)`, no compiler): 100, 1,000 and
10,000 small text files (about 2 KB each), and one big file of --big-mb MB, random or
compressible, next to one small file. Each is built clean (no build folder), again with nothing
changed (no-op), and after touching one small file (touch), by crosswheel, scikit-build-core and
py-build-cmake and by the floor, interleaved (the order rotates every repetition); medians.

Everything else comes from bench/run.py: the venvs, the timing `cmake`, the hook runner (a fresh
interpreter calling build_wheel, as a frontend does) and the floor (CMake's configure, build and
install into a fresh prefix, then zipfile deflate level 6 of all of it, in this process).

Writes the section between the `incremental` markers of bench/RESULTS.md, bench/incremental.png
and bench/.cache/incremental.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as R

CMAKELISTS = """\
cmake_minimum_required(VERSION 3.17...4.4)
project(bench_files LANGUAGES NONE)
install(DIRECTORY data/ DESTINATION bench_bigdata COMPONENT python_modules)
"""
WHOS = [*(b.name for b in R.BACKENDS), R.FLOOR]
LEAST = "least"  # the lower bound of any backend that runs CMake's build and install (below)
SCENARIOS = ("clean", "noop", "touch")
START, END = "<!-- incremental:start -->", "<!-- incremental:end -->"


def _text(rng: random.Random, words: list[str], size: int) -> str:
    out, n = [], 0
    while n < size:
        w = rng.choice(words)
        out.append(w)
        n += len(w) + 1
    return " ".join(out) + "\n"


def make_source(name: str, files: int, big_mb: int) -> Path:
    """The data/ folder of one package, made once under bench/.cache/incremental."""
    src = R.CACHE / "incremental" / name
    stamp = src / "done"
    if stamp.exists():
        return src
    shutil.rmtree(src, ignore_errors=True)
    data = src / "data"
    data.mkdir(parents=True)
    rng = random.Random(name)
    words = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 9)))
             for _ in range(2000)]
    for i in range(files):
        sub = data / f"d{i // 100:03d}"
        sub.mkdir(exist_ok=True)
        (sub / f"f{i % 100:02d}.txt").write_text(_text(rng, words, rng.randint(1000, 3000)))
    if big_mb:
        blob = data / "blob.bin"
        if name.startswith("random"):
            with open(blob, "wb") as f:
                for _ in range(big_mb):
                    f.write(rng.randbytes(1000 * 1000))
        else:
            R.make_blob(blob, big_mb * 1000 * 1000)
        (data / "d000").mkdir()
        (data / "d000" / "f00.txt").write_text(_text(rng, words, 2000))
    stamp.write_text("")
    return src


def make_work_copies(projects: dict[str, Path]) -> None:
    for who in WHOS:
        for name, src in projects.items():
            dst = R.WORK / who / name
            shutil.rmtree(dst, ignore_errors=True)
            (dst / "src").mkdir(parents=True)
            shutil.copytree(R.BENCH / "projects" / "bigdata" / "src", dst / "src",
                            dirs_exist_ok=True)
            (dst / "CMakeLists.txt").write_text(CMAKELISTS)
            if who != R.FLOOR:
                shutil.copyfile(R.BENCH / "projects" / "bigdata" / f"pyproject.{who}.toml",
                                dst / "pyproject.toml")
            # Small files are copied (a touch must not reach the other copies); big ones linked.
            for dirpath, _, filenames in os.walk(src / "data"):
                rel = Path(dirpath).relative_to(src)
                (dst / rel).mkdir(parents=True, exist_ok=True)
                for f in filenames:
                    s, d = Path(dirpath) / f, dst / rel / f
                    if s.stat().st_size > 1 << 20:
                        os.link(s, d)
                    else:
                        shutil.copy2(s, d)


def measure(bench: R.Bench, names: list[str], reps: int,
            done: Callable[[int], None]) -> None:
    """`done(n)` after each repetition: a run cut short still leaves its results."""
    for rep in range(reps):
        order = WHOS[rep % len(WHOS):] + WHOS[: rep % len(WHOS)]
        for name in names:
            p = R.Project(name, "bench_bigdata", "data/d000/f00.txt", SCENARIOS)
            for scenario in SCENARIOS:
                line = []
                for who in order:
                    try:
                        if who == R.FLOOR:
                            s = bench.floor(p, scenario)
                        else:
                            s = bench.hook(next(b for b in R.BACKENDS if b.name == who), p,
                                           scenario)
                    except RuntimeError as e:
                        R.log(f"bench: {e}")
                        s = {"error": str(e)[:2000]}
                    bench.record(name, scenario, who, s)
                    line.append(f"{R.SHORT[who]} {R._fmt_s(s['wall'])}" if "wall" in s
                                else f"{R.SHORT[who]} FAILED")
                    if who == R.FLOOR and "wall" in s:
                        bench.record(name, scenario, LEAST, least(p, scenario, s))
                R.log(f"[rep {rep + 1}/{reps}] {name:12} {scenario:6} " + "  ".join(line))
        done(rep + 1)


def least(p: R.Project, scenario: str, floor: dict) -> dict:
    """What no backend that lets CMake decide what is up to date can go below: a fresh
    interpreter (frontends call every hook in one), plus, for a clean build, the floor's steps;
    for a rebuild, `cmake --build` and `cmake --install` into the prefix the last build left,
    and nothing else (as if even the zip could be kept). Run right after the floor, in its
    build folder."""
    work = R.WORK / R.FLOOR / p.name
    build, kept = work / "floor-build", work / "least-stage"
    env = R.hook_env(R.CW.python)

    def timed(cmd: list) -> float:
        t0 = time.perf_counter()
        subprocess.run(cmd, cwd=work, env=env, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, check=True)
        return time.perf_counter() - t0

    install = [str(R.BIN / "cmake"), "--install", str(build), "--prefix", str(kept),
               "--component", "python_modules"]
    interpreter = timed([R.CW.python, "-c", "pass"])
    if scenario == "clean":
        shutil.rmtree(kept, ignore_errors=True)
        timed(install)  # unrecorded: the kept prefix the rebuilds start from
        return {"wall": interpreter + floor["wall"], "interpreter": interpreter}
    t = {"interpreter": interpreter, "build": timed([str(R.BIN / "cmake"), "--build", str(build)]),
         "install": timed(install)}
    return {**t, "wall": sum(t.values())}


def median(results: dict, key: str) -> float | None:
    vals = [s["wall"] for s in results.get(key, []) if "wall" in s]
    return statistics.median(vals) if vals else None


def slope(points: list[tuple[int, float]]) -> float | None:
    """Least-squares seconds per file."""
    if len(points) < 2:
        return None
    mx = sum(n for n, _ in points) / len(points)
    my = sum(t for _, t in points) / len(points)
    den = sum((n - mx) ** 2 for n, _ in points)
    return sum((n - mx) * (t - my) for n, t in points) / den if den else None


def report(results: dict, sizes: list[int], big: list[str], big_mb: int, reps: int,
           info: dict[str, str], load: tuple[str, str]) -> tuple[str, dict]:
    names = [f"files-{n}" for n in sizes] + big
    label = {f"files-{n}": f"{n:,} files" for n in sizes}
    label |= {"random": f"{big_mb} MB random", "compressible": f"{big_mb} MB compressible"}
    fmt = R._fmt_s
    lines = [START, "## Incremental rebuilds: cost as the package grows", "",
             f"Made by `python bench/incremental.py --reps {reps}` ({info['date']}, crosswheel "
             f"{info['crosswheel']}, load average {load[0]} / {load[1]} at start / end): "
             "packages whose files CMake installs, built clean, again with nothing changed "
             "(no-op) and after touching one small file; medians of interleaved runs, wall "
             "time of a fresh interpreter calling `build_wheel`. The floor is CMake's own steps "
             "into a fresh prefix plus `zipfile` deflate of everything. *Least* is a lower "
             "bound for any backend that runs CMake's build and install on every rebuild and "
             "lets them decide what is up to date: a fresh interpreter plus the floor for a "
             "clean build; a fresh interpreter plus `cmake --build` and `cmake --install` into "
             "the last build's prefix, and nothing else, for a rebuild. *least / least clean* "
             "is the smallest no-op ratio such a backend could reach. crosswheel goes below it "
             "where it leaves out the install (nothing the install reads or writes changed).",
             "",
             "![incremental rebuilds](incremental.png)", "",
             "| package | scenario | crosswheel | scikit-build-core | py-build-cmake | floor "
             "| least | cw / cw clean | least / least clean | skbuild / cw | pbc / cw |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    summary: dict = {"rows": {}, "slopes": {}}
    for name in names:
        clean_cw = median(results, f"{name}/clean/crosswheel")
        clean_least = median(results, f"{name}/clean/{LEAST}")
        for sc in SCENARIOS:
            m = {who: median(results, f"{name}/{sc}/{who}") for who in [*WHOS, LEAST]}
            summary["rows"][f"{name}/{sc}"] = m
            cw = m["crosswheel"]

            def ratio(a: float | None, b: float | None) -> str:
                return f"{a / b:.2f}x" if a and b else "–"
            lines.append(f"| {label[name]} | {sc} | " + " | ".join(
                fmt(m[w]) if m[w] is not None else "–" for w in [*WHOS, LEAST]) +
                f" | {ratio(cw, clean_cw)} | {ratio(m[LEAST], clean_least)} | "
                f"{ratio(m['scikit-build-core'], cw)} | {ratio(m['py-build-cmake'], cw)} |")
    lines += ["", "Slope: extra time per 1,000 files (least squares over "
              f"{', '.join(f'{n:,}' for n in sizes)} files).", "",
              "| scenario | crosswheel | scikit-build-core | py-build-cmake | floor |",
              "|---|---:|---:|---:|---:|"]
    for sc in SCENARIOS:
        row = []
        for who in WHOS:
            pts = [(n, v) for n in sizes
                   if (v := median(results, f"files-{n}/{sc}/{who}")) is not None]
            s = slope(pts)
            summary["slopes"][f"{sc}/{who}"] = s
            row.append(f"{s * 1000 * 1000:.0f} ms" if s is not None else "–")
        lines.append(f"| {sc} | " + " | ".join(row) + " |")
    lines += ["", "Target (issue 15): a no-op rebuild costs at most 0.35x a clean build of the "
              "same package (the `cw / cw clean` column of the no-op rows). Where the "
              "`least / least clean` column is above 0.35x, no backend that runs CMake's build "
              "and install on every rebuild can meet it.", "", END]
    return "\n".join(lines) + "\n", summary


def plot(data_file: Path, out: Path) -> None:
    """Run with the tools venv's python (matplotlib)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    data = json.loads(data_file.read_text())
    rows, sizes, big = data["summary"]["rows"], data["sizes"], data["big"]
    colors = {"crosswheel": "#1f77b4", "scikit-build-core": "#ff7f0e",
              "py-build-cmake": "#2ca02c", "floor": "#7f7f7f"}
    fig, axes = plt.subplots(1, 3 + len(big), figsize=(5 * (3 + len(big)) * 0.8, 4.2))
    for ax, sc in zip(axes, SCENARIOS):
        for who in WHOS:
            pts = [(n, rows[f"files-{n}/{sc}"][who]) for n in sizes
                   if rows[f"files-{n}/{sc}"][who] is not None]
            ax.plot([p[0] for p in pts], [p[1] for p in pts], "o-", color=colors[who],
                    label=who)
        ax.set_xscale("log")
        ax.set_title(f"{sc}: N small files")
        ax.set_xlabel("files")
        ax.set_ylabel("seconds (median)")
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8)
    for ax, name in zip(axes[3:], big):
        width = 0.2
        for i, who in enumerate(WHOS):
            vals = [rows[f"{name}/{sc}"][who] or 0 for sc in SCENARIOS]
            ax.bar([x + (i - 1.5) * width for x in range(len(SCENARIOS))], vals, width,
                   color=colors[who], label=who)
        ax.set_xticks(range(len(SCENARIOS)), SCENARIOS)
        ax.set_title(f"{data['big_mb']} MB {name} file")
        ax.set_ylabel("seconds (median)")
        ax.grid(alpha=0.3, axis="y")
    fig.tight_layout()
    fig.savefig(out, dpi=90)


def rerender() -> None:
    """RESULTS.md's section from bench/.cache/incremental.json, as the run that made it wrote it
    (its date, load and repetitions are in the data)."""
    data = json.loads((R.CACHE / "incremental.json").read_text())
    md, _ = report(data["results"], data["sizes"], data["big"], data["big_mb"], data["reps"],
                   data["info"], tuple(data["load"]))
    _write_section(md)


def _write_section(md: str) -> None:
    results_md = R.BENCH / "RESULTS.md"
    text = results_md.read_text()
    if START in text:
        text = text[: text.index(START)] + md + text[text.index(END) + len(END) + 1:]
    else:
        text = text.rstrip("\n") + "\n\n" + md
    results_md.write_text(text)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--sizes", default="100,1000,10000")
    ap.add_argument("--big-mb", type=int, default=200)
    ap.add_argument("--big", default="random,compressible")
    ap.add_argument("--plot", nargs=2, metavar=("JSON", "PNG"), help=argparse.SUPPRESS)
    ap.add_argument("--report-only", action="store_true",
                    help="write RESULTS.md's section again from the last run's data")
    args = ap.parse_args()
    if args.plot:
        plot(Path(args.plot[0]), Path(args.plot[1]))
        return
    if args.report_only:
        rerender()
        return
    sizes = [int(n) for n in args.sizes.split(",") if n]
    big = [b for b in args.big.split(",") if b]
    for d in (R.CACHE, R.TMP, R.LOGS, R.WORK):
        d.mkdir(parents=True, exist_ok=True)
    cmake, ninja = R.find_tool("cmake", None), R.find_tool("ninja", None)
    R.setup_bin(cmake, ninja)
    tools_python = R.setup_venvs()
    sources = {f"files-{n}": make_source(f"files-{n}", n, 0) for n in sizes}
    sources |= {b: make_source(b, 0, args.big_mb) for b in big}
    make_work_copies(sources)
    info = R.machine_info(cmake, ninja)
    load0 = Path("/proc/loadavg").read_text().split()[0]
    bench = R.Bench(cmake, ninja)

    def write(reps: int) -> None:
        load1 = Path("/proc/loadavg").read_text().split()[0]
        md, summary = report(bench.results, sizes, big, args.big_mb, reps, info, (load0, load1))
        raw = R.CACHE / "incremental.json"
        raw.write_text(json.dumps({"info": info, "results": bench.results, "summary": summary,
                                   "sizes": sizes, "big": big, "big_mb": args.big_mb,
                                   "reps": reps, "load": [load0, load1]}, indent=1))
        _write_section(md)
        print(md, flush=True)
        if tools_python is not None:
            R.run([tools_python, Path(__file__).resolve(), "--plot", raw,
                   R.BENCH / "incremental.png"])

    measure(bench, list(sources), args.reps, write)


if __name__ == "__main__":
    main()
