"""Regenerate the configuration reference (docs/configuration.md) from src/crosswheel/options.py,
the one definition of every option. (The reference used to live in README.md, hence the name.)"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from crosswheel.options import reference_markdown  # noqa: E402

START, END = "<!-- reference:start -->", "<!-- reference:end -->"


def updated(text: str) -> str:
    body = f"{START}\n{reference_markdown()}\n{END}"
    return re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: body, text, flags=re.S)


FILES = [ROOT / "docs" / "configuration.md"]

if __name__ == "__main__":
    for path in FILES:
        path.write_text(updated(path.read_text(encoding="utf-8")), encoding="utf-8")
