#!/usr/bin/env python3
"""crosswheel side by side with scikit-build-core and py-build-cmake.

    python bench/run.py [--reps N] [--quick] [--projects capi,pybind11,bigdata]

Sets up (once, under bench/.cache): a venv per backend (crosswheel from this repository,
scikit-build-core and py-build-cmake from PyPI, each with pybind11), a tools venv with matplotlib
for the chart, and a timing `cmake` (bench/cmake_timer.c) in front of the real one on PATH.

Then, for every repetition, interleaved (the order of the backends rotates from one repetition
to the next) and each call a fresh interpreter running bench/hook_runner.py, which imports the
backend and calls its PEP 517 hook directly (no frontend):

  clean    build_wheel with no build folder
  no-op    build_wheel again, nothing changed, build folder kept
  touch    build_wheel after touching the one C/C++ source
  sdist    build_sdist
  editable (capi) a new interpreter importing the package of an editable install with its
           rebuild-on-import switch on, nothing changed (bench/editable.py installs them)

and the floor: plain `cmake` in a build folder of its own (same generator and build type; for
clean also the configure), `cmake --build` + `cmake --install --component python_modules`, then
zipfile deflate level 6 of the staged folder, timed in this process.

Overhead = hook wall time (fresh interpreter included, as a frontend pays it) minus the time in
CMake configure/build/install calls, as the timing cmake recorded them. Other cmake calls a
backend makes (`--version`, `-E capabilities`) count as overhead.

Writes bench/RESULTS.md and bench/results.png (--quick: bench/.cache/RESULTS-quick.md and
results-quick.png, so a trial run never overwrites the committed results).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
CACHE = BENCH / ".cache"
BIN = CACHE / "bin"
VENVS = CACHE / "venvs"
WORK = CACHE / "work"
TMP = CACHE / "tmp"
LOGS = CACHE / "logs"
HOOK_RUNNER = BENCH / "hook_runner.py"


@dataclass(frozen=True)
class Backend:
    name: str
    module: str  # build-backend
    dist: str  # distribution name, for its version
    build_dir: str  # the persistent build folder in the project, removed for a clean build

    @property
    def venv(self) -> Path:
        return VENVS / self.name

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"


CW = Backend("crosswheel", "crosswheel.backend", "crosswheel", ".py-build-cmake_cache")
SKB = Backend("scikit-build-core", "scikit_build_core.build", "scikit-build-core", ".skbuild_cache")
PBC = Backend("py-build-cmake", "py_build_cmake.build", "py-build-cmake", ".py-build-cmake_cache")
BACKENDS = [CW, SKB, PBC]
FLOOR = "floor"
SHORT = {CW.name: "cw", SKB.name: "skbuild", PBC.name: "pbc", FLOOR: "floor"}


@dataclass(frozen=True)
class Project:
    name: str
    package: str
    touch: str | None  # the source file touched for the touch scenario
    scenarios: tuple[str, ...]


PROJECTS = {
    "capi": Project("capi", "bench_capi", "csrc/core.c",
                    ("clean", "noop", "touch", "sdist", "editable")),
    "pybind11": Project("pybind11", "bench_pybind11", "csrc/core.cpp",
                        ("clean", "noop", "touch", "sdist")),
    "bigdata": Project("bigdata", "bench_bigdata", None, ("clean", "noop")),
}
SCENARIO_TITLE = {"clean": "clean wheel", "noop": "no-op rebuild", "touch": "rebuild after touch",
                  "sdist": "sdist", "editable": "editable, no-op import with rebuild hook"}


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def run(cmd: list[str], **kw) -> subprocess.CompletedProcess:  # type: ignore[type-arg]
    return subprocess.run([str(c) for c in cmd], check=True, **kw)


def output(cmd: list[str], **kw) -> str:
    return subprocess.run([str(c) for c in cmd], check=True, capture_output=True, text=True,
                          **kw).stdout.strip()


# ---------------------------------------------------------------------------------------------
# Setup: tools, venvs, work copies


def _is_elf(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(4) == b"\x7fELF"
    except OSError:
        return False


def find_tool(name: str, override: str | None) -> Path:
    """The real binary: shims and console-script wrappers (pyenv, pip's cmake) each add tens of
    milliseconds to every call, which would drown what this benchmark measures."""
    if override:
        return Path(override).resolve()
    module, attr = {"cmake": ("cmake", "CMAKE_BIN_DIR"), "ninja": ("ninja", "BIN_DIR")}[name]
    try:
        mod = __import__(module)
        cand = Path(getattr(mod, attr)) / name
        if _is_elf(cand):
            return cand
    except Exception:
        pass
    for d in os.environ.get("PATH", "").split(os.pathsep):
        cand = Path(d) / name
        if d and _is_elf(cand) and os.access(cand, os.X_OK):
            return cand.resolve()
    sys.exit(f"bench: no {name} binary found (give --{name} PATH)")


def setup_bin(cmake: Path, ninja: Path) -> None:
    BIN.mkdir(parents=True, exist_ok=True)
    src = BENCH / "cmake_timer.c"
    stamp = BIN / "cmake.stamp"
    key = hashlib.sha256(src.read_bytes() + str(cmake).encode()).hexdigest()
    if not (BIN / "cmake").exists() or not stamp.exists() or stamp.read_text() != key:
        cc = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc") or "cc"
        run([cc, "-O2", "-Wall", f'-DREAL_CMAKE="{cmake}"', "-o", BIN / "cmake", src])
        stamp.write_text(key)
    # ninja gets the same stand-in: a backend that runs ninja itself (crosswheel, where
    # `cmake --build` would do nothing more) has its build timed as a build, not as overhead.
    # A ninja run inside `cmake --build` is timed twice over the same span, which the union of
    # the spans counts once.
    tool = BIN / "ninja"
    nkey = hashlib.sha256(src.read_bytes() + str(ninja).encode()).hexdigest()
    nstamp = BIN / "ninja.stamp"
    if tool.is_symlink() or not tool.exists() or not nstamp.exists() or \
            nstamp.read_text() != nkey:
        if tool.is_symlink() or tool.exists():
            tool.unlink()
        cc = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc") or "cc"
        run([cc, "-O2", "-Wall", f'-DREAL_CMAKE="{ninja}"', "-DTOOL_TAG=\"--ninja\"", "-o",
             tool, src])
        nstamp.write_text(nkey)


def _repo_key() -> str:
    """What the crosswheel venv was installed from: reinstall when the sources change."""
    h = hashlib.sha256()
    for p in sorted([REPO / "pyproject.toml", *(REPO / "src").rglob("*.py")]):
        h.update(str(p.relative_to(REPO)).encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def setup_venv(venv: Path, packages: list[str], key: str, force: list[str] | None = None) -> bool:
    """Create `venv` with `packages`; redo the install when `key` changed. False on failure."""
    stamp = venv / "bench-stamp.json"
    want = json.dumps({"packages": packages, "key": key})
    if stamp.is_file() and stamp.read_text() == want:
        return True
    python = venv / "bin" / "python"
    if not python.exists():
        log(f"bench: creating {venv.relative_to(BENCH)}")
        run([sys.executable, "-m", "venv", venv])
    log(f"bench: installing {' '.join(packages)} into {venv.name}")
    quiet = ["-q", "--disable-pip-version-check"]
    try:
        run([python, "-m", "pip", "install", *quiet, *packages])
        if force:  # our own package: rebuilt even when its version did not change
            run([python, "-m", "pip", "install", *quiet, "--force-reinstall", "--no-deps", *force])
    except subprocess.CalledProcessError:
        return False
    stamp.write_text(want)
    return True


def setup_venvs() -> Path | None:
    """The backends' venvs (required) and the tools venv (for the chart; None if unavailable)."""
    ok = setup_venv(CW.venv, [str(REPO), "pybind11"], _repo_key(), force=[str(REPO)])
    ok &= setup_venv(SKB.venv, ["scikit-build-core", "pybind11"], "")
    ok &= setup_venv(PBC.venv, ["py-build-cmake", "pybind11"], "")
    if not ok:
        sys.exit("bench: could not install the backends")
    tools = VENVS / "tools"
    if setup_venv(tools, ["matplotlib"], ""):
        return tools / "bin" / "python"
    log("bench: matplotlib could not be installed: no chart")
    return None


def make_blob(path: Path, size: int) -> None:
    """Pseudo-random but compressible: 32 symbols (5 bits of entropy a byte), and each 64 KiB block
    ends with a rotated copy of its first half, so deflate also finds long matches."""
    if path.is_file() and path.stat().st_size == size:
        return
    log(f"bench: writing a {size / 1e6:.0f} MB data blob")
    rng = random.Random(20240601)
    table = bytes(b"abcdefghijklmnopqrstuvwxyz012345"[i % 32] for i in range(256))
    half = 32 * 1024
    tmp = path.with_suffix(".tmp")
    with open(tmp, "wb") as f:
        written = 0
        while written < size:
            a = rng.randbytes(half).translate(table)
            k = rng.randrange(1, half)
            block = (a + a[k:] + a[:k])[: size - written]
            f.write(block)
            written += len(block)
    tmp.replace(path)


def make_work_copies(projects: list[Project], blob: Path) -> None:
    """A fresh copy of each project for each backend (and the floor), with its pyproject.toml."""
    for who in [*(b.name for b in BACKENDS), FLOOR]:
        for p in projects:
            dst = WORK / who / p.name
            if dst.exists():
                shutil.rmtree(dst)
            shutil.copytree(BENCH / "projects" / p.name, dst,
                            ignore=shutil.ignore_patterns("pyproject.*.toml"))
            if who != FLOOR:
                shutil.copyfile(BENCH / "projects" / p.name / f"pyproject.{who}.toml",
                                dst / "pyproject.toml")
            if p.name == "bigdata":
                (dst / "data").mkdir()
                os.link(blob, dst / "data" / "blob.bin")  # the same bytes, no extra disk


# ---------------------------------------------------------------------------------------------
# Measuring


def hook_env(backend_python: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "MAKEFLAGS", "CMAKE_ARGS", "CMAKE_PREFIX_PATH",
                        "BENCH_CMAKE_LOG")}
    env["PATH"] = os.pathsep.join([str(BIN), str(backend_python.parent), env.get("PATH", "")])
    env["VIRTUAL_ENV"] = str(backend_python.parent.parent)
    env["CMAKE_GENERATOR"] = "Ninja"
    # The same parallelism for everyone (crosswheel would pass --parallel <cores>, the peers
    # would leave Ninja at its default of cores + 2).
    env["CMAKE_BUILD_PARALLEL_LEVEL"] = str(os.cpu_count() or 1)
    return env


