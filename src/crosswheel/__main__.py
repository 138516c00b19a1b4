"""`crosswheel` / `python -m crosswheel`: build without a frontend, through the same code as the hooks."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import CrosswheelError


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="crosswheel", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    for name, doc in (("wheel", "build a wheel"), ("sdist", "build a source distribution")):
        s = sub.add_parser(name, help=doc)
        s.add_argument("project", nargs="?", default=".", type=Path, help="project folder")
        s.add_argument("-d", "--dist", default="dist", type=Path, help="output folder")
        s.add_argument("-C", "--config-setting", action="append", default=[], metavar="KEY=VAL")
        s.add_argument("--cross", action="append", default=[], metavar="FILE")
        s.add_argument("--local", action="append", default=[], metavar="FILE")
        s.add_argument("-o", "--override", action="append", default=[], metavar="OVERRIDE")
        s.add_argument("-v", "--verbose", action="store_true")
    cfg = sub.add_parser("config", help="configuration help")
    cfg_sub = cfg.add_subparsers(dest="config_command", required=True)
    cfg_sub.add_parser("reference", help="print the configuration reference (Markdown)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "config":
            from .options import reference_markdown

            print(reference_markdown())
            return 0
        from . import build
        from .config import Settings

        settings: dict[str, list[str]] = {}
        for item in args.config_setting:
            key, _, value = item.partition("=")
            settings.setdefault(key, []).append(value)
        cwd = Path.cwd()
        parsed = Settings.parse(settings, cwd)
        parsed = Settings(parsed.local + [cwd / f for f in args.local],
                          parsed.cross + [cwd / f for f in args.cross],
                          parsed.override + args.override, parsed.verbose or args.verbose)
        out = args.dist.resolve()
        fn = build.build_wheel if args.command == "wheel" else build.build_sdist
        print(fn(args.project.resolve(), out, parsed))
        return 0
    except CrosswheelError as e:
        print(f"crosswheel: error: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
