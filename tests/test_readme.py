"""README's configuration reference is the one generated from options.py."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_readme_reference_is_current() -> None:
    spec = importlib.util.spec_from_file_location("update_readme", ROOT / "tools/update_readme.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "| `build_type` |" in text
    assert mod.updated(text) == text, "run: python tools/update_readme.py"
