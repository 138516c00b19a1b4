#!/usr/bin/env bash
# Everything the tests need on a fresh Debian 12 machine, then the tests themselves.
# Usage: bash tools/test.sh [pytest arguments...]
set -euo pipefail
cd "$(dirname "$0")/.."
export PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1

# Cross compilers, qemu and the aarch64/armhf sysroots (apt; idempotent).
bash tools/cross/setup.sh

# crosswheel itself (built by its own backend) and the test tools, from PyPI.
python -m pip install --quiet --upgrade ".[test]"

python -m pytest "$@"
