"""Issue 12 §3: every failure is a message. OSError, decode and recursion errors on the way become
one line naming the path and what was expected; Ctrl-C says "interrupted"; a closed pipe ends
quietly; a dynamic-version module that prints at exit or ends the interpreter is handled."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from . import util as u
from .corpus import CMAKE, MOD, PP, Case, head, run

WHEEL = f"{MOD}-1.0.0-cp311-cp311-linux_x86_64.whl"
DEEP = 100_000  # far past any recursion limit


def latin1(rel: str, text: str):
    def setup(project: Path) -> None:
        (project / rel).write_bytes(text.encode("latin-1"))
    return setup


def sysroot(files: dict[str, bytes | None]):
    """A sysroot holding the given files (None: a folder) and a cross file naming it."""
    def setup(project: Path) -> None:
        root = project / "sysroot"
        for rel, data in files.items():
            p = root / rel
            if data is None:
                p.mkdir(parents=True)
            else:
                p.parent.mkdir(parents=True, exist_ok=True)
                p.write_bytes(data)
        (project / "bad.cross.toml").write_text('sysroot = "sysroot"\n')
    return setup


SYSCONFIG = "usr/lib/python3.11/_sysconfigdata__linux_aarch64-linux-gnu.py"
DETAILS = "usr/lib/python3.11/build-details.json"
CROSS = ("-Ccross=project/bad.cross.toml",)  # the CLI runs from the test's folder


def dist_folder(name: str):
    def setup(project: Path) -> None:
        (project.parent / "dist" / name / "inside").mkdir(parents=True)
    return setup


def dynamic(init: str) -> dict[str, str | bytes]:
    return {f"{MOD}/__init__.py": init}


DYN = head(version="", dynamic='["version"]')

CASES = [
    # ---- configuration files that are not UTF-8 or nest too deeply
    Case("pyproject-latin-1", [PP + r": expected UTF-8 text, found byte 0xe9 at line 14$"],
         setup=latin1("pyproject.toml", head() + CMAKE + "# café\n")),
    Case("pyproject-utf-16", [PP + r": expected UTF-8 text, found byte 0xff at line 1$"],
         setup=lambda p: (p / "pyproject.toml").write_bytes(
             (head() + CMAKE).encode("utf-16"))),
    Case("local-toml-latin-1",
         [r"{root}/crosswheel\.local\.toml: expected UTF-8 text, found byte 0xe9 at line 2$"],
         setup=latin1("crosswheel.local.toml", '[cmake]\nbuild_type = "Débug"\n')),
    Case("local-pbc-latin-1",
         [r"{root}/crosswheel\.local\.pbc: expected UTF-8 text, found byte 0xe9 at line 1$"],
         setup=latin1("crosswheel.local.pbc", "# é\ncmake.build_type = Debug\n")),
    Case("cross-toml-latin-1",
         [r"{root}/bad\.cross\.toml: expected UTF-8 text, found byte 0xe0 at line 1$"],
         setup=latin1("bad.cross.toml", "# à\n"), args=CROSS),
    Case("cross-pbc-latin-1",
         [r"{root}/py-build-cmake\.cross\.pbc: expected UTF-8 text, found byte 0xff at line 3$"],
         setup=latin1("py-build-cmake.cross.pbc", "#\n#\ncmake.args += ÿ\n")),
    Case("pyproject-arrays-nested-too-deeply",
         [PP + r": invalid TOML: arrays or tables nested too deeply$"],
         tool=CMAKE + "x = " + "[" * DEEP + "]" * DEEP + "\n"),
    Case("pyproject-inline-tables-nested-too-deeply",
         [PP + r": invalid TOML: arrays or tables nested too deeply$"],
         tool=CMAKE + "x = " + "{a=" * DEEP + "1" + "}" * DEEP + "\n"),
    Case("local-toml-nested-too-deeply",
         [r"{root}/crosswheel\.local\.toml: invalid TOML: arrays or tables nested too deeply$"],
         files={"crosswheel.local.toml": "[cmake]\nargs = " + "[" * DEEP + "]" * DEEP + "\n"}),
    Case("cross-toml-nested-too-deeply",
         [r"{root}/bad\.cross\.toml: invalid TOML: arrays or tables nested too deeply$"],
         files={"bad.cross.toml": "x = " + "[" * DEEP + "]" * DEEP + "\n"}, args=CROSS),
    # ---- the target Python's facts in a sysroot
    Case("sysconfigdata-not-utf8",
         [r"{root}/bad\.cross\.toml: cross\.sysroot: cannot read {root}/sysroot/" + SYSCONFIG
          + r": not UTF-8 text; expected a Python file assigning build_time_vars"],
         setup=sysroot({SYSCONFIG: b"build_time_vars = {'A': '\xff'}\n"}), args=CROSS),
    Case("sysconfigdata-syntax-error",
         [r"cross\.sysroot: cannot read {root}/sysroot/" + SYSCONFIG + r": SyntaxError: "],
         setup=sysroot({SYSCONFIG: b"build_time_vars = {\n"}), args=CROSS),
    Case("sysconfigdata-is-a-folder",
         [r"cross\.sysroot: cannot read {root}/sysroot/" + SYSCONFIG + r": Is a directory; "],
         setup=sysroot({SYSCONFIG: None}), args=CROSS),
    Case("sysconfigdata-not-a-literal",
         [r"cross\.sysroot: cannot read {root}/sysroot/" + SYSCONFIG + r": ValueError: "],
         setup=sysroot({SYSCONFIG: b"import os\nbuild_time_vars = os.environ\n"}), args=CROSS),
    Case("sysconfigdata-not-a-table",
         [r"cross\.sysroot: cannot read {root}/sysroot/" + SYSCONFIG + r": (TypeError|ValueError)"],
         setup=sysroot({SYSCONFIG: b"build_time_vars = [1, 2, 3]\n"}), args=CROSS),
    Case("build-details-invalid-json",
         [r"{root}/bad\.cross\.toml: cross\.sysroot: cannot read {root}/sysroot/" + DETAILS
          + r": JSONDecodeError: .*; expected a PEP 739 build-details\.json"],
         setup=sysroot({DETAILS: b'{"language": '}), args=CROSS),
    Case("build-details-not-an-object",
         [r"cross\.sysroot: cannot read {root}/sysroot/" + DETAILS + r": ValueError: not a JSON "
          r"object"], setup=sysroot({DETAILS: b"[1, 2]"}), args=CROSS),
    Case("build-details-wrong-types",
         [r"cross\.sysroot: cannot read {root}/sysroot/" + DETAILS + r": AttributeError"],
         setup=sysroot({DETAILS: b'{"language": "3.11", "abi": 5}'}), args=CROSS),
    Case("build-details-not-utf8",
         [r"cross\.sysroot: cannot read {root}/sysroot/" + DETAILS + r": not UTF-8 text"],
         setup=sysroot({DETAILS: b'{"language": {"version": "\xff"}}'}), args=CROSS),
    Case("build-details-is-a-folder",
         [r"cross\.sysroot: cannot read {root}/sysroot/" + DETAILS + r": Is a directory"],
         setup=sysroot({DETAILS: None}), args=CROSS),
    # ---- folders that are files
    Case("build-cache-is-a-file",
         [r"cannot create the build folder {root}/\.py-build-cmake_cache/cp311-cp311-linux_x86_64: "
          r"{root}/\.py-build-cmake_cache is not a folder; remove it or set "
          r"cmake\.build_path"],
         files={".py-build-cmake_cache": "not a folder\n"}),
    Case("build-path-is-a-file",
         [r"cannot create the build folder {root}/data\.txt: {root}/data\.txt is not a folder"],
         tool=CMAKE + 'build_path = "data.txt"\n'),
    Case("build-cache-is-a-file-in-the-configure-step",
         [r"cannot create the build folder {root}/\.py-build-cmake_cache/cp311-cp311-linux_x86_64: "
          r"{root}/\.py-build-cmake_cache is not a folder"],
         files={".py-build-cmake_cache": "not a folder\n"}, command="configure"),
    Case("output-folder-is-a-device",
         [rf"cannot write /dev/null/{WHEEL.replace('.', r'[.]')}: /dev/null is not a folder"],
         args=("-d", "/dev/null")),
    Case("build-path-below-a-file",
         [r"cannot create the build folder {root}/data\.txt/x/y: {root}/data\.txt is not a "
          r"folder"],
         tool=CMAKE + 'build_path = "data.txt/x/y"\n'),
    Case("output-folder-holds-the-wheel-as-a-folder",
         [r"cannot write {tmp}/dist/" + WHEEL.replace(".", r"\.") + r": a folder of that name is "
          r"in the way; remove it"], setup=dist_folder(WHEEL), existing=(WHEEL,)),
    Case("output-folder-holds-the-sdist-as-a-folder",
         [rf"cannot write {{tmp}}/dist/{MOD}-1\.0\.0\.tar\.gz: a folder of that name is in the "
          r"way"], setup=dist_folder(f"{MOD}-1.0.0.tar.gz"), command="sdist",
         existing=(f"{MOD}-1.0.0.tar.gz",)),
    # ---- the dynamic version's module
    Case("dynamic-module-calls-os-exit",
         [rf"dynamic metadata: importing '{MOD}' to read __version__ failed: it exited \(status "
          r"0\) before its __version__ could be read; set project\.version"],
         pyproject=DYN, files=dynamic('import os\n__version__ = "1." + "0"\nos._exit(0)\n')),
    Case("dynamic-module-calls-os-exit-3",
         [r"failed: it exited \(status 3\) before its __version__ could be read"],
         pyproject=DYN, files=dynamic('import os\n__version__ = "1." + "0"\nos._exit(3)\n')),
    Case("dynamic-module-exits-with-a-message",
         [rf"importing '{MOD}' to read __version__ failed: not today$"],
         pyproject=DYN, files=dynamic('import sys\n__version__ = "1." + "0"\n'
                                      'sys.exit("not today")\n')),
    Case("dynamic-module-version-is-an-object",
         [PP + r": invalid \[project\] table: .*<object>"],
         pyproject=DYN, files=dynamic("__version__ = object()\n")),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_message(tmp_path: Path, case: Case) -> None:
    run(tmp_path, case)


@pytest.mark.parametrize("init", [
    'import atexit\natexit.register(print, "bye")\n__version__ = "2." + "5"\n',
    'import sys\nprint("noise"); print("{not json", file=sys.stderr)\n'
    '__version__ = "2." + "5"\nsys.stdin.read()\n',
], ids=["prints-at-exit", "prints-and-reads-stdin"])
def test_dynamic_module_that_prints(tmp_path: Path, init: str) -> None:
    """Its output is its own business: the version still comes through."""
    project = u.write_project(tmp_path / "project", "", cmakelists=None, pyproject=DYN,
                              files=dynamic(init)).resolve()
    out = tmp_path / "dist"
    res = u.cli(project, "wheel", out)
    assert res.returncode == 0, res.describe()
    u.check_output_folder(out, [f"{MOD}-2.5-py3-none-any.whl"])


# --------------------------------------------------------------------------- Ctrl-C, pipes


def test_ctrl_c_in_the_cli_says_interrupted(tmp_path: Path) -> None:
    project = u.slow_project(tmp_path / "project").resolve()
    marker, out = tmp_path / "compile-started", tmp_path / "dist"
    cmd = [sys.executable, "-m", "crosswheel", "wheel", "--project", str(project), "-d", str(out)]
    log = tmp_path / "log"
    with open(log, "wb") as f:
        proc = subprocess.Popen(cmd, cwd=tmp_path, stdout=f, stderr=subprocess.STDOUT,
                                env=u.env(RELIABILITY_SLEEP="120", RELIABILITY_MARKER=str(marker)),
                                start_new_session=True)
    try:
        u.wait_for(marker.exists, u.TIMEOUT, "the compile to start")
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        rc = proc.wait(60)
    finally:
        left = u.wait_session_gone(proc.pid, 30)
        for pid, _, _ in left:
            os.kill(pid, signal.SIGKILL)
    output = log.read_text(errors="replace")
    assert rc == 130, output
    assert output.rstrip().endswith("crosswheel: interrupted"), output
    assert "Traceback" not in output and "KeyboardInterrupt" not in output, output
    assert not left, left
    u.check_output_folder(out)


@pytest.mark.parametrize("command", ["config show", "config reference"])
def test_a_closed_pipe_ends_quietly(tmp_path: Path, command: str) -> None:
    """`crosswheel config show | head -0`: the reader is gone before anything is written."""
    project = u.write_project(tmp_path / "project", CMAKE).resolve()
    read, write = os.pipe()
    os.close(read)
    try:
        p = subprocess.run([sys.executable, "-m", "crosswheel", *command.split(),
                            *(["--project", str(project)] if command.endswith("show") else [])],
                           stdout=write, stderr=subprocess.PIPE, text=True, timeout=u.TIMEOUT,
                           check=False)
    finally:
        os.close(write)
    assert p.returncode == 141, p.stderr
    assert p.stderr == "", p.stderr  # no BrokenPipeError, no "Exception ignored" at exit


# --------------------------------------------------------------------------- the file system


def in_mount_namespace(script: str, cmd: list[str], cwd: Path) -> u.Result:
    """Run `cmd` after `script` (mounts) in a private mount namespace."""
    full = ["unshare", "--mount", "--propagation", "private", "sh", "-c",
            script + ' || exit 97\nexec "$@"', "sh", *cmd]
    p = subprocess.run(full, cwd=cwd, env=u.env(), stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, errors="replace", timeout=u.TIMEOUT,
                       check=False)
    assert p.returncode != 97, p.stdout
    return u.Result(full, p.returncode, p.stdout)


def cli_cmd(project: Path, out: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "crosswheel", "wheel", "--project", str(project),
            "-d", str(out), *args]


def test_read_only_source_tree(tmp_path: Path) -> None:
    """The project folder mounted read-only: the build folder cannot be made there, and the
    message says how to put it elsewhere; with cmake.build_path elsewhere the build works."""
    project = u.write_project(tmp_path / "project", CMAKE).resolve()
    before = u.snapshot(project)
    out = tmp_path / "dist"
    ro = f'mount --bind "{project}" "{project}" && mount -o remount,bind,ro "{project}"'
    res = in_mount_namespace(ro, cli_cmd(project, out), tmp_path)
    assert res.returncode == 1, res.describe()
    assert "Traceback" not in res.output, res.describe()
    assert (f"crosswheel: error: cannot create the build folder {project}/{u.CACHE}/"
            "cp311-cp311-linux_x86_64: Read-only file system; set cmake.build_path to a "
            "writable folder") in res.output, res.describe()
    u.check_output_folder(out)
    elsewhere = tmp_path / "build"
    res = in_mount_namespace(ro, cli_cmd(project, out, f"-ocmake.build_path={elsewhere}"),
                             tmp_path)
    assert res.returncode == 0, res.describe()
    u.check_output_folder(out, [WHEEL])
    assert u.snapshot(project) == before


def test_disk_full_while_staging(tmp_path: Path) -> None:
    """The build folder on a 1 MiB tmpfs and a 2 MiB file in the package: staging it fails."""
    project = u.write_project(tmp_path / "project", CMAKE + 'build_path = "../build"\n').resolve()
    (project / MOD / "big.bin").write_bytes(os.urandom(2 << 20))
    build, out = tmp_path / "build", tmp_path / "dist"
    build.mkdir()
    res = in_mount_namespace(f'mount -t tmpfs -o size=1m tmpfs "{build}"',
                             cli_cmd(project, out), tmp_path)
    assert res.returncode == 1, res.describe()
    assert "Traceback" not in res.output, res.describe()
    assert (f"crosswheel: error: cannot stage {project}/{MOD}/big.bin into {project}/../build/"
            "crosswheel-staging: No space left on device") in res.output, res.describe()
    u.check_output_folder(out)
