# Example CMake toolchain file for CPython 3.11 on aarch64 Linux: Debian's
# aarch64-linux-gnu cross compilers and a sysroot that holds the target's libc
# and libpython3.11-dev. The sysroot is $ENV{CROSSWHEEL_SYSROOT} if set, else
# the one tools/cross/setup.sh unpacks into <repo>/.cache/sysroots/aarch64.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)

if(DEFINED ENV{CROSSWHEEL_SYSROOT})
    set(CMAKE_SYSROOT "$ENV{CROSSWHEEL_SYSROOT}")
else()
    get_filename_component(CMAKE_SYSROOT
        "${CMAKE_CURRENT_LIST_DIR}/../../.cache/sysroots/aarch64" ABSOLUTE)
endif()

set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)

set(CMAKE_FIND_ROOT_PATH "${CMAKE_SYSROOT}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# Tell FindPython/FindPython3 about the target's Python, since its interpreter
# cannot run here. Cache entries given by the build backend (cross options
# include_dir / soabi) take precedence over these defaults.
foreach(_py Python Python3)
    set(${_py}_INCLUDE_DIR "${CMAKE_SYSROOT}/usr/include/python3.11"
        CACHE PATH "Target Python headers")
    set(${_py}_SOABI "cpython-311-aarch64-linux-gnu"
        CACHE STRING "Target Python SOABI")
endforeach()
