"""Issue 12 §1, containment: every file of a wheel or sdist comes from inside the project, and
every artefact lands in the output folder under a name made of validated parts.

Refused cases: one message naming the path, nothing written. Accepted cases (links inside the
project): the exact member list, with the link's target content stored.
"""

from __future__ import annotations

import os
import tarfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from . import util as u
from .corpus import CMAKE, MOD, PP, Case, head, run

ELF = b"\x7fELF\x02\x01\x01" + b"\0" * 57
MACHO = b"\xcf\xfa\xed\xfe" + b"\0" * 60
OUTSIDE = "We must never see this.\n"
LEAVES = r"a wheel or sdist may hold only files from inside the project"


def outside(project: Path) -> Path:
    """A folder beside the project, with a secret file and a package-looking folder."""
    out = project.parent / "outside"
    (out / "pkg").mkdir(parents=True, exist_ok=True)
    (out / "secret.txt").write_text(OUTSIDE)
    (out / "pkg" / "__init__.py").write_text(f"SECRET = {OUTSIDE!r}\n")
    (out / "README.md").write_text("# outside\n")
    return out


def link(rel: str, target: str | None = None, *, to_outside: str | None = None,
         replace: bool = False):
    """Set-up: make `rel` a symbolic link to `target` (as written) or to a path in outside()."""
    def setup(project: Path) -> None:
        dest = str(outside(project) / to_outside) if to_outside is not None else target
        assert dest is not None
        p = project / rel
        if replace and (p.is_dir() and not p.is_symlink()):
            import shutil

            shutil.rmtree(p)
        elif replace and p.exists():
            p.unlink()
        p.parent.mkdir(parents=True, exist_ok=True)
        p.symlink_to(dest)
    return setup


def chain(*steps):
    def setup(project: Path) -> None:
        for step in steps:
            step(project)
    return setup


def no_package(project: Path) -> None:
    import shutil

    shutil.rmtree(project / MOD)


def fifo(rel: str):
    def setup(project: Path) -> None:
        os.mkfifo(project / rel)
    return setup


