"""Every test, and every build a test starts, uses crosswheel from this source tree."""

from __future__ import annotations

import os
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"
sys.path.insert(0, str(SRC))
# Subprocesses (pip, build, the backend itself with --no-isolation) see the same sources.
os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in (str(SRC), os.environ.get("PYTHONPATH", "")) if p)
# zig (cross.compiler = "zig") builds glibc stubs, compiler-rt and libc++ once per target and
# caches them: one cache for every test of a run, kept between runs beside the sysroots.
os.environ.setdefault("ZIG_GLOBAL_CACHE_DIR", str(SRC.parent / ".cache" / "zig"))
