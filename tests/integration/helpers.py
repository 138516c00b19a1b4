"""Shared code of the integration tests: running frontends, reading artefacts, venvs."""

from __future__ import annotations

import base64
import csv
import email.parser
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
SRC = REPO / "src"

# Never copied out of an example: a stale build folder would make the "first" build incremental.
COPY_IGNORE = shutil.ignore_patterns(".py-build-cmake_cache", ".crosswheel_cache", "__pycache__",
                                     "build", "dist")

TIMEOUT = 600


# --------------------------------------------------------------------------- processes


@dataclass
class Result:
    cmd: list[str]
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def describe(self) -> str:
        return (f"$ {' '.join(self.cmd)}\n-> exit code {self.returncode}\n"
                f"--- stdout ---\n{self.stdout[-6000:]}\n--- stderr ---\n{self.stderr[-6000:]}")


def run(cmd: list[str | Path], cwd: Path | None = None, env: dict[str, str] | None = None,
        check: bool = True) -> Result:
    """Run a command, capture its output; with `check`, fail the test with all of it."""
    args = [str(c) for c in cmd]
    p = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT,
                       check=False)
    res = Result(args, p.returncode, p.stdout, p.stderr)
    if check and p.returncode != 0:
        raise AssertionError(f"command failed\n{res.describe()}")
    return res


def env_without_source_tree(**extra: str) -> dict[str, str]:
    """os.environ minus PYTHONPATH: for isolated builds and for running installed code."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(extra)
    return env


def copy_example(name: str, dest: Path) -> Path:
    """Copy examples/<name> to dest/<name> (without build caches) and return the copy."""
    out = dest / name
    shutil.copytree(EXAMPLES / name, out, ignore=COPY_IGNORE)
    return out


def python_build(project: Path, outdir: Path, *args: str, env: dict[str, str] | None = None,
                 isolated: bool = False, check: bool = True) -> Result:
    """`python -m build` (with --no-isolation unless `isolated`)."""
    cmd: list[str | Path] = [sys.executable, "-m", "build", "--outdir", outdir]
    if not isolated:
        cmd.append("--no-isolation")
    return run([*cmd, *args, project], cwd=project, env=env, check=check)


def pip_wheel(project: Path, outdir: Path) -> Result:
    return run([sys.executable, "-m", "pip", "wheel", "--no-build-isolation", "--no-deps",
                "--disable-pip-version-check", "-v", "--wheel-dir", outdir, project], cwd=project)


def only(outdir: Path, pattern: str) -> Path:
    hits = sorted(outdir.glob(pattern))
    assert len(hits) == 1, f"expected one {pattern} in {outdir}, found {hits}"
    return hits[0]


def listdir(path: Path) -> list[str]:
    return sorted(p.name for p in path.iterdir()) if path.is_dir() else []


# --------------------------------------------------------------------------- wheels


def wheel_names(whl: Path) -> list[str]:
    with zipfile.ZipFile(whl) as zf:
        return sorted(zf.namelist())


def wheel_read(whl: Path, name: str) -> bytes:
    with zipfile.ZipFile(whl) as zf:
        return zf.read(name)


def wheel_modes(whl: Path) -> dict[str, int]:
    """Unix mode (with file type bits) of each zip entry."""
    with zipfile.ZipFile(whl) as zf:
        return {zi.filename: zi.external_attr >> 16 for zi in zf.infolist()}


def parse_headers(data: bytes) -> Message:
    return email.parser.BytesParser().parsebytes(data)


def dist_info(whl: Path) -> str:
    """The .dist-info folder named by the wheel's file name."""
    dist, version = whl.name.split("-")[:2]
    return f"{dist}-{version}.dist-info"


def record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def read_record(whl: Path) -> list[list[str]]:
    text = wheel_read(whl, f"{dist_info(whl)}/RECORD").decode("utf-8")
    return list(csv.reader(io.StringIO(text)))


def check_record(whl: Path) -> None:
    """RECORD lists every file of the wheel exactly once, with the right hash and size."""
    info = dist_info(whl)
    rows = read_record(whl)
    assert all(len(r) == 3 for r in rows), rows
    names = [r[0] for r in rows]
    dupes = sorted({n for n in names if names.count(n) > 1})
    assert not dupes, f"listed more than once in RECORD: {dupes}"
    with zipfile.ZipFile(whl) as zf:
        in_zip = zf.namelist()
        assert len(in_zip) == len(set(in_zip)), f"duplicate zip entries in {whl.name}"
        assert sorted(names) == sorted(in_zip), (
            f"RECORD and zip differ: only in RECORD {sorted(set(names) - set(in_zip))}, "
            f"only in zip {sorted(set(in_zip) - set(names))}")
        for name, digest, size in rows:
            if name == f"{info}/RECORD":
                assert (digest, size) == ("", ""), f"RECORD lists a hash for itself: {digest}"
                continue
            data = zf.read(name)
            assert digest.startswith("sha256="), (name, digest)
            assert "=" not in digest[len("sha256="):], f"{name}: padded base64 {digest}"
            assert digest == record_hash(data), f"{name}: RECORD says {digest}"
            assert size == str(len(data)), f"{name}: RECORD says {size} bytes, it has {len(data)}"


