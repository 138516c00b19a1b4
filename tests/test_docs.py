"""The documentation site (docs/, Sphinx + MyST) builds without a warning, and every shell block
of its pages runs as written, unless the page marks it as not runnable here, with a reason."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
# A shell block and the directive on the line before it.
BLOCK = re.compile(r"^(?:<!-- doc-test: (?P<how>[^\n]*?) -->\n)?```(?:sh|bash|console)\n"
                   r"(?P<body>.*?)^```$", re.S | re.M)


def blocks() -> list[tuple[str, str, str]]:
    """(page:line, directive, script) of every shell block in docs/*.md."""
    out = []
    for page in sorted(DOCS.glob("*.md")):
        text = page.read_text(encoding="utf-8")
        for m in BLOCK.finditer(text):
            line = text.count("\n", 0, m.start("body"))
            out.append((f"{page.name}:{line}", m["how"] or "", m["body"]))
    return out


def test_docs_build_without_warnings(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-n", "-q",
                           "-b", "html", str(DOCS), str(tmp_path / "html")],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    index = (tmp_path / "html" / "index.html").read_text(encoding="utf-8")
    for page in ("getting-started", "configuration", "cross-compilation", "publishing",
                 "editable", "cli", "cmake", "troubleshooting", "migration-py-build-cmake",
                 "migration-scikit-build-core", "changelog"):
        assert f'href="{page}.html"' in index, page
    # The generated reference and README's tested blocks made it into the pages.
    assert "abi3_minimum_cpython_version" in (tmp_path / "html/configuration.html").read_text()
    assert "qemu-aarch64-static" in (tmp_path / "html/cross-compilation.html").read_text()
    assert "PyInit__core" in (tmp_path / "html/getting-started.html").read_text()


def test_every_shell_block_is_run_or_says_why_not() -> None:
    found = blocks()
    assert len(found) >= 8
    for where, how, _ in found:
        assert how == "tmp" or how.startswith(("example ", "not run: ")), \
            f"{where}: a shell block needs <!-- doc-test: tmp | example NAME | not run: why -->"


RUN = [b for b in blocks() if not b[1].startswith("not run: ")]


@pytest.mark.parametrize(("where", "how", "script"), RUN, ids=[b[0] for b in RUN])
def test_shell_block(tmp_path: Path, where: str, how: str, script: str) -> None:
    if how == "tmp":
        cwd = tmp_path / "work"
        cwd.mkdir()
    else:
        name = how.split(" ", 1)[1]
        cwd = tmp_path / name
        shutil.copytree(ROOT / "examples" / name, cwd,
                        ignore=shutil.ignore_patterns(".py-build-cmake_cache", "dist"))
    proc = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=cwd,
                          capture_output=True, text=True, timeout=900, check=False)
    assert proc.returncode == 0, f"{where}\n$ {script}\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
    if "# prints: " in script:
        expected = script.rsplit("# prints: ", 1)[1].split("\n", 1)[0].strip()
        assert proc.stdout.strip().splitlines()[-1] == expected, proc.stdout
