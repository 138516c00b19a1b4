"""The code an editable install runs in the user's interpreters: the rebuild on first import.

The wheel holds this file's text followed by one line, `CONFIG = {...}` (see editable.py), as
`_crosswheel_editable_<dist>.py`: it must run without crosswheel (a build dependency only), so it
uses the standard library alone, and it is imported by a .pth at every interpreter start, so it
imports nothing at module level that a bare interpreter has not loaded already.

What the first import of the package does when nothing changed (the case that must be cheap): take
the build folder's lock (the one crosswheel's builds take), run the build tool of each CMake build
folder once (ninja itself when the folder uses Ninja: no cmake process, no shell or Python
wrapper), and compare a signature of the build with the one recorded after the last install; the
same signature means no `cmake --install` and no copying.

When the signature differs, CMake installs into an empty folder and every file is moved into the
staging folder with an atomic rename: CMake's own up-to-date check (`cmake --install` skips a file
whose time is within a second of the installed copy's) is never consulted, and an interpreter
importing meanwhile sees the old file or the new one, never half of one. Files the previous install
put there and this one did not are removed. After work was done the tick of the file system's clock
is waited out, so a file edited after the import returns always has a newer time than anything the
build wrote or the signature recorded (coarse time stamps cannot hide an edit).

`crosswheel.editable` calls the same functions at install time (with the lock already held), so
the staged layout is the same however it was made.
"""

import os
import sys

GUARD = "CROSSWHEEL_EDITABLE_REBUILDING"
STATE = "crosswheel-editable-state.marshal"
_done = False


class RebuildError(Exception):
    """A build or install command failed; the message holds its output's tail."""


# --------------------------------------------------------------------------- running commands


def _run(cmd, env, cwd, log_path):
    """Run `cmd` with its output in `log_path` (None: our stderr); its exit status.

    `cwd` None: the command takes absolute paths only, so it may start from any folder, and it
    is started with posix_spawn rather than subprocess, whose import costs more than a no-op
    ninja run.
    """
    full_env = dict(os.environ)
    full_env.update(env)
    full_env[GUARD] = "1"
    if not os.path.exists(cmd[0]):  # e.g. the tool of an isolated build env, deleted since
        import shutil

        cmd = [shutil.which(os.path.basename(cmd[0])) or cmd[0], *cmd[1:]]
    if log_path is None or cwd is not None or not hasattr(os, "posix_spawn"):
        import subprocess

        if log_path is None:
            return subprocess.call(cmd, cwd=cwd, env=full_env, stdout=sys.stderr.fileno())
        with open(log_path, "wb") as out:
            return subprocess.call(cmd, cwd=cwd, env=full_env, stdout=out,
                                   stderr=subprocess.STDOUT)
    fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        pid = os.posix_spawn(cmd[0], cmd, full_env,
                             file_actions=[(os.POSIX_SPAWN_DUP2, fd, 1),
                                           (os.POSIX_SPAWN_DUP2, fd, 2)])
    finally:
        os.close(fd)
    try:
        _, status = os.waitpid(pid, 0)
    except BaseException:  # Ctrl-C: stop the build before the lock is released
        import signal

        os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)
        raise
    return os.waitstatus_to_exitcode(status)


def _check(cmd, env, cwd, log_path):
    try:
        rc = _run(cmd, env, cwd, log_path)
    except OSError as e:
        raise RebuildError(f"cannot run {cmd[0]}: {e}") from None
    if rc != 0:
        tail = ""
        if log_path is not None:
            with open(log_path, "rb") as f:
                # errors="replace": compilers echo source lines, whatever their encoding.
                tail = f.read()[-4000:].decode("utf-8", "replace")
        raise RebuildError("{} failed (exit code {}):\n{}".format(" ".join(cmd), rc, tail))


# --------------------------------------------------------------------------- signature


def _stat(path):
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_mtime_ns, st.st_size, st.st_ino]


