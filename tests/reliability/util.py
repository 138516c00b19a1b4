"""Helpers of the reliability tests: real builds, watched processes, snapshots, small projects.

Every build here goes through a real frontend process (`python -m build --no-isolation`) or the
real hook subprocess of pyproject_hooks, exactly as a user's would.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import os
import shutil
import signal
import stat
import subprocess
import sys
import tarfile
import textwrap
import time
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
CACHE = ".py-build-cmake_cache"
TIMEOUT = 300  # for one build; they take seconds, but other builds may share the machine
EPOCH = 1700000000

_COPY_IGNORE = shutil.ignore_patterns(CACHE, ".crosswheel_cache", "__pycache__", "build", "dist")


# --------------------------------------------------------------------------- running builds


@dataclass
class Result:
    cmd: list[str]
    returncode: int
    output: str  # stdout and stderr, interleaved as the user sees them

    def describe(self) -> str:
        return f"$ {' '.join(self.cmd)}\n-> exit code {self.returncode}\n{self.output[-8000:]}"


def build_cmd(project: Path, out: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), *args,
            str(project)]


def env(**extra: str | None) -> dict[str, str]:
    """os.environ with `extra` on top; a None value removes the variable."""
    e = dict(os.environ)
    for k, v in extra.items():
        if v is None:
            e.pop(k, None)
        else:
            e[k] = v
    return e


def build(project: Path, out: Path, *args: str, extra_env: dict[str, str | None] | None = None,
          check: bool = True, preexec_fn: Callable[[], None] | None = None,
          wrap: list[str] | None = None) -> Result:
    """`python -m build --no-isolation`; `wrap` is a command prefix (e.g. unshare)."""
    cmd = [*(wrap or []), *build_cmd(project, out, *args)]
    p = subprocess.run(cmd, cwd=project, env=env(**(extra_env or {})), stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, errors="replace", timeout=TIMEOUT,
                       preexec_fn=preexec_fn, check=False)
    res = Result(cmd, p.returncode, p.stdout)
    if check and p.returncode != 0:
        raise AssertionError(f"build failed\n{res.describe()}")
    return res


def call_hook(project: Path, hook: str, *args: str,
              config_settings: dict[str, str | list[str]] | None = None,
              extra_env: dict[str, str | None] | None = None) -> Result:
    """One PEP 517 hook of crosswheel.backend in pyproject_hooks' real hook subprocess, for
    what a frontend would stop at before calling the backend (its own pyproject.toml parse)."""
    from pyproject_hooks import BuildBackendHookCaller

    seen: dict[str, object] = {}

    def runner(cmd: list[str], cwd: str | None = None,
               extra_environ: dict[str, str] | None = None) -> None:
        p = subprocess.run(cmd, cwd=cwd, env=env(**(extra_environ or {}), **(extra_env or {})),
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           errors="replace", timeout=TIMEOUT, check=False)
        seen.update(cmd=cmd, rc=p.returncode, out=p.stdout)
        if p.returncode:
            raise subprocess.CalledProcessError(p.returncode, cmd)

    caller = BuildBackendHookCaller(str(project), "crosswheel.backend", runner=runner)
    try:
        value = getattr(caller, hook)(*args, config_settings=config_settings)
    except subprocess.CalledProcessError:
        value = None
    out = str(seen["out"]) + ("" if value is None else f"\nhook returned {value!r}\n")
    return Result(list(seen["cmd"]), int(seen["rc"]), out)  # type: ignore[call-overload]


class Background:
    """A build started in a session of its own, so that every process it starts can be watched
    (and signalled as a group, like Ctrl-C in a terminal does)."""

    def __init__(self, project: Path, out: Path, *args: str, log: Path,
                 extra_env: dict[str, str | None] | None = None) -> None:
        self.cmd = build_cmd(project, out, *args)
        self.log_path = log
        with open(log, "wb") as f:
            self.proc = subprocess.Popen(self.cmd, cwd=project, env=env(**(extra_env or {})),
                                         stdout=f, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        self.sid = self.proc.pid

    @property
    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def processes(self) -> list[tuple[int, int, str]]:
        return session_processes(self.sid)

    def backend_pid(self, timeout: float = 60) -> int:
        """The hook subprocess (pyproject_hooks' _in_process.py) the frontend started."""
        found = wait_for(lambda: [pid for pid, ppid, cmd in self.processes()
                                  if ppid == self.proc.pid and "_in_process" in cmd], timeout,
                         "the backend process")
        return found[0]

    def signal_group(self, sig: int) -> None:
        os.killpg(self.sid, sig)

    def wait(self, timeout: float = TIMEOUT) -> Result:
        """Wait for the frontend, then for every process of its session to be gone."""
        try:
            self.proc.wait(timeout)
        finally:
            left = wait_session_gone(self.sid, 30)
        assert not left, f"processes of the build outlived it: {left}\n{self.log[-4000:]}"
        return Result(self.cmd, self.proc.returncode, self.log)

    def kill(self) -> None:
        """Last resort cleanup of a test that failed half way."""
        for pid, _, _ in session_processes(self.sid):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            pass


def session_processes(sid: int) -> list[tuple[int, int, str]]:
    """(pid, parent pid, command line) of the live (not zombie) processes of session `sid`."""
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
            fields = stat[stat.rfind(")") + 2:].split()
            if fields[0] == "Z" or int(fields[3]) != sid:
                continue
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace").strip()
        except (OSError, IndexError, ValueError):
            continue  # gone meanwhile
        out.append((int(entry), int(fields[1]), cmd))
    return out


def wait_session_gone(sid: int, timeout: float) -> list[tuple[int, int, str]]:
    deadline = time.monotonic() + timeout
    while True:
        left = session_processes(sid)
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.05)


