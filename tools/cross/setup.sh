#!/usr/bin/env bash
# Provision everything the cross-compilation tests need on a Debian 12 x86_64 host:
#   * host packages: cross g++ for six architectures, qemu-user-static, file,
#     debian-archive-keyring (apt, waiting for the dpkg lock instead of failing)
#   * one sysroot per target, unpacked from Debian's own .debs (dpkg -x, never
#     installed system-wide). Each (suite, architecture) has its own private apt
#     configuration, so the host's dpkg architectures and package lists are
#     never touched, and Debian 13 "trixie" (riscv64, Python 3.13) works the same
#     way as Debian 12 "bookworm".
#
# Usage: tools/cross/setup.sh [--force] [SYSROOT...]
#        SYSROOT: aarch64 armhf i686 ppc64le s390x riscv64 aarch64-py313 (default: all)
# Env:   CROSSWHEEL_SYSROOTS      parent folder of the sysroots (default: <repo>/.cache/sysroots)
#        CROSSWHEEL_CACHE         machine-wide download cache shared by every clone
#                                 (default: /var/cache/crosswheel, or ~/.cache/crosswheel
#                                 when that is not writable)
#        CROSSWHEEL_DEBIAN_MIRROR (default: http://deb.debian.org/debian)
#
# Idempotent: a completed sysroot carries a stamp; when all stamps match and the
# host tools are on PATH the script returns without touching apt. The .debs stay
# in the machine-wide cache, so a fresh clone only unpacks them (no network).
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)
readonly SCRIPT_DIR REPO_ROOT
SYSROOTS=$(realpath -m -- "${CROSSWHEEL_SYSROOTS:-$REPO_ROOT/.cache/sysroots}")
readonly SYSROOTS
MIRROR=${CROSSWHEEL_DEBIAN_MIRROR:-http://deb.debian.org/debian}
readonly MIRROR
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
# Every apt/dpkg call waits up to 10 minutes for another apt (e.g. unattended
# upgrades on a fresh machine) instead of failing at once.
readonly APT_WAIT=(-o DPkg::Lock::Timeout=600)

# Bump when the way a sysroot is assembled changes, so old ones get rebuilt.
readonly LAYOUT_VERSION=2

readonly TRIPLES=(aarch64-linux-gnu arm-linux-gnueabihf i686-linux-gnu powerpc64le-linux-gnu
                  s390x-linux-gnu riscv64-linux-gnu)
HOST_PACKAGES=(qemu-user-static file debian-archive-keyring)
HOST_TOOLS=(file)
for t in "${TRIPLES[@]}"; do
    HOST_PACKAGES+=("g++-$t")
    HOST_TOOLS+=("$t-gcc" "$t-g++")
done
for q in aarch64 arm i386 ppc64le s390x riscv64; do HOST_TOOLS+=("qemu-$q-static"); done
readonly HOST_PACKAGES HOST_TOOLS

# Enough to link extension modules against the target's CPython and to run the
# target's python (with ssl/sqlite3/ctypes/readline/...) under qemu.
# libstdc++6 is needed to import C++ (pybind11/nanobind) modules.
readonly PACKAGES_BOOKWORM=(
    python3.11-minimal libpython3.11-minimal libpython3.11-stdlib libpython3.11
    libpython3.11-dev libc6 libc6-dev linux-libc-dev libcrypt1 libcrypt-dev
    libexpat1 zlib1g libgcc-s1 libffi8 libssl3 libbz2-1.0 liblzma5 libsqlite3-0
    libuuid1 libncursesw6 libtinfo6 libreadline8 libnsl2 libtirpc3 libdb5.3
    libgssapi-krb5-2 libkrb5-3 libk5crypto3 libkrb5support0 libcom-err2
    libkeyutils1 libstdc++6
)
# trixie renamed the 64-bit time_t transition packages (…t64).
readonly PACKAGES_TRIXIE=(
    python3.13-minimal libpython3.13-minimal libpython3.13-stdlib libpython3.13
    libpython3.13-dev libc6 libc6-dev linux-libc-dev libcrypt1 libcrypt-dev
    libexpat1 zlib1g libgcc-s1 libffi8 libssl3t64 libbz2-1.0 liblzma5 libsqlite3-0
    libuuid1 libncursesw6 libtinfo6 libreadline8t64 libnsl2 libtirpc3t64 libdb5.3t64
    libgssapi-krb5-2 libkrb5-3 libk5crypto3 libkrb5support0 libcom-err2
    libkeyutils1 libstdc++6 libmpdec4 libzstd1
)

# sysroot name -> "suite debian-arch python-version"
declare -A SPEC=(
    [aarch64]="bookworm arm64 3.11"
    [armhf]="bookworm armhf 3.11"
    [i686]="bookworm i386 3.11"
    [ppc64le]="bookworm ppc64el 3.11"
    [s390x]="bookworm s390x 3.11"
    [riscv64]="trixie riscv64 3.13"
    [aarch64-py313]="trixie arm64 3.13"
)
readonly ALL_SYSROOTS=(aarch64 armhf i686 ppc64le s390x riscv64 aarch64-py313)

log() { printf 'setup.sh: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

FORCE=0
NAMES=()
for arg in "$@"; do
    case $arg in
        --force) FORCE=1 ;;
        -h | --help) sed -n '2,21p' "$0"; exit 0 ;;
        *)
            [[ -n ${SPEC[$arg]+x} ]] || die "unknown argument '$arg' (expected --force or one of: ${ALL_SYSROOTS[*]})"
            NAMES+=("$arg") ;;
    esac
