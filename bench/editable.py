"""Editable installs with an import-time rebuild: what a no-op import costs, and where it goes.

    python bench/editable.py [--reps 9]      # the breakdown, written to bench/EDITABLE.md

Every backend gets the bench C-API project (bench/projects/capi) installed with
`pip install --no-build-isolation -e` into its benchmark venv (made by bench/run.py), with its
rebuild-on-import switch on: crosswheel `editable.build_hook = true`, scikit-build-core
`editable.rebuild = true`, py-build-cmake `editable.build_hook = true`. crosswheel also gets
examples/c-api, which names no generator (what a new user has). PATH is the user's, pyenv
shims included: the backends find cmake the way they would for a user.

Measured as fresh processes, interleaved (the order rotates every repetition), medians:
- python: `python -c pass` in the venv (interpreter start, .pth files included);
- import: `python -c "import PKG"` with nothing changed (the number that matters);
- import, rebuild off: the same with crosswheel's rebuild guard set (what the import costs
  without any rebuild);
- cmake --build: the build folder's own no-op `cmake --build`, with the real cmake binary (the
  one in the folder's CMakeCache.txt, CMAKE_COMMAND);
- floor = python + cmake --build of the same build folder (issue 14's target: import <= 1.3x);
- the pieces an import-time rebuild may run: cmake through the shim on PATH, through pip's
  console-script wrapper, the real binary, `cmake --install`, ninja or make called directly.

bench/run.py imports `setup` and `measure` for its editable row.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))
import run as R  # noqa: E402

GUARD = "CROSSWHEEL_EDITABLE_REBUILDING"
WORK = R.CACHE / "editable"

EDITABLE_CONFIG = {
    R.CW.name: "\n[tool.py-build-cmake.editable]\nbuild_hook = true\n",
    R.PBC.name: "\n[tool.py-build-cmake.editable]\nbuild_hook = true\n",
    R.SKB.name: '\n[tool.scikit-build.editable]\nrebuild = true\nmode = "redirect"\n',
}


@dataclass
class Install:
    who: str  # backend name, or "crosswheel (c-api example)"
    python: Path
    project: Path
    package: str
    build_dir: Path
    samples: dict[str, list[float]] = field(default_factory=dict)


def user_env(python: Path) -> dict[str, str]:
    """The user's environment with the venv activated; no bench tools in front."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", GUARD, "CMAKE_GENERATOR", "MAKEFLAGS",
                        "CMAKE_BUILD_PARALLEL_LEVEL", "BENCH_CMAKE_LOG")}
    env["PATH"] = os.pathsep.join([str(python.parent), env.get("PATH", "")])
    env["VIRTUAL_ENV"] = str(python.parent.parent)
    return env


def _find_build_dir(project: Path) -> Path:
    caches = sorted(project.glob("**/CMakeCache.txt"), key=lambda p: len(p.parts))
    if not caches:
        raise RuntimeError(f"no CMake build folder in {project}")
    return caches[0].parent


def cache_value(build_dir: Path, key: str) -> str | None:
    m = re.search(rf"^{key}:[A-Z]+=(.*)$", (build_dir / "CMakeCache.txt").read_text(), re.M)
    return m.group(1) if m else None


def install(who: str, python: Path, source: Path, package: str, extra: str,
            overrides: list[str] | None = None) -> Install:
    project = WORK / who.replace(" ", "_").replace("(", "").replace(")", "")
    if project.exists():
        shutil.rmtree(project)
    shutil.copytree(source, project, ignore=shutil.ignore_patterns(
        "pyproject.*.toml", ".py-build-cmake_cache", ".skbuild_cache", "__pycache__"))
    if (source / f"pyproject.{who}.toml").is_file():
        shutil.copyfile(source / f"pyproject.{who}.toml", project / "pyproject.toml")
    with open(project / "pyproject.toml", "a") as f:
        f.write(extra)
    env = user_env(python)
    if who.startswith(R.CW.name):
        # The venv's crosswheel is installed from this repository (bench/run.py keeps it current).
        pass
    cmd = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check",
           "--no-build-isolation", "--no-deps", "-e", str(project)]
    cmd += [f"-Coverride={o}" for o in overrides or []]
    R.log(f"bench: pip install -e {project.name} ({who})")
    subprocess.run(cmd, check=True, env=env, cwd=WORK, stdout=subprocess.DEVNULL)
    return Install(who, python, project, package, _find_build_dir(project))


def setup(with_example: bool = True) -> list[Install]:
    """The benchmark venvs (bench/run.py's) with the editable installs in them."""
    for d in (R.CACHE, R.TMP, R.LOGS, WORK):
        d.mkdir(parents=True, exist_ok=True)
    R.setup_venvs()
    capi = BENCH / "projects" / "capi"
    out = [install(b.name, b.python, capi, "bench_capi", EDITABLE_CONFIG[b.name])
           for b in R.BACKENDS]
    if with_example:
        # Default generator, nothing but the build hook switched on: a new user's set-up.
        out.append(install(f"{R.CW.name} (c-api example)", R.CW.python,
                           REPO / "examples" / "c-api", "c_api_example", "",
                           ["editable.build_hook=true"]))
    return out


