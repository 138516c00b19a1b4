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
# py-build-cmake's verbose switches, which crosswheel honours, would change what builds print.
for _name in ("PY_BUILD_CMAKE_VERBOSE", "GITHUB_RUN_ATTEMPT"):
    os.environ.pop(_name, None)