done
((${#NAMES[@]})) || NAMES=("${ALL_SYSROOTS[@]}")

packages_for() { # suite -> package names
    if [[ $1 == trixie ]]; then echo "${PACKAGES_TRIXIE[*]}"; else echo "${PACKAGES_BOOKWORM[*]}"; fi
}

# The stamp records what a sysroot was built from; a changed package list or
# layout version therefore invalidates it.
stamp_content() {
    local suite deb_arch pyver
    read -r suite deb_arch pyver <<<"${SPEC[$1]}"
    printf 'layout=%s suite=%s arch=%s python=%s packages=%s' "$LAYOUT_VERSION" "$suite" \
        "$deb_arch" "$pyver" "$(packages_for "$suite")"
}
stamp_file() { printf '%s/%s/.crosswheel-sysroot-stamp' "$SYSROOTS" "$1"; }

sysroot_ok() {
    local stamp
    stamp=$(stamp_file "$1")
    [[ -f $stamp && $(<"$stamp") == "$(stamp_content "$1")" ]]
}

host_tools_ok() {
    local tool
    for tool in "${HOST_TOOLS[@]}"; do
        command -v "$tool" >/dev/null 2>&1 || return 1
    done
    [[ -f $KEYRING ]]
}

print_sysroots() {
    local name
    for name in "${NAMES[@]}"; do printf '%s=%s\n' "$name" "$SYSROOTS/$name"; done
}

# ---------------------------------------------------------------- fast path
all_ok() {
    ((FORCE == 0)) || return 1
    host_tools_ok || return 1
    local name
    for name in "${NAMES[@]}"; do sysroot_ok "$name" || return 1; done
}
if all_ok; then
    print_sysroots
    exit 0
fi

# Serialise concurrent runs in this clone (e.g. parallel test workers): the
# first one does the work, the others wait and then find everything done.
mkdir -p "$SYSROOTS"
exec 9>"$SYSROOTS/.setup.lock"
flock 9
if all_ok; then
    print_sysroots
    exit 0
fi

# ---------------------------------------------------------------- host tools
if ! host_tools_ok; then
    ((EUID == 0)) || die "host tools missing and not root: install ${HOST_PACKAGES[*]}"
    log "installing ${HOST_PACKAGES[*]}"
    export DEBIAN_FRONTEND=noninteractive
    install_log=$(mktemp)
    install() { apt-get install -y -q "${APT_WAIT[@]}" --no-install-recommends "${HOST_PACKAGES[@]}"; }
    if ! install >"$install_log" 2>&1; then
        # Stale or missing package lists: refresh once (a partial failure, e.g. one
        # mirror index mid-sync, is fine: the install that follows decides).
        log "install failed; apt-get update and one retry"
        apt-get update -q "${APT_WAIT[@]}" >>"$install_log" 2>&1 || log "WARNING: apt-get update reported errors"
        if ! install >>"$install_log" 2>&1; then
            tail -n 30 "$install_log" >&2
            die "apt-get install ${HOST_PACKAGES[*]} failed (log: $install_log)"
        fi
    fi
    rm -f "$install_log"
    host_tools_ok || die "installed ${HOST_PACKAGES[*]} but a tool is still missing from PATH"
fi

# ---------------------------------------------------------------- download cache
CACHE=${CROSSWHEEL_CACHE:-/var/cache/crosswheel}
if ! mkdir -p "$CACHE" 2>/dev/null || [[ ! -w $CACHE ]]; then
    CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/crosswheel
    mkdir -p "$CACHE"
fi
CACHE=$(realpath -- "$CACHE")
readonly CACHE

# A private apt configuration per suite and architecture: its own sources, lists,
# status and cache under $CACHE/apt/<suite>-<arch>, nothing from /etc/apt/sources*.
apt_conf() {
    local suite=$1 deb_arch=$2 dir="$CACHE/apt/$1-$2"
    # Rewritten every time (cheap), so a changed mirror takes effect; the lists stay.
    mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial" "$dir/parts" "$dir/prefs"
    : >"$dir/status"
    printf 'deb [arch=%s signed-by=%s] %s %s main\n' "$deb_arch" "$KEYRING" "$MIRROR" "$suite" \
        >"$dir/sources.list"
    cat >"$dir/apt.conf.tmp" <<EOF
Dir::Etc::SourceList "$dir/sources.list";
Dir::Etc::SourceParts "$dir/parts";
Dir::Etc::Preferences "$dir/prefs/none";
Dir::Etc::PreferencesParts "$dir/prefs";
Dir::State::Lists "$dir/lists";
Dir::State::status "$dir/status";
Dir::Cache "$dir/cache";
APT::Architecture "$deb_arch";
APT::Architectures { "$deb_arch"; };
Acquire::Languages "none";
EOF
    mv "$dir/apt.conf.tmp" "$dir/apt.conf"
    printf '%s' "$dir/apt.conf"
}

# apt drops privileges to _apt for downloads, which cannot write into a
# root-only folder; as root, download as root instead of warning about it.
APT_DL_OPTS=()
((EUID != 0)) || APT_DL_OPTS=(-o APT::Sandbox::User=root)

# Fills $CACHE/debs/<suite>-<arch> and prints the .deb paths for one sysroot.
# The manifest (keyed by the package list) lets a second clone skip apt entirely.
fetch_debs() {
    local suite=$1 deb_arch=$2 debs="$CACHE/debs/$1-$2" key manifest conf f missing=0
    local -a pkgs
    read -r -a pkgs <<<"$(packages_for "$suite")"
    key=$(printf '%s' "${pkgs[*]}" | sha256sum | cut -c1-16)
    manifest="$debs/manifest-$key"
    mkdir -p "$debs"
    (
        flock 8  # one download per folder even across clones
        if [[ -f $manifest ]]; then
            while IFS= read -r f; do [[ -f $debs/$f ]] || missing=1; done <"$manifest"
            ((missing)) || exit 0
        fi
        conf=$(apt_conf "$suite" "$deb_arch")
        log "$suite/$deb_arch: apt-get update (private configuration $conf)"
        APT_CONFIG=$conf apt-get update -q "${APT_DL_OPTS[@]}" >/dev/null \
            || die "$suite/$deb_arch: apt-get update failed"
        # 'URI' file size hash: the exact file names apt-get download writes.
        APT_CONFIG=$conf apt-get download --print-uris -q "${pkgs[@]}" \
            | awk '{print $2}' >"$manifest.tmp" || die "$suite/$deb_arch: a package is unknown"
        ((${#pkgs[@]} == $(wc -l <"$manifest.tmp"))) || die "$suite/$deb_arch: not every package was found"
        log "$suite/$deb_arch: downloading ${#pkgs[@]} packages into $debs"
        cd "$debs"
        APT_CONFIG=$conf apt-get download -q "${APT_DL_OPTS[@]}" "${pkgs[@]}" >/dev/null \
            || die "$suite/$deb_arch: apt-get download failed"
        mv "$manifest.tmp" "$manifest"
    ) 8>"$debs/.lock" || exit 1
    while IFS= read -r f; do printf '%s\n' "$debs/$f"; done <"$manifest"
}

# ---------------------------------------------------------------- sysroots
TMP_ROOT=$(mktemp -d "$SYSROOTS/.tmp.XXXXXX")
trap 'rm -rf "$TMP_ROOT"' EXIT

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
    local name=$1 suite deb_arch pyver
    read -r suite deb_arch pyver <<<"${SPEC[$name]}"
    local dest="$SYSROOTS/$name" staging="$TMP_ROOT/root-$name" start=$SECONDS deb d
    local -a files
    fetch_debs "$suite" "$deb_arch" >"$TMP_ROOT/debs-$name"
    mapfile -t files <"$TMP_ROOT/debs-$name"
    ((${#files[@]})) || die "$name: no packages"
    mkdir -p "$staging"
    for deb in "${files[@]}"; do dpkg -x "$deb" "$staging"; done
    # Merged /usr (trixie ships everything under usr/): the ELF interpreter is
    # /lib/ld-*.so or /lib64/ld64.so*, which qemu -L and the linker look up at the root.
    for d in bin sbin lib lib64 lib32; do
        if [[ -d $staging/usr/$d && ! -e $staging/$d && ! -L $staging/$d ]]; then
            ln -s "usr/$d" "$staging/$d"
        fi
    done
    relativize_symlinks "$staging"
    [[ -x $staging/usr/bin/python$pyver ]] || die "$name: no usr/bin/python$pyver in sysroot"
    [[ -f $staging/usr/include/python$pyver/Python.h ]] || die "$name: no Python.h in sysroot"
    printf '%s' "$(stamp_content "$name")" >"$staging/.crosswheel-sysroot-stamp"
    rm -rf "$dest"
    mv "$staging" "$dest"
    log "$name: ready in $((SECONDS - start)) s ($(du -sh "$dest" | cut -f1))"
}

for name in "${NAMES[@]}"; do
    if ((FORCE == 1)) || ! sysroot_ok "$name"; then
        build_sysroot "$name"
    fi
done

print_sysroots
