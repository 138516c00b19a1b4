"""The shape of one hostile or broken input and how every such case is judged (issue 12).

A case is a small project (util.write_project) plus whatever hostile set-up it needs, run through
the `crosswheel` command. It must fail with the expected exit status and exactly one message of
crosswheel's own (`crosswheel: error: ...`) matching every pattern, without a traceback, leaving
the output folder empty and the project as it was.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import util as u

CMAKE = u.CMAKE_TOOL
NAME = "rel-pkg"
MOD = "rel_pkg"
PP = r"{root}/pyproject\.toml"


@dataclass(frozen=True)
class Case:
    id: str
    expect: list[str]  # regular expressions; {root}: the project folder, {tmp}: the test's folder
    tool: str = CMAKE
    files: dict[str, str | bytes] = field(default_factory=dict)
    pyproject: str | None = None  # replaces the [build-system] + [project] head
    setup: Callable[[Path], None] | None = None  # more set-up, given the project folder
    args: tuple[str, ...] = ()
    command: str = "wheel"
    env: dict[str, str | None] = field(default_factory=dict)
    cmakelists: str | None = u.DATA_CMAKELISTS
    status: int = 1
    existing: tuple[str, ...] = ()  # what the set-up put in the output folder (left alone)


def head(**project: str) -> str:
    """pyproject.toml's head with some [project] values replaced (TOML text; '' drops one)."""
    values = {"name": f'"{NAME}"', "version": '"1.0.0"', "description": '"hostile input"',
              "license": '"MIT"', "license-files": '["LICENSE"]'}
    values.update(project)
    lines = [f"{k} = {v}" for k, v in values.items() if v]
    return ('[build-system]\nrequires = ["crosswheel"]\nbuild-backend = "crosswheel.backend"\n\n'
            "[project]\n" + "\n".join(lines) + "\n\n")


def write_case(root: Path, case: Case) -> Path:
    project = u.write_project(root, case.tool, case.cmakelists, NAME, pyproject=case.pyproject)
    for rel, content in case.files.items():
        p = project / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content, encoding="utf-8")
    if case.setup is not None:
        case.setup(project)
    return project


def pattern(text: str, project: Path, tmp: Path) -> str:
    return text.replace("{root}", re.escape(str(project))).replace("{tmp}", re.escape(str(tmp)))


def check_refused(res: u.Result, case: Case, project: Path, tmp: Path) -> None:
    """The verdict every refused case must get."""
    assert res.returncode == case.status, res.describe()
    assert "Traceback" not in res.output, res.describe()
    messages = [line for line in res.output.splitlines() if line.startswith("crosswheel: error")]
    assert len(messages) == 1, res.describe()
    for text in case.expect:
        rx = pattern(text, project, tmp)
        assert re.search(rx, messages[0]), f"no match for {rx!r}\n{res.describe()}"


def run(tmp_path: Path, case: Case) -> tuple[Path, u.Result]:
    """Write, snapshot, run; then the output folder must be empty and the project unchanged."""
    project = write_case(tmp_path / "project", case).resolve()
    before = u.snapshot(project)
    out = tmp_path / "dist"
    res = u.cli(project, case.command, out if case.command in ("wheel", "sdist") else None,
                *case.args, extra_env=case.env, cwd=tmp_path)
    check_refused(res, case, project, tmp_path)
    if case.existing:  # left as it was, and nothing beside it (no .part file)
        assert u.listdir(out) == sorted(case.existing)
    else:
        u.check_output_folder(out)
    assert u.snapshot(project) == before
    return project, res
