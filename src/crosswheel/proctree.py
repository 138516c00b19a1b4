"""Running a command to its end, and stopping it with everything it started when we are
interrupted: a build tool's compilers must not outlive the build folder's lock."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time


def call(cmd: list[str], **kwargs: object) -> int:
    """Run a command (CMake's) to its end; its exit status.

    If we are interrupted meanwhile (Ctrl-C, or SIGTERM, which backend.py turns into SystemExit),
    the command and all it started (make or ninja, the compilers) are stopped before the
    exception goes on: killing cmake alone would leave them running in a build folder whose lock
    is about to be released. (A signal to our whole process group reaches them anyway.)
    """
    proc = subprocess.Popen(cmd, **kwargs)  # type: ignore[call-overload]
    try:
        return int(proc.wait())
    except BaseException as e:
        _stop_tree(proc, signal.SIGINT if isinstance(e, KeyboardInterrupt) else signal.SIGTERM)
        raise


def _stop_tree(proc: subprocess.Popen, sig: int, grace: float = 10.0) -> None:
    """Send `sig` to `proc` and its descendants, wait for them to end, SIGKILL what lingers."""
    if os.name != "posix":
        proc.kill()
        proc.wait()
        return
    pids = [proc.pid, *_descendants(proc.pid)]
    for kill_sig in (sig, signal.SIGKILL):
        for pid in pids:
            with contextlib.suppress(OSError):
                os.kill(pid, kill_sig)
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            proc.poll()  # reap cmake itself
            pids = [pid for pid in pids if _alive(pid)]
            if not pids:
                return
            time.sleep(0.05)


def _process_table() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, state letter) of every process: from /proc, else from ps."""
    out: dict[int, tuple[int, str]] = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        entries = []
    for entry in entries:
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as f:
                    stat = f.read()
                state, ppid = stat[stat.rindex(b")") + 2:].split()[:2]
                out[int(entry)] = (int(ppid), state.decode())
            except (OSError, ValueError, IndexError):
                continue  # gone meanwhile
    if out:
        return out
    try:
        ps = subprocess.run(["ps", "-A", "-o", "pid=", "-o", "ppid=", "-o", "stat="],
                            capture_output=True, text=True, check=False, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return out
    for line in ps.splitlines():
        fields = line.split()
        if len(fields) >= 3 and fields[0].isdigit() and fields[1].isdigit():
            out[int(fields[0])] = (int(fields[1]), fields[2][:1])
    return out


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for child, (parent, _) in _process_table().items():
        children.setdefault(parent, []).append(child)
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    """Running: a zombie waiting for its parent (or init) to reap it does not count."""
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return _process_table().get(pid, (0, "R"))[1] != "Z"
