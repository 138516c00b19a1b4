"""Unit tests: every test starts from a clean environment for the variables crosswheel reads."""

from __future__ import annotations

import pytest

# Variables that change what crosswheel computes; a developer's shell must not change results.
_ENV = ("SOURCE_DATE_EPOCH", "_PYTHON_HOST_PLATFORM", "ARCHFLAGS", "DIST_EXTRA_CONFIG",
        "CMAKE_GENERATOR", "CMAKE_BUILD_PARALLEL_LEVEL")


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in _ENV:
        monkeypatch.delenv(name, raising=False)