ORIGIN = f"{{root}}/{MOD}"
REFUSED = [
    # ---- the module and links inside it
    Case("module-folder-links-out", [rf"module '{MOD}': {MOD} leads to {{tmp}}/outside/pkg, "
                                     rf"outside the project folder {{root}}; {LEAVES}"],
         setup=link(MOD, to_outside="pkg", replace=True)),
    Case("module-file-links-out-absolute",
         [rf"{ORIGIN}/secret\.txt: a symbolic link to {{tmp}}/outside/secret\.txt, outside the "
          rf"project folder {{root}}"],
         setup=link(f"{MOD}/secret.txt", to_outside="secret.txt")),
    Case("module-file-links-out-relative",
         [rf"{ORIGIN}/secret\.txt: a symbolic link to {{tmp}}/outside/secret\.txt, outside"],
         setup=chain(outside, link(f"{MOD}/secret.txt", "../../outside/secret.txt"))),
    Case("module-file-links-to-etc-passwd",
         [rf"{ORIGIN}/passwd: a symbolic link to /etc/passwd, outside the project folder"],
         setup=link(f"{MOD}/passwd", "/etc/passwd")),
    Case("module-subfolder-links-out",
         [rf"{ORIGIN}/sub: a symbolic link to {{tmp}}/outside, outside the project folder"],
         setup=chain(outside, link(f"{MOD}/sub", "../../outside"))),
    Case("module-subfolder-links-to-root", [rf"{ORIGIN}/etc: a symbolic link to /etc, outside"],
         setup=link(f"{MOD}/etc", "/etc")),
    Case("module-subfolder-links-inside",
         [rf"{ORIGIN}/alias: a symbolic link to a folder \({{root}}/{MOD}/real\) in the module; "
          r"replace it with the folder itself"],
         files={f"{MOD}/real/x.py": "X = 1\n"}, setup=link(f"{MOD}/alias", "real")),
    Case("module-link-dangling", [rf"{ORIGIN}/gone\.py: a broken symbolic link"],
         setup=link(f"{MOD}/gone.py", "nowhere.py")),
    Case("module-link-loop", [rf"{ORIGIN}/loop\.py: a broken symbolic link \(or a loop\)"],
         setup=link(f"{MOD}/loop.py", "loop.py")),
    Case("module-fifo", [rf"{ORIGIN}/pipe: not a regular file \(a FIFO, socket or device\)"],
         setup=fifo(f"{MOD}/pipe")),
    Case("single-file-module-links-out",
         [rf"module '{MOD}': {MOD}\.py leads to {{tmp}}/outside/pkg/__init__\.py, outside"],
         setup=chain(no_package, link(f"{MOD}.py", to_outside="pkg/__init__.py"))),
    Case("src-folder-links-out",
         [rf"module '{MOD}': src/{MOD} leads to {{tmp}}/outside/{MOD}, outside the project"],
         setup=chain(no_package, lambda p: (outside(p) / MOD).mkdir(),
                     lambda p: (p.parent / "outside" / MOD / "__init__.py").write_text(""),
                     link("src", "../outside"))),
    Case("module-directory-parent",
         [r"module\.directory: {tmp}/outside is outside the project folder {root}; " + LEAVES],
         tool=CMAKE + '[tool.crosswheel.module]\nname = "pkg"\ndirectory = "../outside"\n',
         setup=outside),
    Case("module-directory-absolute",
         [r"module\.directory: /usr/lib is outside the project folder {root}"],
         tool=CMAKE + '[tool.crosswheel.module]\nname = "pkg"\ndirectory = "/usr/lib"\n'),
    Case("module-directory-links-out",
         [r"module\.directory: {root}/lib is outside the project folder {root}"],
         tool=CMAKE + '[tool.crosswheel.module]\nname = "pkg"\ndirectory = "lib"\n',
         setup=link("lib", to_outside=".")),
    Case("module-directory-from-override",
         [r"module\.directory: /etc is outside the project folder"],
         args=("-Coverride=module.directory=/etc",)),
    # ---- readme and licence files
    Case("readme-parent", [PP + r": project\.readme: '\.\./README\.md' is outside the project "
                                r"folder {root}; " + LEAVES],
         pyproject=head(readme='"../README.md"'), setup=outside),
    Case("readme-parent-sdist", [PP + r": project\.readme: '\.\./README\.md' is outside"],
         pyproject=head(readme='"../README.md"'), setup=outside, command="sdist"),
    Case("readme-file-table-parent",
         [PP + r": project\.readme\.file: '\.\./outside/README\.md' is outside"],
         pyproject=head(readme='{file = "../outside/README.md", content-type = "text/markdown"}'),
         setup=outside),
    Case("readme-links-out",
         [PP + r": project\.readme: 'README\.md' leads to {tmp}/outside/README\.md, which is "
               r"outside the project folder"],
         pyproject=head(readme='"README.md"'), setup=link("README.md", to_outside="README.md")),
    Case("readme-links-out-sdist", [PP + r": project\.readme: 'README\.md' leads to "],
         pyproject=head(readme='"README.md"'), setup=link("README.md", to_outside="README.md"),
         command="sdist"),
    Case("readme-absolute", [PP + r": project\.readme\.file: '/etc/hostname' is outside"],
         pyproject=head(readme='{file = "/etc/hostname", content-type = "text/plain"}')),
    Case("license-file-parent",
         [PP + r": project\.license\.file: '\.\./\.\./x' is outside the project folder"],
         pyproject=head(license='{file = "../../x"}', **{"license-files": ""})),
    Case("license-file-absolute", [PP + r": project\.license\.file: '/etc/passwd' is outside"],
         pyproject=head(license='{file = "/etc/passwd"}', **{"license-files": ""})),
    Case("license-file-links-out",
         [PP + r": project\.license\.file: 'COPYING' leads to {tmp}/outside/secret\.txt"],
         pyproject=head(license='{file = "COPYING"}', **{"license-files": ""}),
         setup=link("COPYING", to_outside="secret.txt")),
    Case("license-files-link-out",
         [PP + r": project\.license-files: 'LICENSE' leads to {tmp}/outside/secret\.txt, which "
               r"is outside the project folder"],
         setup=link("LICENSE", to_outside="secret.txt", replace=True)),
    Case("license-files-link-out-sdist", [PP + r": project\.license-files: 'LICENSE' leads to "],
         setup=link("LICENSE", to_outside="secret.txt", replace=True), command="sdist"),
    Case("license-files-glob-reaches-out",
         [PP + r": project\.license-files: 'LICENSES/b\.txt' leads to {tmp}/outside/secret\.txt"],
         pyproject=head(**{"license-files": '["LICENSES/*"]'}),
         files={"LICENSES/a.txt": "MIT\n"}, setup=link("LICENSES/b.txt", to_outside="secret.txt")),
    Case("license-files-folder-links-out",
         [PP + r": project\.license-files: 'LICENSES/secret\.txt' leads to "
               r"{tmp}/outside/secret\.txt"],
         pyproject=head(**{"license-files": '["LICENSES/*.txt"]'}),
         setup=link("LICENSES", to_outside=".")),
    Case("readme-is-a-fifo",  # reading it would wait forever
         [PP + r": project\.readme: 'README\.md' is not a regular file \(a FIFO, socket or "
               r"device\)"], pyproject=head(readme='"README.md"'), setup=fifo("README.md")),
    Case("license-files-glob-reaches-a-fifo",
         [PP + r": project\.license-files: 'LICENSE\.pipe' is not a regular file"],
         pyproject=head(**{"license-files": '["LICENSE*"]'}), setup=fifo("LICENSE.pipe"),
         command="sdist"),
    # ---- names of artefacts: only validated parts
    *[Case(f"build-tag-{i}", [r"wheel\.build_tag: expected a string starting with a digit and "
                              r"without '-', found " + rx], tool=CMAKE + tag)
      for i, (tag, rx) in enumerate([
          ('[tool.crosswheel.wheel]\nbuild_tag = "1/../../escaped"\n', r"'1/\.\./\.\./escaped'"),
          ('[tool.crosswheel.wheel]\nbuild_tag = "1 a"\n', r"'1 a'"),
          ('[tool.crosswheel.wheel]\nbuild_tag = "1\\\\x"\n', r"'1\\\\x'"),
          ('[tool.crosswheel.wheel]\nbuild_tag = "1é"\n', r"'1é'"),
          ('[tool.crosswheel.wheel]\nbuild_tag = "1\\tx"\n', r"'1\\tx'"),
          ('[tool.crosswheel.wheel]\nbuild_tag = "1+local"\n', r"'1\+local'")])],
    Case("build-tag-from-override",
         [r"-C override=wheel\.build_tag=\"2/\.\./\.\./x\": wheel\.build_tag: expected a string "
          r"starting with a digit"], args=('-Coverride=wheel.build_tag="2/../../x"',)),
    Case("platform-tag-parent", [r"wheel\.platform_tag: '\.\./x' is not a valid tag"],
         tool=CMAKE + '[tool.crosswheel.wheel]\nplatform_tag = ["../x"]\n'),
    Case("abi-tag-slash", [r"wheel\.abi_tag: 'a/b' is not a valid tag"],
         tool=CMAKE + '[tool.crosswheel.wheel]\nabi_tag = ["a/b"]\n'),
    # ---- a pure-Python wheel holds no compiled code
    Case("pure-with-elf-so", [r"wheel\.pure_python is true, but the staged files hold compiled "
                              rf"code: {MOD}/_core\.so \(an ELF binary\)"],
         tool="", cmakelists=None, files={f"{MOD}/_core.so": ELF}),
    Case("pure-with-renamed-elf", [rf"compiled code: {MOD}/data\.bin \(an ELF binary\)"],
         tool="", cmakelists=None, files={f"{MOD}/data.bin": ELF}),
    Case("pure-with-macho", [rf"compiled code: {MOD}/lib\.bin \(a Mach-O binary\)"],
         tool="", cmakelists=None, files={f"{MOD}/lib.bin": MACHO}),
    Case("pure-with-pyd", [rf"compiled code: {MOD}/_core\.cp311-win_amd64\.pyd \(a \.pyd file\)"],
         tool="", cmakelists=None, files={f"{MOD}/_core.cp311-win_amd64.pyd": "MZ"}),
    Case("pure-with-dylib", [rf"compiled code: {MOD}/libx\.dylib \(a \.dylib file\)"],
         tool="", cmakelists=None, files={f"{MOD}/libx.dylib": "not really"}),
    Case("pure-with-versioned-so", [rf"compiled code: {MOD}/libx\.so\.1\.2 \(a \.so file\)"],
         tool="", cmakelists=None, files={f"{MOD}/libx.so.1.2": "x"}),
    Case("pure-python-true-with-cmake-installing-elf",
         [rf"wheel\.pure_python is true, but the staged files hold compiled code: "
          rf"{MOD}/_core\.so \(an ELF binary\)\. A py3-none-any wheel would install on "
          r"machines it cannot run on; set wheel\.pure_python = false"],
         tool=CMAKE + "[tool.crosswheel.wheel]\npure_python = true\n",
         cmakelists=u.DATA_CMAKELISTS + "install(FILES core.bin DESTINATION "
                                        "${PY_BUILD_CMAKE_IMPORT_NAME} RENAME _core.so)\n",
         files={"core.bin": ELF}),
]


@pytest.mark.parametrize("case", REFUSED, ids=[c.id for c in REFUSED])
def test_refused(tmp_path: Path, case: Case) -> None:
    run(tmp_path, case)
    outside_dir = tmp_path / "outside"
    if outside_dir.exists():  # nothing was written beside the project either
        assert sorted(os.listdir(tmp_path)) == ["dist", "outside", "project"] or \
            sorted(os.listdir(tmp_path)) == ["outside", "project"]


# --------------------------------------------------------------------------- accepted


DIST_INFO = f"{MOD}-1.0.0.dist-info"
PURE_META = [f"{DIST_INFO}/METADATA", f"{DIST_INFO}/RECORD", f"{DIST_INFO}/WHEEL",
             f"{DIST_INFO}/entry_points.txt", f"{DIST_INFO}/licenses/LICENSE"]


def build_both(project: Path, out: Path, *args: str) -> tuple[Path, Path]:
    for command in ("wheel", "sdist"):
        res = u.cli(project, command, out, *args)
        assert res.returncode == 0 and "Traceback" not in res.output, res.describe()
    wheel, sdist = u.only(out, "*.whl"), u.only(out, "*.tar.gz")
    u.check_output_folder(out, [wheel.name, sdist.name])
    return wheel, sdist


def sdist_members(sdist: Path) -> dict[str, bytes]:
    with tarfile.open(sdist) as tf:
        out = {}
        for m in tf.getmembers():
            assert m.isfile(), m.name  # links are stored as their content
            f = tf.extractfile(m)
            assert f is not None
            out[m.name.split("/", 1)[1]] = f.read()
        return out


