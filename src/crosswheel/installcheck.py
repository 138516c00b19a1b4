"""Whether `cmake --install` would copy nothing, known without running it.

CMake's install script checks every file it installs (about 25 us a file, plus a process), so on
a no-op rebuild of a package with many files the install is most of CMake's time. Here the step
is skipped when everything the script reads and writes is known and has the same stat as just
before the last install that completed:
- what the selected components install comes from CMake's file API (codemodel v2, asked for
  before configuring), and is only files, directories and targets: a rule with code, a script,
  an export, runtime dependencies, file sets or C++ modules always runs the install;
- the inputs are each installed file, everything below each installed directory, each target's
  artifacts and the files its rule names, every cmake_install.cmake and the file API's reply;
- the outputs are the install manifest and every file it lists;
- the install command, the cmake binary and the DESTDIR and CMAKE_INSTALL_MODE variables of the
  environment are the same;
- no installed file or directory was modified less than RACY_NS before that install (a second
  change within the same clock tick could keep its stat), which is the bet make, ninja and CMake
  itself make, made safer. What CMake and the build tool write (the scripts, the reply, target
  artifacts) is exempt: it changes only in a configure or a build, which run under the lock and
  write a reply or an artifact anew.
The record is removed before an install runs and written once it succeeded, under the build
folder's lock; without it, or when anything cannot be read, the install runs as always.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import time
from pathlib import Path
from typing import Any

from .wheelcache import RACY_NS

FORMAT = 1
QUERY = Path(".cmake/api/v1/query/client-crosswheel/query.json")
_REQUEST = '{"requests": [{"kind": "codemodel", "version": 2}]}\n'
_PLAIN = ("file", "directory", "target")


def request(build_dir: Path) -> None:
    """Ask CMake, before it configures `build_dir`, for the codemodel read here."""
    path = build_dir / QUERY
    with contextlib.suppress(OSError):
        if path.is_file() and path.read_text(encoding="utf-8") == _REQUEST:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_REQUEST, encoding="utf-8")


def _stat(path: str) -> list[int] | None:
    """What identifies a file's version: kind and mode, size, mtime, inode (None: missing)."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    if stat.S_ISDIR(st.st_mode):
        return [st.st_mode]  # what is in it is listed: its mtime would only make it look racy
    out = [st.st_mode, st.st_size, st.st_mtime_ns, st.st_ino]
    if stat.S_ISLNK(st.st_mode):  # the link and what it leads to
        try:
            t = os.stat(path)
            out += [t.st_mode, t.st_size, t.st_mtime_ns, t.st_ino]
        except OSError:
            out.append(-1)
    return out


def _tree(root: str, out: list[Any]) -> None:
    """Everything below `root`, sorted (a file added, removed or changed shows)."""
    todo = [root]
    while todo:
        folder = todo.pop()
        try:
            with os.scandir(folder) as it:
                names = sorted(e.name for e in it)
        except OSError:
            out.append([folder, None])
            continue
        for name in names:
            path = os.path.join(folder, name)
            st = _stat(path)
            out.append([path, st])
            if st is not None and stat.S_ISDIR(st[0]):
                todo.append(path)


