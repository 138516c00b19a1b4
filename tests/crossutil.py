"""Helpers for the cross-compilation tests.

Plain functions (no pytest fixtures) around the sysroots and toolchain files
made by ``tools/cross/setup.sh``:

* :func:`sysroot` / :func:`toolchain_file` locate them,
* :func:`elf_machine` tells which CPU a built binary is for,
* :func:`run_target_python` imports built modules in the target's own
  python3.11 under user-mode qemu,
* :func:`target_sysconfig` reads the target's build facts (SOABI, EXT_SUFFIX,
  ...) without running anything.

Sysroots live in ``$CROSSWHEEL_SYSROOTS/<arch>`` (default
``<repo>/.cache/sysroots/<arch>``). The toolchain files pick their sysroot from
``-DCROSSWHEEL_SYSROOT``/``$CROSSWHEEL_SYSROOT`` first; tests should pass
``-DCROSSWHEEL_SYSROOT=<sysroot(arch)>`` explicitly so both always agree.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
SETUP_SCRIPT = REPO_ROOT / "tools" / "cross" / "setup.sh"

# Written last by setup.sh: a sysroot without it is incomplete.
_STAMP = ".crosswheel-sysroot-stamp"


@dataclass(frozen=True)
class Target:
    """Static facts about one sysroot made by setup.sh, written out by hand (not taken from
    crosswheel's own architecture table, which these tests check)."""

    triple: str  # GNU triple = compiler prefix (and toolchain file name)
    multiarch: str  # Debian's multiarch folder, the SOABI's platform part
    qemu: str  # user-mode emulator binary
    platform_tag: str  # wheel platform tag
    python: str  # "3.11"
    machine: str  # e_machine name as elf_machine() says it, also what platform.machine() says
    uname: str  # platform.machine() under qemu
    bits: int
    endian: str  # "little" | "big"
    hard_float: bool | None = None  # 32-bit ARM only

    @property
    def version(self) -> str:  # "311"
        return self.python.replace(".", "")

    @property
    def soabi(self) -> str:
        return f"cpython-{self.version}-{self.multiarch}"

    @property
    def python_tag(self) -> str:
        return f"cp{self.version}"


TARGETS: dict[str, Target] = {
    "aarch64": Target("aarch64-linux-gnu", "aarch64-linux-gnu", "qemu-aarch64-static",
                      "linux_aarch64", "3.11", "aarch64", "aarch64", 64, "little"),
    "armhf": Target("arm-linux-gnueabihf", "arm-linux-gnueabihf", "qemu-arm-static",
                    "linux_armv7l", "3.11", "arm", "armv7l", 32, "little", hard_float=True),
    "i686": Target("i686-linux-gnu", "i386-linux-gnu", "qemu-i386-static", "linux_i686", "3.11",
                   "x86", "i686", 32, "little"),
    "ppc64le": Target("powerpc64le-linux-gnu", "powerpc64le-linux-gnu", "qemu-ppc64le-static",
                      "linux_ppc64le", "3.11", "ppc64", "ppc64le", 64, "little"),
    "s390x": Target("s390x-linux-gnu", "s390x-linux-gnu", "qemu-s390x-static", "linux_s390x",
                    "3.11", "s390", "s390x", 64, "big"),
    # Debian 13 "trixie": riscv64 has no Debian 12 port.
    "riscv64": Target("riscv64-linux-gnu", "riscv64-linux-gnu", "qemu-riscv64-static",
                      "linux_riscv64", "3.13", "riscv", "riscv64", 64, "little"),
    # A second Python version for one architecture, from the same build interpreter.
    "aarch64-py313": Target("aarch64-linux-gnu", "aarch64-linux-gnu", "qemu-aarch64-static",
                            "linux_aarch64", "3.13", "aarch64", "aarch64", 64, "little"),
}
ARCHES = ["aarch64", "armhf", "i686", "ppc64le", "s390x", "riscv64"]  # one per architecture


def target(arch: str) -> Target:
    """Facts for a sysroot name (a key of TARGETS); ValueError for anything else."""
    try:
        return TARGETS[arch]
    except KeyError:
        raise ValueError(
            f"unknown cross arch {arch!r}; expected one of {sorted(TARGETS)}"
        ) from None


def sysroots_dir() -> Path:
    """Parent folder of all sysroots (honours $CROSSWHEEL_SYSROOTS like setup.sh)."""
    env = os.environ.get("CROSSWHEEL_SYSROOTS")
    return Path(env).resolve() if env else REPO_ROOT / ".cache" / "sysroots"


def sysroot(arch: str) -> Path:
    """The sysroot for ``arch``; RuntimeError if it was not set up."""
    python = target(arch).python
    root = sysroots_dir() / arch
    if not (root / _STAMP).is_file() or not (root / f"usr/bin/python{python}").is_file():
        raise RuntimeError(
            f"no complete {arch} sysroot at {root}; "
            f"run {SETUP_SCRIPT.relative_to(REPO_ROOT)} {arch} (as root) first"
        )
    return root


def toolchain_file(arch: str) -> Path:
    """The CMake toolchain file for ``arch``."""
    path = REPO_ROOT / "tools" / "cross" / f"{target(arch).triple}.cmake"
    if not path.is_file():
        raise RuntimeError(f"missing toolchain file {path}")
    return path


# e_machine values from the ELF spec / <elf.h>, named like `uname -m` would.
_ELF_MACHINES: dict[int, str] = {
    2: "sparc",
    3: "x86",
    8: "mips",
    20: "ppc",
    21: "ppc64",
    22: "s390",
    40: "arm",
    43: "sparcv9",
    50: "ia64",
    62: "x86_64",
    183: "aarch64",
    243: "riscv",
    258: "loongarch",
}


def elf_machine(path: str | os.PathLike[str]) -> str:
    """The CPU an ELF file is built for, from its header's ``e_machine``.

    Returns e.g. "x86_64", "aarch64", "arm" (32-bit Arm, any float ABI),
    or "em_<number>" for machines not in the table. ValueError if ``path``
    is not an ELF file.
    """
    with open(path, "rb") as f:
        header = f.read(20)
    # e_ident: magic(4) class(1) data(1) ...; e_type(2) at 16; e_machine(2) at 18.
    if len(header) < 20 or header[:4] != b"\x7fELF":
        raise ValueError(f"{path}: not an ELF file")
    # EI_DATA: 1 = little-endian, 2 = big-endian; e_machine uses that order.
    if header[5] not in (1, 2):
        raise ValueError(f"{path}: bad ELF data encoding {header[5]}")
    machine = int.from_bytes(header[18:20], "little" if header[5] == 1 else "big")
    return _ELF_MACHINES.get(machine, f"em_{machine}")


def elf_header(path: str | os.PathLike[str]) -> tuple[str, int, str, bool | None]:
    """(machine, 32 or 64, "little" or "big", hard-float for 32-bit Arm else None) of an ELF file."""
    with open(path, "rb") as f:
        h = f.read(52)
    bits = {1: 32, 2: 64}[h[4]]  # EI_CLASS
    endian = {1: "little", 2: "big"}[h[5]]  # EI_DATA
    machine = elf_machine(path)
    hard = None
    if machine == "arm":
        # e_flags sits after e_entry, e_phoff, e_shoff (4 bytes each in ELF32).
        flags = int.from_bytes(h[36:40], endian)
        hard = bool(flags & 0x400)  # EF_ARM_ABI_FLOAT_HARD
    return machine, bits, endian, hard


class TargetPythonError(subprocess.CalledProcessError):
    """A failed run of the target interpreter; str() includes its output."""

    def __str__(self) -> str:
        parts = [f"target python exited with {self.returncode}: {self.cmd}"]
        if self.stdout:
            parts.append(f"--- stdout ---\n{self.stdout.rstrip()}")
        if self.stderr:
            parts.append(f"--- stderr ---\n{self.stderr.rstrip()}")
        return "\n".join(parts)


def run_target_python(
    arch: str,
    code: str,
    path_entries: Sequence[str | os.PathLike[str]] = (),
    *,
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in the sysroot's python under ``qemu-<arch>-static``.

    ``path_entries`` go first on sys.path (via PYTHONPATH). Output is captured
    as text; a non-zero exit raises :class:`TargetPythonError` showing stderr.
    """
    root = sysroot(arch)
    qemu = shutil.which(target(arch).qemu)
    if qemu is None:
        raise RuntimeError(
            f"{target(arch).qemu} not on PATH; run {SETUP_SCRIPT.relative_to(REPO_ROOT)}"
        )
    # Host interpreter settings (PYTHONHOME, PYTHONPATH, PYTHONSTARTUP, ...)
    # must not leak into the target interpreter.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    # Absolute paths: qemu -L looks them up in the sysroot first, then on the
    # host, so build folders outside the sysroot are found as they are.
    env["PYTHONPATH"] = os.pathsep.join(str(Path(p).resolve()) for p in path_entries)
    # ~/.local/lib/python3.11/site-packages is the host's (x86_64 wheels).
    env["PYTHONNOUSERSITE"] = "1"
    # Keep __pycache__ out of the build/wheel folders under test.
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    cmd = [qemu, "-L", str(root), str(root / f"usr/bin/python{target(arch).python}"), "-c", code]
    proc = subprocess.run(
        cmd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if proc.returncode != 0:
        raise TargetPythonError(proc.returncode, cmd, proc.stdout, proc.stderr)
    return proc


def target_sysconfig(arch: str) -> dict[str, Any]:
    """``sysconfig.get_config_vars()`` of the target's CPython, read statically.

    Parses ``usr/lib/python3.11/_sysconfigdata__linux_<triple>.py`` and
    evaluates its ``build_time_vars`` literal with :func:`ast.literal_eval`
    (never exec: it is foreign code). Paths in it (INCLUDEPY, LIBDIR, ...)
    are as seen on the target, i.e. relative to :func:`sysroot`.
    """
    libdir = sysroot(arch) / "usr" / "lib" / f"python{target(arch).python}"
    path = libdir / f"_sysconfigdata__linux_{target(arch).triple}.py"
    if not path.is_file():
        candidates = sorted(libdir.glob("_sysconfigdata__linux_*.py"))
        if len(candidates) != 1:
            raise RuntimeError(f"cannot pick a _sysconfigdata file in {libdir}: {candidates}")
        path = candidates[0]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and node.targets[0].id == "build_time_vars"
        ):
            data = ast.literal_eval(node.value)
            if not isinstance(data, dict):
                break
            return data
    raise RuntimeError(f"{path}: no 'build_time_vars = {{...}}' literal")


def run_doc_guide(tmp_path: Path, doc: str, marker: str,
                  example: str) -> subprocess.CompletedProcess[str]:
    """Run the shell block between `<!-- {marker}:start -->` and `<!-- {marker}:end -->` of
    docs/{doc} with bash, in a copy of the repository holding `examples/{example}` and tools/
    (the sysroots are the ones setup.sh made, linked in), exactly as a reader would."""
    text = (REPO_ROOT / "docs" / doc).read_text(encoding="utf-8")
    found = re.search(rf"<!-- {marker}:start -->\n(?:<!-- doc-test: [^\n]* -->\n)?```sh\n"
                      rf"(.*?)```\n<!-- {marker}:end -->", text, re.S)
    assert found, f"docs/{doc} lost its {marker} block"
    repo = tmp_path / "repo"
    (repo / "examples").mkdir(parents=True)
    shutil.copytree(REPO_ROOT / "examples" / example, repo / "examples" / example,
                    ignore=shutil.ignore_patterns(".py-build-cmake_cache", "dist"))
    shutil.copytree(REPO_ROOT / "tools", repo / "tools")
    (repo / ".cache").symlink_to(REPO_ROOT / ".cache")
    proc = subprocess.run(["bash", "-euo", "pipefail", "-c", found.group(1)], cwd=repo,
                          capture_output=True, text=True, env=dict(os.environ), check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc
