"""From configuration to artefacts: config -> plan -> CMake steps -> staged files -> wheel.

plan.py decides what a build does (a Plan is plain data); this module runs a plan: it stages the
module, runs the CMake steps under the build folder's lock, checks what was staged and writes the
wheel, and holds the sdist and metadata entry points the hooks call.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fnmatch
import hashlib
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

# sdist, stubgen and toolchain are imported where used: a no-op rebuild pays for none of them.
from . import (
    __version__,
    cmake,
    config,
    elf,
    manylinux,
    metadata,
    pure,
    staging,
    target,
    wheel,
    wheelcache,
)
from .archive import check_output, output_path, source_date_epoch
from .cmake import Runner
from .config import Settings, StubgenConfig
from .errors import BuildError
from .lock import build_folder_lock, make_folder
from .plan import Plan, make_plan
from .target import Tags, Target


def stage_module(plan: Plan, folder: Path) -> None:
    """A fresh folder holding the module's sources, for CMake to install into."""
    try:
        if folder.is_symlink() or folder.is_file():
            folder.unlink()
        elif folder.exists():
            shutil.rmtree(folder)
    except OSError as e:
        raise BuildError(f"cannot clear the staging folder {folder}: {e.strerror or e}") from None
    make_folder(folder, "staging folder")
    for src, rel in plan.project.module.files():
        dst = folder / rel
        try:
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
        except OSError as e:  # a full disk, most likely
            raise BuildError(f"cannot stage {src} into {folder}: {e.strerror or e}") from None


def copy_from_native(plan: Plan, runner: Runner) -> None:
    """Step 7 of the native-then-cross build: move matching native files into the staging."""
    assert plan.native_install is not None
    root = plan.native_install
    # Regular files only: opening a FIFO to read its ELF header would block.
    files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    for pattern in plan.copy_from_native:
        hits = [f for f in files if fnmatch.fnmatchcase(f, pattern)]
        if not hits:
            raise BuildError(f"cross.copy_from_native_build: pattern {pattern!r} matched nothing "
                             f"in the native install {root} (it holds: "
                             f"{', '.join(files[:20]) or 'no files'})")
        for rel in hits:
            src = root / rel
            header = elf.header(src)
            row = plan.target.arch_row
            why = row.mismatch(header) if header is not None and row is not None else None
            if header is not None and row is None and plan.target.os != "linux":
                why = f"an ELF binary for {elf.machine(src)}"
            if why:
                expects = row.elf if row else plan.target.os
                raise BuildError(f"cross.copy_from_native_build: {rel} is {why}, but the wheel "
                                 f"is for {plan.target.platform} ({expects}); refusing to copy it")
            dst = plan.staging / rel
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(src), dst)
            runner.log(f"copied {rel} from the native build")
        files = [f for f in files if f not in hits]


def run_stubgen(plan: Plan, runner: Runner) -> None:
    """Stubs come from importing the module, so from the build machine's own build."""
    assert plan.cfg.stubgen is not None
    from . import stubgen

    request: StubgenConfig = plan.cfg.stubgen
    if not plan.target.cross:
        importable = plan.staging
    elif plan.native_install is not None:
        importable = plan.native_install
    else:
        # The cross-compiled modules cannot be imported here; the pure-Python ones are parsed.
        pure = stubgen.pure_python_only(plan.cfg.stubgen, plan.project.module.name,
                                        plan.staging)
        runner.log("stubgen: stubs for pure-Python modules only: the cross-compiled modules "
                   "cannot be imported here (set cross.copy_from_native_build to generate "
                   "their stubs from a native build)")
        if pure is None:
            return
        request, importable = pure, plan.staging
    for rel in stubgen.generate(request, plan.project.module.name, importable, plan.staging):
        runner.log(f"stubgen: added {rel}")


@contextlib.contextmanager
def locked(plan: Plan, runner: Runner) -> Iterator[None]:
    """Lock every build folder the plan uses (sorted, so two plans cannot deadlock)."""
    with contextlib.ExitStack() as stack:
        for folder in sorted({s.build_dir for s in plan.steps}):
            stack.enter_context(build_folder_lock(folder, runner.log))
        yield


def build_wheel(project_dir: Path, out_dir: Path, settings: Settings,
                runner: Runner | None = None) -> Path:
    plan = make_plan(project_dir, settings)
    # What can be known before CMake runs is checked before it runs.
    source_date_epoch()
    check_output(output_path(out_dir, wheel.wheel_name(plan.project, plan.tags)))
    runner = runner or Runner(verbose=plan.cfg.verbose)
    with locked(plan, runner):
        return _build_wheel(plan, out_dir, runner)


