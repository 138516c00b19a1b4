#!/usr/bin/env bash
# Prove the cross setup end to end with plain CMake (no crosswheel): for each
# arch, build tools/cross/smoke both ways FindPython can be pointed at the
# sysroot, check the modules' ELF machine and import them in the target's
# python3.11 under qemu.
#
# Usage: tools/cross/smoke.sh [aarch64] [armhf]   (default: both)
# Needs: tools/cross/setup.sh done; ninja, pybind11 and nanobind for python3.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)
readonly SCRIPT_DIR REPO_ROOT
ARCHES=("$@")
((${#ARCHES[@]})) || ARCHES=(aarch64 armhf)

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# Target facts and checks go through tests/crossutil.py, so this also
# exercises the test helpers.
cat >"$WORK/check.py" <<'PY'
import sys
from pathlib import Path

sys.path.insert(0, sys.argv[1])
import crossutil as cu

cmd, arch = sys.argv[2], sys.argv[3]
if cmd == "facts":  # sysroot, toolchain file, SOABI: one per line
    print(cu.sysroot(arch), cu.toolchain_file(arch), cu.target_sysconfig(arch)["SOABI"], sep="\n")
elif cmd == "check":  # check BUILD_DIR N_MODULES
    build, expected = Path(sys.argv[4]), int(sys.argv[5])
    soabi = cu.target_sysconfig(arch)["SOABI"]
    modules = sorted(build.glob(f"*.{soabi}.so"))
    assert len(modules) == expected, f"expected {expected} modules, got {modules}"
    want = {"aarch64": "aarch64", "armhf": "arm"}[arch]
    for m in modules:
        assert cu.elf_machine(m) == want, f"{m.name}: {cu.elf_machine(m)} != {want}"
    names = [m.name.split(".")[0] for m in modules]
    code = (
        "import importlib, platform\n"
        f"print(platform.machine(), *(f'{{m}}.add(1,2)={{importlib.import_module(m).add(1, 2)}}'"
        f" for m in {names!r}))"
    )
    print(cu.run_target_python(arch, code, [build]).stdout.strip())
PY
check() { python3 "$WORK/check.py" "$REPO_ROOT/tests" "$@"; }

PYBIND11_DIR=$(python3 -m pybind11 --cmakedir)
NANOBIND_DIR=$(python3 -m nanobind --cmake_dir)

for arch in "${ARCHES[@]}"; do
    facts=$(check facts "$arch")  # an assignment, so set -e sees a failure
    { read -r sysroot; read -r toolchain; read -r soabi; } <<<"$facts"
    common=(
        -G Ninja -DCMAKE_BUILD_TYPE=Release
        -DCMAKE_TOOLCHAIN_FILE="$toolchain" -DCROSSWHEEL_SYSROOT="$sysroot"
        -Dpybind11_DIR="$PYBIND11_DIR" -Dnanobind_DIR="$NANOBIND_DIR"
        # Else pybind11 runs a found target interpreter directly (not via the
        # emulator) as soon as the toolchain file defines an emulator.
        -DPYBIND11_USE_CROSSCOMPILING=ON
    )
    for route in hints emulator; do
        case $route in
            # Development.Module only, explicit hints. nanobind insists on a
            # Python::Interpreter target, so it is left out here.
            hints) args=(-DSMOKE_PYTHON=Python3 -DSMOKE_NANOBIND=OFF
                         -DPython3_INCLUDE_DIR="$sysroot/usr/include/python3.11"
                         -DPython3_SOABI="$soabi" -DSKBUILD_SOABI="$soabi")
                   expected=2 ;;
            # Target interpreter run through the emulator (CMP0190 NEW).
            emulator) args=(-DSMOKE_PYTHON=Python
                            -DPython_EXECUTABLE="$sysroot/usr/bin/python3.11")
                      expected=3 ;;
        esac
        build="$WORK/$arch-$route"
        if ! { cmake -S "$SCRIPT_DIR/smoke" -B "$build" "${common[@]}" "${args[@]}" \
                && cmake --build "$build"; } >"$build.log" 2>&1; then
            cat "$build.log" >&2
            echo "FAIL: $arch/$route" >&2
            exit 1
        fi
        echo "ok: $arch/$route: $(check check "$arch" "$build" "$expected")"
    done
done