def signature(config, watched):
    """What decides whether an install is needed; None: always install.

    Ninja appends to .ninja_log whenever it runs a command (a compile, a link, CMake's own
    re-run), so an unchanged log means the build produced nothing new. Files CMake installs
    straight from the source tree are not build outputs: their own times count.
    """
    logs = []
    for step in config["steps"]:
        if not step["ninja_log"]:
            return None
        logs.append(_stat(step["ninja_log"]))
    return [logs, [_stat(p) for p in watched]]


def _watched(config):
    """Files (and folders, walked) CMake's install scripts copy from outside the build folders."""
    import re

    builds = tuple(os.path.join(s["build_dir"], "") for s in config["steps"])
    found = []
    for step in config["steps"]:
        for root, dirs, files in os.walk(step["build_dir"]):
            dirs[:] = [d for d in dirs if d not in ("CMakeFiles", "Testing")]
            if "cmake_install.cmake" not in files:
                continue
            with open(os.path.join(root, "cmake_install.cmake"), encoding="utf-8",
                      errors="replace") as f:
                text = f.read()
            for call in re.findall(r"file\(INSTALL [^\n]*", text):
                for path in re.findall(r'"(/[^"]+|[A-Za-z]:/[^"]+)"', call):
                    if path.startswith(builds) or not os.path.exists(path):
                        continue
                    if os.path.isdir(path):
                        for r, _, fs in os.walk(path):
                            found.append(r)
                            found += [os.path.join(r, n) for n in fs]
                    else:
                        found.append(path)
    return sorted(set(found))


# --------------------------------------------------------------------------- the staging folder


def _relative_files(root):
    out = []
    for r, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files + [d for d in dirs if os.path.islink(os.path.join(r, d))]):
            out.append(os.path.relpath(os.path.join(r, name), root).replace(os.sep, "/"))
    return out


def _install(config, log_path):
    """Every install command into an empty folder, then moved into the staging: the files."""
    import shutil

    staging = config["staging"]
    fresh = staging + ".new"
    shutil.rmtree(fresh, ignore_errors=True)
    os.makedirs(fresh)
    try:
        for step in config["steps"]:
            for cmd in step["install"]:
                cmd = list(cmd)
                cmd[cmd.index("--prefix") + 1] = fresh
                _check(cmd, dict(step["env"], CMAKE_INSTALL_ALWAYS="1"), None, log_path)
        files = _relative_files(fresh)
        for rel in files:
            src, dst = os.path.join(fresh, rel), os.path.join(staging, rel)
            parent = os.path.dirname(dst)
            if os.path.isfile(parent) or os.path.islink(parent):
                os.unlink(parent)
            os.makedirs(parent, exist_ok=True)
            if os.path.isdir(dst) and not os.path.islink(dst):
                shutil.rmtree(dst)
            os.replace(src, dst)  # atomic: readers see the old file or the new one
    finally:
        shutil.rmtree(fresh, ignore_errors=True)
    return files


def _mirror_dirs(config):
    m = config["mirror"]
    if m is None or not os.path.isdir(m["source"]):
        return []
    out = []
    for root, dirs, _ in os.walk(m["source"]):
        dirs[:] = sorted(d for d in dirs if d not in m["skip_dirs"])
        out.append(root)
    return out


def mirror(config, installed):
    """symlink mode: link every source file CMake did not install; drop links gone stale."""
    m = config["mirror"]
    if m is None:
        return
    staging, base, source = config["staging"], m["base"], m["source"]
    wanted = {}
    if os.path.isfile(source):
        wanted[os.path.relpath(source, base).replace(os.sep, "/")] = source
    else:
        for root, dirs, files in os.walk(source):
            dirs[:] = [d for d in dirs if d not in m["skip_dirs"]]
            for name in files:
                if os.path.splitext(name)[1] in m["skip_suffixes"]:
                    continue
                path = os.path.join(root, name)
                wanted[os.path.relpath(path, base).replace(os.sep, "/")] = path
    installed = set(installed)
    for rel, src in wanted.items():
        if rel in installed:
            continue
        dst = os.path.join(staging, rel)
        if os.path.islink(dst) and os.readlink(dst) == os.path.realpath(src):
            continue
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        tmp = dst + ".crosswheel-link"
        if os.path.lexists(tmp):
            os.unlink(tmp)
        os.symlink(os.path.realpath(src), tmp)
        os.replace(tmp, dst)
    # Links to source files that were deleted or renamed: the module must not import any more.
    top = os.path.join(staging, os.path.relpath(source, base))
    for root, dirs, files in os.walk(top) if os.path.isdir(top) else []:
        for name in files + dirs:
            path = os.path.join(root, name)
            rel = os.path.relpath(path, staging).replace(os.sep, "/")
            if os.path.islink(path) and rel not in wanted and rel not in installed:
                os.unlink(path)


