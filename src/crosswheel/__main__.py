"""`python -m crosswheel`: the same as the `crosswheel` command."""

from __future__ import annotations

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
