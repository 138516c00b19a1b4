"""Compare crosswheel's override parser with py-build-cmake 0.5's on random lines and files.

Not part of the test suite (it needs py-build-cmake itself):

    python -m pip install --no-deps py-build-cmake==0.5.0 lark
    python tools/compare_override_grammar.py [COUNT] [SEED]

Every input is parsed by both; both must refuse it, or both must return the same operator, keys
and value (types included). py-build-cmake crashing (a TypeError on `{}`) is not compared.
Exits 1 and prints the first mismatches if there are any.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from py_build_cmake.config.cli_override import parse_cli as ref_cli
from py_build_cmake.config.cli_override import parse_file as ref_file

from crosswheel.errors import ConfigError
from crosswheel.overrides import parse_cli, parse_file

PIECES = ["a", "b", "x_y", "-", ".", "=", "+=", "=+", "-=", "=!", "+=(path)", "=+(path)", " ", "  ",
          "\t", "\n", "\r\n", "#", "# c", "[", "]", "{", "}", ",", '"', '"q q"', "\\", '\\"', "1",
          "-5", "007", "true", "True", "false", "FALSE", "1.5", "é", "😄", "\f", "k=v", "(path)",
          "!", "\\n", "\\x4", "\\u00e9"]
KEYS = ["a", "a.b", '"k k".z', "c-d", "c-", "a .b", "a ", "a\n"]
OPS = ["=", "+=", "=+", "-=", "=!", "+=(path)", "=+(path)", " =", "= "]


def theirs(parse: Callable[[str], Any], text: str) -> Any:
    try:
        r = parse(text)
    except TypeError:
        return "CRASH"
    except Exception:
        return "REFUSED"
    if isinstance(r, list):
        return [(o.action, tuple(o.key), o.value) for o in r]
    return (r.action, tuple(r.key), r.value)


def ours(parse: Callable[[str, str], Any], text: str) -> Any:
    try:
        r = parse(text, "x")
    except ConfigError:
        return "REFUSED"
    if isinstance(r, list):
        return [(o.op, o.keys, o.value) for o, _ in r]
    return (r.op, r.keys, r.value)


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 0)
    accepted = refused = 0
    bad = []
    for _ in range(count):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 12)))
        if rng.random() < 0.6:
            text = rng.choice(KEYS) + rng.choice(OPS) + text
        for ref, mine, sample in ((ref_cli, parse_cli, text),
                                  (ref_file, parse_file, text + rng.choice(["\n", "", "\n  "]))):
            r, m = theirs(ref, sample), ours(mine, sample)
            if r == "CRASH":
                continue
            accepted, refused = (accepted + 1, refused) if r != "REFUSED" else (accepted, refused + 1)
            if repr(r) != repr(m):  # repr: True and 1 differ
                bad.append((sample, r, m))
    print(f"{accepted + refused} inputs ({accepted} accepted, {refused} refused by "
          f"py-build-cmake): {len(bad)} parsed differently by crosswheel")
    for sample, r, m in bad[:20]:
        print(f"  {sample!r}: py-build-cmake {r!r}, crosswheel {m!r}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