# --------------------------------------------------------------------------- state and clock


# marshal, not json: the interpreter has loaded it already, importing json costs milliseconds.
def _load_state(config):
    import marshal

    try:
        with open(os.path.join(config["state_dir"], STATE), "rb") as f:
            state = marshal.load(f)
    except (OSError, ValueError, EOFError, TypeError):
        return {}
    return state if isinstance(state, dict) and state.get("python") == sys.version else {}


def _save_state(config, state):
    import marshal

    path = os.path.join(config["state_dir"], STATE)
    with open(path + ".tmp", "wb") as f:
        marshal.dump(dict(state, python=sys.version), f)
    os.replace(path + ".tmp", path)


def clock(folder):
    """The file system's present time, as it would stamp a file written now (its tick)."""
    probe = os.path.join(folder, "crosswheel-clock-probe")
    try:
        os.utime(probe)
    except FileNotFoundError:
        with open(probe, "wb"):
            pass
    return os.stat(probe).st_mtime_ns


def wait_for_tick(folder):
    """Return once the file system's clock has moved past its present tick.

    Everything the build wrote has a time at most the present tick's; a file edited after this
    returns gets a later one, so ninja and the signature both see the edit, however coarse the
    file system's time stamps are (one second on some).
    """
    import time

    start = clock(folder)
    deadline = time.monotonic() + 3.0
    while time.monotonic() < deadline and clock(folder) <= start:
        time.sleep(0.001)


def forget_racy_outputs(step, since):
    """Delete what ninja built from a source stamped at or after `since` (the build's start).

    Such a source may have been saved while the build ran, after the compiler read it: with
    the same time stamp as the object file (a coarse clock), ninja would call the object up to
    date forever. Without the object it compiles the source again. True if any was deleted.
    """
    import subprocess

    build_dir = step["build_dir"]
    listing = subprocess.run([step["ninja"], "-C", build_dir, "-t", "deps"],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             env=dict(os.environ, **step["env"]), check=False)
    inside = os.path.join(build_dir, "")
    times, racy, output = {}, set(), None
    for line in listing.stdout.decode("utf-8", "replace").splitlines():
        if line and not line[0].isspace():
            output = line.split(": #deps", 1)[0]
            continue
        dep = line.strip()
        if not dep or output is None:
            continue
        path = os.path.normpath(os.path.join(build_dir, dep))  # absolute deps stay as they are
        if path.startswith(inside):
            continue  # generated by the build itself
        if path not in times:
            st = _stat(path)
            times[path] = st[0] if st else None
        if times[path] is not None and times[path] >= since:
            racy.add(output)
    for out in racy:
        try:
            os.unlink(os.path.join(build_dir, out))
        except FileNotFoundError:
            pass
    return bool(racy)


# --------------------------------------------------------------------------- the whole update


