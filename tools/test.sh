#!/usr/bin/env bash
# Everything the tests need on a fresh Debian 12 machine, then the tests themselves.
# Usage: bash tools/test.sh [pytest arguments...]
set -euo pipefail
cd "$(dirname "$0")/.."
export PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1

# Cross compilers, qemu and the aarch64/armhf sysroots (apt; idempotent).
bash tools/cross/setup.sh
# A second zip implementation (unzip) checks the zip64 records of our wheels.
if ! command -v unzip >/dev/null; then
    # The package lists may be missing or stale; one foreign index failing does not matter.
    apt-get update -q || true
    apt-get install -y -q --no-install-recommends unzip
fi

# crosswheel itself (built by its own backend) and the test tools, from PyPI.
python -m pip install --quiet --upgrade ".[test]"

python -m pytest "$@"
