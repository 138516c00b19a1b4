#!/usr/bin/env bash
# Everything the tests need on a fresh Debian 12 machine, then the tests themselves.
# Usage: bash tools/test.sh [pytest arguments...]
set -euo pipefail
cd "$(dirname "$0")/.."
export PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1

# Cross compilers and qemu for six architectures, and their sysroots (apt; idempotent; the
# .debs are kept in a machine-wide cache, so a fresh clone only unpacks them).
bash tools/cross/setup.sh
# A second zip implementation (unzip) checks the zip64 records of our wheels.
if ! command -v unzip >/dev/null; then
    # The package lists may be missing or stale; one foreign index failing does not matter.
    # Wait for another apt (DPkg::Lock::Timeout) instead of failing.
    apt-get update -q -o DPkg::Lock::Timeout=600 || true
    apt-get install -y -q -o DPkg::Lock::Timeout=600 --no-install-recommends unzip
fi

# crosswheel itself (built by its own backend) and the test tools, from PyPI.
python -m pip install --quiet --upgrade ".[test]"

python -m pytest "$@"