def _lock(folder):
    """Block until we hold the build folder's lock; the file descriptor that holds it."""
    os.makedirs(folder, exist_ok=True)
    fd = os.open(os.path.join(folder, ".crosswheel.lock"), os.O_RDWR | os.O_CREAT, 0o644)
    if sys.platform == "win32":
        import msvcrt

        msvcrt.locking(fd, msvcrt.LK_LOCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


def update(config, lock=True, log_path=None, force=False):
    """Build, and install if the build produced anything new; under the build folders' locks.

    `log_path`: where the commands' output goes (None: stderr). `force`: install regardless of
    the recorded signature (a new editable install).
    """
    fds = [_lock(d) for d in config["locks"]] if lock else []
    try:
        for step in config["steps"]:
            if not os.path.isfile(os.path.join(step["build_dir"], "CMakeCache.txt")):
                raise RebuildError("the build folder {} is gone: reinstall the package (pip "
                                   "install -e) to make it again".format(step["build_dir"]))
            for _attempt in range(3):
                since = clock(config["state_dir"])
                before = _stat(step["ninja_log"]) if step["ninja_log"] else None
                for cmd in step["build"]:
                    _check(cmd, step["env"], None if step["direct"] else config["cwd"],
                           log_path)
                if (not step["ninja"] or _stat(step["ninja_log"]) == before
                        or not forget_racy_outputs(step, since)):
                    break
                wait_for_tick(config["state_dir"])  # the next build starts in a later tick
        state = _load_state(config)
        watched = state.get("watched", [])
        dirs = _mirror_dirs(config)
        dir_times = [_stat(d) for d in dirs]
        sig = signature(config, watched)
        if force or sig is None or sig != state.get("signature"):
            since = clock(config["state_dir"])
            installed = _install(config, log_path)
            for rel in state.get("installed", []):
                path = os.path.join(config["staging"], rel)
                if rel not in installed and os.path.lexists(path):
                    os.unlink(path)  # a module the build no longer makes must not import
            watched = _watched(config)
            mirror(config, installed)
            wait_for_tick(config["state_dir"])
            sig = signature(config, watched)
            if sig is not None:
                # A source file saved while CMake copied it may have been copied as it was
                # before: leave its time out, so the next import installs again.
                sig[1] = [st if st is None or st[0] < since else None for st in sig[1]]
            _save_state(config, {"signature": sig, "installed": installed, "watched": watched,
                                 "dirs": dirs, "dir_times": dir_times})
        elif dirs != state.get("dirs") or dir_times != state.get("dir_times"):
            # A file was added to or removed from the package's sources.
            mirror(config, state.get("installed", []))
            state["dirs"], state["dir_times"] = dirs, dir_times
            wait_for_tick(config["state_dir"])
            _save_state(config, state)
    finally:
        for fd in fds:
            os.close(fd)  # closing releases the lock


# --------------------------------------------------------------------------- the import hook


def rebuild():
    """Bring the compiled modules up to date before the first import (at most once)."""
    global _done
    if _done or not CONFIG["steps"] or os.environ.get(GUARD):
        return
    _done = True  # also guards against the build importing the package itself
    try:
        update(CONFIG, log_path=os.path.join(CONFIG["state_dir"], "crosswheel-rebuild.log"))
    except (RebuildError, OSError) as e:
        raise ImportError("crosswheel build hook: rebuilding {} failed: {}".format(
            CONFIG["name"], e), name=CONFIG["name"]) from None


class Finder:
    """A meta-path finder in front for the package: rebuilds, and in hook mode serves it."""

    def __init__(self, serve):
        self.serve = serve

    def find_spec(self, fullname, path=None, target=None):
        if fullname != CONFIG["name"]:
            return None
        rebuild()
        main = CONFIG["main"]
        if not self.serve or main is None:
            return None  # the path entry from the .pth finds it
        import importlib.util

        if not main.endswith("__init__.py"):
            return importlib.util.spec_from_file_location(fullname, main)
        return importlib.util.spec_from_file_location(
            fullname, main, submodule_search_locations=list(CONFIG["sources"]))

    def invalidate_caches(self):
        pass


def install(serve):
    if not any(type(f).__name__ == "Finder" and getattr(f, "serve", None) is not None
               and type(f).__module__ == __name__ for f in sys.meta_path):
        sys.meta_path.insert(0, Finder(serve))


CONFIG: dict = {"name": None, "main": None, "sources": [], "steps": [], "locks": [], "cwd": ".",
          "staging": "", "state_dir": "", "mirror": None}  # replaced in the installed copy
