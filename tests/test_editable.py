"""Editable installs (PEP 660), for real: `pip install -e` into a fresh venv, then new interpreters.

Each install goes into its own venv (made with --system-site-packages, so pybind11, cmake and pip
come from the interpreter running the tests) with `--no-build-isolation`; conftest.py puts
crosswheel's source tree on PYTHONPATH, so pip's backend subprocess builds with these sources.
The interpreters that import the installed package run without PYTHONPATH and from an unrelated
folder: what they see comes only from the install (the runtime must not need crosswheel).

Covered:
- the editable wheel's exact contents per mode (built directly, no pip);
- c-api in all three modes with and without editable.build_hook, pybind11 in symlink and hook mode
  with the build hook and wrapper mode without: imports from the source tree, then a .py edit is
  seen and a .c/.cpp edit is seen only with the build hook; the import time with the build hook
  when nothing changed;
- a rebuild that fails (compiler error) raises ImportError with the compiler's message, and
  CROSSWHEEL_EDITABLE_REBUILDING turns the rebuild off;
- `pip uninstall -y` leaves nothing behind;
- the pure-Python example in symlink mode, console script included.
"""

from __future__ import annotations

import ast
import contextlib
import csv
import io
import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
TIMEOUT = 600
GUARD = "CROSSWHEEL_EDITABLE_REBUILDING"
MODES = ("symlink", "wrapper", "hook")
# A generous bound for an import that only has to find out that nothing changed.
NO_CHANGE_IMPORT_LIMIT = 5.0



# --------------------------------------------------------------------------- the examples


@dataclass(frozen=True)
class Example:
    folder: str  # under examples/
    dist: str  # project name, for pip uninstall
    module: str  # import name
    package: str  # the package folder, relative to the project
    native: str  # the compiled source an edit changes, relative to the project
    native_old: str  # occurs exactly once in `native` ...
    native_new: str  # ... and this makes add(2, 3) return 1005
    checks: str  # Python statements on module `m` that set `ok`

    @property
    def dist_info_prefix(self) -> str:
        return self.dist.replace("-", "_") + "-"


C_API = Example(
    folder="c-api", dist="c-api-example", module="c_api_example", package="c_api_example",
    native="src/core.c", native_old="PyLong_FromLongLong(a + b)",
    native_new="PyLong_FromLongLong(a + b + 1000)",
    checks="import platform\n"
           "ok = m._core.__version__ == '1.2.3' and m.platform() == platform.machine()\n")

PYBIND11 = Example(
    folder="pybind11-project", dist="pybind11-example", module="pybind11_example",
    package="src/pybind11_example", native="src/cpp/core.cpp", native_old="return a + b;",
    native_new="return a + b + 1000;",
    checks="c = m.Counter(10)\nc.increment()\nc.increment(5)\n"
           "ok = m.mul(1.5, 4) == 6.0 and c.value == 16 and repr(c) == 'Counter(16)'\n")

PY_EDIT = '\n\ndef added_later():\n    return "py-edit"\n'

# Run in a new interpreter: what the installed package looks like from outside.
PROBE = """\
import json, os, sys
import {module} as m
core = sys.modules["{module}._core"]
{checks}
print(json.dumps({{
    "file": os.path.realpath(m.__file__),
    "core": os.path.realpath(core.__file__),
    "add": m.add(2, 3),
    "edited": m.added_later() if hasattr(m, "added_later") else None,
    "ok": ok,
}}))
"""

# The same, but reporting an exception raised by the import instead of failing.
IMPORT_ERROR_PROBE = """\
import json
try:
    import {module}
except BaseException as e:
    print(json.dumps({{"type": type(e).__name__, "message": str(e),
                      "name": getattr(e, "name", None)}}))
else:
    print(json.dumps({{"type": None, "add": {module}.add(2, 3)}}))
"""


def runtime_config(text: str) -> dict:
    """The CONFIG literal at the end of an installed runtime module."""
    return ast.literal_eval(text.rsplit("\nCONFIG = ", 1)[1])


def copy_example(name: str, dest: Path) -> Path:
    """examples/<name> copied to dest/<name>, without any build or cache folder."""
    out = dest / name
    shutil.copytree(EXAMPLES / name, out, ignore=shutil.ignore_patterns(
        ".py-build-cmake_cache", ".crosswheel_cache", "__pycache__", "build", "dist"))
    return out


def edit_python(project: Path, ex: Example) -> None:
    init = project / ex.package / "__init__.py"
    init.write_text(init.read_text() + PY_EDIT)


