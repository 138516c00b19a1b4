# CMake toolchain file: cross-compile for 32-bit Arm hard-float Linux (armv7l, Debian armhf)
# against the sysroot tools/cross/setup.sh makes (see debian-sysroot.cmake).
set(_cw_triple arm-linux-gnueabihf)
set(_cw_processor armv7l)
set(_cw_arch armhf)
set(_cw_qemu qemu-arm-static)
include("${CMAKE_CURRENT_LIST_DIR}/debian-sysroot.cmake")
