"""The cross-compilation guide of docs/cross-compilation.md works as written (run in a copy of the
repository)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import crossutil


def test_readme_cross_guide(tmp_path: Path) -> None:
    proc = crossutil.run_doc_guide(tmp_path, "cross-compilation.md", "cross-guide", "c-api")
    assert proc.stdout.strip().splitlines()[-1] == "5 aarch64"