def timed(cmd: list[str], env: dict[str, str], cwd: Path) -> float:
    t0 = time.perf_counter()
    p = subprocess.run(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       stdin=subprocess.DEVNULL)
    t = time.perf_counter() - t0
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{p.stdout.decode(errors='replace')[-3000:]}")
    return t


def pieces(inst: Install, full: bool) -> dict[str, list[str]]:
    """name -> command, for one install; `full`: the breakdown's extra pieces too."""
    py = str(inst.python)
    real = cache_value(inst.build_dir, "CMAKE_COMMAND") or "cmake"
    b = str(inst.build_dir)
    out = {
        "python": [py, "-c", "pass"],
        "import": [py, "-c", f"import {inst.package}"],
        "cmake --build": [real, "--build", b],
    }
    if not full:
        return out
    if inst.who.startswith(R.CW.name):
        out["import, rebuild off"] = ["env", f"{GUARD}=1", py, "-c", f"import {inst.package}"]
    env_path = user_env(inst.python)["PATH"]
    first = shutil.which("cmake", path=env_path)
    if first and Path(first).resolve() != Path(real).resolve():
        out[f"cmake --build, first cmake on PATH ({first})"] = [first, "--build", b]
    wrapper = Path(sys.prefix) / "bin" / "cmake"
    if wrapper.is_file() and wrapper.read_bytes()[:2] == b"#!" and str(wrapper) != first:
        out["cmake --build, pip's console script"] = [str(wrapper), "--build", b]
    out["cmake --install"] = [real, "--install", b, "--prefix", str(R.TMP / "editable-install"),
                              "--component", "python_modules"]
    make = cache_value(inst.build_dir, "CMAKE_MAKE_PROGRAM")
    if make:
        name = Path(make).name
        out[f"{name} directly"] = [make, "-C", b] + (["-s"] if "make" in name else [])
    return out


def measure(installs: list[Install], reps: int, full: bool = False) -> None:
    """Interleaved: in each repetition every (install, piece) runs once, the order rotating."""
    jobs = [(inst, name, cmd) for inst in installs for name, cmd in pieces(inst, full).items()]
    for inst, _name, cmd in jobs:  # warm-up: page cache, first-run effects
        timed(cmd, user_env(inst.python), WORK)
    for rep in range(reps):
        k = (rep * 7) % len(jobs)
        for inst, name, cmd in jobs[k:] + jobs[:k]:
            inst.samples.setdefault(name, []).append(timed(cmd, user_env(inst.python), WORK))
        R.log(f"bench: editable repetition {rep + 1}/{reps}")


def med(inst: Install, name: str) -> float:
    return statistics.median(inst.samples[name])


def floor(inst: Install) -> float:
    return med(inst, "python") + med(inst, "cmake --build")


def report(installs: list[Install], reps: int, notes: str) -> str:
    load = Path("/proc/loadavg").read_text().split()[0]
    md = ["# Editable installs: the no-op import with the rebuild hook\n",
          f"Made by `python bench/editable.py --reps {reps}` (crosswheel at "
          f"{R.output(['git', '-C', str(REPO), 'rev-parse', '--short', 'HEAD'])}, "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load average {load} on "
          f"{os.cpu_count()} cores shared with other work): medians of {reps} interleaved "
          "repetitions, fresh processes, milliseconds. The machine is busy, so compare "
          "medians taken in the same run, not numbers across runs.\n", notes]
    for inst in installs:
        gen = cache_value(inst.build_dir, "CMAKE_GENERATOR")
        md.append(f"## {inst.who}\n")
        md.append(f"Build folder `{inst.build_dir.relative_to(WORK)}`, generator {gen}, "
                  f"`{cache_value(inst.build_dir, 'CMAKE_MAKE_PROGRAM')}`.\n")
        md.append("| measure | median | min | max |\n|---|---:|---:|---:|")
        for name, vals in inst.samples.items():
            md.append(f"| {name} | {statistics.median(vals) * 1e3:.1f} | {min(vals) * 1e3:.1f} "
                      f"| {max(vals) * 1e3:.1f} |")
        f = floor(inst)
        md.append(f"| **floor** = python + cmake --build | {f * 1e3:.1f} | | |")
        md.append(f"| **import / floor** | {med(inst, 'import') / f:.2f}x | | |")
        if "import, rebuild off" in inst.samples:
            md.append(f"| import − import with rebuild off (the rebuild's cost) | "
                      f"{(med(inst, 'import') - med(inst, 'import, rebuild off')) * 1e3:.1f} "
                      "| | |")
        md.append("")
    return "\n".join(md) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reps", type=int, default=9)
    ap.add_argument("--out", type=Path, default=BENCH / "EDITABLE.md")
    ap.add_argument("--notes", type=Path, help="markdown put under the title (the analysis)")
    args = ap.parse_args()
    installs = setup()
    measure(installs, args.reps, full=True)
    notes = args.notes.read_text() if args.notes else ""
    text = report(installs, args.reps, notes)
    args.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
