#!/usr/bin/env bash
# Provision everything the cross-compilation tests need on a Debian 12 host:
#   * host packages: cross g++ for aarch64/armhf, qemu-user-static, file
#   * one sysroot per target architecture, unpacked from Debian's own .debs
#     (dpkg -x, never installed system-wide: a foreign python3 cannot be
#     co-installed with the host's and would drag in upgrades).
#
# Usage: tools/cross/setup.sh [--force] [aarch64] [armhf]   (default: both)
# Env:   CROSSWHEEL_SYSROOTS  parent folder of the sysroots
#                             (default: <repo>/.cache/sysroots)
#
# Idempotent: a completed sysroot carries a stamp; when all stamps match and the
# host tools are on PATH the script returns without touching apt.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)
readonly SCRIPT_DIR REPO_ROOT
# Absolute, since we cd into download folders later.
SYSROOTS=$(realpath -m -- "${CROSSWHEEL_SYSROOTS:-$REPO_ROOT/.cache/sysroots}")
readonly SYSROOTS

# Bump when the way a sysroot is assembled changes, so old ones get rebuilt.
readonly LAYOUT_VERSION=1

readonly HOST_PACKAGES=(g++-aarch64-linux-gnu g++-arm-linux-gnueabihf qemu-user-static file)
readonly HOST_TOOLS=(
    aarch64-linux-gnu-gcc aarch64-linux-gnu-g++
    arm-linux-gnueabihf-gcc arm-linux-gnueabihf-g++
    qemu-aarch64-static qemu-arm-static file
)

# Enough to link extension modules against the target's CPython and to run the
# target's python3.11 (with ssl/sqlite3/ctypes/readline/...) under qemu.
# libstdc++6 is needed to import C++ (pybind11/nanobind) modules.
readonly SYSROOT_PACKAGES=(
    python3.11-minimal libpython3.11-minimal libpython3.11-stdlib libpython3.11
    libpython3.11-dev libc6 libc6-dev linux-libc-dev libcrypt1 libcrypt-dev
    libexpat1 zlib1g libgcc-s1 libffi8 libssl3 libbz2-1.0 liblzma5 libsqlite3-0
    libuuid1 libncursesw6 libtinfo6 libreadline8 libnsl2 libtirpc3 libdb5.3
    libgssapi-krb5-2 libkrb5-3 libk5crypto3 libkrb5support0 libcom-err2
    libkeyutils1 libstdc++6
)

# Our arch name -> Debian architecture.
declare -A DEB_ARCH=([aarch64]=arm64 [armhf]=armhf)

log() { printf 'setup.sh: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

FORCE=0
ARCHES=()
for arg in "$@"; do
    case $arg in
        --force) FORCE=1 ;;
        -h | --help) sed -n '2,13p' "$0"; exit 0 ;;
        aarch64 | armhf) ARCHES+=("$arg") ;;
        *) die "unknown argument '$arg' (expected --force, aarch64, armhf)" ;;
    esac
