"""The `crosswheel` command: build without a frontend, run single CMake steps, explain the config.

It goes through the same functions as the PEP 517 hooks, so what it builds is what pip builds.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import CrosswheelError

if TYPE_CHECKING:  # the CLI imports the heavier modules only for the command it runs
    from .build import Plan
    from .cmake import Runner
    from .config import Settings


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-C", "--config-setting", action="append", default=[], metavar="KEY=VAL",
                        help="a config setting, as with pip/build (-C cross=FILE, ...)")
    common.add_argument("--cross", action="append", default=[], metavar="FILE",
                        help="cross file (repeatable, applied in order)")
    common.add_argument("--local", action="append", default=[], metavar="FILE",
                        help="local override file (repeatable)")
    common.add_argument("-o", "--override", action="append", default=[], metavar="KEY=VALUE",
                        help="override one option, e.g. -o cmake.build_type=Debug")
    common.add_argument("-v", "--verbose", action="store_true", help="stream all CMake output")
    common.add_argument("-n", "--dry-run", action="store_true",
                        help="print the CMake commands instead of running them")
    common.add_argument("--project", default=".", type=Path, help="project folder (default: .)")

    p = argparse.ArgumentParser(prog="crosswheel", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    for name, doc in (("wheel", "build a wheel"), ("sdist", "build a source distribution")):
        s = sub.add_parser(name, help=doc, parents=[common])
        s.add_argument("-d", "--dist", default="dist", type=Path, help="output folder")
    for name, doc in (("configure", "configure the persistent build folder"),
                      ("build", "build in the persistent build folder"),
                      ("install", "install from the build folder into its staging folder")):
        s = sub.add_parser(name, help=doc, parents=[common])
        s.add_argument("--config", action="append", default=[], help="CMake configuration")
        s.add_argument("--component", action="append", default=[], help="install component")
        s.add_argument("--index", type=int, default=None, help="only the cmake.N project")
    cfg = sub.add_parser("config", help="show the configuration")
    cfg_sub = cfg.add_subparsers(dest="config_command", required=True)
    cfg_sub.add_parser("show", parents=[common],
                       help="the effective configuration and where each value came from")
    cfg_sub.add_parser("reference", help="the configuration reference (Markdown)")
    return p


def _settings(args: argparse.Namespace) -> Settings:
    from .config import Settings

    raw: dict[str, list[str]] = {}
    for item in args.config_setting:
        key, _, value = item.partition("=")
        raw.setdefault(key, []).append(value)
    cwd = Path.cwd()
    s = Settings.parse(raw, cwd, env=os.environ)
    return Settings(s.local + [cwd / f for f in args.local], s.cross + [cwd / f for f in args.cross],
                    s.override + args.override, s.verbose or args.verbose)


def main(argv: list[str] | None = None) -> int:
    from .backend import install_signal_handlers, os_error_message

    install_signal_handlers()
    args = _parser().parse_args(argv)
    try:
        rc = _main(args)
        sys.stdout.flush()  # here, so that a closed pipe is reported below and not at exit
        return rc
    except KeyboardInterrupt:
        # Ctrl-C: CMake was stopped and no partial artefact is left (atomic_output); a
        # traceback would only hide that.
        print("crosswheel: interrupted", file=sys.stderr, flush=True)
        return 130
    except BrokenPipeError:
        # `crosswheel config show | head`: the reader is gone. Stop quietly, as cat does, and
        # keep Python from failing again when it flushes stdout at exit.
        import os

        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # 128 + SIGPIPE, what a shell reports for a program the pipe stopped
    except CrosswheelError as e:
        print(f"crosswheel: error: {e}", file=sys.stderr)
        return 1
    except OSError as e:  # the file system refused something no step above foresaw
        print(f"crosswheel: error: {os_error_message(e)}", file=sys.stderr)
        return 1


def _main(args: argparse.Namespace) -> int:
    if args.command == "config" and args.config_command == "reference":
        from .options import reference_markdown

        print(reference_markdown())
        return 0
    settings = _settings(args)
    project = args.project.resolve()
    if args.command == "config":
        from .config import load
        from .show import show

        print(show(load(project, settings)))
        return 0
    from .build import build_sdist, build_wheel, make_plan
    from .cmake import Runner

    runner = Runner(verbose=settings.verbose, dry_run=args.dry_run, concise=True)
    if args.command == "sdist":
        print(build_sdist(project, args.dist.resolve(), settings))
    elif args.command == "wheel":
        if args.dry_run:
            _steps(make_plan(project, settings), runner, "all", args)
        else:
            print(build_wheel(project, args.dist.resolve(), settings, runner))
    else:
        _steps(make_plan(project, settings), runner, args.command, args)
    return 0


def _steps(plan: Plan, runner: Runner, which: str, args: argparse.Namespace) -> None:
    """Run (or, with --dry-run, print) configure/build/install of the plan's CMake steps."""
    from dataclasses import replace

    steps = plan.steps
    index = getattr(args, "index", None)
    if index is not None:
        steps = [s for s in steps if s.label.endswith(f".{index}") or (
            index == 0 and "." not in s.label)]
    if getattr(args, "config", None):
        steps = [replace(s, configs=args.config, install_configs=args.config) for s in steps]
    if getattr(args, "component", None):
        steps = [replace(s, components=args.component) for s in steps]
    if not steps:
        runner.log("nothing to do: the project has no CMake steps" + (
            f" with index {index}" if index is not None else ""))
    for s in steps:
        if which in ("all", "configure"):
            runner.configure(s, force=which == "configure")
        if which in ("all", "build"):
            runner.build(s)
        if which in ("all", "install"):
            runner.install(s)