def _union(intervals: list[tuple[float, float]]) -> float:
    total, end = 0.0, float("-inf")
    for s, e in sorted(intervals):
        if e <= end:
            continue
        total += e - max(s, end)
        end = e
    return total


def _overlap(span: tuple[float, float], intervals: list[tuple[float, float]]) -> float:
    s, e = span
    return _union([(max(s, a), min(e, b)) for a, b in intervals if min(e, b) > max(s, a)])


def _kind(args: list[str]) -> str:
    if not args:
        return "other"
    if args[0] == "--ninja":  # ninja itself: a build, but for its queries (-t, --version)
        return "other" if any(a in ("--version", "-t") for a in args[1:]) else "build"
    if args[0] == "--build":
        return "build"
    if args[0] == "--install":
        return "install"
    if args[0] in ("-E", "--version", "-P", "--help", "--system-information", "-N") or \
            args[0].startswith("--help"):
        return "other"
    return "configure"


class Bench:
    def __init__(self, cmake: Path, ninja: Path) -> None:
        self.cmake = cmake
        self.ninja = ninja
        self.results: dict[str, list[dict]] = {}  # "project/scenario/who" -> samples
        self.counter = 0
        self.editables: dict = {}  # backend name -> bench/editable.py's Install

    # -- editable installs -------------------------------------------------------------------

    def editable(self, who: str) -> dict:
        """A fresh interpreter imports the editable install's package; nothing changed. The
        floor: a bare interpreter start plus one no-op `cmake --build` of crosswheel's editable
        build folder (the real cmake binary), timed back to back."""
        import editable as E

        inst = self.editables[CW.name if who == FLOOR else who]
        cmds = E.pieces(inst, full=False)
        env = E.user_env(inst.python)
        zero = {"configure": 0.0, "install": 0.0, "other_cmake": 0.0, "cmake_calls": 0,
                "import": 0.0, "hook": 0.0, "size": 0}
        if who == FLOOR:
            py = E.timed(cmds["python"], env, E.WORK)
            build = E.timed(cmds["cmake --build"], env, E.WORK)
            return {**zero, "wall": py + build, "python": py, "build": build, "cmake": build,
                    "overhead": py}
        wall = E.timed(cmds["import"], env, E.WORK)
        return {**zero, "wall": wall, "build": 0.0, "cmake": 0.0, "overhead": wall}

    def record(self, project: str, scenario: str, who: str, sample: dict) -> None:
        self.results.setdefault(f"{project}/{scenario}/{who}", []).append(sample)

    # -- backends --------------------------------------------------------------------------

    def hook(self, b: Backend, p: Project, scenario: str) -> dict:
        work = WORK / b.name / p.name
        if scenario == "clean":
            shutil.rmtree(work / b.build_dir, ignore_errors=True)
        if scenario == "touch":
            os.utime(work / p.touch)  # type: ignore[operator]
        self.counter += 1
        n = self.counter
        out = TMP / f"out-{b.name}"
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
        cmake_log, result = TMP / f"cmake-{n}.log", TMP / f"result-{n}.json"
        env = hook_env(b.python)
        env["BENCH_CMAKE_LOG"] = str(cmake_log)
        hook = "build_sdist" if scenario == "sdist" else "build_wheel"
        cmd = [b.python, "-P", HOOK_RUNNER, b.module, hook, out, result]
        if p.name == "bigdata":
            cmd.append("--zip-spans")
        logfile = LOGS / f"{p.name}-{scenario}-{b.name}.log"
        with open(logfile, "w") as lf:
            t0 = time.perf_counter()
            rc = subprocess.run([str(c) for c in cmd], cwd=work, env=env, stdout=lf,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL).returncode
            t1 = time.perf_counter()
        if rc != 0:
            tail = "\n".join(logfile.read_text(errors="replace").splitlines()[-25:])
            raise RuntimeError(f"{b.name} {hook} failed for {p.name} ({scenario}):\n{tail}")
        r = json.loads(result.read_text())
        calls = []
        if cmake_log.exists():
            for line in cmake_log.read_text().splitlines():
                start, end, *args = line.split("\t")
                calls.append((float(start), float(end), _kind(args)))
        main = [(s, e) for s, e, k in calls if k != "other"]
        other = [(s, e) for s, e, k in calls if k == "other"]
        cmake_s = _union(main)
        zip_s = sum((sp["end"] - sp["start"]) - _overlap((sp["start"], sp["end"]), main)
                    for sp in r["zip_spans"])
        artefact = out / r["result"]
        sample = {
            "wall": t1 - t0,
            "cmake": cmake_s,
            "overhead": (t1 - t0) - cmake_s,
            "configure": _union([(s, e) for s, e, k in calls if k == "configure"]),
            "build": _union([(s, e) for s, e, k in calls if k == "build"]),
            "install": _union([(s, e) for s, e, k in calls if k == "install"]),
            "other_cmake": _union(other),
            "cmake_calls": len(calls),
            "import": r["import_s"],
            "hook": r["hook_s"],
            "rss_mib": r["maxrss_self_kib"] / 1024,
            "size": artefact.stat().st_size,
        }
        if r["zip_spans"]:
            sample["zip"] = zip_s
            with zipfile.ZipFile(artefact) as zf:
                sample["uncompressed"] = sum(i.file_size for i in zf.infolist())
        cmake_log.unlink(missing_ok=True)
        result.unlink(missing_ok=True)
        shutil.rmtree(out, ignore_errors=True)
        return sample

    # -- the floor --------------------------------------------------------------------------

    def floor(self, p: Project, scenario: str) -> dict:
        work = WORK / FLOOR / p.name
        build, stage = work / "floor-build", work / "floor-stage"
        env = hook_env(CW.python)
        cmake = str(self.cmake)
        t: dict[str, float] = {"configure": 0.0}

        def timed(key: str, cmd: list[str]) -> None:
            logfile = LOGS / f"{p.name}-{scenario}-floor-{key}.log"
            with open(logfile, "w") as lf:
                t0 = time.perf_counter()
                rc = subprocess.run(cmd, cwd=work, env=env, stdout=lf, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL).returncode
                t[key] = time.perf_counter() - t0
            if rc != 0:
                raise RuntimeError(f"floor {key} failed for {p.name}: see {logfile}")

        if scenario == "clean":
            shutil.rmtree(build, ignore_errors=True)
        if scenario == "touch":
            os.utime(work / p.touch)  # type: ignore[operator]
        shutil.rmtree(stage, ignore_errors=True)
        if scenario == "clean" or not (build / "CMakeCache.txt").exists():
            timed("configure", [cmake, "-S", ".", "-B", str(build), "-G", "Ninja",
                                "-DCMAKE_BUILD_TYPE=Release", f"-DPython_EXECUTABLE={CW.python}"])
        timed("build", [cmake, "--build", str(build)])
        timed("install", [cmake, "--install", str(build), "--prefix", str(stage),
                          "--component", "python_modules"])
        t0 = time.perf_counter()
        shutil.copytree(work / "src" / p.package, stage / p.package, dirs_exist_ok=True)
        t["stage"] = time.perf_counter() - t0
        whl = TMP / "floor.zip"
        t0 = time.perf_counter()
        size = 0
        with zipfile.ZipFile(whl, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
            for f in sorted(stage.rglob("*")):
                if f.is_file():
                    zf.write(f, f.relative_to(stage).as_posix())
                    size += f.stat().st_size
        t["zip"] = time.perf_counter() - t0
        sample = {**t, "wall": sum(t.values()), "size": whl.stat().st_size, "uncompressed": size}
        whl.unlink()
        return sample

    def floor_sdist(self, p: Project) -> dict:
        """Floor of an sdist: tar.gz of the files the *-build-cmake variants include."""
        import tarfile

        work = WORK / FLOOR / p.name
        files = ["CMakeLists.txt", *sorted(str(f.relative_to(work)) for f in
                                           [*(work / "csrc").glob("*"),
                                            *(work / "src" / p.package).rglob("*")]
                                           if f.is_file())]
        out = TMP / "floor.tar.gz"
        t0 = time.perf_counter()
        with tarfile.open(out, "w:gz") as tf:
            for f in files:
                tf.add(work / f, f"{p.name}-1.0.0/{f}")
        wall = time.perf_counter() - t0
        sample = {"wall": wall, "size": out.stat().st_size}
        out.unlink()
        return sample

    # -- the whole run -------------------------------------------------------------------------

    def warm_up(self, projects: list[Project]) -> None:
        """One unrecorded build and no-op per project and backend: the first call after a pause
        pays for cold page caches (interpreter, compilers, CMake's modules)."""
        for p in projects:
            log(f"bench: warming up with {p.name}")
            for b in BACKENDS:
                for scenario in ("clean", "noop"):
                    self.hook(b, p, scenario)
            for scenario in ("clean", "noop"):
                self.floor(p, scenario)

    def repetitions(self, projects: list[Project], reps: int, inner: int) -> None:
        """`inner`: how many times the cheap cases (no-op, sdist) run within a repetition."""
        whos = [*(b.name for b in BACKENDS), FLOOR]
        for rep in range(reps):
            order = whos[rep % len(whos):] + whos[: rep % len(whos)]
            for p in projects:
                cheap = p.name != "bigdata"
                for scenario in [sc for sc in p.scenarios for _ in
                                 range(inner if cheap and sc in ("noop", "sdist", "editable")
                                       else 1)]:
                    line = []
                    for who in order:
                        try:
                            if scenario == "editable":
                                s = self.editable(who)
                            elif who == FLOOR:
                                s = (self.floor_sdist(p) if scenario == "sdist"
                                     else self.floor(p, scenario))
                            else:
                                s = self.hook(next(b for b in BACKENDS if b.name == who), p,
                                              scenario)
                        except RuntimeError as e:
                            log(f"bench: {e}")
                            s = {"error": str(e)[:2000]}
                        self.record(p.name, scenario, who, s)
                        if "wall" in s:
                            line.append(f"{SHORT[who]} {_fmt_s(s['wall'])}")
                        else:
                            line.append(f"{SHORT[who]} FAILED")
                    log(f"[rep {rep + 1}/{reps}] {p.name:8} {scenario:6} " + "  ".join(line))


def import_times(n: int) -> dict[str, dict]:
    """Fresh interpreters, interleaved: the time `import <backend module>` takes, and a bare
    interpreter's start-up for reference."""
    code = ("import time; t = time.perf_counter(); import {m}; "
            "print(time.perf_counter() - t)")
    samples: dict[str, list[float]] = {b.name: [] for b in BACKENDS}
    startup: list[float] = []
    for i in range(n):
        for b in BACKENDS[i % 3:] + BACKENDS[: i % 3]:
            out = output([b.python, "-P", "-c", code.format(m=b.module)], env=hook_env(b.python))
            samples[b.name].append(float(out))
        t0 = time.perf_counter()
        run([CW.python, "-P", "-c", "pass"])
        startup.append(time.perf_counter() - t0)
    res: dict[str, dict] = {b: {"samples": s} for b, s in samples.items()}
    res["startup"] = {"samples": startup}
    # Where crosswheel's import time goes: the backend module, and everything its build_wheel
    # hook imports in the no-op case (crosswheel imports most of itself lazily, in the hook).
    res["importtime:import crosswheel.backend"] = {"rows": importtime(
        [CW.python, "-P", "-X", "importtime", "-c", "import crosswheel.backend"],
        env=hook_env(CW.python))}
    return res


def importtime(cmd: list, **kw) -> list[tuple[str, int, int]]:
    """(name, depth, cumulative µs) of the imports after interpreter start-up, from -X importtime:
    top-level imports and their direct children."""
    err = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kw).stderr
    rows = []
    for line in err.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \| ( *)(\S+)", line)
        if m:
            rows.append((m.group(4), len(m.group(3)) // 2, int(m.group(2))))
    site = max((i for i, r in enumerate(rows) if r[0] == "site" and r[1] == 0), default=-1)
    rows = rows[site + 1:]
    # -X importtime prints children before their parent: regroup as parent, then its children.
    out: list[tuple[str, int, int]] = []
    children: list[tuple[str, int, int]] = []
    for r in rows:
        if r[1] == 1:
            children.append(r)
        elif r[1] == 0:
            out.append(r)
            out += sorted(children, key=lambda c: -c[2])
            children = []
    return out


def profile_noop(projects: list[Project], runs: int = 3) -> dict[str, str]:
    """cProfile of crosswheel's build_wheel hook, no-op case; the run with the median wall time."""
    import io
    import pstats

    env = hook_env(CW.python)
    out_text: dict[str, str] = {}
    for p in projects:
        if p.name == "bigdata":
            continue
        work = WORK / CW.name / p.name
        runs_done = []
        for i in range(runs):
            out = TMP / "out-profile"
            shutil.rmtree(out, ignore_errors=True)
            out.mkdir(parents=True)
            prof = TMP / f"profile-{p.name}-{i}.pstats"
            t0 = time.perf_counter()
            run([CW.python, "-P", HOOK_RUNNER, CW.module, "build_wheel", out, TMP / "r.json",
                 "--profile", prof], cwd=work, env=env, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL)
            runs_done.append((time.perf_counter() - t0, prof))
        runs_done.sort()
        wall, prof = runs_done[len(runs_done) // 2]
        st = pstats.Stats(str(prof))
        total = st.total_tt  # type: ignore[attr-defined]
        buf = io.StringIO()
        buf.write(f"{p.name}, no-op, crosswheel build_wheel under cProfile: process wall "
                  f"{wall * 1e3:.0f} ms, hook {total * 1e3:.0f} ms (profiled, so slower "
                  f"than unprofiled)\n\n")
        stats = st.stats  # type: ignore[attr-defined]
        rows = []
        for (file, line, func), (_cc, nc, tt, ct, _callers) in stats.items():
            rows.append((file, line, func, nc, tt, ct))

        def name(r: tuple) -> str:
            file, line, func = r[:3]
            if file == "~":
                return func
            short = re.sub(r".*/site-packages/", "", file)
            short = re.sub(r".*/lib/python3\.\d+/", "", short)
            return f"{short}:{line}({func})"

        buf.write("By own time (tottime):\n")
        for r in sorted(rows, key=lambda r: -r[4])[:15]:
            note = "  (waiting for cmake)" if r[2] == "<built-in method posix.waitpid>" else ""
            buf.write(f"  {r[4] * 1e3:8.1f} ms  {r[3]:6d} calls  {name(r)}{note}\n")
        buf.write("\nBy cumulative time: crosswheel's functions, imports, regex compiling, dataclass "
                  "creation, subprocesses:\n")
        stdlib = {("subprocess", "run"), ("subprocess", "_execute_child"), ("subprocess", "wait"),
                  ("importlib", "_find_and_load"), ("re/__init__", "_compile"),
                  ("dataclasses", "_process_class"), ("shutil", "copy2"),
                  ("shutil", "rmtree"), ("zipfile", "close")}
        keep = [r for r in rows if "crosswheel" in r[0] or
                any(f in r[0] and r[2] == fn for f, fn in stdlib)]
        for r in sorted(keep, key=lambda r: -r[5])[:25]:
            buf.write(f"  {r[5] * 1e3:8.1f} ms  {r[3]:6d} calls  {name(r)}\n")
        # The same no-op hook, unprofiled, under -X importtime: what its imports cost.
        out = TMP / "out-profile"
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
        rows = importtime([CW.python, "-P", "-X", "importtime", HOOK_RUNNER, CW.module,
                           "build_wheel", out, TMP / "r.json"], cwd=work, env=env)
        total = sum(r[2] for r in rows if r[1] == 0)
        buf.write(f"\nImports in the same hook, unprofiled (-X importtime): {total / 1e3:.1f} ms "
                  "after interpreter start-up (hook_runner's own json/resource included); "
                  "top-level imports ≥ 1 ms and their largest children:\n")
        for name, depth, cum in rows:
            if cum >= 1000 and (depth == 0 or cum >= 2000):
                buf.write(f"  {cum / 1e3:8.1f} ms  {'    ' * depth}{name}\n")
        out_text[p.name] = buf.getvalue()
    return out_text


# ---------------------------------------------------------------------------------------------
# Reporting


def _fmt_s(x: float) -> str:
    return f"{x * 1e3:.0f} ms" if x < 10 else f"{x:.1f} s"


def med(samples: list[dict], key: str) -> float | None:
    vals = [s[key] for s in samples if key in s]
    return statistics.median(vals) if vals else None


def machine_info(cmake: Path, ninja: Path) -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem = next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal"))
        mem = f"{int(mem) / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration):
        mem = "?"
    versions = {}
    for b in BACKENDS:
        code = ("import importlib.metadata as m, sys; "
                f"print(m.version({b.dist!r}), m.version('pybind11'), sys.version.split()[0])")
        versions[b.name] = output([b.python, "-c", code]).split()
    try:
        commit = output(["git", "-C", REPO, "rev-parse", "--short", "HEAD"])
        dirty = output(["git", "-C", REPO, "status", "--porcelain", "--", "src", "pyproject.toml"])
        commit += " plus uncommitted changes in src/" if dirty else ""
    except (subprocess.CalledProcessError, OSError):
        commit = "?"
    gcc = "?"
    try:
        gcc = output(["gcc", "--version"]).splitlines()[0]
    except (subprocess.CalledProcessError, OSError):
        pass
    return {
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu,
        "cores": f"{os.cpu_count()} (usable: {len(os.sched_getaffinity(0))})",
        "memory": mem,
        "os": f"{platform.system()} {platform.release()}",
        "python": versions[CW.name][2],
        "cmake": output([cmake, "--version"]).splitlines()[0].replace("cmake version ", "")
                 + f" ({cmake})",
        "ninja": output([ninja, "--version"]) + f" ({ninja})",
        "compiler": gcc,
        "crosswheel": f"{versions[CW.name][0]} (this repository at {commit})",
        "scikit-build-core": versions[SKB.name][0],
        "py-build-cmake": versions[PBC.name][0],
        "pybind11": versions[CW.name][1],
    }


def build_report(bench: Bench, imports: dict, profiles: dict[str, str], info: dict[str, str],
                 reps: int, quick: bool, load: tuple[str, str]) -> tuple[str, dict]:
    R = bench.results
    whos = [b.name for b in BACKENDS]
    md: list[str] = []
    summary: dict = {"rows": [], "targets": []}

    def get(project: str, scenario: str, who: str, key: str = "wall") -> float | None:
        return med(R.get(f"{project}/{scenario}/{who}", []), key)

    def ratio(x: float | None, base: float | None) -> str:
        return f"{x / base:.2f}x" if x is not None and base else "–"

    def cell(x: float | None, unit: str) -> str:
        if x is None:
            return "–"
        if unit == "ms":
            return f"{x * 1e3:.0f} ms" if x < 9.95 else f"{x:.1f} s"
        if unit == "s":
            return f"{x:.2f} s"
        if unit == "MiB":
            return f"{x:.1f} MiB"
        if unit == "MB":
            return f"{x / 1e6:.1f} MB"
        if unit == "MB/s":
            return f"{x / 1e6:.0f} MB/s"
        return f"{x:.3g}"

    rows: list[tuple[str, dict[str, float | None], float | None, str]] = []

    def row(label: str, values: dict[str, float | None], floor: float | None, unit: str) -> None:
        rows.append((label, values, floor, unit))
        summary["rows"].append({"label": label, "unit": unit, "floor": floor, **values})

    projects = sorted({k.split("/")[0] for k in R}, key=list(PROJECTS).index)
    for pn in projects:
        if pn == "bigdata":
            continue
        for sc in PROJECTS[pn].scenarios:
            row(f"{pn}: {SCENARIO_TITLE[sc]}", {w: get(pn, sc, w) for w in whos},
                get(pn, sc, FLOOR), "s" if sc == "clean" else "ms")
        for sc in ("noop", "clean"):
            row(f"{pn}: backend overhead, {SCENARIO_TITLE[sc]}",
                {w: get(pn, sc, w, "overhead") for w in whos}, None, "ms")
        row(f"{pn}: peak RSS of the hook process, no-op",
            {w: get(pn, "noop", w, "rss_mib") for w in whos}, None, "MiB")
    if "bigdata" in projects:
        row("large wheel: clean wheel", {w: get("bigdata", "clean", w) for w in whos},
            get("bigdata", "clean", FLOOR), "ms")
        row("large wheel: no-op rebuild", {w: get("bigdata", "noop", w) for w in whos},
            get("bigdata", "noop", FLOOR), "ms")
        row("large wheel: backend overhead, no-op",
            {w: get("bigdata", "noop", w, "overhead") for w in whos}, None, "ms")
        row("large wheel: wheel write (zip) time, no-op",
            {w: get("bigdata", "noop", w, "zip") for w in whos}, get("bigdata", "noop", FLOOR, "zip"),
            "ms")
        tput = {}
        for w in [*whos, FLOOR]:
            z, u = get("bigdata", "noop", w, "zip"), get("bigdata", "noop", w, "uncompressed")
            tput[w] = u / z if z and u else None
        row("large wheel: write throughput (uncompressed MB/s)", {w: tput[w] for w in whos},
            tput[FLOOR], "MB/s")
        row("large wheel: wheel size", {w: get("bigdata", "noop", w, "size") for w in whos},
            get("bigdata", "noop", FLOOR, "size"), "MB")
        row("large wheel: peak RSS of the hook process",
            {w: get("bigdata", "noop", w, "rss_mib") for w in whos}, None, "MiB")
    imp = {w: statistics.median(imports[w]["samples"]) for w in whos if w in imports}
    row("import of the backend module (median)", imp, None, "ms")
    row("import of the backend module (min)", {w: min(imports[w]["samples"]) for w in imp},
        None, "ms")
    startup = statistics.median(imports["startup"]["samples"]) if "startup" in imports else None

    title = "Benchmarks: crosswheel, scikit-build-core, py-build-cmake"
    md.append(f"# {title}{' (quick run)' if quick else ''}\n")
    md.append("Made by `python bench/run.py" + (" --quick" if quick else f" --reps {reps}")
              + "`: medians of "
              f"{reps} interleaved repetition{'s' if reps != 1 else ''} (the backends' order "
              "rotates from one repetition to the next). Each hook call is a fresh interpreter "
              "that imports the backend and calls `build_wheel`/`build_sdist` directly "
              "(bench/hook_runner.py, no frontend), `--no-isolation` style: the build "
              "requirements are preinstalled in one venv per backend. Ratios are "
              "peer / crosswheel: above 1.00x crosswheel is faster.\n")
    md.append("![chart](results.png)\n" if not quick else "")
    md.append("## Machine\n")
    md.append("| | |\n|---|---|")
    for k, v in info.items():
        md.append(f"| {k} | {v} |")
    md.append(f"| load average (1 min) at start / end | {load[0]} / {load[1]} |")
    md.append("")
    md.append("Single samples on a 2-core machine are noisy; compare medians, and the "
              "min–max ranges below.\n")
    md.append("## Results (medians)\n")
    md.append("| measure | crosswheel | scikit-build-core | py-build-cmake | floor | "
              "skbuild / cw | pbc / cw | cw / floor |")
    md.append("|---|---:|---:|---:|---:|---:|---:|---:|")
    for label, values, floor, unit in rows:
        cw = values.get(CW.name)
        md.append(f"| {label} | {cell(cw, unit)} | {cell(values.get(SKB.name), unit)} | "
                  f"{cell(values.get(PBC.name), unit)} | {cell(floor, unit)} | "
                  f"{ratio(values.get(SKB.name), cw)} | {ratio(values.get(PBC.name), cw)} | "
                  f"{ratio(cw, floor) if floor is not None else '–'} |")
    md.append("")
    if startup is not None:
        md.append(f"A bare interpreter of the same Python starts in {startup * 1e3:.0f} ms "
                  "(median); that start is part of every hook wall time and overhead above.\n")

    # ---- targets
    md.append("## Targets\n")
    targets: list[tuple[str, bool | None, str]] = []
    for pn in [p for p in projects if p != "bigdata"]:
        cw, fl = get(pn, "noop", CW.name), get(pn, "noop", FLOOR)
        peers = [x for x in (get(pn, "noop", SKB.name), get(pn, "noop", PBC.name)) if x]
        if cw and fl:
            targets.append((f"{pn}: no-op rebuild within 1.2x of the floor", cw <= 1.2 * fl,
                            f"{cw * 1e3:.0f} ms vs floor {fl * 1e3:.0f} ms = {cw / fl:.2f}x"))
        if cw and peers:
            targets.append((f"{pn}: no-op rebuild faster than both peers", cw < min(peers),
                            f"{cw * 1e3:.0f} ms vs fastest peer {min(peers) * 1e3:.0f} ms "
                            f"({min(peers) / cw:.2f}x)"))
        for sc in ("noop", "clean"):
            ov = get(pn, sc, CW.name, "overhead")
            pov = [x for x in (get(pn, sc, SKB.name, "overhead"),
                               get(pn, sc, PBC.name, "overhead")) if x]
            if ov is not None and pov:
                targets.append((f"{pn}: overhead ({SCENARIO_TITLE[sc]}) at most half of the "
                                "faster peer's", ov <= 0.5 * min(pov),
                                f"{ov * 1e3:.0f} ms vs faster peer {min(pov) * 1e3:.0f} ms "
                                f"= {ov / min(pov):.2f} of it"))
            if pn == "pybind11" and ov is not None:
                targets.append((f"pybind11: overhead ({SCENARIO_TITLE[sc]}) < 150 ms", ov < 0.150,
                                f"{ov * 1e3:.0f} ms"))
    cw, fl = get("capi", "editable", CW.name), get("capi", "editable", FLOOR)
    peers = [x for x in (get("capi", "editable", SKB.name), get("capi", "editable", PBC.name)) if x]
    if cw and fl:
        targets.append(("capi: editable no-op import with the rebuild hook within 1.3x of the "
                        "floor (python start + no-op `cmake --build`)", cw <= 1.3 * fl,
                        f"{cw * 1e3:.0f} ms vs floor {fl * 1e3:.0f} ms = {cw / fl:.2f}x"))
    if cw and peers:
        targets.append(("capi: editable no-op import faster than both peers' rebuild hooks",
                        cw < min(peers), f"{cw * 1e3:.0f} ms vs fastest peer "
                        f"{min(peers) * 1e3:.0f} ms ({min(peers) / cw:.2f}x)"))
    if CW.name in imp:
        targets.append(("`import crosswheel.backend` < 30 ms", imp[CW.name] < 0.030,
                        f"median {imp[CW.name] * 1e3:.1f} ms, min "
                        f"{min(imports[CW.name]['samples']) * 1e3:.1f} ms"))
    if "bigdata" in projects:
        t_cw = get("bigdata", "noop", CW.name, "zip")
        t_fl = get("bigdata", "noop", FLOOR, "zip")
        u = get("bigdata", "noop", CW.name, "uncompressed")
        if t_cw and t_fl and u:
            tie = " (a tie within the noise)" if abs(t_fl / t_cw - 1) < 0.03 else ""
            targets.append(("large wheel write throughput ≥ zipfile deflate-6", t_cw <= t_fl,
                            f"crosswheel {u / t_cw / 1e6:.1f} MB/s ({t_cw:.2f} s) vs zipfile "
                            f"{u / t_fl / 1e6:.1f} MB/s ({t_fl:.2f} s) = {t_fl / t_cw:.2f}x"
                            + tie))
    md.append("| target | met? | measured |\n|---|---|---|")
    for name, ok, detail in targets:
        md.append(f"| {name} | {'yes' if ok else 'NO'} | {detail} |")
        summary["targets"].append({"target": name, "met": ok, "detail": detail})
    md.append("")

    # ---- details
    md.append("## Details\n")
    md.append("Median (min–max) of every sample; `cmake` is the time inside CMake "
              "configure/build/install calls, `other` other cmake calls (e.g. `--version`, "
              "`-E capabilities`), counted as overhead.\n")
    md.append("| case | who | n | wall | cmake: configure + build + install | other cmake "
              "| overhead | cmake calls | import | peak RSS | artefact |")
    md.append("|---|---|---:|---:|---|---:|---:|---:|---:|---:|---:|")
    for key, samples in R.items():
        pn, sc, who = key.split("/")
        ok = [s for s in samples if "wall" in s]
        fails = len(samples) - len(ok)
        if not ok:
            md.append(f"| {pn} {sc} | {who} | 0 | FAILED ({fails}x) | | | | | | | |")
            continue

        def mm(k: str, unit: str = "ms", ok: list[dict] = ok) -> str:
            vals = [s[k] for s in ok if k in s]
            if not vals:
                return ""
            if unit == "MiB":
                return f"{statistics.median(vals):.0f} MiB"
            return (f"{statistics.median(vals) * 1e3:.0f} ({min(vals) * 1e3:.0f}–"
                    f"{max(vals) * 1e3:.0f}) ms")

        if sc == "editable":
            parts = ("python " + mm("python") + " + cmake --build " + mm("build")
                     if who == FLOOR else "")
        elif who == FLOOR:
            parts = "" if sc == "sdist" else " + ".join(
                f"{statistics.median(s[k] for s in ok) * 1e3:.0f}"
                for k in ("configure", "build", "install")) + f" ms; zip {mm('zip')}"
        else:
            parts = " + ".join(f"{statistics.median(s[k] for s in ok) * 1e3:.0f}"
                               for k in ("configure", "build", "install")) + " ms"
        md.append(
            f"| {pn} {sc} | {who} | {len(ok)}{f' ({fails} failed)' if fails else ''} | "
            f"{mm('wall')} | {parts} | {mm('other_cmake')} | {mm('overhead')} | "
            f"{int(statistics.median(s.get('cmake_calls', 0) for s in ok))} | {mm('import')} | "
            f"{mm('rss_mib', 'MiB')} | {statistics.median(s['size'] for s in ok) / 1e3:.0f} kB |")
    md.append("")
    md.append("Where the overhead goes (medians; no-op rebuild, and sdist): process = interpreter "
              "start-up and exit plus hook_runner itself; import = `import <backend module>`; "
              "hook = the hook's own time outside CMake's configure/build/install calls "
              "(lazy imports included).\n")
    md.append("| case | who | overhead | process | import | hook outside CMake |")
    md.append("|---|---|---:|---:|---:|---:|")
    for pn in [p for p in projects if p != "bigdata"]:
        for sc in ("noop", "sdist"):
            for w in whos:
                ok = [s for s in R.get(f"{pn}/{sc}/{w}", []) if "wall" in s]
                if not ok:
                    continue

                def m(f, ok: list[dict] = ok) -> str:  # type: ignore[no-untyped-def]
                    return f"{statistics.median(f(s) for s in ok) * 1e3:.0f} ms"

                md.append(f"| {pn} {sc} | {w} | {m(lambda s: s['overhead'])} | "
                          f"{m(lambda s: s['wall'] - s['import'] - s['hook'])} | "
                          f"{m(lambda s: s['import'])} | {m(lambda s: s['hook'] - s['cmake'])} |")
    md.append("")
    md.append("Fresh-interpreter import of each backend module (ms): " + "; ".join(
        f"{w}: median {statistics.median(imports[w]['samples']) * 1e3:.1f}, min "
        f"{min(imports[w]['samples']) * 1e3:.1f}, n={len(imports[w]['samples'])}" for w in imp)
               + "\n")
    it = imports.get("importtime:import crosswheel.backend")
    if it:
        md.append("`python -X importtime -c 'import crosswheel.backend'` (one run; after "
                  "interpreter start-up):\n")
        md.append("```")
        for name, depth, cum in it["rows"]:
            md.append(f"{cum / 1e3:7.1f} ms  {'    ' * depth}{name}")
        md.append("```\n")
    for pn, text in profiles.items():
        md.append(f"### Profile: crosswheel, {pn}, no-op\n")
        md.append("```\n" + text.rstrip() + "\n```\n")
    md.append("## Method\n")
    md.append(METHOD)
    return "\n".join(md) + "\n", summary


METHOD = """\
- Projects (bench/projects/): a CPython C-API module (one C file), a pybind11 module (one C++
  file, pybind11's Release defaults: LTO and strip), and a package whose wheel holds one 60 MB
  data file (pseudo-random bytes over 32 symbols, each 64 KiB block ending with a rotated copy of
  its first half: deflate makes it about half as big). Each has one pyproject per backend with the same
  build: Release, Ninja, component `python_modules` installed at the wheel root, a persistent
  build folder (crosswheel and py-build-cmake: their default `.py-build-cmake_cache/`,
  scikit-build-core: `build-dir = ".skbuild_cache/{wheel_tag}"`). The crosswheel and
  py-build-cmake variants differ in `[build-system]` only.
- Environment of every hook and floor call: `CMAKE_GENERATOR=Ninja`,
  `CMAKE_BUILD_PARALLEL_LEVEL=<cores>`, and on PATH first a timing `cmake` (bench/cmake_timer.c,
  compiled: a fork+exec around the real binary, logging CLOCK_MONOTONIC start/end of every call)
  and the real ninja, not the pyenv shims, which would add tens of ms to each call.
- Scenarios: clean = build folder removed; no-op = again, nothing changed; touch = the C/C++ file's
  mtime set to now; sdist = `build_sdist`. Wall time is measured around the fresh interpreter.
- Floor: plain `cmake -G Ninja -DCMAKE_BUILD_TYPE=Release` in its own build folder of the same
  project (configure only for clean), `cmake --build`, `cmake --install --component
  python_modules` into a fresh folder, the Python package copied in, then `zipfile`
  ZIP_DEFLATED level 6, single-threaded, in the benchmark process. sdist floor: tar.gz of the
  files the sdist includes. The floor starts no Python interpreter: where a case takes
  milliseconds, `cw / floor` is mostly interpreter start-up and imports.
- Wheel write time: every `zipfile.ZipFile` a backend opens for writing (crosswheel: its own
  `crosswheel.zipwriter.ZipWriter`) is timed from opening to closing (hook_runner.py
  --zip-spans, large-wheel case only), minus any CMake call inside that span. Throughput =
  uncompressed bytes in the wheel / that time.
- Editable (capi): bench/editable.py installs the project with `pip install
  --no-build-isolation -e` into each backend's venv with its rebuild-on-import switch on
  (crosswheel and py-build-cmake `editable.build_hook = true`, scikit-build-core
  `editable.rebuild = true`), under the user's PATH (pyenv shims and pip's cmake wrapper
  included, no timing cmake, no CMAKE_GENERATOR: each backend finds its tools as it would for a
  user); the sample is a fresh `python -c "import bench_capi"` with nothing changed. Its floor is
  a bare `python -c pass` of the crosswheel venv plus one no-op `cmake --build` of crosswheel's
  editable build folder with the real cmake binary, timed back to back. bench/EDITABLE.md breaks
  the import down.
- Peak RSS: `ru_maxrss` of the hook's own process (not of CMake and the compilers).
- Import time: `import <backend module>` timed in a fresh interpreter, interleaved, median and
  min; crosswheel's hooks import the rest of crosswheel lazily, so that part shows up in the
  overhead, as does any lazy import of the peers.
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reps", type=int, default=None, help="repetitions (default 5, quick 1)")
    ap.add_argument("--quick", action="store_true",
                    help="1 repetition, a 16 MB blob, fewer import samples; results go to "
                         "bench/.cache, not bench/RESULTS.md")
    ap.add_argument("--projects", default="capi,pybind11,bigdata",
                    help="comma-separated subset of: " + ", ".join(PROJECTS))
    ap.add_argument("--cmake", help="the real cmake binary (default: found automatically)")
    ap.add_argument("--ninja", help="the real ninja binary (default: found automatically)")
    ap.add_argument("--no-profile", action="store_true", help="skip the cProfile runs")
    args = ap.parse_args()
    reps = args.reps or (1 if args.quick else 5)
    projects = [PROJECTS[n] for n in args.projects.split(",") if n]

    for d in (CACHE, TMP, LOGS, WORK):
        d.mkdir(parents=True, exist_ok=True)
    cmake, ninja = find_tool("cmake", args.cmake), find_tool("ninja", args.ninja)
    setup_bin(cmake, ninja)
    tools_python = setup_venvs()
    blob = CACHE / f"blob-{16 if args.quick else 60}MB.bin"
    if any(p.name == "bigdata" for p in projects):
        make_blob(blob, (16 if args.quick else 60) * 1000 * 1000)
    make_work_copies(projects, blob)
    info = machine_info(cmake, ninja)
    load0 = Path("/proc/loadavg").read_text().split()[0]

    bench = Bench(cmake, ninja)
    if any("editable" in p.scenarios for p in projects):
        import editable as E

        bench.editables = {i.who: i for i in E.setup(with_example=False)}
    log(f"bench: {reps} repetition(s) of {', '.join(p.name for p in projects)}")
    bench.warm_up(projects)
    bench.repetitions(projects, reps, 1 if args.quick else 3)
    log("bench: import times")
    imports = import_times(5 if args.quick else 20)
    profiles = {} if args.no_profile else profile_noop(projects)
    load1 = Path("/proc/loadavg").read_text().split()[0]

    md, summary = build_report(bench, imports, profiles, info, reps, args.quick, (load0, load1))
    out_md = CACHE / "RESULTS-quick.md" if args.quick else BENCH / "RESULTS.md"
    out_png = CACHE / "results-quick.png" if args.quick else BENCH / "results.png"
    out_md.write_text(md)
    raw = CACHE / ("results-quick.json" if args.quick else "results.json")
    raw.write_text(json.dumps({"info": info, "results": bench.results, "imports": imports,
                               "summary": summary, "reps": reps}, indent=1))
    # The table and the targets to stdout.
    start = md.index("## Results")
    end = md.index("## Details")
    print(md[start:end])
    if tools_python is not None:
        try:
            run([tools_python, BENCH / "plot.py", raw, out_png])
            log(f"bench: wrote {out_md} and {out_png}")
        except subprocess.CalledProcessError:
            log(f"bench: the chart failed; wrote {out_md}")
    else:
        log(f"bench: wrote {out_md} (no chart: matplotlib unavailable)")


if __name__ == "__main__":
    main()