done
((${#ARCHES[@]})) || ARCHES=(aarch64 armhf)

# The stamp records what a sysroot was built from; a changed package list or
# layout version therefore invalidates it.
STAMP_CONTENT="layout=$LAYOUT_VERSION packages=${SYSROOT_PACKAGES[*]}"
readonly STAMP_CONTENT
stamp_file() { printf '%s/%s/.crosswheel-sysroot-stamp' "$SYSROOTS" "$1"; }

sysroot_ok() {
    local stamp
    stamp=$(stamp_file "$1")
    [[ -f $stamp && $(<"$stamp") == "$STAMP_CONTENT" ]]
}

host_tools_ok() {
    local tool
    for tool in "${HOST_TOOLS[@]}"; do
        command -v "$tool" >/dev/null 2>&1 || return 1
    done
}

print_sysroots() {
    local arch
    for arch in "${ARCHES[@]}"; do
        printf '%s=%s\n' "$arch" "$SYSROOTS/$arch"
    done
}

# ---------------------------------------------------------------- fast path
all_ok() {
    ((FORCE == 0)) || return 1
    host_tools_ok || return 1
    local arch
    for arch in "${ARCHES[@]}"; do
        sysroot_ok "$arch" || return 1
    done
}
if all_ok; then
    print_sysroots
    exit 0
fi

# Serialise concurrent runs (e.g. parallel test workers): the first one does
# the work, the others wait and then find everything done.
mkdir -p "$SYSROOTS"
exec 9>"$SYSROOTS/.setup.lock"
flock 9
if all_ok; then
    print_sysroots
    exit 0
fi

# ---------------------------------------------------------------- apt helpers
APT_UPDATED=0
apt_update() {
    ((APT_UPDATED == 0)) || return 0
    APT_UPDATED=1
    log "apt-get update"
    # A partial failure (e.g. one mirror index mid-sync) must not stop us: the
    # install/download that follows is what decides, and fails loudly.
    local out
    if ! out=$(apt-get update -q 2>&1); then
        log "WARNING: apt-get update reported errors (continuing):"
        grep -E '^(E|W):' <<<"$out" >&2 || true
    fi
}

# Run an apt command; if it fails on possibly stale/missing package lists,
# refresh them once and retry.
apt_retry() {
    if "$@"; then
        return 0
    fi
    if ((APT_UPDATED == 0)); then
        log "'$*' failed; refreshing package lists and retrying"
        apt_update
        "$@" && return 0
    fi
    return 1
}

# apt drops privileges to _apt for downloads, which cannot write into a
# root-only temp dir; as root, download as root instead of warning about it.
APT_DL_OPTS=()
((EUID != 0)) || APT_DL_OPTS=(-o APT::Sandbox::User=root)

# ---------------------------------------------------------------- host tools
if ! host_tools_ok; then
    ((EUID == 0)) || die "host tools missing and not root: install ${HOST_PACKAGES[*]}"
    log "installing ${HOST_PACKAGES[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # Keep apt's chatter out of the way unless something goes wrong.
    install_log=$(mktemp)
    if ! apt_retry apt-get install -y -q --no-install-recommends "${HOST_PACKAGES[@]}" \
        >"$install_log" 2>&1; then
        tail -n 30 "$install_log" >&2
        die "apt-get install ${HOST_PACKAGES[*]} failed (log: $install_log)"
    fi
    rm -f "$install_log"
    host_tools_ok || die "installed ${HOST_PACKAGES[*]} but a tool is still missing from PATH"
fi

# ---------------------------------------------------------------- sysroots
TMP_ROOT=$(mktemp -d "$SYSROOTS/.tmp.XXXXXX")
trap 'rm -rf "$TMP_ROOT"' EXIT

# Enable every needed dpkg architecture first, so that one apt-get update
# fetches all their package lists.
prepare_foreign_arches() {
    local arch deb_arch need_update=0
    for arch in "$@"; do
        deb_arch=${DEB_ARCH[$arch]}
        if ! dpkg --print-foreign-architectures | grep -qx "$deb_arch"; then
            ((EUID == 0)) || die "dpkg architecture $deb_arch not enabled and not root"
            log "dpkg --add-architecture $deb_arch"
            dpkg --add-architecture "$deb_arch"
            need_update=1
        elif ! compgen -G "/var/lib/apt/lists/*_binary-${deb_arch}_Packages*" >/dev/null; then
            need_update=1
        fi
    done
    if ((need_update)); then
        APT_UPDATED=0  # lists fetched earlier in this run lack the new arches
        apt_update
    fi
}

# Rewrite absolute symlinks (dpkg -x keeps e.g. usr/lib/<triple>/libm.so ->
# /lib/<triple>/libm.so.6) as relative ones, so they resolve inside the
# sysroot for the linker, for CMake's find_library and under qemu -L, instead
# of escaping to the host's files.
relativize_symlinks() {
    local root=$1 link target
    while IFS= read -r -d '' link; do
        target=$(readlink "$link")
        ln -sfn "$(realpath -s -m --relative-to="$(dirname "$link")" "$root$target")" "$link"
    done < <(find "$root" -type l -lname '/*' -print0)
}

build_sysroot() {
    local arch=$1 deb_arch=${DEB_ARCH[$1]}
    local dest="$SYSROOTS/$arch" debs="$TMP_ROOT/debs-$arch" staging="$TMP_ROOT/root-$arch"
    local start=$SECONDS pkg deb

    mkdir -p "$debs" "$staging"
    local specs=()
    for pkg in "${SYSROOT_PACKAGES[@]}"; do specs+=("$pkg:$deb_arch"); done

    log "$arch: downloading ${#specs[@]} $deb_arch packages"
    # apt-get download writes to the current directory; no subshell, so that
    # apt_retry's "already updated" flag survives for the next arch.
    cd "$debs"
    apt_retry apt-get download -q "${APT_DL_OPTS[@]}" "${specs[@]}" >/dev/null \
        || die "$arch: apt-get download failed"
    cd "$REPO_ROOT"

    log "$arch: unpacking"
    for deb in "$debs"/*.deb; do
        dpkg -x "$deb" "$staging"
    done
    relativize_symlinks "$staging"

    [[ -x $staging/usr/bin/python3.11 ]] || die "$arch: no usr/bin/python3.11 in sysroot"
    [[ -f $staging/usr/include/python3.11/Python.h ]] || die "$arch: no Python.h in sysroot"

    # Swap in atomically-ish: a half-built sysroot never carries a stamp.
    printf '%s' "$STAMP_CONTENT" >"$staging/.crosswheel-sysroot-stamp"
    rm -rf "$dest"
    mv "$staging" "$dest"
    log "$arch: ready in $((SECONDS - start)) s ($(du -sh "$dest" | cut -f1))"
}

TODO=()
for arch in "${ARCHES[@]}"; do
    if ((FORCE == 1)) || ! sysroot_ok "$arch"; then
        TODO+=("$arch")
    fi
done
if ((${#TODO[@]})); then
    prepare_foreign_arches "${TODO[@]}"
    for arch in "${TODO[@]}"; do
        build_sysroot "$arch"
    done
fi

print_sysroots