def edit_native(project: Path, ex: Example, old: str, new: str) -> None:
    src = project / ex.native
    text = src.read_text()
    assert text.count(old) == 1, f"{old!r} should occur once in {src}"
    src.write_text(text.replace(old, new))


# --------------------------------------------------------------------------- processes


def run(cmd: list[str | Path], *, cwd: Path | None = None, env: dict[str, str] | None = None,
        check: bool = True) -> subprocess.CompletedProcess[str]:
    args = [str(c) for c in cmd]
    p = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT,
                       check=False)
    if check and p.returncode != 0:
        raise AssertionError(f"$ {' '.join(args)}\n-> exit code {p.returncode}\n"
                             f"--- stdout ---\n{p.stdout[-6000:]}\n"
                             f"--- stderr ---\n{p.stderr[-6000:]}")
    return p


def runtime_env(**extra: str) -> dict[str, str]:
    """For the interpreters that use the install: no source tree of crosswheel, no guard."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", GUARD)}
    env.update(extra)
    return env


class Venv:
    """A fresh venv whose site-packages holds one unrelated file, so pip's uninstall has
    something it must leave alone (and does not just remove the whole folder)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", path])
        self.python = path / ("Scripts" if os.name == "nt" else "bin") / "python"
        self.bin = self.python.parent
        self.site = Path(run([self.python, "-c", "import sysconfig; "
                              "print(sysconfig.get_path('purelib'))"]).stdout.strip())
        (self.site / "unrelated_keep.py").write_text("# not part of any test project\n")
        self.elsewhere = path.parent / "elsewhere"  # cwd of the interpreters that import
        self.elsewhere.mkdir(exist_ok=True)
        if run([self.python, "-m", "pip", "--version"], check=False).returncode != 0:
            pytest.fail("pip is not importable in a --system-site-packages venv")

    def pip(self, *args: str | Path) -> subprocess.CompletedProcess[str]:
        # os.environ has PYTHONPATH=<repo>/src (conftest.py): the backend is this source tree.
        env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1")
        env.pop(GUARD, None)
        return run([self.python, "-m", "pip", *args], env=env, cwd=self.elsewhere)

    def install_editable(self, project: Path, *override_lines: str) -> None:
        args: list[str | Path] = ["install", "--no-build-isolation", "--no-deps", "--no-index"]
        for line in override_lines:
            args += ["-C", f"override={line}"]
        self.pip(*args, "-e", project)

    def python_code(self, code: str, check: bool = True,
                    **env: str) -> subprocess.CompletedProcess[str]:
        return run([self.python, "-c", code], cwd=self.elsewhere, env=runtime_env(**env),
                   check=check)

    def probe(self, ex: Example, **env: str) -> dict:
        out = self.python_code(PROBE.format(module=ex.module, checks=ex.checks), **env).stdout
        return json.loads(out.strip().splitlines()[-1])

    def files(self) -> set[str]:
        """Every file (and symlink) below site-packages, relative."""
        return {p.relative_to(self.site).as_posix() for p in self.site.rglob("*")
                if not p.is_dir() or p.is_symlink()}

    def time_import(self, module: str, runs: int = 3, **env: str) -> float:
        """The best of `runs` wall-clock times of a new interpreter importing `module`."""
        best = float("inf")
        for _ in range(runs):
            start = time.perf_counter()
            self.python_code(f"import {module}", **env)
            best = min(best, time.perf_counter() - start)
        return best


def overrides(mode: str, build_hook: bool) -> list[str]:
    """Override lines; pip passes each as `-C override=LINE`."""
    return [f'editable.mode="{mode}"', f"editable.build_hook={'true' if build_hook else 'false'}"]


def assert_uninstalled(venv: Venv, before: set[str], ex_module: str, dist_info_prefix: str) -> None:
    after = venv.files()
    assert after == before, (f"pip uninstall left {sorted(after - before)} and removed "
                             f"{sorted(before - after)}")
    leftovers = [p.name for p in venv.site.iterdir()
                 if p.name.startswith((ex_module, dist_info_prefix, "_crosswheel_editable_"))]
    assert not leftovers, leftovers
    pycache = venv.site / "__pycache__"
    if pycache.is_dir():
        assert not [p for p in pycache.iterdir() if "_crosswheel_editable_" in p.name]
    r = venv.python_code(f"import {ex_module}", check=False)
    assert r.returncode != 0 and "ModuleNotFoundError" in r.stderr, r.stderr


