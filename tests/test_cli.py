"""The crosswheel command line: builds through the hooks' code, single steps, config show."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def cw(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "crosswheel", *args], cwd=cwd,
                          capture_output=True, text=True, check=False)


def copy(name: str, tmp: Path) -> Path:
    dst = tmp / name
    shutil.copytree(REPO / "examples" / name, dst,
                    ignore=shutil.ignore_patterns(".py-build-cmake_cache", "dist"))
    return dst


def test_wheel_and_single_steps(tmp_path: Path) -> None:
    project = copy("c-api", tmp_path)
    r = cw("wheel", "-d", "out", cwd=project)
    assert r.returncode == 0, r.stderr
    wheel = project / "out" / "c_api_example-1.2.3-cp311-cp311-linux_x86_64.whl"
    assert r.stdout.strip() == str(wheel)
    with zipfile.ZipFile(wheel) as zf:
        assert "c_api_example/_core.cpython-311-x86_64-linux-gnu.so" in zf.namelist()
    # Concise by default: one line per step with its duration, CMake's output in a log file.
    assert "native build: ok (" in r.stderr and "Linking C" not in r.stderr
    build_dir = project / ".py-build-cmake_cache/cp311-cp311-linux_x86_64"
    assert "Linking C shared module" in (build_dir / "crosswheel-build.log").read_text()

    r = cw("configure", cwd=project)  # explicit configure always runs
    assert r.returncode == 0 and "native configure: ok" in r.stderr, r.stderr
    (project / "src/core.c").write_text((project / "src/core.c").read_text() + "\n/* edit */\n")
    r = cw("build", "-v", cwd=project)
    assert r.returncode == 0, r.stderr
    assert "Building C object" in r.stderr  # -v streams CMake's output
    r = cw("install", "--component", "python_modules", cwd=project)
    assert r.returncode == 0, r.stderr
    assert (build_dir / "crosswheel-staging/c_api_example/_core.cpython-311-x86_64-linux-gnu.so"
            ).is_file()


def test_dry_run_prints_the_commands_and_runs_nothing(tmp_path: Path) -> None:
    project = copy("c-api", tmp_path)
    r = cw("wheel", "--dry-run", "-o", "cmake.build_type=Debug", cwd=project)
    assert r.returncode == 0, r.stderr
    assert "cmake -S " in r.stderr and "-DCMAKE_BUILD_TYPE:STRING=Debug" in r.stderr
    assert "cmake --build " in r.stderr and "--config Debug" in r.stderr
    assert "cmake --install " in r.stderr and "--component python_modules" in r.stderr
    assert not (project / "dist").exists()
    assert not list((project / ".py-build-cmake_cache").rglob("CMakeCache.txt"))


def test_config_show_names_where_each_value_came_from(tmp_path: Path) -> None:
    project = copy("c-api", tmp_path)
    (project / "crosswheel.local.toml").write_text('[cmake]\nbuild_type = "Debug"\n'
                                                   'args = ["-Wdev"]\n')
    r = cw("config", "show", "-o", "cmake.args+=--trace", "-o", 'cmake.options.FOO=["1",a;b]',
           cwd=project)
    assert r.returncode == 0, r.stderr
    local = str(project / "crosswheel.local.toml")
    lines = r.stdout.splitlines()
    assert f'build_type = "Debug"  # {local}' in lines
    assert f'args = ["-Wdev", "--trace"]  # {local}, -C override=cmake.args+=--trace' in lines
    assert 'options.FOO = "1;a\\\\;b"  # -C override=cmake.options.FOO=["1",a;b]' in lines
    assert 'config = ["Debug"]  # default: build_type' in lines
    assert 'mode = "symlink"  # default' in lines
    assert any(line.startswith("install_components = [\"python_modules\"]  # ")
               and "pyproject.toml [tool.crosswheel]" in line for line in lines)


def test_config_reference_is_the_generated_one() -> None:
    from crosswheel.options import reference_markdown

    r = cw("config", "reference", cwd=REPO)
    assert r.returncode == 0
    assert r.stdout == reference_markdown() + "\n"


def test_cli_errors_are_one_line_without_traceback(tmp_path: Path) -> None:
    project = copy("c-api", tmp_path)
    r = cw("wheel", "-o", "cmake.biuld_type=Debug", cwd=project)
    assert r.returncode == 1
    assert "Did you mean 'build_type'?" in r.stderr and "Traceback" not in r.stderr


def test_configure_is_skipped_only_while_its_inputs_are_unchanged(tmp_path: Path) -> None:
    project = copy("c-api", tmp_path)
    assert cw("wheel", cwd=project).returncode == 0
    r = cw("wheel", cwd=project)
    assert "configuration unchanged" in r.stderr and "native configure" not in r.stderr
    r = cw("wheel", "-o", "cmake.options.CW_TEST_OPTION=on", cwd=project)
    assert "native configure: ok" in r.stderr, r.stderr
    cache = project / ".py-build-cmake_cache/cp311-cp311-linux_x86_64/CMakeCache.txt"
    assert "CW_TEST_OPTION:UNINITIALIZED=on" in cache.read_text()
    r = cw("wheel", "-o", "cmake.options.CW_TEST_OPTION=on", "-o", "cmake.env.CW_ENV='x'",
           cwd=project)
    assert "native configure: ok" in r.stderr, r.stderr  # the environment counts too
