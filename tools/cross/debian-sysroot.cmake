# Shared body of the toolchain files in this folder: a Debian 12 sysroot made by setup.sh.
# The including file sets _cw_triple, _cw_processor, _cw_arch (sysroot folder) and _cw_qemu.
#
# Sysroot, first match wins:
#   -DCROSSWHEEL_SYSROOT=/abs/path    (cache variable)
#   $CROSSWHEEL_SYSROOT               (environment)
#   <repo>/.cache/sysroots/<arch>     (setup.sh's default location)
# The choice is stored in the cache, so re-configures stay on the same sysroot
# even if the environment changes.

set(CMAKE_SYSTEM_NAME Linux)
# What `uname -m` says on the target; projects and build backends key off it.
set(CMAKE_SYSTEM_PROCESSOR ${_cw_processor})

if(DEFINED CROSSWHEEL_SYSROOT AND NOT CROSSWHEEL_SYSROOT STREQUAL "")
  set(_crosswheel_sysroot "${CROSSWHEEL_SYSROOT}")
elseif(NOT "$ENV{CROSSWHEEL_SYSROOT}" STREQUAL "")
  set(_crosswheel_sysroot "$ENV{CROSSWHEEL_SYSROOT}")
else()
  set(_crosswheel_sysroot "${CMAKE_CURRENT_LIST_DIR}/../../.cache/sysroots/${_cw_arch}")
endif()
# Normalise (drops the ../..) so paths in the cache and in messages are clean.
get_filename_component(_crosswheel_sysroot "${_crosswheel_sysroot}" ABSOLUTE)
if(NOT EXISTS "${_crosswheel_sysroot}/usr/include/python3.11/Python.h")
  message(FATAL_ERROR
    "No ${_cw_arch} sysroot at '${_crosswheel_sysroot}'. "
    "Run tools/cross/setup.sh or set CROSSWHEEL_SYSROOT.")
endif()
set(CROSSWHEEL_SYSROOT "${_crosswheel_sysroot}" CACHE PATH "Sysroot for ${_cw_triple}")
# Use the normalised path from here on even if the cache holds a spelling
# given with -D (e.g. a trailing slash).
set(CROSSWHEEL_SYSROOT "${_crosswheel_sysroot}")

# try_compile() projects re-read this file in a fresh cache: hand the resolved
# path over so they cannot pick a different one from the environment.
if(NOT "CROSSWHEEL_SYSROOT" IN_LIST CMAKE_TRY_COMPILE_PLATFORM_VARIABLES)
  list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES CROSSWHEEL_SYSROOT)
endif()

set(CMAKE_C_COMPILER ${_cw_triple}-gcc)
set(CMAKE_CXX_COMPILER ${_cw_triple}-g++)

set(CMAKE_SYSROOT "${CROSSWHEEL_SYSROOT}")
# Debian multiarch: libraries live in (usr/)lib/<triple>.
set(CMAKE_LIBRARY_ARCHITECTURE ${_cw_triple})

# Libraries, headers and packages come from the sysroot only; programs
# (code generators, the build machine's python) from the host only.
# Roots passed as -DCMAKE_FIND_ROOT_PATH=... are kept: a search path already
# inside a root is not re-rooted, so e.g. adding the build machine's
# site-packages keeps CMAKE_PREFIX_PATH=<site-packages>/pybind11 findable.
list(APPEND CMAKE_FIND_ROOT_PATH "${CROSSWHEEL_SYSROOT}")
list(REMOVE_DUPLICATES CMAKE_FIND_ROOT_PATH)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# Lets CMake run target binaries (ctest, FindPython with CMP0190 NEW querying
# the sysroot's python3.11) through user-mode qemu; -L makes the target's
# dynamic loader and libraries resolve inside the sysroot.
find_program(CROSSWHEEL_QEMU ${_cw_qemu} NO_CMAKE_FIND_ROOT_PATH)
if(CROSSWHEEL_QEMU)
  set(CMAKE_CROSSCOMPILING_EMULATOR "${CROSSWHEEL_QEMU};-L;${CROSSWHEEL_SYSROOT}")
endif()

# pkg-config must see the target's .pc files, with paths rebased to the sysroot.
set(ENV{PKG_CONFIG_LIBDIR}
  "${CROSSWHEEL_SYSROOT}/usr/lib/${_cw_triple}/pkgconfig:${CROSSWHEEL_SYSROOT}/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_SYSROOT_DIR} "${CROSSWHEEL_SYSROOT}")