@pytest.fixture(scope="module")
def timings(request: pytest.FixtureRequest):
    """Import times measured by the tests, shown at the end of the module's run."""
    found: dict[str, str] = {}
    yield found
    plugins = request.config.pluginmanager
    reporter = plugins.getplugin("terminalreporter")
    capture = plugins.getplugin("capturemanager")
    if reporter is None or not found:
        return
    with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
        reporter.write_line("")
        for key, text in sorted(found.items()):
            reporter.write_line(f"editable import time, {key}: {text}")


# --------------------------------------------------------------------------- the wheel itself


@pytest.fixture(scope="module")
def c_api_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy of c-api for the wheel-content tests: the CMake build folder is reused."""
    return copy_example("c-api", tmp_path_factory.mktemp("wheels"))


def _build_editable_wheel(project: Path, out: Path, *lines: str) -> Path:
    from crosswheel.config import Settings
    from crosswheel.editable import build_editable

    return build_editable(project, out, Settings(override=list(lines)))


def _check_record(zf: zipfile.ZipFile, dist_info: str) -> None:
    rows = list(csv.reader(io.StringIO(zf.read(f"{dist_info}/RECORD").decode())))
    assert sorted(r[0] for r in rows) == sorted(zf.namelist())


@pytest.mark.parametrize("mode,build_hook", [(m, False) for m in MODES] + [("symlink", True)])
def test_editable_wheel_contents(c_api_project: Path, tmp_path: Path, mode: str,
                                 build_hook: bool) -> None:
    whl = _build_editable_wheel(c_api_project, tmp_path, *overrides(mode, build_hook))
    pth = "_crosswheel_editable_c_api_example.pth"
    runtime = "_crosswheel_editable_c_api_example.py"
    expected = {"symlink": {pth}, "wrapper": {pth, "c_api_example/__init__.py"},
                "hook": {pth, runtime}}[mode]
    if build_hook:
        expected = expected | {runtime}
    dist_info = "c_api_example-1.2.3.dist-info"
    with zipfile.ZipFile(whl) as zf:
        names = set(zf.namelist())
        assert {n for n in names if not n.startswith(dist_info + "/")} == expected
        assert {f"{dist_info}/{f}" for f in ("METADATA", "WHEEL", "RECORD")} <= names
        _check_record(zf, dist_info)
        lines = zf.read(pth).decode().splitlines()
        texts = {n: zf.read(n).decode() for n in expected if n.endswith(".py")}

    source = (c_api_project / "c_api_example").resolve()
    staging = Path(lines[0])
    assert staging.is_absolute() and staging.is_dir(), lines
    assert staging.resolve().is_relative_to(c_api_project.resolve()), staging
    compiled = list((staging / "c_api_example").glob("_core*"))
    assert len(compiled) == 1, compiled
    mirrored = staging / "c_api_example" / "__init__.py"
    if mode == "symlink":
        # The package is mirrored next to the compiled module with links into the sources.
        assert mirrored.is_symlink() and mirrored.resolve() == source / "__init__.py"
    else:
        assert not mirrored.exists()
    imports = [ln for ln in lines[1:] if ln.startswith("import ")]
    if mode == "hook" or build_hook:
        assert imports == [f"import {runtime[:-3]}; {runtime[:-3]}.install({mode == 'hook'})"]
        config = runtime_config(texts[runtime])
        assert config["name"] == "c_api_example"
        assert bool(config["steps"]) == build_hook
    else:
        assert imports == []
    if mode == "wrapper":
        wrapper = texts["c_api_example/__init__.py"]
        assert repr(str(source / "__init__.py")) in wrapper
        assert repr(str(source)) in wrapper
    for name, text in texts.items():
        compile(text, name, "exec")  # valid Python


def test_editable_wheel_contents_pure_python(tmp_path: Path) -> None:
    project = copy_example("pure-python", tmp_path)
    whl = _build_editable_wheel(project, tmp_path / "out", 'editable.mode="symlink"')
    with zipfile.ZipFile(whl) as zf:
        names = set(zf.namelist())
        dist_info = "pure_python_example-0.3.1.dist-info"
        assert {n for n in names if not n.startswith(dist_info + "/")} == {
            "_crosswheel_editable_pure_python_example.pth"}
        entry_points = "".join(zf.read(f"{dist_info}/entry_points.txt").decode().split())
        assert "[console_scripts]pure-python-example=pure_python_example:main" in entry_points
        _check_record(zf, dist_info)


# --------------------------------------------------------------------------- pip install -e


CASES = [pytest.param(C_API, mode, hook, id=f"c-api-{mode}-{'build_hook' if hook else 'plain'}")
         for mode in MODES for hook in (True, False)]
CASES += [
    pytest.param(PYBIND11, "symlink", True, id="pybind11-symlink-build_hook"),
    pytest.param(PYBIND11, "hook", True, id="pybind11-hook-build_hook"),
    pytest.param(PYBIND11, "wrapper", False, id="pybind11-wrapper-plain"),
]


@pytest.mark.parametrize("ex,mode,build_hook", CASES)
def test_install_edit_uninstall(tmp_path: Path, ex: Example, mode: str, build_hook: bool,
                                timings: dict[str, str]) -> None:
    project = copy_example(ex.folder, tmp_path)
    venv = Venv(tmp_path / "venv")
    before = venv.files()
    venv.install_editable(project, *overrides(mode, build_hook))

    installed = venv.files() - before
    runtime = f"_crosswheel_editable_{ex.module}.py"
    assert f"_crosswheel_editable_{ex.module}.pth" in installed
    assert (runtime in installed) == (mode == "hook" or build_hook), sorted(installed)
    assert (f"{ex.module}/__init__.py" in installed) == (mode == "wrapper"), sorted(installed)
    assert not [f for f in installed if "/_core" in f or f.endswith((".so", ".pyd"))], (
        "the compiled module must stay in the build folder")

    source_init = (project / ex.package / "__init__.py").resolve()
    r = venv.probe(ex)
    assert r["file"] == str(source_init), "the package must run from the source tree"
    assert Path(r["core"]).is_relative_to(project.resolve()), r["core"]
    assert (r["add"], r["edited"], r["ok"]) == (5, None, True), r

    if build_hook:
        # Nothing changed: the hook still runs `cmake --build` and `--install`, which must
        # be quick. Compared with the same import with the rebuild switched off.
        hooked = venv.time_import(ex.module)
        plain = venv.time_import(ex.module, **{GUARD: "1"})
        timings[f"{ex.folder} {mode} mode"] = (
            f"{hooked:.2f} s with build_hook, nothing changed ({plain:.2f} s without rebuild)")
        assert hooked < NO_CHANGE_IMPORT_LIMIT, f"{hooked:.2f} s"

    edit_python(project, ex)
    edit_native(project, ex, ex.native_old, ex.native_new)
    r = venv.probe(ex)
    assert r["file"] == str(source_init)
    assert r["edited"] == "py-edit", "a .py edit must be seen without reinstalling"
    assert r["add"] == (1005 if build_hook else 5), (
        "the compiled edit must be seen exactly when the build hook is on", r)
    assert r["ok"] is True, r
    if build_hook:
        assert venv.probe(ex)["add"] == 1005  # a second import: nothing to rebuild, still new

    venv.pip("uninstall", "-y", ex.dist)
    assert_uninstalled(venv, before, ex.module, ex.dist_info_prefix)


def test_failing_rebuild_and_recursion_guard(tmp_path: Path) -> None:
    ex = C_API
    project = copy_example(ex.folder, tmp_path)
    # This time the mode comes from a local configuration file instead of -C override.
    (project / "crosswheel.local.toml").write_text(
        '[editable]\nmode = "hook"\nbuild_hook = true\n')
    venv = Venv(tmp_path / "venv")
    before = venv.files()
    venv.install_editable(project)
    assert f"_crosswheel_editable_{ex.module}.py" in venv.files() - before
    assert venv.probe(ex)["add"] == 5

    # The hook runs the real programs (no shim or wrapper script in front), recorded at
    # install time, whatever PATH says at import...
    runtime = venv.site / f"_crosswheel_editable_{ex.module}.py"
    original = runtime.read_text()
    steps = runtime_config(original)["steps"]
    programs = {cmd[0] for s in steps for cmd in s["build"] + s["install"]}
    assert programs and all(Path(p).is_absolute() and Path(p).read_bytes()[:4] == b"\x7fELF"
                            for p in programs), programs
    no_tools = tmp_path / "empty-bin"
    no_tools.mkdir()
    assert venv.probe(ex, PATH=str(no_tools))["add"] == 5
    # ...and when the build tool is gone too (say, it came from a build environment since
    # deleted), the import fails with an ImportError naming it, not an OSError from the import
    # system.
    tool = steps[0]["build"][0][0]
    runtime.write_text(original.replace(repr(tool), repr(str(no_tools / "gone" / "tool"))))
    out = venv.python_code(IMPORT_ERROR_PROBE.format(module=ex.module), PATH=str(no_tools)).stdout
    err = json.loads(out.strip().splitlines()[-1])
    assert err["type"] == "ImportError" and "gone/tool" in err["message"], err
    runtime.write_text(original)

    # A syntax error, on a line of its own so the compiler's message can be recognised. The
    # line has a Latin-1 byte in a comment: compilers echo it, and it must not turn the
    # ImportError into a UnicodeDecodeError.
    src = project / ex.native
    good = src.read_text()
    broken = good.encode() + b"\nint crosswheel_test_broken(void) { return 1 + ; } /* caf\xe9 */\n"
    src.write_bytes(broken)
    line = len(broken.splitlines())

    # With the guard set (as it is inside a rebuild), no rebuild is attempted: the import
    # works with the module built before the file broke.
    r = venv.probe(ex, **{GUARD: "1"})
    assert (r["add"], r["ok"]) == (5, True), r

    # Without it, the rebuild fails and the import says why, compiler output included.
    out = venv.python_code(IMPORT_ERROR_PROBE.format(module=ex.module)).stdout
    err = json.loads(out.strip().splitlines()[-1])
    assert err["type"] == "ImportError", err
    assert err["name"] == ex.module, err
    assert f"core.c:{line}:" in err["message"], err["message"]
    assert "error" in err["message"].lower(), err["message"]
    # Uncaught, it is an ordinary import failure of the interpreter.
    r = venv.python_code(f"import {ex.module}", check=False)
    assert r.returncode == 1 and f"core.c:{line}:" in r.stderr, r.stderr
    assert "\nImportError: crosswheel build hook: rebuilding c_api_example failed" in r.stderr

    # Fixed again: the next import rebuilds and works.
    src.write_text(good.replace(ex.native_old, ex.native_new))
    assert venv.probe(ex)["add"] == 1005

    venv.pip("uninstall", "-y", ex.dist)
    assert_uninstalled(venv, before, ex.module, ex.dist_info_prefix)


def test_pure_python_symlink(tmp_path: Path) -> None:
    project = copy_example("pure-python", tmp_path)
    venv = Venv(tmp_path / "venv")
    before = venv.files()
    venv.install_editable(project, 'editable.mode="symlink"')
    installed = venv.files() - before
    assert "_crosswheel_editable_pure_python_example.pth" in installed
    assert not [f for f in installed if f.startswith("pure_python_example/")], sorted(installed)

    source = (project / "src" / "pure_python_example").resolve()
    out = venv.python_code("import json, os, pure_python_example as m; print(json.dumps("
                           "[os.path.realpath(m.__file__), m.greet('x')]))").stdout
    assert json.loads(out) == [str(source / "__init__.py"),
                               "Hello from pure_python_example, x!"]
    script = venv.bin / "pure-python-example"
    assert script.is_file()
    r = run([script, "cw"], cwd=venv.elsewhere, env=runtime_env())
    assert r.stdout == "Hello from pure_python_example, cw!\n"
    r = venv.python_code("import runpy; runpy.run_module('pure_python_example', "
                         "run_name='__main__')", check=False)
    assert r.stdout == "Hello from pure_python_example, world!\n", r.stderr

    # An edit in the source tree reaches the installed script.
    init = source / "__init__.py"
    init.write_text(init.read_text().replace('"Hello from pure_python_example"',
                                             '"Edited greeting"'))
    r = run([script, "cw"], cwd=venv.elsewhere, env=runtime_env())
    assert r.stdout == "Edited greeting, cw!\n"

    venv.pip("uninstall", "-y", "pure-python-example")
    assert not script.exists()
    assert_uninstalled(venv, before, "pure_python_example", "pure_python_example-")


@pytest.mark.parametrize("mode", ["wrapper", "hook", "symlink"])
def test_package_data_is_found_through_importlib_resources(tmp_path: Path, mode: str) -> None:
    project = copy_example(C_API.folder, tmp_path)
    (project / "c_api_example" / "greeting.txt").write_text("hello from the sources\n")
    venv = Venv(tmp_path / "venv")
    venv.install_editable(project, f"editable.mode={mode}")
    code = ("import importlib.resources as r\n"
            "print(r.files('c_api_example').joinpath('greeting.txt').read_text().strip())")
    assert venv.python_code(code).stdout.strip() == "hello from the sources"
