#!/usr/bin/env bash
# Everything the tests need on a fresh Debian 12 machine, then the tests themselves.
# Usage: bash tools/test.sh [pytest arguments...]
# Env:   PYTHON  the interpreter to test with (default: python3, e.g. Debian's own)
#        VENV    where the test environment goes (default: .venv)
#
# Nothing is installed into $PYTHON itself: Debian's python3 is "externally managed" (PEP 668)
# and refuses pip installs, and whatever interpreter comes first on PATH is not ours to change.
# crosswheel and the test tools go into a virtual environment made from $PYTHON, and the tests
# run with that environment's bin/ first on PATH, so every tool they call (python, pip, uv,
# cmake, ninja, twine, stubgen) comes from it.
set -euo pipefail
cd "$(dirname "$0")/.."
export PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1
PYTHON=${PYTHON:-python3}
VENV=$(realpath -m -- "${VENV:-.venv}")

apt_install() {
    # The package lists may be missing or stale; one foreign index failing does not matter.
    # Another apt (e.g. unattended-upgrades on a fresh machine) may hold the dpkg lock: wait.
    apt-get -o DPkg::Lock::Timeout=600 update -q || true
    apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "$@"
}

# Cross compilers and qemu for six architectures, and their sysroots (apt; idempotent; the
# .debs are kept in a machine-wide cache, so a fresh clone only unpacks them).
bash tools/cross/setup.sh
# A second zip implementation (unzip) checks the zip64 records of our wheels.
command -v unzip >/dev/null || apt_install unzip

# The test environment, made again when it is missing, broken or from another interpreter.
want=$("$PYTHON" -c 'import sys; print(sys.base_prefix, *sys.version_info[:3])')
have=$("$VENV/bin/python" -c 'import sys; print(sys.base_prefix, *sys.version_info[:3])' \
       2>/dev/null || true)
if [ "$want" != "$have" ]; then
    rm -rf "$VENV"
    if ! "$PYTHON" -m venv "$VENV" >/dev/null 2>&1; then
        # Debian's python3 makes venvs only with python3-venv (ensurepip's wheels) installed.
        rm -rf "$VENV"
        apt_install python3-venv
        "$PYTHON" -m venv "$VENV"
    fi
fi
export VIRTUAL_ENV="$VENV"
export PATH="$VIRTUAL_ENV/bin:$PATH"
hash -r
[ "$(command -v python)" = "$VENV/bin/python" ] || { echo "test.sh: $VENV/bin/python is not first on PATH" >&2; exit 1; }

# crosswheel itself (built by its own backend) and the newest test tools, from PyPI.
python -m pip install --quiet --upgrade pip
python -m pip install --quiet --upgrade --upgrade-strategy eager ".[test]"

exec python -m pytest "$@"