def test_links_inside_the_project_store_their_content(tmp_path: Path) -> None:
    project = u.write_project(tmp_path / "project", "", cmakelists=None,
                              files={"docs/README.md": "# Read me\n",
                                     "shared/version.txt": "1.0.0\n",
                                     "licenses/MIT.txt": "MIT License\n"},
                              pyproject=head(readme='"README.md"')).resolve()
    (project / "README.md").symlink_to("docs/README.md")
    (project / MOD / "version.txt").symlink_to("../shared/version.txt")
    (project / "LICENSE").unlink()
    (project / "LICENSE").symlink_to("licenses/MIT.txt")
    before = u.snapshot(project)
    wheel, sdist = build_both(project, tmp_path / "dist")
    assert wheel.name == f"{MOD}-1.0.0-py3-none-any.whl"
    assert u.wheel_names(wheel) == sorted([f"{MOD}/__init__.py", f"{MOD}/version.txt",
                                           *PURE_META])
    with zipfile.ZipFile(wheel) as zf:
        assert zf.read(f"{MOD}/version.txt") == b"1.0.0\n"
        assert zf.read(f"{DIST_INFO}/licenses/LICENSE") == b"MIT License\n"
        assert b"# Read me" in zf.read(f"{DIST_INFO}/METADATA")
    members = sdist_members(sdist)
    assert sorted(members) == sorted(["LICENSE", "PKG-INFO", "README.md", f"{MOD}/__init__.py",
                                      f"{MOD}/version.txt", "pyproject.toml"])
    assert members["README.md"] == b"# Read me\n"
    assert members[f"{MOD}/version.txt"] == b"1.0.0\n"
    assert members["LICENSE"] == b"MIT License\n"
    assert u.snapshot(project) == before