def wait_for(predicate: Callable[[], object], timeout: float, what: str,
             interval: float = 0.02) -> object:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


# --------------------------------------------------------------------------- checking results


def snapshot(project: Path) -> dict[str, str]:
    """Every file, link and folder of a project (but its build cache), with content hashes."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(project):
        here = Path(dirpath)
        if here == project and CACHE in dirnames:
            dirnames.remove(CACHE)
        for name in [*dirnames, *filenames]:
            p = here / name
            rel = p.relative_to(project).as_posix()
            st = p.lstat()
            if p.is_symlink():
                out[rel] = f"link -> {os.readlink(p)}"
            elif p.is_dir():
                out[rel] = f"dir {st.st_mode:o}"
            elif not stat.S_ISREG(st.st_mode):  # a FIFO or socket: reading it would block
                out[rel] = f"special {st.st_mode:o}"
            else:
                out[rel] = f"file {st.st_mode:o} {hashlib.sha256(p.read_bytes()).hexdigest()}"
    return out


def listdir(path: Path) -> list[str]:
    return sorted(os.listdir(path)) if path.is_dir() else []


def check_output_folder(out: Path, expect: Iterable[str] = ()) -> None:
    """The folder holds exactly the `expect`ed artefacts, each complete, and nothing else:
    no temporary .part file, no half-written archive."""
    names = listdir(out)
    assert names == sorted(expect), f"{out} holds {names}, expected {sorted(expect)}"
    for name in names:
        check_artefact(out / name)


def check_artefact(path: Path) -> None:
    if path.name.endswith(".whl"):
        with zipfile.ZipFile(path) as zf:
            assert zf.testzip() is None, path
            names = zf.namelist()
            record = next(n for n in names if n.endswith(".dist-info/RECORD"))
            rows = list(csv.reader(io.StringIO(zf.read(record).decode())))
            assert sorted(r[0] for r in rows) == sorted(names), path
            for name, digest, size in rows:
                if name != record:
                    data = zf.read(name)
                    expected = base64.urlsafe_b64encode(hashlib.sha256(data).digest())
                    assert digest == "sha256=" + expected.rstrip(b"=").decode(), (path, name)
                    assert size == str(len(data)), (path, name)
    elif path.name.endswith(".tar.gz"):
        with tarfile.open(path, "r:gz") as tf:
            for m in tf.getmembers():
                if m.isfile():
                    f = tf.extractfile(m)
                    assert f is not None
                    f.read()
    else:
        raise AssertionError(f"unexpected file in the output folder: {path}")


def only(out: Path, pattern: str) -> Path:
    hits = sorted(out.glob(pattern))
    assert len(hits) == 1, f"expected one {pattern} in {out}, found {hits}"
    return hits[0]


def wheel_tags(whl: Path) -> list[str]:
    with zipfile.ZipFile(whl) as zf:
        name = next(n for n in zf.namelist() if n.endswith(".dist-info/WHEEL"))
        return [line.split(": ", 1)[1] for line in zf.read(name).decode().splitlines()
                if line.startswith("Tag: ")]


def wheel_names(whl: Path) -> list[str]:
    with zipfile.ZipFile(whl) as zf:
        return sorted(zf.namelist())


def elf_machine(data: bytes) -> int:
    assert data[:4] == b"\x7fELF"
    return int.from_bytes(data[18:20], "little" if data[5] == 1 else "big")


# --------------------------------------------------------------------------- projects


def copy_example(name: str, dest: Path) -> Path:
    """examples/<name> copied to `dest` (which must not exist), without build caches."""
    shutil.copytree(EXAMPLES / name, dest, ignore=_COPY_IGNORE)
    return dest


PYPROJECT = """\
[build-system]
requires = ["crosswheel"]
build-backend = "crosswheel.backend"

[project]
name = "{name}"
version = "1.0.0"
description = "A project of the reliability tests"
license = "MIT"
license-files = ["LICENSE"]

