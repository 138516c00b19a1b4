"""The CMake driver: commands for one configure/build/install of one CMake project, and running them."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import installcheck, proctree
from .errors import BuildError
from .lock import make_folder

_CACHE_STAMP = "crosswheel-configure.json"


@dataclass(frozen=True)
class CMakeStep:
    """Everything needed to configure, build and install one CMake project into a prefix."""

    label: str  # "native", "target", "target.1": shown in messages
    source_dir: Path
    build_dir: Path
    install_prefix: Path
    cwd: Path
    generator: str | None = None
    preset: str | None = None
    build_presets: list[str] | None = None
    preload: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (type, value)
    defines: list[str] = field(default_factory=list)  # NAME[:TYPE]=VALUE
    args: list[str] = field(default_factory=list)
    build_args: list[str] = field(default_factory=list)
    build_tool_args: list[str] = field(default_factory=list)
    configs: list[str] = field(default_factory=list)
    install_configs: list[str] = field(default_factory=list)
    components: list[str] = field(default_factory=lambda: [""])
    install_args: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)  # added to os.environ
    files: dict[Path, str] = field(default_factory=dict)  # written before configuring
    cmake: str = "cmake"
    minimum_version: str | None = None  # cmake.minimum_version: checked before configuring

    @property
    def preload_file(self) -> Path:
        return self.build_dir / "py-build-cmake-preload.cmake"

    def configure_command(self) -> list[str]:
        cmd = [self.cmake, "-S", str(self.source_dir), "-B", str(self.build_dir)]
        if self.generator:
            cmd += ["-G", self.generator]
        if self.preset:
            cmd += ["--preset", self.preset]
        cmd += ["-C", str(self.preload_file)]
        cmd += [f"-D{d}" for d in self.defines]
        return cmd + self.args

    def build_commands(self) -> list[list[str]]:
        tool = ["--", *self.build_tool_args] if self.build_tool_args else []
        parallel = []
        if "CMAKE_BUILD_PARALLEL_LEVEL" not in {**os.environ, **self.env} and not any(
                a in ("-j", "--parallel") or a.startswith(("-j", "--parallel=")) for a in
                self.build_args):
            parallel = ["--parallel", str(os.cpu_count() or 1)]
        if self.build_presets:
            return [[self.cmake, "--build", "--preset", p, *parallel, *self.build_args, *tool]
                    for p in self.build_presets]
        base = [self.cmake, "--build", str(self.build_dir)]
        configs: list[str | None] = [*self.configs] or [None]
        return [base + (["--config", c] if c else []) + parallel + self.build_args + tool
                for c in configs]

    def install_commands(self) -> list[list[str]]:
        out = []
        install_configs: list[str | None] = [*self.install_configs] or [None]
        for config in install_configs:
            for component in self.components:
                cmd = [self.cmake, "--install", str(self.build_dir),
                       "--prefix", str(self.install_prefix)]
                if config:
                    cmd += ["--config", config]
                if component:
                    cmd += ["--component", component]
                out.append(cmd + self.install_args)
        return out

    def preload_text(self) -> str:
        lines = ["# Written by crosswheel: the facts py-build-cmake projects rely on."]
        for name, (kind, value) in self.preload.items():
            lines.append(f'set({name} "{cmake_escape(value)}" CACHE {kind} "" FORCE)')
        # Defaults the project may change (cmake.options, a preset): an install lists what it
        # installed, not every file that was up to date (CMake's one-line-per-file message costs
        # a no-op rebuild a fifth of its install time).
        lines.append('set(CMAKE_INSTALL_MESSAGE "LAZY" CACHE STRING "")')
        return "\n".join(lines) + "\n"


def manifest_name(component: str) -> str:
    """The install manifest CMake's install script writes for one component (cmake_install.cmake
    names it so)."""
    if not component:
        return "install_manifest.txt"
    if re.fullmatch(r"[a-zA-Z0-9_.+-]+", component):
        return f"install_manifest_{component}.txt"
    return f"install_manifest_{hashlib.md5(component.encode()).hexdigest()}.txt"


def _install_scripts(build_dir: Path) -> dict[Path, str]:
    """The install scripts that `cmake --install` runs: the top one and those it includes."""
    out: dict[Path, str] = {}
    todo = [build_dir / "cmake_install.cmake"]
    while todo:
        path = todo.pop()
        if path in out:
            continue
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue  # not configured yet: cmake --install will say so
        out[path] = text
        for m in re.finditer(r'include\("([^"]*cmake_install\.cmake)"\)', text):
            todo.append(Path(m.group(1).replace("${CMAKE_CURRENT_LIST_DIR}", str(path.parent))))
    return out


def _refuse_outside(step: CMakeStep, scripts: dict[Path, str]) -> None:
    """Refuse, before anything is installed, rules whose DESTINATION leaves the prefix.

    CMake lists every absolute DESTINATION in CMAKE_ABSOLUTE_DESTINATION_FILES (it would refuse
    them itself with CMAKE_ERROR_ON_ABSOLUTE_INSTALL_DESTINATION, which `cmake --install` cannot
    be given), and writes relative ones as "${CMAKE_INSTALL_PREFIX}/<dest>".
    """
    bad = []
    prefix = os.path.normpath(step.install_prefix)
    for text in scripts.values():
        for m in re.finditer(r"list\(APPEND CMAKE_ABSOLUTE_DESTINATION_FILES\s+(.*?)\)", text,
                             re.S):
            # ${CMAKE_INSTALL_PREFIX}/x written at configure time is absolute, and harmless.
            bad += [f"{p} (absolute DESTINATION)" for p in re.findall(r'"([^"]*)"', m.group(1))
                    if not os.path.normpath(p).startswith(prefix + os.sep)]
        for m in re.finditer(r'DESTINATION "\$\{CMAKE_INSTALL_PREFIX\}/([^"]*)"', text):
            if ".." in m.group(1).split("/"):
                bad.append(f"${{CMAKE_INSTALL_PREFIX}}/{m.group(1)} (a DESTINATION with '..')")
    if bad:
        raise BuildError(f"install ({step.label}): the project would install outside the staging "
                         f"folder: {', '.join(sorted(set(bad))[:10])}; nothing was installed. Use "
                         "a DESTINATION relative to CMAKE_INSTALL_PREFIX, without '..'")


def cache_values(build_dir: Path) -> dict[str, str]:
    """The CMakeCache.txt entries that say which programs a configured build folder uses."""
    try:
        text = (build_dir / "CMakeCache.txt").read_text(errors="replace")
    except OSError:
        return {}
    return dict(re.findall(r"^(CMAKE_COMMAND|CMAKE_GENERATOR|CMAKE_MAKE_PROGRAM):[A-Z]+=(.*)$",
                           text, re.M))


def direct_build(step: CMakeStep, cache: dict[str, str]) -> list[str] | None:
    """The ninja command `cmake --build` would run, when nothing asks for more than a plain
    build (targets, presets); None otherwise. One process fewer: a no-op build costs a third.
    `--config` means nothing to single-configuration Ninja."""
    make_program = cache.get("CMAKE_MAKE_PROGRAM", "")
    if (cache.get("CMAKE_GENERATOR") != "Ninja" or step.build_presets or step.build_args
            or not os.path.isabs(make_program)
            or not os.path.basename(make_program).startswith("ninja")):
        return None
    level = {**os.environ, **step.env}.get("CMAKE_BUILD_PARALLEL_LEVEL")
    return [make_program, "-C", str(step.build_dir), "-j", level or str(os.cpu_count() or 1),
            *step.build_tool_args]


def cmake_escape(value: str) -> str:
    return re.sub(r'([\\"$])', r"\\\1", value)


def expand_env(value: str, env: dict[str, str]) -> str:
    """`${VAR}` from the environment; `$$` is a literal `$`."""
    return re.sub(r"\$\$|\$\{([^}]*)\}",
                  lambda m: "$" if m.group(0) == "$$" else env.get(m.group(1), ""), value)


def find_cmake(minimum: str) -> str | None:
    """The cmake on PATH if it is at least `minimum`."""
    exe = shutil.which("cmake")
    if exe is None:
        return None
    version = cmake_version(exe)
    return exe if version is not None and version >= _vtuple(minimum) else None


def cmake_version(exe: str) -> tuple[int, ...] | None:
    try:
        out = subprocess.run([exe, "--version"], capture_output=True, text=True, check=True,
                             timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    m = re.search(r"version (\d+(?:\.\d+)*)", out)
    return _vtuple(m.group(1)) if m else None


def _check_version(step: CMakeStep) -> None:
    """cmake.minimum_version holds for the cmake about to run (a frontend installs a newer one
    from PyPI only with build isolation; without it, the one on PATH may be older)."""
    if not step.minimum_version:
        return
    found = cmake_version(step.cmake)
    if found is not None and found < _vtuple(step.minimum_version):
        raise BuildError(f"cmake.minimum_version: the project needs CMake "
                         f"{step.minimum_version} or newer, but {step.cmake} is version "
                         f"{'.'.join(map(str, found))}; install a newer CMake (pip install "
                         f"'cmake>={step.minimum_version}')")


def _vtuple(v: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", v)[:3])


class Runner:
    """Runs steps and times them.

    By default CMake's output streams live (what a frontend shows its user); `concise` keeps it
    in a log file in the build folder and prints one line per step, plus the log's tail if the
    step fails (the CLI's default).
    """

    def __init__(self, verbose: bool = False, dry_run: bool = False,
                 concise: bool = False) -> None:
        self.verbose = verbose
        self.dry_run = dry_run
        self.concise = concise and not verbose
        self.timings: list[tuple[str, float]] = []

    def log(self, message: str) -> None:
        print(f"crosswheel: {message}", file=sys.stderr, flush=True)

    def run(self, step: CMakeStep, what: str, cmd: list[str]) -> None:
        env = {**os.environ, **step.env}
        if self.verbose or self.dry_run:
            self.log(" ".join(_quote(c) for c in cmd))
        if self.dry_run:
            return
        start = time.perf_counter()
        log_file = step.build_dir / f"crosswheel-{what}.log"
        try:
            if self.concise:
                with open(log_file, "w", encoding="utf-8") as log:
                    rc = proctree.call(cmd, cwd=step.cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
            else:
                # Straight to our stderr: the user sees compiler errors as they happen.
                out = sys.stderr.fileno() if _fileno_ok(sys.stderr) else None
                rc = proctree.call(cmd, cwd=step.cwd, env=env, stdout=out)
        except FileNotFoundError:
            raise BuildError(f"{what} ({step.label}): cannot run {cmd[0]!r}: not found") from None
        except ValueError as e:  # a NUL byte in an argument or the environment
            raise BuildError(f"{what} ({step.label}): cannot run {cmd[0]!r}: {e}") from None
        seconds = time.perf_counter() - start
        self.timings.append((f"{step.label} {what}", seconds))
        if self.concise:
            self.log(f"{step.label} {what}: {'ok' if rc == 0 else 'FAILED'} ({seconds:.2f} s)")
        if rc != 0:
            tail = ""
            if self.concise:
                lines = log_file.read_text(errors="replace").splitlines()[-40:]
                tail = "\n".join(lines) + f"\n  full log: {log_file}\n"
            raise BuildError(f"{tail}CMake {what} ({step.label}) failed with exit code {rc}.\n"
                             f"  command: {' '.join(_quote(c) for c in cmd)}\n"
                             f"  build folder: {step.build_dir}")

    def configure(self, step: CMakeStep, force: bool = False) -> None:
        if not self.dry_run:  # a dry run creates and deletes nothing
            make_folder(step.build_dir, "build folder")
            self._forget_foreign_cache(step)
        text = step.preload_text()
        cmd = step.configure_command()
        key = hashlib.sha256(json.dumps(
            [text, cmd, sorted(step.env.items()), sorted((str(k), v) for k, v in step.files.items())]
        ).encode()).hexdigest()
        stamp = step.build_dir / _CACHE_STAMP
        cache = step.build_dir / "CMakeCache.txt"
        if (cache.is_file() and stamp.is_file() and stamp.read_text() == key and not force
                and not self.dry_run):
            # Same inputs as last time: `cmake --build` re-runs configure itself if a
            # CMakeLists.txt changed, so an explicit configure would only cost time.
            self.log(f"{step.label}: configuration unchanged, reusing {step.build_dir}")
            return
        if not self.dry_run:
            _check_version(step)
            step.preload_file.write_text(text, encoding="utf-8")
            for path, content in step.files.items():
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(content, encoding="utf-8")
                if content.startswith("#!"):  # a script CMake runs as a tool
                    path.chmod(0o755)
            stamp.unlink(missing_ok=True)
            installcheck.request(step.build_dir)
        self.run(step, "configure", cmd)
        if not self.dry_run:
            stamp.write_text(key)

    def build(self, step: CMakeStep) -> None:
        direct = None if self.dry_run else direct_build(step, cache_values(step.build_dir))
        for cmd in [direct] if direct else step.build_commands():
            self.run(step, "build", cmd)

    def install(self, step: CMakeStep) -> set[str]:
        """Run every install command; the files installed, relative to the install prefix.

        CMake's install manifests say what each command installed. A rule that would write
        outside the prefix (an absolute or `..` DESTINATION) is refused before anything runs;
        a component that installs nothing is an error, never a wheel without it.
        """
        if self.dry_run:
            for cmd in step.install_commands():
                self.run(step, "install", cmd)
            return set()
        scripts = _install_scripts(step.build_dir)
        _refuse_outside(step, scripts)
        prefix = os.path.normpath(step.install_prefix)
        installed: dict[str, set[str]] = {c: set() for c in step.components}
        outside: list[str] = []
        commands = step.install_commands()
        components = [c for _ in (step.install_configs or [""]) for c in step.components]
        cmake_exe = cache_values(step.build_dir).get("CMAKE_COMMAND") or step.cmake
        env = {**os.environ, **step.env}
        for i, (cmd, component) in enumerate(zip(commands, components)):
            manifest = step.build_dir / manifest_name(component)
            check = installcheck.Check(step.build_dir, i, cmd, manifest, env, cmake_exe)
            if check.unchanged():
                self.log(f"{step.label} install: nothing it reads or writes changed, not run")
            else:
                check.forget()
                manifest.unlink(missing_ok=True)
                self.run(step, "install", cmd)
                check.remember()
            try:
                lines = manifest.read_text(encoding="utf-8",
                                           errors="surrogateescape").splitlines()
            except OSError:
                raise BuildError(f"install ({step.label}): CMake wrote no install manifest "
                                 f"({manifest}), so what it installed is unknown") from None
            for line in filter(None, lines):
                path = os.path.normpath(line)
                if path.startswith(prefix + os.sep):
                    installed[component].add(path[len(prefix) + 1:].replace(os.sep, "/"))
                else:
                    outside.append(line)
        if outside:
            raise BuildError(f"install ({step.label}): CMake installed outside the staging folder "
                             f"{prefix}: {', '.join(outside[:10])}; use a DESTINATION relative "
                             "to CMAKE_INSTALL_PREFIX, without '..'")
        empty = [c for c, files in installed.items() if not files]
        if empty:
            known = sorted(set(re.findall(r'CMAKE_INSTALL_COMPONENT STREQUAL "([^"]*)"',
                                          "".join(scripts.values()))))
            what = ("the project installs nothing" if empty == [""] else
                    f"install component{'s' if len(empty) > 1 else ''} "
                    f"{', '.join(repr(c) for c in empty)} installed no files")
            raise BuildError(f"install ({step.label}): {what} (cmake.install_components = "
                             f"{step.components}; the project's install rules name the "
                             f"components {', '.join(map(repr, known)) or 'none'}); the wheel "
                             "would lack them")
        return set().union(*installed.values())

    def _forget_foreign_cache(self, step: CMakeStep) -> None:
        """A cache from another source folder or generator makes CMake fail obscurely: drop it."""
        cache = step.build_dir / "CMakeCache.txt"
        if not cache.is_file():
            return
        values = dict(re.findall(r"^(CMAKE_HOME_DIRECTORY|CMAKE_GENERATOR):[A-Z]+=(.*)$",
                                 cache.read_text(errors="replace"), re.M))
        reasons = []
        home = values.get("CMAKE_HOME_DIRECTORY")
        if home and Path(home).resolve() != step.source_dir.resolve():
            reasons.append(f"it was made for {home}")
        gen = values.get("CMAKE_GENERATOR")
        if step.generator and gen and gen != step.generator:
            reasons.append(f"it was made with generator {gen!r}")
        reason = _toolchain_change(step, cache.read_text(errors="replace"))
        if reason:
            reasons.append(reason)
        if reasons:
            self.log(f"{step.label}: reconfiguring {step.build_dir} from scratch: "
                     + " and ".join(reasons))
            cache.unlink()
            shutil.rmtree(step.build_dir / "CMakeFiles", ignore_errors=True)
            (step.build_dir / _CACHE_STAMP).unlink(missing_ok=True)


def _toolchain_change(step: CMakeStep, cache: str) -> str | None:
    """Why the cache's compilers are not the ones crosswheel's toolchain file now names.

    CMake reads a toolchain file only into a new cache: switching compiler family (or from a
    native build to one with a generated toolchain file) needs a fresh configure.
    """
    ours = next((d.split("=", 1)[1] for d in step.defines
                 if d.startswith("CMAKE_TOOLCHAIN_FILE:FILEPATH=")), None)
    m = re.search(r"^CMAKE_TOOLCHAIN_FILE:[A-Z]+=(.*)$", cache, re.M)
    old = m.group(1) if m else None
    if ours is None:
        generated = old is not None and old.endswith("/crosswheel-toolchain.cmake")
        return "it was made with crosswheel's toolchain file" if generated else None
    if old != ours:
        return f"it was made with toolchain file {old or 'none'}"
    text = step.files.get(Path(ours))
    try:
        changed = text is not None and Path(ours).read_text(encoding="utf-8") != text
    except OSError:
        changed = True
    return "the toolchain file changed" if changed else None


def _fileno_ok(stream: object) -> bool:
    try:
        stream.fileno()  # type: ignore[attr-defined]
        return True
    except (AttributeError, OSError, ValueError):
        return False


def _quote(arg: str) -> str:
    return arg if re.fullmatch(r"[\w@%+=:,./-]+", arg) else "'" + arg.replace("'", "'\\''") + "'"