def test_module_directory_inside_the_project(tmp_path: Path) -> None:
    project = u.write_project(tmp_path / "project", '[tool.crosswheel.module]\ndirectory = "lib"\n',
                              cmakelists=None, files={f"lib/{MOD}/__init__.py": "X = 1\n",
                                                      f"lib/{MOD}/sub/m.py": "Y = 2\n"}).resolve()
    import shutil

    shutil.rmtree(project / MOD)
    wheel, sdist = build_both(project, tmp_path / "dist")
    assert u.wheel_names(wheel) == sorted([f"{MOD}/__init__.py", f"{MOD}/sub/m.py", *PURE_META])
    assert sorted(sdist_members(sdist)) == sorted(["LICENSE", "PKG-INFO", f"lib/{MOD}/__init__.py",
                                                   f"lib/{MOD}/sub/m.py", "pyproject.toml"])


@pytest.mark.parametrize(("tag", "name"), [("1", "1"), ("2_b.3", "2_b.3"), ("20240101", "20240101")])
def test_valid_build_tags_name_the_wheel(tmp_path: Path, tag: str, name: str) -> None:
    project = u.write_project(tmp_path / "project", f'[tool.crosswheel.wheel]\nbuild_tag = "{tag}"\n',
                              cmakelists=None).resolve()
    out = tmp_path / "dist"
    res = u.cli(project, "wheel", out)
    assert res.returncode == 0, res.describe()
    wheel = f"{MOD}-1.0.0-{name}-py3-none-any.whl"
    u.check_output_folder(out, [wheel])
    with zipfile.ZipFile(out / wheel) as zf:
        assert f"Build: {tag}" in zf.read(f"{DIST_INFO}/WHEEL").decode().splitlines()


def test_pure_wheel_with_harmless_look_alikes(tmp_path: Path) -> None:
    """Names that only look compiled (x.so.txt, a .sol file) and a text file starting 'MZ'."""
    files = {f"{MOD}/notes.so.txt": "text\n", f"{MOD}/contract.sol": "pragma\n",
             f"{MOD}/mz.txt": "MZ is a text here\n"}
    project = u.write_project(tmp_path / "project", "", cmakelists=None, files=files).resolve()
    out = tmp_path / "dist"
    res = u.cli(project, "wheel", out)
    assert res.returncode == 0, res.describe()
    wheel = u.only(out, "*.whl")
    assert u.wheel_names(wheel) == sorted([f"{MOD}/__init__.py", *files, *PURE_META])


# --------------------------------------------------------------------------- generated build tags


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tag=st.text(st.characters(codec="utf-8", exclude_characters="\0"), max_size=10))
def test_generated_build_tags(tmp_path: Path, tag: str) -> None:
    """Whatever the build tag, the wheel's name is one file name in the output folder, with the
    six parts of the wheel spec, or the configuration is refused naming wheel.build_tag."""
    from crosswheel import archive, config, metadata, target, wheel
    from crosswheel.errors import CrosswheelError

    root = tmp_path / "p"
    if not root.exists():
        u.write_project(root, "", cmakelists=None)
    escaped = "".join(f"\\U{ord(c):08x}" for c in tag)
    (root / "pyproject.toml").write_text(
        head() + f'[tool.crosswheel.wheel]\nbuild_tag = "{escaped}"\n', encoding="utf-8")
    try:
        cfg = config.load(root, env={})
    except CrosswheelError as e:
        assert "wheel.build_tag: expected a string starting with a digit" in str(e)
        return
    name = wheel.wheel_name(metadata.load(cfg), target.for_config(cfg).tags(cfg.wheel))
    out = tmp_path / "dist"
    assert archive.output_path(out, name).parent == out
    assert name.count("-") == 5 and name.split("-")[2] == tag