# --------------------------------------------------------------------------- sdists


def sdist_members(sdist: Path) -> list[tarfile.TarInfo]:
    with tarfile.open(sdist, "r:gz") as tf:
        return tf.getmembers()


def sdist_names(sdist: Path) -> list[str]:
    """Paths inside the sdist's single top folder, sorted (files only)."""
    prefix = sdist.name[: -len(".tar.gz")] + "/"
    out = []
    for m in sdist_members(sdist):
        assert m.name.startswith(prefix), f"{m.name} is outside {prefix}"
        if m.isfile():
            out.append(m.name[len(prefix):])
    return sorted(out)


def sdist_read(sdist: Path, name: str) -> bytes:
    prefix = sdist.name[: -len(".tar.gz")]
    with tarfile.open(sdist, "r:gz") as tf:
        f = tf.extractfile(f"{prefix}/{name}")
        assert f is not None
        return f.read()


def unpack_sdist(sdist: Path, dest: Path) -> Path:
    """Extract with the 'data' filter (no absolute paths, links out, devices...)."""
    with tarfile.open(sdist, "r:gz") as tf:
        tf.extractall(dest, filter="data")
    top = dest / sdist.name[: -len(".tar.gz")]
    assert top.is_dir(), listdir(dest)
    return top


# --------------------------------------------------------------------------- venvs


class Venv:
    """A virtual environment made by uv with this interpreter; installs go through uv too."""

    def __init__(self, path: Path, uv_cache: Path) -> None:
        self.path = path
        self.env = env_without_source_tree(UV_CACHE_DIR=str(uv_cache), UV_NO_CONFIG="1")
        run([uv(), "venv", "--quiet", "--python", sys.executable, path], env=self.env)
        self.python = path / "bin" / "python"
        assert self.python.exists()
        # Run installed code from an empty folder, so nothing next to it shadows the install.
        self.cwd = path.parent / f"{path.name}-cwd"
        self.cwd.mkdir(exist_ok=True)

    def install(self, *wheels: Path) -> None:
        run([uv(), "pip", "install", "--python", self.python, "--no-deps", "--reinstall",
             *wheels], env=self.env)

    def run(self, args: list[str | Path], check: bool = True) -> Result:
        return run(args, cwd=self.cwd, env=self.env, check=check)

    def probe(self, code: str) -> object:
        """Run `code` in the venv; it must print one JSON document as the last line."""
        res = self.run([self.python, "-I", "-c", code])
        return json.loads(res.stdout.strip().splitlines()[-1])

    @property
    def site_packages(self) -> Path:
        return self.path / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}" / \
            "site-packages"


def uv() -> str:
    exe = shutil.which("uv")
    assert exe, "uv is not on PATH"
    return exe


# --------------------------------------------------------------------------- small projects


def write_project(root: Path, tool_table: str, cmakelists: str | None = None,
                  name: str = "tiny-example") -> Path:
    """A minimal CMake project with a C-free CMakeLists.txt unless `cmakelists` is given."""
    mod = name.replace("-", "_")
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(f"""\
[build-system]
requires = ["crosswheel"]
build-backend = "crosswheel.backend"

[project]
name = "{name}"
version = "0.0.1"
description = "A test project"
readme = "README.md"
license = "MIT"
license-files = ["LICENSE"]

[tool.py-build-cmake.module]
name = "{mod}"

{tool_table}
""")
    (root / "README.md").write_text("# tiny\n")
    (root / "LICENSE").write_text("MIT License\n")
    (root / mod).mkdir(exist_ok=True)
    (root / mod / "__init__.py").write_text('"""Tiny."""\n__version__ = "0.0.1"\n')
    (root / "CMakeLists.txt").write_text(cmakelists or """\
cmake_minimum_required(VERSION 3.17...4.4)
project(tiny NONE)
install(FILES CMakeLists.txt DESTINATION share COMPONENT python_modules EXCLUDE_FROM_ALL)
""")
    return root


def real_cmake(tmp: Path) -> Path:
    """The cmake executable itself (PATH may hold a shim script that needs more of PATH)."""
    script = tmp / "which-cmake.cmake"
    script.write_text('message("${CMAKE_COMMAND}")\n')
    out = run(["cmake", "-P", script]).stderr.strip().splitlines()[-1]
    path = Path(out)
    assert path.is_file(), out
    return path