class Check:
    """One install command: whether it can be skipped, and the record for the next build."""

    def __init__(self, build_dir: Path, index: int, cmd: list[str], manifest: Path,
                 env: dict[str, str], cmake: str) -> None:
        self.record = build_dir / f"crosswheel-install-{index}.sha256"
        self.build_dir = build_dir
        self.manifest = manifest
        self.key = [FORMAT, cmd, cmake, _stat(cmake),
                    [env.get("DESTDIR"), env.get("CMAKE_INSTALL_MODE")]]
        self.components = cmd[cmd.index("--component") + 1:][:1] if "--component" in cmd else []
        self.inputs: list[Any] | None = None
        self.started = 0

    def unchanged(self) -> bool:
        """Take the inputs' stat (kept for `remember`); True if the last install's record
        vouches for the inputs and the outputs as they are."""
        self.started = time.time_ns()
        self.inputs = self._inputs()
        if self.inputs is None:
            return False
        try:
            old = self.record.read_text(encoding="utf-8")
        except OSError:
            return False
        outputs = self._outputs()
        return outputs is not None and old == self._digest(outputs)

    def forget(self) -> None:
        """Before the install runs: a build killed during it leaves no record to trust."""
        with contextlib.suppress(OSError):
            self.record.unlink()

    def remember(self) -> None:
        """After a complete install: the record the next build trusts."""
        if self.inputs is None or _racy(self.inputs[1], self.started - RACY_NS):
            return
        outputs = self._outputs()
        if outputs is None:
            return
        tmp = self.record.with_name(self.record.name + ".tmp")
        with contextlib.suppress(OSError):
            tmp.write_text(self._digest(outputs), encoding="utf-8")
            os.replace(tmp, self.record)

    def _digest(self, outputs: list[Any]) -> str:
        """The record: a digest of all the stats (64 bytes to read, not a line a file).
        repr() of lists of str, int and None is exact and stable."""
        return hashlib.sha256(repr([self.key, self.inputs, outputs]).encode(
            "utf-8", "surrogateescape")).hexdigest()

    def _outputs(self) -> list[Any] | None:
        try:
            lines = self.manifest.read_text(encoding="utf-8",
                                            errors="surrogateescape").splitlines()
        except OSError:
            return None
        return [_stat(str(self.manifest)), *([p, _stat(p)] for p in filter(None, lines))]

    def _inputs(self) -> list[Any] | None:
        """The stat of everything the install reads, or None if that is not known."""
        try:
            return self._read_model()
        except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError):
            return None

    def _read_model(self) -> list[Any] | None:
        reply = self.build_dir / ".cmake/api/v1/reply"
        indexes = sorted(reply.glob("index-*.json"))
        if not indexes:
            return None
        index = json.loads(indexes[-1].read_text(encoding="utf-8"))
        (model_file,) = [o["jsonFile"] for o in index["objects"] if o["kind"] == "codemodel"]
        model = json.loads((reply / model_file).read_text(encoding="utf-8"))
        configs = model["configurations"]
        if len(configs) != 1:
            return None  # a multi-configuration generator: left to CMake
        source, build = model["paths"]["source"], model["paths"]["build"]
        made: list[Any] = [[str(indexes[-1]), _stat(str(indexes[-1]))]]  # by CMake or ninja
        out: list[Any] = []  # by the user
        targets = configs[0]["targets"]
        for d in configs[0]["directories"]:
            script = os.path.join(build, d["build"], "cmake_install.cmake")
            made.append([script, _stat(script)])
            info = json.loads((reply / d["jsonFile"]).read_text(encoding="utf-8"))
            for rule in info.get("installers", []):
                if self.components and rule.get("component") not in self.components:
                    continue
                kind = rule["type"]
                if kind == "cxxModuleBmi":
                    target = self._target(reply, targets[rule["cxxModuleBmiTarget"]["index"]])
                    if any(s.get("type") == "CXX_MODULES" for s in target.get("fileSets", [])):
                        return None
                    continue
                if kind not in _PLAIN:
                    return None
                froms = [p if isinstance(p, str) else p["from"] for p in rule.get("paths", [])]
                if kind == "target":
                    target = self._target(reply, targets[rule["targetIndex"]])
                    artifacts = [os.path.join(build, a["path"]) for a in target["artifacts"]]
                    here = os.path.dirname(artifacts[0])
                    for path in [*artifacts, *(os.path.join(here, f) for f in froms)]:
                        made.append([path, _stat(path)])
                    continue
                for f in froms:
                    path = os.path.join(source, f)
                    out.append([path, _stat(path)])
                    if kind == "directory":
                        _tree(path, out)
        return [made, out]

    @staticmethod
    def _target(reply: Path, ref: dict[str, Any]) -> dict[str, Any]:
        return dict(json.loads((reply / ref["jsonFile"]).read_text(encoding="utf-8")))


def _racy(inputs: list[Any], since_ns: int) -> bool:
    """An input modified at or after `since_ns`."""
    for _path, st in inputs:
        if st is not None and len(st) > 2 and (st[2] >= since_ns or
                                               (len(st) > 6 and st[6] >= since_ns)):
            return True
    return False
