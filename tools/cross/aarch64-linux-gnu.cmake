# CMake toolchain file: cross-compile for 64-bit Arm Linux (aarch64, Debian arm64) against the
# sysroot tools/cross/setup.sh makes (see debian-sysroot.cmake for how the sysroot is chosen).
set(_cw_triple aarch64-linux-gnu)
set(_cw_processor aarch64)
set(_cw_arch aarch64)
set(_cw_qemu qemu-aarch64-static)
include("${CMAKE_CURRENT_LIST_DIR}/debian-sysroot.cmake")