"""

CMAKE_TOOL = '[tool.crosswheel.cmake]\nbuild_type = "Release"\n'

# A CMake project without a compiler: quick to configure, still a real configure/build/install.
DATA_CMAKELISTS = """\
cmake_minimum_required(VERSION 3.17...4.4)
project(data_only LANGUAGES NONE)
install(FILES data.txt DESTINATION ${PY_BUILD_CMAKE_IMPORT_NAME})
"""


def write_project(root: Path, tool: str = "", cmakelists: str | None = DATA_CMAKELISTS,
                  name: str = "rel-pkg", files: dict[str, str] | None = None,
                  pyproject: str | None = None) -> Path:
    """A small project: package `<name>` (underscored), data.txt and the given CMakeLists.txt
    (None: a pure-Python project); `tool` is appended to pyproject.toml."""
    mod = name.replace("-", "_")
    root.mkdir(parents=True, exist_ok=True)
    text = pyproject if pyproject is not None else PYPROJECT.format(name=name)
    (root / "pyproject.toml").write_text(text + textwrap.dedent(tool), encoding="utf-8")
    (root / "LICENSE").write_text("MIT License\n")
    (root / "data.txt").write_text("some data\n")
    (root / mod).mkdir(exist_ok=True)
    (root / mod / "__init__.py").write_text('"""A package."""\n')
    if cmakelists is not None:
        (root / "CMakeLists.txt").write_text(cmakelists)
    for rel, content in (files or {}).items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(content, encoding="utf-8")
    return root


# A build step that takes as long as $RELIABILITY_SLEEP says (0 by default) and first leaves a
# marker, so that a test knows the compile is under way before it signals.
SLOW_CMAKELISTS = """\
cmake_minimum_required(VERSION 3.17...4.4)
project(slow LANGUAGES NONE)
add_custom_command(OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/generated.txt
  COMMAND ${PY_BUILD_CMAKE_BUILD_PYTHON_INTERPRETER} ${CMAKE_CURRENT_SOURCE_DIR}/slow.py
          ${CMAKE_CURRENT_BINARY_DIR}/generated.txt
  VERBATIM)
add_custom_target(slow ALL DEPENDS ${CMAKE_CURRENT_BINARY_DIR}/generated.txt)
install(FILES data.txt ${CMAKE_CURRENT_BINARY_DIR}/generated.txt
        DESTINATION ${PY_BUILD_CMAKE_IMPORT_NAME})
"""

SLOW_PY = """\
import os, sys, time
marker = os.environ.get("RELIABILITY_MARKER")
if marker:
    open(marker, "w").close()
time.sleep(float(os.environ.get("RELIABILITY_SLEEP", "0")))
with open(sys.argv[1], "w") as f:
    f.write("generated\\n")
"""


def slow_project(root: Path, name: str = "slow-pkg", tool: str = "") -> Path:
    return write_project(root, CMAKE_TOOL + tool, SLOW_CMAKELISTS, name, files={"slow.py": SLOW_PY})


# Random (incompressible) files made by the build: `count` files of `mb` MiB each.
BLOBS_CMAKELISTS = """\
cmake_minimum_required(VERSION 3.17...4.4)
project(blobs LANGUAGES NONE)
set(blobs)
foreach(i RANGE 1 {count})
  set(f ${{CMAKE_CURRENT_BINARY_DIR}}/blob${{i}}.bin)
  add_custom_command(OUTPUT ${{f}}
    COMMAND ${{PY_BUILD_CMAKE_BUILD_PYTHON_INTERPRETER}} ${{CMAKE_CURRENT_SOURCE_DIR}}/blob.py
            ${{f}} {mb}
    VERBATIM)
  list(APPEND blobs ${{f}})
endforeach()
add_custom_target(blobs ALL DEPENDS ${{blobs}})
install(FILES ${{blobs}} DESTINATION ${{PY_BUILD_CMAKE_IMPORT_NAME}})
"""

BLOB_PY = """\
import os, sys
with open(sys.argv[1], "wb") as f:
    for _ in range(int(sys.argv[2])):
        f.write(os.urandom(1 << 20))
"""


def blobs_project(root: Path, count: int, mb: int, name: str = "blobs-pkg") -> Path:
    return write_project(root, CMAKE_TOOL, BLOBS_CMAKELISTS.format(count=count, mb=mb), name,
                         files={"blob.py": BLOB_PY})


# --------------------------------------------------------------------------- the crosswheel CLI


def cli(project: Path, command: str, out: Path | None, *args: str,
        extra_env: dict[str, str | None] | None = None, cwd: Path | None = None,
        timeout: float = TIMEOUT) -> Result:
    """`python -m crosswheel COMMAND --project PROJECT [-d OUT] ARGS...`: the same functions as
    the hooks, without a frontend's start-up (so a corpus of hundreds of cases stays quick)."""
    cmd = [sys.executable, "-m", "crosswheel", *command.split(), "--project", str(project)]
    if out is not None:
        cmd += ["-d", str(out)]
    cmd += list(args)
    p = subprocess.run(cmd, cwd=cwd or project, env=env(**(extra_env or {})),
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       errors="replace", timeout=timeout, check=False)
    return Result(cmd, p.returncode, p.stdout)