def _build_wheel(plan: Plan, out_dir: Path, runner: Runner) -> Path:
    if not plan.steps:
        try:
            stage_module(plan, plan.staging)
            entries = wheel.staged_entries(plan.staging, plan.project,
                                           top_level=plan.project.module.name.split(".")[0])
            if plan.pure:
                pure.check(entries)
            tags = checked_tags(plan, entries, runner.log)
            return wheel.write(out_dir, plan.project, tags, plan.pure, entries,
                               plan.cfg.project_dir)
        finally:
            if not plan.cfg.cmake:
                shutil.rmtree(plan.staging, ignore_errors=True)
    key = config_key(plan)
    stage = staging.Staging(plan.staging, key)
    if plan.native_install is not None:
        # The native install is a complete native package: stubgen imports it.
        stage_module(plan, plan.native_install)
    prepared = False
    for step in plan.steps:
        runner.configure(step)
        runner.build(step)
        if step.install_prefix == plan.staging and not prepared:
            # Only now: a failed compile leaves the last good staging folder trusted.
            prepared = True
            if not stage.prepare():
                runner.log(f"staging folder emptied: {plan.staging}")
            stage.sync_module(plan.project.module.files())
        installed = runner.install(step)
        if step.install_prefix == plan.staging:
            stage.installed(installed)
    for rel in stage.prune():
        runner.log(f"removed {rel} from the staging folder: no longer installed")
    if plan.copy_from_native:
        copy_from_native(plan, runner)
    if plan.cfg.stubgen is not None:
        run_stubgen(plan, runner)
    reuse = wheelcache.Reuse(plan.staging.parent, key)
    try:
        entries = wheel.staged_entries(plan.staging, plan.project,
                                       top_level=plan.project.module.name.split(".")[0])
        if plan.pure:
            pure.check(entries)
        # A member reused from the last wheel passed the ELF checks then, for this same
        # configuration: only new or changed files are opened.
        tags = checked_tags(plan, entries, runner.log,
                            [e for e in entries if e.stat is None or
                             not reuse.unchanged(e.arcname, e.stat)])
        whl = wheel.write(out_dir, plan.project, tags, plan.pure, entries,
                          plan.cfg.project_dir, reuse=reuse)
        reuse.save(whl)
        runner.log(f"wheel: all {reuse.seen} files unchanged, the last wheel copied whole"
                   if reuse.copied_whole
                   else f"wheel: {reuse.reused} of {reuse.seen} files copied still compressed "
                   "from the last wheel")
    finally:
        reuse.close()
    metadata.remember(plan.cfg.project_dir, plan.project)
    root = len(str(plan.staging)) + 1
    stage.save((str(e.source)[root:], e.stat) for e in entries
               if e.source is not None and e.stat is not None)
    return whl


def config_key(plan: Plan) -> str:
    """Everything that shapes the staged files and the wheel's bytes: neither the staging
    folder nor the deflated members of one configuration are used for another. Built from the
    configuration, not from the CMake command lines, which name the build environment's
    interpreter and site-packages: those differ in every isolated build."""
    import dataclasses
    import json
    import zlib

    from . import zipwriter

    facts = [__version__, zipwriter.LEVEL, zipwriter.BLOCK, zlib.ZLIB_RUNTIME_VERSION,
             repr(dataclasses.replace(plan.target, executable=None)), repr(plan.tags),
             plan.pure, repr(plan.cfg.cmake), repr(plan.cfg.wheel), repr(plan.cfg.cross),
             repr(plan.cfg.stubgen), str(plan.staging)]
    return hashlib.sha256(json.dumps(facts).encode()).hexdigest()


def checked_tags(plan: Plan, entries: list[wheel.Entry], log: Callable[[str], None],
                 elf_entries: list[wheel.Entry] | None = None) -> Tags:
    """The wheel's tags once its binaries are proven to fit the target (and a manylinux level).

    `elf_entries`: the entries to give the ELF checks, when the others are known to pass."""
    if not plan.pure:
        for t in _elf_targets(plan):
            elf.check_entries(entries if elf_entries is None else elf_entries, t,
                              plan.target.uses_abi3(plan.cfg.wheel))
    return manylinux.verify(entries, plan.target, plan.cfg, plan.tags, log)


def _elf_targets(plan: Plan) -> list[Target]:
    """The target, and the same target once per other architecture the written tags name
    (wheel.platform_tag may say something else than the target: the binaries must fit it too)."""
    out = [plan.target]
    seen = {plan.target.arch_row}
    if plan.target.os == "linux":
        from .arch import is_linux_platform

        for tag in plan.tags.platform:
            t = dataclasses.replace(plan.target, platform=tag)
            if is_linux_platform(tag) and t.arch_row not in seen:
                seen.add(t.arch_row)
                out.append(t)
    return out


def build_sdist(project_dir: Path, out_dir: Path, settings: Settings,
                dry_run: bool = False) -> Path:
    """Write the sdist; with `dry_run`, list its files on stderr and write nothing."""
    from . import sdist

    cfg = config.load(project_dir, settings)
    if not dry_run:
        return sdist.write(out_dir, cfg, metadata.load(cfg))
    final, files = sdist.planned(out_dir, cfg, metadata.load(cfg))
    for _, rel in files:
        print(f"crosswheel: would add {rel}", file=sys.stderr)
    print(f"crosswheel: would write {final} (and PKG-INFO)", file=sys.stderr)
    return final


def write_metadata(project_dir: Path, out_dir: Path, settings: Settings) -> str:
    """prepare_metadata_for_build_wheel: the .dist-info folder without building anything."""
    cfg = config.load(project_dir, settings)
    project = metadata.load(cfg)
    t = target.for_config(cfg)
    tags = manylinux.declared(cfg, t, t.tags(cfg.wheel))
    return wheel.write_dist_info(out_dir, project, tags, cfg.wheel.pure_python, cfg.project_dir)


def cmake_requirements(project_dir: Path, settings: Settings) -> list[str]:
    """cmake and ninja from PyPI, but only when the machine lacks a suitable one."""
    cfg = config.load(project_dir, settings)
    reqs: list[str] = []
    if cfg.stubgen is not None:
        reqs.append("mypy")
    reqs += manylinux.requirements(cfg)
    if not cfg.cmake:
        return reqs
    if cfg.cross is not None:
        from . import toolchain

        reqs += toolchain.requirements(cfg.cross.compiler)
    minimum = max((c.minimum_version for c in cfg.cmake), key=cmake._vtuple)
    if cmake.find_cmake(minimum) is None:
        reqs.append(f"cmake>={minimum}")
    wants_ninja = any((c.generator or "").startswith("Ninja") for c in cfg.cmake)
    if wants_ninja and shutil.which("ninja") is None:
        reqs.append("ninja")
    return reqs
